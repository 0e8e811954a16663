"""The RDF exports (Turtle, N-Triples, TriG, N-Quads): the plans' graphs, the reference graphs
and the description of the dataset, sorted, so the same workspace always gives the same bytes.
"""
from __future__ import annotations

import pyoxigraph as ox

from ontology.namespaces import PREFIXES, XSD

from .. import iri
from ..dataset import describe
from ..datatypes import declared, restored
from ..workspace import Workspace

XSD_STRING = XSD.string


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


def sorted_quads(ws: Workspace) -> list[ox.Quad]:
    """The data and the description of the dataset (:mod:`kg.dataset`), sorted."""
    data = data_quads(ws)
    quads = data + describe(data)
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def sorted_triples(ws: Workspace) -> list[ox.Triple]:
    """Every graph of :func:`sorted_quads` merged into one set of triples, sorted."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in sorted_quads(ws)}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def turtle(ws: Workspace) -> bytes:
    """Every graph merged into one, as Turtle with the exports' prefixes."""
    return ox.serialize(sorted_triples(ws), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def ntriples(ws: Workspace) -> bytes:
    """Every graph merged into one, as N-Triples."""
    return ox.serialize(sorted_triples(ws), format=ox.RdfFormat.N_TRIPLES)


def trig(ws: Workspace) -> bytes:
    """One named graph per plan, as TriG with the exports' prefixes."""
    return ox.serialize(sorted_quads(ws), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)


def nquads(ws: Workspace) -> bytes:
    """One named graph per plan, as N-Quads."""
    return ox.serialize(sorted_quads(ws), format=ox.RdfFormat.N_QUADS)
