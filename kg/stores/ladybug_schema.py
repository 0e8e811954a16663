"""The tables the embedded Cypher database holds whatever the plans say.

Ladybug binds every property a query reads to a column of a table: a query reading ``w.identifier``
fails ("Cannot find property identifier") on a workspace where no plan has a 文号, and one
matching ``(:Region)`` fails where no plan names a region, while SPARQL leaves the cell blank.
So the database is given the schema the ontology declares, besides what the data holds: for each
class, a column for every literal property whose ``rdfs:domain`` is the class; for each object
property, a relationship table between the classes of its domain and range. Terms of other
vocabularies, which the ontology declares without a domain, take theirs from the ``[declared]``
tables of ``ontology/projection.toml``.

The ontology read is the workspace's graph and the installed ``ontology/cyl.ttl`` together: the
canned queries come with the installed code, and a workspace built before a property was added
still holds the older ontology until its next build.
"""
from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import pyoxigraph as ox

import ontology
from ontology.namespaces import OWL, RDF, RDFS

from .. import iri
from .. import mapping as mapping_module
from ..mapping import label_name, property_name, relationship_name
from .cypher_stream import Stream

if TYPE_CHECKING:
    from ..workspace import Workspace


@dataclass
class Declared:
    """What the ontology declares, as tables: node label -> property name -> type (a kind of
    :data:`kg.mapping.KINDS`, ``[]`` after it for a list), relationship type -> (from, to) label
    pairs, and the relationship types stated once per plan (which carry the plan's properties)."""

    properties: dict[str, dict[str, str]] = field(default_factory=dict)
    relationships: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    per_document: set[str] = field(default_factory=set)

    def labels(self) -> set[str]:
        """Every label a declared table needs: those with properties and those relationships join."""
        return set(self.properties) | {label for pairs in self.relationships.values() for pair in pairs
                                       for label in pair}


def declared(ws: "Workspace", stream: Stream, config: Path | None = None) -> Declared:
    """The tables the workspace's ontology graph and ``projection.toml`` declare, named as the
    stream names its labels, properties and relationship types."""
    stores = (ws.store, installed_ontology())
    subclass_of = sorted({(c, d) for store in stores for c, d in _rows(store, SUBCLASS_OF)})
    classes = sorted({c for store in stores for (c,) in _rows(store, CLASSES)})
    literal_domains = sorted({row for store in stores for row in _domains(store, "DatatypeProperty")})
    object_domains = sorted({row for store in stores for row in _domains(store, "ObjectProperty")})
    data = tomllib.loads((config or mapping_module.CONFIG).read_text("utf-8"))
    section = data.get("declared", {})
    ranges = section.get("ranges", {})
    for cls, predicates in section.get("properties", {}).items():
        for p in predicates:
            literal_domains.append((p, cls, ranges.get(p)))
    for p, pairs in section.get("relationships", {}).items():
        for domain, range_ in pairs:
            object_domains.append((p, domain, range_))
    settings = mapping_module.Config.load(config or mapping_module.CONFIG)
    return from_terms(literal_domains, object_domains, subclass_of, classes, settings, stream)


def from_terms(literal_domains: Iterable[tuple[str, str, str | None]],
               object_domains: Iterable[tuple[str, str, str | None]],
               subclass_of: Iterable[tuple[str, str]], classes: Iterable[str],
               config: "mapping_module.Config", stream: Stream) -> Declared:
    """The tables of (predicate, domain class, range) triples of literal and object properties.

    A domain or range class stands for the classes a node of it is filed under: itself and the
    classes that specialise it, less those that others specialise in turn (no node is filed
    under ``Plan`` when ``WorkPlan`` specialises it)."""
    ancestors = mapping_module.ancestors(subclass_of)
    known = set(classes) | set(ancestors) | {a for up in ancestors.values() for a in up}
    broader = {a for up in ancestors.values() for a in up}

    def filed(cls: str) -> list[str]:
        below = [c for c in known if (c == cls or cls in ancestors.get(c, ())) and c not in broader]
        return sorted({label_name(c) for c in below}) or [label_name(cls)]

    out = Declared()
    for p, domain, range_ in literal_domains:
        if p in config.omit_props:
            continue
        kind = mapping_module.value_kind(range_ or "") + ("[]" if p in config.multival_props else "")
        for label in filed(domain):
            out.properties.setdefault(label, {}).setdefault(property_name(p), kind)
    mapping = stream.mapping
    label_set = mapping.label_set if mapping is not None else {label_name(c) for c in known}

    def rel_name(p: str) -> str:
        return mapping.rel_name(p) if mapping is not None else relationship_name(p, label_set)

    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for p, domain, range_ in object_domains:
        if range_ is None or p in config.omit_props:
            continue
        name = rel_name(p)
        pairs[name].update((start, end) for start in filed(domain) for end in filed(range_))
        if p in config.per_document:
            out.per_document.add(name)
    out.relationships = dict(pairs)
    return out


