"""`kg export --format neo4j-csv`: files for neo4j-admin, read back into the embedded database."""
from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import queries
from kg.cli import main
from kg.stores.cypher_stream import project_quads
from kg.stores.cypher_stream import project, stream
from kg.exports import export, neo4j_csv
from kg.stores import ladybug, ladybug_load, ladybug_query
from kg.workspace import Workspace


@pytest.fixture(scope="module")
def exported(corpus_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("neo4j-csv") / "plans"
    result = CliRunner().invoke(main, ["export", "--format", "neo4j-csv", "-o", str(out), "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    return out


def _header(path):
    return next(csv.reader(io.StringIO(path.read_text("utf-8"))))


def test_the_files_have_neo4j_admins_headers_and_typed_columns(exported):
    names = sorted(p.name for p in exported.iterdir())
    assert "nodes_WorkPlan.csv" in names and "relationships_PURSUES.csv" in names
    assert "import.sh" in names and "constraints.cypher" in names
    plan = _header(exported / "nodes_WorkPlan.csv")
    assert plan[:2] == ["uri:ID", ":LABEL"] and "issued:date" in plan and "planYear:string" in plan
    assert "altLabel:string[]" in _header(exported / "nodes_Program.csv")
    assert "ordinal:long" in _header(exported / "nodes_Activity.csv")
    assert "value:double" in _header(exported / "nodes_Target.csv")
    assert _header(exported / "relationships_PURSUES.csv") == [
        ":START_ID", ":END_ID", ":TYPE", "document:string", "evidence:string", "source:string", "year:string"]
    row = next(r for r in csv.DictReader(io.StringIO((exported / "nodes_WorkPlan.csv").read_text("utf-8"))))
    assert row[":LABEL"] == "WorkPlan;Plan;Resource"
    script = (exported / "import.sh").read_text("utf-8")
    assert "neo4j-admin database import full" in script and "--multiline-fields=true" in script
    assert "--nodes=nodes_WorkPlan.csv" in script and "--relationships=relationships_PURSUES.csv" in script


def test_the_export_round_trips_into_the_embedded_database_with_equal_counts(exported, corpus_db, tmp_path):
    with Workspace(corpus_db, read_only=True) as ws:
        original = project(ws)
    read_back = neo4j_csv.read(exported)
    assert read_back.counts() == original.counts()
    assert read_back.label_counts() == original.label_counts()
    assert read_back.type_counts() == original.type_counts()
    database = tmp_path / "round-trip.lbug"
    ladybug_load.load(read_back, database)
    assert ladybug_query.counts(database) == original.counts()
    # and the canned Cypher queries answer the same from it as from the workspace's own database
    def answer(db, text):       # collect() promises no order: lists and rows compared as sets
        return sorted(([sorted(v, key=str) if isinstance(v, list) else v for v in row]
                       for row in ladybug_query.query(db, text)[1]), key=repr)
    for name in queries.names():
        text = queries.text(name, "cypher")
        assert answer(database, text) == answer(corpus_db / ladybug.DATABASE, text), name


def test_the_same_workspace_gives_byte_identical_files(exported, corpus_db, tmp_path):
    again = tmp_path / "again"
    CliRunner().invoke(main, ["export", "--format", "neo4j-csv", "-o", str(again), "--db", str(corpus_db)])
    first = {p.name: p.read_bytes() for p in exported.iterdir()}
    assert {p.name: p.read_bytes() for p in again.iterdir()} == first


def _folder(path):
    return {p.name: p.read_bytes() for p in path.iterdir()}


def test_the_files_written_plan_by_plan_are_those_of_the_projection_whole(exported, corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        whole = neo4j_csv.files(project(ws))
    assert _folder(exported) == whole
    assert list(whole)[-2:] == ["import.sh", "constraints.cypher"]


def test_the_export_holds_a_bounded_number_of_rows_and_reads_the_plans_lazily(exported, corpus_db, tmp_path,
                                                                               monkeypatch):
    made = []

    class Runs(neo4j_csv._Runs):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(neo4j_csv, "_Runs", Runs)
    monkeypatch.setattr(neo4j_csv, "FAN_IN", 3)          # runs merged in several rounds too
    written_when_read = []
    with Workspace(corpus_db, read_only=True) as ws:
        plans = stream(ws)
        parts = plans.parts

        def watched(*args, **kwargs):
            for part in parts(*args, **kwargs):
                written_when_read.append(made[0].written)
                yield part

        plans.parts = watched
        neo4j_csv.write(plans, tmp_path, rows=50)
    runs, = made
    assert runs.most_held <= 50
    assert len(written_when_read) > 1 and written_when_read[-1] > 0    # rows written out before the last plan is read
    assert _folder(tmp_path) == _folder(exported)                      # and no scratch folder left


def test_a_failed_folder_export_leaves_the_folder_as_it_was(corpus_db, tmp_path, monkeypatch):
    def broken(plans, folder):
        (folder / "nodes_WorkPlan.csv").write_bytes(b"half an export")
        raise OSError("disk full")

    monkeypatch.setattr(neo4j_csv, "write", broken)
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "nodes_WorkPlan.csv").write_bytes(b"the earlier export")
    with Workspace(corpus_db, read_only=True) as ws:
        for out in (earlier, tmp_path / "new"):
            with pytest.raises(OSError, match="disk full"):
                export(ws, "neo4j-csv", out)
    assert _folder(earlier) == {"nodes_WorkPlan.csv": b"the earlier export"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["earlier"]


def test_a_folder_export_needs_a_folder(corpus_db):
    result = CliRunner().invoke(main, ["export", "--format", "neo4j-csv", "--db", str(corpus_db)])
    assert result.exit_code == 2 and "-o DIR" in result.output


def test_hostile_text_and_a_delimiter_inside_an_alias_survive(tmp_path):
    node = ox.NamedNode("https://w3id.org/cyl-kg/id/program/x")
    hostile = ['a;b', 'say "hi"\nnext line', "back\\slash", "|pipe"]
    quads = [ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/cyl-kg/def#Program"), ox.DefaultGraph())]
    quads += [ox.Quad(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"), ox.Literal(h, language="zh"),
                      ox.DefaultGraph()) for h in hostile]
    projection = project_quads(quads)
    for name, data in neo4j_csv.files(projection).items():
        (tmp_path / name).write_bytes(data)
    assert "--array-delimiter=U+001F" in (tmp_path / "import.sh").read_text("utf-8")
    back = neo4j_csv.read(tmp_path)
    assert back.nodes == projection.nodes
