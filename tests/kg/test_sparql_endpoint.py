"""`kg push sparql` against a real Oxigraph server that the tests start on loopback."""
from __future__ import annotations

import shutil
import socket

import pytest
from click.testing import CliRunner

import queries
from kg.cli import main
from kg.engines import run
from kg.stores.sparql_endpoint import EndpointError, Server, counts, graphs, push
from kg.workspace import Workspace
from samples import JILIN, NINGBO


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server on 127.0.0.1 with a fresh store (the benchmark's, as it pushes to one);
    its base URL. Skipped when the server is not installed."""
    from bench.commands import oxigraph_server

    try:
        with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
            yield base
    except LookupError as err:
        if "not installed" in str(err):
            pytest.skip(str(err))
        pytest.fail(str(err))


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
