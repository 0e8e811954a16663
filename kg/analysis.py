"""Analyses of the plans graph: plain functions over the graph of :mod:`kg.network`.

Each function takes the graph first and returns plain data (dicts, lists, numbers, and the
:class:`~kg.network.Evidence` behind each fact), in the manner of networkx algorithms. Bodies
are the organizations that issue plans; programs and bodies are named by their labels. The
examples run on ``example_graph()``, three small plans (tests/fixtures/example_graph.nq).

>>> G = example_graph()
>>> program_ranking(G)[0]["program"]
'青年大学习'
"""
from __future__ import annotations

import itertools
from collections import defaultdict

import networkx as nx

from .network import Evidence, issuers, nodes_of

LEVELS = ("central", "province", "prefecture", "county")


def _label(G: nx.MultiDiGraph, n: str) -> str:
    return G.nodes[n]["label"]


def _pursuits(G: nx.MultiDiGraph) -> list[tuple[str, str, dict]]:
    """(body, program, edge data) of every ``pursues`` edge from a body that issues plans."""
    bodies = set(issuers(G))
    return [(u, v, d) for u, v, k, d in G.edges(keys=True, data=True) if k == "pursues" and u in bodies]


def bodies_programs(G: nx.MultiDiGraph) -> dict[str, dict[str, list[Evidence]]]:
    """The bodies × programs matrix: each body, the programs its plans pursue, and the evidence.

    Parameters
    ----------
    G : the plans graph (:func:`kg.network.from_workspace`)

    Returns
    -------
    dict
        body label -> program label -> the sentences that show the body's plans pursue it,
        bodies and programs sorted by label. A body with no program maps to an empty dict.

    Examples
    --------
    >>> m = bodies_programs(example_graph())
    >>> sorted(m["共青团宁波市委"])
    ['挑战杯', '青年大学习']
    >>> m["共青团宁波市委"]["挑战杯"][0].sentence
    '办好“挑战杯”竞赛。'
    """
    out: dict[str, dict[str, list[Evidence]]] = {_label(G, b): {} for b in issuers(G)}
    for u, v, d in _pursuits(G):
        out[_label(G, u)].setdefault(_label(G, v), []).extend(d["evidence"])
    return {b: dict(sorted((p, sorted(e)) for p, e in ps.items())) for b, ps in sorted(out.items())}


def bodies_by_program(G: nx.MultiDiGraph, program: str) -> list[str]:
    """The bodies whose plans pursue a program, by the program's label.

    Parameters
    ----------
    G : the plans graph
    program : a program's label

    Returns
    -------
    list of str
        The bodies' labels, sorted; empty when no body pursues it.

    Examples
    --------
    >>> bodies_by_program(example_graph(), "青年大学习")
    ['共青团南昌市委', '共青团宁波市委', '共青团平罗县委']
    >>> bodies_by_program(example_graph(), "挑战杯")
    ['共青团宁波市委']
    """
    return sorted({_label(G, u) for u, v, _ in _pursuits(G) if _label(G, v) == program})


def program_ranking(G: nx.MultiDiGraph) -> list[dict]:
    """Programs ranked by the number of bodies that pursue them.

    Parameters
    ----------
    G : the plans graph

    Returns
    -------
    list of dict
        One dict per program with ``rank`` (equal counts share a rank), ``program``, ``type``,
        ``bodies`` and ``plans`` (counts), ``organizations`` and ``sources`` (sorted lists);
        most bodies first, then by label.

    Examples
    --------
    >>> [(r["rank"], r["program"], r["bodies"]) for r in program_ranking(example_graph())]
    [(1, '青年大学习', 3), (2, '挑战杯', 1), (2, '青年之家', 1)]
    """
    bodies: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for u, v, d in _pursuits(G):
        bodies[v].add(_label(G, u))
        sources[v].update(d["sources"])
    rows = [{"program": _label(G, p), "type": G.nodes[p].get("programType", ""), "bodies": len(bodies[p]),
             "plans": len(sources[p]), "organizations": sorted(bodies[p]), "sources": sorted(sources[p])}
            for p in bodies]
    rows.sort(key=lambda r: (-r["bodies"], -r["plans"], r["program"]))
    rank, previous = 0, None
    for i, r in enumerate(rows, 1):
        if r["bodies"] != previous:
            rank, previous = i, r["bodies"]
        r["rank"] = rank
    return [{"rank": r.pop("rank"), **r} for r in rows]


