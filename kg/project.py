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
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Union

import pyoxigraph as ox

import ontology

from . import iri

if TYPE_CHECKING:
    from .workspace import Workspace

Value = Union[str, int, float, bool, dt.date, dt.datetime, list]

CONFIG = ontology.path("projection.toml")
RESOURCE = "Resource"
OWN_NAMESPACE = str(ontology.CYL)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
TA_IDENT_REF = NIF + "taIdentRef"
BEGIN_INDEX = NIF + "beginIndex"
END_INDEX = NIF + "endIndex"
IN_DOCUMENT = OWN_NAMESPACE + "document"
SENTENCE = OWN_NAMESPACE + "sentence"

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

    @classmethod
    def load(cls, path: Path = CONFIG) -> "Config":
        data = tomllib.loads(path.read_text("utf-8"))
        per_doc = data.get("per_document", {})
        return cls(multival_props=frozenset(data.get("multival_props", ())),
                   language=data.get("language", "zh"),
                   reference_graphs=tuple(data.get("reference_graphs", ())),
                   per_document=frozenset(per_doc.get("properties", ())),
                   from_plan=tuple(sorted(per_doc.get("from_plan", {}).items())))


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

def _kind(datatype: str) -> str:
    if datatype in _LONG:
        return "long"
    if datatype in _DOUBLE:
        return "double"
    return {XSD + "boolean": "boolean", XSD + "date": "date", XSD + "dateTime": "datetime"}.get(datatype, "string")


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
    if not classes:
        return (RESOURCE,)
    specific = [c for c in classes if not any(c in ancestors.get(d, ()) for d in classes if d != c)]
    primary = min(specific, key=lambda c: (not c.startswith(OWN_NAMESPACE), label_name(c), c))
    first = label_name(primary)
    return (first, *sorted({label_name(c) for c in classes} - {first}))


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


def _gather(quads: Iterable[ox.Quad], documents: Mapping[str, str], per_document: frozenset[str]) -> _Statements:
    """One pass over the quads; written for speed, since a large workspace has millions."""
    out = _Statements()
    types, literals, edges, stated, nodes = out.types, out.literals, out.edges, out.stated, out.nodes
    literal_type, named_type = ox.Literal, ox.NamedNode
    for subject, predicate, obj, graph in quads:
        s = subject.value if type(subject) is named_type else "bnode://" + subject.value
        p = predicate.value
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
        gathered = _gather(quads, documents, config.per_document)
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
    parts: Callable[[], Iterator[Part]]
    shared_labels: dict[str, str] = field(default_factory=dict)   # shared node -> primary label
    plan_properties: dict[str, dict[str, Value]] = field(default_factory=dict)   # each plan node's
    per_document_types: set[str] = field(default_factory=set)     # relationship types stated per plan

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
                  lambda: ((own_nodes[k], own_relationships[k]) for k in keys), projection.primary_labels(),
                  {n.uri: n.properties for n in projection.nodes if n.uri in documents},
                  {r.type for r in projection.relationships if "document" in r.properties})


def _owned_by(document: str | None):
    """Whether a node is the plan's own: the plan, or minted under its IRI (see :func:`owner`)."""
    if document is None:
        return lambda uri: False
    prefix = document + "/"
    return lambda uri: uri.startswith(prefix) or uri.partition("#")[0] == document


