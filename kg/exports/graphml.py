"""GraphML for Gephi, yEd and Cytoscape: the plans graph of :mod:`kg.network` as one file.

Nodes carry ``label`` (Chinese), ``class`` and their literal properties; edges carry
``relation``, ``weight`` (the number of plans that state them) and ``sources``. The evidence is
flattened onto both: ``evidence`` (the first sentence), ``evidence_source``, ``evidence_begin``,
``evidence_end`` and ``evidence_count``. Lists are joined with ``|``. Nodes and edges are written
in sorted order, so the same workspace always gives the same bytes.
"""
from __future__ import annotations

from typing import BinaryIO

import networkx as nx

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
    """The workspace as GraphML (UTF-8)."""
    G = to_graphml_graph(from_workspace(ws))
    for line in nx.generate_graphml(G, prettyprint=True):
        out.write((line + "\n").encode("utf-8"))