def cooccurrence(G: nx.MultiDiGraph) -> list[dict]:
    """Pairs of programs that one work item serves together, with the items as evidence.

    Parameters
    ----------
    G : the plans graph

    Returns
    -------
    list of dict
        One dict per pair with ``programs`` (the two labels, sorted), ``items`` (how many work
        items serve both), ``plans`` (in how many plans), ``sources`` and ``evidence`` (the
        sentences naming the two, one or two per item); most items first.

    Examples
    --------
    >>> [pair] = cooccurrence(example_graph())
    >>> pair["programs"], pair["items"]
    (('青年之家', '青年大学习'), 1)
    >>> pair["evidence"][0].sentence
    '依托“青年之家”深化“青年大学习”，稳定60%以上的参学率。'
    """
    pairs: dict[tuple[str, str], dict] = {}
    for item in nodes_of(G, "Activity"):
        served: dict[str, Evidence | None] = {}
        for _, p, k, d in G.out_edges(item, keys=True, data=True):
            if k == "servesProgram" and G.nodes[p]["cls"] == "Program":
                served[_label(G, p)] = d["evidence"][0] if d["evidence"] else None
        for a, b in itertools.combinations(sorted(served), 2):
            entry = pairs.setdefault((a, b), {"items": 0, "sources": set(), "evidence": set()})
            entry["items"] += 1
            entry["sources"].update(G.nodes[item]["sources"])
            entry["evidence"].update(e for e in (served[a], served[b]) if e is not None)
    rows = [{"programs": pair, "items": e["items"], "plans": len(e["sources"]), "sources": sorted(e["sources"]),
             "evidence": sorted(e["evidence"])} for pair, e in pairs.items()]
    rows.sort(key=lambda r: (-r["items"], -r["plans"], r["programs"]))
    return rows


def collaboration_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """Organizations and programs, linked when a body pursues a program or a work item serving a
    program names the organization (as a partner or a responsible unit); ``weight`` counts the
    links.

    Examples
    --------
    >>> C = collaboration_graph(example_graph())
    >>> C.number_of_nodes(), C.number_of_edges()
    (6, 5)
    """
    C = nx.Graph()
    for n in sorted(G):
        if G.nodes[n]["cls"] in ("Organization", "Program"):
            C.add_node(n, cls=G.nodes[n]["cls"], label=_label(G, n))

    def link(a: str, b: str) -> None:
        if C.has_edge(a, b):
            C[a][b]["weight"] += 1
        else:
            C.add_edge(a, b, weight=1)

    for u, v, k in sorted(G.edges(keys=True)):
        if k == "pursues":
            link(u, v)
    for item in nodes_of(G, "Activity"):
        programs = sorted(p for _, p, k in G.out_edges(item, keys=True) if k == "servesProgram")
        named = sorted({o for _, o, k in G.out_edges(item, keys=True) if k == "mentionsOrganization"}
                       | {o for o, _, k in G.in_edges(item, keys=True) if k == "responsibleFor"})
        for o, p in itertools.product(named, programs):
            link(o, p)
    return C


def centrality(G: nx.MultiDiGraph, *, sample: int = 500) -> list[dict]:
    """Centrality of programs and organizations in :func:`collaboration_graph`.

    Parameters
    ----------
    G : the plans graph
    sample : above this many nodes, betweenness is estimated from this many source nodes
        (chosen with a fixed seed, so the result is the same on every run)

    Returns
    -------
    list of dict
        One dict per organization or program with ``node`` (label), ``class``, ``degree``
        (number of neighbours), ``betweenness`` and ``eigenvector`` centrality (rounded to
        6 places), most neighbours first.

    Examples
    --------
    >>> top = centrality(example_graph())[0]
    >>> top["node"], top["class"], top["degree"]
    ('青年大学习', 'Program', 3)
    """
    C = collaboration_graph(G)
    if C.number_of_nodes() == 0:
        return []
    k = sample if C.number_of_nodes() > sample else None
    betweenness = nx.betweenness_centrality(C, k=k, seed=0 if k else None)
    try:
        eigenvector = nx.eigenvector_centrality(C, max_iter=1000, tol=1e-9, weight="weight")
    except nx.PowerIterationFailedConvergence:
        eigenvector = dict.fromkeys(C, 0.0)
    rows = [{"node": C.nodes[n]["label"], "class": C.nodes[n]["cls"], "degree": C.degree(n),
             "betweenness": round(betweenness[n], 6), "eigenvector": round(eigenvector[n], 6)} for n in C]
    rows.sort(key=lambda r: (-r["degree"], -r["betweenness"], r["node"]))
    return rows


