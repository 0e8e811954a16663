"""The embedded Cypher database: the projection bulk-loaded into Ladybug, inside the workspace.

Ladybug is the maintained MIT fork of Kùzu: an embedded, on-disk property-graph database with
Cypher, nothing to start. Files in the workspace folder::

    DIR/cypher.lbug    the database, rebuilt whole from the RDF when it is missing or stale
    DIR/cypher.json    the stamp it was built for (plans' sha256, reference graphs, mapping code)
                       and its counts

Ladybug keeps one table per label, so each node is filed under its primary label (its most
specific class); Neo4j gets every label. Loading goes through Parquet files and ``COPY FROM``,
about 20 times faster than batches of ``UNWIND … MERGE``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .. import project as projection_module
from ..project import Node, Projection, Relationship, Stream, stream_of
from .cypher_text import identifier

if TYPE_CHECKING:
    from ..workspace import Workspace

DATABASE = "cypher.lbug"
STAMP = "cypher.json"
LOCK = ".cypher.lock"

LADYBUG_TYPES = {"string": "STRING", "long": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN",
                 "date": "DATE", "datetime": "TIMESTAMP"}


class CypherStoreError(Exception):
    """The embedded Cypher database cannot be built or opened."""


# -- staleness -----------------------------------------------------------------------------------

def stamp(manifest: dict) -> str:
    """What the database must have been built from: the plans, the reference graphs, the mapping."""
    h = hashlib.sha256()
    documents = manifest.get("documents", {})
    h.update(json.dumps([documents, manifest.get("reference", {}), importlib.metadata.version("ladybug")],
                        sort_keys=True).encode("utf-8"))
    for source in (Path(projection_module.__file__), Path(__file__), projection_module.CONFIG):
        h.update(source.read_bytes())
    return h.hexdigest()


def _read_stamp(folder: Path) -> dict:
    try:
        return json.loads((folder / STAMP).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def is_current(folder: Path, manifest: dict) -> bool:
    return (folder / DATABASE).is_file() and _read_stamp(folder).get("stamp") == stamp(manifest)


# -- loading -------------------------------------------------------------------------------------

def _arrow_type(kind: str):
    import pyarrow as pa

    base = kind.removesuffix("[]")
    scalar = {"string": pa.string(), "long": pa.int64(), "double": pa.float64(), "boolean": pa.bool_(),
              "date": pa.date32(), "datetime": pa.timestamp("us")}[base]
    return pa.list_(scalar) if kind.endswith("[]") else scalar


def _ladybug_type(kind: str) -> str:
    base = LADYBUG_TYPES[kind.removesuffix("[]")]
    return base + "[]" if kind.endswith("[]") else base


def _path(text) -> str:
    """A quoted string for COPY's file name and options."""
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _files(paths: list[Path]) -> str:
    return "[" + ", ".join(_path(p) for p in paths) + "]"


class _Parts:
    """Parquet files of the rows to copy, one series per node label and per relationship type
    with its (from, to) labels; every buffer is written out once they hold ROWS rows together,
    which bounds the memory a load takes."""

    ROWS = 250_000

    def __init__(self, folder: Path, stream: Stream):
        self.folder, self.stream = folder, stream
        self.node_columns = {label: ["uri"] + sorted(props - {"uri"})
                             for label, props in stream.label_properties.items()}
        self.rel_columns: dict[str, list[str]] = {}
        self.buffers: dict[tuple, list] = defaultdict(list)
        self.files: dict[tuple, list[Path]] = defaultdict(list)
        self.nodes = self.relationships = self.buffered = 0

    def add_nodes(self, nodes: list[Node]) -> None:
        for node in nodes:
            self._add(("node", node.label), node)
        self.nodes += len(nodes)

    def add_relationships(self, relationships: list[Relationship], label_of) -> None:
        for rel in relationships:
            if rel.type not in self.rel_columns:      # a type's relationships all have properties, or none
                self.rel_columns[rel.type] = sorted(self.stream.relationship_property_types) if rel.properties else []
            self._add(("rel", rel.type, label_of(rel.start), label_of(rel.end)), rel)
        self.relationships += len(relationships)

    def _add(self, key: tuple, item) -> None:
        self.buffers[key].append(item)
        self.buffered += 1
        if self.buffered >= self.ROWS:
            self.flush()

    def flush(self) -> None:
        for key in list(self.buffers):
            self._flush(key)
        self.buffered = 0

    def _flush(self, key: tuple) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        items = self.buffers.pop(key, [])
        if not items:
            return
        if key[0] == "node":
            columns = self.node_columns[key[1]]
            types = self.stream.node_property_types
            data = {c: pa.array([n.properties.get(c) for n in items], type=_arrow_type(types[c])) for c in columns}
        else:
            types = self.stream.relationship_property_types
            data = {"from": pa.array([r.start for r in items], type=pa.string()),
                    "to": pa.array([r.end for r in items], type=pa.string())}
            data.update({c: pa.array([r.properties.get(c) for r in items], type=_arrow_type(types[c]))
                         for c in self.rel_columns[key[1]]})
        file = self.folder / f"part-{sum(map(len, self.files.values()))}.parquet"
        pq.write_table(pa.table(data), file)
        self.files[key].append(file)


