"""The RDF exports (Turtle, N-Triples, TriG, N-Quads): the plans' graphs, the reference graphs
and the description of the dataset, sorted, so the same workspace always gives the same bytes.

The order is that of a sort of every quad by graph, subject, predicate and object, but no export
holds every quad at once: the graphs are sorted by name and each is sorted on its own, written
once as N-Quads to a spool file (what the description of the dataset counts and hashes is taken
on the way), then copied out (N-Quads), parsed as it is read back (TriG, JSON-LD), or merged
(N-Triples, Turtle: every graph's triples in one sorted set, so the spooled graphs, each a sorted
run of lines, are merged line by line, the way an external sort merges its runs).

A graph without blank nodes is sorted as the lines the store writes for it, its datatypes
restored in the text, with no quad made in Python; the others (the ontology's) go quad by quad.
"""
from __future__ import annotations

import heapq
import io
import os
import tempfile
from typing import BinaryIO, Iterator

import pyoxigraph as ox

from ontology.namespaces import PREFIXES, XSD

from .. import iri
from ..dataset import Tally, describe
from ..datatypes import declared, restored, restored_lines, restoring
from ..workspace import Workspace

XSD_STRING = XSD.string


def reference_graphs() -> list[str]:
    """The graphs every RDF export holds besides the plans': the ontology (so that the export
    stands alone), the program scheme and the classifications."""
    return [iri.ONTOLOGY_GRAPH, iri.SCHEME_GRAPH, iri.CLASSIFICATION_GRAPH]


def quad_order(q: ox.Quad) -> tuple[str, str, str, str]:
    """The order of every RDF export: graph, subject, predicate, object, as N-Quads write them."""
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def data_graphs(ws: Workspace) -> list[str]:
    """The plans' graphs and the reference graphs, in the order the exports write them."""
    return sorted(ws.document_graphs() + reference_graphs(), key=lambda g: str(ox.NamedNode(g)))


def graph_quads(ws: Workspace, graph: str, datatypes: dict[str, ox.NamedNode]) -> list[ox.Quad]:
    """One graph's quads, with the datatypes the ontology declares, sorted.

    Each node is typed with its own class only, as the store holds it: the ontology in the export
    states the standard classes each specialises, for a reasoner to add (see the README's
    design notes), the same way for every node.
    """
    return sorted(canonical_blank_nodes(set(restored(ws.quads(graph), datatypes))), key=quad_order)


def data_quads(ws: Workspace) -> Iterator[list[ox.Quad]]:
    """The plans' graphs and the reference graphs, one sorted list of quads per graph, in order."""
    datatypes = declared(ws)
    for graph in data_graphs(ws):
        yield graph_quads(ws, graph, datatypes)


def store_lines(ws: Workspace, graph: str, rewrites: list) -> bytes:
    """A graph's N-Triples as the store writes them, each line after a newline (the first too),
    with the declared datatypes put back (``rewrites``: :func:`kg.datatypes.restoring`)."""
    return restored_lines(b"\n" + ws.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)),
                          rewrites)


def graph_nquads(ws: Workspace, graph: str, rewrites: list) -> tuple[bytes, int] | None:
    """One graph's N-Quads as :func:`graph_quads` sorts and ``ox.serialize`` writes them, and
    their number, taken as the store writes the graph (``rewrites``: :func:`kg.datatypes.restoring`);
    None for a graph this cannot give, one with blank nodes (their names are made canonical)
    or triple terms.

    The lines sort as the quads do (see :meth:`Spool.triple_lines`): the graph is the same on
    every line, and the store writes a term as ``str`` does.
    """
    data = store_lines(ws, graph, rewrites)
    if b"_:" in data or b"<<" in data:
        return None
    # A literal's newlines are escaped, so every b" .\n" ends a line.
    lines = data.replace(b" .\n", b"\n").split(b"\n")
    if lines.pop() != b"" or lines[0] != b"" or not all(lines[1:]):
        return None
    lines = sorted(set(lines[1:]))
    if not lines:
        return b"", 0
    end = f" {ox.NamedNode(graph)} .\n".encode("utf-8")
    return end.join(lines) + end, len(lines)


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


