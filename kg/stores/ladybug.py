"""The embedded Cypher database: the projection bulk-loaded into Ladybug, inside the workspace.

Ladybug is the maintained MIT fork of Kùzu: an embedded, on-disk property-graph database with
Cypher, nothing to start. Files in the workspace folder::

    DIR/cypher.lbug    the database, rebuilt whole from the RDF when it is missing or stale
    DIR/cypher.json    the stamp it was built for (plans' sha256, reference graphs, mapping code)
                       and its counts

Ladybug keeps one table per label, so each node is filed under its primary label (its most
specific class); Neo4j gets every label. The tables also hold every property and relationship
the ontology declares, empty where no plan has them (:mod:`kg.stores.ladybug_schema`), so that a
query reading one gives blanks instead of failing. Loading goes through Parquet files and
``COPY FROM``, about 20 times faster than batches of ``UNWIND … MERGE``.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import ontology

from .. import processes
from .. import project as projection_module
from ..project import PLAN_LABEL, Node, Part, Projection, Relationship, Stream, stream_of
from . import ladybug_schema
from .cypher_text import identifier
from .ladybug_schema import Declared

if TYPE_CHECKING:
    from ..workspace import Workspace

DATABASE = "cypher.lbug"
STAMP = "cypher.json"
LOCK = ".cypher.lock"

STATE = "cypher.state"
SCRATCH = ".cypher-"         # a rebuild's folder in the workspace: the new database and its Parquet parts

# A buffer pool sized to the database (buffer_pool_for): by default Ladybug takes most of the
# machine's memory.
MIN_BUFFER_POOL = 1 << 30
BYTES_PER_ROW = 512          # of buffer pool a loaded row may need (a node with its texts, or an edge)


def buffer_pool_for(rows: int = 0, database: Path | None = None) -> int:
    """The buffer pool to open a database with: 1 GiB, or more for a large one.

    The database holds every row it writes in its pool until the next checkpoint, and that
    checkpoint needs room to rewrite the tables: a pool of a fixed size overflows on a large
    workspace ("the buffer pool is full"). The pool is a ceiling, not an allocation, but pages
    once used stay resident; what a load really takes is measured by ``python bench`` (bench/).

    >>> buffer_pool_for(1_000) == MIN_BUFFER_POOL
    True
    >>> buffer_pool_for(10_000_000) // (1 << 20)
    4882
    """
    need = rows * BYTES_PER_ROW
    if database is not None and database.exists():
        need = max(need, 2 * _size_on_disk(database))
    return max(MIN_BUFFER_POOL, need)


def _size_on_disk(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


UPDATE_AT_MOST = 0.05      # beyond this share of the plans changed, a rebuild is faster than an update

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
    for source in _mapping_code():
        h.update(source.read_bytes())
    return h.hexdigest()


def _mapping_code() -> tuple[Path, ...]:
    """The files a database's tables follow from: a change to any of them rebuilds it (the
    installed ontology too, whose declared properties the tables hold: see ladybug_schema)."""
    return (Path(projection_module.__file__), Path(__file__), Path(ladybug_schema.__file__), projection_module.CONFIG,
            ontology.ONTOLOGY)


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


ROWS = 250_000           # rows buffered before a projection's parts are written out


class _Parts:
    """Parquet files of the rows to copy, one series per node label and per relationship type
    with its (from, to) labels; every buffer is written out once they hold ``rows`` rows
    together, which bounds the memory a load takes."""

    def __init__(self, folder: Path, stream: Stream, rows: int | None = None):
        self.folder, self.stream, self.budget = folder, stream, rows or ROWS
        folder.mkdir(parents=True, exist_ok=True)
        self.node_columns = {label: ["uri"] + sorted(props - {"uri"})
                             for label, props in stream.label_properties.items()}
        self.rel_columns: dict[str, list[str]] = {}
        self.buffers: dict[tuple, list] = defaultdict(list)
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
        self.flush()

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
        self.rows[key] += 1
        self.buffered += 1
        if self.buffered >= self.budget:
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


def load(projection: Projection | Stream, path: Path, declared: Declared | None = None) -> tuple[int, int]:
    """Create a new database at path holding the projection, with the tables ``declared`` (see
    :mod:`kg.stores.ladybug_schema`) besides those of its data; (nodes, relationships) loaded."""
    nodes, relationships, _ = _load(projection, path, declared)
    return nodes, relationships


def _load(projection: Projection | Stream, path: Path, declared: Declared | None = None) -> tuple[int, int, dict]:
    """:func:`load`, also giving the tables made: node label -> columns, relationship type ->
    columns and (from, to) label pairs.

    A :class:`~kg.project.Stream` is loaded one plan at a time, so memory stays bounded however
    large the workspace.
    """
    import ladybug

    stream = projection if isinstance(projection, Stream) else stream_of(projection)
    declared = declared or Declared()
    stream = ladybug_schema.extend(stream, declared)
    if path.exists():
        raise CypherStoreError(f"{path}: already exists")
    # The Parquet parts go beside the database, not in the system's temporary folder: a build
    # killed while loading leaves them in the workspace, where the next one removes them.
    with tempfile.TemporaryDirectory(prefix=".parts-", dir=path.parent) as tmp:
        plans = _plan_parts(stream, Path(tmp))       # first: it forks before this process writes Parquet
        parts = _Parts(Path(tmp) / "shared", stream)
        parts.add_nodes(stream.shared_nodes)
        parts.add_relationships(stream.shared_relationships, stream.shared_labels.__getitem__)
        parts.flush()
        for written in plans:
            parts.take(written)
        # Tables for the labels and relationships of the data, and for those declared (empty
        # where no node or relationship has them): a query then runs whatever the plans hold.
        labels = sorted({k[1] for k in parts.files if k[0] == "node"} | declared.labels())
        tables = {"nodes": {label: parts.node_columns[label] for label in labels}, "relationships": {}}
        rel_pairs = {(k[1], k[2], k[3]) for k in parts.files if k[0] == "rel"}
        rel_pairs.update((rel_type, *pair) for rel_type, pairs in declared.relationships.items() for pair in pairs)
        for rel_type, *pair in sorted(rel_pairs):
            columns = parts.rel_columns.get(rel_type)
            if columns is None:
                columns = sorted(stream.relationship_property_types) if rel_type in declared.per_document else []
            entry = tables["relationships"].setdefault(rel_type, {"columns": columns, "pairs": []})
            entry["pairs"].append(list(pair))
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
                files = parts.files.get(("node", label))
                if files:
                    conn.execute(f"COPY {identifier(label)} FROM {_files(files)}")
                    conn.execute("CHECKPOINT")
            for rel_type, entry in sorted(tables["relationships"].items()):
                ddl = ", ".join([f"FROM {identifier(f)} TO {identifier(t)}" for f, t in entry["pairs"]]
                                + [f"{identifier(c)} {_ladybug_type(stream.relationship_property_types[c])}"
                                   for c in entry["columns"]])
                conn.execute(f"CREATE REL TABLE {identifier(rel_type)}({ddl})")
                for f, t in entry["pairs"]:
                    files = parts.files.get(("rel", rel_type, f, t))
                    if files:
                        conn.execute(f"COPY {identifier(rel_type)} FROM {_files(files)} "
                                     f"(from={_path(f)}, to={_path(t)})")
                        conn.execute("CHECKPOINT")
        finally:
            conn.close()
            db.close()
    return parts.nodes, parts.relationships, tables


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
        except projection_module.NotCached:
            pass                    # a plan not in the cache: only this process may read the store
    parts = _Parts(folder / "plans", stream)
    parts.add_plans(stream.parts())
    return [parts.written()]


_FORKED: Stream | None = None     # the stream a forked part writer works on


def _write_slice(folder: str, start: int, stop: int, rows: int) -> dict:
    projection_module.STORE_READS = False
    parts = _Parts(Path(folder), _FORKED, rows)
    parts.add_plans(_FORKED.parts(start, stop))
    return parts.written()


def _in_workers(stream: Stream, folder: Path, workers: int) -> list[dict]:
    import concurrent.futures as cf
    import gc
    import multiprocessing

    global _FORKED
    bounds = [stream.part_count * i // workers for i in range(workers + 1)]
    _FORKED = stream
    gc.freeze()             # the stream, shared with the workers: the collector leaves its pages alone
    try:
        # A writer ends with the build that forked it, however the build ends, and holds none of
        # its locks: a killed build leaves no writer behind in the scratch folder the next one removes.
        pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                      initializer=processes.start_worker, initargs=(os.getpid(),))
        try:
            slices = [pool.submit(_write_slice, str(folder / f"plans-{i}"), bounds[i], bounds[i + 1], ROWS // workers)
                      for i in range(workers)]
            written = [s.result() for s in slices]
        except BaseException:       # interrupted, or a writer failed: the others are not waited for
            processes.stop_pool(pool)
            raise
        pool.shutdown()
        return written
    finally:
        _FORKED = None
        gc.unfreeze()


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def build(ws: "Workspace", folder: Path | None = None) -> dict:
    """Project the workspace and load it into a fresh database that replaces the old one."""
    folder = Path(folder or ws.path)
    started = time.perf_counter()
    _forget_state(folder)
    for leftover in folder.glob(SCRATCH + "*"):     # a killed rebuild's; the rebuild lock is ours
        shutil.rmtree(leftover, ignore_errors=True)
    stream = projection_module.stream(ws)        # one plan at a time: memory stays bounded
    tmp = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=folder))
    try:
        nodes, relationships, tables = _load(stream, tmp / DATABASE, ladybug_schema.declared(ws, stream))
        os.replace(tmp / DATABASE, folder / DATABASE)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    projection_module.prune_cache(ws)
    _write_state(folder, {"code": _code_stamp(), "reference": ws.manifest.get("reference", {}),
                          "versions": projection_module.versions(ws), "classes": stream.mapping.label_set,
                          "documents": {e["graph"]: iri_document(k, e) for k, e in ws.documents.items()},
                          "collector": _without_plans(stream.collector), "tables": tables,
                          "signature": _signature(stream.mapping), "counts": [nodes, relationships]})
    return _stamp_it(ws, folder, nodes, relationships, started, "rebuilt")


def _without_plans(collector):
    collector.plans = {}            # the plans' own literals: not needed to update, and they grow with the corpus
    return collector


def _stamp_it(ws: "Workspace", folder: Path, nodes: int, relationships: int, started: float, how: str) -> dict:
    info = {"stamp": stamp(ws.manifest), "nodes": nodes, "relationships": relationships,
            "seconds": round(time.perf_counter() - started, 3), "how": how}
    from ..workspace import write_atomically
    write_atomically(folder / STAMP, json.dumps(info, indent=1, sort_keys=True).encode("utf-8"))
    return info


# -- updating in place ---------------------------------------------------------------------------
#
# After a build that changed a few plans, the database is updated instead of rebuilt: the old
# versions of those plans are taken out of the counted summary of what all plans share (the
# collector, kept in DIR/cypher.state), the new ones put in, and the database gets the
# difference: the plans' own nodes and relationships replaced, the shared nodes they name
# given their merged properties afresh, shared relationships no plan states any more removed.
# Whatever would change a table (a new label, property or kind of value) rebuilds instead.

def _code_stamp() -> str:
    h = hashlib.sha256(importlib.metadata.version("ladybug").encode("utf-8"))
    for source in _mapping_code():
        h.update(source.read_bytes())
    return h.hexdigest()


def _signature(mapping) -> str:
    return json.dumps([mapping.node_types, mapping.rel_kinds, sorted(mapping.label_set),
                       sorted(mapping.per_document_types),
                       {k: sorted(v) for k, v in sorted(mapping.own_properties.items())}], sort_keys=True)


def _write_state(folder: Path, state: dict) -> None:
    """Keep the state with marshal: it is plain dicts, sets and tuples of strings and numbers,
    which marshal writes five times as fast as pickle (0.09 s against 0.5 s at 10,000 plans)."""
    import marshal

    from ..workspace import write_atomically
    plain = {**state, "collector": state["collector"].as_builtins(), "python": sys.version}
    write_atomically(folder / STATE, marshal.dumps(plain))


def _read_state(folder: Path) -> dict | None:
    import marshal

    from ..project import _Collector

    try:
        state = marshal.loads((folder / STATE).read_bytes())
        if state.get("python") != sys.version:        # marshal's format is Python's own
            return None
        state["collector"] = _Collector.from_builtins(state["collector"])
        return state
    except Exception:          # missing, torn or from other code: rebuild
        return None


def _forget_state(folder: Path) -> None:
    """The database is about to change: until the new state is written, it must be rebuilt."""
    with contextlib.suppress(FileNotFoundError):
        (folder / STATE).unlink()


def update(ws: "Workspace", folder: Path | None = None) -> dict | None:
    """Update the database in place for the plans changed since it was made; None when it must
    be rebuilt instead (no state, other code, too many plans changed, a table would change)."""
    # The state holds a million small objects: with the collector on, reading it took 2.5 times
    # as long (each generation-2 pass walks all of them), and nothing here makes cycles to collect.
    with projection_module._no_gc():
        return _update(ws, folder)


def _update(ws: "Workspace", folder: Path | None) -> dict | None:
    from ..project import CACHE, Config, _gather, _Mapping, _owned_by, read_cached, write_cached

    folder = Path(folder or ws.path)
    started = time.perf_counter()
    state = _read_state(folder)
    if (state is None or state.get("code") != _code_stamp() or not (folder / DATABASE).is_file()
            or state["reference"] != ws.manifest.get("reference", {})):
        return _rebuild("no state, other code or reference graphs changed")
    config = Config.load()
    versions = projection_module.versions(ws)
    old_versions = state["versions"]
    changed = sorted(g for g in versions if old_versions.get(g) != versions[g])
    removed = sorted(g for g in old_versions if g not in versions)
    if len(changed) + len(removed) > max(1, UPDATE_AT_MOST * len(versions)):
        return _rebuild("too many plans changed")
    documents = {entry["graph"]: iri_document(key, entry) for key, entry in ws.documents.items()}
    old_documents = state["documents"]
    cache = ws.path / CACHE
    old, new = [], []
    for g in changed + removed:
        if g in old_versions:
            f = read_cached(cache, g, old_versions[g])
            if f is None:
                return _rebuild("old version not cached")          # the old version's statements are gone: rebuild
            old.append((old_documents[g], f))
    for g in changed:
        f = read_cached(cache, g, versions[g])
        if f is None:
            f = _gather(ws.quads(g), documents, config)
            write_cached(cache, g, versions[g], f, documents[g])
        new.append((documents[g], f))

    collector = state["collector"]
    tables = state["tables"]
    before = _Mapping(collector, state["classes"], config)
    shared_uris, shared_edges = set(), set()
    for document, f in old + new:
        own = _owned_by(document)
        shared_uris.update(u for u in f.nodes if not own(u))
        shared_edges.update(e for e in f.edges if not own(e[0]) and not own(e[2]))
    old_shared = {n.uri: n for n in before.shared_nodes(shared_uris)}
    old_edges = {e for e in shared_edges if e in collector.edges}
    for document, f in old:
        collector.remove(f, document)
    for document, f in new:
        collector.add(f, document)
    after = _Mapping(collector, state["classes"], config)
    if _signature(after) != state["signature"]:
        return _rebuild("schema changed")
    new_shared = {n.uri: n for n in after.shared_nodes(shared_uris)}
    for uri, node in new_shared.items():
        columns = tables["nodes"].get(node.label)
        if (columns is None or not set(node.properties) <= set(columns)
                or (uri in old_shared and old_shared[uri].label != node.label)):
            return _rebuild("shared node moved or gained a column")
    new_edges = {e for e in shared_edges if e in collector.edges}
    parts = [after.part(document, f) for document, f in new]
    label_of = {**{u: n.label for u, n in old_shared.items()}, **{u: n.label for u, n in new_shared.items()}}
    for nodes, _ in parts:
        for n in nodes:
            if n.label not in tables["nodes"] or not set(n.properties) <= set(tables["nodes"][n.label]):
                return _rebuild("own node label/column new")
            label_of[n.uri] = n.label
    shared_rels = after.shared_relationships(new_edges - old_edges)
    for rel in shared_rels + [r for _, rels in parts for r in rels]:
        start, end = _label(rel.start, label_of, collector), _label(rel.end, label_of, collector)
        entry = tables["relationships"].get(rel.type)
        if entry is None or [start, end] not in entry["pairs"] or (bool(rel.properties) != bool(entry["columns"])):
            return _rebuild("relationship table new")

    _forget_state(folder)          # from here on, a failure leaves a database to rebuild
    old_parts = {document: before.part(document, f) for document, f in old}
    new_parts = {document: part for (document, _), part in zip(new, parts)}
    difference = Difference()
    for document in sorted(old_parts.keys() | new_parts.keys(), key=lambda d: d or ""):
        difference.add(old_parts.get(document, ([], [])), new_parts.get(document, ([], [])),
                       after.per_document_types)
    gone_shared = [n for u, n in old_shared.items() if u not in new_shared]
    gone_rels = before.shared_relationships(old_edges - new_edges)
    # Shared nodes whose merged properties the change leaves as they were are left alone.
    shared = [n for u, n in sorted(new_shared.items()) if u not in old_shared or old_shared[u].properties != n.properties]
    fresh = _apply(folder / DATABASE, tables, difference, gone_shared, shared, gone_rels, shared_rels, label_of,
                   collector)
    # The totals follow from the difference (a plan's relationships are those of its part: shared
    # relationships join shared nodes only); counting them in the database scans every table.
    nodes_total = (state["counts"][0] - len(difference.gone_nodes) - len(gone_shared) + fresh
                   + len(difference.new_nodes))
    rels_total = (state["counts"][1] - difference.gone_count - len(gone_rels) + len(shared_rels)
                  + len(difference.new_rels))
    collector.plans = {}            # the plans' own literals: not needed to update, and they grow with the corpus
    state.update(versions=versions, collector=collector, documents=documents, counts=[nodes_total, rels_total])
    for g in changed + removed:         # the old versions' cache files (not a walk of the whole cache)
        if g in old_versions and versions.get(g) != old_versions[g]:
            with contextlib.suppress(OSError):
                projection_module.cache_file(cache, g, old_versions[g]).unlink()
    _write_state(folder, state)
    return _stamp_it(ws, folder, nodes_total, rels_total, started, f"updated ({len(changed) + len(removed)} plans)")


REBUILT_BECAUSE: list[str] = []    # why the last update gave way to a rebuild


def _rebuild(reason: str) -> None:
    REBUILT_BECAUSE[:] = [reason]
    return None


def iri_document(key: str, entry: dict) -> str:
    from ..workspace import plan_of
    return plan_of(key, entry)


def _label(uri: str, label_of: dict[str, str], collector) -> str:
    found = label_of.get(uri)
    if found is None:
        found = label_of[uri] = collector.labels(collector.types.get(uri))[0]
    return found


class Difference:
    """What the database must lose and gain to hold changed plans' new parts instead of their old
    ones: only the nodes and relationships that differ, since every change to a table costs its
    share of the closing checkpoint (a changed string rewrites its whole column, a deleted
    relationship its adjacency lists, whatever their size)."""

    def __init__(self) -> None:
        self.gone_nodes: list[Node] = []         # own nodes no longer there (DETACH DELETE)
        self.changed_nodes: list[Node] = []      # own nodes kept, with other numbers or dates (SET)
        self.new_nodes: list[Node] = []
        self.gone_rels: list[tuple[Relationship, str | None]] = []   # to delete a pair (and plan) at a time
        self.gone_count = 0                      # relationships gone, those of gone nodes included
        self.new_rels: list[Relationship] = []

    def add(self, old: Part, new: Part, per_document_types: set[str]) -> None:
        """Add the difference between one plan's old part and its new one (either may be empty)."""
        old_nodes = {n.uri: n for n in old[0]}
        new_nodes = {n.uri: n for n in new[0]}
        gone = {uri for uri, n in old_nodes.items()
                if uri not in new_nodes or new_nodes[uri].label != n.label or _strings_differ(n, new_nodes[uri])}
        self.gone_nodes.extend(old_nodes[u] for u in sorted(gone))
        for uri in sorted(new_nodes):
            node = new_nodes[uri]
            if uri in gone or uri not in old_nodes:
                self.new_nodes.append(node)
            elif node.properties != old_nodes[uri].properties:
                self.changed_nodes.append(node)
        # Relationships go by (type, start, end), and by plan too for a type stated per plan (two
        # plans may state it between the same two shared nodes); a pair whose relationships
        # differ in any way has all of them replaced.
        old_rels, new_rels = _by_pair(old[1], per_document_types), _by_pair(new[1], per_document_types)
        for k in sorted(old_rels.keys() | new_rels.keys()):
            before, after = old_rels.get(k, []), new_rels.get(k, [])
            replaced = k[1] in gone or k[2] in gone       # DETACH DELETE takes them: made again
            if not replaced and sorted(map(_properties_key, before)) == sorted(map(_properties_key, after)):
                continue
            self.gone_count += len(before)
            if before and not replaced:
                self.gone_rels.append((before[0], k[3] or None))
            self.new_rels.extend(after)


