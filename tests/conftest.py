"""Shared fixtures: the bundled sample plans and a workspace built from them once per session."""
from __future__ import annotations

import pathlib

import pytest

from samples import CORPUS

@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> pathlib.Path:
    """A workspace built from the five sample plans (built once, shared read-only)."""
    from kg.pipeline import build
    from kg.workspace import Workspace

    db = tmp_path_factory.mktemp("corpus") / "db"
    with Workspace(db, create=True) as ws:
        report = build(ws, [CORPUS], jobs=1)
    assert not report.failed, report.failed
    return db
