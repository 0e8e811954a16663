// One row per work plan or news report of one: who issued it, where, at what level, its 文号,
// issue date, plan year and kind (plan | report).
MATCH (w:WorkPlan)-[:ISSUED_BY]->(o:Organization)
OPTIONAL MATCH (o)-[:HAS_REGION]->(r:Region)
RETURN DISTINCT w.uri AS document, w.source AS source, w.title AS title, o.prefLabel AS issuer,
       r.label AS region, o.level AS level, w.identifier AS doc_number, w.issued AS issued,
       w.planYear AS year, w.documentKind AS kind
ORDER BY source
