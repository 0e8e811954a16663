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


ROW = 36.0              # between the programs of a column, in vis-network units
COLUMN_GAP = 520.0


def columns(G: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Groups of bodies (the nodes with out-edges) in a column on the left, in the graph's order;
    programs (the rest) on the right, by weight (the number of bodies pursuing them), most first.
    Both columns are centred on y = 0.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("g"); G.add_node("p", weight=2); G.add_node("q", weight=5)
    >>> G.add_edges_from([("g", "p"), ("g", "q")])
    [0, 0]
    >>> pos = columns(G)
    >>> pos["g"], pos["q"][1] < pos["p"][1]
    ((0.0, 0.0), True)
    """
    groups = [n for n in G if G.out_degree(n)]
    rest = sorted((n for n in G if not G.out_degree(n)), key=lambda n: (-G.nodes[n].get("weight", 0), str(n)))
    pos = {}
    gap = max(ROW * 2, ROW * len(rest) / max(1, len(groups)))
    for i, n in enumerate(groups):
        pos[n] = (0.0, round((i - (len(groups) - 1) / 2) * gap, 1))
    for i, n in enumerate(rest):
        pos[n] = (COLUMN_GAP, round((i - (len(rest) - 1) / 2) * ROW, 1))
    return pos


def rings(G: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """The centres (G.graph["centres"]) in the middle, each node on the ring of its distance from
    them (its ``ring`` attribute), at the angle of its neighbours on the ring inside, so that what
    hangs off one node stays together; each ring wide enough to give its nodes room.

    >>> G = nx.MultiDiGraph(centres=["c"])
    >>> G.add_node("c", ring=0); G.add_node("a", ring=1); G.add_node("b", ring=1)
    >>> G.add_edges_from([("a", "c"), ("b", "c")])
    [0, 0]
    >>> pos = rings(G)
    >>> pos["c"], round(math.hypot(*pos["a"])) == round(math.hypot(*pos["b"])) > 0
    ((0.0, 0.0), True)
    """
    centres = list(G.graph.get("centres", ()))
    pos: dict[str, tuple[float, float]] = {}
    for i, c in enumerate(centres):
        angle = 2 * math.pi * i / len(centres)
        pos[c] = (0.0, 0.0) if len(centres) == 1 else (round(60 * math.cos(angle), 1), round(60 * math.sin(angle), 1))
    U = G.to_undirected(as_view=True)
    angle_of = {c: 2 * math.pi * i / max(1, len(centres)) for i, c in enumerate(centres)}
    radius = 0.0
    deepest = max((G.nodes[n].get("ring", 0) for n in G), default=0)
    room = {k: SPACING * 1.6 * sum(1 for n in G if G.nodes[n].get("ring") == k) / (2 * math.pi)
            for k in range(1, deepest + 1)}
    unit = max(room.values(), default=0.0) / max(1, deepest)      # inner rings get a fair share of the width
    for step in range(1, deepest + 1):
        ring = [n for n in G if G.nodes[n].get("ring") == step and n not in pos]
        if not ring:
            continue

        def pull(n: str) -> float:
            inner = [angle_of[m] for m in U[n] if m in angle_of]
            if not inner:
                return 0.0
            return math.atan2(sum(math.sin(a) for a in inner), sum(math.cos(a) for a in inner)) % (2 * math.pi)

        # nodes pulled the same way take turns by class, so that no class bunches up on one side
        # (the bodies pursuing a program spread among its work items, their labels apart)
        by_kind = sorted(ring, key=lambda n: (round(pull(n), 6), G.nodes[n].get("cls", ""), -G.degree(n), str(n)))
        turn: dict[str, int] = {}
        seen: dict[tuple, int] = {}
        for n in by_kind:
            kind = (round(pull(n), 6), G.nodes[n].get("cls", ""))
            turn[n] = seen[kind] = seen.get(kind, -1) + 1
        ordered = sorted(ring, key=lambda n: (round(pull(n), 6), turn[n], G.nodes[n].get("cls", ""), str(n)))
        radius = max(radius + 220.0, room[step], 0.7 * unit * step)
        for i, n in enumerate(ordered):
            a = 2 * math.pi * i / len(ring) - math.pi / 2
            pos[n] = (round(radius * math.cos(a), 1), round(radius * math.sin(a), 1))
            angle_of[n] = a % (2 * math.pi)
    for n in G:
        pos.setdefault(n, (0.0, 0.0))
    return pos