class _Collector:
    """The first pass: what plans share, merged; what kinds of values each property holds; which
    properties each label's own nodes have."""

    def __init__(self, ancestors: dict[str, set[str]]):
        self.ancestors = ancestors
        self.shared = _Statements()
        self.datatypes: dict[str, set[str]] = defaultdict(set)
        self.own_predicates: dict[str, set[str]] = defaultdict(set)
        self.label_sets: dict[frozenset[str], tuple[str, ...]] = {}
        self.stated = False
        self.plans: dict[str, dict[str, list]] = {}

    def labels(self, classes) -> tuple[str, ...]:
        key = frozenset(classes or ())
        found = self.label_sets.get(key)
        if found is None:
            found = self.label_sets[key] = _labels(key, self.ancestors)
        return found

    def add(self, f: _Statements, document: str | None) -> None:
        own = _owned_by(document)
        shared = self.shared
        self.stated = self.stated or bool(f.stated)
        if document is not None and document in f.literals:
            self.plans[document] = f.literals[document]
        for s, by_predicate in f.literals.items():
            for p, raws in by_predicate.items():
                known = self.datatypes[p]
                for lexical, _, datatype in raws:
                    kind = _kind(datatype)
                    if kind != "string":
                        try:
                            _convert(lexical, kind)
                        except (ValueError, InvalidOperation):
                            datatype = ""          # a value that is not of its kind: the property is text
                    known.add(datatype)
        for s in f.nodes:
            if own(s):
                predicates = self.own_predicates[self.labels(f.types.get(s))[0]]
                predicates.update(f.literals.get(s, ()))
            else:
                shared.nodes.add(s)
                classes = f.types.get(s)
                if classes:
                    shared.types.setdefault(s, set()).update(classes)
                by_predicate = f.literals.get(s)
                if by_predicate:
                    mine = shared.literals.setdefault(s, {})
                    for p, raws in by_predicate.items():
                        values = mine.setdefault(p, [])
                        values.extend(r for r in raws if r not in values)
        shared.edges.update(e for e in f.edges if not own(e[0]) and not own(e[2]))


def _stream(fragments: list[tuple[str | None, Callable[[], _Statements]]], subclass_of, classes,
            documents: list[str], config: Config) -> Stream:
    """Two passes over the graphs' statements: the first (here) collects what they share and the
    schema; the second (the stream's parts) makes each plan's own nodes and relationships."""
    collector = _Collector(_ancestors(subclass_of))
    for document, fragment in fragments:
        collector.add(fragment(), document)
    shared = collector.shared
    shared_labels = {uri: collector.labels(shared.types.get(uri)) for uri in shared.nodes}
    label_set = {label_name(c) for c in classes} | {lab for labs in collector.label_sets.values() for lab in labs}

    names = {p: property_name(p) for p in collector.datatypes}
    kinds: dict[str, set[str]] = defaultdict(set)
    for p, datatypes in collector.datatypes.items():
        kinds[names[p]].update(_kind(t) for t in datatypes)
    lists = {names[p] for p in config.multival_props if p in names}
    kind_of = {name: _common(k) for name, k in kinds.items()}
    node_types = {n: kind_of[n] + ("[]" if n in lists else "") for n in sorted(kind_of)} | {"uri": "string"}
    rel_kinds: dict[str, str] = {}
    if collector.stated:
        rel_kinds = {"document": "string", "evidence": "string"}
        rel_kinds.update((name, kind_of.get(names.get(predicate, ""), "string")) for name, predicate in config.from_plan)

    rel_names: dict[str, str] = {}

    def rel_name(p: str) -> str:
        if p not in rel_names:
            rel_names[p] = relationship_name(p, label_set)
        return rel_names[p]

    shared_nodes = _nodes(shared, sorted(shared.nodes), lambda uri: shared_labels[uri], names, kind_of, lists,
                          config.language)
    label_properties: dict[str, set[str]] = defaultdict(set)
    for label, predicates in collector.own_predicates.items():
        label_properties[label].update(names[p] for p in predicates)
        label_properties[label].add("uri")
    for node in shared_nodes:
        label_properties[node.label].update(node.properties)
    shared_relationships = [Relationship(t, s, o, {})
                            for t, s, o in sorted((rel_name(p), s, o) for s, p, o in shared.edges)]

    def parts() -> Iterator[Part]:
        with _no_gc():
            for document, fragment in fragments:
                f = fragment()
                own = _owned_by(document)
                uris = sorted(u for u in f.nodes if own(u))
                nodes = _nodes(f, uris, lambda uri: collector.labels(f.types.get(uri)), names, kind_of, lists,
                               config.language)
                rels = [Relationship(rel_name(p), s, o, {}) for s, p, o in f.edges if own(s) or own(o)]
                if f.stated:
                    rels.extend(_per_document(f, rel_name, config, names, kind_of))
                yield nodes, rels

    plans = _Statements(literals=collector.plans)
    plan_properties = {n.uri: n.properties for n in _nodes(plans, sorted(collector.plans), lambda uri: (), names,
                                                          kind_of, lists, config.language)}
    per_document_types = {rel_name(p) for p in config.per_document} if collector.stated else set()
    return Stream(node_types, dict(sorted(rel_kinds.items())), dict(label_properties), shared_nodes,
                  shared_relationships, documents, parts, {uri: labels[0] for uri, labels in shared_labels.items()},
                  plan_properties, per_document_types)


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
    document_of = {s: o for s, p, o in gathered.edges if p == IN_DOCUMENT}
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
    """(class, superclass) pairs and the classes of the ontology graph in the workspace."""
    _, pairs = ws.query(f"""SELECT ?c ?d WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
        ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?d . FILTER(isIRI(?c) && isIRI(?d)) }} }}""")
    _, classes = ws.query(f"""SELECT DISTINCT ?c WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
        ?c a <http://www.w3.org/2002/07/owl#Class> . FILTER(isIRI(?c)) }} }}""")
    return [(c, d) for c, d in pairs], [c for (c,) in classes]


