"""The pages' index: what the pages of ``kg viz`` read of every plan, kept in SQLite in the workspace.

The default page of a national workspace ranks every program by the bodies and plans pursuing
it, then reads the pursuits of the programs it draws and the names of the bodies pursuing them:
about a million statements at 10,000 plans, each read back from Oxigraph at some 10 µs. The
index holds each graph's part of them, as the graph states it (:class:`Part`):

- its plan's rows: the plan, its files' names, year, title and issuing body, as
  :func:`kg.network.plans_of` reads them;
- its pursuits (body, program);
- the names it gives: ``skos:prefLabel``, ``skos:altLabel`` and ``cyl:level`` of its nodes;

so that a page counts and looks them up in SQL. ``kg build`` keeps it as the ``pages`` store:
the extraction workers take each plan's part from the triples in hand (:meth:`PagesStore.keep`),
and the round's close brings the index to the workspace's graphs in their versions (the plans'
:func:`kg.stores.cypher_cache.version`, the reference graphs' digests), reading from the RDF
store only the graphs no worker built (the reference graphs; a plan whose files' names changed
when its copies settled). A reader uses the index only when it was made from the manifest of
the snapshot it reads (:func:`read`); otherwise the pages read the store.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import weakref
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence, TypeVar

from ontology.namespaces import CYL, DCT, RDF, SKOS

from .base import PlanGraph, Store

if TYPE_CHECKING:
    from ..workspace import Workspace

INDEX = "pages.sqlite"
PARTS = "pages-parts"         # the parts the extraction workers took, until the round's close
NAMES = (SKOS.prefLabel, SKOS.altLabel, CYL.level)
_PLAN_LITERALS = (DCT.source, CYL.planYear, DCT.title)
_READ = (CYL.pursues, CYL.issuedBy) + NAMES + _PLAN_LITERALS     # what a part is made of
T = TypeVar("T")
BATCH = 900                   # terms in one IN (...): below SQLite's 999 variables

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS graphs (id INTEGER PRIMARY KEY, version TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plans (graph INTEGER NOT NULL, document INTEGER NOT NULL, source TEXT NOT NULL,
                                  year TEXT, title TEXT, issuer INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pursuits (graph INTEGER NOT NULL, body INTEGER NOT NULL, program INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS names (graph INTEGER NOT NULL, node INTEGER NOT NULL, predicate INTEGER NOT NULL,
                                  value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS plans_graph ON plans (graph);
CREATE INDEX IF NOT EXISTS pursuits_graph ON pursuits (graph);
CREATE INDEX IF NOT EXISTS pursuits_program ON pursuits (program);
CREATE INDEX IF NOT EXISTS names_graph ON names (graph);
CREATE INDEX IF NOT EXISTS names_node ON names (node, predicate);
"""


class Part(NamedTuple):
    """What one graph gives the pages."""

    plans: list[tuple[str, str, str | None, str | None, str]]     # plan, files' names, year, title, issuer
    pursuits: list[tuple[str, str]]                               # body, program
    names: list[tuple[str, str, str]]                             # node, predicate, lexical form


Triple = tuple[str, str, "str | tuple[str, str | None, str]"]     # an object: an IRI, or a literal's
                                                                  # (lexical form, language, datatype)


def part_of(triples: Iterable[Triple]) -> Part:
    """A graph's part, from its triples. A plan's rows are those of ``?plan a cyl:WorkPlan ;
    dct:source ?source ; cyl:issuedBy ?issuer``, with each year and title it has (or None)."""
    plans: set[str] = set()
    literals: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    issuers: dict[str, set[str]] = defaultdict(set)
    pursuits: set[tuple[str, str]] = set()
    names: set[tuple[str, str, str]] = set()
    for s, p, o in triples:
        if type(o) is tuple:
            if p in NAMES:
                names.add((s, p, o[0]))
            elif p in _PLAN_LITERALS:
                literals[s][p].add(o[0])
        elif p == CYL.pursues:
            pursuits.add((s, o))
        elif p == CYL.issuedBy:
            issuers[s].add(o)
        elif p == RDF.type and o == CYL.WorkPlan:
            plans.add(s)
    rows = [(plan, source, year, title, issuer)
            for plan in plans for source in literals[plan][DCT.source] for issuer in issuers[plan]
            for year in literals[plan][CYL.planYear] or {None} for title in literals[plan][DCT.title] or {None}]
    return Part(sorted(rows, key=repr), sorted(pursuits), sorted(names))


