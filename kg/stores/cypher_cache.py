"""The projection cache: each version of each graph's statements, gathered once.

``DIR/projection-cache/`` holds, per graph and version (the plan's manifest entry with its
sha256, the reference file's digest), the statements the projection reads and their summary.
The extraction workers of ``kg build`` fill it from the triples in hand (see
:class:`kg.stores.ladybug_store.LadybugStore`), so a projection reads only graphs missing from
it back from the RDF store; the old version of a changed plan stays until the embedded database
no longer holds it.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from ..mapping import CONFIG, Config, Statements, gather
from .cypher_stream import Summary, summarize

if TYPE_CHECKING:
    from ..workspace import Workspace


CACHE = "projection-cache"


@functools.lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What the cache's contents depend on: the code that gathers a graph's statements and
    summarizes them, the layout of a cache file, and the projection's configuration, as this
    process loaded them (a worker writes a plan's statements for each plan it builds)."""
    modules = (sys.modules[Statements.__module__], sys.modules[Summary.__module__], sys.modules[__name__])
    return hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in modules) + CONFIG.read_bytes()).hexdigest()


class NotCached(LookupError):
    """A graph's statements are not in the projection cache, and the store may not be read."""


def cache_file(cache: Path, graph: str, version: str) -> Path:
    """Where the projection cache keeps one version of a graph's statements (the old version of
    a changed plan stays until the embedded database no longer holds it)."""
    name = hashlib.sha1(graph.encode("utf-8")).hexdigest()[:20] + "-" + hashlib.sha1(version.encode("utf-8")).hexdigest()[:12]
    return cache / (name + ".pickle")


# A cache file holds three pickles: (key, length of the next), the summary, then the statements,
# so that the first pass of a projection reads a plan's summary alone and the second skips it
# unread. Not compressed: compressing and decompressing took longer than writing and reading the bytes.

def _read(cache: Path, graph: str, version: str, whole: bool):
    try:
        with open(cache_file(cache, graph, version), "rb") as f:
            key, summary_length = pickle.load(f)
            if key != (_code_stamp(), graph, version):
                return None
            if not whole:
                return pickle.load(f)
            f.seek(summary_length, os.SEEK_CUR)
            return pickle.load(f)
    except (OSError, ValueError, EOFError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None


def read_cached(cache: Path, graph: str, version: str) -> Statements | None:
    """A graph's cached statements if the cache holds this version of it."""
    return _read(cache, graph, version, whole=True)


def read_summary(cache: Path, graph: str, version: str) -> Summary | None:
    """The :class:`Summary` of a graph's cached statements, if the cache holds this version."""
    return _read(cache, graph, version, whole=False)


def write_cached(cache: Path, graph: str, version: str, fragment: Statements, document: str | None) -> None:
    """Keep a graph's statements, and their summary, for the projections to come (atomically;
    quietly not at all where the workspace may not be written)."""
    file = cache_file(cache, graph, version)
    summary = pickle.dumps(summarize(fragment, document), protocol=pickle.HIGHEST_PROTOCOL)
    try:
        file.parent.mkdir(exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(((_code_stamp(), graph, version), len(summary)), f, protocol=pickle.HIGHEST_PROTOCOL)
            f.write(summary)
            pickle.dump(fragment, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass


class GraphSource:
    """Where a projection of a workspace reads each graph's statements: the cache when it holds
    this version of the graph (``kg build`` puts each plan it builds there), else the store
    (about 14 µs a quad), and then the cache."""

    def __init__(self, ws: "Workspace", documents: Mapping[str, str], versions: Mapping[str, str], config: Config,
                 cache: Path | None):
        self.ws, self.documents, self.versions, self.config, self.cache = ws, documents, versions, config, cache
        # False in a process forked to write a projection's parts: it must not use the store its
        # parent opened, and a graph missing from the cache sends the work back to the parent.
        self.store_reads = True

    def statements(self, graph: str) -> Statements:
        version = self.versions.get(graph)
        if self.cache is not None and version is not None:
            fragment = read_cached(self.cache, graph, version)
            if fragment is not None:
                return fragment
        if not self.store_reads:
            raise NotCached(graph)
        fragment = gather(self.ws.quads(graph), self.documents, self.config)
        if self.cache is not None and version is not None:
            write_cached(self.cache, graph, version, fragment, self.documents.get(graph))
        return fragment

    def summary(self, graph: str) -> Summary:
        """One graph's summary: from the cache, else made from its statements (and both cached)."""
        version = self.versions.get(graph)
        if self.cache is not None and version is not None:
            summary = read_summary(self.cache, graph, version)
            if summary is not None:
                return summary
        return summarize(self.statements(graph), self.documents.get(graph))


def versions(ws: "Workspace") -> dict[str, str]:
    """Each plan's graph and its version (see :func:`version`)."""
    return {entry["graph"]: version(entry) for entry in ws.documents.values()}


def prune_cache(ws: "Workspace", config: Config | None = None) -> None:
    """Remove cached graphs the workspace no longer holds (old versions included)."""
    config = config or Config.load()
    folder = ws.path / CACHE
    current = versions(ws)
    current.update((g, v) for g, v in ws.manifest.get("reference", {}).items() if g in config.reference_graphs)
    keep = {cache_file(folder, g, v).name for g, v in current.items()}
    for file in folder.iterdir() if folder.is_dir() else ():
        if file.name not in keep:
            with contextlib.suppress(OSError):
                file.unlink()


def version(entry: Mapping[str, str]) -> str:
    """The version of a plan's graph the cache is keyed by: its whole manifest entry (its sha256,
    and whatever else a rebuild records)."""
    # The plan a file holds follows from its bytes (its sha256), so it makes no version of its own.
    return json.dumps({k: v for k, v in entry.items() if k != "plan"}, sort_keys=True)
