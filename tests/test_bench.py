"""The benchmark runs end to end at a tiny N; its figures are printed, not checked here."""
from __future__ import annotations

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
                 "peak memory, kg build (PSS, process tree)"):
        assert line in out, line
    assert "N = 3" in out
    assert (tmp_path / "b.json").exists()
