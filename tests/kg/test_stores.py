"""Stores by name (kg/stores/base.py): a build hands each store the plans changed, nothing else."""
from __future__ import annotations

import json
import shutil

import pytest

from kg.pipeline import build
from kg.stores import base
from kg.stores.base import PlanGraph, Store
from kg.workspace import Workspace
from samples import CORPUS, JILIN


class Recording(Store):
    """A store that writes down what it is handed (registered from here, as any module may)."""

    name = "recording"

    def __init__(self, log: list | None = None):
        self.log = log if log is not None else []
        self.triples: dict[str, int] = {}

    def open(self, workspace: Workspace) -> None:
        self.log.append(("open", workspace.path))

    def replace(self, plans):
        self.log.append(("replace", sorted(p.graph for p in plans)))
        self.plans = list(plans)

    def remove(self, plans):
        self.log.append(("remove", list(plans)))

    def close(self) -> None:
        self.log.append(("close",))


def test_a_store_registered_by_name_is_fed_the_plans_a_build_changes(tmp_path):
    base.register("recording", Recording)
    log: list = []
    src, db = tmp_path / "in", tmp_path / "db"
    shutil.copytree(CORPUS, src)
    with Workspace(db, create=True) as ws:
        report = build(ws, [src], jobs=2, stores=["ladybug", Recording(log)])      # workers: the stores pickle
        assert not report.failed
        graphs = sorted(entry["graph"] for entry in ws.documents.values())
    assert [step[0] for step in log] == ["open", "replace", "remove", "close"]
    assert log[1] == ("replace", graphs) and len(graphs) == len(list(CORPUS.iterdir()))
    assert (db / "cypher.lbug").is_file()          # the store by name was fed in the same build

    # What a store is handed is a plan's graph: read back from the workspace, it holds the plan.
    store = base.store("recording")
    assert isinstance(store, Recording)
    with Workspace(db) as ws:
        rebuilt = build(ws, [src], jobs=1, stores=[store])
        assert rebuilt.unchanged and not rebuilt.built
        assert store.log[1] == ("replace", [])          # nothing changed: nothing handed
        (src / JILIN.name).write_text(JILIN.read_text("utf-8") + "\n十、附则\n本计划自印发之日起施行。\n", "utf-8")
        store.log.clear()
        build(ws, [src], jobs=1, stores=[store])
        [changed] = store.plans
        assert isinstance(changed, PlanGraph) and changed.key.endswith(JILIN.name)
        assert changed.plan and any(q.subject.value == changed.plan for q in changed.quads(ws))


def test_only_the_stores_named_are_fed(tmp_path):
    """The ladybug store keeps each plan's statements from the extraction workers (its projection
    cache); a build that feeds no store makes neither the cache nor the database."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(JILIN, src)
    with Workspace(tmp_path / "bare", create=True) as ws:
        build(ws, [src], jobs=1, stores=[])
    assert not (tmp_path / "bare" / "projection-cache").exists() and not (tmp_path / "bare" / "cypher.lbug").exists()
    with Workspace(tmp_path / "db", create=True) as ws:
        build(ws, [src], jobs=1, stores=["ladybug"])
    assert list((tmp_path / "db" / "projection-cache").glob("*.pickle"))
    assert (tmp_path / "db" / "cypher.lbug").is_file()
    cypher = base.store("ladybug")
    with Workspace(tmp_path / "db") as ws:
        assert cypher.sync(ws) is False                 # current: left alone
        assert cypher.sync(ws, full=True) is True       # rebuilt whole all the same
    assert json.loads((tmp_path / "db" / "cypher.json").read_text("utf-8"))["how"] == "rebuilt"


def test_an_unknown_store_is_named_with_the_known_ones():
    with pytest.raises(LookupError, match="no store named 'nosuch'.*ladybug.*neo4j.*sparql"):
        base.store("nosuch")
