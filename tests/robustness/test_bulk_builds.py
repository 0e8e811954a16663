"""A big build spools its batches and bulk-loads them afterwards: it must hold what a build of
transactions holds, keep two files of one name apart, and leave nothing behind when killed."""
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from kg import pipeline
from kg.exports import export
from kg.workspace import Workspace
from samples import CORPUS, ROOT

KG = [sys.executable, "-m", "kg.cli"]
PLANS = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """70 plans in two folders; the second folder has the first one's file names, each over
    another plan's text."""
    root = tmp_path_factory.mktemp("bulk")
    for folder, shift in (("a", 0), ("b", 2)):
        (root / folder).mkdir()
        for i in range(35):
            shutil.copy(PLANS[(i + shift) % len(PLANS)], root / folder / f"plan_{i:02d}.txt")
    return root


def build(db, paths, monkeypatch, *, bulk: bool):
    with monkeypatch.context() as m:
        m.setattr(pipeline, "BULK_DOCUMENTS", 1 if bulk else 10 ** 9)
        m.setattr(pipeline, "BATCH_BYTES", 256 * 1024)      # several batches, and two loads at once
        with Workspace(db, create=True) as ws:
            report = pipeline.build(ws, paths, jobs=2)
    with Workspace(db, read_only=True) as ws:
        return report, export(ws, "nq", None), dict(ws.documents)


def test_a_bulk_build_holds_what_a_build_of_transactions_holds(corpus, tmp_path, monkeypatch):
    paths = [corpus / "a", corpus / "b"]
    bulk_report, bulk_export, bulk_documents = build(tmp_path / "bulk", paths, monkeypatch, bulk=True)
    report, reference, documents = build(tmp_path / "tx", paths, monkeypatch, bulk=False)
    assert bulk_export == reference
    assert bulk_documents == documents
    assert sorted(bulk_report.built) == sorted(report.built) and len(report.built) == 70
    assert not (tmp_path / "bulk" / pipeline.SPOOL).exists()


def test_two_files_of_one_name_are_two_documents_in_every_build(corpus, tmp_path, monkeypatch):
    paths = [corpus / "a", corpus / "b"]
    _, first, documents = build(tmp_path / "db", paths, monkeypatch, bulk=True)
    assert len(documents) == 70
    assert len({entry["path"] for entry in documents.values()}) == 70
    assert sum("~" in key for key in documents) == 35          # b/'s files, each under a key of its own
    again, second, _ = build(tmp_path / "db", paths, monkeypatch, bulk=True)
    assert again.built == [] and len(again.unchanged) == 70
    assert second == first


def test_a_killed_bulk_build_leaves_no_spool_and_finishes_when_run_again(corpus, tmp_path, monkeypatch):
    paths = [corpus / "a", corpus / "b"]          # 70 files: kg build loads them in bulk
    _, reference, _ = build(tmp_path / "reference", paths, monkeypatch, bulk=False)
    rng = random.Random(20261204)
    db = tmp_path / "db"
    command = KG + ["build", *map(str, paths), "--db", str(db), "-q"]
    for _ in range(3):          # at random moments: while extracting and spooling, or loading
        started = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 6.0))
        started.send_signal(signal.SIGKILL)
        started.wait()
    done = subprocess.run(command, cwd=ROOT, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert not (db / pipeline.SPOOL).exists()
    with Workspace(db, read_only=True) as ws:
        assert export(ws, "nq", None) == reference