def part_from_store(store, graph: str) -> Part:
    """A graph's part, read from the RDF store by the predicates a part is made of."""
    import pyoxigraph as ox

    g = ox.NamedNode(graph)

    def triples() -> Iterator[Triple]:
        for predicate in _READ:
            for q in store.quads_for_pattern(None, ox.NamedNode(predicate), None, g):
                o = q.object
                yield (q.subject.value, predicate,
                       (o.value, o.language, o.datatype.value) if isinstance(o, ox.Literal) else o.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF.type), ox.NamedNode(CYL.WorkPlan), g):
            yield q.subject.value, RDF.type, CYL.WorkPlan

    return part_of(triples())


def part_from_nt(triples: Iterable[tuple[str, str, str]]) -> Part:
    """A graph's part, from its triples written as N-Triples terms (as the workers hold them)."""
    from ..mapping import nt_term

    return part_of((nt_term(s), nt_term(p), nt_term(o)) for s, p, o in triples
                   if p[1:-1] in _READ or (p[1:-1] == RDF.type and o[1:-1] == CYL.WorkPlan))


# -- the workers' parts ------------------------------------------------------------------------

def _part_file(folder: Path, graph: str, version: str) -> Path:
    digest = hashlib.sha1(f"{graph}\n{version}".encode("utf-8")).hexdigest()
    return folder / f"{digest}.json"


def write_part(folder: Path, graph: str, version: str, part: Part) -> None:
    """Keep a worker's part for the round's close (quietly not at all where it cannot be written)."""
    file = _part_file(folder, graph, version)
    # renamed into place but not synced: a part lost is read from the store at the close
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps([graph, version, part], ensure_ascii=False), "utf-8")
        os.replace(tmp, file)


def read_part(folder: Path, graph: str, version: str) -> Part | None:
    try:
        g, v, (plans, pursuits, names) = json.loads(_part_file(folder, graph, version).read_text("utf-8"))
    except (OSError, ValueError, TypeError):
        return None
    if (g, v) != (graph, version):
        return None
    return Part([tuple(r) for r in plans], [tuple(r) for r in pursuits], [tuple(r) for r in names])


# -- writing the index -----------------------------------------------------------------------

def graph_versions(ws: "Workspace") -> dict[str, str]:
    """Every graph the index holds, and the version of it the index must hold."""
    from .cypher_cache import versions

    found = versions(ws)
    found.update(ws.manifest.get("reference", {}))
    return found


def _connect(path: Path, *, write: bool) -> sqlite3.Connection:
    if write:
        db = sqlite3.connect(path, timeout=60, isolation_level=None)
        db.executescript(_SCHEMA)
    else:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60, isolation_level=None)
    return db


