"""What a workspace holds, as a schema: the property graph's labels, relationship types and
properties (from the embedded Cypher database) and the RDF classes and properties (from the
store), each with how many nodes, relationships or statements carry it.

Counts are of distinct things: a label's nodes, a property's nodes that have a value, a
relationship type's relationships between two labels; an RDF class's distinct nodes, an RDF
property's distinct statements over the union of the plans' graphs and the program scheme's
(a program named by three plans is one node, its label one statement).
"""
from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .exports.cypher_text import identifier
from .mapping import label_name, superclasses


@dataclass
class Property:
    name: str
    type: str                        # the embedded database's type (STRING, INT64, DATE, STRING[] …)
    count: int                       # nodes or relationships with a value


@dataclass
class Label:
    label: str
    count: int
    neo4j_labels: list[str]          # the labels Neo4j gives these nodes besides this one
    properties: list[Property] = field(default_factory=list)


@dataclass
class RelationshipType:
    type: str
    start: str                       # the label it goes from
    end: str                         # the label it goes to
    count: int
    properties: list[Property] = field(default_factory=list)


@dataclass
class RdfClass:
    name: str                        # prefixed (cyl:WorkPlan)
    iri: str
    count: int
    label: str                       # the property graph's label for it


@dataclass
class RdfProperty:
    name: str
    iri: str
    object: str                      # IRI, or the literals' datatype (prefixed)
    count: int


@dataclass
class Schema:
    labels: list[Label]
    relationships: list[RelationshipType]
    classes: list[RdfClass]
    properties: list[RdfProperty]

    def as_dict(self) -> dict:
        return {"property_graph": {"labels": [asdict(x) for x in self.labels],
                                   "relationships": [asdict(x) for x in self.relationships]},
                "rdf": {"classes": [asdict(x) for x in self.classes],
                        "properties": [asdict(x) for x in self.properties]}}


def read(db: Path) -> Schema:
    """The schema of the workspace at db (its embedded Cypher database rebuilt first when stale)."""
    from .stores.ladybug import ensure
    from .workspace import Workspace

    database = ensure(Path(db))
    with Workspace(db, read_only=True) as ws:
        ancestors = superclasses(ws)
        classes, properties = _rdf(ws)
    labels, relationships = _property_graph(database, ancestors)
    return Schema(labels, relationships, classes, properties)


# -- the property graph --------------------------------------------------------------------------

@contextlib.contextmanager
def _reading(database: Path) -> Iterator[Callable[[str], list[list]]]:
    """One read-only connection to the embedded database, as a function from Cypher to rows."""
    import ladybug

    db = ladybug.Database(str(database), read_only=True)
    conn = ladybug.Connection(db)

    def rows(text: str) -> list[list]:
        result = conn.execute(text)
        out = []
        while result.has_next():
            out.append(result.get_next())
        return out

    try:
        yield rows
    finally:
        conn.close()
        db.close()


def _property_graph(database: Path, ancestors: dict[str, set[str]]) -> tuple[list[Label], list[RelationshipType]]:
    with _reading(database) as rows:
        tables = rows("CALL show_tables() RETURN name, type")
        extra = _neo4j_labels(ancestors)
        labels = []
        for (name,) in sorted([t[0]] for t in tables if t[1] == "NODE"):
            props = [(p[1], p[2]) for p in rows(f"CALL table_info({_quoted(name)}) RETURN *")]
            counted = rows(f"MATCH (n:{identifier(name)}) RETURN count(n)"
                           + "".join(f", count(n.{identifier(p)})" for p, _ in props))[0]
            if not counted[0]:
                continue
            labels.append(Label(name, counted[0], extra.get(name, []),
                                [Property(p, kind, n) for (p, kind), n in zip(props, counted[1:])]))
        relationships = []
        for (name,) in sorted([t[0]] for t in tables if t[1] == "REL"):
            props = [(p[1], p[2]) for p in rows(f"CALL table_info({_quoted(name)}) RETURN *")]
            for start, end, *_ in sorted(rows(f"CALL show_connection({_quoted(name)}) RETURN *")):
                counted = rows(f"MATCH (:{identifier(start)})-[r:{identifier(name)}]->(:{identifier(end)}) "
                               "RETURN count(r)" + "".join(f", count(r.{identifier(p)})" for p, _ in props))[0]
                if counted[0]:
                    relationships.append(RelationshipType(name, start, end, counted[0],
                                                          [Property(p, kind, n) for (p, kind), n in
                                                           zip(props, counted[1:])]))
        return labels, relationships


