// documents.cypher for the plans in $plans (their IRIs): the same rows, found from each plan,
// each looked up by its IRI (the table's key): a test of every plan against the list
// (w.uri IN $plans) costs the whole table for each batch of plans an answer is read in.
UNWIND $plans AS plan
MATCH (w:WorkPlan {uri: plan})-[:ISSUED_BY]->(o:Organization)
OPTIONAL MATCH (o)-[:HAS_REGION]->(r:Region)
RETURN DISTINCT w.uri AS document, w.source AS source, w.title AS title, o.prefLabel AS issuer,
       r.label AS region, o.level AS level, w.identifier AS doc_number, w.issued AS issued,
       w.planYear AS year, w.documentKind AS kind
ORDER BY source
