// Every program pursued anywhere: its type, aliases, how many plans name it, by whom, and where.
// sets: aliases organizations source
MATCH (o:Organization)-[r:PURSUES]->(p:Program)
WITH p.prefLabel AS program, p.programType AS type, p.altLabel AS aliases,
     count(DISTINCT r.document) AS documents, collect(DISTINCT o.prefLabel) AS organizations,
     collect(DISTINCT r.source) AS source
RETURN program, type, aliases, documents, organizations, source
ORDER BY documents DESC, program
