"""GraphML for Gephi, yEd and Cytoscape: the plans graph of :mod:`kg.network` as one file.

Nodes carry ``label`` (Chinese), ``class`` and their literal properties; edges carry
``relation``, ``weight`` (the number of plans that state them) and ``sources``. The evidence is
flattened onto both: ``evidence`` (the first sentence), ``evidence_source``, ``evidence_begin``,
``evidence_end`` and ``evidence_count``. Lists are joined with ``|``. Nodes and edges are written
in sorted order, so the same workspace always gives the same bytes.

The file is the bytes networkx's ``generate_graphml`` writes for the graph of
:func:`kg.network.from_workspace`, but that graph is never held whole. A plan's own nodes (those
minted under its IRI: the plan, its items, targets and sentences, most of the graph) and their
edges are stated by that plan alone, so the plans are read one at a time: each plan's own
elements go to a temporary file, with the keys they use (the file names its keys first, in the
order the elements first use them), while the nodes the plans share (bodies, programs, policies,
regions, plan files) and their edges are gathered, with their first evidence and its count
rather than every span; then the shared nodes and each plan's elements are written in the
graph's order, the edges kept in a second temporary file until the nodes are written. A
workspace where that does not hold (a plan naming another plan's nodes, two plans of one file
name, plans whose nodes interleave in the sorted order) is written from the whole graph, to the
same bytes.
"""
from __future__ import annotations

import marshal
import sys
import tempfile
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator
from xml.etree.ElementTree import _escape_attrib, _escape_cdata, tostring

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from .. import iri
from ..mapping import Config, gather, local_name, node_labels, owned_by
from ..network import (Evidence, _attributes, _DocumentGraph, _lexical_forms, _own_ancestors, from_workspace,
                       vocabulary_names_in)
from ..workspace import Workspace

intern = sys.intern
Key = tuple[str, type, str]                      # an attribute's name, the type of its values, its scope


def _flat(value) -> str:
    return "|".join(map(str, value)) if isinstance(value, list) else str(value)


def _evidence_attributes(first: Evidence | None, count: int) -> dict:
    if first is None:
        return {"evidence_count": 0}
    return {"evidence": first.sentence, "evidence_quote": first.quote, "evidence_source": first.source,
            "evidence_begin": first.begin, "evidence_end": first.end, "evidence_count": count}


def _evidence(attrs: dict) -> dict:
    evidence = attrs["evidence"]
    return _evidence_attributes(evidence[0] if evidence else None, len(evidence))


def node_attributes(a: dict, sources: list[str], first: Evidence | None, count: int) -> dict:
    """A node's GraphML attributes from its :mod:`kg.network` attributes (``cls``, ``label`` and
    its literals), its files and its evidence (the first span and their number)."""
    attrs = {"label": a["label"], "class": a["cls"]}
    attrs.update({k: _flat(v) for k, v in a.items() if k not in ("cls", "label", "evidence", "sources")})
    attrs["sources"] = _flat(sources)
    attrs.update(_evidence_attributes(first, count))
    return attrs


def edge_attributes(relation: str, relations: dict, sources: list[str], first: Evidence | None, count: int) -> dict:
    """An edge's GraphML attributes: its relation and that relation's Chinese name, its files and
    its evidence (the first span and their number)."""
    attrs = {"relation": relation, "label": relations.get(relation, {}).get("zh", relation),
             "weight": len(sources) or 1, "sources": _flat(sources)}
    attrs.update(_evidence_attributes(first, count))
    return attrs


def graphml_nodes(G: nx.MultiDiGraph) -> Iterator[tuple[object, dict]]:
    """Each node of G with its attributes as GraphML needs them: strings and numbers."""
    for n, a in G.nodes(data=True):
        evidence = a["evidence"]
        yield n, node_attributes(a, a["sources"], evidence[0] if evidence else None, len(evidence))


def graphml_edges(G: nx.MultiDiGraph) -> Iterator[tuple[object, object, str, dict]]:
    """Each edge of G (source, target, relation) with its attributes as GraphML needs them."""
    relations = G.graph.get("relations", {})
    for u, v, k, d in G.edges(keys=True, data=True):
        evidence = d["evidence"]
        yield u, v, k, edge_attributes(k, relations, d["sources"], evidence[0] if evidence else None, len(evidence))


