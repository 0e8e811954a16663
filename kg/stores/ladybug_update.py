"""Updating the embedded Cypher database in place, for a few plans changed.

After a build that changed a few plans, the database is updated instead of rebuilt: the old
versions of those plans are taken out of the counted summary of what all plans share (the
collector, kept in DIR/cypher.state), the new ones put in, and the database gets the
difference: the plans' own nodes and relationships replaced, the shared nodes they name
given their merged properties afresh, shared relationships no plan states any more removed.
Whatever would change a table (a new label, property or kind of value) rebuilds instead.
"""
from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..mapping import Config, Mapping, Node, Relationship, Statements, gather, owned_by
from . import cypher_cache
from .cypher_cache import CACHE, read_cached, write_cached
from .cypher_stream import Part, Collector, no_gc
from ..exports.cypher_text import identifier
from .ladybug_state import (DATABASE, buffer_pool_for, code_stamp, forget_state, read_state, signature, write_stamp,
                            write_state)

if TYPE_CHECKING:
    from ..workspace import Workspace

UPDATE_AT_MOST = 0.05      # beyond this share of the plans changed, a rebuild is faster than an update


class MustRebuild(Exception):
    """The database cannot be updated in place; the message says why."""


def update(ws: "Workspace", folder: Path | None = None) -> dict:
    """Update the database in place for the plans changed since it was made; MustRebuild when
    it must be rebuilt instead (no state, other code, too many plans changed, a table would change)."""
    # The state holds a million small objects: with the collector on, reading it took 2.5 times
    # as long (each generation-2 pass walks all of them), and nothing here makes cycles to collect.
    with no_gc():
        return _update(ws, Path(folder or ws.path))


def _update(ws: "Workspace", folder: Path) -> dict:
    started = time.perf_counter()
    state = _usable_state(ws, folder)
    plans = _changed_plans(ws, state)
    change = _recount(state, plans)
    _check_tables(state["tables"], change)
    forget_state(folder)          # from here on, a failure leaves a database to rebuild
    difference = _difference(change, plans)
    fresh = _apply(folder / DATABASE, state["tables"], difference, change)
    counts = _counts(state["counts"], difference, change, fresh)
    _keep_state(ws, folder, state, plans, change.collector, counts)
    return write_stamp(ws, folder, *counts, started, f"updated ({len(plans.changed) + len(plans.removed)} plans)")


def _usable_state(ws: "Workspace", folder: Path) -> dict:
    """The state the database was left in, if an update can start from it."""
    state = read_state(folder)
    if (state is None or state.get("code") != code_stamp() or not (folder / DATABASE).is_file()
            or state["reference"] != ws.manifest.get("reference", {})):
        raise MustRebuild("no state, other code or reference graphs changed")
    return state


@dataclass
class _Plans:
    """The plans changed since the state was written: their graphs and statements, old and new."""

    versions: dict[str, str]                       # every plan graph -> its version now
    documents: dict[str, str]                      # every plan graph -> its plan
    old_versions: dict[str, str]                   # every plan graph -> its version in the database
    changed: list[str]
    removed: list[str]
    old: list[tuple[str, Statements]]             # (plan, statements) as the database holds them
    new: list[tuple[str, Statements]]             # (plan, statements) as the workspace holds them


def _changed_plans(ws: "Workspace", state: dict) -> _Plans:
    """The plans changed and removed, with their statements old and new, from the projection
    cache (the new ones from the store when missing there)."""
    versions = cypher_cache.versions(ws)
    old_versions = state["versions"]
    changed = sorted(g for g in versions if old_versions.get(g) != versions[g])
    removed = sorted(g for g in old_versions if g not in versions)
    if len(changed) + len(removed) > max(1, UPDATE_AT_MOST * len(versions)):
        raise MustRebuild("too many plans changed")
    documents = {entry["graph"]: iri_document(key, entry) for key, entry in ws.documents.items()}
    cache = ws.path / CACHE
    old = []
    for g in changed + removed:
        if g in old_versions:
            f = read_cached(cache, g, old_versions[g])
            if f is None:
                raise MustRebuild("old version not cached")          # the old version's statements are gone: rebuild
            old.append((state["documents"][g], f))
    new = []
    config = Config.load()
    for g in changed:
        f = read_cached(cache, g, versions[g])
        if f is None:
            f = gather(ws.quads(g), documents, config)
            write_cached(cache, g, versions[g], f, documents[g])
        new.append((documents[g], f))
    return _Plans(versions, documents, old_versions, changed, removed, old, new)


