"""Stores fed from the projection (kg/project.py): the embedded Cypher database (ladybug), Neo4j
(neo4j, with its bulk-import CSV in neo4j_csv and its cypher-shell script in cypher_script), and
SPARQL 1.1 endpoints fed from the RDF itself (sparql_endpoint)."""
