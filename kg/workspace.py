"""The on-disk workspace behind ``--db DIR``: an Oxigraph store and a manifest of sources.

Layout::

    DIR/store/          Oxigraph (RocksDB) store: one named graph per document, plus the
                        ontology and the program scheme in graphs of their own
    DIR/manifest.json   source key -> path, sha256, graph; written atomically after each document
    DIR/.lock           held while a build writes

A rebuild skips files whose sha256 the manifest already holds and replaces the graph of a
changed file, so a build killed halfway is finished by running it again.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

import ontology

from . import iri

MANIFEST = "manifest.json"
STORE = "store"
LOCK = ".lock"


class WorkspaceError(Exception):
    """A workspace that cannot be opened or written."""


@dataclass
class BuildReport:
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it over the target."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Workspace:
    """An open workspace; use as a context manager."""

    def __init__(self, path: Path | str, *, create: bool = False, read_only: bool = False):
        self.path = Path(path)
        if not (self.path / STORE).exists() and not create:
            raise WorkspaceError(f"{self.path}: no workspace here (run `kg build PATH... --db {self.path}` first)")
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock_file = None
        if not read_only:
            self._lock()
        try:
            store_path = str(self.path / STORE)
            self.store = ox.Store.read_only(store_path) if read_only else ox.Store(store_path)
        except OSError as err:
            self._unlock()
            raise WorkspaceError(f"{self.path}: cannot open the store ({err})") from err
        self.read_only = read_only
        self.manifest = self._read_manifest()

    # -- locking -----------------------------------------------------------------------------
    def _lock(self) -> None:
        self._lock_file = open(self.path / LOCK, "a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise WorkspaceError(f"{self.path}: another kg build is writing this workspace; try again when it ends")

    def _unlock(self) -> None:
        if self._lock_file:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def close(self) -> None:
        if not self.read_only:
            self.store.flush()
        del self.store
        self._unlock()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- manifest ----------------------------------------------------------------------------
    def _read_manifest(self) -> dict:
        f = self.path / MANIFEST
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
        """The document key: its file name, made unique when two folders hold the same name."""
        resolved = str(path.resolve())
        for key, entry in self.documents.items():
            if entry["path"] == resolved:
                return key
        key = path.name
        if key in self.documents:
            key = f"{path.name}~{hashlib.sha1(resolved.encode('utf-8')).hexdigest()[:8]}"
        return key

    # -- writing -----------------------------------------------------------------------------
    def ensure_reference(self) -> None:
        """Load the ontology and the program scheme into their graphs when they changed."""
        for graph, path in ((iri.ONTOLOGY_GRAPH, ontology.ONTOLOGY), (iri.SCHEME_GRAPH, ontology.PROGRAMS)):
            if not path.exists():
                continue
            digest = sha256_of(path)
            if self.manifest["reference"].get(graph) == digest:
                continue
            node = ox.NamedNode(graph)
            self.store.remove_graph(node) if self.store.contains_named_graph(node) else None
            self.store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=node)
            self.manifest["reference"][graph] = digest
            self._write_manifest()

    def replace_document(self, key: str, path: Path, sha256: str, nquads: bytes) -> None:
        """Put a document's graph in place of its old one, then record it in the manifest."""
        graph = ox.NamedNode(iri.graph(key))
        if self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
        self.store.load(nquads, format=ox.RdfFormat.N_QUADS)
        self.store.flush()
        self.documents[key] = {"path": str(path.resolve()), "sha256": sha256, "graph": iri.graph(key),
                               "source": path.name}
        self._write_manifest()

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
        rows = [[_plain(solution[c]) for c in columns] for solution in result]
        return columns, rows

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self.store.quads_for_pattern(None, None, None, g)

    def document_graphs(self) -> list[str]:
        return sorted(entry["graph"] for entry in self.documents.values())


def _plain(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)
