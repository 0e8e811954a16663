"""The pages of kg viz, opened in headless Chromium: they draw, they lead to the evidence, and
text from documents stays text."""
from __future__ import annotations

import time

import pytest

from browser import console_errors, ink, open_page, start
from kg.network import from_workspace
from kg.viz import write_page
from kg.workspace import Workspace
from samples import PINGLUO

PAYLOAD = "<img src=x onerror=alert(1)>"
CLOSER = "</script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def corpus(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        _, pursues = ws.query("""PREFIX cyl: <https://w3id.org/cyl-kg/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?body ?program WHERE { ?doc cyl:issuedBy ?o . ?o skos:prefLabel ?body ; cyl:pursues ?p .
  ?p skos:prefLabel ?program }""")
        return from_workspace(ws), pursues


@pytest.fixture(scope="module")
def pages(corpus, tmp_path_factory):
    G, _ = corpus
    out = tmp_path_factory.mktemp("pages")
    views = {"bodies-programs": {}, "full": {}, "ego": {"programs": ["青年大学习"], "radius": 2}}
    return {name: (out / f"{name}.html", write_page(G, out / f"{name}.html", view=name, **kw))
            for name, kw in views.items()}


def visible_nodes(driver) -> int:
    return driver.execute_script("return kgNetwork.body.data.nodes.get({filter: function (n) { return !n.hidden; }}).length")


def test_bodies_programs_page_draws_every_program_of_the_corpus(browser, corpus, pages):
    _, pursues = corpus
    programs = {p for _, p in pursues}
    bodies = {b for b, _ in pursues}
    page = open_page(browser, pages["bodies-programs"][0])
    assert console_errors(browser) == []
    assert page["nodes"] == page["drawn"] == len(programs) + len(bodies) > 200
    assert page["edges"] == len(pursues)
    assert len(browser.execute_script("return kgNetwork.getPositions()")) == page["nodes"]
    drawn = browser.execute_script("return kgData.details.nodes.map(function (n) { return [n.cls, n.label]; })")
    assert {label for cls, label in drawn if cls == "Program"} == programs
    assert {label for cls, label in drawn if cls == "Organization"} == bodies
    assert ink(browser) > 20000          # the network is on the canvas, not a blank page
    # nothing was fetched: the page carries its scripts and styles
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


@pytest.mark.parametrize("view", ["full", "ego"])
def test_full_and_ego_pages_draw_what_they_hold(browser, pages, view):
    path, drawn = pages[view]
    page = open_page(browser, path)
    assert console_errors(browser) == []
    assert page["nodes"] == page["drawn"] == drawn.graph.number_of_nodes() > 100
    assert page["edges"] == drawn.graph.number_of_edges()
    assert ink(browser) > 5000


def _node_id(driver, label: str) -> int:
    return driver.execute_script(
        "var label = arguments[0];"
        "return kgData.details.nodes.findIndex(function (n) { return n.label === label; })", label)


def _click_canvas_at(driver, x: float, y: float) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.CSS_SELECTOR, "#network canvas")
    rect = canvas.rect
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - rect["width"] / 2),
                                                      int(y - rect["height"] / 2)).click().perform()


def test_clicking_an_edge_shows_the_sentence_behind_it(browser, corpus, pages, corpus_db):
    from kg.engines import run_sparql
    import queries

    columns, rows = run_sparql(corpus_db, queries.text("pursues"), {})
    row = dict(zip(columns, next(r for r in rows if r[0] == "共青团吉林省委" and r[1] == "青年大学习")))
    open_page(browser, pages["bodies-programs"][0])
    body, program = _node_id(browser, "共青团吉林省委"), _node_id(browser, "青年大学习")
    edge, center = browser.execute_script("""
        var from = arguments[0], to = arguments[1];
        var e = kgData.details.edges.findIndex(function (e) { return e.from === from && e.to === to; });
        var p = kgNetwork.getPositions([from, to]), a = p[from], b = p[to];
        var c = document.querySelector('#network canvas').getBoundingClientRect();
        var center = {x: c.width / 2, y: c.height / 2};
        // close up on a point of the edge that no node or other edge covers
        for (var t = 0.3; t < 0.95; t += 0.05) {
          kgNetwork.moveTo({position: {x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)}, scale: 4, animation: false});
          if (kgNetwork.getNodeAt(center) === undefined && kgNetwork.getEdgeAt(center) === e) break;
        }
        return [e, [center.x, center.y]];""", body, program)
    _click_canvas_at(browser, *center)
    assert browser.execute_script("return kgNetwork.getSelectedEdges()") == [edge]
    details = browser.find_element("id", "details").text
    assert "共青团吉林省委 → 青年大学习" in details
    assert " ".join(row["evidence"].split()) in " ".join(details.split())
    assert row["source"] in details
    assert browser.execute_script("return document.querySelector('#details mark').textContent") == "青年大学习"


def test_search_box_finds_and_filters(browser, pages):
    from selenium.webdriver.common.by import By

    everything = open_page(browser, pages["bodies-programs"][0])["nodes"]
    browser.find_element(By.ID, "search").send_keys("大学习")
    results = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#results li")]
    assert results == ["青年大学习"]
    browser.find_element(By.ID, "only").click()
    assert visible_nodes(browser) == 1
    browser.find_element(By.CSS_SELECTOR, "#results li").click()
    assert browser.find_element(By.CSS_SELECTOR, "#details h2").text == "青年大学习"
    browser.find_element(By.ID, "only").click()
    assert visible_nodes(browser) == everything
    # the legend hides a class and shows it again
    legend = browser.find_elements(By.CSS_SELECTOR, "#legend div")
    program_row = next(d for d in legend if "program" in d.text)
    program_row.click()
    assert visible_nodes(browser) == 5
    program_row.click()
    assert visible_nodes(browser) == everything
    assert console_errors(browser) == []


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    """A real plan whose quoted program names carry markup and a script end tag."""
    from kg.pipeline import build

    root = tmp_path_factory.mktemp("hostile")
    text = PINGLUO.read_text("utf-8")
    assert "“青春有约”" in text and "“缘来是你”" in text
    text = text.replace("“青春有约”", f"“{PAYLOAD}青春有约”", 1).replace("“缘来是你”", f"“{CLOSER}缘来是你”", 1)
    (root / "in").mkdir()
    (root / "in" / "pingluo-hostile.txt").write_text(text, "utf-8")
    with Workspace(root / "db", create=True) as ws:
        assert not build(ws, [root / "in"], jobs=1).failed
    with Workspace(root / "db", read_only=True) as ws:
        G = from_workspace(ws)
    page = root / "hostile.html"
    drawn = write_page(G, page)
    return page, drawn


def test_markup_in_a_document_stays_text_and_runs_nothing(browser, hostile_page):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    path, drawn = hostile_page
    raw = path.read_text("utf-8")
    assert PAYLOAD not in raw and CLOSER not in raw          # escaped in the file itself
    page = open_page(browser, path)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert
    assert console_errors(browser) == []
    assert page["nodes"] == page["drawn"] == drawn.graph.number_of_nodes()
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert browser.execute_script("return document.scripts.length") == 3      # data, vis-network, the page's own

    label = f"{PAYLOAD}青春有约"
    node = _node_id(browser, label)
    assert node >= 0
    # the search box lists it as text
    browser.find_element(By.ID, "search").send_keys("onerror")
    assert [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#results li")] == [label]
    # its tooltip shows the sentence as text
    browser.execute_script("kgNetwork.focus(arguments[0], {scale: 2, animation: false});", node)
    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
    ActionChains(browser).move_to_element(canvas).move_by_offset(1, 1).move_by_offset(-1, -1).perform()
    tooltip = browser.find_element(By.CSS_SELECTOR, "div.vis-tooltip")
    deadline = time.monotonic() + 10
    while not tooltip.is_displayed() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert tooltip.text.startswith(label + "\n")
    assert f"开展“{PAYLOAD}青春有约”“</script><script>" in tooltip.text
    # the panel shows both names, and the sentence, as text
    browser.find_element(By.CSS_SELECTOR, "#results li").click()
    details = browser.find_element(By.ID, "details").text
    assert details.startswith(label)
    assert f"开展“{PAYLOAD}青春有约”“{CLOSER}缘来是你”等主题青年婚恋交友活动" in details
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert


# -- what each page answers: read from the drawing itself ------------------------------------------

def drawn_labels(driver) -> list[dict]:
    """The labels the page drew in its last frame: text and box in canvas pixels, most important first."""
    return driver.execute_script("return kgPage.labels")


def screen_position(driver, node: int) -> tuple[float, float]:
    at = driver.execute_script("var p = kgNetwork.getPositions([arguments[0]])[arguments[0]];"
                               "return kgNetwork.canvasToDOM(p);", node)
    return at["x"], at["y"]


def canvas_centre(driver) -> tuple[float, float]:
    size = driver.execute_script("var c = document.getElementById('network'); return [c.clientWidth, c.clientHeight];")
    return size[0] / 2, size[1] / 2


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1:]
            if a["left"] < b["left"] + b["width"] and b["left"] < a["left"] + a["width"]
            and a["top"] < b["top"] + b["height"] and b["top"] < a["top"] + a["height"]]


@pytest.mark.parametrize("radius", [1, 2])
def test_the_ego_page_centres_and_labels_what_was_asked(browser, corpus, tmp_path, radius):
    G, pursues = corpus
    path = tmp_path / "ego.html"
    drawn = write_page(G, path, view="ego", programs=["青马工程"], radius=radius)
    open_page(browser, path)
    assert console_errors(browser) == []
    centre = browser.execute_script("return kgData.centres")
    assert len(centre) == 1
    x, y = screen_position(browser, centre[0])
    cx, cy = canvas_centre(browser)
    assert abs(x - cx) < 2 and abs(y - cy) < 2
    labels = drawn_labels(browser)
    assert labels[0]["text"] == "青年马克思主义者培养工程" and labels[0]["inside"]
    assert not overlapping(labels)
    texts = {label["text"] for label in labels}
    # who pursues it, labelled
    assert {b for b, p in pursues if p == "青年马克思主义者培养工程"} <= texts
    if radius == 1:         # one step: everything, and everything labelled
        assert len(labels) == drawn.graph.number_of_nodes() == 8
        assert all(label["inside"] for label in labels)
    else:
        assert drawn.graph.number_of_nodes() > 100


def test_the_full_page_labels_what_fits_and_more_on_zoom(browser, corpus, tmp_path):
    G, _ = corpus
    path = tmp_path / "full.html"
    drawn = write_page(G, path, view="full", organizations=["共青团南昌市委"])
    page = open_page(browser, path)
    assert console_errors(browser) == []
    labels = drawn_labels(browser)
    texts = [label["text"] for label in labels]
    assert set(texts[:2]) == {"南昌共青团 2021 年工作要点", "共青团南昌市委"}     # the plan and its body first
    assert all(label["inside"] for label in labels[:2])
    assert not overlapping(labels)
    assert 20 < len(labels) < page["nodes"] == drawn.graph.number_of_nodes()
    # a node left unlabelled is labelled once zoomed in on
    hidden = browser.execute_script("""
        var shown = {}; kgPage.labels.forEach(function (l) { shown[l.id] = true; });
        return kgData.nodes.filter(function (n) { return !shown[n.id]; }).map(function (n) { return n.id; });""")
    node = hidden[0]
    browser.execute_script("var p = kgNetwork.getPositions([arguments[0]])[arguments[0]];"
                           "kgNetwork.moveTo({position: p, scale: 6, animation: false}); kgNetwork.redraw();", node)
    zoomed = drawn_labels(browser)
    assert node in {label["id"] for label in zoomed} and not overlapping(zoomed)


def test_the_leading_programs_page_labels_every_program_and_body(browser, corpus, tmp_path):
    from selenium.webdriver.common.by import By

    G, pursues = corpus
    path = tmp_path / "top.html"
    drawn = write_page(G, path, top=20)
    open_page(browser, path)
    assert console_errors(browser) == []
    labels = drawn_labels(browser)
    assert len(labels) == drawn.graph.number_of_nodes() == 25
    assert all(label["inside"] for label in labels) and not overlapping(labels)
    texts = {label["text"] for label in labels}
    assert {b for b, _ in pursues} <= texts
    assert "青年大学习（5）" in texts
    # a program not drawn is found by the search, with the option that draws it
    rest = browser.execute_script("return kgData.rest[0][0]")
    browser.find_element(By.ID, "search").send_keys(rest)
    listed = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#results li")]
    assert any(f"not drawn: kg viz --program {rest}" in text for text in listed)
    assert "--top 40" in browser.find_element(By.ID, "hints").text


def test_the_panel_names_fields_in_words(browser, pages):
    open_page(browser, pages["full"][0])
    browser.execute_script("kgShow('node', arguments[0])", _node_id(browser, "青年大学习"))
    details = browser.find_element("id", "details").text
    assert "品牌项目类型 · program type" in details and "别名 · also called" in details
    assert "programType" not in details and "altLabel" not in details


NO_CJK = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""


def test_a_browser_without_a_cjk_font_is_told_what_to_install(browser, pages, tmp_path):
    from pathlib import Path

    latin = Path("/usr/share/fonts/truetype/dejavu")
    if not latin.is_dir():
        pytest.skip("needs the DejaVu fonts (fonts-dejavu-core) for a browser that has no CJK font")
    import shutil
    import subprocess

    if shutil.which("fc-list") and not subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout:
        pytest.skip("no CJK font is installed (apt-get install fonts-noto-cjk)")
    page = open_page(browser, pages["bodies-programs"][0])
    assert page["cjk"] is True
    assert not browser.find_element("id", "fontnote").is_displayed()
    config = tmp_path / "fonts.conf"
    config.write_text(NO_CJK.format(fonts=latin, cache=tmp_path / "cache"), "utf-8")
    bare = start(tmp_path / "profile", env={"FONTCONFIG_FILE": str(config)})
    try:
        page = open_page(bare, pages["bodies-programs"][0])
        assert page["cjk"] is False
        note = bare.find_element("id", "fontnote")
        assert note.is_displayed() and "sudo apt-get install fonts-noto-cjk" in note.text
    finally:
        bare.quit()
