// Every task-table row with its 序号, 完成时限 and each responsible unit (blank where the plan names none).
MATCH (w:WorkPlan)-[:HAS_ACTIVITY]->(a:Activity)
WHERE a.itemNumber IS NOT NULL AND a.label IS NOT NULL AND a.ordinal IS NOT NULL
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(o:Organization)
WITH w.source AS source, a.itemNumber AS item, a.label AS activity, o.prefLabel AS organization,
     a.deadline AS deadline, min(a.ordinal) AS n
RETURN source, item, activity, organization, deadline
// A row without a unit sorts first, as an unbound value does in SPARQL; the embedded database also
// put rows out of order by n where the last sort key was null (seen at 10,000 plans).
ORDER BY source, n, coalesce(organization, '')
