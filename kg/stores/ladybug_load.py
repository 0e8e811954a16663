"""Loading the embedded Cypher database: a projection bulk-copied into a new Ladybug database.

Ladybug keeps one table per label, so each node is filed under its primary label (its most
specific class); Neo4j gets every label. The tables also hold every property and relationship
the ontology declares, empty where no plan has them (:mod:`kg.stores.ladybug_schema`), so that a
query reading one gives blanks instead of failing. Loading goes through Parquet files and
``COPY FROM``, about 20 times faster than batches of ``UNWIND … MERGE``.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Iterator

from .. import processes
from ..mapping import PLAN_LABEL, Node, Projection, Relationship
from . import ladybug_schema
from .cypher_cache import NotCached
from .cypher_stream import Part, Stream, stream_of
from ..exports.cypher_text import identifier
from .ladybug_schema import Declared
from .ladybug_state import CypherStoreError, buffer_pool_for

LADYBUG_TYPES = {"string": "STRING", "long": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN",
                 "date": "DATE", "datetime": "TIMESTAMP"}



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


ROWS = 250_000           # rows buffered before a projection's parts are written out


class _Parts:
    """Parquet files of the rows to copy, one per node label and one per relationship type with
    its (from, to) labels; the buffered rows are written out as a row group of each file once
    they number ``rows`` together, which bounds the memory a load takes.

    Rows are buffered as they come (a node's properties, a relationship) and made columns by
    Arrow, not by a loop over rows and columns here."""

    def __init__(self, folder: Path, stream: Stream, rows: int | None = None):
        self.folder, self.stream, self.budget = folder, stream, rows or ROWS
        folder.mkdir(parents=True, exist_ok=True)
        self.node_columns = {label: ["uri"] + sorted(props - {"uri"})
                             for label, props in stream.label_properties.items()}
        self.rel_columns: dict[str, list[str]] = {}
        self.buffers: dict[tuple, list] = {}
        self.writers: dict[tuple, object] = {}               # key -> its open pyarrow ParquetWriter
        self.files: dict[tuple, list[Path]] = defaultdict(list)
        self.rows: dict[tuple, int] = defaultdict(int)       # rows of each COPY (a table, or a relationship pair)
        self.nodes = self.relationships = self.buffered = 0

    def add_plans(self, plans: Iterator[Part]) -> None:
        """Each plan's own nodes and relationships."""
        shared_labels = self.stream.shared_labels
        # A copy's graph links its file to the plan whose node another graph (the text's) makes.
        plans_labels = dict.fromkeys(self.stream.plan_properties, PLAN_LABEL)
        for nodes, relationships in plans:
            own = {n.uri: n.label for n in nodes}
            self.add_nodes(nodes)
            self.add_relationships(relationships,
                                   lambda uri: own.get(uri) or shared_labels.get(uri) or plans_labels[uri])
        self.finish()

    def written(self) -> dict:
        """What was written, to send to the process that loads it (see :meth:`take`)."""
        return {"files": dict(self.files), "rel_columns": self.rel_columns, "rows": dict(self.rows),
                "nodes": self.nodes, "relationships": self.relationships}

    def take(self, written: dict) -> None:
        """Add the files another :class:`_Parts` wrote, after this one's own."""
        for rel_type, columns in written["rel_columns"].items():
            if self.rel_columns.setdefault(rel_type, columns) != columns:
                raise CypherStoreError(f"relationships {rel_type} with different properties in different plans")
        for key, files in written["files"].items():
            self.files[key].extend(files)
        for key, rows in written["rows"].items():
            self.rows[key] += rows
        self.nodes += written["nodes"]
        self.relationships += written["relationships"]

    def add_nodes(self, nodes: list[Node]) -> None:
        buffers = self.buffers
        for node in nodes:
            key = ("node", node.label)
            rows = buffers.get(key)
            if rows is None:
                rows = buffers[key] = []
            rows.append(node.properties)
        self.nodes += len(nodes)
        self._added(len(nodes))

    def add_relationships(self, relationships: list[Relationship], label_of) -> None:
        buffers, rel_columns = self.buffers, self.rel_columns
        for rel in relationships:
            if rel.type not in rel_columns:      # a type's relationships all have properties, or none
                rel_columns[rel.type] = sorted(self.stream.relationship_property_types) if rel.properties else []
            key = ("rel", rel.type, label_of(rel.start), label_of(rel.end))
            rows = buffers.get(key)
            if rows is None:
                rows = buffers[key] = []
            rows.append(rel)
        self.relationships += len(relationships)
        self._added(len(relationships))

    def _added(self, rows: int) -> None:
        self.buffered += rows
        if self.buffered >= self.budget:
            self.flush()

    def flush(self) -> None:
        """Write every buffer out, a row group of its file."""
        for key in list(self.buffers):
            self._flush(key)
        self.buffered = 0

    def finish(self) -> None:
        """Write what is buffered and close the files: they are then ready to copy."""
        self.flush()
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()

    def _flush(self, key: tuple) -> None:
        import pyarrow.parquet as pq

        items = self.buffers.pop(key, [])
        if not items:
            return
        self.rows[key] += len(items)
        table = self._node_rows(key[1], items) if key[0] == "node" else self._relationship_rows(key[1], items)
        writer = self.writers.get(key)
        if writer is None:
            file = self.folder / f"part-{sum(map(len, self.files.values()))}.parquet"
            writer = self.writers[key] = pq.ParquetWriter(file, table.schema)
            self.files[key].append(file)
        writer.write_table(table)

    def _node_rows(self, label: str, properties: list[dict]):
        """The nodes of a label as a table, from their properties (a missing one is null)."""
        import pyarrow as pa

        types = self.stream.node_property_types
        struct = pa.struct([(c, _arrow_type(types[c])) for c in self.node_columns[label]])
        return pa.Table.from_struct_array(pa.array(properties, type=struct))

    def _relationship_rows(self, rel_type: str, items: list[Relationship]):
        """Relationships of a type as a table: from, to, then their properties."""
        import pyarrow as pa

        columns = {"from": pa.array([r.start for r in items], type=pa.string()),
                   "to": pa.array([r.end for r in items], type=pa.string())}
        names = self.rel_columns[rel_type]
        if names:
            types = self.stream.relationship_property_types
            struct = pa.struct([(c, _arrow_type(types[c])) for c in names])
            values = pa.array([r.properties for r in items], type=struct)
            columns.update(zip(names, values.flatten()))
        return pa.table(columns)


def load(projection: Projection | Stream, path: Path, declared: Declared | None = None) -> tuple[int, int]:
    """Create a new database at path holding the projection, with the tables ``declared`` (see
    :mod:`kg.stores.ladybug_schema`) besides those of its data; (nodes, relationships) loaded."""
    nodes, relationships, _ = load_with_tables(projection, path, declared)
    return nodes, relationships


def load_with_tables(projection: Projection | Stream, path: Path, declared: Declared | None = None) -> tuple[int, int, dict]:
    """:func:`load`, also giving the tables made: node label -> columns, relationship type ->
    columns and (from, to) label pairs.

    A :class:`~kg.stores.cypher_stream.Stream` is loaded one plan at a time, so memory stays
    bounded however large the workspace.
    """
    stream = projection if isinstance(projection, Stream) else stream_of(projection)
    declared = declared or Declared()
    stream = ladybug_schema.extend(stream, declared)
    if path.exists():
        raise CypherStoreError(f"{path}: already exists")
    # The Parquet parts go beside the database, not in the system's temporary folder: a build
    # killed while loading leaves them in the workspace, where the next one removes them.
    with tempfile.TemporaryDirectory(prefix=".parts-", dir=path.parent) as tmp:
        parts = _write_parts(stream, Path(tmp))
        tables = _tables(parts, stream, declared)
        _create_and_copy(path, tables, parts, stream)
    return parts.nodes, parts.relationships, tables


def _write_parts(stream: Stream, folder: Path) -> _Parts:
    """The Parquet parts of the whole stream: what the plans share, then each plan's own."""
    plans = _plan_parts(stream, folder)       # first: it forks before this process writes Parquet
    parts = _Parts(folder / "shared", stream)
    parts.add_nodes(stream.shared_nodes)
    parts.add_relationships(stream.shared_relationships, stream.shared_labels.__getitem__)
    parts.finish()
    for written in plans:
        parts.take(written)
    return parts


def _tables(parts: _Parts, stream: Stream, declared: Declared) -> dict:
    """Tables for the labels and relationships of the data, and for those declared (empty where
    no node or relationship has them): a query then runs whatever the plans hold."""
    labels = sorted({k[1] for k in parts.files if k[0] == "node"} | declared.labels())
    tables: dict = {"nodes": {label: parts.node_columns[label] for label in labels}, "relationships": {}}
    rel_pairs = {(k[1], k[2], k[3]) for k in parts.files if k[0] == "rel"}
    rel_pairs.update((rel_type, *pair) for rel_type, pairs in declared.relationships.items() for pair in pairs)
    for rel_type, *pair in sorted(rel_pairs):
        columns = parts.rel_columns.get(rel_type)
        if columns is None:
            columns = sorted(stream.relationship_property_types) if rel_type in declared.per_document else []
        entry = tables["relationships"].setdefault(rel_type, {"columns": columns, "pairs": []})
        entry["pairs"].append(list(pair))
    return tables


def _create_and_copy(path: Path, tables: dict, parts: _Parts, stream: Stream) -> None:
    """Make the database at path: each table, then its rows copied in from the Parquet parts."""
    import ladybug

    # A checkpoint after each COPY: the pool then needs room for one table's rows, not for
    # all of them (at 10,000 plans the largest table is 1.5 M rows: a peak of 1.6 GB where a
    # pool for every row, with one checkpoint at the end, took 2.0 GB, and no slower).
    db = ladybug.Database(str(path), auto_checkpoint=False,
                          buffer_pool_size=buffer_pool_for(max(parts.rows.values(), default=0)))
    conn = ladybug.Connection(db)
    try:
        for label, columns in sorted(tables["nodes"].items()):
            ddl = ", ".join(f"{identifier(c)} {_ladybug_type(stream.node_property_types[c])}" for c in columns)
            conn.execute(f"CREATE NODE TABLE {identifier(label)}({ddl}, PRIMARY KEY({identifier('uri')}))")
            _copy(conn, identifier(label), parts.files.get(("node", label)))
        for rel_type, entry in sorted(tables["relationships"].items()):
            ddl = ", ".join([f"FROM {identifier(f)} TO {identifier(t)}" for f, t in entry["pairs"]]
                            + [f"{identifier(c)} {_ladybug_type(stream.relationship_property_types[c])}"
                               for c in entry["columns"]])
            conn.execute(f"CREATE REL TABLE {identifier(rel_type)}({ddl})")
            for f, t in entry["pairs"]:
                _copy(conn, identifier(rel_type), parts.files.get(("rel", rel_type, f, t)),
                      f" (from={_path(f)}, to={_path(t)})")
    finally:
        conn.close()
        db.close()


def _copy(conn, table: str, files: list[Path] | None, options: str = "") -> None:
    if files:
        conn.execute(f"COPY {table} FROM {_files(files)}{options}")
        conn.execute("CHECKPOINT")


# Making the plans' rows is Python work, one plan at a time, and most of a rebuild's time
# (at 10,000 plans 39 s of 52 s, the COPYs the rest): from this many plans on, worker processes
# share it. They are forked, so they start with the stream (its mapping and what the plans share)
# instead of receiving it; they read the plans' statements from the projection cache.
PARALLEL_PARTS = 64


def _plan_parts(stream: Stream, folder: Path) -> list[dict]:
    """Write the plans' own nodes and relationships as Parquet parts under ``folder``: what
    each slice of the plans wrote (:meth:`_Parts.written`), in the plans' order."""
    workers = min(2, os.cpu_count() or 1)
    if len(stream.documents) >= PARALLEL_PARTS and workers > 1 and _can_fork():
        try:
            return _in_workers(stream, folder, workers)
        except NotCached:
            pass                    # a plan not in the cache: only this process may read the store
    parts = _Parts(folder / "plans", stream)
    parts.add_plans(stream.parts())
    return [parts.written()]


def _write_slice(stream: Stream, folder: Path, start: int, stop: int, rows: int, parent: int, answer) -> None:
    """In a forked part writer: write the parts of plans start..stop and send back what was
    written, or the error that stopped it (a plan not in the cache: see GraphSource.store_reads)."""
    processes.start_worker(parent)
    try:
        if stream.source is not None:
            stream.source.store_reads = False       # the store belongs to the parent
        parts = _Parts(folder, stream, rows)
        parts.add_plans(stream.parts(start, stop))
        answer.send((None, parts.written()))
    except BaseException as err:
        answer.send((err, None))
    finally:
        answer.close()


def _in_workers(stream: Stream, folder: Path, workers: int) -> list[dict]:
    """Each of ``workers`` forked processes writes the parts of a slice of the plans, and sends
    back only what it wrote."""
    import gc

    bounds = [stream.part_count * i // workers for i in range(workers + 1)]
    writers = []
    gc.freeze()             # the stream, shared with the workers: the collector leaves its pages alone
    try:
        for i in range(workers):
            writers.append(_start_writer(stream, folder / f"plans-{i}", bounds[i], bounds[i + 1], ROWS // workers))
        written = [_answer(*writer) for writer in writers]
        for process, _ in writers:
            process.join()
        return written
    except BaseException:       # interrupted, or a writer failed: the others are not waited for
        _stop([process for process, _ in writers])
        raise
    finally:
        for _, receive in writers:
            receive.close()
        gc.unfreeze()


def _start_writer(stream: Stream, folder: Path, start: int, stop: int, rows: int):
    """A part writer for plans start..stop, forked with the stream (not sent: it holds the mapping
    and closures), and the end of the pipe its answer comes by.

    A writer ends with the build that forked it, however the build ends, and holds none of its
    locks: a killed build leaves no writer behind in the scratch folder the next one removes."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_write_slice, name=f"kg-cypher-parts-{start}", daemon=True,
                              args=(stream, folder, start, stop, rows, os.getpid(), send))
    process.start()
    send.close()            # the writer's end: the pipe ends when the writer does
    return process, receive


def _answer(process, receive) -> dict:
    """What a part writer wrote; the error that stopped it raised here."""
    try:
        error, written = receive.recv()
    except EOFError:
        process.join(5)
        raise CypherStoreError(f"a part writer ended before it was done (exit code {process.exitcode})") from None
    if error is not None:
        raise error
    return written


def _stop(writers: list) -> None:
    for writer in writers:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            writer.kill()
    for writer in writers:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            writer.join()


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()
