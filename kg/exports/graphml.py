"""GraphML for Gephi, yEd and Cytoscape: the plans graph of :mod:`kg.network` as one file.

Nodes carry ``label`` (Chinese), ``class`` and their literal properties; edges carry
``relation``, ``weight`` (the number of plans that state them) and ``sources``. The evidence is
flattened onto both: ``evidence`` (the first sentence), ``evidence_source``, ``evidence_begin``,
``evidence_end`` and ``evidence_count``. Lists are joined with ``|``. Nodes and edges are written
in sorted order, so the same workspace always gives the same bytes.
"""
from __future__ import annotations

from typing import BinaryIO, Iterator
from xml.etree.ElementTree import tostring

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


def to_graphml_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """G with every attribute a string or a number, as GraphML needs."""
    out = nx.MultiDiGraph()
    relations = G.graph.get("relations", {})
    for n, a in G.nodes(data=True):
        attrs = {"label": a["label"], "class": a["cls"]}
        attrs.update({k: _flat(v) for k, v in a.items() if k not in ("cls", "label", "evidence", "sources")})
        attrs["sources"] = _flat(a["sources"])
        attrs.update(_evidence(a))
        out.add_node(n, **attrs)
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = {"relation": k, "label": relations.get(k, {}).get("zh", k), "weight": len(d["sources"]) or 1,
                 "sources": _flat(d["sources"])}
        attrs.update(_evidence(d))
        out.add_edge(u, v, key=k, **attrs)
    return out


def graphml(ws: Workspace, out: BinaryIO) -> None:
    """The workspace as GraphML (UTF-8), the bytes networkx's ``generate_graphml`` gives, written
    an element at a time rather than as one document tree."""
    G = to_graphml_graph(from_workspace(ws))
    for text in graphml_text(G):
        out.write(text.encode("utf-8"))


def graphml_text(G: nx.MultiDiGraph) -> Iterator[str]:
    """``"\\n".join(nx.generate_graphml(G, prettyprint=True)) + "\\n"``, a piece at a time.

    The keys come first in the file but are named in the order the nodes' and edges' attributes
    first use them, so the graph is read twice: once for the keys, once to write each element
    as networkx's writer would (its own escaping, indentation and line breaks).
    """
    if not G.number_of_nodes():
        yield "\n".join(nx.generate_graphml(G, prettyprint=True)) + "\n"
        return
    writer = GraphMLWriter(prettyprint=True)
    node_default = G.graph.get("node_default", {})
    edge_default = G.graph.get("edge_default", {})
    for scope, default, items in (("node", node_default, (d for _, d in G.nodes(data=True))),
                                  ("edge", edge_default, (d for *_, d in G.edges(keys=True, data=True)))):
        for data in items:
            for k, v in data.items():
                writer.get_key(str(k), writer.get_xml_type(writer.attr_type(k, scope, v)), scope, default.get(k))

    def element(tag: str, attrs: dict, data: dict, scope: str, default: dict, tail: str) -> str:
        e = writer.myElement(tag, **attrs)
        for k, v in data.items():
            e.append(writer.add_data(str(k), writer.attr_type(k, scope, v), str(v), scope, default.get(k)))
        writer.indent(e, 2)
        e.tail = tail
        return _lines(tostring(e).decode("utf-8"))

    sentinel = writer.myElement("node", id="sentinel")
    graph_element = writer.myElement("graph", edgedefault="directed" if G.is_directed() else "undirected")
    graph_element.append(sentinel)
    writer.xml.append(graph_element)
    writer.indent(writer.xml)
    head, _, rest = _lines(tostring(writer.xml).decode("utf-8")).partition(tostring(sentinel).decode("utf-8"))
    yield head
    inner, last = "\n    ", "\n  "
    elements = G.number_of_nodes() + G.number_of_edges()
    written = 0
    for n, data in G.nodes(data=True):
        written += 1
        yield element("node", {"id": str(n)}, data, "node", node_default, last if written == elements else inner)
    for u, v, key, data in G.edges(keys=True, data=True):
        written += 1
        yield element("edge", {"source": str(u), "target": str(v), "id": str(key)}, data, "edge", edge_default,
                      last if written == elements else inner)
    yield rest + "\n"


def _lines(text: str) -> str:
    """The text with its line breaks as ``generate_graphml``'s lines joined by newlines make them
    (``str.splitlines`` breaks at more than ``\\n``)."""
    return "\n".join(text.splitlines())
