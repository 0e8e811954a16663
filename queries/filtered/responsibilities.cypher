// responsibilities.cypher for the plans in $plans (their IRIs): the same rows, found from each plan.
MATCH (w:WorkPlan)-[:HAS_ACTIVITY]->(a:Activity)
WHERE w.uri IN $plans AND a.itemNumber IS NOT NULL AND a.label IS NOT NULL AND a.ordinal IS NOT NULL
OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(o:Organization)
WITH w.source AS source, a.itemNumber AS item, a.label AS activity, o.prefLabel AS organization,
     a.deadline AS deadline, min(a.ordinal) AS n
RETURN source, item, activity, organization, deadline
ORDER BY source, n, coalesce(organization, '')
