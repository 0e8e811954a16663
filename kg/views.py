"""What a page of ``kg viz`` draws, read from the workspace by queries that count in the store.

A national workspace's default page shows the leading programs and the groups of bodies pursuing
each. Reading every pursuit into Python to rank the programs costs what the whole graph costs;
here the store ranks them (bodies and plans per program, one row per program), and only the
pursuits of the programs the page draws are read, into a graph of the shape of
:func:`kg.network.pursuit_graph` that :func:`kg.viz.leading_programs` draws; a page of the
programs named by ``--program`` reads their pursuits alone.

The full and ego pages carry every sentence of what they draw, so they are drawn from whole plan
graphs; beyond PLANS_DRAWN plans, from that many (:func:`drawn_plans`). Names are looked up in
the store's indexes (:func:`named`).
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

import networkx as nx

from ontology.namespaces import SKOS

from . import iri
from .network import local_name, plans_of, pursuit_graph, select_rows, values
from .stores import pages


class Ranked(NamedTuple):
    """A program and how many bodies and plans pursue it."""

    program: str
    label: str
    bodies: int
    plans: int


PROGRAM_COUNTS = "programs.json"    # kept in a snapshot: program_counts of all its plans


def program_counts(ws, years: set[str] | None = None) -> dict[str, list]:
    """Every program the issuing bodies of the plans (of the given years, else all) pursue -> its
    name (the name kg.network gives a program: the least of its preferred labels, the scheme's in
    Chinese or without a language), how many bodies and how many plans pursue it; counted in the
    pages' index (:mod:`kg.stores.pages`), else in the store, a row a program."""
    indexed = pages.read(ws, lambda index: _counted(index, years))
    if indexed is not None:
        counts, labelled = indexed
        labelled += select_rows(ws, f"""SELECT ?s ?v WHERE {{ GRAPH <{iri.SCHEME_GRAPH}> {{
            ?s <{SKOS}prefLabel> ?v FILTER(LANG(?v) IN ("", "zh")) }} }}""")
    else:
        year = "" if years is None else (" ; cyl:planYear ?year FILTER(STR(?year) IN ("
                                         + ", ".join(f'"{y}"' for y in sorted(years)) + "))")
        counts = select_rows(ws, f"""SELECT ?p (COUNT(DISTINCT ?org) AS ?bodies) (COUNT(DISTINCT ?g) AS ?plans) WHERE {{
            GRAPH ?g {{ ?org cyl:pursues ?p . ?doc a cyl:WorkPlan ; dct:source ?source ; cyl:issuedBy ?org{year} }}
            }} GROUP BY ?p""")
        labelled = select_rows(ws, f"SELECT DISTINCT ?s ?v WHERE {{ {values('s', (p for p, *_ in counts))} "
                                   f"GRAPH ?g {{ ?s <{SKOS}prefLabel> ?v }} "
                                   f"FILTER(?g != <{iri.SCHEME_GRAPH}> || LANG(?v) IN (\"\", \"zh\")) }}") if counts else []
    labels: dict[str, str] = {}
    for s, v in labelled:
        if s not in labels or v < labels[s]:
            labels[s] = v
    return {p: [labels.get(p, ""), int(b), int(n)] for p, b, n in sorted(counts)}


def _counted(index, years: set[str] | None) -> tuple[list[tuple[str, int, int]], list[tuple[str, str]]]:
    """The counts of :func:`program_counts` and the plans' names of their programs, from the index."""
    return index.pursuit_counts(years), index.least_labels(but=[iri.SCHEME_GRAPH])


def program_ranking(ws, years: set[str] | None) -> list[Ranked]:
    """Every program the issuing bodies of the plans (of the given years) pursue, ranked as a page
    ranks them: by bodies pursuing it, then plans, then name (:func:`program_counts`). Those of all
    plans are kept in the snapshot by the first page that counts them (at 10,000 plans counting
    takes ~4.5 s: a build does not, and its rebuilds stay quick)."""
    counts = (ws.kept(PROGRAM_COUNTS, lambda: program_counts(ws)) if years is None
              else program_counts(ws, years))
    ranked = [Ranked(p, label or local_name(p), bodies, plans) for p, (label, bodies, plans) in counts.items()]
    return sorted(ranked, key=lambda r: (-r.bodies, -r.plans, r.label, r.program))


def leading_pursuits(ws, years: Iterable[str | int] | None, top: int | None, max_nodes: int,
                     readable_nodes: int, readable_bodies: int, leading: int) -> nx.MultiDiGraph | None:
    """The pursuit graph of the programs a leading-programs page draws, with ``ranking`` (every
    program, :func:`program_ranking`) in its graph attributes; None when the page would draw the
    bodies × programs graph whole (then :func:`kg.network.pursuit_graph` reads it all, which is
    small)."""
    wanted = None if years is None else {str(y) for y in years}
    plans = plans_of(ws, wanted)
    bodies = {org for *_, org in plans}
    ranking = program_ranking(ws, wanted)
    if not (top or len(bodies) > readable_bodies or len(bodies) + len(ranking) > min(readable_nodes, max_nodes)):
        return None
    shown = ranking[:max(1, min(top or leading, max_nodes - min(len(bodies), readable_bodies + 10)))]
    G = pursuit_graph(ws, plans=plans, programs={r.program for r in shown})
    G.graph["ranking"] = ranking
    G.graph["bodies_programs_nodes"] = len(bodies) + len(ranking)
    return G


