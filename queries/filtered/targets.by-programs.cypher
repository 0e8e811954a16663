// targets.cypher for the programs in $programs (their preferred labels): the same rows for the
// targets serving those programs, found from each program.
MATCH (p:Program)
WHERE p.prefLabel IN $programs
MATCH (w:WorkPlan)-[:HAS_ACTIVITY]->(:Activity)-[:HAS_TARGET]->(t:Target)-[:SERVES_PROGRAM]->(p)
MATCH (w)-[:ISSUED_BY]->(o:Organization)
MATCH (t)-[:HAS_EVIDENCE]->(e:Evidence)
WITH o.prefLabel AS organization, w.source AS source, w.planYear AS year, p.prefLabel AS program,
     t.metric AS metric, t.comparator AS comparator, coalesce(t.value, t.minValue, t.maxValue) AS value, t.unitText AS unit,
     t.deadline AS deadline, e.sentence AS evidence, min(t.ordinal) AS n
RETURN organization, source, year, program, metric, comparator, value, unit, deadline, evidence
ORDER BY source, n
