"""Pushing to Neo4j (kg/stores/neo4j.py, kg/exports/neo4j_statements.py, `kg push neo4j`).

No Neo4j server can be installed on the project's machines: the statements and batches the
pusher sends are tested here for real (Neo4j's own parser, the rows each batch carries), and
the pushes themselves run against a real server only when NEO4J_URI (with NEO4J_USER and
NEO4J_PASSWORD) names one; otherwise those tests are skipped.
"""
from __future__ import annotations

import os
import shutil
from collections import Counter

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cypher_lint import lint
from kg.cli import main
from kg.mapping import owner
from kg.stores.cypher_stream import project, project_quads, stream
from kg.stores.neo4j import PushError, push
from kg.exports.neo4j_statements import VERSION_PROPERTY, plan
from kg.workspace import Workspace
from samples import JILIN, NINGBO

HOSTILE = "团'委\" \\ }) MATCH (n) DETACH DELETE n // $rows `x`"


@pytest.fixture(scope="module")
def corpus(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        return project(ws)


def _sent(statements, kind):
    return [row for s in statements if s.kind == kind for row in s.rows]


def test_a_first_push_sends_every_node_and_relationship_once_in_bounded_batches(corpus):
    statements = list(plan(corpus, None, size=200))
    nodes = Counter(row["uri"] for row in _sent(statements, "nodes"))
    assert set(nodes) == {n.uri for n in corpus.nodes} and set(nodes.values()) == {1}
    rels = Counter((row["start"], row["end"], row["properties"].get("document"))
                   for row in _sent(statements, "relationships"))
    assert sum(rels.values()) == len(corpus.relationships) and set(rels.values()) == {1}
    assert all(0 < len(s.rows) <= 200 for s in statements if s.kind in ("nodes", "relationships"))
    kinds = [s.kind for s in statements]
    step = {"schema": 0, "delete": 1, "nodes": 2, "relationships": 2, "mark": 3, "prune": 4}
    assert kinds == sorted(kinds, key=step.__getitem__)
    # a relationship batch goes out only once the nodes it matches have been merged
    merged: set[str] = set()
    for s in statements:
        if s.kind == "nodes":
            merged.update(row["uri"] for row in s.rows)
        elif s.kind == "relationships":
            assert all(row["start"] in merged and row["end"] in merged for row in s.rows)
    # the plans' versions are set last, so a push cut short is redone next time
    plans = {row["uri"]: row["properties"] for row in _sent(statements, "nodes") if row["uri"] in corpus.documents}
    assert plans and all(VERSION_PROPERTY not in props for props in plans.values())
    assert {row["uri"] for row in _sent(statements, "mark")} == set(corpus.documents)


def test_a_push_planned_one_plan_at_a_time_sends_the_same_rows(corpus, corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        streamed = list(plan(stream(ws), None, 200))         # what `kg push neo4j` sends
    whole = list(plan(corpus, None, 200))

    def rows(statements):
        return (sorted(row["uri"] for row in _sent(statements, "nodes")),
                sorted((row["start"], row["end"], str(row["properties"].get("document")))
                       for row in _sent(statements, "relationships")))
    assert rows(streamed) == rows(whole)
    assert [s.params for s in streamed if s.kind == "mark"] == [s.params for s in whole if s.kind == "mark"]


def test_a_second_push_sends_only_what_plans_share(corpus):
    statements = list(plan(corpus, []))
    documents = set(corpus.documents)
    assert not [s for s in statements if s.kind in ("delete", "mark")]
    sent = _sent(statements, "nodes")
    assert sent and all(owner(row["uri"], documents) is None for row in sent)
    assert all(owner(row["start"], documents) is None and owner(row["end"], documents) is None
               and "document" not in row["properties"] for row in _sent(statements, "relationships"))


def test_replacing_one_plan_deletes_and_resends_that_plan_alone(corpus):
    changed = corpus.documents[1]
    statements = list(plan(corpus, [changed]))
    deletes = [s.params["document"] for s in statements if s.kind == "delete"]
    assert set(deletes) == {changed}
    owners = {owner(row["uri"], set(corpus.documents)) for row in _sent(statements, "nodes")}
    assert owners == {None, changed}
    own = [n.uri for n in corpus.nodes if owner(n.uri, set(corpus.documents)) == changed]
    assert set(own) <= {row["uri"] for row in _sent(statements, "nodes")}
    pursues = [row for row in _sent(statements, "relationships") if "document" in row["properties"]]
    assert pursues and {row["properties"]["document"] for row in pursues} == {changed}


def test_every_statement_parses_with_neo4js_parser(corpus):
    texts = {s.text for s in plan(corpus, None)} | {s.text for s in plan(corpus, [corpus.documents[0]])}
    assert len(texts) > 20
    assert lint({f"statement {i}": t for i, t in enumerate(sorted(texts))}) == []


def test_hostile_text_travels_in_parameters_never_in_statements():
    node = ox.NamedNode("https://w3id.org/cyl-kg/id/org/x")
    quads = [ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/cyl-kg/def#Organization"), ox.DefaultGraph()),
             ox.Quad(node, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                     ox.Literal(HOSTILE, language="zh"), ox.DefaultGraph())]
    statements = list(plan(project_quads(quads), None))
    assert not any("DETACH DELETE n //" in s.text or "团" in s.text for s in statements)
    assert _sent(statements, "nodes") == [{"uri": node.value, "properties": {"uri": node.value, "altLabel": [HOSTILE]}}]


def test_an_unreachable_server_is_one_clear_line_and_exit_1(corpus_db, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever")
    result = CliRunner().invoke(main, ["push", "neo4j", "--uri", "bolt://127.0.0.1:1", "--db",
                                                       str(corpus_db)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach Neo4j at bolt://127.0.0.1:1 (")
    assert result.stderr.count("\n") == 1
    bad = CliRunner().invoke(main, ["push", "neo4j", "--uri", "http://127.0.0.1:1", "--db",
                                                    str(corpus_db)])
    assert bad.exit_code == 1 and "bad Neo4j address" in bad.stderr


def test_the_password_never_comes_from_the_command_line(corpus_db, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    no_password = CliRunner().invoke(main, ["push", "neo4j", "--uri", "bolt://127.0.0.1:1", "--db", str(corpus_db)])
    assert no_password.exit_code == 2 and "NEO4J_PASSWORD" in no_password.output
    option = CliRunner().invoke(main, ["push", "neo4j", "--uri", "bolt://127.0.0.1:1", "--password", "x"])
    assert option.exit_code == 2 and "No such option" in option.output


# -- against a real server, when one is named ------------------------------------------------------

live = pytest.mark.skipif(not os.environ.get("NEO4J_URI"),
                          reason="no Neo4j server: set NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD to run these")


@pytest.fixture
def neo4j_server():
    import neo4j
    uri, user, password = (os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"),
                           os.environ.get("NEO4J_PASSWORD", ""))
    with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        yield uri, user, password, driver
        driver.execute_query("MATCH (n) DETACH DELETE n")


@live
def test_pushing_twice_gives_the_projections_counts_both_times(corpus, neo4j_server):
    uri, user, password, _ = neo4j_server
    first = push(corpus, uri, user, password)
    assert (first.nodes, first.relationships) == corpus.counts() and len(first.replaced) == 5
    second = push(corpus, uri, user, password)
    assert (second.nodes, second.relationships) == corpus.counts() and second.replaced == []


@live
def test_a_changed_plan_replaces_its_subgraph(tmp_path, neo4j_server):
    uri, user, password, driver = neo4j_server
    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    shutil.copy(JILIN, src / "plan.txt")
    CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"])
    with Workspace(db, read_only=True) as ws:
        push(project(ws), uri, user, password)
    shutil.copy(NINGBO, src / "plan.txt")
    CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"])
    with Workspace(db, read_only=True) as ws:
        now = project(ws)
    report = push(now, uri, user, password)
    assert report.replaced == now.documents
    assert (report.nodes, report.relationships) == now.counts()
    records, _, _ = driver.execute_query("MATCH (o:Organization)<-[:ISSUED_BY]-(:WorkPlan) RETURN o.prefLabel AS o")
    assert [r["o"] for r in records] == ["共青团宁波市委"]


@live
def test_a_wrong_password_is_one_clear_line(corpus):
    with pytest.raises(PushError, match="wrong user or password"):
        push(corpus, os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), "not-the-password")
