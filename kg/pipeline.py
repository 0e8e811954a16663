"""``kg build``: files and folders -> facts -> named graphs in the workspace.

Extraction runs in worker processes, each making its documents' graphs as N-Quads; the store
is written by this process alone, in batches of documents: a small build (a few changed files)
through transactions while the workers run, a big one through Oxigraph's bulk loader once they
are done (see :class:`_Writes`), and the manifest is written once a batch (see
:meth:`Workspace.replace_documents` for what a killed build leaves).
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import gc
import os
import queue
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from loaders.model import ReadError
from loaders.readers import suffixes

from . import iri, processes
from .build import document_graph
from .progress import Progress
from .stores.base import BUILD_STORES, PlanGraph, Store, store
from .workspace import BuildReport, Workspace, know_real_paths, manifest_entry, plan_of, real_path

MAX_FILE_BYTES = 16 * 1024 * 1024   # a work plan is tens of KB; anything this large is not one
SECONDS_PER_FILE = 60                # one pathological file must not hang a batch
BATCH_BYTES = 64 * 1024 * 1024       # N-Quads written to the store at a time (~100 plans)
BULK_DOCUMENTS = 64                  # from this many documents to build, load them in bulk
WRITERS = 2                          # bulk loads running at once
SPOOL = ".spool"                     # where a big build's batches wait for the bulk loader
STAGES = ("read", "extract", "graph", "store", "project")


@dataclass(frozen=True)
class Job:
    key: str
    path: Path
    sha256: str


@dataclass(frozen=True)
class Spooled:
    """Where a worker put a document's N-Quads: a byte range of a file in the build's spool."""

    file: Path
    offset: int
    length: int


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named and files of a known kind inside folders named; missing paths as errors.

    Inside folders, hidden files and folders are skipped and symlinked folders not followed.
    The files' real paths are worked out on the way (see :func:`kg.workspace.real_path`).
    """
    files, errors = [], []
    real: dict[str, str] = {}
    known = set(suffixes())
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted(_files_under(p, os.path.realpath(p), known))
            files.extend(f for f, _ in found)
            real.update((str(f), r) for f, r in found)
        elif p.is_file():
            files.append(p)
        else:
            errors.append((str(p), "no such file or folder"))
    know_real_paths(real)
    seen, unique = set(), []
    for f in files:
        r = real_path(f)
        if r not in seen:
            seen.add(r)
            unique.append(f)
    return unique, errors


