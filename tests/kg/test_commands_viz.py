"""kg viz, kg compare, kg stats TABLE and kg export --format graphml, run as users run them."""
from __future__ import annotations

import csv
import io
import json
import shutil

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.engines import run_sparql
from kg.network import from_workspace
from kg.workspace import Workspace
import queries

TABLES = ("classes", "matrix", "programs", "cooccurrence", "centrality", "levels", "years", "targets")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pursues(corpus_db) -> list[dict]:
    columns, rows = run_sparql(corpus_db, queries.text("pursues"), {})
    return [dict(zip(columns, r)) for r in rows]


def test_viz_writes_the_bodies_programs_page_into_the_workspace(corpus_db, pursues, tmp_path):
    db = tmp_path / "db"
    shutil.copytree(corpus_db, db)
    result = run("viz", "--db", db)
    assert result.exit_code == 0, result.output
    nodes = len({r["organization"] for r in pursues} | {r["program"] for r in pursues})
    edges = len({(r["organization"], r["program"]) for r in pursues})
    assert result.output == f"wrote {db / 'bodies-programs.html'}: {nodes} nodes, {edges} edges (bodies-programs view)\n"
    assert (db / "bodies-programs.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_viz_views_and_filters(corpus_db, tmp_path):
    result = run("viz", "--view", "ego", "-p", "青马工程", "--radius", "2", "--year", "2021", "--db", corpus_db,
                 "-o", tmp_path / "ego.html")
    assert result.exit_code == 0, result.output
    assert "ego view" in result.output and "within 2 steps of the centre" in result.output
    result = run("viz", "--view", "full", "--max-nodes", "300", "--db", corpus_db, "-o", tmp_path / "full.html")
    assert result.exit_code == 0
    assert "folded into their plans" in result.output


@pytest.mark.parametrize("args, message", [
    (["--program", "不存在的品牌"], "no program named '不存在的品牌'"),
    (["--year", "1999"], "no plan of 1999"),
    (["--view", "ego"], "needs a centre"),
    (["--view", "cloud"], "Invalid value for '--view'"),
])
def test_viz_usage_errors_exit_2(corpus_db, tmp_path, args, message):
    result = CliRunner().invoke(main, ["viz", *args, "--db", str(corpus_db), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x.html").exists()


def test_compare_as_text(corpus_db, pursues):
    result = run("compare", "共青团南昌市委", "共青团宁波市委", "--db", corpus_db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("A  000_973257c0ce08f055.txt  共青团南昌市委 2021")
    a = {r["program"] for r in pursues if r["organization"] == "共青团南昌市委"}
    b = {r["program"] for r in pursues if r["organization"] == "共青团宁波市委"}
    assert f"added ({len(b - a)})" in out and f"dropped ({len(a - b)})" in out and f"kept ({len(a & b)})" in out
    qin = next(r for r in pursues if r["program"] == "亲青恋")
    assert f"  + 亲青恋\n      B  “{qin['evidence']}”  [004_655600bdde4567aa.txt, char " in out


def test_compare_as_csv_and_json(corpus_db):
    result = run("compare", "南昌市", "平罗县", "--format", "csv", "--only", "target-changed", "--db", corpus_db)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["change"], r["metric"], r["a_value"], r["b_value"]) for r in rows] == [
        ("target-changed", "学社衔接率 | “学社衔接”率", ">=98%", ">=91%")]
    assert "98%" in rows[0]["a_evidence"] and "91%" in rows[0]["b_evidence"]
    result = run("compare", "南昌市", "平罗县", "--format", "json", "--db", corpus_db)
    rows = json.loads(result.output)
    assert {r["change"] for r in rows} == {"added", "dropped", "kept", "target-changed", "target-same"}
    for r in rows:
        for side in ("a", "b"):
            for e in r[f"{side}_evidence"]:
                assert e["source"] == r[f"{side}_source"] and e["quote"] in e["sentence"]
                assert e["end"] > e["begin"]
        assert r["a_evidence"] or r["b_evidence"]


def test_compare_unknown_plan_exits_2(corpus_db):
    result = CliRunner().invoke(main, ["compare", "上海市", "南昌市", "--db", str(corpus_db)])
    assert result.exit_code == 2 and "no plan '上海市'" in result.output


def test_stats_prints_counts_plans_and_leading_programs(corpus_db):
    out = run("stats", "--db", corpus_db).output
    assert "WorkPlan               5" in out
    assert "plans by level and year:" in out and "province         0     0     2     2" in out
    assert "P1  乡村振兴青春建功行动 (5 bodies)" in out
    assert "P2  共青团与人大代表、政协委员面对面 (5 bodies)" in out


@pytest.mark.parametrize("table", TABLES)
def test_every_stats_table_as_csv_and_json(corpus_db, table):
    as_csv = run("stats", table, "--format", "csv", "--db", corpus_db)
    as_json = run("stats", table, "--format", "json", "--db", corpus_db)
    assert as_csv.exit_code == as_json.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    records = json.loads(as_json.output)
    assert len(rows) == len(records) > 0
    assert list(rows[0]) == list(records[0])
    if "source" in records[0]:      # every count above zero names its plans
        assert all(r["source"] for r in rows if r.get("bodies") != "0")
    if "evidence" in records[0]:
        first = records[0]["evidence"][0]
        assert set(first) == {"source", "year", "begin", "end", "quote", "sentence"}
        assert rows[0]["evidence"] == first["sentence"]


def test_stats_without_a_table(corpus_db):
    data = json.loads(run("stats", "--format", "json", "--db", corpus_db).output)
    assert data["classes"]["WorkPlan"] == 5 and data["programs"][0]["bodies"] == 5
    result = CliRunner().invoke(main, ["stats", "--format", "csv", "--db", str(corpus_db)])
    assert result.exit_code == 2 and "name one of classes, matrix" in result.output


def test_graphml_export_for_gephi_is_byte_identical(corpus_db, tmp_path):
    assert run("export", "--format", "graphml", "-o", tmp_path / "a.graphml", "--db", corpus_db).exit_code == 0
    assert run("export", "--format", "graphml", "-o", tmp_path / "b.graphml", "--db", corpus_db).exit_code == 0
    assert (tmp_path / "a.graphml").read_bytes() == (tmp_path / "b.graphml").read_bytes()
    G = nx.read_graphml(tmp_path / "a.graphml", force_multigraph=True)
    with Workspace(corpus_db, read_only=True) as ws:
        plans = from_workspace(ws)
    assert (G.number_of_nodes(), G.number_of_edges()) == (plans.number_of_nodes(), plans.number_of_edges())
    assert all(G.nodes[n]["label"] == a["label"] and G.nodes[n]["class"] == a["cls"] for n, a in plans.nodes(data=True))
    labels = {a["label"] for _, a in G.nodes(data=True) if a["class"] == "Program"}
    assert {"青年大学习", "挑战杯"} <= labels
    pursues = [d for _, _, d in G.edges(data=True) if d["relation"] == "pursues"]
    assert len(pursues) == sum(1 for *_, k in plans.edges(keys=True) if k == "pursues")
    assert all(d["evidence_quote"] in d["evidence"] and d["evidence_end"] > d["evidence_begin"] for d in pursues)


@pytest.fixture(scope="module")
def national_db(tmp_path_factory):
    """Forty plans of as many bodies, made from the sample plans (bench/corpus.py), built for real."""
    from bench.corpus import synthesize

    root = tmp_path_factory.mktemp("national")
    synthesize(40, root / "plans")
    result = run("build", root / "plans", "--db", root / "db")
    assert result.exit_code == 0, result.output
    return root / "db"


def test_the_pursuits_read_alone_agree_with_the_whole_graph(national_db):
    from kg.network import pursuit_evidence, pursuit_graph

    with Workspace(national_db, read_only=True) as ws:
        whole = from_workspace(ws)
        part = pursuit_graph(ws)
        def pursues(G):
            return {(G.nodes[u]["label"], G.nodes[v]["label"], tuple(d["sources"]))
                    for u, v, k, d in G.edges(keys=True, data=True) if k == "pursues"
                    and G.nodes[u]["label"] in {x["issuer"] for x in G.graph["documents"].values()}}
        assert pursues(part) == pursues(whole) and len(pursues(part)) > 500
        assert {s: d["issuer"] for s, d in part.graph["documents"].items()} == {
            s: d["issuer"] for s, d in whole.graph["documents"].items()}
        for n, a in part.nodes(data=True):
            assert a["cls"] == whole.nodes[n]["cls"] and a["label"] == whole.nodes[n]["label"]
            if a["cls"] == "Organization":
                assert a.get("level") == whole.nodes[n].get("level")
        # the sentences behind an edge: the program's mentions in that plan
        u, v, d = next((u, v, d) for u, v, k, d in whole.edges(keys=True, data=True) if k == "pursues" and d["evidence"])
        found = pursuit_evidence(ws, part, [(d["sources"][0], v)])[(d["sources"][0], v)]
        assert found and all(e.quote in e.sentence and e.source == d["sources"][0] for e in found)
        assert {e.sentence for e in found} >= {e.sentence for e in d["evidence"] if e.source == d["sources"][0]} - {""}


def test_the_default_page_of_many_bodies_shows_the_leading_programs_by_level(national_db, tmp_path):
    result = run("viz", "--db", national_db, "-o", tmp_path / "p.html")
    assert result.exit_code == 0, result.output
    assert "the 30 programs most bodies pursue" in result.output and "40 bodies grouped by level" in result.output
    columns, rows = run_sparql(national_db, queries.text("pursues"), {})
    bodies_of: dict[str, set[str]] = {}
    for r in (dict(zip(columns, row)) for row in rows):
        bodies_of.setdefault(r["program"], set()).add(r["organization"])
    html = (tmp_path / "p.html").read_text("utf-8")
    data = json.loads(html.split('id="kg-data">', 1)[1].split("</script>", 1)[0])
    drawn = {d["label"]: n["text"] for n, d in zip(data["nodes"], data["details"]["nodes"]) if d["cls"] == "Program"}
    assert len(drawn) == 30
    for program, text in drawn.items():
        assert text.endswith(f"（{len(bodies_of[program])}）")
    fewest = min(len(bodies_of[p]) for p in drawn)
    assert all(len(b) <= fewest for p, b in bodies_of.items() if p not in drawn)
    groups = [d["label"] for d in data["details"]["nodes"] if d["cls"] == "Level"]
    assert groups and all(g.endswith("）") and "团委（" in g for g in groups)
    assert sum(int(g.split("（")[1][:-1]) for g in groups) == 40
    # every edge carries the sentences of the plans behind it
    assert all(e["evidence"] for e in data["details"]["edges"])
    assert "--group-by province" in html
    result = run("viz", "--group-by", "province", "--top", "5", "--db", national_db, "-o", tmp_path / "q.html")
    assert "grouped by province" in result.output
    result = run("viz", "--program", "青年大学习", "--db", national_db, "-o", tmp_path / "r.html")
    few = len(bodies_of["青年大学习"])      # few enough bodies to draw each of them
    assert few <= 30 and f": {few + 1} nodes, {few} edges" in result.output


def test_a_leading_programs_page_ranked_in_the_store_is_the_page_of_every_pursuit(national_db, tmp_path):
    from kg.network import pursuit_evidence, pursuit_graph
    from kg.viz import leading_pursuits, write_page

    with Workspace(national_db, read_only=True) as ws:
        for options in ({}, {"top": 5, "group_by": "province"}, {"top": 3}):
            pages = []
            for G in (pursuit_graph(ws), leading_pursuits(ws, None, options.get("top"))):
                out = tmp_path / f"{len(pages)}.html"
                write_page(G, out, evidence=lambda pairs, G=G: pursuit_evidence(ws, G, pairs), **options)
                pages.append(out.read_bytes())
            assert pages[0] == pages[1], options
        ranking = leading_pursuits(ws, None, None).graph["ranking"]
        G = pursuit_graph(ws)
        bodies = {p: len({u for u, _, k in G.in_edges(p, keys=True) if k == "pursues"}) for p in G
                  if G.nodes[p]["cls"] == "Program"}
        assert {r.program: r.bodies for r in ranking} == bodies


def test_a_large_workspace_draws_its_full_and_ego_pages_from_some_plans_and_says_so(national_db):
    from kg.views import drawn_plans, named, plans_by_level
    from kg.viz import find

    with Workspace(national_db, read_only=True) as ws:
        whole = from_workspace(ws)
        assert drawn_plans(ws, None, limit=40) is None
        G, note = drawn_plans(ws, None, limit=10)
        assert len(G.graph["documents"]) == 10 and "the graphs of 10 of the 40 plans" in note
        levels = ["central", "province", "prefecture", "county", ""]
        ranks = [levels.index(d["level"] if d["level"] in levels else "") for d in whole.graph["documents"].values()]
        drawn = [levels.index(d["level"] if d["level"] in levels else "") for d in G.graph["documents"].values()]
        assert sorted(drawn) == sorted(ranks)[:10]
        for name, cls in (("青年大学习", "Program"), ("大学习", "Program"), ("挑战杯", "Program")):
            assert named(ws, [name], cls) == set(find(whole, name, [cls]))
        body = next(iter(whole.graph["documents"].values()))["issuer"]
        assert named(ws, [body], "Organization") == set(find(whole, body, ["Organization"]))
        centre = named(ws, ["青年大学习"], "Program")
        naming = plans_by_level(ws, None, centre)
        stating = {s for _, v, d in whole.edges(data=True) if v in centre for s in d["sources"]}
        assert {source for _, source in naming} == stating and 5 < len(stating) < 40
        G, note = drawn_plans(ws, None, centre, limit=5)
        assert len(G.graph["documents"]) == 5 and f"of the {len(naming)} plans naming what was asked for" in note


def test_the_viz_benchmark_times_a_view_as_kg_viz_writes_it(corpus_db):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "viz.py"
    spec = importlib.util.spec_from_file_location("bench_viz", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    [timed] = bench.time_views(corpus_db, [("ego", ["--view", "ego", "--program", "青马工程"])])
    assert timed["status"] == 0 and timed["said"].startswith("wrote ") and "(ego view)" in timed["said"]
    assert timed["seconds"] > 0 and timed["cpu_s"] > 0 and timed["peak_mb"] > 10


def test_a_page_of_named_programs_reads_their_pursuits_alone_and_draws_the_same(national_db, tmp_path):
    from kg.network import pursuit_evidence, pursuit_graph
    from kg.views import pursuits_of
    from kg.viz import write_page

    with Workspace(national_db, read_only=True) as ws:
        for programs in (["青年大学习"], ["挑战杯", "青马工程"], ["大学习"]):
            pages = []
            for G in (pursuit_graph(ws), pursuits_of(ws, None, programs)):
                out = tmp_path / f"{len(pages)}.html"
                write_page(G, out, programs=programs, evidence=lambda pairs, G=G: pursuit_evidence(ws, G, pairs))
                pages.append(out.read_bytes())
            assert pages[0] == pages[1], programs
        assert pursuits_of(ws, None, ["没有这个品牌"]) is None