class ChunkReader(io.RawIOBase):
    """A binary file that reads the pieces of an iterator of bytes in turn."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self.pieces = pieces
        self.rest = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.rest:
            piece = next(self.pieces, None)
            if piece is None:
                return 0
            self.rest = memoryview(piece)
        n = min(len(buffer), len(self.rest))
        buffer[:n] = self.rest[:n]
        self.rest = self.rest[n:]
        return n


class Spool:
    """Every graph of the export written once as N-Quads to a temporary file: where each graph's
    lines are, and the description of the dataset they make."""

    def __init__(self, ws: Workspace) -> None:
        self.file = tempfile.TemporaryFile(prefix="kg-export-")
        self.segments: list[tuple[str, int, int]] = []      # graph, offset, length
        tally = Tally()
        offset = 0
        datatypes = declared(ws)
        rewrites = restoring(datatypes)
        for graph in data_graphs(ws):
            data = self.graph_data(ws, graph, datatypes, rewrites, tally)
            if not data:
                continue
            self.file.write(data)
            self.segments.append((str(ox.NamedNode(graph)), offset, len(data)))
            offset += len(data)
        self.file.flush()
        self.description = sorted(describe(tally), key=quad_order)
        self.description_nquads = ox.serialize(self.description, format=ox.RdfFormat.N_QUADS)
        self.description_graph = str(ox.NamedNode(iri.DATASET_GRAPH))

    @staticmethod
    def graph_data(ws: Workspace, graph: str, datatypes: dict[str, ox.NamedNode], rewrites: list,
                   tally: Tally) -> bytes:
        """One graph's sorted N-Quads, tallied."""
        fast = graph_nquads(ws, graph, rewrites)
        if fast is not None and (not fast[1] or tally.add_graph(graph, *fast)):
            return fast[0]
        quads = graph_quads(ws, graph, datatypes)
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if quads else b""
        if quads:
            tally.add(quads, data)
        return data

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def graphs(self) -> Iterator[tuple[str, int, int] | None]:
        """Each graph's segment in order, None where the description's graph goes."""
        described = False
        for segment in self.segments:
            if not described and self.description_graph < segment[0]:
                described = True
                yield None
            yield segment
        if not described:
            yield None

    def chunks(self, offset: int, length: int, size: int = 1 << 16) -> Iterator[bytes]:
        """The bytes of a segment, a piece at a time."""
        end = offset + length
        while offset < end:
            data = os.pread(self.file.fileno(), min(size, end - offset), offset)
            if not data:
                raise OSError("the export's spool file ended early")
            offset += len(data)
            yield data

    def triples(self, offset: int, length: int, graph: str) -> Iterator[bytes]:
        """The lines of a segment as N-Triples, one at a time."""
        # Every line ends in " <graph> .\n", and only there is a newline or a carriage return
        # (a literal's are escaped), so the lines split where they end.
        end = f" {graph} .\n".encode("utf-8")
        rest = b""
        for data in self.chunks(offset, length, 1 << 14):
            data = rest + data
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            yield from data[:cut].replace(end, b" .\n").splitlines(keepends=True)
        if rest:
            raise OSError("the export's spool file holds a line without its end")

    def nquads_chunks(self) -> Iterator[bytes]:
        """Every graph in order, as N-Quads, a piece at a time."""
        for segment in self.graphs():
            if segment is None:
                yield self.description_nquads
            else:
                yield from self.chunks(segment[1], segment[2])

    def nquads(self, out: BinaryIO) -> None:
        """Every graph in order, as N-Quads."""
        for data in self.nquads_chunks():
            out.write(data)

    def quads(self) -> Iterator[ox.Quad]:
        """Every graph's quads in order, parsed as they are read."""
        return ox.parse(io.BufferedReader(ChunkReader(self.nquads_chunks()), 1 << 16),
                        format=ox.RdfFormat.N_QUADS)

    def triple_lines(self) -> Iterator[bytes]:
        """Every graph's triples merged into one set, as sorted N-Triples lines.

        A line sorts as its terms do, for no term's text is the start of another's followed by a
        character that sorts before the space between terms; the same triple gives the same line.
        """
        description = self.description_nquads.replace(f" {self.description_graph} .\n".encode(), b" .\n")
        runs = [iter(description.splitlines(keepends=True)) if s is None else self.triples(s[1], s[2], s[0])
                for s in self.graphs()]
        last = None
        for line in heapq.merge(*runs):
            if line != last:
                yield line
                last = line


def turtle(ws: Workspace, out: BinaryIO) -> None:
    """Every graph merged into one, as Turtle with the exports' prefixes."""
    with Spool(ws) as spool, tempfile.TemporaryFile(prefix="kg-export-") as merged:
        for line in spool.triple_lines():
            merged.write(line)
        merged.seek(0)
        ox.serialize(ox.parse(merged, format=ox.RdfFormat.N_TRIPLES), out,
                     format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def ntriples(ws: Workspace, out: BinaryIO) -> None:
    """Every graph merged into one, as N-Triples."""
    with Spool(ws) as spool:
        for line in spool.triple_lines():
            out.write(line)


def trig(ws: Workspace, out: BinaryIO) -> None:
    """One named graph per plan, as TriG with the exports' prefixes."""
    with Spool(ws) as spool:
        ox.serialize(spool.quads(), out, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)


def nquads(ws: Workspace, out: BinaryIO) -> None:
    """One named graph per plan, as N-Quads."""
    with Spool(ws) as spool:
        spool.nquads(out)
