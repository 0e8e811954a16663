"""`kg export --format cypher`: the push as a cypher-shell script (kg/stores/cypher_script.py)."""
from __future__ import annotations

import codecs
import datetime as dt
import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cypher_lint import lint
from kg.cli import main
from kg.stores.cypher_stream import project, project_quads
from kg.exports.cypher_script import render, script
from kg.exports.cypher_text import literal
from kg.exports.neo4j_statements import Statement, plan
from kg.workspace import Workspace

HOSTILE = "团'委\" \\ }) MATCH (n) DETACH DELETE n // $rows `x`\n\t\x01\u2028 end"


@pytest.fixture(scope="module")
def corpus(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        return project(ws)


def test_the_script_is_the_push_with_parameters_as_literals(corpus_db, corpus, tmp_path):
    out = tmp_path / "plans.cypher"
    result = CliRunner().invoke(main, ["export", "--format", "cypher", "-o", str(out), "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    statements = [s for s in text.split(";\n") if s.strip() and not s.startswith("//")]
    assert text.count(";\n") == len(list(plan(corpus, None, 500)))
    assert "$" not in "".join(re.sub(r'"(?:[^"\\]|\\.)*"', '""', s) for s in statements)   # no parameter left
    assert "CREATE CONSTRAINT n10s_unique_uri" in text and "UNWIND [{" in text
    again = tmp_path / "again.cypher"
    CliRunner().invoke(main, ["export", "--format", "cypher", "-o", str(again), "--db", str(corpus_db)])
    assert again.read_bytes() == out.read_bytes()


def test_each_kind_of_statement_in_the_script_parses_with_neo4js_parser(corpus):
    # Neo4j's linter takes ~20 s for one batch of 500 rows, so each statement text is checked
    # with the first two rows of its first batch; every value kind of the corpus occurs there.
    samples: dict[str, Statement] = {}
    for s in plan(corpus, None, 500):
        if s.text not in samples:
            params = dict(s.params, rows=s.rows[:2]) if "rows" in s.params else s.params
            samples[s.text] = Statement(s.text, params, s.kind)
    assert lint({f"statement {i}": render(s) for i, s in enumerate(samples.values())}) == []


def test_a_whole_script_of_hostile_text_parses_and_keeps_the_text(tmp_path):
    node = ox.NamedNode("https://w3id.org/cyl-kg/id/org/x")
    quads = [ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/cyl-kg/def#Organization"), ox.DefaultGraph()),
             ox.Quad(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                     ox.Literal(HOSTILE, language="zh"), ox.DefaultGraph()),
             ox.Quad(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                     ox.Literal(HOSTILE + "2", language="zh"), ox.DefaultGraph()),
             ox.Quad(node, ox.NamedNode("https://example.org/founded"),
                     ox.Literal("1949-10-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
                     ox.DefaultGraph())]
    text = script(project_quads(quads))
    assert lint({"hostile.cypher": text}) == []
    assert literal(HOSTILE) in text and literal(HOSTILE + "2") in text
    assert "DETACH DELETE n //" not in text.replace(literal(HOSTILE), "").replace(literal(HOSTILE + "2"), "")


@pytest.mark.parametrize("value", [HOSTILE, "", "\\", '"', "'", "\u0000\u001f\u007f"])
def test_a_string_literal_reads_back_as_the_same_text(value):
    written = literal(value)
    assert written[0] == written[-1] == '"'
    # Cypher's escapes are \\ \" \' \n \t \r \b \f \uXXXX, the same as Python's unicode-escape reading
    assert codecs.decode(written[1:-1].encode("ascii", "backslashreplace"), "unicode_escape") == value


def test_values_of_every_kind_have_a_literal():
    assert literal([1, 2.5, True, None, dt.date(2021, 3, 1), "x"]) == '[1, 2.5, true, null, date("2021-03-01"), "x"]'
    assert literal(5e-7) == "0.0000005"
    assert literal({"uri": "u", "odd key": 1}) == '{`odd key`: 1, uri: "u"}'


def test_the_script_is_byte_identical_whatever_the_hash_seed(corpus_db, tmp_path):
    """Sets order their strings by a hash seeded afresh in every process: nothing exported may
    depend on it."""
    import os
    import subprocess
    import sys

    scripts = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.cypher"
        subprocess.run([sys.executable, "-m", "kg.cli", "export", "--format", "cypher", "-o", str(out),
                        "--db", str(corpus_db)], check=True, env={**os.environ, "PYTHONHASHSEED": seed})
        scripts.append(out.read_bytes())
    assert len(scripts[0]) > 100_000
    assert scripts[0] == scripts[1]