PREFIXES = f"PREFIX owl: <{OWL}> PREFIX rdfs: <{RDFS}> PREFIX rdf: <{RDF}> "
SUBCLASS_OF = PREFIXES + f"""SELECT ?c ?d WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
    ?c rdfs:subClassOf ?d . FILTER(isIRI(?c) && isIRI(?d)) }} }}"""
CLASSES = PREFIXES + f"""SELECT DISTINCT ?c WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
    ?c a owl:Class . FILTER(isIRI(?c)) }} }}"""


def installed_ontology() -> ox.Store:
    """The installed ontology in a store of its own, in the graph a workspace keeps it in."""
    store = ox.Store()
    store.load(path=str(ontology.ONTOLOGY), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iri.ONTOLOGY_GRAPH))
    return store


def _rows(store: ox.Store, sparql: str) -> list[tuple]:
    """A SELECT's rows as tuples of values (None where unbound)."""
    return [tuple(None if term is None else term.value for term in solution) for solution in store.query(sparql)]


def _domains(store: ox.Store, kind: str) -> list[tuple[str, str, str | None]]:
    """(property, domain class, range class or datatype) of the ontology's properties of a kind
    (``DatatypeProperty`` or ``ObjectProperty``) that declare a domain; a union of classes as
    domain or range gives each of its classes."""
    return _rows(store, PREFIXES + f"""
        SELECT DISTINCT ?p ?d ?r WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
            ?p a owl:{kind} ; rdfs:domain ?domain .
            ?domain (owl:unionOf/rdf:rest*/rdf:first)? ?d . FILTER(isIRI(?d))
            OPTIONAL {{ ?p rdfs:range ?range . ?range (owl:unionOf/rdf:rest*/rdf:first)? ?r . FILTER(isIRI(?r)) }}
            FILTER(isIRI(?p)) }} }}""")


def extend(stream: Stream, tables: Declared) -> Stream:
    """The stream with the declared properties among its labels' properties and its property
    types (a property the data holds keeps the kind of its values), and the per-plan
    relationships' properties when no plan states one."""
    types = dict(stream.node_property_types)
    label_properties = {label: set(props) | {"uri"} for label, props in stream.label_properties.items()}
    for label in sorted(tables.labels()):
        label_properties.setdefault(label, {"uri"})
    for label, props in sorted(tables.properties.items()):
        for name, kind in sorted(props.items()):
            types.setdefault(name, kind)
            label_properties[label].add(name)
    rel_types = dict(stream.relationship_property_types)
    if tables.per_document and not rel_types:
        rel_types = per_document_properties(types)
    return replace(stream, node_property_types=types, label_properties=label_properties,
                   relationship_property_types=rel_types)


def per_document_properties(node_types: dict[str, str], config: "mapping_module.Config | None" = None) -> dict[str, str]:
    """The properties of a relationship stated once per plan (see ``[per_document]`` in
    projection.toml): the plan, the evidence sentence and the plan's properties named there."""
    config = config or mapping_module.Config.load()
    kinds = {"document": "string", "evidence": "string"}
    for name, predicate in config.from_plan:
        kinds[name] = node_types.get(property_name(predicate), "string").removesuffix("[]")
    return dict(sorted(kinds.items()))
