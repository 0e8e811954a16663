"""Pages written by kg.viz from the sample plans: what each view holds, how large graphs are
reduced, and that the file is the same for the same input."""
from __future__ import annotations

import base64
import hashlib
import html as html_module
import json
import re

import pytest

from kg.network import from_workspace
from kg.viz import SelectionError, find, write_page
from kg.workspace import Workspace


@pytest.fixture(scope="module")
def G(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        return from_workspace(ws)


@pytest.fixture(scope="module")
def pursues(corpus_db) -> set[tuple[str, str]]:
    with Workspace(corpus_db, read_only=True) as ws:
        _, rows = ws.query("""PREFIX cyl: <https://w3id.org/cyl-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?body ?program WHERE { ?doc cyl:issuedBy ?o . ?o skos:prefLabel ?body ; cyl:pursues ?p .
  ?p skos:prefLabel ?program }""")
    return {tuple(r) for r in rows}


def page_json(path) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', path.read_text("utf-8"), re.S)
    return json.loads(m.group(1))


def classes(view) -> dict[str, int]:
    out: dict[str, int] = {}
    for _, c in view.graph.nodes(data="cls"):
        out[c] = out.get(c, 0) + 1
    return out


def test_bodies_programs_page(G, pursues, tmp_path):
    view = write_page(G, tmp_path / "p.html")
    programs = {p for _, p in pursues}
    assert classes(view) == {"Organization": 5, "Program": len(programs)}
    data = page_json(tmp_path / "p.html")
    assert len(data["nodes"]) == 5 + len(programs) and len(data["edges"]) == len(pursues)
    # every edge leads to the sentences behind it, in the plan of the body that pursues the program
    for edge, detail in zip(data["edges"], data["details"]["edges"]):
        assert (edge["from"], edge["to"]) == (detail["from"], detail["to"])
        for source, year, begin, end, quote, sentence in detail["evidence"]:
            assert quote in sentence and source in detail["sources"] and end > begin
    # sizes follow degree: a body is larger than the programs it pursues
    sizes = {d["label"]: n["size"] for n, d in zip(data["nodes"], data["details"]["nodes"])}
    assert sizes["共青团南昌市委"] > sizes["青年大学习"] > sizes["挑战杯"] > sizes["920南昌"]
    assert {n["shape"] for n in data["nodes"] if n["cls"] == "Program"} == {"dot"}
    assert [x["cls"] for x in data["legend"]] == ["Organization", "Program"]


def test_same_input_same_bytes(G, tmp_path):
    write_page(G, tmp_path / "a.html", view="full")
    write_page(G, tmp_path / "b.html", view="full")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_the_page_loads_nothing_and_allows_only_its_own_scripts(G, tmp_path):
    write_page(G, tmp_path / "p.html")
    html = (tmp_path / "p.html").read_text("utf-8")
    assert not re.search(r'(src|href)="(https?:)?//', html)
    csp = html_module.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp


def test_filters(G, pursues, tmp_path):
    one = write_page(G, tmp_path / "p.html", programs=["大学习"])
    assert sorted(G.nodes[n]["label"] for n in one.graph) == [
        "共青团南昌市委", "共青团吉林省委", "共青团四川省委", "共青团宁波市委", "共青团平罗县委", "青年大学习"]
    body = write_page(G, tmp_path / "p.html", organizations=["共青团南昌市委"])
    assert classes(body) == {"Organization": 1, "Program": sum(1 for b, _ in pursues if b == "共青团南昌市委")}
    both = write_page(G, tmp_path / "p.html", organizations=["平罗"], programs=["挑战杯", "青年之家"])
    assert sorted(G.nodes[n]["label"] for n in both.graph) == ["共青团平罗县委", "青年之家"]


def test_full_view_of_one_program_keeps_the_items_serving_it(G, tmp_path):
    view = write_page(G, tmp_path / "p.html", view="full", programs=["青马工程"])
    H = view.graph
    items = [n for n in H if H.nodes[n]["cls"] == "Activity"]
    assert items
    for item in items:
        assert "青年马克思主义者培养工程" in {H.nodes[p]["label"] for _, p, k in H.out_edges(item, keys=True)
                                             if k == "servesProgram"}
    assert {k for _, _, k in H.edges(keys=True)} >= {"servesProgram", "hasActivity", "issuedBy"}


def test_ego_view_centres_on_what_is_named(G, tmp_path):
    view = write_page(G, tmp_path / "p.html", view="ego", programs=["挑战杯"])
    centre = find(G, "挑战杯", ["Program"])[0]
    assert view.graph.graph["centres"] == [centre]
    assert set(view.graph) == {centre} | set(G.predecessors(centre)) | set(G.successors(centre))
    data = page_json(tmp_path / "p.html")
    assert sum(1 for n in data["nodes"] if n["borderWidth"] == 3) == 1
    with pytest.raises(SelectionError, match="needs a centre"):
        write_page(G, tmp_path / "p.html", view="ego")


def test_unknown_names_are_refused_with_the_nearest(G, tmp_path):
    with pytest.raises(SelectionError, match="no program named '青年大学X' .*did you mean: 青年大学习"):
        write_page(G, tmp_path / "p.html", programs=["青年大学X"])
    with pytest.raises(SelectionError, match="issues no plan"):
        write_page(G, tmp_path / "p.html", organizations=["团中央"])


def test_a_bodies_programs_page_too_large_to_read_shows_the_leading_programs(G, pursues, tmp_path):
    bodies_of: dict[str, set[str]] = {}
    for body, program in pursues:
        bodies_of.setdefault(program, set()).add(body)
    total = len({b for b, _ in pursues} | set(bodies_of))
    leading = write_page(G, tmp_path / "p.html", max_nodes=60)
    H = leading.graph
    assert leading.total_nodes == total and H.number_of_nodes() <= 60
    drawn = {H.nodes[n]["label"]: n for n in H if H.nodes[n]["cls"] == "Program"}
    # the programs drawn are those most bodies pursue, each with that number
    assert len(drawn) == 30
    fewest = min(len(bodies_of[p]) for p in drawn)
    assert all(len(bodies_of[p]) <= fewest for p in set(bodies_of) - set(drawn))
    assert {p for p, b in bodies_of.items() if len(b) == 5} <= set(drawn)
    assert all(H.nodes[n]["bodies"] == len(bodies_of[p]) for p, n in drawn.items())
    # five bodies are few enough to draw themselves, each linked to the drawn programs it pursues
    assert sorted(H.nodes[n]["label"] for n in H if H.nodes[n]["cls"] == "Organization") == sorted({b for b, _ in pursues})
    assert {(H.nodes[u]["label"], H.nodes[v]["label"]) for u, v in H.edges()} == {
        (b, p) for b, p in pursues if p in drawn}
    assert any(f"the 30 programs most bodies pursue, of {len(bodies_of)}" in n for n in leading.notes)
    # the rest are listed for the page's search, most pursued first
    data = page_json(tmp_path / "p.html")
    assert {r[0] for r in data["rest"]} == set(bodies_of) - set(drawn)
    assert [r[1] for r in data["rest"]] == sorted((r[1] for r in data["rest"]), reverse=True)
    assert data["layout"] == "columns"
    top = write_page(G, tmp_path / "p.html", top=3)
    shown = [n for n in top.graph if top.graph.nodes[n]["cls"] == "Program"]
    assert len(shown) == 3 and all(top.graph.nodes[n]["bodies"] == 5 for n in shown)


def test_the_full_view_folds_items_when_too_large(G, tmp_path):
    folded = write_page(G, tmp_path / "p.html", view="full", max_nodes=400)
    assert "Activity" not in classes(folded) and folded.graph.number_of_nodes() <= 400
    assert any("folded" in note for note in folded.notes)
    plan_links = [d for u, v, k, d in folded.graph.edges(keys=True, data=True)
                  if k == "servesProgram" and folded.graph.nodes[u]["cls"] == "WorkPlan"]
    assert plan_links and all(d["evidence"] for d in plan_links)


def test_labels_are_placed_most_important_first(G, tmp_path):
    write_page(G, tmp_path / "p.html", view="full", organizations=["共青团南昌市委"])
    data = page_json(tmp_path / "p.html")
    first = sorted(zip(data["nodes"], data["details"]["nodes"]), key=lambda x: x[0]["rank"])
    assert {(d["cls"], d["label"]) for _, d in first[:2]} == {("WorkPlan", "南昌共青团 2021 年工作要点"),
                                                              ("Organization", "共青团南昌市委")}
    assert "label" not in data["nodes"][0]          # the page draws labels itself, where they fit
    write_page(G, tmp_path / "e.html", view="ego", programs=["挑战杯"])
    data = page_json(tmp_path / "e.html")
    centre = data["centres"][0]
    assert data["nodes"][centre]["rank"] == 0 and data["nodes"][centre]["emph"] == 2
    assert (data["nodes"][centre]["x"], data["nodes"][centre]["y"]) == (0, 0) and data["layout"] == "rings"


def test_the_panel_names_fields_in_words(G, tmp_path):
    write_page(G, tmp_path / "p.html", view="full", organizations=["共青团南昌市委"])
    data = page_json(tmp_path / "p.html")
    names = {f[0] for d in data["details"]["nodes"] for f in d["facts"]}
    assert not names & {"altLabel", "prefLabel", "programType", "level", "planYear", "sources", "source"}
    assert {"品牌项目类型 · program type", "计划年度 · plan year", "别名 · also called"} <= names
    assert all(" · " in n or n.isascii() for n in names)


def test_the_page_says_how_to_narrow_it_and_carries_a_cjk_font_stack(G, tmp_path):
    write_page(G, tmp_path / "p.html", max_nodes=60)
    html = (tmp_path / "p.html").read_text("utf-8")
    hints = re.search(r'<div id="hints">(.*?)</div>', html, re.S).group(1)
    assert all(option in hints for option in ("--top 60", "--program NAME", "--organization NAME", "--year YEAR"))
    for font in ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
                 "WenQuanYi Micro Hei"):
        assert font in html_module.unescape(re.search(r"font-family: ([^;]+);", html).group(1))
    assert "fonts-noto-cjk" in re.search(r'<div id="fontnote".*?</div>', html, re.S).group(0)


def test_an_edge_cap_takes_turns_so_no_body_loses_its_links(G, pursues):
    from kg.viz import bodies_programs_view, heaviest_edges

    H = heaviest_edges(bodies_programs_view(G, [], [], 1).graph, 100)
    assert H.number_of_edges() == 100
    per_body = sorted(H.out_degree(n) for n in H if H.nodes[n]["cls"] == "Organization")
    assert per_body == [20] * 5
    shared = {p for p in {p for _, p in pursues} if sum(1 for _, q in pursues if q == p) == 5}
    kept = {H.nodes[n]["label"]: H.in_degree(n) for n in H if H.nodes[n]["cls"] == "Program"}
    assert all(kept[p] == 5 for p in shared)
    assert all(d > 0 for d in kept.values())       # a program whose links were all cut is left out
