// programs.cypher for the plans in $plans (their IRIs): the programs their issuers pursue, each
// counted over those plans alone (its plans among them, the bodies pursuing it there). A plan
// states its issuer's pursuits, each naming its plan (r.document); found from each plan's issuer,
// for selecting the pursuits by r.document alone reads every pursuit of the workspace.
// sets: aliases organizations source
MATCH (w:WorkPlan)-[:ISSUED_BY]->(o:Organization)-[r:PURSUES]->(p:Program)
WHERE w.uri IN $plans AND r.document = w.uri
WITH p, count(DISTINCT r.document) AS documents, collect(DISTINCT o.prefLabel) AS organizations,
     collect(DISTINCT r.source) AS source
RETURN p.prefLabel AS program, p.programType AS type, p.altLabel AS aliases, documents, organizations, source
ORDER BY documents DESC, program
