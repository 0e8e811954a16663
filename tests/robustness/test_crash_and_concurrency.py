"""Builds killed halfway, run twice, or run side by side lose nothing and duplicate nothing."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from samples import CORPUS, ROOT

KG = [sys.executable, "-m", "kg.cli"]


def corpus_copies(folder, copies: int):
    folder.mkdir()
    for i in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copy(f, folder / f"{f.stem}_{i}.txt")
    return folder


def kg(*args, check=True):
    done = subprocess.run(KG + [str(a) for a in args], capture_output=True, cwd=ROOT)
    if check:
        assert done.returncode == 0, done.stderr.decode()
    return done


def export(db):
    return kg("export", "--format", "nq", "--db", db).stdout


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Twenty files (four copies of each of five plans), and the export of an uninterrupted build of them."""
    root = tmp_path_factory.mktemp("crash")
    docs = corpus_copies(root / "docs", 4)
    kg("build", docs, "--db", root / "reference", "-q", "-j", "1")
    return docs, export(root / "reference")


def test_killed_builds_finish_when_run_again(batch, tmp_path):
    docs, reference = batch
    rng = random.Random(20260422)
    for round_ in range(4):
        db = tmp_path / f"db{round_}"
        for _ in range(2):      # kill it twice in a row at random moments, then let it finish
            build = subprocess.Popen(KG + ["build", str(docs), "--db", str(db), "-q", "-j", "1"], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 2.5))
            build.send_signal(signal.SIGKILL)
            build.wait()
        kg("build", docs, "--db", db, "-q", "-j", "1")
        assert export(db) == reference


def test_a_second_build_on_the_same_workspace_is_refused_while_the_first_runs(batch, tmp_path):
    docs, reference = batch
    db = tmp_path / "db"
    first = subprocess.Popen(KG + ["build", str(docs), "--db", str(db), "-q", "-j", "1"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while not (db / ".lock").exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    second = kg("build", docs, "--db", db, "-q", check=False)
    assert first.wait(timeout=120) == 0
    assert second.returncode == 3
    assert b"another kg build is writing this workspace" in second.stderr
    assert export(db) == reference


def test_queries_during_a_build_see_a_whole_state(batch, tmp_path):
    docs, _ = batch
    db = tmp_path / "db"
    kg("build", CORPUS, "--db", db, "-q")           # a finished state to start from: 5 plans
    build = subprocess.Popen(KG + ["build", str(docs), "--db", str(db), "-q", "-j", "1"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts = set()
    while build.poll() is None:
        done = kg("query", "documents", "--db", db, "--format", "csv")
        rows = done.stdout.decode().strip().splitlines()[1:]
        assert all(",共青团" in r for r in rows)          # every row whole: issuer and all
        counts.add(len(rows))
    assert build.returncode == 0
    assert counts == {5}                            # the copies are files of the same 5 plans
    final = kg("query", "documents", "--db", db, "--format", "csv").stdout.decode().strip().splitlines()
    assert len(final) == 6
    assert all(r.count(".txt") == 5 for r in final[1:])     # each plan's own file and its 4 copies


def test_the_same_input_twice_gives_the_same_bytes(batch, tmp_path):
    docs, reference = batch
    kg("build", docs, "--db", tmp_path / "db", "-q")
    kg("build", docs, "--db", tmp_path / "db", "-q")
    assert export(tmp_path / "db") == reference


def test_a_build_killed_while_loading_its_cypher_database_leaves_nothing_once_run_again(batch, tmp_path):
    """The new database and its Parquet parts are made in one folder in the workspace, which the
    next rebuild removes: nothing is left in the workspace or the system's temporary folder."""
    docs, reference = batch
    db, scratch = tmp_path / "db", tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    for _ in range(20):                  # until a kill lands while the database is being loaded
        shutil.rmtree(db, ignore_errors=True)
        build = subprocess.Popen(KG + ["build", str(docs), "--db", str(db), "-q"], cwd=ROOT, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while build.poll() is None and not list(db.glob(".cypher-*/.parts-*/*/*.parquet")):
            time.sleep(0.005)
        build.send_signal(signal.SIGKILL)
        build.wait()
        if list(db.glob(".cypher-*/.parts-*")):
            break
    else:
        pytest.fail("no build was caught loading its Cypher database")
    again = subprocess.run(KG + ["build", str(docs), "--db", str(db), "-q"], cwd=ROOT, env=env, capture_output=True)
    assert again.returncode == 0, again.stderr.decode()
    assert list(db.glob(".cypher-*")) == []
    done = subprocess.run(KG + ["query", "documents", "--db", str(db), "--engine", "cypher", "--format", "csv"],
                          cwd=ROOT, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert len(done.stdout.decode().strip().splitlines()) == 6       # 5 plans, each in 4 files
    assert list(scratch.iterdir()) == []
    assert export(db) == reference