def to_graphml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G with every attribute a string or a number, as GraphML needs."""
    out = nx.MultiDiGraph()
    for n, attrs in graphml_nodes(G):
        out.add_node(n, **attrs)
    for u, v, k, attrs in graphml_edges(G):
        out.add_edge(u, v, key=k, **attrs)
    return out


# -- writing elements as ElementTree writes them ----------------------------------------------

class _Elements:
    """Nodes and edges as the text ``tostring`` gives networkx's elements (indented at the
    graph's depth, followed by the line break before the next), without building them."""

    def __init__(self, writer: GraphMLWriter):
        self.writer = writer
        self.ids: dict[tuple[object, type, str], str] = {}

    def key_id(self, name, value, scope: str) -> str:
        found = self.ids.get((name, type(value), scope))
        if found is None:
            w = self.writer
            found = w.keys[(str(name), w.get_xml_type(w.attr_type(name, scope, value)), scope)]
            self.ids[(name, type(value), scope)] = found
        return found

    def text(self, head: str, tag: str, data: dict, scope: str) -> str:
        """An element (``head``: its opening tag's name and attributes) with its data, escaped
        but not yet made ASCII: see :func:`finished`."""
        if not data:
            return head + " />\n    "
        parts = [head, ">"]
        ids = self.ids
        for k, v in data.items():
            key = ids.get((k, type(v), scope)) or self.key_id(k, v, scope)
            value = v if type(v) is str else str(v)
            parts.append('\n      <data key="' + key + '">' + _escape_cdata(value) + "</data>" if value
                         else '\n      <data key="' + key + '" />')
        parts.append("\n    </" + tag + ">\n    ")
        return "".join(parts)

    def node(self, n, data: dict) -> str:
        return self.text('<node id="' + _escape_attrib(str(n)) + '"', "node", data, "node")

    def edge(self, u, v, key, data: dict) -> str:
        return self.text('<edge source="' + _escape_attrib(str(u)) + '" target="' + _escape_attrib(str(v))
                         + '" id="' + _escape_attrib(str(key)) + '"', "edge", data, "edge")


def finished(text: str) -> str:
    """Elements' text as ``tostring`` gives it (non-ASCII characters as references) with the line
    breaks of ``generate_graphml``'s lines: the same for several elements at once as for each."""
    return _lines(text.encode("ascii", "xmlcharrefreplace").decode("ascii"))


def _register_keys(writer: GraphMLWriter, keys: Iterable[Key]) -> None:
    for name, t, scope in keys:
        writer.get_key(str(name), writer.get_xml_type(t), scope, None)


def _keys_of(items: Iterable[dict], scope: str) -> Iterator[Key]:
    for data in items:
        for k, v in data.items():
            yield k, type(v), scope


def _head_and_tail(writer: GraphMLWriter, directed: bool) -> tuple[str, str]:
    """The document up to the first element (the keys, the graph's opening tag and the line break
    after it), and what follows the last element's line break."""
    graph_element = writer.myElement("graph", edgedefault="directed" if directed else "undirected")
    writer.xml.append(graph_element)
    sentinel = writer.myElement("node", id="sentinel")
    graph_element.append(sentinel)
    writer.indent(writer.xml)
    head, _, rest = _lines(tostring(writer.xml).decode("utf-8")).partition(tostring(sentinel).decode("utf-8"))
    return head, rest + "\n"


def _empty_document(writer: GraphMLWriter, directed: bool) -> str:
    writer.xml.append(writer.myElement("graph", edgedefault="directed" if directed else "undirected"))
    writer.indent(writer.xml)
    return _lines(tostring(writer.xml).decode("utf-8")) + "\n"


