"""A quick reading of ``ontology/shapes.ttl`` that tells which focus nodes surely conform.

pyshacl takes about half a second for one plan's graph; most plans conform. This module
reads the shapes once and checks the constraint components they use (counts, datatypes,
patterns, languages, classes, closed shapes, ``sh:or``/``sh:xone``, SPARQL constraints) in
plain Python over pyoxigraph terms. Its answer is never "conforms" where pyshacl would find
a violation: where it is not certain (a lexical form it does not know, a language range, a
component it does not read) it says "suspect", and the caller asks pyshacl, whose report is
the one printed. A shapes file using a component not read here makes every node suspect.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Callable, Iterable

import pyoxigraph as ox

from ontology.namespaces import RDF, RDFS, SH, XSD

RDF_TYPE = RDF.type
RDF_FIRST, RDF_REST, RDF_NIL = RDF + "first", RDF + "rest", RDF + "nil"
LANG_STRING = RDF.langString
SUBCLASS_OF = RDFS.subClassOf

# Lexical forms surely valid for their datatype (a form outside these is left to pyshacl).
LEXICAL = {XSD + name: re.compile(pattern) for name, pattern in (
    ("integer", r"[+-]?[0-9]+"), ("nonNegativeInteger", r"\+?[0-9]+"),
    ("decimal", r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"), ("boolean", r"true|false|1|0"),
    ("date", r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"), ("gYear", r"[0-9]{4}"),
)}
LEXICAL[XSD + "string"] = re.compile(r"(?s).*")

# What a shape may say and still be read here; anything else leaves every node to pyshacl.
NODE_WORDS = {RDF_TYPE, SH + "targetClass", SH + "targetSubjectsOf", SH + "closed", SH + "ignoredProperties",
              SH + "property", SH + "or", SH + "xone", SH + "sparql", SH + "class", SH + "message",
              SH + "name", SH + "description"}
PROPERTY_WORDS = {RDF_TYPE, SH + "path", SH + "minCount", SH + "maxCount", SH + "datatype", SH + "pattern",
                  SH + "languageIn", SH + "class", SH + "nodeKind", SH + "hasValue", SH + "uniqueLang",
                  SH + "minInclusive", SH + "message", SH + "name", SH + "description"}
SPARQL_WORDS = {RDF_TYPE, SH + "message", SH + "prefixes", SH + "select"}


class Status:
    """How a node meets a constraint; the worse of two is the larger."""

    OK = 0              # surely conforms
    UNKNOWN = 1         # left to pyshacl
    BAD = 2             # surely does not


def _worst(statuses: Iterable[int]) -> int:
    return max(statuses, default=Status.OK)


class Unsupported(Exception):
    """The shapes use something this module does not read."""


@dataclass
class Shape:
    """A node shape, or a property shape when ``path`` is set."""

    path: str | None = None
    constraints: dict[str, list] = field(default_factory=dict)     # component IRI -> its values
    checks: list[tuple] = field(default_factory=list)              # a property shape's (check, argument)
    properties: list["Shape"] = field(default_factory=list)
    either: list["Shape"] = field(default_factory=list)            # sh:or
    one_of: list["Shape"] = field(default_factory=list)            # sh:xone
    sparql: list[str] = field(default_factory=list)                # SELECT queries, prefixes first
    closed: bool = False
    ignored: frozenset[str] = frozenset()
    allowed: frozenset[str] = frozenset()                           # a closed shape's predicates
    target_classes: tuple[str, ...] = ()
    target_subjects_of: tuple[str, ...] = ()


class Data:
    """One unit's triples, indexed for the checks: subject -> predicate -> objects."""

    def __init__(self, triples: Iterable[ox.Triple], superclasses: dict[str, set[str]], distinct: bool = False):
        """``distinct``: the caller vouches that no statement is given twice (triples or quads)."""
        self.triples = list(triples) if distinct else list(dict.fromkeys(triples))
        self.out: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.types: dict[object, set[str]] = defaultdict(set)
        self.subclass_stated = False
        for t in self.triples:
            predicate = t.predicate.value
            self.out[t.subject][predicate].append(t.object)
            if predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                self.types[t.subject].add(t.object.value)
            elif predicate == SUBCLASS_OF:
                self.subclass_stated = True
        self.superclasses = superclasses
        self.extra_types: dict[object, set[str]] = {}     # the ontology's, mixed in as pyshacl does
        self._classes: dict[object, frozenset[str]] = {}

    def classes(self, node) -> frozenset[str]:
        """Every class the node is an instance of: its types and the classes above them."""
        found = self._classes.get(node)
        if found is None:
            types = self.types.get(node, set()) | self.extra_types.get(node, set())
            found = frozenset(types).union(*(self.superclasses.get(t, ()) for t in types))
            self._classes[node] = found
        return found

    def is_a(self, node, cls: str) -> bool:
        return cls in self.classes(node)

    def values(self, node, path: str) -> list:
        return self.out.get(node, {}).get(path, [])