CACHE = "projection-cache"


@functools.lru_cache(maxsize=1)
def _code_stamp() -> str:
    return hashlib.sha256(Path(__file__).read_bytes() + CONFIG.read_bytes()).hexdigest()


def _fragment(ws: "Workspace", graph: str, version: str | None, documents: Mapping[str, str], config: Config,
              cache: Path | None) -> _Statements:
    """One graph's statements: from the cache when it holds this version of the graph, else read
    from the store (about 14 µs a quad, the cost that dominates a projection) and cached."""
    file = cache / (hashlib.sha1(graph.encode("utf-8")).hexdigest() + ".pickle.z") if cache and version else None
    key = (_code_stamp(), graph, version)
    if file is not None:
        try:
            stored_key, fragment = pickle.loads(zlib.decompress(file.read_bytes()))
            if stored_key == key:
                return fragment
        except (OSError, ValueError, EOFError, zlib.error, pickle.UnpicklingError):
            pass
    fragment = _gather(ws.quads(graph), documents, config.per_document)
    if file is not None:
        try:
            file.parent.mkdir(exist_ok=True)
            tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
            tmp.write_bytes(zlib.compress(pickle.dumps((key, fragment), protocol=pickle.HIGHEST_PROTOCOL), 3))
            os.replace(tmp, file)
        except OSError:          # a workspace we may read but not write: no cache, same answer
            pass
    return fragment


def prune_cache(ws: "Workspace", config: Config | None = None) -> None:
    """Remove cached graphs the workspace no longer holds."""
    config = config or Config.load()
    folder = ws.path / CACHE
    keep = {hashlib.sha1(g.encode("utf-8")).hexdigest() + ".pickle.z"
            for g in [e["graph"] for e in ws.documents.values()] + list(config.reference_graphs)}
    for file in folder.iterdir() if folder.is_dir() else ():
        if file.name not in keep:
            with contextlib.suppress(OSError):
                file.unlink()


def stream(ws: "Workspace", config: Config | None = None, *, cache: bool = True) -> Stream:
    """The projection of a workspace as a :class:`Stream`: its plans' graphs and the reference
    graphs of the config, in memory one plan at a time.

    Each graph's statements are cached in ``DIR/projection-cache/`` by the graph's version (the
    plan's manifest entry with its sha256, the reference file's digest), so only the graphs of
    changed plans are read from the store again, and the second pass reads none.
    """
    config = config or Config.load()
    documents = {entry["graph"]: iri.document(key) for key, entry in ws.documents.items()}
    # a plan's version is its whole manifest entry (its sha256, and whatever else a rebuild records)
    versions = {entry["graph"]: json.dumps(entry, sort_keys=True) for entry in ws.documents.values()}
    versions.update(ws.manifest.get("reference", {}))
    graphs = sorted(documents) + [g for g in config.reference_graphs if g not in documents]
    subclass_of, classes = ontology_terms(ws)
    folder = ws.path / CACHE if cache else None

    def fragment(graph: str) -> Callable[[], _Statements]:
        return lambda: _fragment(ws, graph, versions.get(graph), documents, config, folder)

    with _no_gc():
        return _stream([(documents.get(g), fragment(g)) for g in graphs], subclass_of, classes,
                       sorted(documents.values()), config)


def project(ws: "Workspace", config: Config | None = None, *, cache: bool = True) -> Projection:
    """The projection of a workspace, whole in memory (see :func:`stream` for one that is not)."""
    with _no_gc():
        return stream(ws, config, cache=cache).projection()
