// documents.cypher for the plans in $plans (their IRIs): the same rows, found from each plan.
MATCH (w:WorkPlan)-[:ISSUED_BY]->(o:Organization)
WHERE w.uri IN $plans
OPTIONAL MATCH (o)-[:HAS_REGION]->(r:Region)
RETURN DISTINCT w.uri AS document, w.source AS source, w.title AS title, o.prefLabel AS issuer,
       r.label AS region, o.level AS level, w.identifier AS doc_number, w.issued AS issued,
       w.planYear AS year, w.documentKind AS kind
ORDER BY source