class Shapes:
    """The shapes of a SHACL file, read for the quick check."""

    def __init__(self, shapes: Iterable[ox.Triple], ontology: Iterable[ox.Triple]):
        self.graph: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in shapes:
            self.graph[t.subject][t.predicate.value].append(t.object)
        self.ontology = list(ontology)
        self.superclasses = _superclasses(self.ontology)
        self.ontology_types: dict[object, set[str]] = defaultdict(set)
        for t in self.ontology:
            if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                self.ontology_types[t.subject].add(t.object.value)
        self.unsupported = ""
        self.shapes: list[Shape] = []
        try:
            _only_explicit_targets(self.graph)
            roots = [s for s, props in self.graph.items()
                     if SH + "targetClass" in props or SH + "targetSubjectsOf" in props]
            self.shapes = [self._node_shape(s) for s in roots]
            if any(shape.sparql and shape.target_subjects_of for shape in self.shapes):
                raise Unsupported("a SPARQL constraint on the subjects of a predicate")
        except Unsupported as why:
            self.unsupported = str(why)
        # The classes whose instances SPARQL constraints start from.
        self.sparql_target_classes = frozenset(c for shape in self.shapes if shape.sparql for c in shape.target_classes)
        # The paths whose values must be of a class: the only nodes, besides the focus nodes,
        # whose types the checks here read.
        self.class_paths = frozenset(shape.path for shape in _every_shape(self.shapes)
                                     if any(check is _class for check, _ in shape.checks))

    # -- reading the shapes graph -------------------------------------------------------------
    def _one(self, node, word: str):
        values = self.graph[node].get(word, [])
        if len(values) != 1:
            raise Unsupported(f"{node} {word}: {len(values)} values")
        return values[0]

    def _list(self, head) -> list:
        items = []
        while head != ox.NamedNode(RDF_NIL):
            items.append(self._one(head, RDF_FIRST))
            head = self._one(head, RDF_REST)
        return items

    def _node_shape(self, node) -> Shape:
        props = self.graph[node]
        if SH + "path" in props:
            return self._property_shape(node)
        unknown = set(props) - NODE_WORDS
        if unknown:
            raise Unsupported(f"{node}: {sorted(unknown)}")
        shape = Shape()
        shape.target_classes = tuple(c.value for c in props.get(SH + "targetClass", []))
        shape.target_subjects_of = tuple(p.value for p in props.get(SH + "targetSubjectsOf", []))
        shape.closed = any(v.value == "true" for v in props.get(SH + "closed", []))
        shape.ignored = frozenset(v.value for head in props.get(SH + "ignoredProperties", [])
                                  for v in self._list(head))
        shape.properties = [self._property_shape(p) for p in props.get(SH + "property", [])]
        shape.allowed = shape.ignored | {p.path for p in shape.properties}
        shape.either = [self._node_shape(m) for head in props.get(SH + "or", []) for m in self._list(head)]
        shape.one_of = [self._node_shape(m) for head in props.get(SH + "xone", []) for m in self._list(head)]
        if len(props.get(SH + "or", [])) > 1 or len(props.get(SH + "xone", [])) > 1:
            raise Unsupported(f"{node}: more than one sh:or or sh:xone")
        shape.sparql = [self._select(q) for q in props.get(SH + "sparql", [])]
        if SH + "class" in props:
            shape.constraints[SH + "class"] = props[SH + "class"]
        return shape

    def _property_shape(self, node) -> Shape:
        props = self.graph[node]
        unknown = set(props) - PROPERTY_WORDS
        if unknown:
            raise Unsupported(f"{node}: {sorted(unknown)}")
        path = self._one(node, SH + "path")
        if not isinstance(path, ox.NamedNode):
            raise Unsupported(f"{node}: a path that is not a predicate")
        shape = Shape(path=path.value)
        for word, values in props.items():
            if word == SH + "languageIn":
                shape.checks.append((_language_in, {v.value.lower() for head in values for v in self._list(head)}))
            elif word in (SH + "minCount", SH + "maxCount"):
                shape.checks += [(CHECKS[word], int(v.value)) for v in values]
            elif word == SH + "pattern":
                shape.checks += [(_pattern, re.compile(v.value)) for v in values]
            elif word in CHECKS:
                shape.checks += [(CHECKS[word], v) for v in values]
        return shape

    def _select(self, node) -> str:
        props = self.graph[node]
        unknown = set(props) - SPARQL_WORDS
        if unknown:
            raise Unsupported(f"{node}: {sorted(unknown)}")
        prefixes = []
        for source in props.get(SH + "prefixes", []):
            for declared in self.graph[source].get(SH + "declare", []):
                prefix = self._one(declared, SH + "prefix").value
                namespace = self._one(declared, SH + "namespace").value
                prefixes.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(prefixes) + "\n" + self._one(node, SH + "select").value

    # -- checking -----------------------------------------------------------------------------
    def suspects(self, data: Data, owned: set, sparql: "SparqlAsker | None" = None) -> set:
        """The focus nodes among ``owned`` that may not conform (every one of them when the
        shapes or the data hold what is not read here). ``sparql(query, focus)``, when given,
        answers the SPARQL constraints (the focus nodes a query selects) in place of the data."""
        if self.unsupported or data.subclass_stated:
            return set(owned)
        data.extra_types = self.ontology_types
        targets = Targets(data, owned)
        found = set()
        for shape in self.shapes:
            focus = targets.of(shape)
            found.update(node for node in focus if self._status(shape, node, data) != Status.OK)
            if shape.sparql and focus:
                found.update(self._sparql_suspects(shape, data, focus) if sparql is None
                             else {node for query in shape.sparql for node in sparql(query, focus)})
        return found

    def _status(self, shape: Shape, node, data: Data) -> int:
        if shape.path is not None:
            return _values_status(shape, node, data.values(node, shape.path), data)
        statuses = [self._properties_status(shape, node, data)]
        for cls in shape.constraints.get(SH + "class", []):
            statuses.append(Status.OK if data.is_a(node, cls.value) else Status.BAD)
        if shape.closed:
            statuses.append(Status.OK if shape.allowed.issuperset(data.out.get(node, ())) else Status.BAD)
        if shape.either:
            members = [self._status(m, node, data) for m in shape.either]
            statuses.append(Status.OK if Status.OK in members else
                            Status.BAD if all(m == Status.BAD for m in members) else Status.UNKNOWN)
        if shape.one_of:
            members = [self._status(m, node, data) for m in shape.one_of]
            statuses.append(Status.UNKNOWN if Status.UNKNOWN in members else
                            Status.OK if members.count(Status.OK) == 1 else Status.BAD)
        return _worst(statuses)

    @staticmethod
    def _properties_status(shape: Shape, node, data: Data) -> int:
        """The worst status of the node on the shape's property shapes (the most common
        check, inlined: it runs for every property of every focus node)."""
        out = data.out.get(node, {})
        worst = Status.OK
        for prop in shape.properties:
            status = _values_status(prop, node, out.get(prop.path, ()), data)
            if status > worst:
                if status == Status.BAD:
                    return status
                worst = status
        return worst

    def _sparql_suspects(self, shape: Shape, data: Data, focus: set) -> set:
        store = ox.Store()
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in data.triples)
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self.ontology)
        found = set()
        for query in shape.sparql:
            for solution in store.query(query):
                this = solution["this"]
                if this in focus:
                    found.add(this)
        return found


