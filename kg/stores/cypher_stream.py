"""The projection as a stream: what the plans share, then each plan's own nodes and relationships.

:func:`stream` delivers a workspace's projection one plan at a time, in two passes over its
graphs' statements (read through the projection cache, :mod:`kg.stores.cypher_cache`): the first
(:func:`collect`) counts what the plans share and the schema, from each graph's
:class:`Summary`; the second makes each plan's part. :func:`project` gathers it whole. The
counted collector is what lets the embedded database be updated in place for a few changed plans
(see :mod:`kg.stores.ladybug_update`).
"""
from __future__ import annotations

import contextlib
import gc
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import InvalidOperation
from sys import intern
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import ontology

from ..mapping import (DATATYPE_KINDS, Config, Mapping, Node, Projection, Relationship, Statements, Value,
                       ancestors, convert, gather, node_labels, ontology_terms, owned_by, owner, to_nodes)

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..workspace import Workspace
    from .cypher_cache import GraphSource


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Millions of small tuples and none of them cyclic: the collector would only slow us down."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


Part = tuple[list[Node], list[Relationship]]


@dataclass
class Stream:
    """A projection delivered in parts, so that a workspace of any size fits in memory: first the
    nodes plans share (organizations, programs, regions, policies, the scheme) and the
    relationships among them, then :meth:`parts`, each plan's own nodes and relationships, one
    plan at a time. :meth:`projection` gathers it all into one :class:`Projection`."""

    node_property_types: dict[str, str]
    relationship_property_types: dict[str, str]
    label_properties: dict[str, set[str]]          # primary label -> properties its nodes may have
    shared_nodes: list[Node]
    shared_relationships: list[Relationship]
    documents: list[str]
    parts: Callable[..., Iterator[Part]]           # parts(start=0, stop=None): those of a slice of the plans
    shared_labels: dict[str, str] = field(default_factory=dict)   # shared node -> primary label
    plan_properties: dict[str, dict[str, Value]] = field(default_factory=dict)   # each plan node's
    per_document_types: set[str] = field(default_factory=set)     # relationship types stated per plan
    mapping: "Mapping | None" = None          # how it was made (for updating a database in place)
    collector: "Collector | None" = None
    part_count: int = 0                        # how many parts parts() yields
    source: "GraphSource | None" = None        # where the parts' statements are read (a workspace's stream)

    def projection(self) -> Projection:
        nodes, relationships = list(self.shared_nodes), list(self.shared_relationships)
        for own_nodes, own_relationships in self.parts():
            nodes.extend(own_nodes)
            relationships.extend(own_relationships)
        nodes.sort(key=lambda n: n.uri)
        relationships.sort(key=lambda r: (r.type, r.start, r.end, str(r.properties.get("document", ""))))
        return Projection(nodes, relationships, self.node_property_types, self.relationship_property_types,
                          self.documents)


def stream_of(projection: Projection) -> Stream:
    """A projection already in memory as a stream: the nodes no plan owns (see :func:`owner`)
    and the relationships among them, then one part per plan."""
    documents = set(projection.documents)
    owners = {n.uri: owner(n.uri, documents) for n in projection.nodes}
    label_properties: dict[str, set[str]] = defaultdict(set)
    shared_nodes, own_nodes = [], defaultdict(list)
    for n in projection.nodes:
        label_properties[n.label].update(n.properties)
        (own_nodes[owners[n.uri]] if owners[n.uri] else shared_nodes).append(n)
    shared_relationships, own_relationships = [], defaultdict(list)
    for r in projection.relationships:
        document = owners.get(r.start) or owners.get(r.end) or r.properties.get("document")
        (own_relationships[document] if document else shared_relationships).append(r)
    keys = sorted(set(own_nodes) | set(own_relationships))
    return Stream(projection.node_property_types, projection.relationship_property_types, dict(label_properties),
                  shared_nodes, shared_relationships, projection.documents,
                  lambda start=0, stop=None: ((own_nodes[k], own_relationships[k]) for k in keys[start:stop]),
                  projection.primary_labels(), _plan_versions(projection, documents),
                  {r.type for r in projection.relationships if "document" in r.properties}, part_count=len(keys))


