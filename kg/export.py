"""Exports of the workspace, one registry from format name to writer.

Every writer sorts what it writes, so the same workspace always gives byte-identical files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from .build import PREFIXES
from .workspace import Workspace, write_atomically

# A writer returns a file's bytes, or for a folder export (neo4j-csv) file name -> bytes.
Writer = Callable[[Workspace], "bytes | dict[str, bytes]"]


RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def with_superclasses(quads: Iterable[ox.Quad], ancestors: dict[str, set[str]]) -> Iterator[ox.Quad]:
    """The quads, and for each ``rdf:type`` the classes its class specialises, in the same graph.

    The store types a node with its own class only (``cyl:Program``); a file read by other tools
    says ``skos:Concept`` and ``schema:Project`` too, so that none needs the ontology to see them.
    """
    above = {c: [ox.NamedNode(d) for d in sorted(ds)] for c, ds in ancestors.items()}
    for q in quads:
        yield q
        if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            for cls in above.get(q.object.value, ()):
                yield ox.Quad(q.subject, RDF_TYPE, cls, q.graph_name)


def _quads(ws: Workspace) -> Iterator[ox.Quad]:
    """The document graphs and the program scheme, with every type's superclasses."""
    from .project import superclasses

    ancestors = superclasses(ws)
    for g in ws.data_graphs():
        yield from with_superclasses(ws.quads(g), ancestors)


def _sorted_triples(ws: Workspace) -> list[ox.Triple]:
    """The document graphs and the program scheme merged into one set of triples, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in _quads(ws)}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _sorted_quads(ws: Workspace) -> list[ox.Quad]:
    quads = set(_quads(ws))
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


def _graphml(ws: Workspace) -> bytes:
    from .graphml import graphml      # networkx is imported only when GraphML is asked for

    return graphml(ws)


register("graphml", _graphml, ".graphml")


def _neo4j_csv(ws: Workspace) -> dict[str, bytes]:
    from .stores.neo4j_csv import export as neo4j_csv      # the projection, built only when asked for

    return neo4j_csv(ws)


def _cypher(ws: Workspace) -> bytes:
    from .stores.cypher_script import export as cypher_script

    return cypher_script(ws)


register("neo4j-csv", _neo4j_csv, "")
register("cypher", _cypher, ".cypher")


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Write a folder export: each file atomically; files an earlier export of the same kind left
    (same suffix, not written now) are removed, nothing else is touched."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        write_atomically(folder / name, data)
    suffixes = {Path(name).suffix for name in files}
    prefixes = {name.split("_", 1)[0] + "_" for name in files if "_" in name}
    for old in folder.iterdir():
        if (old.name not in files and old.is_file() and old.suffix in suffixes
                and any(old.name.startswith(p) for p in prefixes)):
            old.unlink()


def export(ws: Workspace, fmt: str, output: Path | None) -> bytes | None:
    """Write the export to output (atomically), or return it when output is None."""
    try:
        writer = EXPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r} (choose from: {', '.join(sorted(EXPORTERS))})") from None
    data = writer(ws)
    if isinstance(data, dict):
        if output is None:
            from click import UsageError        # the one export that cannot go to standard output
            raise UsageError(f"the {fmt} export is a folder of files: give it one with -o DIR")
        write_folder(output, data)
        return None
    if output is None:
        return data
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(output, data)
    return None
