"""``kg schema``: the labels, relationship types, classes and properties a workspace holds."""
from __future__ import annotations

from pathlib import Path

import click

from kg.commands.common import DB_OPTION, open_workspace


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "cypher", "sparql"]), default="table",
              show_default=True, help="table: for reading; json: for programs; cypher or sparql: an example "
              "query per label, relationship type or class, ready to run.")
@DB_OPTION
def schema(fmt: str, db: Path) -> None:
    """The schema of the workspace, with counts, for writing queries of your own.

    The property graph (the embedded Cypher database, and Neo4j after `kg push neo4j`): its
    labels with their node counts, the labels Neo4j adds (the standard classes each one
    specialises: Plan, Concept, FormalOrganization, …, which the embedded database does not
    know), each label's properties with their types and how many nodes have them, and each
    relationship type from label to label with its count and properties. Then the RDF: each
    class with its distinct nodes and each property with its statements and the kind of its
    objects (IRI or a datatype).

    \b
    Examples:
      kg schema --db kg-db
      kg schema --format json --db kg-db > schema.json
      kg schema --format cypher --db kg-db
      kg schema --format sparql --db kg-db
    """
    from kg.schema import FORMATS, read

    with open_workspace(db, read_only=True) as ws:          # that there is a workspace, before any work
        if not ws.documents:
            raise click.UsageError(f"{db}: the workspace holds no documents (run `kg build PATH... --db {db}`)")
    click.echo(FORMATS[fmt](read(db)), nl=False)
