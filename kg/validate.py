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
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterator

import pyoxigraph as ox

import ontology

from . import iri, processes
from .datatypes import declared, restored
from .workspace import Workspace

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_SOURCE = "http://purl.org/dc/terms/source"
REFERENCE = "reference data (program scheme, classifications)"
SHARED_UNIT_TRIPLES = 20_000     # the statements of nodes stated by several plans, per unit at most
EXIT_INTERRUPTED = 130


@dataclass
class Unit:
    """What one validation task reads: N-Triples, and the subjects whose violations it reports,
    each with the plans it is reported under."""

    label: str
    ntriples: bytes
    owners: dict[str, list[str]] = field(default_factory=dict)     # subject (N-Triples form) -> plans


# -- the units, read from the workspace --------------------------------------------------------

class Reader:
    """Reads the units out of an open workspace."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.store = ws.store
        self.datatypes = declared(ws)
        self.graphs = [ox.NamedNode(g) for g in ws.data_graphs()]
        self.data_graphs = set(self.graphs)
        self.names = _plan_names(ws)
        self.shared: set = set()

    def plan_units(self) -> Iterator[Unit]:
        """A unit per graph: every plan's, then the program scheme's and the classifications'."""
        for graph in self.graphs:
            yield self._graph_unit(graph)

    def _graph_unit(self, graph: ox.NamedNode) -> Unit:
        quads = list(self.store.quads_for_pattern(None, None, None, graph))
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in restored(quads, self.datatypes)}
        owned = []
        for subject in {q.subject for q in quads}:
            if self._stated_elsewhere(subject, graph):
                self.shared.add(subject)
            else:
                owned.append(subject)
        triples |= self._types_of({q.object for q in quads if q.predicate != RDF_TYPE}, graph)
        triples |= self._pointing_to(owned, graph)
        plans = [self.names[graph.value]] if graph.value in self.names else [REFERENCE]
        return Unit(self.names.get(graph.value, graph.value), _ntriples(triples),
                    {str(s): plans if isinstance(s, ox.NamedNode) else [REFERENCE] for s in owned})

    def shared_units(self) -> Iterator[Unit]:
        """The nodes stated in several graphs, each with all it states in every graph, a few
        thousand statements to a unit."""
        triples: set = set()
        owners: dict[str, list[str]] = {}
        for subject in sorted(self.shared, key=str):
            quads = [q for q in self.store.quads_for_pattern(subject, None, None, None)
                     if q.graph_name in self.data_graphs]
            plans = sorted({self.names[q.graph_name.value] for q in quads if q.graph_name.value in self.names})
            owners[str(subject)] = plans if plans and isinstance(subject, ox.NamedNode) else [REFERENCE]
            triples |= {ox.Triple(q.subject, q.predicate, q.object) for q in restored(quads, self.datatypes)}
            triples |= self._types_of({q.object for q in quads if q.predicate != RDF_TYPE}, None)
            if len(triples) >= SHARED_UNIT_TRIPLES:
                yield Unit("nodes named by several plans", _ntriples(triples), owners)
                triples, owners = set(), {}
        if owners:
            yield Unit("nodes named by several plans", _ntriples(triples), owners)

    def _stated_elsewhere(self, subject, graph: ox.NamedNode) -> bool:
        return any(q.graph_name != graph and q.graph_name in self.data_graphs
                   for q in self.store.quads_for_pattern(subject, None, None, None))

    def _types_of(self, nodes: set, graph: ox.NamedNode | None) -> set:
        """The rdf:type statements of ``nodes`` in the data graphs other than ``graph``."""
        found = set()
        for node in nodes:
            if isinstance(node, ox.Literal):
                continue
            for q in self.store.quads_for_pattern(node, RDF_TYPE, None, None):
                if q.graph_name != graph and q.graph_name in self.data_graphs:
                    found.add(ox.Triple(q.subject, q.predicate, q.object))
        return found

    def _pointing_to(self, owned: list, graph: ox.NamedNode) -> set:
        """All that other graphs state of the nodes that, in those graphs, point to ``owned``."""
        referrers = set()
        for node in owned:
            for q in self.store.quads_for_pattern(None, None, node, None):
                if q.graph_name != graph and q.graph_name in self.data_graphs:
                    referrers.add(q.subject)
        found = set()
        for node in referrers:
            quads = [q for q in self.store.quads_for_pattern(node, None, None, None) if q.graph_name in self.data_graphs]
            found |= {ox.Triple(q.subject, q.predicate, q.object) for q in restored(quads, self.datatypes)}
        return found


def _ntriples(triples: set) -> bytes:
    return ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)


