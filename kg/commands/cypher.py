"""``kg push neo4j`` and ``kg push sparql``: the workspace in a graph database beyond this machine.

(The embedded Cypher database needs no command: ``kg build`` keeps it, ``kg query --engine
cypher`` and ``kg query --cypher`` read it, ``kg export --format neo4j-csv|cypher`` write it out.)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kg.commands.common import DB_OPTION, open_workspace


def _password(env: str, user: str, what: str) -> str:
    """The password from the environment, or a hidden prompt at a terminal; never an option."""
    password = os.environ.get(env)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise click.UsageError(f"set {env} to the password of {what} user {user!r} "
                               f"(it is never taken from the command line)")
    return click.prompt(f"{what} password for {user}", hide_input=True)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group()
def push() -> None:
    """Copy the workspace into Neo4j or a SPARQL server.

    Both are idempotent: pushing again changes nothing unless a plan changed, and a changed
    plan's old subgraph (or named graph) is replaced.
    """


@push.command("neo4j")
@click.option("--uri", envvar="NEO4J_URI", required=True, metavar="URI",
              help="bolt://HOST:7687 or neo4j://HOST:7687 (also $NEO4J_URI).")
@click.option("--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="Also $NEO4J_USER.")
@click.option("--database", envvar="NEO4J_DATABASE", default=None, help="Database name (default: the server's).")
@click.option("--batch-size", type=click.IntRange(1, 100000), default=1000, show_default=True,
              help="Rows per UNWIND … MERGE statement.")
@click.option("--full", is_flag=True, help="Replace every plan's subgraph, changed or not (after a change to "
                                           "the extractors, say).")
@DB_OPTION
def neo4j(uri: str, user: str, database: str | None, batch_size: int, full: bool, db: Path) -> None:
    """Push the property graph to Neo4j with the official driver.

    The password comes from $NEO4J_PASSWORD, or a prompt at a terminal. Nodes carry the label
    Resource and their IRI in `uri` (n10s's convention and uniqueness constraint), plus a label
    per class; relationships are the ones `kg query --engine cypher` sees. Statements are
    batched (UNWIND $rows … MERGE) and retried on transient errors.

    \b
    Examples:
      NEO4J_PASSWORD=secret kg push neo4j --uri bolt://localhost:7687 --db kg-db
      kg push neo4j --uri neo4j://graph.example.org:7687 --user analyst --database plans --db kg-db
    """
    from kg.stores.base import store
    from kg.stores.neo4j import PushError

    password = _password("NEO4J_PASSWORD", user, "Neo4j")
    target = store("neo4j", uri=uri, user=user, password=password, database=database, batch_size=batch_size)
    with open_workspace(db, read_only=True) as ws:
        try:
            report = target.sync(ws, full=full)
        except PushError as err:
            _fail(str(err))
    click.echo(f"replaced {len(report.replaced)} plans, {len(report.unchanged)} unchanged, in "
               f"{report.statements} statements; Neo4j holds {report.nodes} nodes and "
               f"{report.relationships} relationships")


@push.command("sparql")
@click.option("--endpoint", required=True, metavar="URL",
              help="Where to write: a Graph Store Protocol URL (Oxigraph …/store, Fuseki …/ds/data), or with "
                   "--protocol update a SPARQL Update URL (…/update).")
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="gsp: PUT each named graph; update: DROP GRAPH + INSERT DATA.")
@click.option("--query-endpoint", metavar="URL",
              help="A SPARQL query URL of the same server (Oxigraph …/query): unchanged plans are skipped "
                   "and the triples held are counted.")
@click.option("--user", default=None, help="HTTP basic-auth user; the password from $SPARQL_PASSWORD or a prompt.")
@click.option("--full", is_flag=True, help="Send every plan, changed or not.")
@DB_OPTION
def sparql(endpoint: str, protocol: str, query_endpoint: str | None, user: str | None, full: bool, db: Path) -> None:
    """Push the RDF to a SPARQL 1.1 server, one named graph per plan.

    Each plan's graph (and the ontology and program scheme graphs) replaces the graph of the
    same IRI on the server. The canned queries expect the union of the named graphs as the
    default graph (Oxigraph: serve --union-default-graph).

    \b
    Examples:
      kg push sparql --endpoint http://localhost:7878/store --query-endpoint http://localhost:7878/query --db kg-db
      kg push sparql --protocol update --endpoint http://localhost:3030/ds/update --db kg-db
    """
    from kg.stores.base import store
    from kg.stores.sparql_endpoint import EndpointError

    password = _password("SPARQL_PASSWORD", user, "SPARQL server") if user is not None else None
    target = store("sparql", endpoint=endpoint, protocol=protocol, query_endpoint=query_endpoint, user=user,
                   password=password)
    with open_workspace(db, read_only=True) as ws:
        try:
            report = target.sync(ws, full=full)
        except EndpointError as err:
            _fail(str(err))
    held = f"; the server holds {report.triples_held} triples in them" if report.triples_held is not None else ""
    click.echo(f"sent {len(report.sent)} graphs ({report.triples_sent} triples), "
               f"{len(report.unchanged)} unchanged{held}")