def _name(name: str) -> str:
    """A label, type or property as Cypher writes it: bare when it is a plain name, else in backticks."""
    return name if name.isidentifier() and name.isascii() and name.lower() not in _RESERVED else identifier(name)


_RESERVED = {"end", "start", "count", "order", "limit", "match", "return", "where", "with", "case", "in", "is",
             "not", "and", "or", "as", "by", "contains", "exists", "null", "true", "false", "desc", "asc", "skip",
             "union", "all", "distinct", "optional", "merge", "create", "delete", "set", "remove", "call", "yield",
             "unwind", "then", "else", "when", "xor", "starts", "ends", "from", "to", "on", "of", "group", "table"}


def _quoted(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _neo4j_labels(ancestors: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each label -> the labels of the classes it specialises, which Neo4j gives its nodes too
    and the embedded database does not (it files a node under its most specific label only)."""
    out: dict[str, set[str]] = {}
    for cls, supers in ancestors.items():
        out.setdefault(label_name(cls), set()).update(label_name(s) for s in supers)
    return {label: sorted(names - {label}) for label, names in out.items()}


# -- the RDF -------------------------------------------------------------------------------------

def _prefixed(value: str) -> str:
    from .results import short
    return short(value)


def _rdf(ws) -> tuple[list[RdfClass], list[RdfProperty]]:
    graphs = " ".join(f"<{g}>" for g in ws.data_graphs())
    _, class_rows = ws.query(f"""
SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s a ?c }} }}
GROUP BY ?c ORDER BY ?c""") if graphs else ([], [])
    _, property_rows = ws.query(f"""
