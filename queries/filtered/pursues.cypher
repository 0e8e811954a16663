// pursues.cypher for the plans in $plans (their IRIs): a pursuit states its plan (r.document).
MATCH (o:Organization)-[r:PURSUES]->(p:Program)
WHERE r.document IN $plans
RETURN DISTINCT o.prefLabel AS organization, p.prefLabel AS program, r.source AS source,
       r.year AS year, r.evidence AS evidence
ORDER BY source, organization, program
