"""`kg push sparql` against a real Oxigraph server that the tests start on loopback."""
from __future__ import annotations

import shutil
import socket

import pytest
from click.testing import CliRunner

import pyoxigraph as ox

import queries
from kg.cli import main
from kg.datatypes import declared, restored
from kg.engines import run
from kg.exports.rdf import canonical_blank_nodes
from kg.stores.sparql_endpoint import EndpointError, Server, counts, graphs, ntriples, push, versions
from kg.workspace import Workspace
from samples import JILIN, NINGBO


def _oxigraph_server(folder):
    from bench.commands import oxigraph_server

    try:
        with oxigraph_server(folder) as base:
            yield base
    except LookupError as err:
        if "not installed" in str(err):
            pytest.skip(str(err))
        pytest.fail(str(err))


@pytest.fixture
def own_oxigraph(tmp_path):
    """An Oxigraph server of the test's own, for a test that checks everything the server holds."""
    yield from _oxigraph_server(tmp_path / "oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server on 127.0.0.1 with a fresh store (the benchmark's, as it pushes to one);
    its base URL. Skipped when the server is not installed."""
    yield from _oxigraph_server(tmp_path_factory.mktemp("oxigraph"))


def _workspace_triples(db) -> dict[str, int]:
    with Workspace(db, read_only=True) as ws:
        return {g: sum(1 for _ in ws.quads(g)) for g, _ in graphs(ws)}


@pytest.mark.parametrize("protocol, path", [("gsp", "store"), ("update", "update")])
def test_pushing_twice_gives_identical_counts_equal_to_the_workspace(corpus_db, oxigraph, protocol, path):
    server = Server(f"{oxigraph}/{path}", protocol, f"{oxigraph}/query")
    expected = _workspace_triples(corpus_db)
    with Workspace(corpus_db, read_only=True) as ws:
        first = push(ws, server, full=True)
        held_first = counts(server, list(expected))
        second = push(ws, server)
        held_second = counts(server, list(expected))
    assert held_first == held_second == expected
    assert first.triples_held == second.triples_held == sum(expected.values())
    assert len(first.sent) == len(expected) and first.triples_sent == sum(expected.values())
    assert len(second.unchanged) == 5                  # the plans are current; only the reference graphs go again


def test_a_graph_goes_as_its_sorted_triples_with_the_declared_datatypes(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        datatypes = declared(ws)
        for graph, _ in graphs(ws):
            triples = sorted((ox.Triple(q.subject, q.predicate, q.object)
                              for q in restored(ws.quads(graph), datatypes)), key=str)
            assert ntriples(ws, graph, datatypes) == (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                                      len(triples)), graph
        offsets = ntriples(ws, ws.document_graphs()[0])[0]
    assert b'"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\n' in offsets


def _held(base: str, graph: str) -> set[ox.Quad]:
    """The quads the server holds in one named graph, read back through the Graph Store Protocol."""
    data = Server(f"{base}/store").request("GET", f"{base}/store?graph={graph}", None,
                                           {"Accept": "application/n-triples"})
    return {ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def _assert_server_holds_the_workspace(base: str, db) -> None:
    """Every graph of the workspace is on the server triple for triple (an Oxigraph server, like the
    workspace's store, keeps the declared integer datatypes as xsd:integer)."""
    with Workspace(db, read_only=True) as ws:
        for graph, _ in graphs(ws):
            expected = canonical_blank_nodes(set(ws.quads(graph)))
            assert canonical_blank_nodes(_held(base, graph)) == expected, graph


@pytest.mark.parametrize("protocol, path", [("gsp", "store"), ("update", "update")])
def test_the_server_holds_exactly_the_workspace_after_each_push(tmp_path, own_oxigraph, protocol, path):
    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    plans = {name: src / f"{name}.txt" for name in ("jilin", "ningbo")}
    shutil.copy(JILIN, plans["jilin"])
    shutil.copy(NINGBO, plans["ningbo"])
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    server = Server(f"{own_oxigraph}/{path}", protocol, f"{own_oxigraph}/query")
    with Workspace(db, read_only=True) as ws:
        first = push(ws, server)
        plan_graphs = {name: ws.documents[p.name]["graph"] for name, p in plans.items()}
    assert set(plan_graphs.values()) <= set(first.sent)
    _assert_server_holds_the_workspace(own_oxigraph, db)
    plans["ningbo"].write_text(NINGBO.read_text("utf-8") + "\n十、附则\n本计划自印发之日起施行。\n", "utf-8")
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    with Workspace(db, read_only=True) as ws:
        second = push(ws, server)
        assert versions(server)[plan_graphs["ningbo"]] == ws.documents[plans["ningbo"].name]["sha256"]
    assert plan_graphs["ningbo"] in second.sent and plan_graphs["jilin"] in second.unchanged
    assert len(second.sent) == 4                       # the changed plan and the three reference graphs
    _assert_server_holds_the_workspace(own_oxigraph, db)
    assert second.triples_held == sum(_workspace_triples(db).values())


def test_a_canned_query_answers_the_same_from_the_endpoint(corpus_db, oxigraph):
    server = Server(f"{oxigraph}/store", "gsp", f"{oxigraph}/query")
    with Workspace(corpus_db, read_only=True) as ws:
        push(ws, server)
    for name in queries.names():
        text = queries.text(name, "sparql")
        columns, rows = server.select(text)
        assert (columns, sorted(rows)) == (lambda c, r: (c, sorted(r)))(*run("sparql", corpus_db, text)), name
        assert rows, name


def test_a_changed_plan_replaces_its_named_graph(tmp_path, oxigraph):
    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    shutil.copy(JILIN, src / "plan.txt")
    runner = CliRunner()
    args = ["push", "sparql", "--endpoint", f"{oxigraph}/store", "--query-endpoint", f"{oxigraph}/query",
            "--db", str(db)]
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    pushed = runner.invoke(main, args)
    assert pushed.exit_code == 0, pushed.output
    shutil.copy(NINGBO, src / "plan.txt")
    assert runner.invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    again = runner.invoke(main, args)
    # the plan, and the ontology, the program scheme and the classifications (always sent)
    assert again.exit_code == 0 and again.output.startswith("sent 4 graphs")
    server = Server(f"{oxigraph}/store", "gsp", f"{oxigraph}/query")
    graph = next(g for g in _workspace_triples(db) if g.endswith("/plan.txt"))
    assert counts(server, [graph]) == {graph: _workspace_triples(db)[graph]}
    _, issuers = server.select(f"""SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?d <https://w3id.org/cyl-kg/def#issuedBy>
                                   ?org . ?org <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }} }}""")
    assert issuers == [["共青团宁波市委"]]


def test_an_unreachable_or_refusing_server_is_one_clear_line(corpus_db, oxigraph):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    result = CliRunner().invoke(main, ["push", "sparql", "--endpoint", f"http://127.0.0.1:{closed}/store",
                                       "--db", str(corpus_db)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot reach http://127.0.0.1:{closed}/store (")
    assert result.stderr.count("\n") == 1
    with Workspace(corpus_db, read_only=True) as ws, pytest.raises(EndpointError, match="answered 4"):
        push(ws, Server(f"{oxigraph}/query", "update"))      # a query URL takes no updates


def test_a_build_feeds_a_sparql_store_opened_by_name(tmp_path, oxigraph):
    from kg.pipeline import build
    from kg.stores.base import store

    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    for plan in (JILIN, NINGBO):        # versions of their own, which the server does not hold yet
        (src / plan.name).write_text(plan.read_text("utf-8") + "\n十、附则\n本计划自印发之日起施行。\n", "utf-8")
    ningbo_text = (src / NINGBO.name).read_bytes()
    (src / NINGBO.name).unlink()
    server = store("sparql", endpoint=f"{oxigraph}/store", query_endpoint=f"{oxigraph}/query")
    with Workspace(db, create=True) as ws:
        build(ws, [src], jobs=1, stores=[server])
        jilin = ws.documents[JILIN.name]["graph"]
    assert jilin in server.report.sent
    (src / NINGBO.name).write_bytes(ningbo_text)
    with Workspace(db) as ws:
        build(ws, [src], jobs=1, stores=[server])
        ningbo = ws.documents[NINGBO.name]["graph"]
    assert ningbo in server.report.sent and jilin in server.report.unchanged
    expected = _workspace_triples(db)
    assert counts(Server(f"{oxigraph}/store", "gsp", f"{oxigraph}/query"), list(expected)) == expected


def test_a_server_that_refuses_n_quads_gets_a_put_per_graph(tmp_path, own_oxigraph, monkeypatch):
    real = Server.request

    def no_quads(self, method, url, body, headers):
        if headers.get("Content-Type") == "application/n-quads":
            raise EndpointError(f"{url} answered 415 Unsupported Media Type: no quads here")
        return real(self, method, url, body, headers)

    monkeypatch.setattr(Server, "request", no_quads)
    src, db = tmp_path / "in", tmp_path / "db"
    src.mkdir()
    shutil.copy(JILIN, src / "jilin.txt")
    assert CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q", "-j", "1"]).exit_code == 0
    with Workspace(db, read_only=True) as ws:
        report = push(ws, Server(f"{own_oxigraph}/store", "gsp", f"{own_oxigraph}/query"))
    assert len(report.sent) == 4
    _assert_server_holds_the_workspace(own_oxigraph, db)