def _plan_versions(projection: Projection, documents: set[str]) -> dict[str, dict]:
    """Each plan node's properties, with the sha256 of its files as its version ("|" between two)."""
    sha = {n.uri: n.properties["sha256"] for n in projection.nodes if "sha256" in n.properties}
    files: dict[str, list[str]] = defaultdict(list)
    for r in projection.relationships:
        if r.start in documents and r.end in sha:
            files[r.start].append(sha[r.end])
    return {n.uri: {**n.properties, **({"sha256": "|".join(sorted(files[n.uri]))} if files[n.uri] else {})}
            for n in projection.nodes if n.uri in documents}


class Collector:
    """The first pass: what plans share, merged; what kinds of values each property holds; which
    properties each label's own nodes have.

    Everything is counted (how many plans say it), so a plan's statements can be taken out again
    (:meth:`remove`): the embedded database is then updated for a few changed plans instead of
    being rebuilt from every plan (see ``kg/stores/ladybug.py``).
    """

    def __init__(self, ancestors: dict[str, set[str]]):
        self.ancestors = ancestors
        # Counts are plain dicts (key -> how many), not Counters: the collector is kept with the
        # embedded database by marshal (see as_builtins), which writes builtin types only.
        self.nodes: dict[str, int] = {}                          # shared node -> plans naming it
        self.types: dict[str, dict[str, int]] = {}
        self.literals: dict[str, dict[str, dict[tuple, int]]] = {}
        self.edges: dict[tuple[str, str, str], int] = {}
        self.datatypes: dict[str, dict[str, int]] = {}
        self.own_predicates: dict[str, dict[str, int]] = {}
        self.label_sets: dict[frozenset[str], tuple[str, ...]] = {}
        self.stated = 0
        self.plans: dict[str, dict[str, list]] = {}

    def as_builtins(self) -> dict:
        """The collector as dicts, sets and tuples only (for marshal)."""
        return dict(vars(self))

    @classmethod
    def from_builtins(cls, data: dict) -> "Collector":
        collector = cls.__new__(cls)
        collector.__dict__.update(data)
        return collector

    def labels(self, classes) -> tuple[str, ...]:
        key = frozenset(classes or ())
        found = self.label_sets.get(key)
        if found is None:
            found = self.label_sets[key] = node_labels(key, self.ancestors)
        return found

    @property
    def shared(self) -> Statements:
        """What the plans share, merged over all of them."""
        return Statements(types={s: set(c) for s, c in self.types.items()},
                           literals={s: {p: list(c) for p, c in by_p.items()} for s, by_p in self.literals.items()},
                           edges=set(self.edges), nodes=set(self.nodes))

    def schema(self) -> tuple[dict[str, set[str]], dict[str, set[str]], bool]:
        """(predicate -> datatypes, primary label -> predicates of own nodes, whether any plan
        states per-plan relationships): what the tables of the embedded database depend on."""
        return ({p: set(c) for p, c in self.datatypes.items() if c},
                {label: set(c) for label, c in self.own_predicates.items() if c}, self.stated > 0)

    def add(self, f: "Statements | Summary", document: str | None) -> None:
        self._count(f if isinstance(f, Summary) else summarize(f, document), document, 1)

    def remove(self, f: "Statements | Summary", document: str | None) -> None:
        """Take out what :meth:`add` put in for this plan's statements."""
        self._count(f if isinstance(f, Summary) else summarize(f, document), document, -1)

    def _count(self, summary: "Summary", document: str | None, sign: int) -> None:
        self.stated += sign * summary.stated
        if document is not None:
            if sign > 0 and summary.plan is not None:
                self.plans[document] = summary.plan
            elif sign < 0 and summary.plan is not None:     # a copy's graph states nothing of the plan
                self.plans.pop(document, None)
        for (p, datatype), n in summary.datatypes.items():
            _bump(self.datatypes.setdefault(p, {}), datatype, sign * n)
        for (classes, p), n in summary.own.items():
            _bump(self.own_predicates.setdefault(self.labels(classes)[0], {}), p, sign * n)
        shared = summary.shared
        for s in shared.nodes:
            _bump(self.nodes, s, sign)
            for c in shared.types.get(s, ()):
                _bump(self.types.setdefault(s, {}), intern(c), sign)
            if s in self.types and not self.types[s]:
                del self.types[s]
            by_predicate = shared.literals.get(s)
            if by_predicate:
                mine = self.literals.setdefault(s, {})
                for p, raws in by_predicate.items():
                    values = mine.setdefault(intern(p), {})
                    for lexical, language, datatype in set(raws):
                        # interned, the few languages and datatypes pickle once, not once a value
                        _bump(values, (lexical, language and intern(language), intern(datatype)), sign)
                    if not values:
                        del mine[p]
                if not mine:
                    del self.literals[s]
        for e in shared.edges:
            _bump(self.edges, (e[0], intern(e[1]), e[2]), sign)


