"""The embedded Cypher database in the workspace (kg/stores/ladybug*.py), on a real Ladybug file."""
from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.engines import run
from kg.stores.cypher_stream import project_quads
from kg.stores.cypher_stream import project
from kg.stores import ladybug, ladybug_load, ladybug_query, ladybug_state, ladybug_update
from kg.workspace import Workspace
from samples import JILIN, NINGBO, PINGLUO

HOSTILE = "团'委\" \\ }) MATCH (n) DETACH DELETE n // $p `x`"


def test_kg_build_keeps_a_cypher_database_holding_the_projection(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        expected = project(ws).counts()
    assert (corpus_db / ladybug.DATABASE).is_file()
    assert ladybug_query.counts(corpus_db / ladybug.DATABASE) == expected
    stamp = json.loads((corpus_db / ladybug_state.STAMP).read_text("utf-8"))
    assert (stamp["nodes"], stamp["relationships"]) == expected


def test_labels_relationships_and_properties_are_there_to_query(corpus_db):
    columns, rows = run("cypher", corpus_db, """
        MATCH (w:WorkPlan)-[:ISSUED_BY]->(o:Organization)-[:HAS_REGION]->(r:Region)
        RETURN w.source AS source, o.prefLabel AS issuer, r.adcode AS adcode, w.issued AS issued
        ORDER BY source""", {})
    assert columns == ["source", "issuer", "adcode", "issued"]
    assert len(rows) == 5 and rows[1][:3] == ["001_d839e743d134e22a.txt", "共青团吉林省委", "220000"]
    _, aliases = run("cypher", corpus_db, "MATCH (p:Program {prefLabel: $name}) RETURN p.altLabel", {"name": "青年大学习"})
    assert "青年大学习行动" in aliases[0][0].split("|")


def test_parameters_carry_hostile_text_as_data(tmp_path):
    node = ox.NamedNode("https://example.org/org/x")
    quads = [ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/cyl-kg/def#Organization"), ox.DefaultGraph()),
             ox.Quad(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                     ox.Literal(HOSTILE, language="zh"), ox.DefaultGraph())]
    database = tmp_path / "hostile.lbug"
    ladybug_load.load(project_quads(quads), database)
    _, rows = ladybug_query.query(database, "MATCH (o:Organization) WHERE o.prefLabel = $p RETURN o.uri, o.prefLabel",
                            {"p": HOSTILE})
    assert rows == [[node.value, HOSTILE]]
    assert ladybug_query.counts(database) == (1, 0)


def test_an_unchanged_build_leaves_the_database_alone_and_a_changed_one_brings_it_up_to_date(tmp_path):
    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    shutil.copy(JILIN, src)
    assert CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    first = (db / ladybug.DATABASE).stat()
    assert CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    assert (db / ladybug.DATABASE).stat().st_ino == first.st_ino
    _, before = run("cypher", db, "MATCH (w:WorkPlan) RETURN count(w)", {})
    shutil.copy(NINGBO, src)
    assert CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    _, after = run("cypher", db, "MATCH (w:WorkPlan) RETURN count(w)", {})
    assert (before, after) == ([["1"]], [["2"]])


def _contents(db) -> tuple[list, list]:
    """Every node and relationship in the database with its properties, in a canonical order."""
    def plain(value: dict) -> str:
        return repr(sorted((k, v) for k, v in value.items() if not k.startswith("_")))

    import ladybug as lb

    database = lb.Database(str(db / ladybug.DATABASE), read_only=True)
    conn = lb.Connection(database)
    try:
        nodes = conn.execute("MATCH (n) RETURN label(n), n.uri, n").get_all()
        rels = conn.execute("MATCH (a)-[r]->(b) RETURN label(r), a.uri, b.uri, r").get_all()
    finally:
        conn.close()
        database.close()
    return (sorted((label, uri, plain(n)) for label, uri, n in nodes),
            sorted((label, a, b, plain(r)) for label, a, b, r in rels))


def _canned_rows(db) -> dict:
    import queries

    from test_query_twins import canonical

    return {name: canonical(run("cypher", db, queries.text(name, "cypher"), {})[1]) for name in queries.names()}


def test_an_update_in_place_gives_the_database_a_rebuild_would(tmp_path, monkeypatch):
    """Plans changed and added in one build: the database updated in place answers every
    canned query as one built afresh, with the same counts, and the SPARQL store agrees."""
    from samples import NANCHANG, SICHUAN

    monkeypatch.setattr(ladybug_update, "UPDATE_AT_MOST", 1.0)
    src, db, fresh = tmp_path / "in", tmp_path / "db", tmp_path / "fresh"
    src.mkdir()
    for plan in (JILIN, NINGBO, PINGLUO, NANCHANG):
        shutil.copy(plan, src)
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    changed = src / PINGLUO.name
    heading = "一、打牢听党话、跟党走的思想根基，提升团的引领力\n"
    changed.write_text(changed.read_text("utf-8").replace(heading, heading + "——组织“挑战杯”竞赛，开展“三下乡”社会实践，"
                                                          "覆盖青年不少于500人。\n", 1), "utf-8")
    shortened = src / NINGBO.name                  # the last third of a plan gone: its nodes and relationships
    lines = shortened.read_text("utf-8").splitlines(keepends=True)
    shortened.write_text("".join(lines[: 2 * len(lines) // 3]), "utf-8")
    shutil.copy(SICHUAN, src)
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    assert json.loads((db / ladybug_state.STAMP).read_text("utf-8"))["how"].startswith("updated (3 plans)")
    assert runner.invoke(main, ["build", str(src), "--db", str(fresh), "-q", "-j", "1"]).exit_code == 0
    assert json.loads((fresh / ladybug_state.STAMP).read_text("utf-8"))["how"] == "rebuilt"
    assert ladybug_query.counts(db / ladybug.DATABASE) == ladybug_query.counts(fresh / ladybug.DATABASE)
    stamp = json.loads((db / ladybug_state.STAMP).read_text("utf-8"))
    assert (stamp["nodes"], stamp["relationships"]) == ladybug_query.counts(db / ladybug.DATABASE)
    assert _contents(db) == _contents(fresh)
    updated, rebuilt = _canned_rows(db), _canned_rows(fresh)
    assert updated == rebuilt
    assert any("挑战杯" in "".join(row) and PINGLUO.name in "".join(row) for row in updated["pursues"])
    assert any(SICHUAN.name in "".join(row) for row in updated["documents"])


def test_a_change_to_the_tables_rebuilds_instead(tmp_path, monkeypatch):
    """A plan that brings a property no plan had before cannot go into the tables there are."""
    monkeypatch.setattr(ladybug_update, "UPDATE_AT_MOST", 1.0)
    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    shutil.copy(JILIN, src)               # a plan without a task table: no 序号 (itemNumber) anywhere
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    shutil.copy(PINGLUO, src)             # its task table brings cyl:itemNumber
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    assert json.loads((db / ladybug_state.STAMP).read_text("utf-8"))["how"] == "rebuilt"
    _, rows = run("cypher", db, "MATCH (a:Activity) WHERE a.itemNumber IS NOT NULL RETURN count(a)", {})
    assert int(rows[0][0]) > 0


def test_a_missing_or_stale_database_is_rebuilt_on_the_first_query(tmp_path):
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        from kg.pipeline import build
        build(ws, [PINGLUO], jobs=1)
    (db / ladybug.DATABASE).unlink()
    assert run("cypher", db, "MATCH (w:WorkPlan) RETURN w.source", {}) == (["w.source"], [[PINGLUO.name]])
    (db / ladybug_state.STAMP).write_text('{"stamp": "from an older version"}', "utf-8")
    (db / ladybug_state.STATE).unlink()                    # and nothing to update it from
    inode = (db / ladybug.DATABASE).stat().st_ino
    assert run("cypher", db, "MATCH (w:WorkPlan) RETURN count(*)", {})[1] == [["1"]]
    assert (db / ladybug.DATABASE).stat().st_ino != inode


def test_errors_are_one_clear_line(corpus_db, tmp_path):
    def query(*args):
        return CliRunner().invoke(main, ["query", *args])
    bad = query("--cypher", "MATCH (n:NoSuchLabel) RETURN n", "--db", str(corpus_db))
    assert bad.exit_code == 2 and "NoSuchLabel" in bad.output
    write = query("--cypher", "CREATE (:Program {uri: 'x'})", "--db", str(corpus_db))
    assert write.exit_code == 2 and "read-only" in write.output
    missing = query("--cypher", "MATCH (n) RETURN n", "--db", str(tmp_path / "nothing"))
    assert missing.exit_code == 2 and "no workspace here" in missing.output


def test_cli_runs_canned_twins_and_ad_hoc_cypher_with_parameters(corpus_db):
    canned = CliRunner().invoke(main, ["query", "pursues", "--engine", "cypher", "--format", "csv", "--db",
                                       str(corpus_db)])
    assert canned.exit_code == 0 and canned.output.startswith("organization,program,source,year,evidence\n")
    ad_hoc = CliRunner().invoke(main, [
        "query", "--cypher", "MATCH (o:Organization)-[:PURSUES]->(p:Program) WHERE $alias IN p.altLabel "
                             "RETURN DISTINCT o.prefLabel AS body ORDER BY body",
        "--param", "alias=青马工程", "--format", "json", "--db", str(corpus_db)])
    assert ad_hoc.exit_code == 0, ad_hoc.output
    assert {"body": "共青团吉林省委"} in json.loads(ad_hoc.output)


@pytest.mark.parametrize("value, text", [(None, ""), (False, "false"), (12, "12"), (2.5e6, "2500000"),
                                         (["a", 1.5], "a|1.5")])
def test_values_print_as_sparql_prints_them(value, text):
    assert ladybug_query.plain(value) == text


def test_results_read_a_column_at_a_time_print_as_each_value_would(corpus_db):
    """Strings, numbers, booleans, dates, lists (with and without nulls), maps and nodes, nulls among them."""
    database = ladybug.ensure(corpus_db)
    text = ("UNWIND [1, 2, 3] AS i MATCH (o:Organization) WITH i, o ORDER BY o.uri LIMIT 6 "
            "RETURN i, o.prefLabel AS label, CASE WHEN i = 2 THEN NULL ELSE o.level END AS level, i * 1.5 AS x, "
            "i > 1 AS big, date('2021-03-01') AS day, [o.prefLabel, 'b'] AS pair, "
            "CASE WHEN i = 3 THEN ['a', NULL] WHEN i = 2 THEN NULL ELSE ['c'] END AS gappy, {n: i} AS map, o")
    columns, rows = ladybug_query.run_cypher(corpus_db, text, {})
    _, values = ladybug_query.query(database, text)
    assert len(rows) == 6 and len(columns) == 10
    assert rows == [[ladybug_query.plain(v) for v in row] for row in values]
    assert {row[7] for row in rows} == {"c", "", "a|"} and all(row[9].startswith("https://") for row in rows)

def test_a_stream_loaded_in_many_small_parts_equals_the_projection_whole(corpus_db, tmp_path, monkeypatch):
    from kg.stores.cypher_stream import stream

    monkeypatch.setattr(ladybug_load, "ROWS", 300)        # dozens of Parquet files per table
    with Workspace(corpus_db, read_only=True) as ws:
        whole = project(ws)
        assert ladybug_load.load(stream(ws), tmp_path / "parts.lbug") == whole.counts()
    ladybug_load.load(whole, tmp_path / "whole.lbug")
    assert ladybug_query.counts(tmp_path / "parts.lbug") == ladybug_query.counts(tmp_path / "whole.lbug") == whole.counts()
    text = "MATCH (o:Organization)-[r:PURSUES]->(p:Program) RETURN o.uri, p.uri, r.document, r.evidence"
    assert sorted(ladybug_query.query(tmp_path / "parts.lbug", text)[1]) == sorted(ladybug_query.query(tmp_path / "whole.lbug",
                                                                                             text)[1])


def _every_row(database):
    text = "MATCH (a)-[r]->(b) RETURN a.uri, label(r), b.uri, r.document, r.evidence"
    nodes = "MATCH (n) RETURN n.uri, label(n)"
    return sorted(map(repr, ladybug_query.query(database, text)[1])), sorted(map(repr, ladybug_query.query(database, nodes)[1]))


@pytest.mark.parametrize("cached", [True, False])
def test_worker_processes_write_the_plans_parts_and_load_what_one_process_loads(corpus_db, tmp_path, monkeypatch, cached):
    from kg.stores.cypher_stream import stream

    with Workspace(corpus_db, read_only=True) as ws:
        monkeypatch.setattr(ladybug_load, "PARALLEL_PARTS", 10 ** 9)
        assert ladybug_load.load(stream(ws, cache=cached), tmp_path / "one.lbug") == project(ws).counts()
        monkeypatch.setattr(ladybug_load, "PARALLEL_PARTS", 2)
        written = ladybug_load._plan_parts(stream(ws, cache=cached), tmp_path / "parts")
        # Without the cache a forked worker may not read the store: the parts are made here instead.
        assert len(written) == (2 if cached else 1)
        assert sum(w["nodes"] for w in written) > 0
        assert ladybug_load.load(stream(ws, cache=cached), tmp_path / "two.lbug") == project(ws).counts()
        whole = project(ws)                                # a projection in memory is split the same way
        assert ladybug_load.load(whole, tmp_path / "three.lbug") == whole.counts()
    assert _every_row(tmp_path / "two.lbug") == _every_row(tmp_path / "one.lbug") == _every_row(tmp_path / "three.lbug")
    assert len(_every_row(tmp_path / "one.lbug")[0]) > 1000


def test_the_projection_cache_holds_each_graph_and_never_serves_a_stale_one(tmp_path):
    from kg.stores.cypher_cache import CACHE

    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    shutil.copy(JILIN, src / "plan.txt")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    cached = sorted((db / CACHE).iterdir())
    assert len(cached) == 3                                  # the plan, the program scheme, the classifications
    for file in cached:
        file.write_bytes(b"not a cache file")                # a damaged cache is read around
    (db / ladybug_state.STAMP).unlink()
    issuer = "MATCH (:WorkPlan)-[:ISSUED_BY]->(o:Organization) RETURN o.prefLabel"
    assert run("cypher", db, issuer, {})[1] == [["共青团吉林省委"]]
    shutil.copy(NINGBO, src / "plan.txt")                     # same name, another plan
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    assert run("cypher", db, issuer, {})[1] == [["共青团宁波市委"]]
    assert len(list((db / CACHE).iterdir())) == 3


def test_a_plans_whole_text_stays_in_the_rdf_and_out_of_the_property_graph(corpus_db):
    _, texts = run("sparql", corpus_db, "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> "
                                        "SELECT (COUNT(?t) AS ?n) WHERE { ?c nif:isString ?t }", {})
    _, columns = run("cypher", corpus_db, "CALL table_info('DocumentText') RETURN name", {})
    _, sentences = run("cypher", corpus_db, "MATCH (e:Evidence)-[:REFERENCE_CONTEXT]->(:DocumentText) "
                                            "WHERE e.sentence CONTAINS e.anchorOf RETURN count(e)", {})
    assert int(texts[0][0]) >= 5 and int(sentences[0][0]) > 100
    assert "isString" not in {c for (c,) in columns} and "uri" in {c for (c,) in columns}
