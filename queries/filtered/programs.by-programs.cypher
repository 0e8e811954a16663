// programs.cypher for the programs in $programs (their preferred labels), found from each program:
// a program's row counts every plan pursuing it, as in the whole answer.
// sets: aliases organizations source
MATCH (p:Program)
WHERE p.prefLabel IN $programs
MATCH (o:Organization)-[r:PURSUES]->(p)
WITH p, count(DISTINCT r.document) AS documents, collect(DISTINCT o.prefLabel) AS organizations,
     collect(DISTINCT r.source) AS source
RETURN p.prefLabel AS program, p.programType AS type, p.altLabel AS aliases, documents, organizations, source
ORDER BY documents DESC, program
