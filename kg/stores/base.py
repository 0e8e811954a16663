"""What a store is, and the stores there are, by name.

A store holds the workspace's graph in some form of its own (the embedded Cypher database, a
Neo4j server, a SPARQL server). ``kg build`` hands each store it feeds the plans that changed
and the plans removed, and knows nothing else of it; a store keeps whatever state it needs
(caches, worker processes, what it last held) behind its own door. Stores are registered by
name (as rdflib registers its plugins), imported only when opened, so a new one is one module
and one :func:`register` line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Sequence

from ..plugins import load

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..workspace import Workspace


@dataclass(frozen=True)
class PlanGraph:
    """One file's named graph, as a build made it: ``triples`` (N-Triples terms) in the
    extraction workers, ``nquads`` on its way into the workspace; :meth:`quads` reads it back
    from the workspace."""

    key: str                    # the file's key in the workspace
    graph: str                  # the named graph's IRI
    plan: str | None            # the IRI of the plan the file holds, when known
    entry: dict[str, str]       # its manifest entry (path, sha256)
    triples: Sequence[tuple[str, str, str]] = field(default=(), repr=False, compare=False)
    nquads: bytes | memoryview = field(default=b"", repr=False, compare=False)
    path: Path | None = None    # the file as the build was given it (``entry`` has its real path)

    def quads(self, workspace: "Workspace") -> Iterator["ox.Quad"]:
        return workspace.quads(self.graph)


class Store:
    """A target the workspace's graph is kept in. The order of calls in a build::

        store.open(workspace)
        store.keep(plan_graph)          # in the extraction workers, once for each graph built
        store.replace(changed); store.remove(removed)
        store.close()

    Outside a build, :meth:`sync` brings the store up to date with the whole workspace.
    A store must pickle (it is sent to the extraction workers): keep open handles out of it.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = "store"      # what the build's progress calls the phase that feeds it

    def open(self, workspace: "Workspace") -> None:
        """Start a round of changes from the workspace."""

    def keep(self, graph: PlanGraph) -> None:
        """Called in an extraction worker for each graph it built, with the graph's triples: what
        a store would otherwise read back from the workspace, it can keep here, in parallel."""

    def replace(self, plans: Sequence[PlanGraph]) -> None:
        """The plans' graphs are new or changed: hold their new versions."""

    def remove(self, plans: Sequence[str]) -> None:
        """These graphs (by IRI) are gone from the workspace."""

    def close(self) -> None:
        """The round of changes is over: make it durable and let go of what was opened."""

    def sync(self, workspace: "Workspace", *, full: bool = False) -> Any:
        """Bring the store up to date with the whole workspace (``full``: every plan again, changed
        or not); what it did, as the store reports it."""
        raise NotImplementedError(f"the {self.name} store cannot be synchronised outside a build")


class RemoteStore(Store):
    """A store on a server, which says itself which plans it holds in which version: a round of
    changes brings it up to date whole when it closes (plans it holds unchanged send nothing)."""

    workspace: "Workspace | None" = None
    report: Any = None              # what the last round did, as :meth:`sync` reports it

    def open(self, workspace: "Workspace") -> None:
        self.workspace = workspace

    def close(self) -> None:
        if self.workspace is not None:
            workspace, self.workspace = self.workspace, None
            self.report = self.sync(workspace)

    def __getstate__(self) -> dict:
        return {**vars(self), "workspace": None}


_REGISTRY: dict[str, str | type[Store]] = {
    "oxigraph": "kg.stores.oxigraph:OxigraphStore",
    "ladybug": "kg.stores.ladybug_store:LadybugStore",
    "neo4j": "kg.stores.neo4j:Neo4jStore",
    "sparql": "kg.stores.sparql_endpoint:SparqlStore",
    "pages": "kg.stores.pages:PagesStore",
}

BUILD_STORES = ("ladybug", "pages")     # the stores ``kg build`` feeds from the workspace once it is written


def register(name: str, store: type[Store] | str) -> None:
    """Make a store known by name: its class, or ``"module:Class"`` to import when first opened."""
    _REGISTRY[name] = store


def store_names() -> list[str]:
    return sorted(_REGISTRY)


def store_class(name: str) -> type[Store]:
    """The class registered under a name; LookupError naming the known ones."""
    try:
        found = _REGISTRY[name]
    except KeyError:
        raise LookupError(f"no store named {name!r} (known: {', '.join(store_names())})") from None
    if isinstance(found, str):
        found = _REGISTRY[name] = load(found)
    return found


def store(name: str, **options: Any) -> Store:
    """A new store of the kind registered under a name, configured by keyword options."""
    return store_class(name)(**options)
