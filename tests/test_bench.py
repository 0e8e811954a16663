"""The benchmark runs end to end at a tiny N; its figures are printed, not checked here."""
from __future__ import annotations

import json

import pytest

from kg import bench
from loaders.extract import load


@pytest.fixture(scope="module")
def synthesizer():
    return bench.Synthesizer(seed=7)


def test_synthetic_plans_are_real_text_under_the_issuer_and_year_they_name(synthesizer, tmp_path):
    paths = bench.synthesize(6, tmp_path / "corpus", synthesizer=synthesizer)
    texts = [p.read_text("utf-8") for p in paths]
    assert len(set(texts)) == 6                            # recombined, not copied
    for path in paths:
        _, code, year = path.stem.split("_")
        facts = load(path)
        assert facts.issuer.key == f"{code}/cyl"           # the header names the issuer it was written for
        assert facts.year == int(year)
        assert len(facts.activities) >= 5                  # sections and items of real plans


def test_the_same_seed_makes_the_same_corpus(synthesizer):
    again = bench.Synthesizer(seed=7)
    assert [synthesizer.plan(i) for i in range(3)] == [again.plan(i) for i in range(3)]


def test_the_benchmark_runs_at_a_tiny_n_and_prints_the_table(tmp_path, capsys):
    assert bench.main(["--sizes", "3", "--dir", str(tmp_path / "bench"), "--json", str(tmp_path / "b.json")]) == 0
    out = capsys.readouterr().out
    for line in ("kg build, RDF (wall)", "ceiling total", "kg build RDF / ceiling", "query pursues sparql",
                 "rebuild, nothing changed", "incremental rebuild, one plan changed",
                 "peak memory, kg build (PSS, process tree)", "rows of pursues",
                 "kg build, with projection (CPU s, every process)", "ceiling: bulk load (CPU s)",
                 "floor: as many rows from one pattern"):
        assert line in out, line
    assert "N = 3" in out
    assert "return different rows" not in out and "changed between runs" not in out
    figures = json.loads((tmp_path / "b.json").read_text("utf-8"))
    run = figures[0]
    assert run["build_cpu_s"] > 0 and run["ceiling_load_cpu_s"] > 0
    for q, timed in run["queries"].items():     # each floor reads as many rows as its query returns
        assert run["floors"][q]["rows"] == timed["rows"] > 0, q


def test_the_table_names_queries_whose_answers_differ():
    same = {"s": 0.1, "rows": 2, "same": True, "digest": "a"}
    results = [{"n": 10, "queries": {"pursues sparql": same, "pursues cypher": {**same, "digest": "b"},
                                     "programs sparql": same, "programs cypher": {**same, "same": False}}}]
    assert bench.disagreements(results) == [
        "query programs cypher at N = 10: the rows changed between runs",
        "query pursues at N = 10: SPARQL and Cypher return different rows",
    ]