def _files_under(folder: Path, real: str, known: set[str]) -> Iterator[tuple[Path, str]]:
    """(path, real path) of the files of a known kind under a folder, from one directory
    listing per folder: a symlinked file is resolved, any other has its folder's real path."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_under(path, os.path.join(real, entry.name), known)
            elif os.path.splitext(entry.name)[1].lower() in known and entry.is_file():
                yield path, (os.path.realpath(path) if entry.is_symlink() else os.path.join(real, entry.name))
        except OSError:         # gone or unreadable while listed: as if it were not there
            continue


def extract_graph(job: Job, stages: dict[str, float] | None = None, keepers: Sequence[Store] = ()) -> bytes:
    """Read, extract and build one document; its named graph as N-Quads.

    Each of the ``keepers`` (stores) is handed the graph with its triples (:meth:`Store.keep`):
    reading a plan back from the workspace costs several times more, and this runs in the
    worker processes, in parallel. ``stages``, when given, gets the CPU seconds spent reading,
    extracting and building the graph.
    """
    from loaders.extract import extract
    from loaders.readers import read

    size = job.path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadError(job.path, f"file too large ({size // (1024 * 1024)} MB; the limit is "
                                  f"{MAX_FILE_BYTES // (1024 * 1024)} MB)")
    clock = time.thread_time              # CPU time: the figures hold on a busy machine too
    started = clock()
    raw = read(job.path)
    read_at = clock()
    facts = extract(raw)
    extracted_at = clock()
    graph = document_graph(facts, job.key)
    nquads = graph.nquads()
    if keepers:
        built = PlanGraph(job.key, iri.graph(job.key), graph.plan, manifest_entry(job.key, job.path, job.sha256),
                          graph.triples)
        for keeper in keepers:
            keeper.keep(built)
    if stages is not None:
        stages["read"] += read_at - started
        stages["extract"] += extracted_at - read_at
        stages["graph"] += clock() - extracted_at
    return nquads


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


def _run(job: Job, seconds: float = SECONDS_PER_FILE, stages: dict[str, float] | None = None,
         keepers: Sequence[Store] = ()) -> tuple[Job, bytes | None, str | None]:
    try:
        with _TimeLimit(seconds):
            return job, extract_graph(job, stages, keepers), None
    except TimeoutError:
        return job, None, f"gave up after {seconds:g} s (the limit per file)"
    except ReadError as err:
        return job, None, err.reason
    except Exception as err:  # one bad file must not stop the batch
        return job, None, f"could not be processed ({type(err).__name__}: {err})"


def build(workspace: Workspace, paths: Iterable[Path], *, jobs: int | None = None,
          progress: Progress | None = None, stores: Sequence[str | Store] = BUILD_STORES) -> BuildReport:
    """Bring the workspace up to date with the given files and folders, and then the ``stores``
    (names registered in :mod:`kg.stores.base`, or stores) with the plans changed; ``progress``
    shows its phases (reading, extraction, loading into the RDF store, each store)."""
    progress = progress or Progress.silent()
    report = BuildReport()
    files, missing = expand(paths)
    report.failed.extend(missing)
    workspace.ensure_reference()
    opened = [store(s) if isinstance(s, str) else s for s in stores]
    for s in opened:
        s.open(workspace)
    # Only the stores that keep something from the workers are sent to them.
    keepers = tuple(s for s in opened if type(s).keep is not Store.keep)
    todo = []
    reading = progress.phase("reading", len(files), "files").start()
    for f in files:
        reading.advance()
        key = workspace.key_for(f)
        try:
            digest = workspace.digest_of(f)
        except OSError as err:
            report.failed.append((str(f), f"cannot be read ({err.strerror or err})"))
            continue
        if workspace.is_current(key, digest):
            report.unchanged.append(str(f))
            continue
        todo.append(Job(key, f, digest))
    reading.finish()
    workers = jobs if jobs is not None else min(os.cpu_count() or 1, 4)
    report.seconds.update(dict.fromkeys(STAGES, 0.0))
    built = _extract_all(workspace, report, todo, workers, progress, keepers)
    # Files of one plan become one plan; a plan whose text-holding file left it gets its text
    # from another of its files, extracted again (once: the second settling finds a holder).
    again = workspace.settle_plans()
    if again:
        built |= _extract_all(workspace, report, [Job(workspace.key_for(f), f, workspace.digest_of(f)) for f in again],
                              workers, Progress.silent(), keepers)
        workspace.settle_plans()
    _feed(opened, workspace, built, report, progress)
    return report


def _feed(stores: list[Store], workspace: Workspace, built: set[str], report: BuildReport,
          progress: Progress) -> None:
    """Hand each store the plans built (their graphs), then close it; the seconds it took are the
    build's "project" stage (a stamp check when nothing changed)."""
    documents = workspace.documents
    changed = [PlanGraph(key, documents[key]["graph"], plan_of(key, documents[key]), documents[key])
               for key in sorted(built) if key in documents]
    for s in stores:
        started = time.perf_counter()
        with progress.phase(s.title, len(changed), "files") as phase:
            s.replace(changed)
            s.remove([])            # a build removes no plan
            s.close()
            phase.advance(len(changed))
        report.seconds["project"] += time.perf_counter() - started


def _extract_all(workspace: Workspace, report: BuildReport, todo: list[Job], workers: int,
                 progress: Progress, keepers: Sequence[Store]) -> set[str]:
    """Build the jobs into the workspace; the keys of those built."""
    built = set()
    with _Writes(workspace, report, bulk=len(todo) >= BULK_DOCUMENTS, progress=progress) as writes:
        extraction = progress.phase("extraction", len(todo), "files").start()
        for job, nquads, error, stages in _results(todo, workers, writes.spool, keepers):
            for stage, seconds in stages.items():
                report.seconds[stage] += seconds
            if error is not None:
                report.failed.append((str(job.path), error))
            else:
                writes.add(job, nquads)
                built.add(job.key)
            extraction.advance()
        extraction.finish()
    return built


