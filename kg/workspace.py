"""The on-disk workspace behind ``--db DIR``: an Oxigraph store and a manifest of sources.

Layout::

    DIR/store/          Oxigraph (RocksDB) store: one named graph per document, plus the
                        ontology and the program scheme in graphs of their own
    DIR/manifest.json   source key -> path, sha256, graph, and once plans settle the plan it
                        holds (``plan``), the names of the plan's files on the file holding its
                        text (``files``) or, on another file of it, that file's key (``copy``);
                        written atomically after each batch of documents is in the store
    DIR/.lock           held while a build writes (flock: released when the build ends,
                        however it ends; its workers do not inherit it)
    DIR/snapshots/ID/   the store as the last finished build left it (a RocksDB checkpoint made of
                        hard links) with its manifest, the manifest's digest (manifest.sha256) and
                        every plan's IRI and file names (plans.json), and what readers found
                        and keep there (Workspace.kept: programs.json, kg.views; plans-of.json,
                        kg.network); DIR/current names it
    DIR/pages.sqlite    what the pages of ``kg viz`` count and look up, each graph's part (the
                        ``pages`` store, kg.stores.pages), marked with the manifest digest it
                        was made from; DIR/pages-parts/ the extraction workers' parts, until
                        the build's close takes them in

Readers (queries, exports) open the current snapshot, never the store a build is writing, so
a query during a build sees the last finished state, whole.

A rebuild skips files whose sha256 the manifest already holds and replaces the graph of a
changed file, so a build killed halfway is finished by running it again.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

import pyoxigraph as ox

import ontology
from ontology.namespaces import CYL, DCT, FOAF, RDFS, SKOS

from . import iri, processes

MANIFEST = "manifest.json"
STORE = "store"
LOCK = ".lock"
SNAPSHOTS = "snapshots"
READERS = ".readers"      # readers of a snapshot hold a shared lock on this file
CURRENT = "current"
PLANS = "plans.json"      # in a snapshot: each plan graph, its plan's IRI and file names
DIGEST = "manifest.sha256"  # in a snapshot: manifest_digest of its manifest
FILE_STATS = "file-stats.json"   # size, times and inode of each file read, with its sha256
RDFS_LABEL = RDFS.label
SKOS_PREF_LABEL = SKOS.prefLabel
RACY_SECONDS = 2.0               # a file changed this recently may change again within the same timestamp


class WorkspaceError(Exception):
    """A workspace that cannot be opened or written."""


class WorkspaceBusy(WorkspaceError):
    """Another build holds the workspace's lock."""


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)     # where the time went, by stage


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)          # elsewhere: set and restore at once
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``path``, renamed over it when the block ends without an error
    and removed when it does not, so no half-written file is ever left at ``path``.

    The file gets the mode a plain write would give it: the old file's mode when it replaces
    one, else 0666 less the umask (the temporary file is made 0600, which would keep a web
    server or the neo4j user from reading an export).
    """
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_file`."""
    with atomic_file(path) as f:
        f.write(data)


_REAL_PATHS: dict[str, str] = {}


def real_path(path: Path | str) -> str:
    """A file's absolute path with symlinks resolved, remembered for the rest of the build:
    resolving costs a system call per folder of the path, and each file is named several times."""
    text = str(path)
    found = _REAL_PATHS.get(text)
    if found is None:
        found = _REAL_PATHS[text] = str(Path(path).resolve())
    return found


def know_real_paths(paths: dict[str, str]) -> None:
    """Start a build afresh: forget what was resolved before, and take these (path -> real path)."""
    _REAL_PATHS.clear()
    _REAL_PATHS.update(paths)


# Which file of a plan held in several gives the plan its text: the format whose text is read as
# written (plain text), then the ones whose text comes with its structure marked (HTML, Word),
# then PDF, whose text is rebuilt from positions on a page; files of one format by name, then path.
CANONICAL_ORDER = ("text/plain", "text/html", "application/xhtml+xml",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "application/msword", "application/pdf")
FOAF_TOPIC = FOAF.primaryTopic
DCT_SOURCE = DCT.source


