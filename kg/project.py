"""The RDF graph as a property graph: one generic mapping, driven by the ontology.

Labels come from rdf:type, relationship types from object properties, properties from literals,
in the conventions of neosemantics (n10s); ``ontology/projection.toml`` says which properties are
lists and which relationships are stated once per plan. Every store and export that speaks
Cypher (the embedded database, Neo4j, the neo4j-admin CSV, the cypher-shell script) is fed from
the one :class:`Projection` this module makes, so a new class or property in the ontology reaches
all of them with no new code.

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
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Union

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


def _value_kind(lexical: str, datatype: str) -> str:
    kind = _kind(datatype)
    if kind != "string":
        try:
            _convert(lexical, kind)
        except (ValueError, InvalidOperation):
            return "string"
    return kind


def _common(kinds: set[str]) -> str:
    if len(kinds) == 1:
        return next(iter(kinds))
    return "double" if kinds == {"long", "double"} else "string"


# -- the mapping ---------------------------------------------------------------------------------

def _id(term) -> str:
    """A node's ``uri``: the IRI, or ``bnode://ID`` for a blank node as n10s writes it."""
    return term.value if isinstance(term, ox.NamedNode) else f"bnode://{term.value}"


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


def _labels(classes: set[str], ancestors: dict[str, set[str]]) -> tuple[str, ...]:
    if not classes:
        return (RESOURCE,)
    specific = [c for c in classes if not any(c in ancestors.get(d, ()) for d in classes if d != c)]
    primary = min(specific, key=lambda c: (not c.startswith(OWN_NAMESPACE), label_name(c), c))
    first = label_name(primary)
    return (first, *sorted({label_name(c) for c in classes} - {first}))


def _preference(raw: tuple[str, str | None, str], language: str) -> tuple:
    lexical, lang, _ = raw
    return (0 if lang == language else 1 if not lang else 2, lang or "", lexical)


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
    types: dict[str, set[str]] = defaultdict(set)
    literals: dict[str, dict[str, set[tuple[str, str | None, str]]]] = defaultdict(lambda: defaultdict(set))
    edges: set[tuple[str, str, str]] = set()
    stated: set[tuple[str, str, str, str]] = set()
    seen: set[str] = set()
    for q in quads:
        s = _id(q.subject)
        seen.add(s)
        p = q.predicate.value
        o = q.object
        if isinstance(o, ox.Literal):
            literals[s][p].add((o.value, o.language, o.datatype.value))
        elif p == RDF_TYPE:
            if isinstance(o, ox.NamedNode):
                types[s].add(o.value)
        else:
            target = _id(o)
            seen.add(target)
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            if p in config.per_document and graph in documents:
                stated.add((documents[graph], s, p, target))
            else:
                edges.add((s, p, target))

    ancestors = _ancestors(subclass_of)
    node_labels = {uri: _labels(types.get(uri, set()), ancestors) for uri in seen}
    label_set = {label_name(c) for c in classes} | {lab for labs in node_labels.values() for lab in labs}

    # One kind per property name, across every node, so each column has one type.
    kinds: dict[str, set[str]] = defaultdict(set)
    lists: set[str] = set()
    for props in literals.values():
        for p, raws in props.items():
            name = property_name(p)
            kinds[name].update(_value_kind(lex, dtype) for lex, _, dtype in raws)
            if p in config.multival_props:
                lists.add(name)
    kind_of = {name: _common(k) for name, k in kinds.items()}

    def value(raw: tuple[str, str | None, str], name: str) -> Value:
        return _convert(raw[0], kind_of[name])

    def properties(uri: str) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for p, raws in sorted(literals.get(uri, {}).items()):
            name = property_name(p)
            if name in lists:
                merged = out.get(name, []) if isinstance(out.get(name), list) else []
                out[name] = sorted(set(merged) | {value(r, name) for r in raws}, key=str)
            elif name not in out:
                out[name] = value(min(raws, key=lambda r: _preference(r, config.language)), name)
        return out

    nodes = [Node(uri, node_labels[uri], {"uri": uri, **properties(uri)}) for uri in sorted(seen)]
    rel_names: dict[str, str] = {}

    def rel_name(p: str) -> str:
        if p not in rel_names:
            rel_names[p] = relationship_name(p, label_set)
        return rel_names[p]

    relationships = [Relationship(rel_name(p), s, o) for s, p, o in edges]
    rel_kinds: dict[str, str] = {}
    if stated:
        relationships.extend(_per_document(stated, edges, literals, rel_name, config, kind_of, rel_kinds))
    relationships.sort(key=lambda r: (r.type, r.start, r.end, sorted((k, str(v)) for k, v in r.properties.items())))
    return Projection(nodes=nodes, relationships=relationships,
                      node_property_types={n: kind_of[n] + ("[]" if n in lists else "") for n in sorted(kind_of)}
                      | {"uri": "string"},
                      relationship_property_types=dict(sorted(rel_kinds.items())),
                      documents=sorted(set(documents.values())))


def _per_document(stated, edges, literals, rel_name, config: Config, kind_of, rel_kinds) -> list[Relationship]:
    """One relationship per plan for each per-document triple, with the plan's evidence."""
    document_of = {s: o for s, p, o in edges if p == IN_DOCUMENT}
    first: dict[tuple[str, str], tuple[int, int, str]] = {}
    for s, p, o in edges:
        if p != TA_IDENT_REF or s not in document_of:
            continue
        props = literals.get(s, {})
        try:
            begin = int(min(v for v, _, _ in props[BEGIN_INDEX]))
            end = int(min(v for v, _, _ in props.get(END_INDEX, {("0", None, "")})))
        except (KeyError, ValueError):
            continue
        sentence = min((v for v, _, _ in props.get(SENTENCE, ())), default="")
        key = (document_of[s], o)
        if key not in first or (begin, end, sentence) < first[key]:
            first[key] = (begin, end, sentence)
    rel_kinds.update({"document": "string", "evidence": "string"})
    out = []
    for document, s, p, o in sorted(stated):
        props: dict[str, Value] = {"document": document}
        for name, predicate in config.from_plan:
            raws = literals.get(document, {}).get(predicate)
            if raws:
                pname = property_name(predicate)
                raw = min(raws, key=lambda r: _preference(r, config.language))
                props[name] = _convert(raw[0], kind_of[pname])
                rel_kinds[name] = kind_of[pname]
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


def project(ws: "Workspace", config: Config | None = None) -> Projection:
    """The projection of a workspace: its plans' graphs and the reference graphs of the config."""
    config = config or Config.load()
    documents = {entry["graph"]: iri.document(key) for key, entry in ws.documents.items()}
    graphs = sorted(documents) + [g for g in config.reference_graphs if g not in documents]
    subclass_of, classes = ontology_terms(ws)

    def quads():
        for g in graphs:
            yield from ws.quads(g)

    return project_quads(quads(), subclass_of=subclass_of, classes=classes, documents=documents, config=config)