def _strings_differ(old: Node, new: Node) -> bool:
    """Whether a text or list property changed: such a node is deleted and made again rather than
    updated, since an updated string rewrites at the checkpoint the whole column of its node group
    (3.3 s for one plan's text among 10,000), a deleted node only its relationships' lists."""
    before, after = old.properties, new.properties
    return any(before.get(key) != after.get(key) for key in before.keys() | after.keys()
               if isinstance(before.get(key), (str, list)) or isinstance(after.get(key), (str, list)))


def _by_pair(rels: list[Relationship], per_document_types: set[str]) -> dict[tuple, list[Relationship]]:
    out: dict[tuple, list[Relationship]] = defaultdict(list)
    for rel in rels:
        document = str(rel.properties.get("document") or "") if rel.type in per_document_types else ""
        out[(rel.type, rel.start, rel.end, document)].append(rel)
    return out


def _properties_key(rel: Relationship) -> str:
    return repr(sorted(rel.properties.items()))


def _apply(database: Path, tables: dict, difference: Difference, gone_shared: list[Node], shared: list[Node],
           gone_edges: list[Relationship], new_edges: list[Relationship], label_of: dict[str, str],
           collector) -> int:
    """Write the difference into the database; how many shared nodes it created."""
    import ladybug

    db = ladybug.Database(str(database), buffer_pool_size=buffer_pool_for(database=database))
    conn = ladybug.Connection(db)
    try:
        # One transaction: all of the difference or none of it; and statements in a transaction
        # cost a fifth of what they cost committed one by one.
        conn.execute("BEGIN TRANSACTION")
        for rel, document in difference.gone_rels:
            _delete_relationships(conn, rel, label_of, collector, document)
        by_label: dict[str, list[str]] = defaultdict(list)
        for node in difference.gone_nodes + gone_shared:
            by_label[node.label].append(node.uri)
        for label, uris in sorted(by_label.items()):
            conn.execute(f"UNWIND $uris AS u MATCH (n:{identifier(label)} {{uri: u}}) DETACH DELETE n", {"uris": uris})
        for rel in gone_edges:
            _delete_relationships(conn, rel, label_of, collector, None)
        existing = set()
        for label in sorted({n.label for n in shared}):
            uris = [n.uri for n in shared if n.label == label]
            result = conn.execute(f"UNWIND $uris AS u MATCH (n:{identifier(label)} {{uri: u}}) RETURN n.uri", {"uris": uris})
            while result.has_next():
                existing.add(result.get_next()[0])
        for node in [n for n in shared if n.uri in existing] + difference.changed_nodes:
            _set_properties(conn, node, tables["nodes"][node.label])
        fresh = [n for n in shared if n.uri not in existing]
        # Statements, not COPY: a COPY costs 60-200 ms whatever its size, and a plan's difference
        # touches a hundred (label, relationship) tables.
        rows: dict[tuple, list] = defaultdict(list)
        for node in fresh + difference.new_nodes:
            rows[("node", node.label)].append(node)
        for rel in new_edges + difference.new_rels:
            rows[("rel", rel.type, _label(rel.start, label_of, collector),
                  _label(rel.end, label_of, collector))].append(rel)
        for key in sorted(k for k in rows if k[0] == "node"):
            _create(conn, f"CREATE (x:{identifier(key[1])} {{PROPERTIES}})", rows[key],
                    [c for c in tables["nodes"][key[1]]])
        for key in sorted(k for k in rows if k[0] == "rel"):
            _, rel_type, start, end = key
            _create_relationships(conn, rel_type, start, end, rows[key], tables["relationships"][rel_type]["columns"])
        conn.execute("COMMIT")
        return len(fresh)
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
        db.close()