def load(projection: Projection | Stream, path: Path) -> tuple[int, int]:
    """Create a new database at path holding the projection; (nodes, relationships) loaded.

    A :class:`~kg.project.Stream` is loaded one plan at a time, so memory stays bounded however
    large the workspace.
    """
    import ladybug

    stream = projection if isinstance(projection, Stream) else stream_of(projection)
    if path.exists():
        raise CypherStoreError(f"{path}: already exists")
    with tempfile.TemporaryDirectory(prefix="kg-cypher-") as tmp:
        parts = _Parts(Path(tmp), stream)
        parts.add_nodes(stream.shared_nodes)
        parts.add_relationships(stream.shared_relationships, stream.shared_labels.__getitem__)
        for nodes, relationships in stream.parts():
            own = {n.uri: n.label for n in nodes}
            parts.add_nodes(nodes)
            parts.add_relationships(relationships, lambda uri: own.get(uri) or stream.shared_labels[uri])
        parts.flush()
        # One checkpoint at the end: checkpointing after every COPY costs ~80 ms a table.
        db = ladybug.Database(str(path), auto_checkpoint=False)
        conn = ladybug.Connection(db)
        try:
            for (_, label), files in sorted((k, v) for k, v in parts.files.items() if k[0] == "node"):
                columns = parts.node_columns[label]
                ddl = ", ".join(f"{identifier(c)} {_ladybug_type(stream.node_property_types[c])}" for c in columns)
                conn.execute(f"CREATE NODE TABLE {identifier(label)}({ddl}, PRIMARY KEY({identifier('uri')}))")
                conn.execute(f"COPY {identifier(label)} FROM {_files(files)}")
            rel_keys = sorted(k for k in parts.files if k[0] == "rel")
            for rel_type in sorted({k[1] for k in rel_keys}):
                pairs = [(f, t) for (_, r, f, t) in rel_keys if r == rel_type]
                columns = parts.rel_columns[rel_type]
                ddl = ", ".join([f"FROM {identifier(f)} TO {identifier(t)}" for f, t in pairs]
                                + [f"{identifier(c)} {_ladybug_type(stream.relationship_property_types[c])}"
                                   for c in columns])
                conn.execute(f"CREATE REL TABLE {identifier(rel_type)}({ddl})")
                for f, t in pairs:
                    conn.execute(f"COPY {identifier(rel_type)} FROM {_files(parts.files[('rel', rel_type, f, t)])} "
                                 f"(from={_path(f)}, to={_path(t)})")
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
            db.close()
    return parts.nodes, parts.relationships


def build(ws: "Workspace", folder: Path | None = None) -> dict:
    """Project the workspace and load it into a fresh database that replaces the old one."""
    folder = Path(folder or ws.path)
    started = time.perf_counter()
    stream = projection_module.stream(ws)        # one plan at a time: memory stays bounded
    tmp = Path(tempfile.mkdtemp(prefix=".cypher-", dir=folder))
    try:
        nodes, relationships = load(stream, tmp / DATABASE)
        os.replace(tmp / DATABASE, folder / DATABASE)
    finally:
        for leftover in tmp.iterdir() if tmp.exists() else ():
            leftover.unlink()
        with contextlib.suppress(OSError):
            tmp.rmdir()
    projection_module.prune_cache(ws)
    info = {"stamp": stamp(ws.manifest), "nodes": nodes, "relationships": relationships,
            "seconds": round(time.perf_counter() - started, 3)}
    from ..workspace import write_atomically
    write_atomically(folder / STAMP, json.dumps(info, indent=1, sort_keys=True).encode("utf-8"))
    return info


