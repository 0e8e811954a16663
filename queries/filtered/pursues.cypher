// pursues.cypher for the plans in $plans (their IRIs), found from each plan's issuer: the body
// that states the plan's pursuits, each naming its plan (r.document). Selecting the pursuits by
// r.document alone reads every pursuit of the workspace.
MATCH (w:WorkPlan)-[:ISSUED_BY]->(o:Organization)-[r:PURSUES]->(p:Program)
WHERE w.uri IN $plans AND r.document = w.uri
RETURN DISTINCT o.prefLabel AS organization, p.prefLabel AS program, r.source AS source,
       r.year AS year, r.evidence AS evidence
ORDER BY source, organization, program
