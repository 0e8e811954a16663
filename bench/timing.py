"""Measuring a piece of work: its seconds, its CPU seconds and the peak memory of its processes."""
from __future__ import annotations

import contextlib
import importlib
import os
import threading
import time
from typing import Callable, Iterator, NamedTuple


class PeakMemory:
    """Peak memory of a process and all its children together, sampled twice a second.

    Each process counts its proportional set size (PSS): a page shared by several processes
    (the workers fork from the main one) is split between them, not counted once in each, so
    the sum is what the tree really holds. Reading a process's PSS takes about 7 ms per 2 GB
    (the kernel walks its pages), hence the interval: every 50 ms took a quarter of a core from
    the build measured. Without psutil, the largest child's peak resident set.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.5):
        self.pid, self.interval = pid, interval
        self.peak = self.now = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> int:
        import psutil

        root = psutil.Process(self.pid)
        total = 0
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += process.memory_full_info().pss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.now = self._sample()
                self.peak = max(self.peak, self.now)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        try:
            import psutil  # noqa: F401
        except ImportError:
            return self
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is None:
            import resource
            self.peak = 1024 * resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            return
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of its children that have ended (workers)."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


def _run_here(module: str, name: str, args: tuple, answer) -> None:
    import kg.pipeline  # noqa: F401  (imported before the clock starts, as in a warm process)
    import kg.stores.ladybug  # noqa: F401
    import kg.workspace  # noqa: F401

    function = getattr(importlib.import_module(module), name)
    start, cpu = time.perf_counter(), cpu_seconds()
    try:
        value = function(*args)
        answer.put(("ok", value, time.perf_counter() - start, cpu_seconds() - cpu))
    except BaseException as err:      # reported to the parent, which raises it
        answer.put(("error", f"{type(err).__name__}: {err}", 0.0, 0.0))


class Run(NamedTuple):
    """What :func:`in_a_process` measured."""

    value: object
    seconds: float
    peak: int          # bytes
    cpu: float         # CPU seconds, the process and its workers together


def in_a_process(function: Callable, *args) -> Run:
    """Run a module-level function in a fresh process, as ``kg build`` runs in one of its own:
    its value, its seconds, the peak memory of that process and its workers in bytes, and the
    CPU seconds they took.

    The benchmark's own process, which holds the synthetic corpus and has run the smaller
    sizes before, stays out of the figures.
    """
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_run_here, args=(function.__module__, function.__name__, args, answer))
    child.start()
    with PeakMemory(child.pid) as memory:
        while True:
            try:
                status, value, seconds, cpu = answer.get(timeout=1)
                break
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"{function.__name__} died with exit code {child.exitcode}") from None
    child.join()
    if status != "ok":
        raise RuntimeError(value)
    return Run(value, seconds, memory.peak, cpu)


@contextlib.contextmanager
def stopwatch() -> Iterator[dict]:
    """``with stopwatch() as t: ...``; then ``t["s"]`` holds the seconds it took."""
    out = {"s": 0.0}
    start = time.perf_counter()
    try:
        yield out
    finally:
        out["s"] = time.perf_counter() - start


def load_average() -> float:
    """The machine's load average over the last minute (it is shared: read figures beside it)."""
    return os.getloadavg()[0]
