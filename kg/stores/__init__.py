"""Stores fed from the projection (kg/project.py): the embedded Cypher database (ladybug) and
Neo4j (neo4j, sending the statements of kg/exports/neo4j_statements.py), and SPARQL 1.1
endpoints fed from the RDF itself (sparql_endpoint)."""
