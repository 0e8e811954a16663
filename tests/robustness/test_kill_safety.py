"""A build ended by any signal, on a busy machine, leaves no process and no lock behind.

Each round starts a build of 70 plans (a bulk build) in a session of its own beside busy
processes, kills it with SIGKILL or SIGTERM at a random moment, and checks that no process of
that session remains, that the workspace's lock and the RDF store's are free, and that the
next build finishes with every plan. ``KG_KILL_ROUNDS`` sets the number of rounds (3 by
default; ``KG_KILL_ROUNDS=12 pytest tests/robustness/test_kill_safety.py`` for a longer run).
"""
from __future__ import annotations

import fcntl
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kg import processes
from kg.workspace import LOCK, STORE, Workspace
from samples import CORPUS, ROOT
from signals import interruptible

KG = [sys.executable, "-m", "kg.cli"]
PLANS = 70
ROUNDS = int(os.environ.get("KG_KILL_ROUNDS", "3"))
BUSY = 3                    # busy loops beside the build (the machine has a core or two)


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> Path:
    """70 plans under distinct names: copies of the sample corpus."""
    folder = tmp_path_factory.mktemp("kill") / "plans"
    folder.mkdir()
    samples = sorted(CORPUS.glob("*.txt"))
    for i in range(PLANS):
        shutil.copy(samples[i % len(samples)], folder / f"{samples[i % len(samples)].stem}_{i:02d}.txt")
    return folder


@pytest.fixture
def busy_machine():
    """Processes that keep the cores busy while the test runs (each ends on its own after
    ten minutes at most, and is killed when the test ends)."""
    loop = "import time\nend = time.monotonic() + 600\nwhile time.monotonic() < end:\n    pass\n"
    loops = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(BUSY)]
    yield loops
    for p in loops:
        p.kill()
        p.wait()


def start_build(plans: Path, db: Path) -> subprocess.Popen:
    """``kg build`` in a session of its own (every process it starts is in its process group),
    its stderr in a file (a pipe would stay open as long as a process left behind)."""
    err = open(db.with_name(db.name + ".err"), "w+b")
    build = subprocess.Popen(KG + ["build", str(plans), "--db", str(db), "-q", "-j", "2"], cwd=ROOT,
                             start_new_session=True, stdout=subprocess.DEVNULL, stderr=err,
                             preexec_fn=interruptible)
    build.err = err
    return build


def ended(build: subprocess.Popen) -> str:
    """Wait for a build to end; its stderr."""
    build.wait()
    build.err.seek(0)
    text = build.err.read().decode()
    build.err.close()
    return text


def group(pgid: int) -> dict[int, str]:
    """The live processes (zombies hold nothing) of a process group: pid -> command line."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            state, _ppid, pgrp = stat[stat.rindex(")") + 2:].split()[:3]
            if int(pgrp) == pgid and state != "Z":
                found[int(entry)] = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def left_behind(pgid: int) -> dict[int, str]:
    """What remains of a build's process group once its processes had a moment to go: the
    kernel kills a dead build's workers at once, but a busy machine may run them a while."""
    for _ in range(100):
        found = group(pgid)
        if not found:
            return found
        time.sleep(0.1)
    return group(pgid)


def free(lock: Path, posix: bool = False) -> bool:
    """Whether a lock file can be locked now (flock, or POSIX locks as RocksDB takes them)."""
    with open(lock, "a+") as f:
        try:
            (fcntl.lockf if posix else fcntl.flock)(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        (fcntl.lockf if posix else fcntl.flock)(f, fcntl.LOCK_UN)
        return True


def finish(plans: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(KG + ["build", str(plans), "--db", str(db), "-j", "2"], cwd=ROOT, capture_output=True)


def test_a_build_killed_at_any_moment_on_a_busy_machine_leaves_nothing_running(plans, tmp_path, busy_machine):
    rng = random.Random(20261207)
    for round_ in range(ROUNDS):
        db = tmp_path / f"db{round_}"
        sent = (signal.SIGKILL, signal.SIGTERM)[round_ % 2]
        build = start_build(plans, db)
        while build.poll() is None and not (db / LOCK).exists():       # the build has begun
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 8.0))       # extracting, loading the store or the Cypher database
        build.send_signal(sent)
        err = ended(build)
        if sent == signal.SIGTERM:
            assert build.returncode in (130, 0), err
            assert build.returncode == 0 or err.startswith("interrupted:"), err
        else:
            assert build.returncode in (-signal.SIGKILL, 0)
        assert left_behind(build.pid) == {}, f"round {round_}, {sent.name}"
        assert free(db / LOCK)
        assert free(db / STORE / "LOCK", posix=True)
        again = finish(plans, db)
        assert again.returncode == 0, again.stderr.decode()
        assert "took over" not in again.stderr.decode()        # there was nothing to take over
        assert f"holds {PLANS} documents" in again.stdout.decode()
        assert not (db / ".spool").exists()


