"""A starting layout for the pages, so that the browser's physics only has to polish it.

Force layouts from random positions need thousands of iterations on a graph of 2,000 nodes; in
the browser that is tens of seconds. Here the hubs (the bodies that issue plans, else the plans,
else the most connected nodes) go on a circle, every other node to the mean of its neighbours
(a few rounds of barycentric placement, as in Tutte's embedding), and nodes that land on the same
spot (the programs only one body pursues) are spread on a small sunflower spiral around it. It is
linear in the edges per round, pure Python, and gives the same positions for the same graph.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edges_from([("a", "x"), ("b", "x"), ("a", "y")])
[0, 0, 0]
>>> pos = positions(G, hubs=["a", "b"])
>>> pos["x"] == (0.0, 0.0)    # halfway between its two bodies
True
"""
from __future__ import annotations

import math
from typing import Iterable

import networkx as nx

GOLDEN = math.pi * (3 - math.sqrt(5))
SPACING = 28.0          # between neighbouring nodes on a spiral, in vis-network units


def _hubs(G: nx.MultiDiGraph) -> list[str]:
    bodies = {d["issuer"] for d in G.graph.get("documents", {}).values()}
    found = [n for n, a in G.nodes(data=True) if a.get("cls") == "Organization" and a.get("label") in bodies]
    if not found:
        found = [n for n, a in G.nodes(data=True) if a.get("cls") in ("WorkPlan", "Province")]
    if not found:
        found = sorted(G, key=lambda n: (-G.degree(n), str(n)))[:max(1, min(12, len(G) // 20))]
    return sorted(found, key=str)


def positions(G: nx.MultiDiGraph, hubs: Iterable[str] | None = None, rounds: int = 30) -> dict[str, tuple[float, float]]:
    """Positions for every node of G: hubs on a circle, the rest where their neighbours pull them."""
    hubs = list(hubs) if hubs is not None else _hubs(G)
    if not len(G):
        return {}
    radius = SPACING * max(4.0, 1.2 * math.sqrt(len(G)))
    pos: dict[str, tuple[float, float]] = {}
    for i, h in enumerate(hubs):
        angle = 2 * math.pi * i / len(hubs) if len(hubs) > 1 else 0.0
        pos[h] = (radius * math.cos(angle), radius * math.sin(angle)) if len(hubs) > 1 else (0.0, 0.0)
    fixed = set(pos)
    U = nx.Graph(G.to_undirected(as_view=True))
    free = sorted((n for n in G if n not in fixed), key=str)
    for n in free:
        pos[n] = (0.0, 0.0)
    neighbours = {n: list(U[n]) for n in free}
    for _ in range(rounds):
        for n in free:
            nbrs = neighbours[n]
            if nbrs:
                xs, ys = zip(*(pos[m] for m in nbrs))
                pos[n] = (sum(xs) / len(nbrs), sum(ys) / len(nbrs))
    # spread nodes that share a spot on a sunflower spiral around it, beyond the hub's own size
    spots: dict[tuple[float, float], list[str]] = {}
    for n in free:
        spots.setdefault((round(pos[n][0], 1), round(pos[n][1], 1)), []).append(n)
    for (x, y), nodes in spots.items():
        start = 2 if any(abs(pos[h][0] - x) < 1 and abs(pos[h][1] - y) < 1 for h in fixed) else 0
        for k, n in enumerate(sorted(nodes, key=lambda m: (-G.degree(m), str(m))), start):
            r = SPACING * math.sqrt(k) if k or len(nodes) > 1 else 0.0
            pos[n] = (x + r * math.cos(k * GOLDEN), y + r * math.sin(k * GOLDEN))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}
