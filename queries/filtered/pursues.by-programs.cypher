// pursues.cypher for the programs in $programs (their preferred labels): the same rows for those
// programs, found from each program.
MATCH (p:Program)
WHERE p.prefLabel IN $programs
MATCH (o:Organization)-[r:PURSUES]->(p)
RETURN DISTINCT o.prefLabel AS organization, p.prefLabel AS program, r.source AS source,
       r.year AS year, r.evidence AS evidence
ORDER BY source, organization, program
