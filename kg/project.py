"""The RDF graph as a property graph: one generic mapping, driven by the ontology.

Labels come from rdf:type, relationship types from object properties, properties from literals,
in the conventions of neosemantics (n10s); ``ontology/projection.toml`` says which properties are
lists and which relationships are stated once per plan. Every store and export that speaks
Cypher (the embedded database, Neo4j, the neo4j-admin CSV, the cypher-shell script) is fed from
the projection this module makes, so a new class or property in the ontology reaches all of them
with no new code. :func:`stream` delivers it one plan at a time (two passes over the graphs'
statements, cached per graph), :func:`project` whole as a :class:`Projection`.

>>> label_name("https://w3id.org/cyl-kg/def#WorkPlan")
'WorkPlan'
>>> relationship_name("http://www.w3.org/ns/org#subOrganizationOf", labels={"Organization"})
'SUB_ORGANIZATION_OF'
>>> relationship_name("https://w3id.org/cyl-kg/def#region", labels={"Region"})
'HAS_REGION'
>>> property_name("http://www.w3.org/2004/02/skos/core#prefLabel")
'prefLabel'
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import json
import os
import pickle
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from sys import intern
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Union

import pyoxigraph as ox

import ontology
from ontology.namespaces import CYL, ITSRDF, NIF, OWL, RDF, RDFS, XSD

from . import iri

if TYPE_CHECKING:
    from .workspace import Workspace

Value = Union[str, int, float, bool, dt.date, dt.datetime, list]

CONFIG = ontology.path("projection.toml")
RESOURCE = "Resource"
OWN_NAMESPACE = str(CYL)

RDF_TYPE = RDF.type
TA_IDENT_REF = ITSRDF.taIdentRef
BEGIN_INDEX = NIF.beginIndex
END_INDEX = NIF.endIndex
REFERENCE_CONTEXT = NIF.referenceContext
TEXT_OF = CYL.text
SENTENCE = CYL.sentence

# n10s maps every xsd integer type to a long, decimal/double/float to a double (getObjectValue).
_LONG = {XSD + t for t in ("integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
                           "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                           "unsignedShort", "unsignedByte")}
_DOUBLE = {XSD + t for t in ("decimal", "double", "float")}
KINDS = ("string", "long", "double", "boolean", "date", "datetime")


@dataclass(frozen=True)
class Config:
    """What ``ontology/projection.toml`` says (see the comments there)."""

    multival_props: frozenset[str] = frozenset()
    language: str = "zh"
    reference_graphs: tuple[str, ...] = ()
    per_document: frozenset[str] = frozenset()
    from_plan: tuple[tuple[str, str], ...] = ()
    omit_props: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path = CONFIG) -> "Config":
        data = tomllib.loads(path.read_text("utf-8"))
        per_doc = data.get("per_document", {})
        return cls(multival_props=frozenset(data.get("multival_props", ())),
                   language=data.get("language", "zh"),
                   reference_graphs=tuple(data.get("reference_graphs", ())),
                   per_document=frozenset(per_doc.get("properties", ())),
                   from_plan=tuple(sorted(per_doc.get("from_plan", {}).items())),
                   omit_props=frozenset(data.get("omit_props", ())))


@dataclass
class Node:
    uri: str
    labels: tuple[str, ...]          # the primary label first
    properties: dict[str, Value]

    @property
    def label(self) -> str:
        """The primary label: the most specific class (the table the embedded database uses)."""
        return self.labels[0]


@dataclass
class Relationship:
    type: str
    start: str
    end: str
    properties: dict[str, Value] = field(default_factory=dict)


@dataclass
class Projection:
    """A property graph: nodes sorted by IRI, relationships sorted, and the type of each property.

    A property type is a kind of :data:`KINDS`, with ``[]`` after it for a list.
    """

    nodes: list[Node]
    relationships: list[Relationship]
    node_property_types: dict[str, str]
    relationship_property_types: dict[str, str]
    documents: list[str] = field(default_factory=list)   # the plans' IRIs

    def counts(self) -> tuple[int, int]:
        """(nodes, relationships)."""
        return len(self.nodes), len(self.relationships)

    def label_counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for n in self.nodes:
            out[n.label] += 1
        return dict(sorted(out.items()))

    def type_counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for r in self.relationships:
            out[r.type] += 1
        return dict(sorted(out.items()))

    def primary_labels(self) -> dict[str, str]:
        """Node IRI -> primary label."""
        return {n.uri: n.label for n in self.nodes}


# -- names ---------------------------------------------------------------------------------------

def local_name(term: str) -> str:
    """The part of an IRI after its last ``#``, ``/`` or ``:``."""
    for sep in ("#", "/", ":"):
        head, found, tail = term.rpartition(sep)
        if found and tail:
            return tail
    return term