def plan_of(key: str, entry: dict) -> str:
    """The IRI of the plan a built file holds (older manifests: the file's own)."""
    return entry.get("plan") or iri.document(key)


def manifest_digest(manifest: dict) -> str:
    """A digest of what a manifest records: its documents and reference graphs."""
    text = json.dumps([manifest.get("documents", {}), manifest.get("reference", {})], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# A plan graph: its plan's IRI and the names of its files.
Plans = dict[str, tuple[str, frozenset[str]]]


def plans_described(store: ox.Store) -> Plans:
    """Every plan graph of a store with its plan's IRI and file names (``dct:source``: a plan held
    in several files names them joined by "|"), in the graphs' order."""
    found: dict[str, tuple[str, set[str]]] = {}
    for row in store.query(f"SELECT ?g ?doc ?source WHERE {{ GRAPH ?g {{ ?doc a <{CYL}WorkPlan> ; "
                           f"<{DCT_SOURCE}> ?source }} }}"):
        found.setdefault(row["g"].value, (row["doc"].value, set()))[1].add(row["source"].value)
    return {g: (doc, frozenset(sources)) for g, (doc, sources) in sorted(found.items())}


def manifest_entry(key: str, path: Path, sha256: str) -> dict[str, str]:
    """What the manifest records of a built document."""
    return {"path": real_path(path), "sha256": sha256, "graph": iri.graph(key), "source": Path(path).name}


class Workspace:
    """An open workspace; use as a context manager."""

    def __init__(self, path: Path | str, *, create: bool = False, read_only: bool = False, wait: float = 0):
        self.path = Path(path)
        self.read_only = read_only
        self._lock_file = None
        self._changed = False
        self._keys: dict[str, str] | None = None      # resolved path -> document key, made on first use
        self._given: dict[str, str] = {}              # resolved path -> key given to a file not yet built
        self._given_keys: set[str] = set()
        self._manifest_lock = threading.Lock()        # batches may be written by several threads
        self.snapshot_store: Path | None = None       # read-only: the store of the snapshot open, which other processes may open too
        self._manifest: dict | None = None
        self._manifest_file = self.path / MANIFEST
        self._plans: Plans | None = None
        if read_only:
            self._open_snapshot()
            return
        if not (self.path / STORE).exists() and not create:
            raise WorkspaceError(f"{self.path}: no workspace here (run `kg build PATH... --db {self.path}` first)")
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock(wait)
        try:
            self.store = ox.Store(str(self.path / STORE))
        except OSError as err:
            self._unlock()
            raise WorkspaceError(f"{self.path}: cannot open the store ({err})") from err
        self.manifest = self._read_manifest(self.path / MANIFEST)
        self._file_stats: dict[str, list] | None = None
        self._file_stats_changed = False

    def _open_snapshot(self) -> None:
        """Open the last finished build's snapshot, read-only, holding a shared lock on it so
        that no build deletes it while it is read (retrying if a build just replaced it)."""
        for _ in range(10):
            current = self.path / CURRENT
            if not current.exists():
                raise WorkspaceError(f"{self.path}: no workspace here (run `kg build PATH... --db {self.path}` first)")
            snapshot = self.path / SNAPSHOTS / current.read_text("utf-8").strip()
            try:
                self._lock_file = open(snapshot / READERS, "r")
                fcntl.flock(self._lock_file, fcntl.LOCK_SH)
                processes.keep_from_children(self._lock_file)
                if not (snapshot / STORE).exists():
                    raise FileNotFoundError(snapshot)
                self.store = ox.Store.read_only(str(snapshot / STORE))
                self.snapshot_store = snapshot / STORE
                # read when first asked for: a query on a few plans need not parse it
                self._manifest_file = snapshot / MANIFEST
                return
            except (OSError, WorkspaceError):
                self._unlock()
                time.sleep(0.2)
        raise WorkspaceError(f"{self.path}: cannot open the workspace's current snapshot")

    # -- locking -----------------------------------------------------------------------------
    def _lock(self, wait: float) -> None:
        """Take the writer's lock, waiting up to ``wait`` seconds for another build to end.

        The lock is a ``flock`` on DIR/.lock, which the kernel releases when the last process
        holding it ends. A lock still held although the build that took it no longer runs is
        held by processes that build left behind (workers of a version that did not end them):
        those are ended and the lock taken over, with one line on stderr.
        """
        self._lock_file = open(self.path / LOCK, "a+")
        deadline = time.monotonic() + wait
        taken_over: tuple[int, set[int]] | None = None
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                processes.keep_from_children(self._lock_file)
                break
            except BlockingIOError:
                if taken_over is None and (taken_over := processes.end_leftovers(self.path / LOCK)):
                    continue
                if time.monotonic() >= deadline:
                    self._lock_file.close()
                    self._lock_file = None
                    raise WorkspaceBusy(f"{self.path}: another kg build is writing this workspace; try again when "
                                        "it ends (or wait for it with --wait SECONDS)") from None
                time.sleep(0.2)
        if taken_over:
            build, leftovers = taken_over
            print(f"warning: {self.path}: took over the lock of build {build}, which no longer runs (ended "
                  f"{len(leftovers)} process{'es' if len(leftovers) != 1 else ''} it left holding it)",
                  file=sys.stderr)

    def _unlock(self) -> None:
        if self._lock_file:
            processes.release(self._lock_file)
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def close(self) -> None:
        if not self.read_only:
            self.store.flush()
            if self._file_stats_changed:
                self._write_file_stats()
            if self._changed or not (self.path / CURRENT).exists():
                self._snapshot()
        del self.store
        self._unlock()

    def _snapshot(self) -> None:
        """Publish the store as it is now for readers, then drop older snapshots."""
        folder = self.path / SNAPSHOTS
        folder.mkdir(exist_ok=True)
        name = f"{time.time_ns():x}-{os.getpid()}"
        staging = folder / f".staging-{name}"
        staging.mkdir()
        self.store.backup(str(staging / STORE))
        (staging / READERS).touch()
        manifest = ((self.path / MANIFEST).read_bytes() if (self.path / MANIFEST).exists()
                    else b'{"documents": {}, "reference": {}}')
        (staging / MANIFEST).write_bytes(manifest)
        (staging / DIGEST).write_text(manifest_digest(json.loads(manifest)), "utf-8")
        (staging / PLANS).write_text(json.dumps({g: [doc, sorted(files)] for g, (doc, files)
                                                 in plans_described(self.store).items()},
                                                ensure_ascii=False, sort_keys=True), "utf-8")
        os.rename(staging, folder / name)
        write_atomically(self.path / CURRENT, name.encode("utf-8"))
        for old in folder.iterdir():
            if old.name != name:
                _remove_unread(old)

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- manifest ----------------------------------------------------------------------------
    @property
    def manifest(self) -> dict:
        if self._manifest is None:
            self._manifest = self._read_manifest(self._manifest_file)
        return self._manifest

    @manifest.setter
    def manifest(self, value: dict) -> None:
        self._manifest = value

    def digest(self) -> str:
        """:func:`manifest_digest` of the manifest (a snapshot's kept beside it)."""
        kept = self._snapshot_file(DIGEST)
        return kept.read_text("utf-8").strip() if kept else manifest_digest(self.manifest)

    def plans(self) -> Plans:
        """Every plan graph with its plan's IRI and file names (:func:`plans_described`); a
        snapshot keeps them, written when the build that made it finished."""
        if self._plans is not None:
            return self._plans
        kept = self._snapshot_file(PLANS)
        plans = ({g: (doc, frozenset(files)) for g, (doc, files) in json.loads(kept.read_text("utf-8")).items()}
                 if kept else plans_described(self.store))
        if self.read_only:          # a snapshot does not change; a store being written may
            self._plans = plans
        return plans

    def kept(self, name: str, compute: Callable[[], object]) -> object:
        """What ``compute`` finds in the store, kept as JSON in the snapshot (``name``) by the
        first reader that computes it, and read from there after; computed afresh when no
        snapshot is open (a store being written)."""
        found = self._snapshot_file(name)
        if found:
            return json.loads(found.read_text("utf-8"))
        value = compute()
        if self.snapshot_store is not None:
            # a snapshot read is never removed (its readers' lock), and the file is whole or absent
            with contextlib.suppress(OSError):
                write_atomically(self.snapshot_store.parent / name,
                                 json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        return value

    def plans_kept(self) -> bool:
        """Whether :meth:`plans` reads what the snapshot keeps (no query)."""
        return self._plans is not None or self._snapshot_file(PLANS) is not None

    def _snapshot_file(self, name: str) -> Path | None:
        """A file of the open snapshot (None: writing, or a snapshot made before it was kept)."""
        if self.snapshot_store is None:
            return None
        f = self.snapshot_store.parent / name
        return f if f.is_file() else None

    def _read_manifest(self, f: Path) -> dict:
        if not f.exists():
            return {"documents": {}, "reference": {}}
        try:
            return json.loads(f.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise WorkspaceError(f"{f}: unreadable manifest ({err})") from err

    def _write_manifest(self) -> None:
        data = json.dumps(self.manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        write_atomically(self.path / MANIFEST, data)

    @property
    def documents(self) -> dict[str, dict]:
        return self.manifest["documents"]

    def key_for(self, path: Path) -> str:
        """The document key: its file name, made unique when two folders hold the same name.

        A file keeps the key it was first given, in the manifest or earlier in this session, so
        two files of one name built together get two keys, the same ones in every build.
        """
        resolved = real_path(path)
        if self._keys is None or self._keys_size != len(self.documents):
            # An index instead of a scan of the manifest per file: building 10,000 files was quadratic.
            self._keys, self._keys_size = {}, len(self.documents)
            for key, entry in self.documents.items():
                self._keys.setdefault(entry["path"], key)
        if resolved in self._keys:
            return self._keys[resolved]
        if resolved in self._given:
            return self._given[resolved]
        key = path.name
        if key in self.documents or key in self._given_keys:
            key = f"{path.name}~{hashlib.sha1(resolved.encode('utf-8')).hexdigest()[:8]}"
        self._given[resolved] = key
        self._given_keys.add(key)
        return key

    # -- writing -----------------------------------------------------------------------------
    def ensure_reference(self) -> None:
        """Load the ontology, the program scheme and the classifications into their graphs when
        they changed."""
        for graph, path in ((iri.ONTOLOGY_GRAPH, ontology.ONTOLOGY), (iri.SCHEME_GRAPH, ontology.PROGRAMS),
                            (iri.CLASSIFICATION_GRAPH, ontology.CLASSIFICATIONS)):
            if not path.exists():
                continue
            digest = sha256_of(path)
            if self.manifest["reference"].get(graph) == digest:
                continue
            node = ox.NamedNode(graph)
            self.store.remove_graph(node) if self.store.contains_named_graph(node) else None
            self.store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=node)
            if graph == iri.SCHEME_GRAPH:
                # Tools that show rdfs:label see a program by its name: each program's
                # skos:prefLabel is its rdfs:label too (SKOS makes prefLabel a sub-property).
                self.store.update(f"""INSERT {{ GRAPH <{graph}> {{ ?p <{RDFS_LABEL}> ?name }} }}
                    WHERE {{ GRAPH <{graph}> {{ ?p <{SKOS_PREF_LABEL}> ?name
                        FILTER NOT EXISTS {{ ?p <{RDFS_LABEL}> ?any }} }} }}""")
            self.manifest["reference"][graph] = digest
            self._write_manifest()
            self._changed = True

    def replace_documents(self, documents: list[tuple[str, Path, str]], nquads: bytes, *, bulk: bool = False) -> None:
        """Put several documents' graphs in place of their old ones, then record them all in the
        manifest with one write: ``documents`` are (key, path, sha256), each key once, and
        ``nquads`` their graphs.

        With ``bulk`` the graphs go in through Oxigraph's bulk loader: several times faster than
        a transaction, but not atomic. Either way a replaced document is first marked unfinished
        in the manifest, and the batch is recorded only once its graphs are on disk, so a build
        killed halfway leaves every document it did not finish unrecorded, and the next build
        redoes exactly those.

        Threads may write batches of different documents at once: the store takes concurrent
        loads, and the manifest is changed and written under a lock.
        """
        if not documents:
            return
        with self._manifest_lock:
            replaced = [key for key, *_ in documents if key in self.documents]
            if replaced:
                for key in replaced:
                    self.documents[key]["sha256"] = ""
                self._write_manifest()
        for key, *_ in documents:
            graph = ox.NamedNode(iri.graph(key))
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
        if bulk:
            self.store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        else:
            self.store.load(nquads, format=ox.RdfFormat.N_QUADS)
        self.store.flush()
        with self._manifest_lock:
            for key, path, sha256 in documents:
                resolved = real_path(path)
                if key in self.documents and self.documents[key]["path"] != resolved:
                    self._keys = None          # a key moved to another file: index afresh on next use
                self.documents[key] = manifest_entry(key, path, sha256)
                if self._keys is not None:
                    self._keys.setdefault(resolved, key)
                    self._keys_size = len(self.documents)
            self._write_manifest()
            self._changed = True

    def settle_plans(self) -> list[Path]:
        """Make each plan held in several files one plan: the first file in
        :data:`CANONICAL_ORDER` keeps the plan's text and all it says, with ``dct:source`` naming
        every file (by name, joined by ``|``); the others' graphs keep only their file.

        Returns the files to extract again: copies whose plan has lost the file that held its
        text, so that one of them can hold it now.
        """
        rows = self.store.query(f"""SELECT ?g ?plan ?type ?name WHERE {{ GRAPH ?g {{
            ?g <{FOAF_TOPIC}> ?plan . ?plan <{CYL}hasFile> ?f . ?f <{CYL}mediaType> ?type ; <{CYL}fileName> ?name }} }}""")
        by_graph = {entry["graph"]: key for key, entry in self.documents.items()}
        before = json.dumps(self.documents, sort_keys=True)
        groups: dict[str, list[tuple[tuple, str, str]]] = {}
        for row in rows:
            key = by_graph.get(row["g"].value)
            if key is None or not self.documents[key]["sha256"]:
                continue
            entry, media = self.documents[key], row["type"].value
            rank = (CANONICAL_ORDER.index(media) if media in CANONICAL_ORDER else len(CANONICAL_ORDER),
                    row["name"].value, entry["path"])
            entry["plan"] = row["plan"].value
            groups.setdefault(row["plan"].value, []).append((rank, key, row["name"].value))
        again: list[Path] = []
        for plan, files in sorted(groups.items()):
            files.sort()
            (_, first, name), copies = files[0], files[1:]
            entry = self.documents[first]
            if entry.get("copy"):                 # it held no text: extract it again to hold it
                entry["sha256"] = ""
                again.append(Path(entry["path"]))
                continue
            names = "|".join(sorted(n for *_, n in files)) if copies else None
            if entry.get("files") != names:
                self._name_files(entry["graph"], plan, names or name)
                entry.pop("files", None)
                if names:
                    entry["files"] = names
            for _, key, _ in copies:
                if not self.documents[key].get("copy"):
                    self._keep_file_only(self.documents[key]["graph"], plan, iri.file(key))
                    self.documents[key]["copy"] = first
        if json.dumps(self.documents, sort_keys=True) != before:
            self._write_manifest()
            self._changed = True
        return again

    def _name_files(self, graph: str, plan: str, names: str) -> None:
        self.store.update(f"""DELETE {{ GRAPH <{graph}> {{ <{plan}> <{DCT_SOURCE}> ?old }} }}
            INSERT {{ GRAPH <{graph}> {{ <{plan}> <{DCT_SOURCE}> {ox.Literal(names)} }} }}
            WHERE {{ OPTIONAL {{ GRAPH <{graph}> {{ <{plan}> <{DCT_SOURCE}> ?old }} }} }}""")

    def _keep_file_only(self, graph: str, plan: str, file: str) -> None:
        """Reduce a copy's graph to its file, linked to the plan whose text another file holds."""
        self.store.update(f"""DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o
            FILTER(?s != <{graph}> && ?s != <{file}> && !(?s = <{plan}> && ?p = <{CYL}hasFile>)) }} }}""")

    def digest_of(self, path: Path) -> str:
        """The file's sha256, taken from an earlier build's record when the file's size, times
        and inode are those recorded then (as git's index does): an unchanged corpus of 10,000
        plans is not read again to find the one that changed."""
        resolved = real_path(path)
        st = os.stat(resolved)
        signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        if self._file_stats is None:
            self._file_stats = self._read_file_stats()
        known = self._file_stats.get(resolved)
        if known is not None and known[:4] == signature:
            return known[4]
        digest = sha256_of(path)
        # A file written within the last moments could be written again with the same times.
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_SECONDS * 1e9:
            self._file_stats[resolved] = [*signature, digest]
            self._file_stats_changed = True
        return digest

    def _read_file_stats(self) -> dict[str, list]:
        try:
            stats = json.loads((self.path / FILE_STATS).read_text("utf-8"))
            return stats if isinstance(stats, dict) else {}
        except (OSError, ValueError):       # missing or torn: every file is hashed again
            return {}

    def _write_file_stats(self) -> None:
        built = {entry["path"] for entry in self.documents.values()}
        stats = {path: known for path, known in self._file_stats.items() if path in built}   # files gone are forgotten
        data = json.dumps(stats, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        write_atomically(self.path / FILE_STATS, data.encode("utf-8"))

    def is_current(self, key: str, sha256: str) -> bool:
        entry = self.documents.get(key)
        return bool(entry and entry["sha256"] == sha256
                    and self.store.contains_named_graph(ox.NamedNode(entry["graph"])))

    # -- reading -----------------------------------------------------------------------------
    def query(self, sparql: str) -> tuple[list[str], list[list[str]]]:
        """Run a SELECT over the union of all graphs: (columns, rows of plain strings)."""
        result = self.store.query(sparql, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return ["result"], [[str(bool(result)).lower()]]
        if isinstance(result, ox.QueryTriples):
            return ["subject", "predicate", "object"], [[_plain(t.subject), _plain(t.predicate), _plain(t.object)]
                                                         for t in result]
        columns = [v.value for v in result.variables]
        # A solution iterates over its values in the order of the variables (None where unbound);
        # literals and IRIs, nearly every value, take the short way (a third of the time of
        # looking each value up by name and testing its class).
        valued = _VALUED
        rows = [[term.value if type(term) in valued else _plain(term) for term in solution]
                for solution in result]
        return columns, rows

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self.store.quads_for_pattern(None, None, None, g)

    def document_graphs(self) -> list[str]:
        return sorted(entry["graph"] for entry in self.documents.values())

    def data_graphs(self) -> list[str]:
        """The plans' graphs, the program scheme's, which describes the programs they name, and
        the classifications', which describes the levels and kinds of their bodies."""
        return self.document_graphs() + [iri.SCHEME_GRAPH, iri.CLASSIFICATION_GRAPH]


def _remove_unread(snapshot: Path) -> None:
    """Delete an old snapshot unless a reader still has it open (then a later build will)."""
    try:
        with open(snapshot / READERS, "r") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(snapshot, ignore_errors=True)
    except FileNotFoundError:
        shutil.rmtree(snapshot, ignore_errors=True)
    except BlockingIOError:
        pass


_VALUED = (ox.Literal, ox.NamedNode)     # the terms whose plain text is their value


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)
