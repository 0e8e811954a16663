"""SHACL validation of a workspace against ``ontology/shapes.ttl`` (pyshacl)."""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

import ontology

from .workspace import Workspace


def data_graph(ws: Workspace) -> Graph:
    """The document graphs and the program scheme merged into one rdflib graph."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for g in ws.data_graphs() for q in ws.quads(g)}
    g = Graph()
    g.parse(data=ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def validate(ws: Workspace) -> tuple[bool, str]:
    """(conforms, report text)."""
    from pyshacl import validate as shacl

    shapes = Graph().parse(ontology.SHAPES, format="turtle")
    ont = Graph().parse(ontology.ONTOLOGY, format="turtle")
    conforms, _, text = shacl(data_graph(ws), shacl_graph=shapes, ont_graph=ont, inference="none",
                              advanced=True, allow_warnings=True)
    return bool(conforms), str(text)