def _identifier(name: str) -> str:
    name = re.sub(r"[^0-9A-Za-z_]", "_", name)
    return "_" + name if not name or name[0].isdigit() else name


def label_name(class_iri: str) -> str:
    """A class's label: its local name with a capital first letter (n10s applyNeo4jNaming)."""
    name = _identifier(local_name(class_iri))
    return name[0].upper() + name[1:]


PLAN_LABEL = label_name(OWN_NAMESPACE + "WorkPlan")


def property_name(predicate: str) -> str:
    """A literal property's name: the local name with a lower-case first letter."""
    name = _identifier(local_name(predicate))
    name = name[0].lower() + name[1:]
    return "uri_" if name == "uri" else name


def relationship_name(predicate: str, labels: Iterable[str] = ()) -> str:
    """A relationship type: the local name in UPPER_SNAKE case; ``HAS_`` before a name that is
    also a label, since Ladybug's table names ignore case (cyl:region would clash with Region)."""
    name = local_name(predicate)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = _identifier(name).upper()
    if name in {label.upper() for label in labels}:
        name = "HAS_" + name
    return name


# -- values --------------------------------------------------------------------------------------

_KINDS = {**dict.fromkeys(_LONG, "long"), **dict.fromkeys(_DOUBLE, "double"),
          XSD + "boolean": "boolean", XSD + "date": "date", XSD + "dateTime": "datetime"}


def _kind(datatype: str) -> str:
    """The kind of value a literal of the datatype becomes: long, double, boolean, date,
    datetime, or string for every other datatype."""
    return _KINDS.get(datatype, "string")


def _convert(lexical: str, kind: str) -> Value:
    """The lexical form as a value of the kind; ValueError when it is not one."""
    if kind == "long":
        return int(lexical)
    if kind == "double":
        return float(Decimal(lexical))
    if kind == "boolean":
        if lexical not in ("true", "false", "1", "0"):
            raise ValueError(lexical)
        return lexical in ("true", "1")
    if kind == "date":
        return dt.date.fromisoformat(lexical)
    if kind == "datetime":
        value = dt.datetime.fromisoformat(lexical)
        if value.tzinfo is not None:     # n10s keeps only local date-times; others stay text
            raise ValueError(lexical)
        return value
    return lexical


def _common(kinds: set[str]) -> str:
    if len(kinds) == 1:
        return next(iter(kinds))
    return "double" if kinds == {"long", "double"} else "string"


# -- the mapping ---------------------------------------------------------------------------------

def _ancestors(subclass_of: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for c, d in subclass_of:
        if c != d:
            parents[c].add(d)
    closure: dict[str, set[str]] = {}

    def up(c: str, seen: frozenset[str] = frozenset()) -> set[str]:
        if c not in closure:
            out: set[str] = set()
            for d in parents.get(c, ()):
                if d not in seen:
                    out.add(d)
                    out |= up(d, seen | {c})
            closure[c] = out
        return closure[c]

    for c in list(parents):
        up(c)
    return closure


def _labels(classes: frozenset[str], ancestors: dict[str, set[str]]) -> tuple[str, ...]:
    """A node's labels: its classes and every class they specialise (a plan states only
    ``cyl:WorkPlan``; the node is labelled ``WorkPlan`` and ``Plan``), the most specific first."""
    if not classes:
        return (RESOURCE,)
    specific = [c for c in classes if not any(c in ancestors.get(d, ()) for d in classes if d != c)]
    primary = min(specific, key=lambda c: (not c.startswith(OWN_NAMESPACE), label_name(c), c))
    first = label_name(primary)
    every = set(classes).union(*(ancestors.get(c, ()) for c in classes))
    return (first, *sorted({label_name(c) for c in every} - {first}))


def _preference(raw: tuple[str, str | None, str], language: str) -> tuple:
    lexical, lang, _ = raw
    return (0 if lang == language else 1 if not lang else 2, lang or "", lexical)


@dataclass
class _Statements:
    """What the quads say, gathered in one pass: node -> classes, node -> predicate -> literals
    (lexical form, language, datatype), edges, and the per-plan statements."""

    types: dict[str, set[str]] = field(default_factory=dict)
    literals: dict[str, dict[str, list[tuple[str, str | None, str]]]] = field(default_factory=dict)
    edges: set[tuple[str, str, str]] = field(default_factory=set)
    stated: set[tuple[str, str, str, str]] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)