def graphml_text(nodes: Callable[[], Iterable[tuple[object, dict]]],
                 edges: Callable[[], Iterable[tuple[object, object, object, dict]]],
                 directed: bool = True) -> Iterator[str]:
    """``"\\n".join(nx.generate_graphml(G, prettyprint=True)) + "\\n"`` for the graph G of
    these nodes and edges (each call gives them afresh, in G's order), a piece at a time.

    The keys come first in the file but are named in the order the nodes' and edges' attributes
    first use them, so the graph is read twice: once for the keys, once to write each element
    as networkx's writer would (its escaping, indentation and line breaks).
    """
    writer = GraphMLWriter(prettyprint=True)
    _register_keys(writer, _keys_of((d for _, d in nodes()), "node"))
    _register_keys(writer, _keys_of((d for *_, d in edges()), "edge"))
    elements = _Elements(writer)
    every = _chain(elements, nodes, edges)
    pending = next(every, None)
    if pending is None:
        yield _empty_document(writer, directed)
        return
    head, tail = _head_and_tail(writer, directed)
    yield head
    for text in every:
        yield pending
        pending = text
    yield pending[:-2] + tail           # the last element's line break closes the graph's


def _chain(elements: _Elements, nodes: Callable, edges: Callable) -> Iterator[str]:
    for n, d in nodes():
        yield finished(elements.node(n, d))
    for u, v, k, d in edges():
        yield finished(elements.edge(u, v, k, d))


def _lines(text: str) -> str:
    """The text with its line breaks as ``generate_graphml``'s lines joined by newlines make them
    (``str.splitlines`` breaks at more than ``\\n``)."""
    return "\n".join(text.splitlines())


# -- the workspace, plan by plan ---------------------------------------------------------------

class _Mixed(Exception):
    """The plans' own nodes are not each one plan's alone, or not apart in the sorted order."""


class _Stated:
    """An edge or node as the plans state it: the files stating it, its first evidence and their
    number (rather than every span: plans' spans differ by their files, which are checked apart)."""

    __slots__ = ("sources", "first", "count")

    def __init__(self) -> None:
        self.sources: list[str] = []
        self.first: Evidence | None = None
        self.count = 0

    def add(self, source: str, evidence: Iterable[Evidence]) -> None:
        """One plan's statement (each plan states a node or edge once)."""
        self.sources.append(source)
        spans = set(evidence)
        if spans:
            least = min(spans)
            self.first = least if self.first is None else min(self.first, least)
            self.count += len(spans)


class _SharedNode(_Stated):
    """A node several plans may state, gathered from each as :class:`kg.network._Entities`
    gathers it: its classes and literals."""

    __slots__ = ("types", "literals")

    def __init__(self) -> None:
        super().__init__()
        self.types: set[str] = set()
        self.literals: dict[str, set[str]] = {}


@dataclass
class _Segment:
    """One plan's own nodes: the graph, the first and last node, the keys they and their edges
    use, in the order they first use them."""

    graph: str
    first: str
    last: str
    node_keys: tuple[Key, ...]
    edge_keys: tuple[Key, ...]
    offset: int                     # where its elements are in the spill file, and their size
    size: int


