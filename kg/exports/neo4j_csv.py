"""``kg export --format neo4j-csv``: the projection as files for ``neo4j-admin database import full``.

One node file per primary label and one relationship file per type, with neo4j-admin's headers
(``uri:ID``, ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``) and typed columns
(``ordinal:long``, ``value:double``, ``issued:date``, ``altLabel:string[]``); ``import.sh`` holds
the command with the right options (multi-line fields, the array delimiter) and
``constraints.cypher`` the constraints to create once the import is done. :func:`write` reads the
workspace's projection one plan at a time and sorts the rows on disk, so memory stays bounded
however many plans there are. :func:`read` reads such a folder back into a projection, which is
how the tests load it into the embedded database.
"""
from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import pickle
import re
import shlex
import tempfile
from collections import defaultdict
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..mapping import PLAN_LABEL, RESOURCE, Node, Projection, Relationship
from ..stores.cypher_stream import Stream, stream, stream_of
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


class _Delimiters:
    """Which of the array delimiters some list element or label contains, as the rows go by."""

    def __init__(self) -> None:
        self.free = list(DELIMITERS)
        self.seen_labels: set[tuple[str, ...]] = set()

    def see(self, texts) -> None:
        if self.free:
            self.free = [d for d in self.free if not any(d in text for text in texts)]

    def see_labels(self, labels: tuple[str, ...]) -> None:
        if labels not in self.seen_labels:
            self.seen_labels.add(labels)
            self.see(labels)

    def choice(self) -> str:
        """The first of ``; | U+001F`` that no list element or label contains."""
        if not self.free:
            raise ValueError("every array delimiter neo4j-admin could use occurs in the data")
        return self.free[0]


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


# -- the rows, sorted in bounded memory ------------------------------------------------------------
#
# The files keep the order of the projection whole in memory: a label's nodes by uri, a type's
# relationships by (start, end, document), ties in the order the stream gives them. The rows are
# sorted as an external merge sort: whenever ROWS of them are held, each file's rows are sorted
# and written out as a run; a file is then the merge of its runs (heapq.merge keeps ties in run
# order, the sort within a run is stable, so the order is that of one stable sort of all rows).
# A row holds its fields as text already, but for arrays (their delimiter is known only once
# every row is seen) and without the columns (a file's columns are the properties its rows have).

ROWS = 100_000           # rows held before they are written out as sorted runs
FAN_IN = 128             # runs merged at once (each an open file)
BATCH = 1_000            # rows pickled together in a run

Row = tuple              # (sort key, first fields, {property: field text, or the elements of an array})
Table = tuple[str, str]  # ("nodes", primary label) or ("relationships", type)


def _fields(properties: dict, delimiters: _Delimiters | None) -> dict[str, "str | tuple[str, ...] | None"]:
    """A row's properties as field text, arrays as their elements' text (joined once the
    delimiter is chosen); ``delimiters`` sees the elements (a node's, not a relationship's, as
    the delimiter has always been chosen)."""
    out = {}
    for name, value in properties.items():
        if value is None:
            out[name] = None            # no field, but a column all the same
        elif isinstance(value, list):
            if delimiters is not None:
                delimiters.see([str(v) for v in value])
            out[name] = tuple(_text(v) for v in value)
        else:
            out[name] = _field(value, "")
    return out


class _Runs:
    """Each file's rows, sorted in runs of at most ``rows`` rows held at a time."""

    def __init__(self, folder: Path, rows: int = ROWS):
        self.folder, self.budget = folder, rows
        self.buffers: dict[Table, list[Row]] = defaultdict(list)
        self.runs: dict[Table, list[Path]] = defaultdict(list)
        self.columns: dict[Table, set[str]] = defaultdict(set)
        self.held = self.most_held = self.written = 0

    def add(self, table: Table, row: Row) -> None:
        self.buffers[table].append(row)
        self.columns[table].update(row[2])
        self.held += 1
        if self.held >= self.budget:
            self.spill()

    def spill(self) -> None:
        """Write every buffer out as a sorted run."""
        self.most_held = max(self.most_held, self.held)
        for table, rows in sorted(self.buffers.items()):
            rows.sort(key=itemgetter(0))
            self.runs[table].append(self._write(rows))
        self.buffers.clear()
        self.held = 0

    def _write(self, rows) -> Path:
        path = self.folder / f"run-{self.written}"
        self.written += 1
        with open(path, "wb") as f:
            batch: list[Row] = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
                    batch = []
            if batch:
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        return path

    def tables(self) -> list[Table]:
        return sorted(set(self.runs) | set(self.buffers))

    def rows(self, table: Table) -> Iterator[Row]:
        """A file's rows in order (call :meth:`spill` first)."""
        runs = self.runs.pop(table, [])
        while len(runs) > FAN_IN:
            merged = self._write(heapq.merge(*(_read(r) for r in runs[:FAN_IN]), key=itemgetter(0)))
            for run in runs[:FAN_IN]:
                run.unlink()
            runs = [merged] + runs[FAN_IN:]
        yield from heapq.merge(*(_read(r) for r in runs), key=itemgetter(0))
        for run in runs:            # the scratch space a file's rows took, free for the next file
            run.unlink()


