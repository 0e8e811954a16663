"""Push the projection to Neo4j through the official driver.

Idempotent: nodes are merged on ``uri`` and relationships on their ends, so pushing twice gives
the same counts. A plan whose file changed since the last push (its ``sha256`` differs from the
one on its node in Neo4j) has its old subgraph deleted first and is sent again; plans that did not
change send nothing of their own. Every statement runs in a managed write transaction, which the
driver retries on transient errors (deadlocks, leader switches, a dropped connection).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ..exports.neo4j_statements import BATCH_SIZE, VERSION_PROPERTY, Statement, plan
from ..mapping import RESOURCE, Projection
from .base import RemoteStore
from .cypher_stream import Stream, stream_of

if TYPE_CHECKING:
    from ..workspace import Workspace

RETRY_SECONDS = 30.0
# The driver logs what it also raises; the raised error is what the user sees, once.
logging.getLogger("neo4j").addHandler(logging.NullHandler())
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class PushError(Exception):
    """A push that could not be done; the message is one line for the user."""


@dataclass
class PushReport:
    replaced: list[str] = field(default_factory=list)   # plans (re)sent
    unchanged: list[str] = field(default_factory=list)
    statements: int = 0
    nodes: int = 0           # in the database afterwards (label Resource)
    relationships: int = 0


def _explain(err: Exception, uri: str, user: str) -> str:
    from neo4j import exceptions as ex

    if isinstance(err, ex.AuthError):
        return f"Neo4j at {uri} refused user {user!r}: wrong user or password (NEO4J_PASSWORD)"
    if isinstance(err, ex.ServiceUnavailable):
        reason = re.search(r"reason (.*?)\)?$", str(err), re.M) or re.search(r": (\[Errno.*)$", str(err), re.M)
        return f"cannot reach Neo4j at {uri} ({reason.group(1) if reason else _first_line(err) or 'no answer'})"
    if isinstance(err, (ex.ConfigurationError, ValueError)):
        return f"bad Neo4j address {uri!r} ({_first_line(err)}); use bolt://HOST:7687 or neo4j://HOST:7687"
    if isinstance(err, ex.Neo4jError):
        return f"Neo4j at {uri} rejected a statement: {err.code}: {_first_line(err.message or str(err))}"
    return f"Neo4j at {uri}: {_first_line(err)}"


def _first_line(err) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else ""


def current_versions(session, documents: list[str]) -> dict[str, str | None]:
    """The version each plan has in the database (None: absent or cut short)."""
    query = (f"UNWIND $documents AS uri MATCH (n:{RESOURCE} {{uri: uri}}) "
             f"RETURN n.uri AS uri, n.{VERSION_PROPERTY} AS version")
    records = session.execute_read(lambda tx: list(tx.run(query, documents=documents)))
    return {r["uri"]: r["version"] for r in records}


def to_replace(stream: Stream, versions: dict[str, str | None]) -> list[str]:
    """The plans whose version in the database is not the workspace's."""
    wanted = {d: stream.plan_properties.get(d, {}).get(VERSION_PROPERTY) for d in stream.documents}
    return sorted(d for d in stream.documents if versions.get(d) is None or versions.get(d) != wanted[d])


def _run(session, statement: Statement) -> None:
    session.execute_write(lambda tx: tx.run(statement.text, statement.params).consume())


def push(projection: Projection | Stream, uri: str, user: str, password: str, *, database: str | None = None,
         batch_size: int = BATCH_SIZE, full: bool = False,
         progress: Callable[[Statement], None] | None = None) -> PushReport:
    """Bring Neo4j up to date with the projection; PushError with a one-line reason on failure."""
    import neo4j

    stream = projection if isinstance(projection, Stream) else stream_of(projection)
    report = PushReport()
    scheme = uri.partition("://")[0] if "://" in uri else ""
    if scheme not in SCHEMES:
        raise PushError(f"bad Neo4j address {uri!r}: it must start with {', '.join(s + '://' for s in SCHEMES)}")
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10.0,
                                        max_transaction_retry_time=RETRY_SECONDS) as driver:
            driver.verify_connectivity()
            with driver.session(database=database) as session:
                replace = stream.documents if full else to_replace(
                    stream, current_versions(session, stream.documents))
                report.replaced = list(replace)
                report.unchanged = sorted(set(stream.documents) - set(replace))
                for statement in plan(stream, replace, batch_size):
                    _run(session, statement)
                    report.statements += 1
                    if progress:
                        progress(statement)
                report.nodes, report.relationships = counts(session)
    except PushError:
        raise
    except Exception as err:  # the driver's errors, a bad address, a dropped connection
        from neo4j import exceptions as ex
        if isinstance(err, (ex.Neo4jError, ex.DriverError, ValueError, OSError)):
            raise PushError(_explain(err, uri, user)) from err
        raise
    return report


def counts(session) -> tuple[int, int]:
    """(nodes labelled Resource, relationships between them) in the database."""
    n = session.execute_read(lambda tx: tx.run(f"MATCH (n:{RESOURCE}) RETURN count(n) AS c").single()["c"])
    r = session.execute_read(lambda tx: tx.run(
        f"MATCH (:{RESOURCE})-[r]->(:{RESOURCE}) RETURN count(r) AS c").single()["c"])
    return int(n), int(r)


class Neo4jStore(RemoteStore):
    """Neo4j as a store (``neo4j``): the workspace's projection pushed with the driver."""

    name = "neo4j"
    title = "Neo4j"

    def __init__(self, uri: str, user: str, password: str, *, database: str | None = None,
                 batch_size: int = BATCH_SIZE, progress: Callable[[Statement], None] | None = None):
        self.uri, self.user, self.password, self.database = uri, user, password, database
        self.batch_size, self.progress = batch_size, progress

    def sync(self, workspace: "Workspace", *, full: bool = False) -> PushReport:
        """Push the workspace's projection, one plan at a time, read from the workspace as it goes."""
        from .cypher_stream import stream

        return push(stream(workspace), self.uri, self.user, self.password, database=self.database,
                    batch_size=self.batch_size, full=full, progress=self.progress)
