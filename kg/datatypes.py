"""Literal datatypes that the store folds away, restored from the ontology's ranges.

Oxigraph keeps a literal by its value: ``"5"^^xsd:nonNegativeInteger`` comes back out of the store
as ``"5"^^xsd:integer``. Every reader that hands the store's quads to other tools (the exports,
validation, a SPARQL endpoint) puts back the datatype that ``ontology/cyl.ttl`` gives the
property as its range, when that range is a kind of integer.
"""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

from ontology.namespaces import RDFS, XSD

from . import iri

INTEGER = ox.NamedNode(XSD + "integer")
# The integer types of XML Schema that an integer value may be restored to.
INTEGER_KINDS = frozenset(XSD + t for t in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long", "int", "short",
    "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))


def declared(ws) -> dict[str, ox.NamedNode]:
    """Property IRI -> the integer datatype its range declares, from the workspace's ontology."""
    _, rows = ws.query(f"""SELECT ?p ?d WHERE {{ GRAPH <{iri.ONTOLOGY_GRAPH}> {{
        ?p <{RDFS.range}> ?d }} }}""")
    return {p: ox.NamedNode(d) for p, d in rows if d in INTEGER_KINDS}


def restored(quads: Iterable[ox.Quad], datatypes: dict[str, ox.NamedNode]) -> Iterator[ox.Quad]:
    """The quads, each integer literal of a property in ``datatypes`` with that datatype again.

    >>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("5", datatype=INTEGER))
    >>> [str(x.object) for x in restored([q], {"http://e/p": ox.NamedNode(XSD + "nonNegativeInteger")})]
    ['"5"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>']
    """
    for q in quads:
        datatype = datatypes.get(q.predicate.value)
        o = q.object
        if datatype is not None and isinstance(o, ox.Literal) and o.datatype == INTEGER:
            yield ox.Quad(q.subject, q.predicate, ox.Literal(o.value, datatype=datatype), q.graph_name)
        else:
            yield q
