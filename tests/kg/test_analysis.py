"""Analyses on the graph of the five sample plans, checked against the SPARQL queries."""
from __future__ import annotations

import pytest

from kg import analysis
from kg.engines import run_sparql
from kg.network import from_workspace
from kg.workspace import Workspace
import queries


@pytest.fixture(scope="module")
def G(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        return from_workspace(ws)


@pytest.fixture(scope="module")
def pursues(corpus_db):
    columns, rows = run_sparql(corpus_db, queries.text("pursues"), {})
    return [dict(zip(columns, r)) for r in rows]


def test_matrix_is_the_pursues_query_with_its_evidence(G, pursues):
    matrix = analysis.bodies_programs(G)
    assert {(b, p) for b, ps in matrix.items() for p in ps} == {(r["organization"], r["program"]) for r in pursues}
    for r in pursues:
        evidence = matrix[r["organization"]][r["program"]]
        assert evidence[0].sentence == r["evidence"]       # the first mention, as the query gives it
        assert all(e.source == r["source"] for e in evidence)


def test_ranking_counts_bodies(G, pursues):
    ranking = analysis.program_ranking(G)
    assert len(ranking) == len({r["program"] for r in pursues})
    top = [r["program"] for r in ranking if r["bodies"] == 5]
    assert {"青年大学习", "青年之家", "青年文明号"} <= set(top) and top == sorted(top)
    assert {r["rank"] for r in ranking if r["bodies"] == 5} == {1}
    assert ranking[len(top)]["rank"] == len(top) + 1 and ranking[len(top)]["bodies"] == 4
    for r in ranking:
        assert r["bodies"] == len(analysis.bodies_by_program(G, r["program"])) == len(r["organizations"])
    assert analysis.bodies_by_program(G, "挑战杯") == ["共青团南昌市委", "共青团吉林省委", "共青团四川省委", "共青团宁波市委"]


def test_cooccurrence_names_both_programs_in_one_item(G):
    pairs = analysis.cooccurrence(G)
    assert pairs[0]["items"] >= pairs[-1]["items"] >= 1
    first = pairs[0]
    assert first["programs"] == ("青年安全生产示范岗", "青年文明号") and first["items"] == 4
    for pair in pairs[:20]:
        quotes = {e.quote for e in pair["evidence"]}
        assert len(quotes) >= 2
        assert {e.source for e in pair["evidence"]} == set(pair["sources"])


def test_centrality_ranks_the_issuing_bodies_first(G, pursues):
    rows = analysis.centrality(G)
    assert {r["node"] for r in rows[:5]} == {"共青团南昌市委", "共青团吉林省委", "共青团四川省委", "共青团宁波市委",
                                            "共青团平罗县委"}
    nanchang = next(r for r in rows if r["node"] == "共青团南昌市委")
    assert nanchang["degree"] >= sum(1 for r in pursues if r["organization"] == "共青团南昌市委")
    assert {r["class"] for r in rows} == {"Organization", "Program"}
    assert rows == analysis.centrality(G)      # the same on every run


def test_adoption_by_level_and_year(G, pursues):
    levels = analysis.adoption_by_level(G)
    challenge = {r["level"]: (r["bodies"], r["of"]) for r in levels if r["program"] == "挑战杯"}
    assert challenge == {"province": (2, 2), "prefecture": (2, 2), "county": (0, 1)}
    years = analysis.adoption_by_year(G)
    volunteers = {r["year"]: (r["bodies"], r["of"], r["sources"]) for r in years if r["program"] == "青年大学习"}
    assert volunteers["2019"] == (1, 1, ["004_655600bdde4567aa.txt"])
    assert volunteers["2021"][:2] == (3, 3)
    # every program of the ranking, at every level that has bodies
    programs = len({r["program"] for r in pursues})
    assert len(levels) == programs * 3 and len(years) == programs * 3
