"""SHACL validation of a workspace against ``ontology/shapes.ttl``, plan by plan, reported by plan.

The shapes speak of one node at a time: its own statements and the types of the nodes it
points to. So the workspace is validated in *units* of bounded size, each a graph of the
workspace (a plan's, the program scheme's, the classifications') holding:

- the statements of the nodes only that graph states (the unit *owns* them);
- the rdf:type statements, from every graph, of the nodes they point to (``sh:class``);
- the statements of nodes of other graphs that point to the nodes it owns (a SPARQL
  constraint that walks back, as from a plan's text to its evidence spans).

A node stated in several graphs (a body named by many plans, a policy they cite) is owned by
none of them: the nodes of that kind are validated apart, each with all its statements, in
units of bounded size. A unit's violations are kept for the nodes it owns only, and each is
reported under the plans whose graphs state its focus node, as if the whole graph had been
validated at once. Each unit is first checked quickly (:mod:`kg.shapes_check`); pyshacl
validates only the units where that check finds a node that may not conform, and its report
is the one printed.
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import os
import re
import sys
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import pyoxigraph as ox

import ontology
from ontology import namespaces
from ontology.namespaces import DCT

from . import iri, processes
from .datatypes import INTEGER, declared, restored
from .workspace import Workspace

if TYPE_CHECKING:
    from .progress import Progress
    from .shapes_check import SparqlAsker

SH = namespaces.SH
RDF_TYPE = ox.NamedNode(namespaces.RDF.type)
DCT_SOURCE = DCT.source
REFERENCE = "reference data (program scheme, classifications)"
PLAIN_IRI = re.compile(r"[^\x00-\x20<>\"{}|^`\\]+")        # an IRI a SPARQL query may hold as it is
KNOWN_TYPES = 200_000            # the types of pointed-to nodes a worker remembers, at most
SHARED_UNIT_SUBJECTS = 200       # nodes stated by several graphs, checked together in one unit
EXIT_INTERRUPTED = 130


class Source:
    """Reads units out of a workspace's store: a graph's, or the nodes stated by several graphs."""

    def __init__(self, store: ox.Store, data_graphs: list[str], datatypes: dict[str, ox.NamedNode],
                 sparql_on_store: bool = False):
        self.store = store
        self.data_graphs = {ox.NamedNode(g) for g in data_graphs}
        self.datatypes = datatypes
        self.sparql_on_store = sparql_on_store
        self._known_types: dict[object, list] = {}
        self._shared: set = set()        # subjects found stated by several graphs, in earlier units
        self._other_graphs = sorted((g for g in store.named_graphs() if g not in self.data_graphs), key=str)

    def quick_unit(self, graph: ox.NamedNode) -> tuple[list[ox.Triple], set, list]:
        """What the quick check needs of a graph: (its statements and the types of the nodes
        they point to, the subjects it owns, the subjects other graphs state too). When the
        SPARQL constraints are asked of the whole store (:meth:`selected`), the walk back is
        left out and only the types sh:class reads are looked up."""
        quads = list(self.store.quads_for_pattern(None, None, None, graph))
        subjects = list(dict.fromkeys(q.subject for q in quads))
        elsewhere = self._stated_elsewhere_of(subjects, graph)
        shared = [s for s in subjects if s in elsewhere]
        owned = {s for s in subjects if s not in elsewhere}
        statements = self._restored(quads)
        if self.sparql_on_store:
            # Besides the SPARQL constraints, asked of the store, only sh:class reads the types
            # of other nodes: those its paths point to.
            paths = _shapes().class_paths
            pointed = {q.object for q in quads if q.predicate.value in paths and q.object not in owned}
            statements += self._types_of(pointed, graph)
        else:
            pointed = {q.object for q in quads if q.predicate != RDF_TYPE and q.object not in owned}
            statements += self._types_of(pointed, graph)
            if self._walked_back_from(quads, owned):
                statements += self._pointing_to(owned, graph)
        return statements, owned, shared

    def _restored(self, quads: list[ox.Quad]) -> list:
        """The quads, an integer of a property with a declared datatype as a triple with that
        datatype put back (a quad's graph is not read by the quick check)."""
        found = []
        for q in quads:
            datatype = self.datatypes.get(q.predicate.value)
            if datatype is not None and isinstance(q.object, ox.Literal) and q.object.datatype == INTEGER:
                found.append(ox.Triple(q.subject, q.predicate, ox.Literal(q.object.value, datatype=datatype)))
            else:
                found.append(q)
        return found

    def _stated_elsewhere_of(self, subjects: list, graph: ox.NamedNode) -> set:
        """The subjects other data graphs state too, remembered: asked of the store in one
        query (which compares graphs without reading their names out), a subject found before
        not asked again."""
        unknown = [s for s in subjects if s not in self._shared]
        askable = [s for s in unknown if isinstance(s, ox.NamedNode) and PLAIN_IRI.fullmatch(s.value)]
        found = {s for s in unknown if s not in askable and self._stated_elsewhere(s, graph)}
        if askable:
            excluded = ", ".join(str(g) for g in [graph, *self._other_graphs])
            found.update(row[0] for row in self.store.query(
                f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {' '.join(str(s) for s in askable)} }} "
                f"GRAPH ?h {{ ?s ?p ?o }} FILTER (?h NOT IN ({excluded})) }}"))
        self._shared |= found
        return found | {s for s in subjects if s in self._shared}

    def selected(self, query: str, focus: set) -> set:
        """The focus nodes a SPARQL constraint selects, asked of the whole store (every data
        graph and the ontology, as pyshacl sees the whole workspace)."""
        this = ox.Variable("this")
        return {node for node in focus
                if any(True for _ in self.store.query(query, substitutions={this: node},
                                                      use_default_graph_as_union=True))}

    def graph_unit(self, graph: ox.NamedNode) -> tuple[list[ox.Triple], set, list]:
        """(the unit's statements, the subjects it owns, the subjects other graphs state too)."""
        quads = list(self.store.quads_for_pattern(None, None, None, graph))
        owned, shared = set(), []
        for subject in {q.subject for q in quads}:
            (shared.append if self._stated_elsewhere(subject, graph) else owned.add)(subject)
        triples = self._triples(quads)
        pointed = {q.object for q in quads if q.predicate != RDF_TYPE and q.object not in owned}
        triples += self._types_of(pointed, graph)
        if self._walked_back_from(quads, owned):
            triples += self._pointing_to(owned, graph)
        return triples, owned, shared

    def shared_unit(self, subjects: list) -> tuple[list[ox.Triple], dict[object, list[str]]]:
        """(all the data graphs state of ``subjects``, each subject -> the graphs stating it)."""
        triples, stated = [], {}
        for subject in subjects:
            quads = [q for q in self.store.quads_for_pattern(subject, None, None, None)
                     if q.graph_name in self.data_graphs]
            stated[subject] = sorted({q.graph_name.value for q in quads})
            triples += self._triples(quads)
            triples += self._types_of({q.object for q in quads if q.predicate != RDF_TYPE}, None)
            if self._walked_back_from(quads, {subject}):
                triples += self._pointing_to({subject}, None)
        return triples, stated

    def _triples(self, quads: list[ox.Quad]) -> list[ox.Triple]:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in restored(quads, self.datatypes)]

    def _stated_elsewhere(self, subject, graph: ox.NamedNode) -> bool:
        return any(q.graph_name != graph and q.graph_name in self.data_graphs
                   for q in self.store.quads_for_pattern(subject, None, None, None))

    def _types_of(self, nodes: set, graph: ox.NamedNode | None) -> list[ox.Triple]:
        """The rdf:type statements of ``nodes`` in the data graphs."""
        found = []
        for node in nodes:
            if not isinstance(node, ox.Literal):
                found += [ox.Triple(node, RDF_TYPE, t) for t in self._types(node)]
        return found

    def _types(self, node) -> list:
        """The types the data graphs give a node, remembered: a node pointed to from another
        graph (a body every plan names, a program of the scheme, an external reference) is
        looked up once per worker, not once per plan."""
        types = self._known_types.get(node)
        if types is None:
            types = list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(node, RDF_TYPE, None, None)
                                       if q.graph_name in self.data_graphs))
            if len(self._known_types) >= KNOWN_TYPES:
                self._known_types.clear()
            self._known_types[node] = types
        return types

    def _walked_back_from(self, quads: list[ox.Quad], owned: set) -> bool:
        """Whether a SPARQL constraint has a focus node among ``owned`` (it may walk back from
        it, along statements other graphs make). The program scheme, which every plan points
        to, has none, so its unit stays the size of the scheme. (Shapes not read by the quick
        check: always.)"""
        if _shapes().unsupported:
            return True
        classes = _shapes().sparql_target_classes
        return any(q.predicate == RDF_TYPE and q.subject in owned and isinstance(q.object, ox.NamedNode)
                   and (q.object.value in classes or not classes.isdisjoint(_shapes().superclasses.get(q.object.value, ())))
                   for q in quads)

    def _pointing_to(self, owned: set, graph: ox.NamedNode | None) -> list[ox.Triple]:
        """All that the data graphs state of the nodes that, in other graphs, point to ``owned``."""
        referrers = {q.subject for node in owned for q in self.store.quads_for_pattern(None, None, node, None)
                     if q.graph_name != graph and q.graph_name in self.data_graphs}
        found = []
        for node in referrers:
            found += self._triples([q for q in self.store.quads_for_pattern(node, None, None, None)
                                    if q.graph_name in self.data_graphs])
        return found


