"""The small graph the doctests of kg.network, kg.analysis, kg.compare and kg.viz run on.

Read the way the program reads a workspace: the N-Quads of tests/fixtures/example_graph.nq (three
plans' graphs and the program scheme) through :func:`kg.network.from_quads`.
"""
from __future__ import annotations

import functools
from itertools import groupby
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg import iri
from kg.network import from_quads

EXAMPLE_NQ = Path(__file__).resolve().parent / "fixtures" / "example_graph.nq"


@functools.cache
def _quads() -> tuple[ox.Quad, ...]:
    return tuple(sorted(ox.parse(path=EXAMPLE_NQ, format=ox.RdfFormat.N_QUADS), key=lambda q: str(q.graph_name)))


def example_graph() -> nx.MultiDiGraph:
    """Three plans: 南昌 (prefecture, 2021) pursues 青年大学习 and 青年之家; 宁波 (prefecture, 2019)
    pursues 青年大学习 and 挑战杯; 平罗 (county, 2020) pursues 青年大学习. One work item of
    南昌 serves 青年大学习 and 青年之家 together, and each of 南昌 and 平罗 sets a 参学率 target.

    >>> G = example_graph()
    >>> G.number_of_nodes(), G.number_of_edges()
    (17, 22)
    """
    graphs = {str(g.value): list(qs) for g, qs in groupby(_quads(), key=lambda q: q.graph_name)}
    scheme = graphs.pop(iri.SCHEME_GRAPH)
    return from_quads(graphs.values(), reference=scheme)