class _Terms:
    """IRIs as the index's integers."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.ids = {iri: i for i, iri in db.execute("SELECT id, iri FROM terms")}
        self.next = max(self.ids.values(), default=0) + 1
        self.new: list[tuple[int, str]] = []

    def __call__(self, iri: str) -> int:
        found = self.ids.get(iri)
        if found is None:
            found = self.ids[iri] = self.next
            self.next += 1
            self.new.append((found, iri))
        return found

    def flush(self) -> None:
        self.db.executemany("INSERT INTO terms (id, iri) VALUES (?, ?)", self.new)
        self.new = []


def sync(ws: "Workspace", parts: Path | None = None) -> dict[str, int]:
    """Bring the index to the workspace's graphs in their versions: the parts in ``parts`` (a
    folder of the workers' parts, emptied after) where they hold a graph's version, else read
    from the store. Returns how many graphs it brought in, how many of them it read from the
    store, and how many it let go."""
    from ..workspace import manifest_digest

    wanted = graph_versions(ws)
    db = _connect(ws.path / INDEX, write=True)
    try:
        db.execute("BEGIN IMMEDIATE")
        terms = _Terms(db)
        held = {iri: version for iri, version in
                db.execute("SELECT t.iri, g.version FROM graphs g JOIN terms t ON t.id = g.id")}
        stale = sorted(g for g in held if wanted.get(g) != held[g])
        fresh = sorted(g for g, v in wanted.items() if held.get(g) != v)
        _forget(db, [terms(g) for g in stale])
        from_store = 0
        for graph in fresh:
            version = wanted[graph]
            part = read_part(parts, graph, version) if parts is not None else None
            if part is None:
                part, from_store = part_from_store(ws.store, graph), from_store + 1
            _hold(db, terms, graph, version, part)
        terms.flush()
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('digest', ?)", (manifest_digest(ws.manifest),))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    if parts is not None:
        shutil.rmtree(parts, ignore_errors=True)
    return {"graphs": len(fresh), "from_store": from_store, "let_go": len(set(stale) - set(fresh))}


def _forget(db: sqlite3.Connection, graphs: list[int]) -> None:
    for i in range(0, len(graphs), BATCH):
        chunk = graphs[i:i + BATCH]
        marks = ",".join("?" * len(chunk))
        for table, column in (("plans", "graph"), ("pursuits", "graph"), ("names", "graph"), ("graphs", "id")):
            db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)


def _hold(db: sqlite3.Connection, terms: _Terms, graph: str, version: str, part: Part) -> None:
    g = terms(graph)
    db.execute("INSERT INTO graphs (id, version) VALUES (?, ?)", (g, version))
    db.executemany("INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?)",
                   [(g, terms(plan), source, year, title, terms(issuer)) for plan, source, year, title, issuer in part.plans])
    db.executemany("INSERT INTO pursuits VALUES (?, ?, ?)", [(g, terms(b), terms(p)) for b, p in part.pursuits])
    db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", [(g, terms(n), terms(p), v) for n, p, v in part.names])


class PagesStore(Store):
    """The pages' index, in the workspace folder (:data:`INDEX`)."""

    name = "pages"
    title = "pages' index"

    def __init__(self) -> None:
        self.parts: Path | None = None
        self.workspace: "Workspace | None" = None
        self.report: dict[str, int] = {}            # what the last round did (:func:`sync`)

    def __getstate__(self) -> dict:                  # to the extraction workers: where the parts go
        return {**vars(self), "workspace": None}

    def open(self, workspace: "Workspace") -> None:
        self.workspace = workspace
        self.parts = workspace.path / PARTS

    def keep(self, graph: PlanGraph) -> None:
        from .cypher_cache import version

        if self.parts is not None:
            write_part(self.parts, graph.graph, version(graph.entry), part_from_nt(graph.triples))

    def close(self) -> None:
        if self.workspace is not None:
            workspace, self.workspace = self.workspace, None
            self.report = self.sync(workspace)

    def sync(self, workspace: "Workspace", *, full: bool = False) -> dict[str, int]:
        """Bring the index up to date (``full``: made again whole); what :func:`sync` did."""
        if full:
            with contextlib.suppress(FileNotFoundError):
                (workspace.path / INDEX).unlink()
        return sync(workspace, workspace.path / PARTS)


# -- reading the index -------------------------------------------------------------------------