def _plan_names(ws: Workspace) -> dict[str, str]:
    """Plan graph -> the plan's source file (its key when it states none)."""
    names = {iri.graph(key): key for key in ws.documents}
    for g in list(names):
        for q in ws.store.quads_for_pattern(None, ox.NamedNode(DCT_SOURCE), None, ox.NamedNode(g)):
            names[g] = q.object.value
    return names


def _sparql_on_store(ws: Workspace, data_graphs: list[str]) -> bool:
    """Whether the SPARQL constraints may be asked of the whole store as it is: it holds the
    data graphs and the ontology pyshacl is given, nothing else; and no query looks at a
    literal's datatype, which the store folds (an xsd:nonNegativeInteger is kept as an
    xsd:integer)."""
    queries = [q for shape in _shapes().shapes for q in shape.sparql]
    if any(word in q.upper() for q in queries for word in ("DATATYPE", "SAMETERM")):
        return False
    others = {g.value for g in ws.store.named_graphs()} - set(data_graphs)
    if others - {iri.ONTOLOGY_GRAPH} or next(ws.store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None):
        return False
    stored = ws.store.quads_for_pattern(None, None, None, ox.NamedNode(iri.ONTOLOGY_GRAPH))
    return _blank_free(stored) == _blank_free(_shapes().ontology)


