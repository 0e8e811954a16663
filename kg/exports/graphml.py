"""GraphML for Gephi, yEd and Cytoscape: the plans graph of :mod:`kg.network` as one file.

Nodes carry ``label`` (Chinese), ``class`` and their literal properties; edges carry
``relation``, ``weight`` (the number of plans that state them) and ``sources``. The evidence is
flattened onto both: ``evidence`` (the first sentence), ``evidence_source``, ``evidence_begin``,
``evidence_end`` and ``evidence_count``. Lists are joined with ``|``. Nodes and edges are written
in sorted order, so the same workspace always gives the same bytes.
"""
from __future__ import annotations

from typing import BinaryIO, Callable, Iterable, Iterator
from xml.etree.ElementTree import Element, tostring

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from ..network import from_workspace
from ..workspace import Workspace


def _flat(value) -> str:
    return "|".join(map(str, value)) if isinstance(value, list) else str(value)


def _evidence(attrs: dict) -> dict:
    evidence = attrs["evidence"]
    if not evidence:
        return {"evidence_count": 0}
    first = evidence[0]
    return {"evidence": first.sentence, "evidence_quote": first.quote, "evidence_source": first.source,
            "evidence_begin": first.begin, "evidence_end": first.end, "evidence_count": len(evidence)}


def graphml_nodes(G: nx.MultiDiGraph) -> Iterator[tuple[object, dict]]:
    """Each node of G with its attributes as GraphML needs them: strings and numbers."""
    for n, a in G.nodes(data=True):
        attrs = {"label": a["label"], "class": a["cls"]}
        attrs.update({k: _flat(v) for k, v in a.items() if k not in ("cls", "label", "evidence", "sources")})
        attrs["sources"] = _flat(a["sources"])
        attrs.update(_evidence(a))
        yield n, attrs


def graphml_edges(G: nx.MultiDiGraph) -> Iterator[tuple[object, object, str, dict]]:
    """Each edge of G (source, target, relation) with its attributes as GraphML needs them."""
    relations = G.graph.get("relations", {})
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = {"relation": k, "label": relations.get(k, {}).get("zh", k), "weight": len(d["sources"]) or 1,
                 "sources": _flat(d["sources"])}
        attrs.update(_evidence(d))
        yield u, v, k, attrs


def to_graphml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G with every attribute a string or a number, as GraphML needs."""
    out = nx.MultiDiGraph()
    for n, attrs in graphml_nodes(G):
        out.add_node(n, **attrs)
    for u, v, k, attrs in graphml_edges(G):
        out.add_edge(u, v, key=k, **attrs)
    return out


def graphml(ws: Workspace, out: BinaryIO) -> None:
    """The workspace as GraphML (UTF-8): the bytes of networkx's ``generate_graphml`` over
    :func:`to_graphml_graph`, written an element at a time from the plans graph itself rather
    than from a copy of it and one document tree."""
    G = from_workspace(ws)
    for text in graphml_text(lambda: graphml_nodes(G), lambda: graphml_edges(G)):
        out.write(text.encode("utf-8"))


def graphml_text(nodes: Callable[[], Iterable[tuple[object, dict]]],
                 edges: Callable[[], Iterable[tuple[object, object, object, dict]]],
                 directed: bool = True) -> Iterator[str]:
    """``"\\n".join(nx.generate_graphml(G, prettyprint=True)) + "\\n"`` for the graph G of
    these nodes and edges (each call gives them afresh, in G's order), a piece at a time.

    The keys come first in the file but are named in the order the nodes' and edges' attributes
    first use them, so the graph is read twice: once for the keys, once to write each element
    as networkx's writer would (its own escaping, indentation and line breaks).
    """
    writer = GraphMLWriter(prettyprint=True)
    for scope, items in (("node", (d for _, d in nodes())), ("edge", (d for *_, d in edges()))):
        for data in items:
            for k, v in data.items():
                writer.get_key(str(k), writer.get_xml_type(writer.attr_type(k, scope, v)), scope, None)

    def element(tag: str, attrs: dict, data: dict, scope: str) -> Element:
        e = writer.myElement(tag, **attrs)
        for k, v in data.items():
            e.append(writer.add_data(str(k), writer.attr_type(k, scope, v), str(v), scope, None))
        writer.indent(e, 2)
        return e

    def elements() -> Iterator[Element]:
        for n, data in nodes():
            yield element("node", {"id": str(n)}, data, "node")
        for u, v, key, data in edges():
            yield element("edge", {"source": str(u), "target": str(v), "id": str(key)}, data, "edge")

    graph_element = writer.myElement("graph", edgedefault="directed" if directed else "undirected")
    writer.xml.append(graph_element)
    every = elements()
    pending = next(every, None)
    if pending is None:                 # an empty graph element closes itself
        writer.indent(writer.xml)
        yield _lines(tostring(writer.xml).decode("utf-8")) + "\n"
        return
    sentinel = writer.myElement("node", id="sentinel")
    graph_element.append(sentinel)
    writer.indent(writer.xml)
    head, _, rest = _lines(tostring(writer.xml).decode("utf-8")).partition(tostring(sentinel).decode("utf-8"))
    yield head
    for e in every:
        yield _lines(tostring(pending).decode("utf-8"))
        pending = e
    pending.tail = "\n  "              # the last element's line break closes the graph's
    yield _lines(tostring(pending).decode("utf-8"))
    yield rest + "\n"


def _lines(text: str) -> str:
    """The text with its line breaks as ``generate_graphml``'s lines joined by newlines make them
    (``str.splitlines`` breaks at more than ``\\n``)."""
    return "\n".join(text.splitlines())