class _Plans:
    """The plans graph read plan by plan: what the plans share held, each plan's own elements
    kept in ``spill`` until written."""

    def __init__(self, ws: Workspace, spill: BinaryIO):
        self.ws = ws
        self.spill = spill
        self.config = Config.load()
        reference = gather(ws.quads(iri.SCHEME_GRAPH), {}, self.config)
        self.reference_types = reference.types
        self.reference_literals = _lexical_forms(reference, ("zh", None))
        vocabulary = gather(ws.quads(iri.ONTOLOGY_GRAPH), {}, self.config)
        self.above = _own_ancestors(vocabulary)
        self.relations = vocabulary_names_in(vocabulary)["relations"]
        self.nodes: dict[str, _SharedNode] = {}
        self.edges: dict[tuple[str, str, str], _Stated] = {}
        self.segments: list[_Segment] = []
        self.documents: set[str] = set()
        self.keys: dict[Key, Key] = {}      # one tuple of each key, for the segments to share

    def document(self, graph: str) -> _DocumentGraph:
        return _DocumentGraph(gather(self.ws.quads(graph), {}, self.config))

    def entities(self, d: _DocumentGraph) -> list[str]:
        """The plan's nodes as :class:`kg.network._Entities` takes them, sorted."""
        entities = set(d.entities())
        entities.update(o for _, _, o in d.links if o not in d.types and o in self.reference_types)
        return sorted(entities)

    def read(self) -> None:
        """The first pass: the shared nodes and edges, each plan's own nodes' range and keys."""
        sources: set[str] = set()
        for graph in self.ws.document_graphs():
            d = self.document(graph)
            if d.source in sources:
                raise _Mixed(f"two plans of one file {d.source}")
            sources.add(d.source)
            if d.plan:
                self.documents.add(d.plan)
            own = owned_by(d.plan or None)
            entities = self.entities(d)
            for s in entities:
                if not own(s):
                    self.add_node(d, s)
            members = set(entities)
            for s, p, o in d.links:
                if s in members and o in members and not own(s):
                    key = (intern(s), intern(p), intern(o))
                    edge = self.edges.get(key)
                    if edge is None:
                        edge = self.edges[key] = _Stated()
                    edge.add(d.source, d.edge_evidence(s, o))
            nodes, edges = self.own_elements(d, entities, own)
            if nodes:
                self.keep(graph, nodes, edges)
        for s, by_predicate in self.reference_literals.items():
            if s in self.nodes:
                for p, values in by_predicate.items():
                    self.nodes[s].literals.setdefault(p, set()).update(values)
        if any(self.owner(s) for s in self.nodes):
            raise _Mixed("a plan names another plan's own node")

    def keep(self, graph: str, nodes: list[tuple[str, dict]], edges: list[tuple[str, str, str, dict]]) -> None:
        """A plan's own elements, to the spill file."""
        data = marshal.dumps((nodes, edges))
        self.segments.append(_Segment(graph, nodes[0][0], nodes[-1][0],
                                      self.first_uses(_keys_of((a for _, a in nodes), "node")),
                                      self.first_uses(_keys_of((a for *_, a in edges), "edge")),
                                      self.spill.tell(), len(data)))
        self.spill.write(data)

    def kept(self, seg: _Segment) -> tuple[list[tuple[str, dict]], list[tuple[str, str, str, dict]]]:
        self.spill.seek(seg.offset)
        return marshal.loads(self.spill.read(seg.size))

    def add_node(self, d: _DocumentGraph, s: str) -> None:
        node = self.nodes.get(s)
        if node is None:
            node = self.nodes[intern(s)] = _SharedNode()
        node.types |= d.types.get(s) or self.reference_types[s]
        for p, values in d.literals.get(s, {}).items():
            node.literals.setdefault(intern(p), set()).update(values)
        node.add(d.source, d.node_evidence(s))

    def owner(self, s: str) -> bool:
        """Whether s is minted under one of the plans' IRIs."""
        if s.partition("#")[0] in self.documents:
            return True
        cut = s.rfind("/")
        while cut > 0:
            s = s[:cut]
            if s in self.documents:
                return True
            cut = s.rfind("/")
        return False

    def first_uses(self, keys: Iterable[Key]) -> tuple[Key, ...]:
        return tuple(self.keys.setdefault(k, k) for k in dict.fromkeys(keys))

    def own_elements(self, d: _DocumentGraph, entities: list[str], own: Callable[[str], bool]
                     ) -> tuple[list[tuple[str, dict]], list[tuple[str, str, str, dict]]]:
        """The plan's own nodes and their edges, with their GraphML attributes, in the graph's order."""
        nodes = []
        for s in entities:
            if own(s):
                evidence = set(d.node_evidence(s))
                a = _attributes(node_labels(frozenset(d.types.get(s) or self.reference_types[s]), self.above)[0],
                                d.literals.get(s, {}), s)
                nodes.append((s, node_attributes(a, [d.source], min(evidence, default=None), len(evidence))))
        members = set(entities)
        stated: dict[str, dict[tuple[str, str], _Stated]] = {}
        for s, p, o in d.links:
            if s in members and o in members and own(s):
                edge = stated.setdefault(s, {})[(p, o)] = _Stated()
                edge.add(d.source, d.edge_evidence(s, o))
        edges = [e for s, _ in nodes for e in self.edges_of(s, stated.get(s, {}))]
        return nodes, edges

    def edges_of(self, s: str, stated: dict[tuple[str, str], _Stated]) -> list[tuple[str, str, str, dict]]:
        """A node's edges in the order networkx keeps them when added by (predicate, object):
        by object, as first added, then by key; a key added twice keeps the last."""
        by_object: dict[str, dict[str, _Stated]] = {}
        for p, o in sorted(stated):
            by_object.setdefault(o, {})[local_name(p)] = stated[(p, o)]
        return [(s, o, key, edge_attributes(key, self.relations, sorted(e.sources), e.first, e.count))
                for o, keyed in by_object.items() for key, e in keyed.items()]

    def shared_node(self, s: str) -> dict:
        node = self.nodes[s]
        a = _attributes(node_labels(frozenset(node.types), self.above)[0], node.literals, s)
        return node_attributes(a, sorted(node.sources), node.first, node.count)

    def units(self) -> list[tuple[str, _Segment | None]]:
        """The shared nodes and the plans' own nodes (a segment each) in the graph's order."""
        units: list[tuple[str, _Segment | None]] = sorted(
            [(s, None) for s in self.nodes] + [(seg.first, seg) for seg in self.segments], key=lambda u: u[0])
        for (_, seg), (after, _) in zip(units, units[1:]):
            if seg is not None and seg.last >= after:
                raise _Mixed(f"the nodes of {seg.graph} are not apart from others'")
        return units

    def shared_edges(self) -> dict[str, list[tuple[str, str]]]:
        """Each shared node's edges' (predicate, object)."""
        by_subject: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in self.edges:
            by_subject.setdefault(s, []).append((p, o))
        return by_subject

    def edges_from(self, s: str, stated: list[tuple[str, str]]) -> list[tuple[str, str, str, dict]]:
        """A shared node's edges with their GraphML attributes, made when needed."""
        return self.edges_of(s, {(p, o): self.edges[(s, p, o)] for p, o in stated})

    def write(self, out: BinaryIO) -> None:
        """The keys, then each shared node and each plan's own nodes (from the spill file) in order,
        the edges kept in a temporary file until the nodes are written."""
        units = self.units()
        shared_edges = self.shared_edges()
        writer = GraphMLWriter(prettyprint=True)
        _register_keys(writer, (k for s, seg in units
                                for k in (seg.node_keys if seg else _keys_of([self.shared_node(s)], "node"))))
        _register_keys(writer, (k for s, seg in units for k in (seg.edge_keys if seg else _keys_of(
            (a for *_, a in self.edges_from(s, shared_edges.get(s, []))), "edge"))))
        if not units:
            out.write(_empty_document(writer, True).encode("utf-8"))
            return
        head, tail = _head_and_tail(writer, True)
        out.write(head.encode("utf-8"))
        elements = _Elements(writer)
        pending = ""                    # the last nodes, held back: the last element closes the graph
        with tempfile.TemporaryFile() as edges:
            for s, seg in units:
                if seg is None:
                    nodes, edge_list = [(s, self.shared_node(s))], self.edges_from(s, shared_edges.get(s, []))
                else:
                    nodes, edge_list = self.kept(seg)
                out.write(pending.encode("utf-8"))
                pending = finished("".join([elements.node(n, a) for n, a in nodes]))
                edges.write(finished("".join([elements.edge(u, v, k, a) for u, v, k, a in edge_list])).encode("ascii"))
            _close(out, pending, edges, tail)


def _close(out: BinaryIO, pending: str, edges: BinaryIO, tail: str) -> None:
    """The last nodes, then the edges, the last element's line break (two spaces shorter)
    closing the graph's."""
    size = edges.tell()
    if not size:
        out.write((pending[:-2] + tail).encode("utf-8"))
        return
    out.write(pending.encode("utf-8"))
    edges.seek(0)
    left = size - 2
    while left > 0:
        chunk = edges.read(min(left, 1 << 20))
        out.write(chunk)
        left -= len(chunk)
    out.write(tail.encode("utf-8"))


def graphml(ws: Workspace, out: BinaryIO) -> None:
    """The workspace as GraphML (UTF-8), plan by plan (see above); from the whole graph when the
    plans' own nodes are not apart."""
    with tempfile.TemporaryFile() as spill:
        plans = _Plans(ws, spill)
        try:
            plans.read()
            plans.units()
        except _Mixed:
            plans = None
        if plans is not None:
            plans.write(out)
            return
    G = from_workspace(ws)
    for text in graphml_text(lambda: graphml_nodes(G), lambda: graphml_edges(G)):
        out.write(text.encode("utf-8"))