class _Writes:
    """Built documents on their way into the store, a batch of ~100 plans at a time; use as a
    context manager (leaving it writes what is left and waits).

    One manifest write per batch, not per document: the manifest of 10,000 plans is megabytes,
    and rewriting it after every document made a big build quadratic.

    A small build writes each batch in a transaction, from a thread of its own, while the
    workers go on. In a big one (``bulk``) the workers write their documents' N-Quads to files
    in the workspace's spool folder (``spool``), and once they are done the batches are loaded
    from there through Oxigraph's bulk loader, two at a time to keep both cores busy.
    Extraction and bulk loading side by side took half as much CPU again as one after the
    other (each evicts the other's data from the caches), and bulk loading is what bounds a
    big build. A build killed before its batches are loaded leaves those documents
    unrecorded, and its spool, which the next build removes before it redoes them.
    """

    def __init__(self, workspace: Workspace, report: BuildReport, bulk: bool, progress: Progress):
        self.workspace, self.report, self.bulk = workspace, report, bulk
        self.progress, self.loading = progress, None       # the loading phase, once extraction is done
        self.added = self.stored = 0                       # documents handed in, and written to the store
        self.pending: list[tuple[Job, bytes | Spooled]] = []
        self.size = 0
        self.written: dict[int, list[str]] = {}  # batch number -> its files, reported in order
        self.count = 0
        self.error: BaseException | None = None
        self.stopping = False                   # the build was interrupted: no batch starts any more
        self.lock = threading.Lock()
        self.rdf = store("oxigraph", bulk=bulk)        # the workspace's RDF store
        self.rdf.open(workspace)
        self.spool: Path | None = workspace.path / SPOOL if bulk else None
        self.spooled: list[tuple[int, list[Job], list[Spooled]]] = []
        shutil.rmtree(workspace.path / SPOOL, ignore_errors=True)   # a killed build's; the lock is ours now
        if self.spool is not None:
            self.spool.mkdir()
        self.batches: queue.Queue = queue.Queue(maxsize=1)        # a queue of one bounds the memory held
        self.threads = [] if bulk else [threading.Thread(target=self._write, name="kg-store-writer", daemon=True)]
        for thread in self.threads:
            thread.start()

    def add(self, job: Job, nquads: bytes | Spooled) -> None:
        self.pending.append((job, nquads))
        self.added += 1
        self.size += nquads.length if isinstance(nquads, Spooled) else len(nquads)
        if self.size >= BATCH_BYTES:
            self._send()

    def _send(self) -> None:
        self._check()
        if self.pending:
            if self.spool is not None:
                self.spooled.append((self.count, [job for job, _ in self.pending], [n for _, n in self.pending]))
            else:
                self.batches.put((self.count, [_plan_graph(job, nquads) for job, nquads in self.pending]))
            self.count += 1
        self.pending, self.size = [], 0

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def _store(self, number: int, plans: list[PlanGraph]) -> None:
        started = time.perf_counter()
        self.rdf.replace(plans)
        with self.lock:
            self.written[number] = [str(plan.path) for plan in plans]
            self.report.seconds["store"] += time.perf_counter() - started
            self.stored += len(plans)
            if self.loading is not None:
                self.loading.advance(len(plans))

    def _write(self) -> None:
        while (item := self.batches.get()) is not None:
            try:
                if self.error is None and not self.stopping:    # after a failure, drain without writing
                    self._store(*item)
            except BaseException as err:        # handed to the building thread
                self.error = err
            finally:
                self.batches.task_done()
        self.batches.task_done()

    def _load_spooled(self) -> None:
        """Load the spooled batches, WRITERS at a time."""
        work: queue.SimpleQueue = queue.SimpleQueue()
        for item in self.spooled:
            work.put(item)

        def load() -> None:
            while self.error is None and not self.stopping:
                try:
                    number, jobs, parts = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    self._store(number, [_plan_graph(job, nquads) for job, nquads in zip(jobs, _read_spooled(parts))])
                except BaseException as err:        # raised in the building thread
                    self.error = err

        threads = [threading.Thread(target=load, name=f"kg-store-loader-{i}", daemon=True)
                   for i in range(min(WRITERS, len(self.spooled)))]
        for thread in threads:
            thread.start()
        _join(threads, self)
        self._check()

    def __enter__(self) -> "_Writes":
        return self

    def _start_loading(self) -> None:
        """The loading phase, counting from what a small build wrote while extraction went on."""
        with self.lock:
            self.loading = self.progress.phase("loading into the RDF store", self.added, "files").start()
            self.loading.advance(self.stored)

    def __exit__(self, kind, *exc) -> None:
        try:
            self._start_loading()
            if kind is None:
                self._send()                    # what is left, unless the build itself failed
            else:
                self.stopping = True
            for _ in self.threads:
                self.batches.put(None)
            _join(self.threads, self)
            if kind is None:
                self._check()
                self._load_spooled()
        finally:
            self.loading.finish(stopped=kind is not None)
            self.rdf.close()
            if self.spool is not None:
                shutil.rmtree(self.spool, ignore_errors=True)
            for number in sorted(self.written):
                self.report.built.extend(self.written[number])


def _join(threads: list[threading.Thread], writes: _Writes) -> None:
    """Wait for the store's writers. Interrupted (Ctrl-C, SIGTERM), they start no new batch and
    the one each is writing is finished, not cut: the store is left as between two batches,
    and the interruption goes on once they are done."""
    interrupted = None
    for thread in threads:
        while thread.is_alive():
            try:
                thread.join()
            except KeyboardInterrupt as err:
                writes.stopping, interrupted = True, err
    if interrupted is not None:
        raise interrupted


