"""The embedded Cypher database as a store (``ladybug``): what ``kg build`` feeds beside the RDF.

The database follows the workspace by itself (see :mod:`kg.stores.ladybug`): it is updated in
place for the plans changed since the state it keeps, or rebuilt. What the build gives it is
each plan's statements, gathered in the extraction workers from the triples in hand and kept in
its projection cache, so that it never reads a plan back from the RDF store.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .base import PlanGraph, Store

if TYPE_CHECKING:
    from ..mapping import Config
    from ..workspace import Workspace


@functools.lru_cache(maxsize=1)
def _config() -> "Config":
    from ..mapping import Config

    return Config.load()


class LadybugStore(Store):
    """The workspace's embedded Cypher database, in the workspace folder."""

    name = "ladybug"
    title = "Cypher projection"

    def __init__(self) -> None:
        self.cache: Path | None = None
        self.workspace: "Workspace | None" = None
        self.rebuilt_because: str | None = None      # why the last round rebuilt instead of updating
        self.refreshed = False                       # whether the last round changed the database

    def __getstate__(self) -> dict:                  # to the extraction workers: where the cache is
        return {**vars(self), "workspace": None}

    def open(self, workspace: "Workspace") -> None:
        from .cypher_cache import CACHE

        self.workspace = workspace
        self.cache = workspace.path / CACHE
        _config()               # loaded before the workers fork, so that they start with it

    def keep(self, graph: PlanGraph) -> None:
        from ..mapping import gather_triples
        from .cypher_cache import version, write_cached

        fragment = gather_triples(graph.triples, graph.graph, graph.plan, _config())
        write_cached(self.cache, graph.graph, version(graph.entry), fragment, graph.plan)

    def replace(self, plans: Sequence[PlanGraph]) -> None:
        """Nothing to do yet: :meth:`close` brings the database up to date with the workspace,
        changed plans and all, from the state it keeps (a build killed before it did leaves
        that state behind, and the next one catches up)."""

    def close(self) -> None:
        if self.workspace is not None:
            self.sync(self.workspace)
            self.workspace = None

    def sync(self, workspace: "Workspace", *, full: bool = False) -> bool:
        """Update or rebuild the database if it is missing or stale (``full``: rebuild it whatever
        it holds); True when it changed."""
        from .ladybug import rebuild, refresh

        done = rebuild(workspace) if full else refresh(workspace)
        self.refreshed = done is not None
        self.rebuilt_because = (done or {}).get("because")
        return self.refreshed