def pursuits_of(ws, years: Iterable[str | int] | None, programs: Iterable[str]) -> nx.MultiDiGraph | None:
    """The pursuit graph of the programs named (names or aliases, as ``--program`` takes them),
    all that a bodies × programs page of those programs draws; None when no name stands for a
    program (then the whole graph is read, for the error naming the nearest)."""
    wanted = named(ws, programs, "Program")
    if not wanted:
        return None
    return pursuit_graph(ws, plans=plans_of(ws, None if years is None else {str(y) for y in years}), programs=wanted)


# -- the full and ego pages of a large workspace -------------------------------------------------
# Their pages are drawn from whole plan graphs (every item, target and sentence), which cost what
# the plans cost to read; beyond PLANS_DRAWN plans a page draws the graphs of that many plans,
# those of the highest-level bodies first, and says how many it left out.

PLANS_DRAWN = 50
LEVEL_ORDER = ("central", "province", "prefecture", "county")


def plans_by_level(ws, years: Iterable[str | int] | None = None, naming: Iterable[str] = (),
                   plans: list[list] | None = None) -> list[tuple[str, str]]:
    """(graph, source) of the plans (of the given years; naming one of the given IRIs when any
    are given; plans: their rows, when already read): those the named bodies issue first, then those of the highest-level bodies, then
    by file name."""
    plans = plans_of(ws, None if years is None else {str(y) for y in years}) if plans is None else plans
    naming = sorted(set(naming))
    if naming:
        named = {g for (g,) in select_rows(ws, f"SELECT DISTINCT ?g WHERE {{ {values('x', naming)} "
                                         "GRAPH ?g { { ?s ?p ?x } UNION { ?x ?p ?o } } }")}
        plans = [r for r in plans if r[0] in named]
    # the level a plan gives its own issuer, as kg.network's documents read it
    level = dict(select_rows(ws, "SELECT DISTINCT ?org ?level WHERE { GRAPH ?g { ?d a cyl:WorkPlan ; cyl:issuedBy ?org . "
                           "?org cyl:level ?level } }"))

    def rank(r: list) -> tuple:
        lv = level.get(r[5])
        return (r[5] not in naming, LEVEL_ORDER.index(lv) if lv in LEVEL_ORDER else len(LEVEL_ORDER), r[2], r[0])

    chosen, seen = [], set()
    for r in sorted(plans, key=rank):
        if r[0] not in seen:
            seen.add(r[0])
            chosen.append((r[0], r[2]))
    return chosen


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


NAME_PROPERTIES = "VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel rdfs:label }"


def named(ws, names: Iterable[str], cls: str) -> set[str]:
    """The nodes of a class (Program, Organization) that a name stands for, as kg.viz.find reads
    names: those having it as a name or alias, else those whose names contain it (spaces and case
    aside). Looked up in the store's indexes, not read whole."""
    found: set[str] = set()
    for name in names:
        hits = {s for (s,) in select_rows(ws, f"""SELECT DISTINCT ?s WHERE {{ VALUES ?v {{ {_literal(name)} {_literal(name)}@zh }}
            {NAME_PROPERTIES} GRAPH ?g {{ ?s ?p ?v }} GRAPH ?h {{ ?s a cyl:{cls} }} }}""")}
        if not hits:
            folded = _literal(name.replace(" ", "").lower())
            hits = {s for (s,) in select_rows(ws, f"""SELECT DISTINCT ?s WHERE {{ {NAME_PROPERTIES} GRAPH ?g {{ ?s ?p ?v }}
                FILTER(CONTAINS(LCASE(REPLACE(STR(?v), " ", "")), {folded})) GRAPH ?h {{ ?s a cyl:{cls} }} }}""")}
        found |= hits
    return found


def drawn_plans(ws, years: Iterable[str | int] | None, naming: Iterable[str] = (),
                limit: int = PLANS_DRAWN) -> tuple[nx.MultiDiGraph, str] | None:
    """The graph of the first ``limit`` plans of :func:`plans_by_level`, and a note saying how many
    were left out (empty when none were); None when the workspace holds no more than limit plans
    (of the given years), which are then drawn whole."""
    from .network import from_quads

    every = plans_of(ws, None if years is None else {str(y) for y in years})
    if len({g for g, *_ in every}) <= limit:
        return None
    plans = plans_by_level(ws, years, naming, every)
    chosen = sorted(g for g, _ in plans[:limit])
    G = from_quads((ws.quads(g) for g in chosen), reference=ws.quads(iri.SCHEME_GRAPH),
                   vocabulary=ws.quads(iri.ONTOLOGY_GRAPH))
    what = "naming what was asked for " if naming else ""
    note = ("" if len(plans) <= limit else
            f"the graphs of {limit} of the {len(plans):,} plans {what}(the highest-level bodies' first); "
            "narrow the page with --organization or --year")
    return G, note
