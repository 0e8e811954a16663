"""The workspace's own RDF store (Oxigraph) as a store (``oxigraph``).

``kg build`` writes it first, a batch of plans at a time, while extraction goes on (see
:class:`kg.pipeline._Writes`); the stores of :data:`kg.stores.base.BUILD_STORES` follow from it
once it is written. See :meth:`kg.workspace.Workspace.replace_documents` for what a killed
build leaves.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .base import PlanGraph, Store

if TYPE_CHECKING:
    from ..workspace import Workspace


class OxigraphStore(Store):
    """The named graphs of the workspace; ``bulk``: through Oxigraph's bulk loader (several times
    faster than a transaction, not atomic: the manifest records a batch once it is on disk)."""

    name = "oxigraph"

    def __init__(self, bulk: bool = False):
        self.bulk = bulk
        self.workspace: "Workspace | None" = None

    def __getstate__(self) -> dict:
        return {**vars(self), "workspace": None}

    def open(self, workspace: "Workspace") -> None:
        self.workspace = workspace

    def replace(self, plans: Sequence[PlanGraph]) -> None:
        """Put the plans' graphs (their N-Quads) in place of their old ones, and record them in
        the manifest with one write."""
        self.workspace.replace_documents([(p.key, p.path or Path(p.entry["path"]), p.entry["sha256"]) for p in plans],
                                         b"".join(p.nquads for p in plans), bulk=self.bulk)

    def close(self) -> None:
        self.workspace = None