SELECT ?p ?kind (COUNT(*) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }} }}
  BIND(IF(isIRI(?o), "IRI", IF(isBLANK(?o), "blank node", STR(DATATYPE(?o)))) AS ?kind)
}} GROUP BY ?p ?kind ORDER BY ?p ?kind""") if graphs else ([], [])
    classes = [RdfClass(_prefixed(c), c, int(n), label_name(c)) for c, n in class_rows]
    properties = [RdfProperty(_prefixed(p), p, kind if kind in ("IRI", "blank node") else _prefixed(kind), int(n))
                  for p, kind, n in property_rows]
    classes.sort(key=lambda c: c.name)
    properties.sort(key=lambda p: (p.name, p.object))
    return classes, properties


# -- output --------------------------------------------------------------------------------------

def labels_table(schema: Schema) -> str:
    """The labels, their node counts and the labels Neo4j adds, as a table."""
    from .results import as_table

    return as_table(["label", "nodes", "also in Neo4j"],
                    [[x.label, str(x.count), ", ".join(x.neo4j_labels)] for x in schema.labels])


def as_text(schema: Schema) -> str:
    """The schema as tables for reading."""
    from .results import as_table

    out = ["Property graph (the embedded Cypher database: kg query --cypher; Neo4j after kg push neo4j)", "",
           "labels (Neo4j gives each node the labels in `also in Neo4j` too; the embedded database only the first):"]
    out.append(labels_table(schema))
    out.append("node properties (nodes: how many have a value):")
    out.append(as_table(["label", "property", "type", "nodes"],
                        [[x.label, p.name, p.type, str(p.count)] for x in schema.labels for p in x.properties]))
    out.append("relationships (start)-[TYPE]->(end):")
    out.append(as_table(["type", "from", "to", "count", "properties"],
                        [[r.type, r.start, r.end, str(r.count), ", ".join(f"{p.name} {p.type}" for p in r.properties)]
                         for r in schema.relationships]))
    out += ["RDF (the store: kg query --sparql; every export)", "", "classes (nodes: distinct nodes of the class):"]
    out.append(as_table(["class", "nodes", "label"], [[c.name, str(c.count), c.label] for c in schema.classes]))
    out.append("properties (statements: distinct statements over the plans' graphs and the program scheme's):")
    out.append(as_table(["property", "object", "statements"],
                        [[p.name, p.object, str(p.count)] for p in schema.properties]))
    return "\n".join(out)


def as_json(schema: Schema) -> str:
    import json
    return json.dumps(schema.as_dict(), ensure_ascii=False, indent=1) + "\n"


def as_cypher(schema: Schema, limit: int = 5) -> str:
    """Example Cypher statements, one per label and one per relationship type, each reading a
    few rows; they run on the embedded database and parse in Neo4j."""
    out = ["// Example Cypher for this workspace: kg query --cypher '…' --db DIR, or cypher-shell in Neo4j.", ""]
    for x in schema.labels:
        shown = [p.name for p in x.properties if p.count][:8]
        also = f"; in Neo4j also :{', :'.join(x.neo4j_labels)}" if x.neo4j_labels else ""
        out.append(f"// :{x.label}, {x.count} nodes{also}")
        out.append(f"MATCH (n:{_name(x.label)}) RETURN "
                   + ", ".join(f"n.{_name(p)} AS {_name(p)}" for p in shown)
                   + f" ORDER BY n.uri LIMIT {limit};")
        out.append("")
    for r in schema.relationships:
        props = "".join(f", r.{_name(p.name)} AS {_name(p.name)}" for p in r.properties if p.count)
        out.append(f"// (:{r.start})-[:{r.type}]->(:{r.end}), {r.count} relationships")
        out.append(f"MATCH (a:{_name(r.start)})-[r:{_name(r.type)}]->(b:{_name(r.end)}) "
                   f"RETURN a.uri AS from_uri, b.uri AS to_uri{props} ORDER BY from_uri, to_uri LIMIT {limit};")
        out.append("")
    return "\n".join(out)


def as_sparql(schema: Schema, limit: int = 5) -> str:
    """Example SPARQL queries, one per class: a few of its nodes with the literal properties
    they carry. Each runs with kg query --sparql and on any SPARQL 1.1 server."""
    from ontology.namespaces import PREFIXES

    prefixes = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in sorted(PREFIXES.items()))
    out = ["# Example SPARQL for this workspace: kg query --sparql '…' --db DIR (over the union of the "
           "plans' graphs).", ""]
    for c in schema.classes:
        if ":" not in c.name or c.name.startswith("http"):
            continue
        out.append(f"# {c.name}, {c.count} nodes; each query below stands alone")
        out.append(prefixes + f"SELECT ?node ?p ?value WHERE {{\n  ?node a {c.name} ; ?p ?value .\n"
                   f"  FILTER(isLiteral(?value) && ?p != nif:isString)\n}} ORDER BY ?node ?p LIMIT {limit}")
        out.append("")
    return "\n".join(out)


def examples(text: str, comment: str) -> list[str]:
    """The statements of an ``as_cypher`` or ``as_sparql`` text, one per example, without comments."""
    blocks = [block.strip() for block in text.split("\n\n")]
    statements = ["\n".join(line for line in block.splitlines() if not line.startswith(comment))
                  for block in blocks]
    return [s.rstrip(";") for s in statements if s.strip()]


FORMATS = {"table": as_text, "json": as_json, "cypher": as_cypher, "sparql": as_sparql}


# -- help with a failed query --------------------------------------------------------------------

_NO_TABLE = re.compile(r"Table (\S+) does not exist")
_NO_PROPERTY = re.compile(r"Cannot find property (\S+) for")


def explain(db: Path, text: str, message: str) -> str:
    """What to say after the embedded database's error for a Cypher query, "" when nothing helps:
    Neo4j's db.* procedures, a label Neo4j has and the embedded database has not, the nearest
    label, relationship type or property to a misspelt one."""
    from .suggest import nearest
    from .workspace import Workspace, WorkspaceError

    def near(name: str, names: set[str], where: str) -> str:
        found = nearest(name, names)
        return (f"Did you mean: {', '.join(found)}? " if found else "") + f"(kg schema lists {where})"

    if re.search(r"\bdb\s*\.\s*\w", text) and "Parser exception" in message:
        return ("Neo4j's db.* procedures are not in the embedded database: `kg schema --db DIR` lists its labels, "
                "relationship types and properties (or CALL show_tables() RETURN *)")
    missing_table, missing_property = _NO_TABLE.search(message), _NO_PROPERTY.search(message)
    if not missing_table and not missing_property:
        return ""
    try:
        tables, properties = _names(db)
        with Workspace(db, read_only=True) as ws:
            ancestors = superclasses(ws)
    except (WorkspaceError, RuntimeError, OSError):
        return ""
    if missing_property:
        return near(missing_property[1], properties, "each label's properties")
    name = missing_table[1]
    under = sorted(label for label, extra in _neo4j_labels(ancestors).items() if name in extra and label in tables)
    if under:
        return (f"{name} is a label in Neo4j only: the embedded database files those nodes under "
                f"{', '.join(under)} (kg schema lists the labels)")
    return near(name, tables, "the labels and relationship types")


def _names(db: Path) -> tuple[set[str], set[str]]:
    """The table names (labels and relationship types) and property names of the embedded database."""
    from .stores.ladybug import DATABASE

    with _reading(Path(db) / DATABASE) as rows:
        tables = {name for (name,) in rows("CALL show_tables() RETURN name")}
        properties = {p for name in tables for (p,) in rows(f"CALL table_info({_quoted(name)}) RETURN name")}
    return tables, properties