@dataclass
class _Recount:
    """What the plans share, before and after the change, around the nodes and edges it touches."""

    collector: Collector
    before: Mapping
    after: Mapping
    old_shared: dict[str, Node]                    # shared nodes the changed plans name, before
    new_shared: dict[str, Node]                    # and after
    old_edges: set[tuple[str, str, str]]           # edges among shared nodes they state, before
    new_edges: set[tuple[str, str, str]]
    parts: list[Part]                              # the changed plans' new parts
    label_of: dict[str, str]                       # node -> its table, for the nodes touched

    @property
    def new_relationships(self) -> list[Relationship]:
        """Relationships among shared nodes that no plan stated before."""
        return self.after.shared_relationships(self.new_edges - self.old_edges)

    @property
    def gone_relationships(self) -> list[Relationship]:
        """Relationships among shared nodes that no plan states any more."""
        return self.before.shared_relationships(self.old_edges - self.new_edges)

    def label(self, uri: str) -> str:
        return _label(uri, self.label_of, self.collector)


def _recount(state: dict, plans: _Plans) -> _Recount:
    """Take the old versions of the plans out of the counted collector and put the new ones in;
    MustRebuild when the tables' schema would change."""
    config = Config.load()
    collector = state["collector"]
    before = Mapping(collector, state["classes"], config)
    shared_uris, shared_edges = set(), set()
    for document, f in plans.old + plans.new:
        own = owned_by(document)
        shared_uris.update(u for u in f.nodes if not own(u))
        shared_edges.update(e for e in f.edges if not own(e[0]) and not own(e[2]))
    old_shared = {n.uri: n for n in before.shared_nodes(shared_uris)}
    old_edges = {e for e in shared_edges if e in collector.edges}
    for document, f in plans.old:
        collector.remove(f, document)
    for document, f in plans.new:
        collector.add(f, document)
    after = Mapping(collector, state["classes"], config)
    if signature(after) != state["signature"]:
        raise MustRebuild("schema changed")
    new_shared = {n.uri: n for n in after.shared_nodes(shared_uris)}
    new_edges = {e for e in shared_edges if e in collector.edges}
    parts = [after.part(document, f) for document, f in plans.new]
    label_of = {**{u: n.label for u, n in old_shared.items()}, **{u: n.label for u, n in new_shared.items()}}
    label_of.update((n.uri, n.label) for nodes, _ in parts for n in nodes)
    return _Recount(collector, before, after, old_shared, new_shared, old_edges, new_edges, parts, label_of)


def _check_tables(tables: dict, change: _Recount) -> None:
    """MustRebuild unless every node and relationship the change makes fits a table there is."""
    for uri, node in change.new_shared.items():
        columns = tables["nodes"].get(node.label)
        if (columns is None or not set(node.properties) <= set(columns)
                or (uri in change.old_shared and change.old_shared[uri].label != node.label)):
            raise MustRebuild("shared node moved or gained a column")
    for nodes, _ in change.parts:
        for n in nodes:
            if n.label not in tables["nodes"] or not set(n.properties) <= set(tables["nodes"][n.label]):
                raise MustRebuild("own node label/column new")
    for rel in change.new_relationships + [r for _, rels in change.parts for r in rels]:
        entry = tables["relationships"].get(rel.type)
        if (entry is None or [change.label(rel.start), change.label(rel.end)] not in entry["pairs"]
                or bool(rel.properties) != bool(entry["columns"])):
            raise MustRebuild("relationship table new")