def _gather(quads: Iterable[ox.Quad], documents: Mapping[str, str], config: Config) -> _Statements:
    """One pass over the quads; written for speed, since a large workspace has millions."""
    out = _Statements()
    types, literals, edges, stated, nodes = out.types, out.literals, out.edges, out.stated, out.nodes
    literal_type, named_type = ox.Literal, ox.NamedNode
    per_document, omit = config.per_document, config.omit_props
    for subject, predicate, obj, graph in quads:
        s = subject.value if type(subject) is named_type else "bnode://" + subject.value
        p = predicate.value
        if p in omit:
            continue
        nodes.add(s)
        if type(obj) is literal_type:
            by_predicate = literals.get(s)
            if by_predicate is None:
                by_predicate = literals[s] = {}
            raw = (obj.value, obj.language, obj.datatype.value)
            values = by_predicate.get(p)
            if values is None:
                by_predicate[p] = [raw]
            elif raw not in values:
                values.append(raw)
        elif p == RDF_TYPE:
            if type(obj) is named_type:
                classes = types.get(s)
                if classes is None:
                    types[s] = {obj.value}
                else:
                    classes.add(obj.value)
        else:
            o = obj.value if type(obj) is named_type else "bnode://" + obj.value
            nodes.add(o)
            if p in per_document and type(graph) is named_type and graph.value in documents:
                stated.add((documents[graph.value], s, p, o))
            else:
                edges.add((s, p, o))
    return out


_ESCAPE = re.compile(r'\\(["\\nrtbf]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})')
_ESCAPED = {'"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_STRING = XSD.string
_LANG_STRING = RDF.langString


def _unescape(lexical: str) -> str:
    if "\\" not in lexical:
        return lexical
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), lexical)


@functools.lru_cache(maxsize=1 << 12)   # as kg.build.TERM_CACHE, for the same reason
def _term(text: str) -> str | tuple[str, str | None, str]:
    """An N-Triples term: an IRI's value, or a literal's (lexical form, language, datatype)."""
    if text[0] == "<":
        return text[1:-1]
    if text[0] == "_":
        return "bnode://" + text[2:]
    end = text.rfind('"')
    lexical, tail = _unescape(text[1:end]), text[end + 1:]
    if tail.startswith("@"):
        return lexical, tail[1:], _LANG_STRING
    return lexical, None, tail[3:-1] if tail.startswith("^^") else _STRING


def gather_triples(triples: Iterable[tuple[str, str, str]], graph: str, document: str | None,
                   config: Config) -> _Statements:
    """What :func:`_gather` finds in one plan's graph, from its triples written as N-Triples terms
    (as :class:`kg.build.GraphWriter` holds them): the worker that built the graph gathers it,
    so a projection never reads the plans back from the store."""
    out = _Statements()
    types, literals, edges, stated, nodes = out.types, out.literals, out.edges, out.stated, out.nodes
    term = _term
    per_document, omit = config.per_document, config.omit_props
    for subject, predicate, obj in triples:
        s, p = term(subject), term(predicate)
        if p in omit:
            continue
        nodes.add(s)
        o = term(obj)
        if type(o) is tuple:
            by_predicate = literals.get(s)
            if by_predicate is None:
                by_predicate = literals[s] = {}
            values = by_predicate.get(p)
            if values is None:
                by_predicate[p] = [o]
            elif o not in values:
                values.append(o)
        elif p == RDF_TYPE:
            if not o.startswith("bnode://"):
                classes = types.get(s)
                if classes is None:
                    types[s] = {o}
                else:
                    classes.add(o)
        else:
            nodes.add(o)
            if p in per_document and document is not None:
                stated.add((document, s, p, o))
            else:
                edges.add((s, p, o))
    return out