SparqlAsker = Callable[[str, set], set]


def _every_shape(shapes: list[Shape]) -> Iterable[Shape]:
    """The shapes and all the shapes within them (properties, sh:or and sh:xone members)."""
    for shape in shapes:
        yield shape
        yield from _every_shape(shape.properties + shape.either + shape.one_of)


class Targets:
    """The nodes of a unit's ``owned`` indexed by their classes and their predicates, so that a
    shape's focus nodes are found without going through every node once per shape."""

    def __init__(self, data: Data, owned: set):
        self.by_class: dict[str, set] = defaultdict(set)
        self.by_predicate: dict[str, set] = defaultdict(set)
        for node in owned:
            for cls in data.classes(node):
                self.by_class[cls].add(node)
            for predicate in data.out.get(node, ()):
                self.by_predicate[predicate].add(node)

    def of(self, shape: Shape) -> set:
        focus: set = set()
        for cls in shape.target_classes:
            focus |= self.by_class.get(cls, set())
        for predicate in shape.target_subjects_of:
            focus |= self.by_predicate.get(predicate, set())
        return focus


def _only_explicit_targets(graph: dict) -> None:
    """Raise Unsupported when a shape is targeted otherwise than by sh:targetClass or
    sh:targetSubjectsOf (sh:targetNode, sh:targetObjectsOf, a shape that is also a class)."""
    classes = {"http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"}
    for node, props in graph.items():
        if {SH + "targetNode", SH + "targetObjectsOf", SH + "target"} & set(props):
            raise Unsupported(f"{node}: a target not read here")
        types = {t.value for t in props.get(RDF_TYPE, [])}
        if SH + "NodeShape" in types and types & classes:
            raise Unsupported(f"{node}: an implicit class target")