def _difference(change: _Recount, plans: _Plans) -> "Difference":
    """What the database must lose and gain: the changed plans' parts, old against new."""
    old_parts = {document: change.before.part(document, f) for document, f in plans.old}
    new_parts = {document: part for (document, _), part in zip(plans.new, change.parts)}
    difference = Difference()
    for document in sorted(old_parts.keys() | new_parts.keys(), key=lambda d: d or ""):
        difference.add(old_parts.get(document, ([], [])), new_parts.get(document, ([], [])),
                       change.after.per_document_types)
    difference.gone_shared = [n for u, n in change.old_shared.items() if u not in change.new_shared]
    # Shared nodes whose merged properties the change leaves as they were are left alone.
    difference.shared = [n for u, n in sorted(change.new_shared.items())
                         if u not in change.old_shared or change.old_shared[u].properties != n.properties]
    difference.gone_edges = change.gone_relationships
    difference.new_edges = change.new_relationships
    return difference


def _counts(before: list[int], difference: "Difference", change: _Recount, fresh: int) -> tuple[int, int]:
    """(nodes, relationships) after the change. The totals follow from the difference (a plan's
    relationships are those of its part: shared relationships join shared nodes only); counting
    them in the database scans every table."""
    nodes = (before[0] - len(difference.gone_nodes) - len(difference.gone_shared) + fresh
             + len(difference.new_nodes))
    relationships = (before[1] - difference.gone_count - len(difference.gone_edges) + len(difference.new_edges)
                     + len(difference.new_rels))
    return nodes, relationships


def _keep_state(ws: "Workspace", folder: Path, state: dict, plans: _Plans, collector: Collector,
                counts: tuple[int, int]) -> None:
    """Write the state the next update starts from, and drop the old versions' cache files
    (not a walk of the whole cache)."""
    collector.plans = {}            # the plans' own literals: not needed to update, and they grow with the corpus
    state.update(versions=plans.versions, collector=collector, documents=plans.documents, counts=list(counts))
    cache = ws.path / CACHE
    for g in plans.changed + plans.removed:
        if g in plans.old_versions and plans.versions.get(g) != plans.old_versions[g]:
            with contextlib.suppress(OSError):
                cypher_cache.cache_file(cache, g, plans.old_versions[g]).unlink()
    write_state(folder, state)


def iri_document(key: str, entry: dict) -> str:
    from ..workspace import plan_of
    return plan_of(key, entry)


def _label(uri: str, label_of: dict[str, str], collector) -> str:
    found = label_of.get(uri)
    if found is None:
        found = label_of[uri] = collector.labels(collector.types.get(uri))[0]
    return found


class Difference:
    """What the database must lose and gain to hold changed plans' new parts instead of their old
    ones: only the nodes and relationships that differ, since every change to a table costs its
    share of the closing checkpoint (a changed string rewrites its whole column, a deleted
    relationship its adjacency lists, whatever their size)."""

    def __init__(self) -> None:
        self.gone_nodes: list[Node] = []         # own nodes no longer there (DETACH DELETE)
        self.changed_nodes: list[Node] = []      # own nodes kept, with other numbers or dates (SET)
        self.new_nodes: list[Node] = []
        self.gone_rels: list[tuple[Relationship, str | None]] = []   # to delete a pair (and plan) at a time
        self.gone_count = 0                      # relationships gone, those of gone nodes included
        self.new_rels: list[Relationship] = []
        self.gone_shared: list[Node] = []        # shared nodes no plan names any more
        self.shared: list[Node] = []             # shared nodes new, or with merged properties changed
        self.gone_edges: list[Relationship] = []     # relationships among shared nodes no plan states any more
        self.new_edges: list[Relationship] = []      # and those no plan stated before

    def add(self, old: Part, new: Part, per_document_types: set[str]) -> None:
        """Add the difference between one plan's old part and its new one (either may be empty)."""
        old_nodes = {n.uri: n for n in old[0]}
        new_nodes = {n.uri: n for n in new[0]}
        gone = {uri for uri, n in old_nodes.items()
                if uri not in new_nodes or new_nodes[uri].label != n.label or _strings_differ(n, new_nodes[uri])}
        self.gone_nodes.extend(old_nodes[u] for u in sorted(gone))
        for uri in sorted(new_nodes):
            node = new_nodes[uri]
            if uri in gone or uri not in old_nodes:
                self.new_nodes.append(node)
            elif node.properties != old_nodes[uri].properties:
                self.changed_nodes.append(node)
        # Relationships go by (type, start, end), and by plan too for a type stated per plan (two
        # plans may state it between the same two shared nodes); a pair whose relationships
        # differ in any way has all of them replaced.
        old_rels, new_rels = _by_pair(old[1], per_document_types), _by_pair(new[1], per_document_types)
        for k in sorted(old_rels.keys() | new_rels.keys()):
            before, after = old_rels.get(k, []), new_rels.get(k, [])
            replaced = k[1] in gone or k[2] in gone       # DETACH DELETE takes them: made again
            if not replaced and sorted(map(_properties_key, before)) == sorted(map(_properties_key, after)):
                continue
            self.gone_count += len(before)
            if before and not replaced:
                self.gone_rels.append((before[0], k[3] or None))
            self.new_rels.extend(after)