def _delete_relationships(conn, rel: Relationship, label_of: dict[str, str], collector,
                          document: str | None) -> None:
    """Delete the relationships of rel's type from its start to its end (those this plan states,
    when a document is given)."""
    where = " WHERE r.document = $document" if document is not None else ""
    conn.execute(f"MATCH (a:{identifier(_label(rel.start, label_of, collector))} {{uri: $s}})"
                 f"-[r:{identifier(rel.type)}]->(b:{identifier(_label(rel.end, label_of, collector))} "
                 f"{{uri: $o}}){where} DELETE r",
                 {"s": rel.start, "o": rel.end, **({"document": document} if document is not None else {})})


def _create_relationships(conn, rel_type: str, start: str, end: str, items: list[Relationship],
                          columns: list[str]) -> None:
    """Create relationships one statement each: matching both ends by primary key is an index
    lookup only when the keys are plain parameters (from a list, Ladybug scans the tables)."""
    head = f"MATCH (a:{identifier(start)} {{uri: $from}}), (b:{identifier(end)} {{uri: $to}}) CREATE (a)-[:{identifier(rel_type)}"
    for rel in items:
        present = [c for c in columns if rel.properties.get(c) is not None]
        props = ", ".join(f"{identifier(c)}: $p{i}" for i, c in enumerate(present))
        params = {"from": rel.start, "to": rel.end, **{f"p{i}": rel.properties[c] for i, c in enumerate(present)}}
        conn.execute(head + (f" {{{props}}}" if props else "") + "]->(b)", params)