def _blank_free(statements: Iterable) -> collections.Counter:
    """The statements with their blank nodes unnamed, counted: two readings of one file agree."""
    def term(t):
        return "_" if isinstance(t, ox.BlankNode) else str(t)

    return collections.Counter((term(q.subject), str(q.predicate), term(q.object)) for q in statements)


def _term(text: str):
    """A subject from its N-Triples form."""
    return ox.NamedNode(text[1:-1]) if text.startswith("<") else ox.BlankNode(text[2:])


# -- checking a unit (in a worker process) -----------------------------------------------------

_SHAPES = None          # the shapes, read once per process (before the workers fork, where they do)
_PYSHACL = None         # (shapes, ontology) as rdflib graphs, read when pyshacl is first needed
_SOURCE: Source | None = None                   # this process's reader of the workspace
_OPENING: tuple | None = None                   # how a worker opens its own: (store path, data graphs, datatypes)
_OPENED_BY: int | None = None


def _shapes():
    global _SHAPES
    if _SHAPES is None:
        from .shapes_check import Shapes

        _SHAPES = Shapes(ox.parse(path=str(ontology.SHAPES), format=ox.RdfFormat.TURTLE),
                         ox.parse(path=str(ontology.ONTOLOGY), format=ox.RdfFormat.TURTLE))
    return _SHAPES


def _source() -> Source:
    """The workspace's store, opened read-only by this worker when it forked from the process
    that opened it (a store is not shared across a fork)."""
    global _SOURCE, _OPENED_BY
    if _OPENED_BY != os.getpid():
        path, graphs, datatypes, sparql_on_store = _OPENING
        _SOURCE = Source(ox.Store.read_only(str(path)), graphs, datatypes, sparql_on_store)
        _OPENED_BY = os.getpid()
    return _SOURCE


