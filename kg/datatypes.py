"""Literal datatypes that the store folds away, restored from the ontology's ranges.

Oxigraph keeps a literal by its value: ``"5"^^xsd:nonNegativeInteger`` comes back out of the store
as ``"5"^^xsd:integer``. Every reader that hands the store's quads to other tools (the exports,
validation, a SPARQL endpoint) puts back the datatype that ``ontology/cyl.ttl`` gives the
property as its range, when that range is a kind of integer.
"""
from __future__ import annotations

import re
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


def restoring(datatypes: dict[str, ox.NamedNode]) -> list[tuple[re.Pattern[bytes], bytes]]:
    """What :func:`restored_lines` rewrites: per datatype, a pattern of the N-Triples lines whose
    predicate has it and whose object is an ``xsd:integer`` literal, and the replacement."""
    by_type: dict[str, list[str]] = {}
    for predicate, datatype in sorted(datatypes.items()):
        by_type.setdefault(datatype.value, []).append(predicate)
    out = []
    for datatype, predicates in sorted(by_type.items()):
        names = b"|".join(re.escape(p.encode("utf-8")) for p in predicates)
        # From the newline before the line: far faster to find than ``^`` under re.M.
        pattern = re.compile(rb'(\n(?:<[^>]*>|_:\S+) <(?:' + names + rb')> "[^"\\]*")\^\^'
                             + re.escape(str(INTEGER).encode()) + rb"(?= )")
        replacement = rb"\1^^" + str(ox.NamedNode(datatype)).encode("utf-8").replace(b"\\", b"\\\\")
        out.append((pattern, replacement))
    return out


def restored_lines(data: bytes, rewrites: list[tuple[re.Pattern[bytes], bytes]]) -> bytes:
    """N-Triples or N-Quads lines as the store writes them, each after a newline (the first
    too), with the datatypes of :func:`restored` (rewrites from :func:`restoring`): a line's
    subject opens it, and no literal holds a raw newline.

    >>> r = restoring({"http://e/p": ox.NamedNode(XSD + "nonNegativeInteger")})
    >>> restored_lines(b'\\n<http://e/s> <http://e/p> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .\\n', r)
    b'\\n<http://e/s> <http://e/p> "5"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger> .\\n'
    """
    for pattern, replacement in rewrites:
        data = pattern.sub(replacement, data)
    return data
