"""The pages' index (kg.stores.pages): it holds what each graph of the store states, the pages
read the same from it as from the store, it follows rebuilds, and a reader uses it only when it
is of the snapshot read."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from kg import network, views
from kg.pipeline import build
from kg.stores import pages
from kg.stores.base import store
from kg.workspace import Workspace
from samples import CORPUS, FORMATS, JILIN, PINGLUO, SICHUAN


def held(db) -> dict[str, pages.Part]:
    """Every graph's part as the index holds it."""
    with sqlite3.connect(db / pages.INDEX) as con:
        iri = dict(con.execute("SELECT id, iri FROM terms"))
        parts = {}
        for (g,) in con.execute("SELECT id FROM graphs"):
            plans = [(iri[d], s, y, t, iri[i]) for d, s, y, t, i in
                     con.execute("SELECT document, source, year, title, issuer FROM plans WHERE graph = ?", (g,))]
            pursuits = [(iri[b], iri[p]) for b, p in con.execute("SELECT body, program FROM pursuits WHERE graph = ?", (g,))]
            names = [(iri[n], iri[p], v) for n, p, v in
                     con.execute("SELECT node, predicate, value FROM names WHERE graph = ?", (g,))]
            parts[iri[g]] = pages.Part(sorted(plans, key=repr), sorted(pursuits), sorted(names))
    return parts


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """Thirty synthetic plans of as many bodies and the sample plans in all their formats (copies
    of one plan settle into one), built with the pages store; and what its round did."""
    from bench.corpus import synthesize

    root = tmp_path_factory.mktemp("pages")
    synthesize(30, root / "plans")
    index = store("pages")
    with Workspace(root / "db", create=True) as ws:
        report = build(ws, [root / "plans", CORPUS, FORMATS], jobs=2, stores=[index])
    assert not report.failed, report.failed
    return root / "db", index.report


def test_the_index_holds_what_each_graph_of_the_store_states(national):
    db, report = national
    parts = held(db)
    with Workspace(db, read_only=True) as ws:
        assert set(parts) == set(pages.graph_versions(ws)) and len(parts) > 40
        for graph, part in parts.items():
            assert part == pages.part_from_store(ws.store, graph), graph
    assert sum(len(p.pursuits) for p in parts.values()) > 1000
    assert sum(len(p.plans) for p in parts.values()) == 35          # a plan's copies give no rows
    # the workers gave the plans' parts: the store was read for the reference graphs and the
    # plans whose files' names changed as their copies settled, not for every plan
    assert report["graphs"] == len(parts) and 3 <= report["from_store"] < 15
    assert not (db / pages.PARTS).exists()


def test_an_index_made_from_the_store_is_the_one_the_workers_made(national, tmp_path):
    db, _ = national
    copy = tmp_path / "db"
    shutil.copytree(db, copy)
    (copy / pages.INDEX).unlink()
    with Workspace(copy) as ws:
        done = pages.sync(ws)
    assert done["from_store"] == done["graphs"] == len(held(db))
    assert held(copy) == held(db)


def _store_only(monkeypatch):
    monkeypatch.setattr(pages, "read", lambda ws, what: None)


def test_the_pages_read_the_same_from_the_index_as_from_the_store(national, monkeypatch, tmp_path):
    from kg.viz import leading_pursuits, write_page

    db, _ = national

    def answers() -> dict:
        with Workspace(db, read_only=True) as ws:
            plans = network.plans_of(ws)
            counts = views.program_counts(ws)
            years = sorted({p.year for p in plans})
            leading = sorted(counts, key=lambda p: (-counts[p][1], p))[:12]
            names = network._names_of(ws, {p.issuer for p in plans}, set(leading))
            out = {"plans": plans, "counts": counts,
                   "by year": [views.program_counts(ws, {y}) for y in years],
                   "two years": views.program_counts(ws, set(years[:2])),
                   "pursuits": network._pursuits(ws, {p.graph: p.source for p in plans}, set(leading)),
                   "names": {s: {p: sorted(v) for p, v in d.items()} for s, d in names.items()}}
            page = tmp_path / f"page-{len(list(tmp_path.iterdir()))}.html"
            G = leading_pursuits(ws, None, 5)
            write_page(G, page, evidence=lambda pairs: network.pursuit_evidence(ws, G, pairs), top=5)
            out["page"] = page.read_bytes()
            return out

    def read_without_kept():
        for kept in db.glob(f"snapshots/*/{network.PLANS_OF}"):
            kept.unlink()
        for kept in db.glob(f"snapshots/*/{views.PROGRAM_COUNTS}"):
            kept.unlink()
        return answers()

    found = []
    real = pages.read
    monkeypatch.setattr(pages, "read", lambda ws, what: found.append(real(ws, what)) or found[-1])
    indexed = read_without_kept()
    assert found and all(f is not None for f in found)          # every read was the index's
    _store_only(monkeypatch)
    stored = read_without_kept()
    assert len(indexed["plans"]) == 35 and len(indexed["counts"]) > 50 and len(indexed["pursuits"]) > 30
    assert len(indexed["by year"]) > 1 and all(0 < len(c) < len(indexed["counts"]) for c in indexed["by year"])
    for key in stored:
        assert indexed[key] == stored[key], key


