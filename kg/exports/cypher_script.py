"""``kg export --format cypher``: the push as a script for cypher-shell.

The statements are the pusher's (kg/exports/neo4j_statements.py) with every parameter written as
a literal, since a script has no parameters; each ends with ``;``. Run against any database:
each plan's old subgraph is deleted, then everything is merged, so running it twice, or over an
earlier push, leaves the same graph::

    cypher-shell -a bolt://localhost:7687 -u neo4j -f plans.cypher
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, BinaryIO, Iterator

from .. import __version__
from ..mapping import Projection
from ..stores.cypher_stream import Stream, stream
from .cypher_text import literal
from .neo4j_statements import Statement, plan

if TYPE_CHECKING:
    from ..workspace import Workspace

BATCH_SIZE = 500
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def render(statement: Statement) -> str:
    """The statement with its parameters as literals."""
    def value(match: re.Match) -> str:
        return literal(statement.params[match.group(1)])
    return _PARAMETER.sub(value, statement.text)


def script_lines(projection: Projection | Stream, batch_size: int = BATCH_SIZE) -> Iterator[str]:
    """The script a statement at a time; a :class:`~kg.stores.cypher_stream.Stream` is rendered
    one plan at a time."""
    documents = len(projection.documents)
    yield f"// cyl-kg {__version__}: {documents} plans.\n// Run with: cypher-shell -a bolt://HOST:7687 -u USER -f THIS_FILE\n"
    for s in plan(projection, None, batch_size):
        yield render(s) + ";\n"


def script(projection: Projection | Stream, batch_size: int = BATCH_SIZE) -> str:
    """The whole script."""
    return "".join(script_lines(projection, batch_size))


def export(ws: "Workspace", out: BinaryIO) -> None:
    """The exporter registered as ``cypher`` (:mod:`kg.exports`)."""
    for text in script_lines(stream(ws)):
        out.write(text.encode("utf-8"))
