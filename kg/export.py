"""Exports of the workspace, one registry from format name to writer.

Every writer sorts what it writes, so the same workspace always gives byte-identical files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ontology.namespaces import PREFIXES, XSD

from . import iri, jsonld
from .dataset import describe
from .datatypes import declared, restored
from .workspace import Workspace, write_atomically

XSD_STRING = XSD.string

# A writer returns a file's bytes, or for a folder export (neo4j-csv) file name -> bytes.
Writer = Callable[[Workspace], "bytes | dict[str, bytes]"]


def reference_graphs() -> list[str]:
    """The graphs every RDF export holds besides the plans': the ontology (so that the export
    stands alone), the program scheme and the classifications."""
    return [iri.ONTOLOGY_GRAPH, iri.SCHEME_GRAPH, iri.CLASSIFICATION_GRAPH]


def data_quads(ws: Workspace) -> list[ox.Quad]:
    """The plans' graphs and the reference graphs, with the datatypes the ontology declares,
    sorted by graph, subject, predicate and object as N-Quads write them.

    Each node is typed with its own class only, as the store holds it: the ontology in the export
    states the standard classes each specialises, for a reasoner to add (see the README's
    design notes), the same way for every node.
    """
    datatypes = declared(ws)
    graphs = ws.document_graphs() + reference_graphs()
    quads = {q for g in graphs for q in restored(ws.quads(g), datatypes)}
    return sorted(canonical_blank_nodes(quads),
                  key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def canonical_blank_nodes(quads: set[ox.Quad]) -> set[ox.Quad]:
    """The quads with every blank node named by what it is (rdflib's canonical labelling), not
    by the random name the store gave it when it loaded the file: the ontology's lists
    (``owl:unionOf (cyl:Activity cyl:Target)``) come out the same in every workspace."""
    touching = [q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    if not touching:
        return quads
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.compare import to_canonical_graph

    def to_rdflib(term):
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        return Literal(term.value, lang=term.language,
                       datatype=None if term.language else URIRef(term.datatype.value))

    def to_ox(term):
        if isinstance(term, URIRef):
            return ox.NamedNode(str(term))
        if isinstance(term, BNode):
            return ox.BlankNode(str(term))
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))

    out = quads - set(touching)
    for graph in sorted({q.graph_name for q in touching}, key=str):
        g = Graph()
        for q in touching:
            if q.graph_name == graph:
                g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        out.update(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in to_canonical_graph(g))
    return out


def _sorted_quads(ws: Workspace) -> list[ox.Quad]:
    """The data and the description of the dataset (:mod:`kg.dataset`), sorted."""
    data = data_quads(ws)
    quads = data + describe(data)
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def _sorted_triples(ws: Workspace) -> list[ox.Triple]:
    """Every graph of :func:`_sorted_quads` merged into one set of triples, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in _sorted_quads(ws)}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _rdf(fmt: ox.RdfFormat, quads: bool = False, prefixes: bool = True) -> Writer:
    def write(ws: Workspace) -> bytes:
        data = _sorted_quads(ws) if quads else _sorted_triples(ws)
        return ox.serialize(data, format=fmt, prefixes=PREFIXES if prefixes else None)
    return write


EXPORTERS: dict[str, Writer] = {
    "ttl": _rdf(ox.RdfFormat.TURTLE),
    "nt": _rdf(ox.RdfFormat.N_TRIPLES, prefixes=False),
    "jsonld": lambda ws: jsonld.serialize(_sorted_quads(ws)),
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