def _strings_differ(old: Node, new: Node) -> bool:
    """Whether a text or list property changed: such a node is deleted and made again rather than
    updated, since an updated string rewrites at the checkpoint the whole column of its node group
    (3.3 s for one plan's text among 10,000), a deleted node only its relationships' lists."""
    before, after = old.properties, new.properties
    return any(before.get(key) != after.get(key) for key in before.keys() | after.keys()
               if isinstance(before.get(key), (str, list)) or isinstance(after.get(key), (str, list)))


def _by_pair(rels: list[Relationship], per_document_types: set[str]) -> dict[tuple, list[Relationship]]:
    out: dict[tuple, list[Relationship]] = defaultdict(list)
    for rel in rels:
        document = str(rel.properties.get("document") or "") if rel.type in per_document_types else ""
        out[(rel.type, rel.start, rel.end, document)].append(rel)
    return out


def _properties_key(rel: Relationship) -> str:
    return repr(sorted(rel.properties.items()))


def _apply(database: Path, tables: dict, difference: Difference, change: _Recount) -> int:
    """Write the difference into the database; how many shared nodes it created."""
    import ladybug

    db = ladybug.Database(str(database), buffer_pool_size=buffer_pool_for(database=database))
    conn = ladybug.Connection(db)
    try:
        # One transaction: all of the difference or none of it; and statements in a transaction
        # cost a fifth of what they cost committed one by one.
        conn.execute("BEGIN TRANSACTION")
        _delete_gone(conn, difference, change)
        fresh = _set_kept(conn, tables, difference)
        _create_new(conn, tables, fresh + difference.new_nodes, difference.new_edges + difference.new_rels, change)
        conn.execute("COMMIT")
        return len(fresh)
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
        db.close()


def _delete_gone(conn, difference: Difference, change: _Recount) -> None:
    """Delete the relationships and nodes the change takes away."""
    for rel, document in difference.gone_rels:
        _delete_relationships(conn, rel, change, document)
    by_label: dict[str, list[str]] = defaultdict(list)
    for node in difference.gone_nodes + difference.gone_shared:
        by_label[node.label].append(node.uri)
    for label, uris in sorted(by_label.items()):
        conn.execute(f"UNWIND $uris AS u MATCH (n:{identifier(label)} {{uri: u}}) DETACH DELETE n", {"uris": uris})
    for rel in difference.gone_edges:
        _delete_relationships(conn, rel, change, None)


def _set_kept(conn, tables: dict, difference: Difference) -> list[Node]:
    """Give the nodes kept their new properties; the shared nodes the database lacks, to create."""
    shared = difference.shared
    existing = set()
    for label in sorted({n.label for n in shared}):
        uris = [n.uri for n in shared if n.label == label]
        result = conn.execute(f"UNWIND $uris AS u MATCH (n:{identifier(label)} {{uri: u}}) RETURN n.uri", {"uris": uris})
        while result.has_next():
            existing.add(result.get_next()[0])
    for node in [n for n in shared if n.uri in existing] + difference.changed_nodes:
        _set_properties(conn, node, tables["nodes"][node.label])
    return [n for n in shared if n.uri not in existing]