def _plan_names(ws: Workspace) -> dict[str, str]:
    """Plan graph -> the plan's source file (its key when it states none)."""
    names = {iri.graph(key): key for key in ws.documents}
    for g in list(names):
        for q in ws.store.quads_for_pattern(None, ox.NamedNode(DCT_SOURCE), None, ox.NamedNode(g)):
            names[g] = q.object.value
    return names


# -- checking a unit (in a worker process) -----------------------------------------------------

_SHAPES = None          # the shapes, read once per process (before the workers fork, where they do)
_PYSHACL = None         # (shapes, ontology) as rdflib graphs, read when pyshacl is first needed


def _shapes():
    global _SHAPES
    if _SHAPES is None:
        from .shapes_check import Shapes

        _SHAPES = Shapes(ox.parse(path=str(ontology.SHAPES), format=ox.RdfFormat.TURTLE),
                         ox.parse(path=str(ontology.ONTOLOGY), format=ox.RdfFormat.TURTLE))
    return _SHAPES


def check(unit: Unit) -> list[tuple[str, str]]:
    """(focus node, line) for each violation of a node the unit owns."""
    from .shapes_check import Data

    shapes = _shapes()
    data = Data(ox.parse(unit.ntriples, format=ox.RdfFormat.N_TRIPLES), shapes.superclasses)
    owned = {s for s in data.out if str(s) in unit.owners}
    if not shapes.suspects(data, owned):
        return []
    return _pyshacl_lines(unit)


def _pyshacl_lines(unit: Unit) -> list[tuple[str, str]]:
    """pyshacl's violations in the unit, of the nodes it owns, each as a report line."""
    global _PYSHACL
    from pyshacl import validate as shacl
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    if _PYSHACL is None:
        _PYSHACL = (Graph().parse(ontology.SHAPES, format="turtle"), Graph().parse(ontology.ONTOLOGY, format="turtle"))
    shapes, ont = _PYSHACL
    data = Graph().parse(data=unit.ntriples, format="nt")
    conforms, report, _ = shacl(data, shacl_graph=shapes, ont_graph=ont, inference="none",
                                advanced=True, allow_warnings=True)
    if conforms:
        return []
    lines = []
    for r in report.subjects(RDF.type, URIRef(SH + "ValidationResult")):
        focus = report.value(r, URIRef(SH + "focusNode"))
        if focus.n3() in unit.owners:
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

    ``jobs`` worker processes check the units (default: up to 4, one per core; 1: none);
    ``progress(done, total)`` is called as units are done (total None while not yet known)."""
    _shapes()
    reader = Reader(ws)
    grouped: dict[str, set[str]] = collections.defaultdict(set)
    total = len(reader.graphs)
    done = 0

    def units() -> Iterator[Unit]:
        nonlocal total
        yield from reader.plan_units()
        shared = list(reader.shared_units())
        total += len(shared)
        yield from shared

    for unit, lines in _checked(units(), _workers(jobs)):
        for focus, line in lines:
            for plan in unit.owners[focus]:
                grouped[plan].add(line)
        done += 1
        if progress:
            progress(done, total)
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


def _checked(units: Iterator[Unit], workers: int) -> Iterator[tuple[Unit, list[tuple[str, str]]]]:
    """Each unit with its violations, checked here (one worker) or by worker processes that die
    with this one, a few units in flight per worker."""
    if workers == 1:
        for unit in units:
            yield unit, check(unit)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    parent = None if context.get_start_method() == "forkserver" else os.getpid()
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=processes.start_worker,
                                  initargs=(parent,))
    try:
        pending = collections.deque()
        for unit in units:
            pending.append((unit, pool.submit(check, unit)))
            while len(pending) > workers * 3:
                first, future = pending.popleft()
                yield first, future.result()
        while pending:
            first, future = pending.popleft()
            yield first, future.result()
    except BaseException:       # interrupted, or a check failed: the units in flight are dropped
        processes.stop_pool(pool)
        raise
    pool.shutdown()


def run(ws: Workspace, jobs: int | None) -> int:
    """``kg validate``: print the report, with progress on stderr at a terminal; the exit
    status (0 conforms, 1 violations, 130 interrupted by Ctrl-C or SIGTERM)."""
    from .validate_progress import Progress

    bar = Progress("validating", sys.stderr)
    try:
        with processes.sigterm_interrupts():
            conforms, report = validate(ws, jobs=jobs, progress=bar.update)
    except KeyboardInterrupt:
        bar.close()
        print("interrupted: validation stopped before its end", file=sys.stderr)
        return EXIT_INTERRUPTED
    bar.close()
    print("conforms" if conforms else report)
    return 0 if conforms else 1
