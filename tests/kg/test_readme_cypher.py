"""The README's Cypher examples run on the sample corpus, print what the README shows, and parse
with Neo4j's own parser (refresh their outputs with `tools/readme_cypher.py --write`)."""
from __future__ import annotations

import importlib.util
import sys

import pytest

from cypher_lint import lint
from samples import ROOT

spec = importlib.util.spec_from_file_location("readme_cypher", ROOT / "tools" / "readme_cypher.py")
readme_cypher = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = readme_cypher
spec.loader.exec_module(readme_cypher)
EXAMPLES = readme_cypher.examples((ROOT / "README.md").read_text("utf-8"))


def test_the_readme_answers_five_questions_in_cypher():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.cypher().split("\n")[1][:40])
def test_an_example_prints_what_the_readme_shows(corpus_db, example):
    output = readme_cypher.run(example, corpus_db)
    assert output == example.output, "stale README output: run .venv/bin/python tools/readme_cypher.py --write"
    assert "(0 rows)" not in output


def test_the_examples_parse_with_neo4js_parser():
    assert lint({f"README example {i}": e.cypher() for i, e in enumerate(EXAMPLES, 1)}) == []