def _create(conn, template: str, items: list, columns: list[str]) -> None:
    """Create nodes or relationships, one statement for them all: each column a list parameter.
    The template's ``PROPERTIES`` takes the properties; ``$from``/``$to`` name a relationship's ends."""
    params: dict[str, list] = {}
    for column in columns:
        if column == "from":
            values = [item.start for item in items]
        elif column == "to":
            values = [item.end for item in items]
        else:
            values = [item.properties.get(column) for item in items]
        if any(v is not None and v != [] for v in values):
            params[column] = [None if v == [] else v for v in values]
    names = {c: f"c{i}" for i, c in enumerate(params)}
    assignments = ", ".join(f"{identifier(c)}: ${names[c]}[i]" for c in params if c not in ("from", "to"))
    statement = template.replace("PROPERTIES", assignments).replace("$from[i]", f"${names.get('from')}[i]").replace(
        "$to[i]", f"${names.get('to')}[i]")
    conn.execute(f"UNWIND range(1, $n) AS i {statement}",
                 {"n": len(items), **{names[c]: v for c, v in params.items()}})


def _set_properties(conn, node: Node, columns: list[str]) -> None:
    """Give an existing node exactly these properties (the others NULL)."""
    assignments, params = [], {"uri": node.uri}
    for i, column in enumerate(c for c in columns if c != "uri"):
        value = node.properties.get(column)
        if value is None or value == []:
            assignments.append(f"n.{identifier(column)} = NULL")
        else:
            assignments.append(f"n.{identifier(column)} = $v{i}")
            params[f"v{i}"] = value
    if assignments:
        conn.execute(f"MATCH (n:{identifier(node.label)} {{uri: $uri}}) SET {', '.join(assignments)}", params)


@contextlib.contextmanager
def _rebuild_lock(folder: Path) -> Iterator[None]:
    with open(folder / LOCK, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        processes.keep_from_children(f)         # the part writers forked meanwhile do not hold it
        try:
            yield
        finally:
            processes.release(f)
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
            update(ws) or build(ws)
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
                        update(ws, folder) or build(ws, folder)
    except WorkspaceError as err:
        raise LookupError(str(err)) from err
    return folder / DATABASE
