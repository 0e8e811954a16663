// Which body pursues which program, in which plan and year, with the first sentence that says so.
MATCH (o:Organization)-[r:PURSUES]->(p:Program)
RETURN DISTINCT o.prefLabel AS organization, p.prefLabel AS program, r.source AS source,
       r.year AS year, r.evidence AS evidence
ORDER BY source, organization, program