Violations = list[tuple[str, str, list[str]]]       # (focus node, line, the graphs stating the focus node)


def check_graph(graph: str) -> tuple[Violations, list[str]]:
    """The violations of the nodes a graph owns; and the subjects it shares with other graphs.

    The quick check reads the graph as cheaply as it can (:meth:`Source.quick_unit`); a graph
    where it finds a suspect is read again as a whole unit, for the check and pyshacl as ever."""
    source = _source()
    triples, owned, shared = source.quick_unit(ox.NamedNode(graph))
    lines = []
    if _suspects(triples, owned, source.selected if source.sparql_on_store else None):
        triples, owned, _ = source.graph_unit(ox.NamedNode(graph))
        lines = _violations(triples, owned)
    return [(focus, line, [graph]) for focus, line in lines], [str(s) for s in shared]


def check_shared(subjects: list[str]) -> Violations:
    """The violations of nodes stated in several graphs, each with all they state."""
    triples, stated = _source().shared_unit([_term(s) for s in subjects])
    by_text = {str(s): graphs for s, graphs in stated.items()}
    return [(focus, line, by_text[focus]) for focus, line in _violations(triples, set(stated))]


def _suspects(triples: list[ox.Triple], owned: set, sparql: "SparqlAsker | None" = None) -> set:
    """The nodes of ``owned`` the quick check cannot clear."""
    from .shapes_check import Data

    shapes = _shapes()
    # A statement given twice (a type read from the graph and again from the store) is one
    # of a node the unit does not own, whose values are not counted: no need to drop it.
    return shapes.suspects(Data(triples, shapes.superclasses, distinct=True), owned, sparql)


def _violations(triples: list[ox.Triple], owned: set) -> list[tuple[str, str]]:
    """(focus node, line) for each violation of a node in ``owned``: none when the quick check
    finds every one of them conforming, else pyshacl's."""
    from .shapes_check import Data

    shapes = _shapes()
    data = Data(triples, shapes.superclasses)
    if not shapes.suspects(data, owned):
        return []
    return _pyshacl_lines(data.triples, {str(s) for s in owned})


def _pyshacl_lines(triples: list[ox.Triple], owned: set[str]) -> list[tuple[str, str]]:
    """pyshacl's violations in the unit, of the nodes it owns, each as a report line."""
    global _PYSHACL
    from pyshacl import validate as shacl
    from rdflib import BNode, Graph, URIRef
    from rdflib.namespace import RDF

    if _PYSHACL is None:
        _PYSHACL = (Graph().parse(ontology.SHAPES, format="turtle"), Graph().parse(ontology.ONTOLOGY, format="turtle"))
    shapes, ont = _PYSHACL
    # Blank nodes keep their labels, which tell the nodes the unit owns.
    labels = {t.value: BNode(t.value) for triple in triples for t in (triple.subject, triple.object)
              if isinstance(t, ox.BlankNode)}
    data = Graph().parse(data=ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES), format="nt",
                         bnode_context=labels)
    conforms, report, _ = shacl(data, shacl_graph=shapes, ont_graph=ont, inference="none",
                                advanced=True, allow_warnings=True)
    if conforms:
        return []
    lines = []
    for r in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = report.value(r, URIRef(SH + "focusNode"))
        if focus.n3() in owned:
            lines.append((focus.n3(), result_line(report, r)))
    return lines


def result_line(report, result) -> str:
    """One violation of a pyshacl report as one line: focus, path, message, value."""
    from rdflib import URIRef

    focus = report.value(result, URIRef(SH + "focusNode"))
    path = report.value(result, URIRef(SH + "resultPath"))
    value = report.value(result, URIRef(SH + "value"))
    message = report.value(result, URIRef(SH + "resultMessage"))
    line = f"{focus}" + (f" {path}" if path is not None else "") + f": {message}"
    if value is not None and value != focus:
        line += f" (value {value.n3()})"
    return line


# -- the whole run -------------------------------------------------------------------------------

