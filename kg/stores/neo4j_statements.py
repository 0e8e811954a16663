"""The Cypher statements that put a projection into Neo4j, batch by batch.

One plan serves both the pusher (kg/stores/neo4j.py sends each statement with its parameters
through the driver) and the cypher-shell script (kg/stores/cypher_script.py writes the same
statements with the parameters as literals). Values always travel in ``$rows`` and the other
parameters; only names (labels, relationship types) are written into the text, in backticks.

Nodes are merged on ``uri`` under the label ``Resource`` with n10s's own uniqueness constraint
(``n10s_unique_uri``), so a graph pushed here and one imported by n10s share their nodes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import ontology

from .. import iri
from ..project import RESOURCE, Node, Projection, Relationship, owner, property_name
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


def schema(projection: Projection) -> list[Statement]:
    """Uniqueness constraints on ``uri`` (n10s's on Resource, one per primary label) and an index
    on the ``document`` of relationships stated once per plan."""
    out = [Statement(f"CREATE CONSTRAINT n10s_unique_uri IF NOT EXISTS FOR (r:{RESOURCE}) "
                     f"REQUIRE r.uri IS UNIQUE", kind="schema")]
    for label in sorted({n.label for n in projection.nodes} - {RESOURCE}):
        out.append(Statement(f"CREATE CONSTRAINT {identifier(label + '_uri')} IF NOT EXISTS "
                             f"FOR (n:{identifier(label)}) REQUIRE n.uri IS UNIQUE", kind="schema"))
    for rel_type in sorted(_per_document_types(projection.relationships)):
        out.append(Statement(f"CREATE INDEX {identifier(rel_type.lower() + '_document')} IF NOT EXISTS "
                             f"FOR ()-[r:{identifier(rel_type)}]-() ON (r.document)", kind="schema"))
    return out


def _per_document_types(relationships: Iterable[Relationship]) -> set[str]:
    return {r.type for r in relationships if "document" in r.properties}


def _batches(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


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


def node_statements(nodes: list[Node], size: int = BATCH_SIZE, withhold: set[str] = frozenset()) -> list[Statement]:
    """``UNWIND $rows MERGE`` batches, one statement text per set of labels. The version of the
    plans in ``withhold`` is left out here and set last, so a push cut short is redone."""
    groups: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    for node in nodes:
        props = node.properties
        if node.uri in withhold:
            props = {k: v for k, v in props.items() if k != VERSION_PROPERTY}
        groups[tuple(sorted(set(node.labels) - {RESOURCE}))].append({"uri": node.uri, "properties": props})
    out = []
    for labels, rows in sorted(groups.items()):
        add_labels = f" SET n:{':'.join(identifier(lab) for lab in labels)}" if labels else ""
        text = (f"UNWIND $rows AS row MERGE (n:{RESOURCE} {{uri: row.uri}}) "
                f"SET n = row.properties{add_labels}")
        out.extend(Statement(text, {"rows": batch}, "nodes") for batch in _batches(rows, size))
    return out


def relationship_statements(relationships: list[Relationship], size: int = BATCH_SIZE) -> list[Statement]:
    """``UNWIND $rows … MERGE`` batches, one statement text per relationship type; a relationship
    stated once per plan is merged on its ``document``."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for rel in relationships:
        groups[rel.type].append({"start": rel.start, "end": rel.end, "properties": rel.properties})
    keyed = _per_document_types(relationships)
    out = []
    for rel_type, rows in sorted(groups.items()):
        has_props = any(row["properties"] for row in rows)
        key = " {document: row.properties.document}" if rel_type in keyed else ""
        text = (f"UNWIND $rows AS row MATCH (a:{RESOURCE} {{uri: row.start}}) MATCH (b:{RESOURCE} {{uri: row.end}}) "
                f"MERGE (a)-[r:{identifier(rel_type)}{key}]->(b)" + (" SET r = row.properties" if has_props else ""))
        out.extend(Statement(text, {"rows": batch}, "relationships") for batch in _batches(rows, size))
    return out


def mark_documents(nodes: list[Node], documents: set[str]) -> list[Statement]:
    """Set the plans' versions, the last step of their replacement."""
    rows = [{"uri": n.uri, "version": n.properties[VERSION_PROPERTY]} for n in nodes
            if n.uri in documents and VERSION_PROPERTY in n.properties]
    if not rows:
        return []
    return [Statement(f"UNWIND $rows AS row MATCH (n:{RESOURCE} {{uri: row.uri}}) "
                      f"SET n.{identifier(VERSION_PROPERTY)} = row.version", {"rows": rows}, "mark")]


def prune(projection: Projection) -> list[Statement]:
    """Remove shared nodes of this tool's IRIs that nothing links to any more and the projection
    no longer holds (an organization only an earlier version of a plan named)."""
    keep = sorted(n.uri for n in projection.nodes if owner(n.uri, set(projection.documents)) is None)
    return [Statement(f"MATCH (n:{RESOURCE}) WHERE n.uri STARTS WITH $base AND NOT n.uri STARTS WITH $documents "
                      f"AND NOT (n)--() AND NOT n.uri IN $keep DELETE n",
                      {"base": iri.BASE, "documents": iri.BASE + "doc/", "keep": keep}, "prune")]


def plan(projection: Projection, replace: Iterable[str] | None = None, size: int = BATCH_SIZE) -> list[Statement]:
    """Every statement of a push, in order: schema; for each plan to replace (all when None),
    delete its old subgraph; merge the shared nodes and those plans' nodes; merge their
    relationships; set those plans' versions; prune.

    Plans not replaced are current in the database: their own nodes and relationships are not sent.
    """
    documents = set(projection.documents)
    replaced = documents if replace is None else set(replace) & documents
    owners = {n.uri: owner(n.uri, documents) for n in projection.nodes}
    nodes = [n for n in projection.nodes if owners[n.uri] is None or owners[n.uri] in replaced]

    def sent(rel: Relationship) -> bool:
        ends = {owners.get(rel.start), owners.get(rel.end)} - {None}
        if ends:
            return bool(ends & replaced)
        document = rel.properties.get("document")
        return document is None or document in replaced

    relationships = [r for r in projection.relationships if sent(r)]
    per_document = _per_document_types(projection.relationships)
    return (schema(projection)
            + delete_documents(sorted(replaced), per_document)
            + node_statements(nodes, size, withhold=replaced)
            + relationship_statements(relationships, size)
            + mark_documents(projection.nodes, replaced)
            + prune(projection))