def project_quads(quads: Iterable[ox.Quad], *, subclass_of: Iterable[tuple[str, str]] = (),
                  classes: Iterable[str] = (), documents: Mapping[str, str] | None = None,
                  config: Config | None = None) -> Projection:
    """Project quads onto a property graph.

    Parameters: ``quads``, the data; ``subclass_of``, (class, superclass) pairs of the ontology,
    which pick each node's primary label; ``classes``, the ontology's classes (their names are
    kept free for labels); ``documents``, named graph -> plan IRI, for the relationships stated
    once per plan; ``config``, ``ontology/projection.toml`` unless given. Returns the
    :class:`Projection`.
    """
    config = config or Config.load()
    documents = dict(documents or {})
    with _no_gc():
        gathered = _gather(quads, documents, config)
        return _stream([(None, lambda: gathered)], subclass_of, classes, sorted(set(documents.values())),
                       config).projection()


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
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
    mapping: "_Mapping | None" = None          # how it was made (for updating a database in place)
    collector: "_Collector | None" = None
    part_count: int = 0                        # how many parts parts() yields

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


def _owned_by(document: str | None):
    """Whether a node is the plan's own: the plan, or minted under its IRI (see :func:`owner`)."""
    if document is None:
        return lambda uri: False
    prefix = document + "/"
    return lambda uri: uri.startswith(prefix) or uri.partition("#")[0] == document


class _Collector:
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
    def from_builtins(cls, data: dict) -> "_Collector":
        collector = cls.__new__(cls)
        collector.__dict__.update(data)
        return collector

    def labels(self, classes) -> tuple[str, ...]:
        key = frozenset(classes or ())
        found = self.label_sets.get(key)
        if found is None:
            found = self.label_sets[key] = _labels(key, self.ancestors)
        return found

    @property
    def shared(self) -> _Statements:
        """What the plans share, merged over all of them."""
        return _Statements(types={s: set(c) for s, c in self.types.items()},
                           literals={s: {p: list(c) for p, c in by_p.items()} for s, by_p in self.literals.items()},
                           edges=set(self.edges), nodes=set(self.nodes))

    def schema(self) -> tuple[dict[str, set[str]], dict[str, set[str]], bool]:
        """(predicate -> datatypes, primary label -> predicates of own nodes, whether any plan
        states per-plan relationships): what the tables of the embedded database depend on."""
        return ({p: set(c) for p, c in self.datatypes.items() if c},
                {label: set(c) for label, c in self.own_predicates.items() if c}, self.stated > 0)

    def add(self, f: "_Statements | _Summary", document: str | None) -> None:
        self._count(f if isinstance(f, _Summary) else summarize(f, document), document, 1)

    def remove(self, f: "_Statements | _Summary", document: str | None) -> None:
        """Take out what :meth:`add` put in for this plan's statements."""
        self._count(f if isinstance(f, _Summary) else summarize(f, document), document, -1)

    def _count(self, summary: "_Summary", document: str | None, sign: int) -> None:
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
class _Summary:
    """What one graph's statements add to the collector, counted once: the worker that gathers
    a plan's statements summarizes them too, and the first pass of a projection then reads
    these summaries instead of the statements (most of which are the plan's own nodes)."""

    plan: dict[str, list] | None                  # the plan node's literals
    datatypes: dict[tuple[str, str], int]         # (predicate, datatype or "" when not of it) -> values
    own: dict[tuple[frozenset[str], str], int]    # (classes of an own node, predicate) -> own nodes
    shared: "_Statements"                         # what the graph says of shared nodes, and their edges
    stated: bool                                  # whether it states per-plan relationships