def test_ctrl_c_ends_a_build_as_sigterm_does_and_the_next_one_finishes_it(plans, tmp_path, busy_machine):
    db = tmp_path / "db"
    build = start_build(plans, db)
    while build.poll() is None and not list((db / ".spool").glob("*.nq")):     # in the middle of extracting
        time.sleep(0.01)
    build.send_signal(signal.SIGINT)
    err = ended(build)
    assert build.returncode == 130, err
    assert err.splitlines() == [f"interrupted: {db} keeps what was built; run the same build again "
                                         "to finish it"]
    assert left_behind(build.pid) == {}
    assert not (db / ".spool").exists()
    with Workspace(db, read_only=True) as ws:
        kept = len(ws.documents)
    again = finish(plans, db)
    assert again.returncode == 0, again.stderr.decode()
    assert again.stdout.decode().startswith(f"built {PLANS - kept}, unchanged {kept}, failed 0; "
                                            f"workspace {db} holds {PLANS} documents")


LEFTOVER = textwrap.dedent("""
    import fcntl, os, sys, time
    lock = open(sys.argv[1], "a+")
    fcntl.flock(lock, fcntl.LOCK_EX)
    child = os.fork()
    if child == 0:                  # a worker of a build that did not end its workers
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 1)
        os.dup2(null, 2)
        time.sleep(600)
        os._exit(0)
    print(child, flush=True)
    os._exit(0)                     # the build dies; its worker keeps the lock
""")


def test_a_lock_held_by_what_a_dead_build_left_is_taken_over(tmp_path):
    db = tmp_path / "db"
    assert finish(CORPUS, db).returncode == 0
    dead = subprocess.run([sys.executable, "-c", LEFTOVER, str(db / LOCK)], capture_output=True, text=True)
    leftover = int(dead.stdout)
    try:
        assert not free(db / LOCK)
        again = finish(CORPUS, db)
        assert again.returncode == 0, again.stderr.decode()
        lines = again.stderr.decode().splitlines()
        assert len(lines) == 1
        assert re.fullmatch(rf"warning: {re.escape(str(db))}: took over the lock of build \d+, which no longer "
                            r"runs \(ended 1 process it left holding it\)", lines[0])
        assert not alive(leftover)
        assert free(db / LOCK)
    finally:
        if alive(leftover):
            os.kill(leftover, signal.SIGKILL)


def test_a_lock_its_build_still_holds_is_not_taken_over(tmp_path):
    db = tmp_path / "db"
    with Workspace(db, create=True):
        busy = finish(CORPUS, db)
    assert busy.returncode == 3
    assert "took over" not in busy.stderr.decode()


def _wait(ready, done) -> None:
    ready.set()
    done.wait(60)


def test_a_process_forked_by_a_build_does_not_hold_its_lock(tmp_path):
    context = multiprocessing.get_context("fork")
    ready, done = context.Event(), context.Event()
    with Workspace(tmp_path / "db", create=True):
        child = context.Process(target=_wait, args=(ready, done))
        child.start()
        try:
            assert ready.wait(60)
            owners, holders = processes.lock_holders(tmp_path / "db" / LOCK)
            assert child.pid not in holders
        finally:
            done.set()
            child.join()