def _read(run: Path) -> Iterator[Row]:
    with open(run, "rb") as f:
        while True:
            try:
                batch = pickle.load(f)
            except EOFError:
                return
            yield from batch


def _sorted_rows(stream: Stream, runs: _Runs, delimiters: _Delimiters) -> set[str]:
    """Every node and relationship of the stream into ``runs``; the relationship types stated per plan."""
    labels: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
    per_document: set[str] = set()

    def add_nodes(nodes: list[Node]) -> None:
        for n in nodes:
            key = (n.label, tuple(n.labels))
            delimiters.see_labels(key[1])
            shown = labels.get(key)
            if shown is None:
                shown = labels[key] = tuple(sorted(set(n.labels) | {RESOURCE}, key=_label_order(n)))
            properties = {k: v for k, v in n.properties.items() if k != "uri"}
            runs.add(("nodes", n.label), (n.uri, shown, _fields(properties, delimiters)))

    def add_relationships(relationships: list[Relationship]) -> None:
        for r in relationships:
            if "document" in r.properties:
                per_document.add(r.type)
            key = (r.start, r.end, str(r.properties.get("document", "")))
            runs.add(("relationships", r.type), (key, (), _fields(r.properties, None)))

    add_nodes(stream.shared_nodes)
    add_relationships(stream.shared_relationships)
    for nodes, relationships in stream.parts():
        add_nodes(nodes)
        add_relationships(relationships)
    runs.spill()
    return per_document


def _line(first: list[str], fields: dict, names: list[str], delimiter: str) -> str:
    out = first
    for name in names:
        value = fields.get(name)
        out.append("" if value is None else value if isinstance(value, str) else _quote(delimiter.join(value)))
    return ",".join(out) + "\n"


def _file_name(table: Table) -> str:
    return f"{table[0]}_{_SAFE_NAME.sub('_', table[1])}.csv"


def _table_lines(stream: Stream, runs: _Runs, table: Table, delimiter: str) -> Iterator[str]:
    """A node or relationship file a line at a time, its header first."""
    kind, name = table
    if kind == "nodes":
        names = sorted(runs.columns[table] - {"uri"})
        types = stream.node_property_types
        yield ",".join(["uri:ID", ":LABEL"] + [_header(k, types[k]) for k in names]) + "\n"
        for uri, labels, fields in runs.rows(table):
            yield _line([_quote(uri), _quote(delimiter.join(labels))], fields, names, delimiter)
    else:
        names = sorted(runs.columns[table])
        types = stream.relationship_property_types
        yield ",".join([":START_ID", ":END_ID", ":TYPE"] + [_header(k, types[k]) for k in names]) + "\n"
        rel_type = _quote(name)
        for (start, end, _), _, fields in runs.rows(table):
            yield _line([_quote(start), _quote(end), rel_type], fields, names, delimiter)


def folder_files(stream: Stream, scratch: Path, rows: int = ROWS) -> Iterator[tuple[str, Iterator[str]]]:
    """(file name, its text a piece at a time) of each file, in the order :func:`files` gives
    them, the stream read one plan at a time; ``scratch`` (an empty folder) holds the sorted runs.
    Each file's text must be read before the next file's is."""
    runs = _Runs(scratch, rows)
    delimiters = _Delimiters()
    per_document = _sorted_rows(stream, runs, delimiters)
    delimiter = delimiters.choice()
    tables = runs.tables()
    names = {"nodes": [], "relationships": []}
    for table in tables:
        name = _file_name(table)
        names[table[0]].append(name)
        yield name, _table_lines(stream, runs, table, delimiter)
    yield IMPORT_SCRIPT, iter([_import_script(names["nodes"], names["relationships"], delimiter)])
    labels = [label for kind, label in tables if kind == "nodes"]
    yield CONSTRAINTS, (render(s) + ";\n" for s in schema(labels, per_document))


def write(stream: Stream, folder: Path, rows: int = ROWS) -> list[str]:
    """Write the files into ``folder`` (which exists), the stream read one plan at a time; the
    names written. The sorted runs go in a scratch folder inside it, removed when done."""
    written = []
    with tempfile.TemporaryDirectory(prefix=".runs-", dir=folder) as scratch:
        for name, pieces in folder_files(stream, Path(scratch), rows):
            with open(folder / name, "w", encoding="utf-8", newline="") as f:
                f.writelines(pieces)
            written.append(name)
    return written


def files(projection: Projection | Stream) -> dict[str, bytes]:
    """File name -> content; the same projection always gives the same bytes."""
    source = projection if isinstance(projection, Stream) else stream_of(projection)
    with tempfile.TemporaryDirectory() as scratch:
        return {name: "".join(pieces).encode("utf-8") for name, pieces in folder_files(source, Path(scratch))}


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


def export(ws: "Workspace", folder: Path) -> None:
    """The exporter registered as ``neo4j-csv`` (:mod:`kg.exports`): the files written into
    ``folder``, the workspace's projection read one plan at a time."""
    write(stream(ws), folder)


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