def _superclasses(triples: list[ox.Triple]) -> dict[str, set[str]]:
    """Class -> every class above it (rdfs:subClassOf, transitively)."""
    direct: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == SUBCLASS_OF and isinstance(t.object, ox.NamedNode):
            direct[t.subject.value].add(t.object.value)
    closed: dict[str, set[str]] = {}
    for cls in direct:
        seen, todo = set(), list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        closed[cls] = seen
    return closed


def _values_status(shape: Shape, node, values: list, data: Data) -> int:
    """How the values of ``node`` on the shape's path meet its constraints."""
    worst = Status.OK
    for check, arg in shape.checks:
        status = check(values, arg, data)
        if status > worst:
            worst = status
    return worst


def _min_count(values, arg: int, data) -> int:
    return Status.OK if len(values) >= arg else Status.BAD


def _max_count(values, arg: int, data) -> int:
    return Status.OK if len(values) <= arg else Status.BAD


def _datatype(values, arg, data) -> int:
    for v in values:
        if not isinstance(v, ox.Literal) or v.datatype != arg:
            return Status.BAD
        if arg.value == LANG_STRING:
            continue
        lexical = LEXICAL.get(arg.value)
        if lexical is None or not lexical.fullmatch(v.value):
            return Status.UNKNOWN
    return Status.OK


def _pattern(values, pattern: re.Pattern, data) -> int:
    for v in values:
        if isinstance(v, ox.BlankNode) or not pattern.search(v.value):
            return Status.BAD
    return Status.OK


def _language_in(values, languages, data) -> int:
    for v in values:
        if not isinstance(v, ox.Literal) or not v.language:
            return Status.BAD
        if v.language.lower() not in languages:
            return Status.UNKNOWN
    return Status.OK


def _class(values, arg, data) -> int:
    return Status.OK if all(not isinstance(v, ox.Literal) and data.is_a(v, arg.value) for v in values) else Status.BAD


NODE_KINDS = {SH + "IRI": (ox.NamedNode,), SH + "BlankNode": (ox.BlankNode,), SH + "Literal": (ox.Literal,),
              SH + "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode), SH + "IRIOrLiteral": (ox.NamedNode, ox.Literal),
              SH + "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal)}


def _node_kind(values, arg, data) -> int:
    kinds = NODE_KINDS.get(arg.value)
    if kinds is None:
        return Status.UNKNOWN
    return Status.OK if all(isinstance(v, kinds) for v in values) else Status.BAD


def _has_value(values, arg, data) -> int:
    return Status.OK if arg in values else Status.BAD if not values else Status.UNKNOWN


def _unique_lang(values, arg, data) -> int:
    if arg.value != "true":
        return Status.OK
    langs = [v.language.lower() for v in values if isinstance(v, ox.Literal) and v.language]
    return Status.OK if len(langs) == len(set(langs)) else Status.BAD


def _min_inclusive(values, arg, data) -> int:
    try:
        bound = Decimal(arg.value)
        return Status.OK if all(isinstance(v, ox.Literal) and Decimal(v.value) >= bound for v in values) \
            else Status.UNKNOWN
    except InvalidOperation:
        return Status.UNKNOWN


CHECKS = {SH + "minCount": _min_count, SH + "maxCount": _max_count, SH + "datatype": _datatype,
          SH + "pattern": _pattern, SH + "languageIn": _language_in, SH + "class": _class,
          SH + "nodeKind": _node_kind, SH + "hasValue": _has_value, SH + "uniqueLang": _unique_lang,
          SH + "minInclusive": _min_inclusive}