def summarize(f: "_Statements", document: str | None) -> _Summary:
    """The :class:`_Summary` of one graph's statements (``document``: the plan, None for the
    reference graphs)."""
    own = _owned_by(document)
    counts: dict[tuple[str, str], int] = {}
    kinds = _KINDS
    for by_predicate in f.literals.values():
        for p, raws in by_predicate.items():
            for lexical, _, datatype in raws:
                kind = kinds.get(datatype)
                if kind is not None:
                    try:
                        _convert(lexical, kind)
                    except (ValueError, InvalidOperation):
                        datatype = ""          # a value that is not of its kind: the property is text
                key = (p, datatype)
                counts[key] = counts.get(key, 0) + 1
    datatypes = {(intern(p), intern(datatype)): n for (p, datatype), n in counts.items()}
    owned: dict[tuple[frozenset[str], str], int] = {}
    shared = _Statements()
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
    return _Summary(plan, datatypes, owned, shared, bool(f.stated))


HAS_FILE = CYL.hasFile
SHA256 = CYL.sha256


def _bump(counts: dict, key, sign: int) -> None:
    """Count one more (or one fewer) of key, forgetting it at zero."""
    n = counts.get(key, 0) + sign
    if n > 0:
        counts[key] = n
    else:
        counts.pop(key, None)