def test_the_index_follows_a_rebuild_and_is_read_only_for_its_snapshot(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    shutil.copy(JILIN, src / JILIN.name)
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        build(ws, [src], jobs=1)
    before = Workspace(db, read_only=True)
    try:
        assert pages.read(before, lambda index: True)
        counts = views.program_counts(before)
        shutil.copy(PINGLUO, src / PINGLUO.name)
        with Workspace(db) as ws:
            build(ws, [src], jobs=1)
        # a reader of the previous snapshot no longer uses the index: it counts in its store
        assert pages.read(before, lambda index: True) is None
        assert views.program_counts(before) == counts
    finally:
        before.close()
    with Workspace(db, read_only=True) as ws:
        now = views.program_counts(ws)
        assert pages.read(ws, lambda index: len(index.plans())) == 2
    assert set(counts) < set(now)

    # a build that does not keep the index leaves it stale: the pages count in the store
    shutil.copy(SICHUAN, src / SICHUAN.name)
    with Workspace(db) as ws:
        build(ws, [src], jobs=1, stores=[])
    with Workspace(db, read_only=True) as ws:
        assert pages.read(ws, lambda index: True) is None
        three = views.program_counts(ws)
        assert set(now) < set(three)
    with Workspace(db) as ws:               # the next build brings it up to date
        assert build(ws, [src], jobs=1, stores=["pages"]).unchanged
    with Workspace(db, read_only=True) as ws:
        assert pages.read(ws, lambda index: len(index.plans())) == 3
        for kept in db.glob(f"snapshots/*/{views.PROGRAM_COUNTS}"):
            kept.unlink()
        assert views.program_counts(ws) == three


def test_a_program_counts_the_bodies_issuing_plans_that_pursue_it_and_its_least_name(tmp_path):
    """Two plans by A, one by B; B's plan also states a pursuit of C, which issues none. Each plan
    names p1 differently, and a graph left out (as the program scheme is) names it in English."""
    from ontology.namespaces import SKOS

    path = tmp_path / pages.INDEX
    db = pages._connect(path, write=True)
    terms = pages._Terms(db)
    label = SKOS.prefLabel
    pages._hold(db, terms, "g1", "1", pages.Part([("d1", "a.txt", "2021", "甲", "A")], [("A", "p1"), ("A", "p2")],
                                                   [("p1", label, "乙"), ("A", label, "甲委")]))
    pages._hold(db, terms, "g2", "1", pages.Part([("d2", "b.txt", "2022", None, "A")], [("A", "p1")],
                                                   [("p1", label, "丙")]))
    pages._hold(db, terms, "g3", "1", pages.Part([("d3", "c.txt", "2022", None, "B")], [("B", "p1"), ("C", "p3")],
                                                   [("p1", label, "甲")]))
    pages._hold(db, terms, "scheme", "1", pages.Part([], [], [("p1", label, "Youth")]))
    terms.flush()
    db.execute("INSERT INTO meta VALUES ('digest', 'this')")
    db.commit()
    index = pages.Index(path, "this")
    assert sorted(index.read(lambda i: i.pursuit_counts())) == [("p1", 2, 3), ("p2", 1, 1)]
    assert sorted(index.read(lambda i: i.pursuit_counts({"2022"}))) == [("p1", 2, 2)]
    assert dict(index.read(lambda i: i.least_labels(but=["scheme"])))["p1"] == "丙"  # 丙 U+4E19 < 乙 U+4E59
    assert dict(index.read(lambda i: i.least_labels()))["p1"] == "Youth"
    assert index.read(lambda i: i.names(["A", "p1"], label)) == [
        ("A", "甲委"), ("p1", "Youth"), ("p1", "丙"), ("p1", "乙"), ("p1", "甲")]
    assert sorted(index.read(lambda i: i.pursuits(["p1"]))) == [("g1", "A", "p1"), ("g2", "A", "p1"), ("g3", "B", "p1")]
    assert pages.Index(path, "another build's").read(lambda i: True) is None


def test_a_build_killed_while_it_writes_the_index_leaves_the_index_as_it_was(corpus_db, tmp_path):
    import subprocess
    import sys

    db = tmp_path / "db"
    shutil.copytree(corpus_db, db)
    with Workspace(db, read_only=True) as ws:
        before = views.program_counts(ws), pages.read(ws, lambda index: index.plans())
    assert before[1] and len(before[0]) > 50
    killed = subprocess.run([sys.executable, "-c", f"""
import os, sqlite3
db = sqlite3.connect({str(db / pages.INDEX)!r}, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("DELETE FROM pursuits")
db.execute("UPDATE meta SET value = 'half-written'")
db.executemany("INSERT INTO names VALUES (1, 1, 1, ?)", [(str(i),) for i in range(20000)])
os._exit(9)"""])
    assert killed.returncode == 9 and (db / (pages.INDEX + "-journal")).exists()
    for kept in db.glob(f"snapshots/*/{views.PROGRAM_COUNTS}"):
        kept.unlink()
    with Workspace(db, read_only=True) as ws:
        assert (views.program_counts(ws), pages.read(ws, lambda index: index.plans())) == before
    with Workspace(db) as ws:           # the next build finds it whole and up to date
        assert pages.sync(ws)["graphs"] == 0