@dataclass
class Summary:
    """What one graph's statements add to the collector, counted once: the worker that gathers
    a plan's statements summarizes them too, and the first pass of a projection then reads
    these summaries instead of the statements (most of which are the plan's own nodes)."""

    plan: dict[str, list] | None                  # the plan node's literals
    datatypes: dict[tuple[str, str], int]         # (predicate, datatype or "" when not of it) -> values
    own: dict[tuple[frozenset[str], str], int]    # (classes of an own node, predicate) -> own nodes
    shared: "Statements"                         # what the graph says of shared nodes, and their edges
    stated: bool                                  # whether it states per-plan relationships


def summarize(f: "Statements", document: str | None) -> Summary:
    """The :class:`Summary` of one graph's statements (``document``: the plan, None for the
    reference graphs)."""
    own = owned_by(document)
    counts: dict[tuple[str, str], int] = {}
    kinds = DATATYPE_KINDS
    for by_predicate in f.literals.values():
        for p, raws in by_predicate.items():
            for lexical, _, datatype in raws:
                kind = kinds.get(datatype)
                if kind is not None:
                    try:
                        convert(lexical, kind)
                    except (ValueError, InvalidOperation):
                        datatype = ""          # a value that is not of its kind: the property is text
                key = (p, datatype)
                counts[key] = counts.get(key, 0) + 1
    datatypes = {(intern(p), intern(datatype)): n for (p, datatype), n in counts.items()}
    owned: dict[tuple[frozenset[str], str], int] = {}
    shared = Statements()
    for s in f.nodes:
        if own(s):
            classes = frozenset(f.types.get(s) or ())
            for p in f.literals.get(s, ()):
                owned[classes, p] = owned.get((classes, p), 0) + 1
            continue
        shared.nodes.add(s)
        if s in f.types:
            shared.types[s] = f.types[s]
        if s in f.literals:
            shared.literals[s] = f.literals[s]
    shared.edges = {e for e in f.edges if not own(e[0]) and not own(e[2])}
    plan = f.literals.get(document) if document is not None else None
    if plan is not None:
        # The plan's version is that of the file holding its text (a push replaces the plan when it changes).
        files = [o for s, p, o in f.edges if s == document and p == HAS_FILE]
        version = [raw for file in files for raw in f.literals.get(file, {}).get(SHA256, ())]
        if version:
            plan = {**plan, SHA256: version}
    return Summary(plan, datatypes, owned, shared, bool(f.stated))


HAS_FILE = str(ontology.CYL["hasFile"])
SHA256 = str(ontology.CYL["sha256"])


def _bump(counts: dict, key, sign: int) -> None:
    """Count one more (or one fewer) of key, forgetting it at zero."""
    n = counts.get(key, 0) + sign
    if n > 0:
        counts[key] = n
    else:
        counts.pop(key, None)


def collect(fragments: Iterable[tuple[str | None, "Statements | Summary"]], subclass_of) -> Collector:
    """The first pass over the graphs' statements: what they share and the schema."""
    collector = Collector(ancestors(subclass_of))
    for document, fragment in fragments:
        collector.add(fragment, document)
    return collector