def _plan_graph(job: Job, nquads: bytes | memoryview) -> PlanGraph:
    return PlanGraph(job.key, iri.graph(job.key), None, manifest_entry(job.key, job.path, job.sha256),
                     nquads=nquads, path=job.path)


def _read_spooled(parts: list[Spooled]) -> list[memoryview]:
    """The N-Quads of spooled documents, each a view of one read for each run of them in a file."""
    runs: list[list] = []           # file, offset, length, the lengths of its parts
    for part in parts:
        last = runs[-1] if runs else None
        if last and last[0] == part.file and last[1] + last[2] == part.offset:
            last[2] += part.length
            last[3].append(part.length)
        else:
            runs.append([part.file, part.offset, part.length, [part.length]])
    out = []
    for file, offset, length, lengths in runs:
        with open(file, "rb") as f:
            f.seek(offset)
            data = memoryview(f.read(length))
        start = 0
        for size in lengths:
            out.append(data[start:start + size])
            start += size
    return out


def _run_chunk(jobs: list[Job], spool: Path | None = None, keepers: Sequence[Store] = ()
               ) -> list[tuple[Job, bytes | Spooled | None, str | None, dict[str, float]]]:
    """Build a few documents (in a worker); each with the seconds its stages took. With
    ``spool``, a file to write, the N-Quads go there and where they are comes back instead."""
    out = []
    for job in jobs:
        stages = dict.fromkeys(("read", "extract", "graph"), 0.0)
        # A plan makes some 100,000 short-lived objects, nearly all freed as soon as they are
        # done with: the collector runs once after the plan, over what it left, instead of
        # every 700 allocations during it.
        gc.disable()
        try:
            job, nquads, error = _run(job, stages=stages, keepers=keepers)
        finally:
            gc.enable()
            gc.collect(0)
        out.append((job, nquads, error, stages))
    if spool is not None:
        offset = 0
        with open(spool, "wb") as f:
            for i, (job, nquads, error, stages) in enumerate(out):
                if nquads is not None:
                    f.write(nquads)
                    out[i] = (job, Spooled(spool, offset, len(nquads)), error, stages)
                    offset += len(nquads)
    return out


def _prepare() -> None:
    """Load the domain's words (the program scheme, patterns, cues, regions) in this process
    before the workers fork, so that they start with them instead of each parsing the ontology."""
    from loaders import lexicon, regions

    lexicon.cues()
    lexicon.program_automaton()
    lexicon.organization_automaton()
    lexicon.non_programs()
    regions.names_index()


def _results(todo: list[Job], workers: int, spool: Path | None = None, keepers: Sequence[Store] = ()):
    """(job, N-Quads, error, stage seconds) for each job, in order; with ``spool``, a folder,
    the N-Quads are written to files there and each comes back as :class:`Spooled`; each of the
    ``keepers`` is handed each graph built (see :func:`extract_graph`)."""
    def file(number: int) -> Path | None:
        return spool / f"{number:06d}.nq" if spool is not None else None

    if workers <= 1 or len(todo) < 4:
        for number, job in enumerate(todo):
            yield from _run_chunk([job], file(number), keepers)
        return
    context = _context()
    if context.get_start_method() == "fork":
        _prepare()
    size = max(1, min(16, len(todo) // (workers * 8) or 1))
    chunks = iter([(todo[i:i + size], file(i), keepers) for i in range(0, len(todo), size)])
    # Each worker dies with this process, however it ends, and holds none of its locks.
    parent = None if context.get_start_method() == "forkserver" else os.getpid()
    pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=processes.start_worker,
                                  initargs=(parent,))
    try:
        # A few chunks in flight per worker, no more: in a small build the results wait here,
        # N-Quads and all, while the store is written.
        pending = collections.deque(pool.submit(_run_chunk, *c) for c in _take(chunks, workers * 4))
        while pending:
            done = pending.popleft().result()
            pending.extend(pool.submit(_run_chunk, *c) for c in _take(chunks, 1))
            yield from done
    except BaseException:       # interrupted, or the build failed: the chunks in flight are not waited for
        processes.stop_pool(pool)
        raise
    pool.shutdown()


def _take(iterator, n: int) -> list:
    return [x for _, x in zip(range(n), iterator)]


def _context():
    """How worker processes start: as copies of this one where the system can (sharing what it
    loaded), else as the platform does by default."""
    import multiprocessing

    return multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
