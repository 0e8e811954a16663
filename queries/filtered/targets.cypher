// targets.cypher for the plans in $plans (their IRIs): the same rows, found from each plan,
// each looked up by its IRI (the table's key), as in documents.cypher.
UNWIND $plans AS plan
MATCH (w:WorkPlan {uri: plan})-[:ISSUED_BY]->(o:Organization)
MATCH (w)-[:HAS_ACTIVITY]->(:Activity)-[:HAS_TARGET]->(t:Target)-[:HAS_EVIDENCE]->(e:Evidence)
OPTIONAL MATCH (t)-[:SERVES_PROGRAM]->(p:Program)
WITH o.prefLabel AS organization, w.source AS source, w.planYear AS year, p.prefLabel AS program,
     t.metric AS metric, t.comparator AS comparator, coalesce(t.value, t.minValue, t.maxValue) AS value, t.unitText AS unit,
     t.deadline AS deadline, e.sentence AS evidence, min(t.ordinal) AS n
RETURN organization, source, year, program, metric, comparator, value, unit, deadline, evidence
ORDER BY source, n