class _Mapping:
    """How statements become nodes and relationships, given what all plans hold together (the
    collector): property names and kinds, labels, relationship types."""

    def __init__(self, collector: _Collector, classes: Iterable[str], config: Config):
        self.collector, self.config = collector, config
        datatypes, own_predicates, stated = collector.schema()
        for uri in collector.nodes:          # every shared node's labels, before the label set is read
            collector.labels(collector.types.get(uri))
        self.label_set = ({label_name(c) for c in classes}
                          | {lab for labs in collector.label_sets.values() for lab in labs})
        self.names = names = {p: property_name(p) for p in datatypes}
        kinds: dict[str, set[str]] = defaultdict(set)
        for p, types in datatypes.items():
            kinds[names[p]].update(_kind(t) for t in types)
        self.lists = {names[p] for p in config.multival_props if p in names}
        self.kind_of = {name: _common(k) for name, k in kinds.items()}
        self.node_types = {n: self.kind_of[n] + ("[]" if n in self.lists else "") for n in sorted(self.kind_of)}
        self.node_types["uri"] = "string"
        rel_kinds: dict[str, str] = {}
        if stated:
            rel_kinds = {"document": "string", "evidence": "string"}
            rel_kinds.update((name, self.kind_of.get(names.get(predicate, ""), "string"))
                             for name, predicate in config.from_plan)
        self.rel_kinds = dict(sorted(rel_kinds.items()))
        self.own_properties: dict[str, set[str]] = defaultdict(set)
        for label, predicates in own_predicates.items():
            self.own_properties[label].update(names[p] for p in predicates)
            self.own_properties[label].add("uri")
        self._rel_names: dict[str, str] = {}
        self.per_document_types = {self.rel_name(p) for p in config.per_document} if stated else set()

    def rel_name(self, p: str) -> str:
        if p not in self._rel_names:
            self._rel_names[p] = relationship_name(p, self.label_set)
        return self._rel_names[p]

    def shared_label(self, uri: str) -> str:
        return self.collector.labels(self.collector.types.get(uri))[0]

    def shared_nodes(self, uris: Iterable[str]) -> list[Node]:
        """Nodes the plans share, with their statements merged over all plans."""
        c = self.collector
        uris = sorted(u for u in uris if u in c.nodes)
        view = _Statements(types={u: set(c.types[u]) for u in uris if u in c.types},
                           literals={u: {p: list(v) for p, v in c.literals[u].items()} for u in uris if u in c.literals})
        return _nodes(view, uris, lambda uri: c.labels(view.types.get(uri)), self.names, self.kind_of, self.lists,
                      self.config.language)

    def shared_relationships(self, edges: Iterable[tuple[str, str, str]]) -> list[Relationship]:
        return [Relationship(t, s, o, {}) for t, s, o in sorted((self.rel_name(p), s, o) for s, p, o in edges)]

    def part(self, document: str | None, f: _Statements) -> Part:
        """A plan's own nodes and relationships."""
        own = _owned_by(document)
        # A copy's graph names the plan only to link its file: the graph holding the text makes the node.
        uris = sorted(u for u in f.nodes if own(u) and (u != document or f.types.get(u)))
        nodes = _nodes(f, uris, lambda uri: self.collector.labels(f.types.get(uri)), self.names, self.kind_of,
                       self.lists, self.config.language)
        # Sorted: the statements come from sets, and what is made from them must not vary from run to run.
        rels = [Relationship(t, s, o, {}) for t, s, o in sorted((self.rel_name(p), s, o) for s, p, o in f.edges
                                                                 if own(s) or own(o))]
        if f.stated:
            rels.extend(_per_document(f, self.rel_name, self.config, self.names, self.kind_of))
        return nodes, rels

    def signature(self, shared_nodes: Iterable[Node]) -> str:
        """What the tables of the embedded database are made of: equal signatures, equal tables."""
        label_properties = self.label_properties(shared_nodes)
        return json.dumps([self.node_types, self.rel_kinds, {k: sorted(v) for k, v in sorted(label_properties.items())},
                           sorted(self.label_set), sorted(self.per_document_types)], sort_keys=True)

    def label_properties(self, shared_nodes: Iterable[Node]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for label, props in self.own_properties.items():
            out[label].update(props)
        for node in shared_nodes:
            out[node.label].update(node.properties)
        return dict(out)


def collect(fragments: Iterable[tuple[str | None, "_Statements | _Summary"]], subclass_of) -> _Collector:
    """The first pass over the graphs' statements: what they share and the schema."""
    collector = _Collector(_ancestors(subclass_of))
    for document, fragment in fragments:
        collector.add(fragment, document)
    return collector


def _stream(fragments: list[tuple[str | None, Callable[[], _Statements]]], subclass_of, classes,
            documents: list[str], config: Config, collector: _Collector | None = None,
            summaries: list[Callable[[], _Summary]] | None = None) -> Stream:
    """Two passes over the graphs' statements: the first (here, unless the collector is given)
    collects what they share and the schema, from the graphs' summaries when given; the second
    (the stream's parts) makes each plan's own nodes and relationships."""
    if collector is None:
        if summaries is not None:
            collector = collect(((d, summary()) for (d, _), summary in zip(fragments, summaries)), subclass_of)
        else:
            collector = collect(((d, f()) for d, f in fragments), subclass_of)
    mapping = _Mapping(collector, classes, config)
    shared_nodes = mapping.shared_nodes(collector.nodes)
    shared_relationships = mapping.shared_relationships(collector.edges)

    def parts(start: int = 0, stop: int | None = None) -> Iterator[Part]:
        with _no_gc():
            for document, fragment in fragments[start:stop]:
                yield mapping.part(document, fragment())

    plans = _Statements(literals=collector.plans)
    plan_properties = {n.uri: n.properties for n in _nodes(plans, sorted(collector.plans), lambda uri: (),
                                                          mapping.names, mapping.kind_of, mapping.lists,
                                                          config.language)}
    return Stream(mapping.node_types, mapping.rel_kinds, mapping.label_properties(shared_nodes), shared_nodes,
                  shared_relationships, documents, parts, {n.uri: n.label for n in shared_nodes},
                  plan_properties, mapping.per_document_types, mapping, collector, len(fragments))


def _nodes(gathered: _Statements, uris: list[str], labels_of, names, kind_of, lists, language) -> list[Node]:
    nodes = []
    literals = gathered.literals
    for uri in uris:
        props: dict[str, Value] = {"uri": uri}
        for p, raws in literals.get(uri, {}).items():
            name = names[p]
            kind = kind_of[name]
            if name in lists:
                merged = set(props.get(name, ())) | {_convert(r[0], kind) for r in raws}
                props[name] = sorted(merged, key=str)
            elif name not in props:
                raw = raws[0] if len(raws) == 1 else min(raws, key=lambda r: _preference(r, language))
                props[name] = _convert(raw[0], kind)
        nodes.append(Node(uri, labels_of(uri), props))
    return nodes


def _per_document(gathered: _Statements, rel_name, config: Config, names, kind_of) -> list[Relationship]:
    """One relationship per plan for each per-document triple, with the plan's evidence."""
    literals = gathered.literals
    plan_of_text = {o: s for s, p, o in gathered.edges if p == TEXT_OF}
    document_of = {s: plan_of_text[o] for s, p, o in gathered.edges
                   if p == REFERENCE_CONTEXT and o in plan_of_text}
    first: dict[tuple[str, str], tuple[int, int, str]] = {}
    for s, p, o in gathered.edges:
        if p != TA_IDENT_REF or s not in document_of:
            continue
        props = literals.get(s, {})
        try:
            begin = min(int(v) for v, _, _ in props[BEGIN_INDEX])
            end = min((int(v) for v, _, _ in props.get(END_INDEX, ())), default=0)
        except (KeyError, ValueError):
            continue
        sentence = min((v for v, _, _ in props.get(SENTENCE, ())), default="")
        key = (document_of[s], o)
        if key not in first or (begin, end, sentence) < first[key]:
            first[key] = (begin, end, sentence)
    out = []
    for document, s, p, o in sorted(gathered.stated):
        props: dict[str, Value] = {"document": document}
        for name, predicate in config.from_plan:
            raws = literals.get(document, {}).get(predicate)
            if raws:
                raw = min(raws, key=lambda r: _preference(r, config.language))
                props[name] = _convert(raw[0], kind_of.get(names.get(predicate, ""), "string"))
        if (document, o) in first:
            props["evidence"] = first[(document, o)][2]
        out.append(Relationship(rel_name(p), s, o, props))
    return out


# -- from a workspace ----------------------------------------------------------------------------

def owner(uri: str, documents: set[str]) -> str | None:
    """The plan a node belongs to: the plan itself, or a node whose IRI kg/iri.py minted under
    the plan's (its text, sections, items, targets, evidence spans); None for shared nodes.

    >>> owner("https://w3id.org/cyl-kg/id/doc/a.txt/item/3", {"https://w3id.org/cyl-kg/id/doc/a.txt"})
    'https://w3id.org/cyl-kg/id/doc/a.txt'
    >>> owner("https://w3id.org/cyl-kg/id/org/x", {"https://w3id.org/cyl-kg/id/doc/a.txt"}) is None
    True
    """
    candidate = uri.partition("#")[0]
    while len(candidate) > len(iri.BASE):
        if candidate in documents:
            return candidate
        candidate = candidate.rpartition("/")[0]
    return None


def ontology_terms(ws: "Workspace") -> tuple[list[tuple[str, str]], list[str]]:
    """(class, superclass) pairs and the classes of the ontology graph in the workspace.

    The pairs are those of the ontology's own classes: a node is labelled with its class and the
    standard classes it specialises directly (``Organization``, ``Concept``), not with the classes
    above those that the ontology restates for reasoners (``Agent``, ``Thing``)."""
    _, pairs = ws.query(f"""SELECT ?c ?d WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
        ?c <{RDFS.subClassOf}> ?d .
        FILTER(isIRI(?c) && isIRI(?d) && STRSTARTS(STR(?c), "{OWN_NAMESPACE}")) }} }}""")
    _, classes = ws.query(f"""SELECT DISTINCT ?c WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
        ?c a <{OWL.Class}> . FILTER(isIRI(?c)) }} }}""")
    return [(c, d) for c, d in pairs], [c for (c,) in classes]


def superclasses(ws: "Workspace") -> dict[str, set[str]]:
    """Each class of the workspace's ontology -> every class it specialises (by rdfs:subClassOf)."""
    return _ancestors(ontology_terms(ws)[0])


CACHE = "projection-cache"


@functools.lru_cache(maxsize=1)
def _code_stamp() -> str:
    """What the cache's contents depend on: this module and the projection's configuration, as
    this process loaded them (a worker writes a plan's statements for each plan it builds)."""
    return hashlib.sha256(Path(__file__).read_bytes() + CONFIG.read_bytes()).hexdigest()


# False in a process forked to write a projection's parts: it must not use the store its parent
# opened, and a graph missing from the cache sends the work back to the parent.
STORE_READS = True


class NotCached(LookupError):
    """A graph's statements are not in the projection cache, and the store may not be read."""


def cache_file(cache: Path, graph: str, version: str) -> Path:
    """Where the projection cache keeps one version of a graph's statements (the old version of
    a changed plan stays until the embedded database no longer holds it)."""
    name = hashlib.sha1(graph.encode("utf-8")).hexdigest()[:20] + "-" + hashlib.sha1(version.encode("utf-8")).hexdigest()[:12]
    return cache / (name + ".pickle")


# A cache file holds two pickles: (key, summary), then the statements, so that the first pass of
# a projection reads a plan's summary alone. Not compressed: compressing and decompressing took
# longer than writing and reading the bytes.

def _read(cache: Path, graph: str, version: str, whole: bool):
    try:
        with open(cache_file(cache, graph, version), "rb") as f:
            key, summary = pickle.load(f)
            if key != (_code_stamp(), graph, version):
                return None
            return pickle.load(f) if whole else summary
    except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):
        return None


