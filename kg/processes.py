"""How a build's processes end: its workers with it, SIGTERM as Ctrl-C, and its locks with it.

A build forks worker processes (extraction, the Cypher database's part writers). A forked
process starts with a copy of its parent's file descriptors, and a ``flock`` lock belongs to
the open file, not to a process: a worker left alive after its build was killed would go on
holding the workspace's lock, and every later build would find the workspace busy. So each
worker asks the kernel to kill it when its parent dies (Linux), and drops its copies of the
lock files as it starts.
"""
from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path
from typing import IO, Iterator

PR_SET_PDEATHSIG = 1           # prctl(2): the signal this process gets when its parent dies

_LOCK_FILES: dict[int, IO] = {}     # id -> an open lock file of this process, dropped in forked children


def die_with_parent(parent: int | None) -> None:
    """End this process (a worker) when ``parent``, the build that started it, ends, however
    it ends: SIGKILL included. Call it first thing in the worker. (``parent`` None: a worker
    started by a fork server, whose parent is that server.)

    The parent may have died between the fork and this call (the kernel then signals no one),
    hence the check of who the parent is once the signal is asked for. Elsewhere than Linux a
    worker ends when it next reads from its parent.
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def start_worker(parent: int | None) -> None:
    """Initializer of a build's worker processes. The worker dies with ``parent``; leaves
    Ctrl-C to it (which stops its workers: a worker of its own would die of it halfway through
    a task, with a traceback); and freezes what it starts with (the lexicon above all) out of
    the collector's sight: full collections stop walking it over and over (a quarter of a
    worker's time went to them)."""
    import gc

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()


def keep_from_children(lock_file: IO) -> None:
    """Until :func:`release`, a process forked from this one does not hold ``lock_file``: its
    copy of the descriptor is pointed at /dev/null as it starts, before any code of its own."""
    _LOCK_FILES[id(lock_file)] = lock_file


def release(lock_file: IO) -> None:
    """Forget a lock file given to :func:`keep_from_children` (call before closing it)."""
    _LOCK_FILES.pop(id(lock_file), None)


def _drop_lock_files() -> None:
    """In a child just forked: let go of the parent's locks, keeping the descriptor numbers
    valid (the child's copies of the file objects close them some day)."""
    if not _LOCK_FILES:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        for f in list(_LOCK_FILES.values()):
            with contextlib.suppress(OSError, ValueError):
                os.dup2(null, f.fileno())
    finally:
        os.close(null)
    _LOCK_FILES.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_lock_files)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """Within the block SIGTERM raises KeyboardInterrupt, as Ctrl-C does, so that a build ended
    by ``kill`` or ``timeout`` takes the same way out: batches in progress finished or dropped
    whole, workers stopped, the workspace closed."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:              # not the main thread: signals stay as they are
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def stop_pool(pool) -> None:
    """End a process pool's workers now (interrupted, or the build failed): the tasks they were
    given are dropped, not waited for."""
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        with contextlib.suppress(OSError, ValueError):
            worker.kill()
    for worker in workers:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            worker.join()


# -- locks left by a build that no longer runs -----------------------------------------------

def _flock_owner(fdinfo: str) -> int | None:
    """The pid that took the flock held through this open file, from /proc/PID/fdinfo/FD."""
    for line in fdinfo.splitlines():
        if line.startswith("lock:") and " FLOCK " in line:
            fields = line.split()
            with contextlib.suppress(IndexError, ValueError):
                return int(fields[5])
    return None


def lock_holders(lock_file: Path) -> tuple[set[int], set[int]] | None:
    """Who holds the flock on ``lock_file``: (the pids that took it, every process whose open
    file holds it), read from /proc; None where that cannot be told (no /proc)."""
    try:
        target = os.stat(lock_file)
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    owners: set[int] = set()
    holders: set[int] = set()
    me = os.getpid()
    for pid in pids:
        if pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:             # gone, or another user's
            continue
        for fd in fds:
            try:
                st = os.stat(f"/proc/{pid}/fd/{fd}")
                if (st.st_dev, st.st_ino) != (target.st_dev, target.st_ino):
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    owner = _flock_owner(f.read())
            except OSError:
                continue
            if owner is not None:
                owners.add(owner)
                holders.add(pid)
    return owners, holders


def end_leftovers(lock_file: Path, wait: float = 5.0) -> tuple[int, set[int]] | None:
    """When the flock on ``lock_file`` is held only by processes other than the one that took
    it (that one no longer runs: the holders are workers it left behind), end them and wait
    for them to go; (the pid that took the lock, the processes ended). None when the lock's
    taker still runs, or the holders cannot be told or ended.
    """
    found = lock_holders(lock_file)
    if not found:
        return None
    owners, holders = found
    if not holders or owners & holders or len(owners) != 1:
        return None                 # the build that took the lock still holds it: it runs
    for pid in holders:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        except OSError:
            return None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not any(_holds_open(pid) for pid in holders):
            break
        time.sleep(0.05)
    return owners.pop(), holders


def _holds_open(pid: int) -> bool:
    """Whether a process still exists with files open (a zombie has none)."""
    try:
        return bool(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False

