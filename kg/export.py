"""Exports of the workspace, one registry from format name to writer.

Every writer sorts what it writes, so the same workspace always gives byte-identical files.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from . import iri
from .build import PREFIXES
from .workspace import Workspace, write_atomically

Writer = Callable[[Workspace], bytes]


def _sorted_triples(ws: Workspace) -> list[ox.Triple]:
    """The document graphs merged into one set of triples, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object)
               for g in ws.document_graphs() for q in ws.quads(g)}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _sorted_quads(ws: Workspace) -> list[ox.Quad]:
    graphs = ws.document_graphs() + [iri.SCHEME_GRAPH]
    quads = [q for g in graphs for q in ws.quads(g)]
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def _rdf(fmt: ox.RdfFormat, quads: bool = False, prefixes: bool = True) -> Writer:
    def write(ws: Workspace) -> bytes:
        data = _sorted_quads(ws) if quads else _sorted_triples(ws)
        return ox.serialize(data, format=fmt, prefixes=PREFIXES if prefixes else None)
    return write


EXPORTERS: dict[str, Writer] = {
    "ttl": _rdf(ox.RdfFormat.TURTLE),
    "nt": _rdf(ox.RdfFormat.N_TRIPLES, prefixes=False),
    "jsonld": _rdf(ox.RdfFormat.JSON_LD),
    "trig": _rdf(ox.RdfFormat.TRIG, quads=True),
    "nq": _rdf(ox.RdfFormat.N_QUADS, quads=True, prefixes=False),
}
SUFFIXES = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig", "nq": ".nq"}


def register(name: str, writer: Writer, suffix: str) -> None:
    """Add an export format (used by the property-graph and page exporters)."""
    EXPORTERS[name] = writer
    SUFFIXES[name] = suffix


def export(ws: Workspace, fmt: str, output: Path | None) -> bytes | None:
    """Write the export to output (atomically), or return it when output is None."""
    try:
        writer = EXPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(sorted(EXPORTERS))})") from None
    data = writer(ws)
    if output is None:
        return data
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(output, data)
    return None
