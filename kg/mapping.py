"""The RDF graph as a property graph: the one mapping every Cypher store, export and the networkx
views read.

Labels come from rdf:type, relationship types from object properties, properties from literals,
in the conventions of neosemantics (n10s); ``ontology/projection.toml`` says which properties are
lists and which relationships are stated once per plan. The mapping has three steps:

- :func:`gather` (quads) or :func:`gather_triples` (a worker's N-Triples terms) reads one graph's
  :class:`Statements`: the classes of each node, its literals, the edges, the per-plan edges;
- what all plans share is counted (``kg.stores.cypher_stream``'s collector), which fixes property kinds,
  labels and relationship types: a :class:`Mapping`;
- :meth:`Mapping.shared_nodes` and :meth:`Mapping.part` make the :class:`Node` and
  :class:`Relationship` objects, a plan at a time.

So a new class or property in the ontology reaches every store and export with no new code.

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

import datetime as dt
import functools
import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping as Map, Protocol, Union

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


PLAN_LABEL = label_name(CYL.WorkPlan)


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

DATATYPE_KINDS = {**dict.fromkeys(_LONG, "long"), **dict.fromkeys(_DOUBLE, "double"),
          XSD + "boolean": "boolean", XSD + "date": "date", XSD + "dateTime": "datetime"}


def value_kind(datatype: str) -> str:
    """The kind of value a literal of the datatype becomes: long, double, boolean, date,
    datetime, or string for every other datatype."""
    return DATATYPE_KINDS.get(datatype, "string")


def convert(lexical: str, kind: str) -> Value:
    """The lexical form as a value of the kind; ValueError when it is not one."""
    if kind == "string":
        return lexical
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


# -- labels --------------------------------------------------------------------------------------

def ancestors(subclass_of: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Each class -> every class above it, from (class, superclass) pairs (cycles allowed)."""
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


def node_labels(classes: frozenset[str], above: dict[str, set[str]]) -> tuple[str, ...]:
    """A node's labels: its classes and every class they specialise (``above``: see
    :func:`ancestors`; a plan states only ``cyl:WorkPlan``, the node is labelled ``WorkPlan`` and
    ``Plan``), the primary label first: that of the most specific class, the project's own first.

    >>> node_labels(frozenset({CYL.WorkPlan}), ancestors([(CYL.WorkPlan, CYL + "Plan")]))
    ('WorkPlan', 'Plan')
    """
    if not classes:
        return (RESOURCE,)
    specific = [c for c in classes if not any(c in above.get(d, ()) for d in classes if d != c)]
    primary = min(specific, key=lambda c: (not c.startswith(OWN_NAMESPACE), label_name(c), c))
    first = label_name(primary)
    every = set(classes).union(*(above.get(c, ()) for c in classes))
    return (first, *sorted({label_name(c) for c in every} - {first}))


def _preference(raw: tuple[str, str | None, str], language: str) -> tuple:
    lexical, lang, _ = raw
    return (0 if lang == language else 1 if not lang else 2, lang or "", lexical)


# -- gathering a graph's statements --------------------------------------------------------------

@dataclass
class Statements:
    """What the quads say, gathered in one pass: node -> classes, node -> predicate -> literals
    (lexical form, language, datatype), edges, and the per-plan statements."""

    types: dict[str, set[str]] = field(default_factory=dict)
    literals: dict[str, dict[str, list[tuple[str, str | None, str]]]] = field(default_factory=dict)
    edges: set[tuple[str, str, str]] = field(default_factory=set)
    stated: set[tuple[str, str, str, str]] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)


def gather(quads: Iterable[ox.Quad], documents: Map[str, str], config: Config) -> Statements:
    """One pass over the quads; written for speed, since a large workspace has millions."""
    out = Statements()
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


nt_term = _term         # what the stores that read the extraction workers' triples decode them with


def gather_triples(triples: Iterable[tuple[str, str, str]], graph: str, document: str | None,
                   config: Config) -> Statements:
    """What :func:`gather` finds in one plan's graph, from its triples written as N-Triples terms
    (as :class:`kg.build.GraphWriter` holds them): the worker that built the graph gathers it,
    so a projection never reads the plans back from the store."""
    out = Statements()
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


# -- the mapping: nodes and relationships --------------------------------------------------------

def owned_by(document: str | None):
    """Whether a node is the plan's own: the plan, or minted under its IRI (see :func:`owner`)."""
    if document is None:
        return lambda uri: False
    prefix = document + "/"
    return lambda uri: uri.startswith(prefix) or uri.partition("#")[0] == document