def read_cached(cache: Path, graph: str, version: str) -> _Statements | None:
    """A graph's cached statements if the cache holds this version of it."""
    return _read(cache, graph, version, whole=True)


def read_summary(cache: Path, graph: str, version: str) -> _Summary | None:
    """The :class:`_Summary` of a graph's cached statements, if the cache holds this version."""
    return _read(cache, graph, version, whole=False)


def write_cached(cache: Path, graph: str, version: str, fragment: _Statements, document: str | None) -> None:
    """Keep a graph's statements, and their summary, for the projections to come (atomically;
    quietly not at all where the workspace may not be written)."""
    file = cache_file(cache, graph, version)
    try:
        file.parent.mkdir(exist_ok=True)
        tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(((_code_stamp(), graph, version), summarize(fragment, document)), f,
                        protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(fragment, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)
    except OSError:
        pass


def _fragment(ws: "Workspace", graph: str, version: str | None, documents: Mapping[str, str], config: Config,
              cache: Path | None) -> _Statements:
    """One graph's statements: from the cache when it holds this version of the graph (``kg build``
    puts each plan it builds there), else read from the store (about 14 µs a quad) and cached."""
    if cache is not None and version is not None:
        fragment = read_cached(cache, graph, version)
        if fragment is not None:
            return fragment
    if not STORE_READS:
        raise NotCached(graph)
    fragment = _gather(ws.quads(graph), documents, config)
    if cache is not None and version is not None:
        write_cached(cache, graph, version, fragment, documents.get(graph))
    return fragment


def _summary(ws: "Workspace", graph: str, version: str | None, documents: Mapping[str, str], config: Config,
             cache: Path | None) -> _Summary:
    """One graph's summary: from the cache, else made from its statements (and both cached)."""
    if cache is not None and version is not None:
        summary = read_summary(cache, graph, version)
        if summary is not None:
            return summary
    return summarize(_fragment(ws, graph, version, documents, config, cache), documents.get(graph))


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


def stream(ws: "Workspace", config: Config | None = None, *, cache: bool = True) -> Stream:
    """The projection of a workspace as a :class:`Stream`: its plans' graphs and the reference
    graphs of the config, in memory one plan at a time.

    Each graph's statements are cached in ``DIR/projection-cache/`` by the graph's version (the
    plan's manifest entry with its sha256, the reference file's digest), so only the graphs of
    changed plans are read from the store again, and the second pass reads none.
    """
    config = config or Config.load()
    from .workspace import plan_of

    documents = {entry["graph"]: plan_of(key, entry) for key, entry in ws.documents.items()}
    graph_versions = versions(ws)
    graph_versions.update(ws.manifest.get("reference", {}))
    # In the order of their plans (as a projection in memory goes), the files of one plan together.
    graphs = sorted(documents, key=lambda g: (documents[g], g)) + [g for g in config.reference_graphs if g not in documents]
    subclass_of, classes = ontology_terms(ws)
    folder = ws.path / CACHE if cache else None

    def fragment(graph: str) -> Callable[[], _Statements]:
        return lambda: _fragment(ws, graph, graph_versions.get(graph), documents, config, folder)

    def summary(graph: str) -> Callable[[], _Summary]:
        return lambda: _summary(ws, graph, graph_versions.get(graph), documents, config, folder)

    with _no_gc():
        return _stream([(documents.get(g), fragment(g)) for g in graphs], subclass_of, classes,
                       sorted(documents.values()), config, summaries=[summary(g) for g in graphs])


def project(ws: "Workspace", config: Config | None = None, *, cache: bool = True) -> Projection:
    """The projection of a workspace, whole in memory (see :func:`stream` for one that is not)."""
    with _no_gc():
        return stream(ws, config, cache=cache).projection()