def _stream(fragments: list[tuple[str | None, Callable[[], Statements]]], subclass_of, classes,
            documents: list[str], config: Config, collector: Collector | None = None,
            summaries: list[Callable[[], Summary]] | None = None) -> Stream:
    """Two passes over the graphs' statements: the first (here, unless the collector is given)
    collects what they share and the schema, from the graphs' summaries when given; the second
    (the stream's parts) makes each plan's own nodes and relationships."""
    if collector is None:
        if summaries is not None:
            collector = collect(((d, summary()) for (d, _), summary in zip(fragments, summaries)), subclass_of)
        else:
            collector = collect(((d, f()) for d, f in fragments), subclass_of)
    mapping = Mapping(collector, classes, config)
    shared_nodes = mapping.shared_nodes(collector.nodes)
    shared_relationships = mapping.shared_relationships(collector.edges)

    def parts(start: int = 0, stop: int | None = None) -> Iterator[Part]:
        with no_gc():
            for document, fragment in fragments[start:stop]:
                yield mapping.part(document, fragment())

    plans = Statements(literals=collector.plans)
    plan_properties = {n.uri: n.properties for n in to_nodes(plans, sorted(collector.plans), lambda uri: (),
                                                          mapping.names, mapping.kind_of, mapping.lists,
                                                          config.language)}
    return Stream(mapping.node_types, mapping.rel_kinds, mapping.label_properties(shared_nodes), shared_nodes,
                  shared_relationships, documents, parts, {n.uri: n.label for n in shared_nodes},
                  plan_properties, mapping.per_document_types, mapping, collector, len(fragments))


def stream(ws: "Workspace", config: Config | None = None, *, cache: bool = True) -> Stream:
    """The projection of a workspace as a :class:`Stream`: its plans' graphs and the reference
    graphs of the config, in memory one plan at a time.

    Each graph's statements are cached in ``DIR/projection-cache/`` by the graph's version (the
    plan's manifest entry with its sha256, the reference file's digest), so only the graphs of
    changed plans are read from the store again, and the second pass reads none.
    """
    from ..workspace import plan_of
    from .cypher_cache import CACHE, GraphSource, versions

    config = config or Config.load()

    documents = {entry["graph"]: plan_of(key, entry) for key, entry in ws.documents.items()}
    graph_versions = versions(ws)
    graph_versions.update(ws.manifest.get("reference", {}))
    # In the order of their plans (as a projection in memory goes), the files of one plan together.
    graphs = sorted(documents, key=lambda g: (documents[g], g)) + [g for g in config.reference_graphs if g not in documents]
    subclass_of, classes = ontology_terms(ws)
    source = GraphSource(ws, documents, graph_versions, config, ws.path / CACHE if cache else None)

    def fragment(graph: str) -> Callable[[], Statements]:
        return lambda: source.statements(graph)

    def summary(graph: str) -> Callable[[], Summary]:
        return lambda: source.summary(graph)

    with no_gc():
        made = _stream([(documents.get(g), fragment(g)) for g in graphs], subclass_of, classes,
                       sorted(documents.values()), config, summaries=[summary(g) for g in graphs])
    made.source = source
    return made


def project(ws: "Workspace", config: Config | None = None, *, cache: bool = True) -> Projection:
    """The projection of a workspace, whole in memory (see :func:`stream` for one that is not)."""
    with no_gc():
        return stream(ws, config, cache=cache).projection()


def project_quads(quads: Iterable[ox.Quad], *, subclass_of: Iterable[tuple[str, str]] = (),
                  classes: Iterable[str] = (), documents: dict[str, str] | None = None,
                  config: Config | None = None) -> Projection:
    """Project quads onto a property graph.

    Parameters: ``quads``, the data; ``subclass_of``, (class, superclass) pairs of the ontology,
    which pick each node's primary label; ``classes``, the ontology's classes (their names are
    kept free for labels); ``documents``, named graph -> plan IRI, for the relationships stated
    once per plan; ``config``, ``ontology/projection.toml`` unless given. Returns the
    :class:`~kg.mapping.Projection`.
    """
    config = config or Config.load()
    documents = dict(documents or {})
    with no_gc():
        gathered = gather(quads, documents, config)
        return _stream([(None, lambda: gathered)], subclass_of, classes, sorted(set(documents.values())),
                       config).projection()
