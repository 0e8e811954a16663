"""The embedded Cypher database holds every table the ontology declares (kg/stores/ladybug_schema.py):
a workspace where no plan states a property still answers every canned Cypher query, with the
rows SPARQL gives."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import queries
from kg.cli import main
from kg.engines import run, run_canned
from kg.stores.cypher_stream import project
from kg.stores.cypher_stream import stream as projection_stream
from kg.stores import ladybug, ladybug_load, ladybug_query, ladybug_schema, ladybug_state
from kg.workspace import Workspace
from samples import ROOT

FORMS = ROOT / "tests" / "fixtures" / "forms" / "cypher"
WITHOUT_NUMBER = "plan_without_number_or_date.txt"      # no 文号, no issue date, targets without a deadline
TABLE_WITHOUT_DEADLINE = "task_table_without_deadline.txt"   # a task table with no 完成时限 column

CYL = "https://w3id.org/cyl-kg/def#"
DCT = "http://purl.org/dc/terms/"


def _build(src: Path, db: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def gap_db(tmp_path_factory) -> Path:
    """A workspace of the two fixture plans, neither of which states a 文号, an issue date, a
    deadline or a region."""
    db = tmp_path_factory.mktemp("gaps") / "db"
    _build(FORMS, db)
    return db


def _cli_query(db: Path, name: str, engine: str) -> str:
    result = CliRunner().invoke(main, ["query", name, "--engine", engine, "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_fixture_workspace_lacks_the_properties_the_queries_read(gap_db):
    for predicate in (DCT + "identifier", DCT + "issued", CYL + "deadline", CYL + "region"):
        _, rows = run("sparql", gap_db, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o }}", {})
        assert rows == [["0"]], predicate


@pytest.mark.parametrize("name", queries.names())
def test_every_canned_query_gives_the_same_rows_in_both_engines(gap_db, name):
    sparql = run_canned(name, "sparql", gap_db)
    assert sparql[1], f"{name} returns nothing on the fixtures: the comparison would prove nothing"
    assert run_canned(name, "cypher", gap_db) == sparql
    assert _cli_query(gap_db, name, "cypher") == _cli_query(gap_db, name, "sparql")


def test_missing_values_are_blank_cells(gap_db):
    columns, rows = run_canned("documents", "cypher", gap_db)
    documents = {row[columns.index("source")]: dict(zip(columns, row)) for row in rows}
    assert set(documents) == {WITHOUT_NUMBER, TABLE_WITHOUT_DEADLINE}
    plan = documents[WITHOUT_NUMBER]
    assert (plan["doc_number"], plan["issued"], plan["region"], plan["year"], plan["kind"]) == ("", "", "", "2022", "plan")
    columns, rows = run_canned("targets", "cypher", gap_db)
    targets = [dict(zip(columns, row)) for row in rows]
    assert [(t["metric"], t["value"], t["unit"], t["deadline"]) for t in targets] == [
        ("团员集中学习次数", "20", "次", ""), ("招募志愿者人数", "50", "名", "")]
    columns, rows = run_canned("responsibilities", "cypher", gap_db)
    assert [(r[columns.index("item")], r[columns.index("organization")], r[columns.index("deadline")])
            for r in rows] == [("1", "团县委组织部", ""), ("2", "各乡镇团委", "")]


def test_the_tables_follow_the_ontologys_domains_and_ranges(gap_db):
    with Workspace(gap_db, read_only=True) as ws:
        stream = projection_stream(ws)
        tables = ladybug_schema.declared(ws, stream)
    assert {"identifier", "issued", "documentKind", "planYear"} <= set(tables.properties["WorkPlan"])
    assert tables.properties["Target"]["deadline"] == "string"           # a union domain: Activity or Target
    assert tables.properties["Activity"]["deadlineDate"] == "date"       # the range gives the type
    assert tables.properties["Program"]["altLabel"] == "string[]"        # a list, as multival_props says
    assert ("Organization", "Region") in tables.relationships["HAS_REGION"]
    assert ("Target", "Program") in tables.relationships["SERVES_PROGRAM"]
    assert "PURSUES" in tables.per_document
    assert "Plan" not in tables.labels()             # WorkPlan specialises it: no node is filed under it
    assert "isString" not in tables.properties.get("DocumentText", {})  # left out of the property graph


def test_a_database_made_before_the_declared_tables_is_rebuilt(tmp_path):
    """A database whose state and stamp older code wrote, without the declared tables: the
    query that failed on it runs once the first Cypher query has rebuilt it."""
    db = tmp_path / "db"
    _build(FORMS, db)
    database = db / ladybug.DATABASE
    database.unlink()
    with Workspace(db, read_only=True) as ws:
        ladybug_load.load(project(ws), database)              # the data's tables only, as older code made them
    with pytest.raises(RuntimeError, match="Cannot find property"):
        ladybug_query.query(database, queries.text("targets", "cypher"))
    state = ladybug_state.read_state(db)
    state["code"] = "older code"
    ladybug_state.write_state(db, state)
    (db / ladybug_state.STAMP).write_text('{"stamp": "older code"}', "utf-8")
    assert _cli_query(db, "targets", "cypher") == _cli_query(db, "targets", "sparql")
    assert ladybug_state.read_stamp(db)["how"] == "rebuilt"


def test_a_plan_changed_in_place_keeps_the_declared_tables(tmp_path):
    """A change that adds no property updates the database in place, and the queries that
    need the declared tables still run."""
    src, db = tmp_path / "in", tmp_path / "db"
    shutil.copytree(FORMS, src)
    _build(src, db)
    plan = src / WITHOUT_NUMBER
    plan.write_text(plan.read_text("utf-8").replace("不少于20次", "不少于30次"), "utf-8")
    _build(src, db)
    assert ladybug_state.read_stamp(db)["how"].startswith("updated")
    for name in queries.names():
        assert run_canned(name, "cypher", db) == run_canned(name, "sparql", db), name
    _, rows = run_canned("targets", "cypher", db)
    assert "30" in [row[6] for row in rows]


def test_a_workspace_older_than_a_property_answers_the_queries_that_read_it(tmp_path):
    """A workspace built before cyl:documentKind existed: neither its plans nor the ontology it
    keeps have the property, and the documents query reads it. The installed ontology declares
    it, so the column is there, blank, as SPARQL has it."""
    import pyoxigraph as ox

    db = tmp_path / "db"
    _build(FORMS, db)
    kind = ox.NamedNode(CYL + "documentKind")
    with Workspace(db) as ws:
        for quad in list(ws.store.quads_for_pattern(None, kind, None, None)) + list(
                ws.store.quads_for_pattern(kind, None, None, None)):
            ws.store.remove(quad)
        ws._changed = True                   # published for readers, as a build's changes are
    for made in (ladybug_state.STAMP, ladybug_state.STATE, "projection-cache"):
        path = db / made
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    sparql = _cli_query(db, "documents", "sparql")
    assert sparql.splitlines()[1].endswith(",2022,")          # the kind column left blank
    assert _cli_query(db, "documents", "cypher") == sparql
