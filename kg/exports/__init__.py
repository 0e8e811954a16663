"""Exports of the workspace: one registry from format name to the function that writes it.

Like rdflib's plugin registry (and :mod:`loaders.readers`), a format maps to an implementation
named ``"module:function"`` that is imported only when that format is asked for, so a Turtle
export never imports networkx or builds the property-graph projection. A writer takes the
workspace and the binary file to write to, a piece at a time (so an export need not be held in
memory whole), or for a folder export (neo4j-csv, its suffix empty) takes the workspace and
an empty folder to write its files into (:func:`write_folder` then puts them in place); every
writer sorts what it writes, so the same workspace always gives byte-identical files.

The modules: ``rdf`` (Turtle, N-Triples, TriG, N-Quads and the quads every RDF export holds),
``jsonld`` (the JSON-LD writer and its context), ``graphml`` (for Gephi, yEd, Cytoscape),
``neo4j_csv`` (a folder for ``neo4j-admin database import``), ``cypher_script`` (a script for
cypher-shell), with the Cypher they share: ``neo4j_statements`` (the statements of a push, also
sent by :mod:`kg.stores.neo4j`) and ``cypher_text`` (Cypher literals and names).

Examples
--------
>>> sorted(EXPORTERS)
['cypher', 'graphml', 'jsonld', 'neo4j-csv', 'nq', 'nt', 'trig', 'ttl']
>>> exporter("nq").__name__
'nquads'
>>> exporter("csv")
Traceback (most recent call last):
...
ValueError: unknown export format 'csv' (choose from: cypher, graphml, jsonld, neo4j-csv, nq, nt, trig, ttl)
"""
from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import Callable, Union

from ..plugins import load
from ..workspace import Workspace, atomic_file, umask

Writer = Callable[..., None]

EXPORTERS: dict[str, Union[Writer, str]] = {
    "ttl": "kg.exports.rdf:turtle",
    "nt": "kg.exports.rdf:ntriples",
    "jsonld": "kg.exports.jsonld:export",
    "trig": "kg.exports.rdf:trig",
    "nq": "kg.exports.rdf:nquads",
    "graphml": "kg.exports.graphml:graphml",
    "neo4j-csv": "kg.exports.neo4j_csv:export",
    "cypher": "kg.exports.cypher_script:export",
}
# The file suffix of each format; empty for a folder export.
SUFFIXES = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig", "nq": ".nq",
            "graphml": ".graphml", "neo4j-csv": "", "cypher": ".cypher"}


def register(name: str, writer: Union[Writer, str], suffix: str) -> None:
    """Add an export format: ``writer`` is a callable or ``"module:function"``; an empty
    ``suffix`` makes it a folder export."""
    EXPORTERS[name] = writer
    SUFFIXES[name] = suffix


def exporter(name: str) -> Writer:
    """The writer registered for format ``name``; ValueError naming the formats if there is none."""
    entry = EXPORTERS.get(name)
    if entry is None:
        raise ValueError(f"unknown export format {name!r} (choose from: {', '.join(sorted(EXPORTERS))})")
    if isinstance(entry, str):
        entry = EXPORTERS[name] = load(entry)
    return entry


def write_folder(folder: Path, write: Callable[[Path], object]) -> None:
    """Write a folder export: ``write`` fills a new hidden folder inside ``folder`` (so nothing
    half-written is ever left when it fails, and a renamed file stays on the folder's file
    system), then each of its files replaces its namesake at once, keeping the old file's mode.
    Files an earlier export of the same kind left (same suffix, not written now) are removed,
    nothing else is touched."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=".export-", dir=folder) as tmp:
            write(Path(tmp))
            names = _put_in_place(Path(tmp), folder)
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    suffixes = {Path(name).suffix for name in names}
    prefixes = {name.split("_", 1)[0] + "_" for name in names if "_" in name}
    for old in folder.iterdir():
        if (old.name not in names and old.is_file() and old.suffix in suffixes
                and any(old.name.startswith(p) for p in prefixes)):
            old.unlink()


def _put_in_place(written: Path, folder: Path) -> set[str]:
    """Move the files of ``written`` into ``folder``, each synced to disk first and given the mode
    a plain write would give it (the old file's, else 0666 less the umask); their names."""
    names = set()
    new_mode = 0o666 & ~umask()
    for path in sorted(p for p in written.iterdir() if p.is_file()):
        target = folder / path.name
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = new_mode
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(path, target)
        names.add(path.name)
    return names


def export(ws: Workspace, fmt: str, output: Path | None) -> bytes | None:
    """Write the export to output (atomically), or return it when output is None."""
    writer = exporter(fmt)
    if SUFFIXES.get(fmt) == "":
        if output is None:
            from click import UsageError        # the one export that cannot go to standard output
            raise UsageError(f"the {fmt} export is a folder of files: give it one with -o DIR")
        write_folder(output, lambda folder: writer(ws, folder))
        return None
    if output is None:
        buffer = io.BytesIO()
        writer(ws, buffer)
        return buffer.getvalue()
    output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(output) as f:
        writer(ws, f)
    return None