@contextlib.contextmanager
def _rebuild_lock(folder: Path) -> Iterator[None]:
    with open(folder / LOCK, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def refresh(ws: "Workspace") -> bool:
    """Rebuild the workspace's Cypher database if it is missing or stale; True when rebuilt.

    Called at the end of ``kg build``: a stamp comparison when nothing changed. A failure is
    reported on stderr and leaves the RDF build intact; the next Cypher query tries again.
    """
    try:
        if is_current(ws.path, ws.manifest):
            return False
        with _rebuild_lock(ws.path):
            if is_current(ws.path, ws.manifest):
                return False
            build(ws)
        return True
    except (CypherStoreError, RuntimeError, OSError, ImportError) as err:
        print(f"warning: the embedded Cypher database was not rebuilt ({err}); "
              f"`kg query --engine cypher` will try again", file=sys.stderr)
        return False


def ensure(folder: Path) -> Path:
    """The database file of a workspace, rebuilt first if it is missing or stale."""
    from ..workspace import Workspace, WorkspaceError

    folder = Path(folder)
    try:
        with Workspace(folder, read_only=True) as ws:
            if not is_current(folder, ws.manifest):
                with _rebuild_lock(folder):
                    if not is_current(folder, ws.manifest):
                        build(ws, folder)
    except WorkspaceError as err:
        raise LookupError(str(err)) from err
    return folder / DATABASE


# -- querying ------------------------------------------------------------------------------------

def plain(value) -> str:
    """A Cypher result value as plain text, the way SPARQL results print.

    >>> [plain(v) for v in (None, True, 3, 500000.0, 0.5, 1e-05, dt.date(2021, 3, 1), ["a", "b"])]
    ['', 'true', '3', '500000', '0.5', '0.00001', '2021-03-01', 'a|b']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        d = Decimal(repr(value))
        return str(int(d)) if d == d.to_integral() else format(d.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "|".join(plain(v) for v in value)
    if isinstance(value, dict):
        if "_LABEL" in value and "uri" in value:          # a node: its IRI, as SPARQL prints it
            return str(value["uri"])
        shown = {k: v for k, v in value.items() if not k.startswith("_") or k == "_LABEL"}
        return json.dumps(shown, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def query(database: Path, text: str, params: dict | None = None) -> tuple[list[str], list[list]]:
    """Run Cypher on a database file, read-only: (columns, rows of Python values)."""
    import ladybug

    db = ladybug.Database(str(database), read_only=True)
    conn = ladybug.Connection(db)
    try:
        result = conn.execute(text, dict(params or {}))
        if isinstance(result, list):          # several statements: the last one answers
            result = result[-1]
        columns = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        return columns, rows
    finally:
        conn.close()
        db.close()


def run_cypher(db: Path, text: str, params: dict) -> tuple[list[str], list[list[str]]]:
    """Cypher on the workspace's embedded database (rebuilt first when stale): plain strings.

    Raises LookupError when there is no workspace, RuntimeError when the query fails.
    """
    database = ensure(Path(db))
    try:
        columns, rows = query(database, text, params)
    except RuntimeError as err:
        if "read-only" in str(err):
            raise RuntimeError("the embedded Cypher database is read-only: it is rebuilt from the RDF, so change "
                               "the plans and run kg build") from err
        raise
    return columns, [[plain(v) for v in row] for row in rows]


def counts(database: Path) -> tuple[int, int]:
    """(nodes, relationships) in a database file."""
    _, n = query(database, "MATCH (n) RETURN count(n)")
    _, r = query(database, "MATCH ()-[r]->() RETURN count(r)")
    return int(n[0][0]), int(r[0][0])
