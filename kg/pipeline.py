"""``kg build``: files and folders -> facts -> named graphs in the workspace.

Extraction runs in worker processes (each returns its document's graph as N-Quads); the store
is written by this process alone, one document at a time.
"""
from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from loaders.model import ReadError
from loaders.readers import suffixes

from .build import document_quads
from .workspace import BuildReport, Workspace, sha256_of

MAX_FILE_BYTES = 16 * 1024 * 1024   # a work plan is tens of KB; anything this large is not one
SECONDS_PER_FILE = 60                # one pathological file must not hang a batch


@dataclass(frozen=True)
class Job:
    key: str
    path: Path
    sha256: str


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named and files of a known kind inside folders named; missing paths as errors."""
    files, errors = [], []
    known = set(suffixes())
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in known
                                and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.is_file():
            files.append(p)
        else:
            errors.append((str(p), "no such file or folder"))
    seen, unique = set(), []
    for f in files:
        r = f.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, errors


def extract_graph(job: Job) -> bytes:
    """Read, extract and build one document; its named graph as N-Quads."""
    from loaders.extract import load

    size = job.path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadError(job.path, f"file too large ({size // (1024 * 1024)} MB; the limit is "
                                  f"{MAX_FILE_BYTES // (1024 * 1024)} MB)")
    facts = load(job.path)
    return ox.serialize(document_quads(facts, job.key), format=ox.RdfFormat.N_QUADS)


class _TimeLimit:
    """Raise TimeoutError in this process when a file takes longer than the limit (Unix timers)."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def _expired(self, *_):
        raise TimeoutError

    def __enter__(self):
        if self.seconds and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.seconds and threading.current_thread() is threading.main_thread():
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)


def _run(job: Job, seconds: float = SECONDS_PER_FILE) -> tuple[Job, bytes | None, str | None]:
    try:
        with _TimeLimit(seconds):
            return job, extract_graph(job), None
    except TimeoutError:
        return job, None, f"gave up after {seconds:g} s (the limit per file)"
    except ReadError as err:
        return job, None, err.reason
    except Exception as err:  # one bad file must not stop the batch
        return job, None, f"could not be processed ({type(err).__name__}: {err})"


def build(workspace: Workspace, paths: Iterable[Path], *, jobs: int | None = None,
          progress: Callable[[Job, str | None], None] | None = None) -> BuildReport:
    """Bring the workspace up to date with the given files and folders."""
    report = BuildReport()
    files, missing = expand(paths)
    report.failed.extend(missing)
    workspace.ensure_reference()
    todo = []
    for f in files:
        key = workspace.key_for(f)
        try:
            digest = sha256_of(f)
        except OSError as err:
            report.failed.append((str(f), f"cannot be read ({err.strerror or err})"))
            continue
        if workspace.is_current(key, digest):
            report.unchanged.append(str(f))
            if progress:
                progress(Job(key, f, digest), None)
            continue
        todo.append(Job(key, f, digest))
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    results = _results(todo, workers)
    for job, nquads, error in results:
        if error is not None:
            report.failed.append((str(job.path), error))
        else:
            workspace.replace_document(job.key, job.path, job.sha256, nquads)
            report.built.append(str(job.path))
        if progress:
            progress(job, error)
    from .stores.ladybug import refresh      # the embedded Cypher database; a stamp check when nothing changed
    refresh(workspace)
    return report


def _results(todo: list[Job], workers: int):
    if workers <= 1 or len(todo) < 4:
        for job in todo:
            yield _run(job)
        return
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_run, todo, chunksize=max(1, min(32, len(todo) // (workers * 8) or 1)))
