"""Stores: where the workspace's graph is kept besides the RDF, each behind one interface
(:mod:`kg.stores.base`: a build hands a store the plans changed and removed) and chosen by name.

- ``ladybug``: the embedded Cypher database in the workspace (ladybug_store; ladybug: build,
  refresh, ensure; ladybug_state: its files and state; ladybug_load: bulk loading;
  ladybug_update: updating in place; ladybug_schema: the declared tables; ladybug_query: queries),
  fed from the projection as a stream (cypher_stream) read through its cache (cypher_cache);
  its Cypher text and the Neo4j statements are shared with the exports (kg/exports/);
- ``neo4j``: a Neo4j server (neo4j; the statements it runs: kg.exports.neo4j_statements);
- ``sparql``: a SPARQL 1.1 server, fed from the RDF itself (sparql_endpoint);
- ``pages``: the index the pages of ``kg viz`` count and look up in, in the workspace (pages).
"""
