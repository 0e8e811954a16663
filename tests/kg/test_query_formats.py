"""Query results as users script against them: typed JSON and JSON Lines, the same from both
engines; full IRIs in CSV and JSON, prefixed names only in the table; named parameters required."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

import queries
from kg.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("name", queries.names())
def test_json_is_the_same_typed_answer_from_both_engines(corpus_db, name):
    sparql = run("query", name, "--format", "json", "--db", corpus_db)
    cypher = run("query", name, "--engine", "cypher", "--format", "json", "--db", corpus_db)
    assert sparql.exit_code == cypher.exit_code == 0, sparql.output + cypher.output
    assert json.loads(sparql.output) == json.loads(cypher.output)
    for record in json.loads(sparql.output):
        assert not any(isinstance(v, str) and "|" in v for k, v in record.items() if k in queries.set_columns(name))


def test_json_gives_numbers_lists_and_dates_their_types(corpus_db):
    programs = json.loads(run("query", "programs", "--format", "json", "--db", corpus_db).output)
    youth_study = next(p for p in programs if p["program"] == "青年大学习")
    assert youth_study["documents"] == 5 and isinstance(youth_study["documents"], int)
    assert isinstance(youth_study["organizations"], list) and len(youth_study["organizations"]) == 5
    assert youth_study["source"] == sorted(youth_study["source"])
    targets = json.loads(run("query", "targets", "--format", "json", "--db", corpus_db).output)
    assert all(isinstance(t["value"], float) for t in targets)
    assert {"organization": "共青团南昌市委", "metric": "参学率", "value": 60.0}.items() <= next(
        t for t in targets if t["metric"] == "参学率").items()
    days = [json.loads(run("query", engine, text, "--format", "json", "--db", corpus_db).output) for engine, text in (
        ("--cypher", "MATCH (t:Target) WHERE t.deadlineDate IS NOT NULL RETURN DISTINCT t.deadlineDate AS day ORDER BY day"),
        ("--sparql", "PREFIX cyl: <https://w3id.org/cyl-kg/def#> "
                     "SELECT DISTINCT ?day WHERE { ?t cyl:deadlineDate ?day } ORDER BY ?day"))]
    assert days[0] == days[1] and days[0]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["day"]) for d in days[0])


def test_json_lines_hold_one_record_a_line(corpus_db):
    lines = run("query", "pursues", "--format", "jsonl", "--db", corpus_db).output.splitlines()
    whole = json.loads(run("query", "pursues", "--format", "json", "--db", corpus_db).output)
    assert len(lines) == len(whole) > 100
    assert [json.loads(line) for line in lines] == whole


def test_iris_are_whole_in_csv_and_json_and_prefixed_in_the_table(corpus_db):
    as_csv = list(csv.DictReader(io.StringIO(run("query", "documents", "--format", "csv", "--db", corpus_db).output)))
    as_json = json.loads(run("query", "documents", "--format", "json", "--db", corpus_db).output)
    # 团南昌市委's plan for 2021, 洪青发〔2021〕8号
    whole = ("https://w3id.org/cyl-kg/id/doc/360100/cyl/2021/"
             "%E6%B4%AA%E9%9D%92%E5%8F%91%E3%80%942021%E3%80%958%E5%8F%B7")
    assert as_csv[0]["document"] == as_json[0]["document"] == whole
    table = run("query", "documents", "--db", corpus_db).output
    assert table.splitlines()[2].startswith("doc:360100/cyl/2021/")


def test_a_parameter_the_query_names_must_be_given(corpus_db):
    text = "MATCH (o:Organization)-[:PURSUES]->(p:Program {prefLabel: $program}) RETURN o.prefLabel AS body"
    missing = run("query", "--cypher", text, "--db", corpus_db)
    assert missing.exit_code == 2
    assert missing.output.startswith("Error: the query names $program but no --param gives it")
    given = run("query", "--cypher", text, "--param", "program=青年大学习", "--format", "json", "--db", corpus_db)
    assert given.exit_code == 0 and len(json.loads(given.output)) == 5
    quoted = run("query", "--cypher", "MATCH (p:Program) WHERE p.prefLabel = '$x' RETURN count(p) AS n", "--db", corpus_db)
    assert quoted.exit_code == 0, quoted.output       # a $ inside a string is no parameter
    sparql = run("query", "documents", "--param", "x=1", "--db", corpus_db)
    assert sparql.exit_code == 2 and "--param is for Cypher" in sparql.output
