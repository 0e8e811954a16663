"""The Cypher statements that put a projection into Neo4j, batch by batch.

One plan serves both the pusher (kg/stores/neo4j.py sends each statement with its parameters
through the driver) and the cypher-shell script (kg/exports/cypher_script.py writes the same
statements with the parameters as literals). Values always travel in ``$rows`` and the other
parameters; only names (labels, relationship types) are written into the text, in backticks.

Nodes are merged on ``uri`` under the label ``Resource`` with n10s's own uniqueness constraint
(``n10s_unique_uri``), so a graph pushed here and one imported by n10s share their nodes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Iterator

import ontology

from .. import iri
from ..mapping import RESOURCE, Node, Projection, Relationship, owner, property_name
from ..stores.cypher_stream import Stream, stream_of
from .cypher_text import identifier

BATCH_SIZE = 1000
VERSION_PROPERTY = property_name(str(ontology.CYL["sha256"]))   # a plan's version: its file's sha256


@dataclass(frozen=True)
class Statement:
    """One statement and its parameters; ``kind`` says what it does (schema, delete, nodes, …)."""

    text: str
    params: dict = field(default_factory=dict)
    kind: str = "data"

    @property
    def rows(self) -> list:
        return self.params.get("rows", [])


def schema(labels: Iterable[str], per_document_types: Iterable[str]) -> list[Statement]:
    """Uniqueness constraints on ``uri`` (n10s's on Resource, one per primary label) and an index
    on the ``document`` of relationships stated once per plan."""
    out = [Statement(f"CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:{RESOURCE}) "
                     f"REQUIRE r.uri IS UNIQUE", kind="schema")]
    for label in sorted(set(labels) - {RESOURCE}):
        out.append(Statement(f"CREATE CONSTRAINT {identifier(label + '_uri')} IF NOT EXISTS "
                             f"FOR (n:{identifier(label)}) REQUIRE n.uri IS UNIQUE", kind="schema"))
    for rel_type in sorted(per_document_types):
        out.append(Statement(f"CREATE INDEX {identifier(rel_type.lower() + '_document')} IF NOT EXISTS "
                             f"FOR ()-[r:{identifier(rel_type)}]-() ON (r.document)", kind="schema"))
    return out


def delete_documents(documents: list[str], per_document_types: Iterable[str]) -> list[Statement]:
    """Remove the plans' own nodes (the plan and every node minted under its IRI) and the
    relationships they stated about shared nodes; one statement per plan keeps transactions small."""
    out = []
    for document in documents:
        out.append(Statement(f"MATCH (n:{RESOURCE}) WHERE n.uri = $document OR n.uri STARTS WITH $prefix "
                             f"DETACH DELETE n", {"document": document, "prefix": document + "/"}, "delete"))
        for rel_type in sorted(per_document_types):
            out.append(Statement(f"MATCH ()-[r:{identifier(rel_type)}]->() WHERE r.document = $document DELETE r",
                                 {"document": document}, "delete"))
    return out


def node_text(labels: Iterable[str]) -> str:
    """``UNWIND $rows MERGE`` of nodes with these labels (besides Resource)."""
    names = sorted(set(labels) - {RESOURCE})
    add_labels = f" SET n:{':'.join(identifier(lab) for lab in names)}" if names else ""
    return f"UNWIND $rows AS row MERGE (n:{RESOURCE} {{uri: row.uri}}) SET n = row.properties{add_labels}"


def relationship_text(rel_type: str, keyed: bool, has_properties: bool) -> str:
    """``UNWIND $rows … MERGE`` of relationships of one type; one stated once per plan is merged
    on its ``document``."""
    key = " {document: row.properties.document}" if keyed else ""
    return (f"UNWIND $rows AS row MATCH (a:{RESOURCE} {{uri: row.start}}) MATCH (b:{RESOURCE} {{uri: row.end}}) "
            f"MERGE (a)-[r:{identifier(rel_type)}{key}]->(b)" + (" SET r = row.properties" if has_properties else ""))


class _Batches:
    """Rows gathered into batches of ``size`` per statement text. A relationship batch goes out
    only after every node batch gathered so far, so the nodes it matches are already merged."""

    def __init__(self, size: int, per_document_types: set[str]):
        self.size, self.keyed = size, per_document_types
        self.nodes: dict[str, list[dict]] = {}
        self.relationships: dict[str, list[dict]] = {}

    def add_nodes(self, nodes: Iterable[Node], withhold: str | None = None) -> Iterator[Statement]:
        for node in nodes:
            props = node.properties
            if node.uri == withhold:
                props = {k: v for k, v in props.items() if k != VERSION_PROPERTY}
            text = node_text(node.labels)
            rows = self.nodes.setdefault(text, [])
            rows.append({"uri": node.uri, "properties": props})
            if len(rows) >= self.size:
                yield Statement(text, {"rows": self.nodes.pop(text)}, "nodes")

    def add_relationships(self, relationships: Iterable[Relationship]) -> Iterator[Statement]:
        for rel in relationships:
            text = relationship_text(rel.type, rel.type in self.keyed, bool(rel.properties))
            rows = self.relationships.setdefault(text, [])
            rows.append({"start": rel.start, "end": rel.end, "properties": rel.properties})
            if len(rows) >= self.size:
                yield from self.flush_nodes()
                yield Statement(text, {"rows": self.relationships.pop(text)}, "relationships")

    def flush_nodes(self) -> Iterator[Statement]:
        for text in sorted(self.nodes):
            yield Statement(text, {"rows": self.nodes.pop(text)}, "nodes")

    def flush(self) -> Iterator[Statement]:
        yield from self.flush_nodes()
        for text in sorted(self.relationships):
            yield Statement(text, {"rows": self.relationships.pop(text)}, "relationships")


def mark_documents(versions: dict[str, object]) -> list[Statement]:
    """Set the plans' versions, the last step of their replacement."""
    rows = [{"uri": uri, "version": version} for uri, version in sorted(versions.items()) if version is not None]
    if not rows:
        return []
    return [Statement(f"UNWIND $rows AS row MATCH (n:{RESOURCE} {{uri: row.uri}}) "
                      f"SET n.{identifier(VERSION_PROPERTY)} = row.version", {"rows": rows}, "mark")]


def prune(keep: list[str]) -> list[Statement]:
    """Remove shared nodes of this tool's IRIs that nothing links to any more and the projection
    no longer holds (an organization only an earlier version of a plan named)."""
    return [Statement(f"MATCH (n:{RESOURCE}) WHERE n.uri STARTS WITH $base AND NOT n.uri STARTS WITH $documents "
                      f"AND NOT (n)--() AND NOT n.uri IN $keep DELETE n",
                      {"base": iri.BASE, "documents": iri.BASE + "doc/", "keep": sorted(keep)}, "prune")]


def plan(projection: Projection | Stream, replace: Iterable[str] | None = None,
         size: int = BATCH_SIZE) -> Iterator[Statement]:
    """Every statement of a push, in order: schema; for each plan to replace (all when None),
    delete its old subgraph; merge the shared nodes and relationships, then those plans' own nodes
    and relationships, one plan at a time; set those plans' versions; prune.

    Plans not replaced are current in the database: their own nodes and relationships are not
    sent. A :class:`~kg.stores.cypher_stream.Stream` is planned one plan at a time, in bounded memory.
    """
    stream = projection if isinstance(projection, Stream) else stream_of(projection)
    documents = set(stream.documents)
    replaced = documents if replace is None else set(replace) & documents
    yield from schema(stream.label_properties, stream.per_document_types)
    yield from delete_documents(sorted(replaced), stream.per_document_types)
    batches = _Batches(size, stream.per_document_types)
    yield from batches.add_nodes(stream.shared_nodes)
    yield from batches.add_relationships(stream.shared_relationships)
    for nodes, relationships in stream.parts():
        document = next((owner(n.uri, documents) for n in nodes[:1]), None) or next(
            (r.properties.get("document") for r in relationships if "document" in r.properties), None)
        if document in replaced:
            yield from batches.add_nodes(nodes, withhold=document)
            yield from batches.add_relationships(relationships)
    yield from batches.flush()
    yield from mark_documents({d: stream.plan_properties.get(d, {}).get(VERSION_PROPERTY) for d in replaced})
    yield from prune([n.uri for n in stream.shared_nodes])