class Index:
    """The index as a reader reads it. Each read is one transaction that first checks the index
    is still of the snapshot read (a build may have brought it further meanwhile)."""

    def __init__(self, path: Path, digest: str):
        self.path, self.digest = path, digest
        self.db: sqlite3.Connection | None = None

    def read(self, what: Callable[["Index"], T]) -> T | None:
        """What ``what`` reads, in one read transaction; None when the index is not (or no
        longer) of the snapshot read."""
        try:
            if self.db is None:
                self.db = _connect(self.path, write=False)
            self.db.execute("BEGIN")
            try:
                row = self.db.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
                return what(self) if row and row[0] == self.digest else None
            finally:
                self.db.execute("COMMIT")
        except sqlite3.Error:
            return None

    def _ids(self, iris: Iterable[str]) -> dict[int, str]:
        found: dict[int, str] = {}
        iris = sorted(set(iris))
        for i in range(0, len(iris), BATCH):
            chunk = iris[i:i + BATCH]
            found.update(self.db.execute(f"SELECT id, iri FROM terms WHERE iri IN ({','.join('?' * len(chunk))})",
                                         chunk))
        return found

    def _in(self, sql: str, ids: Sequence[int]) -> Iterator[tuple]:
        """The rows of ``sql`` (with ``{marks}`` where the ids go) for every chunk of ids."""
        for i in range(0, len(ids), BATCH):
            chunk = ids[i:i + BATCH]
            yield from self.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def plans(self) -> list[list]:
        """Every plan's rows: graph, plan, files' names, year, title, issuer."""
        return [list(row) for row in self.db.execute(
            """SELECT g.iri, d.iri, p.source, p.year, p.title, i.iri FROM plans p
               JOIN terms g ON g.id = p.graph JOIN terms d ON d.id = p.document JOIN terms i ON i.id = p.issuer""")]

    def pursuit_counts(self, years: set[str] | None = None) -> list[tuple[str, int, int]]:
        """Each program the plans' (of the years given) issuers pursue in them: how many bodies
        and how many plans."""
        year = "" if years is None else f" AND p.year IN ({','.join('?' * len(years))})"
        return [tuple(row) for row in self.db.execute(
            f"""SELECT t.iri, c.bodies, c.plans FROM (
                  SELECT u.program, COUNT(DISTINCT u.body) AS bodies, COUNT(DISTINCT u.graph) AS plans
                  FROM pursuits u JOIN plans p ON p.graph = u.graph AND p.issuer = u.body{year}
                  GROUP BY u.program) c JOIN terms t ON t.id = c.program""", sorted(years or ()))]

    def pursuits(self, programs: Iterable[str]) -> list[tuple[str, str, str]]:
        """(graph, body, program) of every pursuit of the programs given."""
        ids = self._ids(programs)
        return [(g, b, ids[p]) for g, b, p in self._in(
            """SELECT g.iri, b.iri, u.program FROM pursuits u JOIN terms g ON g.id = u.graph
               JOIN terms b ON b.id = u.body WHERE u.program IN ({marks})""", sorted(ids))]

    def least_labels(self, but: Iterable[str] = ()) -> list[tuple[str, str]]:
        """(program, its least ``skos:prefLabel``) of every program pursued, in every graph but
        those of ``but``."""
        pred = self._ids([SKOS.prefLabel])
        if not pred:
            return []
        left_out = sorted(self._ids(but))
        return [tuple(row) for row in self.db.execute(
            f"""SELECT t.iri, MIN(n.value) FROM names n JOIN terms t ON t.id = n.node
                WHERE n.predicate = ? AND n.graph NOT IN ({','.join('?' * len(left_out))})
                  AND n.node IN (SELECT DISTINCT program FROM pursuits)
                GROUP BY n.node""", [next(iter(pred))] + left_out)]

    def names(self, nodes: Iterable[str], predicate: str) -> list[tuple[str, str]]:
        """(node, lexical form) of the predicate (one of :data:`NAMES`) for the nodes given, in
        every graph."""
        ids = self._ids(nodes)
        pred = self._ids([predicate])
        if not ids or not pred:
            return []
        return sorted({(ids[node], value) for node, value in self._in(
            f"SELECT node, value FROM names WHERE predicate = {next(iter(pred))} AND node IN ({{marks}})", sorted(ids))})


def read(ws: "Workspace", what: Callable[[Index], T]) -> T | None:
    """What ``what`` reads from the index of the snapshot ``ws`` reads; None when there is no
    such index (a workspace being written, a build that did not keep it, an older snapshot)."""
    if not ws.read_only or not (ws.path / INDEX).is_file():
        return None
    index = _OPEN.get(ws)
    if index is None:
        index = _OPEN[ws] = Index(ws.path / INDEX, ws.digest())
    return index.read(what)


_OPEN: "weakref.WeakKeyDictionary[object, Index]" = weakref.WeakKeyDictionary()