class Shared(Protocol):
    """What all plans hold together, counted (the first pass over their statements: see
    ``kg.stores.cypher_stream``): the mapping reads the shared nodes' statements and the schema from it."""

    nodes: Map[str, int]
    types: Map[str, Map[str, int]]
    literals: Map[str, Map[str, Map[tuple, int]]]
    label_sets: Map[frozenset[str], tuple[str, ...]]

    def labels(self, classes) -> tuple[str, ...]: ...

    def schema(self) -> tuple[dict[str, set[str]], dict[str, set[str]], bool]: ...


Part = tuple[list[Node], list[Relationship]]


class Mapping:
    """How statements become nodes and relationships, given what all plans hold together (the
    collector): property names and kinds, labels, relationship types."""

    def __init__(self, collector: Shared, classes: Iterable[str], config: Config):
        self.collector, self.config = collector, config
        datatypes, own_predicates, stated = collector.schema()
        for uri in collector.nodes:          # every shared node's labels, before the label set is read
            collector.labels(collector.types.get(uri))
        self.label_set = ({label_name(c) for c in classes}
                          | {lab for labs in collector.label_sets.values() for lab in labs})
        self.names = names = {p: property_name(p) for p in datatypes}
        kinds: dict[str, set[str]] = defaultdict(set)
        for p, types in datatypes.items():
            kinds[names[p]].update(value_kind(t) for t in types)
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
        view = Statements(types={u: set(c.types[u]) for u in uris if u in c.types},
                          literals={u: {p: list(v) for p, v in c.literals[u].items()} for u in uris if u in c.literals})
        return to_nodes(view, uris, lambda uri: c.labels(view.types.get(uri)), self.names, self.kind_of, self.lists,
                        self.config.language)

    def shared_relationships(self, edges: Iterable[tuple[str, str, str]]) -> list[Relationship]:
        return [Relationship(t, s, o, {}) for t, s, o in sorted((self.rel_name(p), s, o) for s, p, o in edges)]

    def part(self, document: str | None, f: Statements) -> Part:
        """A plan's own nodes and relationships."""
        own = owned_by(document)
        mine = {u for u in f.nodes if own(u)}
        # A copy's graph names the plan only to link its file: the graph holding the text makes the node.
        uris = sorted(u for u in mine if u != document or f.types.get(u))
        labels, types = self.collector.labels, f.types
        nodes = to_nodes(f, uris, lambda uri: labels(types.get(uri)), self.names, self.kind_of,
                         self.lists, self.config.language)
        rel_names = {p: self.rel_name(p) for p in {p for _, p, _ in f.edges}}
        # Sorted: the statements come from sets, and what is made from them must not vary from run to run.
        rels = [Relationship(t, s, o, {}) for t, s, o in sorted((rel_names[p], s, o) for s, p, o in f.edges
                                                                 if s in mine or o in mine)]
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



def to_nodes(gathered: Statements, uris: list[str], labels_of, names, kind_of, lists, language) -> list[Node]:
    """The nodes of the IRIs, with the statements' literals as properties (``names``: predicate ->
    property name; ``kind_of``: property name -> kind; ``lists``: the properties that are lists;
    a single value in the ``language`` preferred)."""
    nodes = []
    literals = gathered.literals
    for uri in uris:
        props: dict[str, Value] = {"uri": uri}
        for p, raws in literals.get(uri, {}).items():
            name = names[p]
            kind = kind_of[name]
            if name in lists:
                merged = set(props.get(name, ())) | {convert(r[0], kind) for r in raws}
                props[name] = sorted(merged, key=str)
            elif name not in props:
                raw = raws[0] if len(raws) == 1 else min(raws, key=lambda r: _preference(r, language))
                props[name] = convert(raw[0], kind)
        nodes.append(Node(uri, labels_of(uri), props))
    return nodes


def _per_document(gathered: Statements, rel_name, config: Config, names, kind_of) -> list[Relationship]:
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
    plans: dict[str, dict[str, Value]] = {}
    for document, s, p, o in sorted(gathered.stated):
        if document not in plans:
            plans[document] = _from_plan(literals.get(document, {}), config, names, kind_of)
        props: dict[str, Value] = {"document": document, **plans[document]}
        if (document, o) in first:
            props["evidence"] = first[(document, o)][2]
        out.append(Relationship(rel_name(p), s, o, props))
    return out


def _from_plan(literals: Map[str, list], config: Config, names, kind_of) -> dict[str, Value]:
    """The plan's properties its per-document relationships carry (``config.from_plan``)."""
    props: dict[str, Value] = {}
    for name, predicate in config.from_plan:
        raws = literals.get(predicate)
        if raws:
            raw = min(raws, key=lambda r: _preference(r, config.language))
            props[name] = convert(raw[0], kind_of.get(names.get(predicate, ""), "string"))
    return props


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
    return ancestors(ontology_terms(ws)[0])