def _create_new(conn, tables: dict, nodes: list[Node], relationships: list[Relationship], change: _Recount) -> None:
    """Create the nodes, then the relationships, a statement per table: not COPY, which costs
    60-200 ms whatever its size, and a plan's difference touches a hundred (label, relationship) tables."""
    rows: dict[tuple, list] = defaultdict(list)
    for node in nodes:
        rows[("node", node.label)].append(node)
    for rel in relationships:
        rows[("rel", rel.type, change.label(rel.start), change.label(rel.end))].append(rel)
    for key in sorted(k for k in rows if k[0] == "node"):
        _create(conn, f"CREATE (x:{identifier(key[1])} {{PROPERTIES}})", rows[key],
                [c for c in tables["nodes"][key[1]]])
    for key in sorted(k for k in rows if k[0] == "rel"):
        _, rel_type, start, end = key
        _create_relationships(conn, rel_type, start, end, rows[key], tables["relationships"][rel_type]["columns"])


def _delete_relationships(conn, rel: Relationship, change: _Recount, document: str | None) -> None:
    """Delete the relationships of rel's type from its start to its end (those this plan states,
    when a document is given)."""
    where = " WHERE r.document = $document" if document is not None else ""
    conn.execute(f"MATCH (a:{identifier(change.label(rel.start))} {{uri: $s}})"
                 f"-[r:{identifier(rel.type)}]->(b:{identifier(change.label(rel.end))} "
                 f"{{uri: $o}}){where} DELETE r",
                 {"s": rel.start, "o": rel.end, **({"document": document} if document is not None else {})})


def _create_relationships(conn, rel_type: str, start: str, end: str, items: list[Relationship],
                          columns: list[str]) -> None:
    """Create relationships one statement each: matching both ends by primary key is an index
    lookup only when the keys are plain parameters (from a list, Ladybug scans the tables)."""
    head = f"MATCH (a:{identifier(start)} {{uri: $from}}), (b:{identifier(end)} {{uri: $to}}) CREATE (a)-[:{identifier(rel_type)}"
    for rel in items:
        present = [c for c in columns if rel.properties.get(c) is not None]
        props = ", ".join(f"{identifier(c)}: $p{i}" for i, c in enumerate(present))
        params = {"from": rel.start, "to": rel.end, **{f"p{i}": rel.properties[c] for i, c in enumerate(present)}}
        conn.execute(head + (f" {{{props}}}" if props else "") + "]->(b)", params)


def _create(conn, template: str, items: list, columns: list[str]) -> None:
    """Create nodes or relationships, one statement for them all: each column a list parameter.
    The template's ``PROPERTIES`` takes the properties; ``$from``/``$to`` name a relationship's ends."""
    params: dict[str, list] = {}
    for column in columns:
        if column == "from":
            values = [item.start for item in items]
        elif column == "to":
            values = [item.end for item in items]
        else:
            values = [item.properties.get(column) for item in items]
        if any(v is not None and v != [] for v in values):
            params[column] = [None if v == [] else v for v in values]
    names = {c: f"c{i}" for i, c in enumerate(params)}
    assignments = ", ".join(f"{identifier(c)}: ${names[c]}[i]" for c in params if c not in ("from", "to"))
    statement = template.replace("PROPERTIES", assignments).replace("$from[i]", f"${names.get('from')}[i]").replace(
        "$to[i]", f"${names.get('to')}[i]")
    conn.execute(f"UNWIND range(1, $n) AS i {statement}",
                 {"n": len(items), **{names[c]: v for c, v in params.items()}})


def _set_properties(conn, node: Node, columns: list[str]) -> None:
    """Give an existing node exactly these properties (the others NULL)."""
    assignments, params = [], {"uri": node.uri}
    for i, column in enumerate(c for c in columns if c != "uri"):
        value = node.properties.get(column)
        if value is None or value == []:
            assignments.append(f"n.{identifier(column)} = NULL")
        else:
            assignments.append(f"n.{identifier(column)} = $v{i}")
            params[f"v{i}"] = value
    if assignments:
        conn.execute(f"MATCH (n:{identifier(node.label)} {{uri: $uri}}) SET {', '.join(assignments)}", params)