def validate(ws: Workspace, *, jobs: int | None = None,
             progress: Callable[[int, int | None], None] | None = None) -> tuple[bool, str]:
    """(conforms, report text: the violations grouped by the plan that holds them).

    ``jobs`` worker processes check the units (default: up to 4, one per core; 1: none; a
    workspace open for writing is checked here); ``progress(done, total)`` is called as units
    are done."""
    global _SOURCE, _OPENED_BY, _OPENING
    _shapes()
    graphs, datatypes = ws.data_graphs(), declared(ws)
    names = _plan_names(ws)
    workers = _workers(jobs) if ws.snapshot_store is not None else 1
    on_store = _sparql_on_store(ws, graphs)
    _SOURCE, _OPENED_BY = Source(ws.store, graphs, datatypes, on_store), os.getpid()
    _OPENING = (ws.snapshot_store, graphs, datatypes, on_store)
    grouped: dict[str, set[str]] = collections.defaultdict(set)
    shared: set[str] = set()
    total, done = len(graphs), 0

    def record(violations: Violations) -> None:
        nonlocal done
        for focus, line, stating in violations:
            plans = sorted({names[g] for g in stating if g in names}) if focus.startswith("<") else []
            for plan in plans or [REFERENCE]:
                grouped[plan].add(line)
        done += 1
        if progress:
            progress(done, total)

    try:
        with Workers(workers) as pool:
            for violations, found in pool.map(check_graph, graphs):
                shared.update(found)
                record(violations)
            subjects = sorted(shared)
            batches = [subjects[i:i + SHARED_UNIT_SUBJECTS] for i in range(0, len(subjects), SHARED_UNIT_SUBJECTS)]
            total += len(batches)
            for violations in pool.map(check_shared, batches):
                record(violations)
    finally:
        _SOURCE = _OPENING = None
    if not grouped:
        return True, "conforms"
    return False, report_text({plan: sorted(lines) for plan, lines in sorted(grouped.items())})


def report_text(grouped: dict[str, list[str]]) -> str:
    count = sum(len(lines) for lines in grouped.values())
    text = [f"{count} violation{'s' if count != 1 else ''} in {len(grouped)} plan{'s' if len(grouped) != 1 else ''}"]
    for plan, lines in grouped.items():
        text.append(f"\n{plan}: {len(lines)}")
        text.extend(f"  {line}" for line in lines)
    return "\n".join(text)


def _workers(jobs: int | None) -> int:
    return jobs if jobs else max(1, min(4, os.cpu_count() or 1))


class Workers:
    """Runs checks here (one worker) or in worker processes that die with this one, a few
    tasks in flight per worker; as a context manager, which ends the processes."""

    def __init__(self, count: int):
        self.count = count
        self.pool = None
        if count > 1:
            import multiprocessing

            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
            parent = None if context.get_start_method() == "forkserver" else os.getpid()
            self.pool = cf.ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_start_worker,
                                               initargs=(parent, _OPENING))

    def map(self, function: Callable, arguments: Iterable) -> Iterator:
        """``function(argument)`` for each argument, in order."""
        if self.pool is None:
            yield from map(function, arguments)
            return
        pending: collections.deque = collections.deque()
        for argument in arguments:
            pending.append(self.pool.submit(function, argument))
            if len(pending) > self.count * 3:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, kind, *exc) -> None:
        if self.pool is None:
            return
        if kind is None:
            self.pool.shutdown()
        else:               # interrupted, or a check failed: the tasks in flight are dropped
            processes.stop_pool(self.pool)


def _start_worker(parent: int | None, opening: tuple) -> None:
    global _OPENING
    processes.start_worker(parent)
    _OPENING = opening


def run(ws: Workspace, jobs: int | None, progress: "Progress | None" = None) -> int:
    """``kg validate``: print the report, with progress on stderr at a terminal; the exit
    status (0 conforms, 1 violations, 130 interrupted by Ctrl-C or SIGTERM)."""
    from .progress import Progress

    validating = (progress or Progress.on_stderr()).phase("validating", None, "units").start()

    def update(done: int, total: int | None) -> None:
        validating.total = total
        validating.advance(done - validating.done)

    try:
        with processes.sigterm_interrupts():
            conforms, report = validate(ws, jobs=jobs, progress=update)
    except KeyboardInterrupt:
        validating.finish(stopped=True)
        print("interrupted: validation stopped before its end", file=sys.stderr)
        return EXIT_INTERRUPTED
    validating.finish()
    print("conforms" if conforms else report)
    return 0 if conforms else 1