def _adoption(G: nx.MultiDiGraph, group_of) -> list[dict]:
    """Bodies pursuing each program within each group of bodies, with the group's size."""
    groups: dict[str, set[str]] = defaultdict(set)
    for b in issuers(G):
        for g in group_of(b):
            groups[g].add(b)
    adopters: dict[tuple[str, str], set[str]] = defaultdict(set)
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u, v, d in _pursuits(G):
        for g in group_of(u, d["sources"]):
            adopters[(v, g)].add(u)
            sources[(v, g)].update(s for s in d["sources"] if g in group_of(u, [s]))
    rows = []
    order = {r["program"]: i for i, r in enumerate(program_ranking(G))}
    programs = sorted({p for p, _ in adopters}, key=lambda p: order[_label(G, p)])
    for p in programs:
        for g in sorted(groups, key=_group_order):
            n = len(adopters.get((p, g), ()))
            rows.append({"program": _label(G, p), "group": g, "bodies": n, "of": len(groups[g]),
                         "share": round(n / len(groups[g]), 4), "sources": sorted(sources.get((p, g), ()))})
    return rows


def _group_order(g: str) -> tuple[int, str]:
    return (LEVELS.index(g), g) if g in LEVELS else (len(LEVELS), g)


def adoption_by_level(G: nx.MultiDiGraph) -> list[dict]:
    """How many bodies of each level (province, prefecture, county) pursue each program.

    Parameters
    ----------
    G : the plans graph

    Returns
    -------
    list of dict
        One dict per program and level that has bodies: ``program``, ``level``, ``bodies``
        (pursuing it), ``of`` (bodies of that level), ``share`` and ``sources``; programs in
        :func:`program_ranking` order, levels from province down.

    Examples
    --------
    >>> [(r["level"], r["bodies"], r["of"]) for r in adoption_by_level(example_graph())
    ...  if r["program"] == "青年大学习"]
    [('prefecture', 2, 2), ('county', 1, 1)]
    """
    def level(body: str, sources=None) -> list[str]:
        return [G.nodes[body].get("level") or "unknown"]
    return [{"program": r["program"], "level": r.pop("group"), **{k: r[k] for k in ("bodies", "of", "share",
                                                                                      "sources")}}
            for r in _adoption(G, level)]


def adoption_by_year(G: nx.MultiDiGraph) -> list[dict]:
    """How many bodies pursue each program in their plans of each year.

    Parameters
    ----------
    G : the plans graph

    Returns
    -------
    list of dict
        One dict per program and plan year: ``program``, ``year``, ``bodies`` (whose plan of
        that year pursues it), ``of`` (bodies with a plan of that year), ``share``, ``sources``.

    Examples
    --------
    >>> [(r["year"], r["bodies"], r["of"]) for r in adoption_by_year(example_graph())
    ...  if r["program"] == "挑战杯"]
    [('2019', 1, 1), ('2020', 0, 1), ('2021', 0, 1)]
    """
    documents = G.graph["documents"]
    years_of: dict[str, set[str]] = defaultdict(set)
    for doc in documents.values():
        years_of[doc["issuer"]].add(doc["year"] or "unknown")

    def year(body: str, sources=None) -> list[str]:
        if sources is None:
            return sorted(years_of[_label(G, body)])
        return sorted({documents[s]["year"] or "unknown" for s in sources if s in documents})
    return [{"program": r["program"], "year": r.pop("group"), **{k: r[k] for k in ("bodies", "of", "share",
                                                                                    "sources")}}
            for r in _adoption(G, year)]
