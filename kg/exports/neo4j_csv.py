"""``kg export --format neo4j-csv``: the projection as files for ``neo4j-admin database import full``.

One node file per primary label and one relationship file per type, with neo4j-admin's headers
(``uri:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``) and typed columns
(``ordinal:long``, ``value:double``, ``issued:date``, ``altLabel:string[]``); ``import.sh`` holds
the command with the right options (multi-line fields, the array delimiter) and
``constraints.cypher`` the constraints to create once the import is done. :func:`read` reads such a
folder back into a projection, which is how the tests load it into the embedded database.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shlex
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from ..mapping import PLAN_LABEL, RESOURCE, Node, Projection, Relationship
from ..stores.cypher_stream import project
from .cypher_script import render
from .neo4j_statements import schema

if TYPE_CHECKING:
    from ..workspace import Workspace

NEO4J_TYPES = {"string": "string", "long": "long", "double": "double", "boolean": "boolean", "date": "date",
               "datetime": "localdatetime"}
KINDS = {v: k for k, v in NEO4J_TYPES.items()}
DELIMITERS = (";", "|", "\x1f")
IMPORT_SCRIPT = "import.sh"
CONSTRAINTS = "constraints.cypher"
_SAFE_NAME = re.compile(r"[^0-9A-Za-z_]")


def _delimiter(projection: Projection) -> str:
    """The array delimiter: the first of ``; | U+001F`` that no list element or label contains."""
    used = set()
    for node in projection.nodes:
        used.update(node.labels)
        for value in node.properties.values():
            if isinstance(value, list):
                used.update(str(v) for v in value)
    for delimiter in DELIMITERS:
        if not any(delimiter in text for text in used):
            return delimiter
    raise ValueError("every array delimiter neo4j-admin could use occurs in the data")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _field(value, delimiter: str) -> str:
    """A CSV field: strings and arrays quoted (quotes doubled), nothing at all for no value."""
    if value is None:
        return ""
    if isinstance(value, list):
        return _quote(delimiter.join(_text(v) for v in value))
    if isinstance(value, str):
        return _quote(value)
    return _text(value)


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _header(name: str, kind: str) -> str:
    base = kind.removesuffix("[]")
    return f"{name}:{NEO4J_TYPES[base]}" + ("[]" if kind.endswith("[]") else "")


def _rows(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def files(projection: Projection) -> dict[str, bytes]:
    """File name -> content; the same projection always gives the same bytes."""
    delimiter = _delimiter(projection)
    out: dict[str, bytes] = {}
    by_label: dict[str, list[Node]] = defaultdict(list)
    for node in projection.nodes:
        by_label[node.label].append(node)
    node_files, rel_files = [], []
    for label, nodes in sorted(by_label.items()):
        names = sorted({k for n in nodes for k in n.properties} - {"uri"})
        header = ["uri:ID", ":LABEL"] + [_header(k, projection.node_property_types[k]) for k in names]
        rows = [[_quote(n.uri), _quote(delimiter.join(sorted(set(n.labels) | {RESOURCE}, key=_label_order(n))))]
                + [_field(n.properties.get(k), delimiter) for k in names] for n in nodes]
        name = f"nodes_{_SAFE_NAME.sub('_', label)}.csv"
        out[name] = _rows(header, rows)
        node_files.append(name)
    by_type: dict[str, list[Relationship]] = defaultdict(list)
    for rel in projection.relationships:
        by_type[rel.type].append(rel)
    for rel_type, rels in sorted(by_type.items()):
        names = sorted({k for r in rels for k in r.properties})
        header = [":START_ID", ":END_ID", ":TYPE"] + [_header(k, projection.relationship_property_types[k])
                                                      for k in names]
        rows = [[_quote(r.start), _quote(r.end), _quote(r.type)] + [_field(r.properties.get(k), delimiter)
                                                                    for k in names] for r in rels]
        name = f"relationships_{_SAFE_NAME.sub('_', rel_type)}.csv"
        out[name] = _rows(header, rows)
        rel_files.append(name)
    out[IMPORT_SCRIPT] = _import_script(node_files, rel_files, delimiter).encode("utf-8")
    per_document = {r.type for r in projection.relationships if "document" in r.properties}
    out[CONSTRAINTS] = "".join(render(s) + ";\n" for s in schema(by_label, per_document)).encode("utf-8")
    return out


def _label_order(node: Node):
    """The primary label first, Resource last, the others in between in order."""
    return lambda label: (label != node.label, label == RESOURCE, label)


def _import_script(node_files: list[str], rel_files: list[str], delimiter: str) -> str:
    shown = "U+001F" if delimiter == "\x1f" else delimiter
    args = ["--overwrite-destination", "--multiline-fields=true", f"--array-delimiter={shown}"]
    args += [f"--nodes={f}" for f in node_files] + [f"--relationships={f}" for f in rel_files]
    lines = ["#!/bin/sh",
             "# Import this folder into a stopped Neo4j database (default: neo4j), then create the",
             "# constraints once it runs:  sh import.sh [DATABASE] && cypher-shell -f constraints.cypher",
             "set -e",
             'cd "$(dirname "$0")"',
             'neo4j-admin database import full "${1:-neo4j}" \\']
    lines += [f"  {shlex.quote(a)} \\" for a in args[:-1]] + [f"  {shlex.quote(args[-1])}"]
    return "\n".join(lines) + "\n"


def export(ws: "Workspace") -> dict[str, bytes]:
    """The exporter registered as ``neo4j-csv`` (:mod:`kg.exports`): a folder of files."""
    return files(project(ws))


# -- reading back ----------------------------------------------------------------------------------

def _array_delimiter(folder: Path) -> str:
    shown = ";"
    for line in (folder / IMPORT_SCRIPT).read_text("utf-8").splitlines():
        for token in shlex.split(line.rstrip("\\ "), comments=True) if "--array-delimiter=" in line else ():
            if token.startswith("--array-delimiter="):
                shown = token.partition("=")[2]
    return "\x1f" if shown == "U+001F" else shown


def _value(text: str, kind: str, delimiter: str):
    if text == "":
        return None
    if kind.endswith("[]"):
        return [_value(part, kind[:-2], delimiter) for part in text.split(delimiter)]
    base = KINDS.get(kind, "string")
    if base == "long":
        return int(text)
    if base == "double":
        return float(text)
    if base == "boolean":
        return text == "true"
    if base == "date":
        return dt.date.fromisoformat(text)
    if base == "datetime":
        return dt.datetime.fromisoformat(text)
    return text


def _parse_header(column: str) -> tuple[str, str]:
    name, _, kind = column.partition(":")
    return name, kind or "string"


def read(folder: Path) -> Projection:
    """A folder written by :func:`files` as a projection (empty fields read as missing)."""
    folder = Path(folder)
    delimiter = _array_delimiter(folder)
    nodes: list[Node] = []
    relationships: list[Relationship] = []
    node_types: dict[str, str] = {"uri": "string"}
    rel_types: dict[str, str] = {}
    for file in sorted(folder.glob("nodes_*.csv")):
        reader = csv.reader(io.StringIO(file.read_text("utf-8"), newline=""))
        header = [_parse_header(c) for c in next(reader)]
        for row in reader:
            props, labels, uri = {}, (), ""
            for (name, kind), text in zip(header, row):
                if kind == "ID":
                    uri = text
                    props[name] = text
                elif kind == "LABEL" and not name:
                    labels = tuple(lab for lab in text.split(delimiter) if lab != RESOURCE) or (RESOURCE,)
                else:
                    node_types[name] = _kind_of(kind)
                    value = _value(text, kind, delimiter)
                    if value is not None:
                        props[name] = value
            nodes.append(Node(uri, labels, props))
    for file in sorted(folder.glob("relationships_*.csv")):
        reader = csv.reader(io.StringIO(file.read_text("utf-8"), newline=""))
        header = [_parse_header(c) for c in next(reader)]
        for row in reader:
            ends, props, rel_type = {}, {}, ""
            for (name, kind), text in zip(header, row):
                if kind in ("START_ID", "END_ID"):
                    ends[kind] = text
                elif kind == "TYPE" and not name:
                    rel_type = text
                else:
                    rel_types[name] = _kind_of(kind)
                    value = _value(text, kind, delimiter)
                    if value is not None:
                        props[name] = value
            relationships.append(Relationship(rel_type, ends["START_ID"], ends["END_ID"], props))
    nodes.sort(key=lambda n: n.uri)
    documents = sorted(n.uri for n in nodes if n.label == PLAN_LABEL)
    return Projection(nodes, relationships, node_types, rel_types, documents)


def _kind_of(neo4j_type: str) -> str:
    array = neo4j_type.endswith("[]")
    base = KINDS.get(neo4j_type.removesuffix("[]"), "string")
    return base + ("[]" if array else "")
