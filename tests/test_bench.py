"""The benchmark (bench/, run from the checkout) runs end to end at a tiny N; its figures are
printed, not checked here."""
from __future__ import annotations

import doctest
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import corpus, report
from loaders.extract import load

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def synthesizer():
    return corpus.Synthesizer(seed=7)


def test_synthetic_plans_are_real_text_under_the_issuer_and_year_they_name(synthesizer, tmp_path):
    paths = corpus.synthesize(6, tmp_path / "corpus", synthesizer=synthesizer)
    texts = [p.read_text("utf-8") for p in paths]
    assert len(set(texts)) == 6                            # recombined, not copied
    for path in paths:
        _, code, year = path.stem.split("_")
        facts = load(path)
        assert facts.issuer.key == f"{code}/cyl"           # the header names the issuer it was written for
        assert facts.year == int(year)
        assert len(facts.activities) >= 5                  # sections and items of real plans


def test_the_same_seed_makes_the_same_corpus(synthesizer):
    again = corpus.Synthesizer(seed=7)
    assert [synthesizer.plan(i) for i in range(3)] == [again.plan(i) for i in range(3)]


def test_the_corpus_module_examples_hold():
    assert doctest.testmod(corpus).failed == 0


def test_the_benchmark_runs_from_the_checkout_at_a_tiny_n_and_writes_every_figure(tmp_path):
    figures_file = tmp_path / "b.json"
    done = subprocess.run([sys.executable, "bench", "--sizes", "2", "--dir", str(tmp_path / "bench"),
                           "--json", str(figures_file)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for line in ("load average (1 min), at the start", "kg build, RDF (wall)", "ceiling total (read + both bulk loads)",
                 "ceiling: Ladybug COPY of the same rows", "kg build with projection / ceiling total",
                 "query pursues sparql", "to its first row", "floor: as many rows from one pattern", "  --program", "  --organization",
                 "  --year", "rows of pursues", "kg start-up (kg --version)", "kg validate (wall, start-up included)",
                 "kg viz --view ego", "kg export --format neo4j-csv", "kg push sparql", "rebuild, nothing changed",
                 "incremental rebuild, one plan changed", "peak memory, kg build (PSS, process tree)"):
        assert line in out, line
    assert "N = 2" in out
    goals = out[out.index("the speed goals:"):]
    assert "kg build with its projection ≤ 1.6× the ceiling total" in goals
    assert "not measured" not in goals, goals
    assert "error:" not in out, out[out.index("error:"):]
    again = subprocess.run([sys.executable, "bench", "--table", str(figures_file)], cwd=ROOT, capture_output=True,
                           text=True, timeout=60)
    assert again.stdout == out
    [run] = json.loads(figures_file.read_text("utf-8"))
    for key in ("n", "load_average", "corpus_mb", "build_s", "build_cpu_s", "build_peak_mb", "stages", "quads",
                "ceiling_read_s", "ceiling_load_s", "ceiling_load_cpu_s", "ceiling_cypher_s", "ceiling_total_s",
                "queries", "floors", "filtered", "startup_s", "commands", "unchanged_s", "incremental_s"):
        assert key in run, key
    assert run["ceiling_total_s"] == pytest.approx(run["ceiling_read_s"] + run["ceiling_load_s"]
                                                   + run["ceiling_cypher_s"])
    assert set(run["stages"]) >= {"read", "extract", "graph", "store", "project"}
    for q, timed in run["queries"].items():     # each floor reads as many rows as its query returns
        assert run["floors"][q]["rows"] == timed["rows"] > 0, q
        assert 0 < timed["first_s"] <= timed["s"], q
    assert [label.split(" ", 1)[0] for label in run["filtered"]] == ["--program", "--organization", "--year"]
    for label, timed in run["filtered"].items():
        assert set(timed) == set(run["queries"]), label
        assert timed["pursues sparql"]["rows"] <= run["queries"]["pursues sparql"]["rows"], label
    from kg.exports import EXPORTERS
    expected = {"kg validate", "kg stats", "kg compare", "kg push sparql"}
    expected |= {f"kg viz --view {v}" for v in ("bodies-programs", "full", "ego")}
    expected |= {f"kg export --format {f}" for f in EXPORTERS}
    assert set(run["commands"]) == expected
    for label, timed in run["commands"].items():
        assert timed["exit"] == 0 or label == "kg validate" and timed["exit"] == 1, (label, timed)


def test_the_table_names_queries_whose_answers_differ():
    same = {"s": 0.1, "rows": 2, "same": True, "digest": "a"}
    results = [{"n": 10, "queries": {"pursues sparql": same, "pursues cypher": {**same, "digest": "b"},
                                     "programs sparql": same, "programs cypher": {**same, "same": False}},
                "filtered": {"--year 2021": {"pursues sparql": same, "pursues cypher": {**same, "digest": "c"}}}}]
    assert report.disagreements(results) == [
        "query programs cypher at N = 10: the rows changed between runs",
        "query pursues at N = 10: SPARQL and Cypher return different rows",
        "query pursues --year 2021 at N = 10: SPARQL and Cypher return different rows",
    ]


def test_the_table_names_what_grew_faster_than_the_plans():
    def run(n: int, build: float, validate: float) -> dict:
        return {"n": n, "build_s": build, "commands": {"kg validate": {"s": validate, "peak_mb": 100, "exit": 0}}}

    printed = report.table([run(100, 10.0, 2.0), run(1000, 90.0, 40.0)])
    assert "10× N" in printed
    assert "kg validate (wall, start-up included): ×20.0 for ×10 the plans" in printed
    assert "kg build, with projection (wall): " not in printed.split("grew faster")[1]


def test_the_goals_name_each_figure_that_misses_one():
    from bench.goals import goals

    def run(n: int, filtered: float, validate: float) -> dict:
        query = {"s": 0.3, "first_s": 0.1, "rows": 5}
        return {"n": n, "build_s": 10.0 * n / 100, "ceiling_total_s": 7.0 * n / 100,
                "queries": {"pursues sparql": query}, "floors": {"pursues sparql": {"s": 0.25, "rows": 5}},
                "filtered": {"--year 2021": {"pursues sparql": {"s": filtered, "rows": 1}}},
                "commands": {"kg validate": {"s": validate, "peak_mb": 100, "exit": 0},
                             "kg viz --view full": {"timeout": 600}}}

    printed = goals([run(100, 0.05, 3.0), run(1000, 0.5, 40.0)]).splitlines()
    assert "met     a filtered query answers in ≤ 0.2 s in both engines" not in printed
    assert "          pursues sparql --year: 0.500 s at N = 1,000" in printed
    assert "met     a full answer is within 1.5× its engine's floor" in printed
    assert "met     a full answer prints its first row within 0.5 s" in printed
    assert "          kg validate 40.0 s, the build 100.0 s at N = 1,000" not in printed
    assert "          kg viz --view full: > 600 s at N = 100" in printed
    assert "met     kg build with its projection ≤ 1.6× the ceiling total" in printed
    assert "missed  no command grows faster than the plans" in printed
    assert "          kg validate (wall, start-up included): ×13.3 for ×10 the plans" in printed


def test_the_queries_are_timed_on_a_workspace_already_built(corpus_db, tmp_path, monkeypatch, capsys):
    """``python bench --workspace DIR``: N is the workspace's plans, the filters are read from it,
    and the goals it cannot say anything of are marked as not measured."""
    import queries

    from bench.__main__ import main

    monkeypatch.setattr(queries, "names", lambda: ["documents"])
    saved = tmp_path / "figures.json"
    assert main(["--workspace", str(corpus_db), "--json", str(saved)]) == 0
    [figures] = json.loads(saved.read_text("utf-8"))
    assert figures["n"] == 5 and figures["workspace"] == str(corpus_db)
    assert set(figures["queries"]) == {"documents sparql", "documents cypher"}
    assert {q["rows"] for q in figures["queries"].values()} == {5}
    assert [label.split(" ")[0] for label in figures["filtered"]] == ["--program", "--organization", "--year"]
    printed = capsys.readouterr().out
    assert "query documents cypher" in printed and "kg build, RDF" not in printed
    assert "-       kg validate" in printed and "not measured (queries timed on built workspaces)" in printed
    assert main(["--workspace", str(tmp_path / "none")]) == 2
