"""Query result values as JSON takes them: numbers as numbers, dates as ISO text, lists as lists.

Both engines give the same value for the same fact: an RDF literal typed ``xsd:integer`` and the
projected integer property, ``xsd:decimal`` and the projected float, ``xsd:date`` and the projected
date, a canned query's set column (``GROUP_CONCAT`` in SPARQL, ``collect()`` in Cypher) as a list.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ontology.namespaces import XSD
INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                              "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
                              "unsignedShort", "unsignedByte")}
FLOATS = {XSD + t for t in ("decimal", "double", "float")}
BOOLEAN = XSD + "boolean"


def from_rdf(term):
    """An Oxigraph term as a JSON value: IRIs and plain text as text, typed literals by their type.

    >>> import pyoxigraph as ox
    >>> [from_rdf(t) for t in (None, ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
    ...  ox.Literal("91", datatype=ox.NamedNode(XSD + "decimal")), ox.Literal("2021-03-01",
    ...  datatype=ox.NamedNode(XSD + "date")), ox.NamedNode("https://example.org/a"))]
    [None, 3, 91.0, '2021-03-01', 'https://example.org/a']
    """
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is not None:
        kind = datatype.value
        try:
            if kind in INTEGERS:
                return int(term.value)
            if kind in FLOATS:
                return float(term.value)
        except ValueError:          # an ill-typed literal stays the text it is
            return term.value
        if kind == BOOLEAN:
            return term.value in ("true", "1")
    return getattr(term, "value", str(term))


def from_cypher(value):
    """A Cypher result value as a JSON value; a node as its IRI, as SPARQL gives it.

    >>> [from_cypher(v) for v in (None, 3, 2.5, dt.date(2021, 3, 1), ["a", dt.date(2020, 1, 2)])]
    [None, 3, 2.5, '2021-03-01', ['a', '2020-01-02']]
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [from_cypher(v) for v in value]
    if isinstance(value, dict):
        if "_LABEL" in value and "uri" in value:
            return str(value["uri"])
        return {k: from_cypher(v) for k, v in value.items() if not k.startswith("_") or k == "_LABEL"}
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


def sets_as_lists(columns: list[str], rows: list[list], sets: tuple[str, ...]) -> list[list]:
    """The rows, each set column's value a list in code-point order (in place): SPARQL's
    ``a|b`` split, Cypher's list sorted, nothing at all an empty list.

    >>> sets_as_lists(["p", "source"], [["x", "b.txt|a.txt"], ["y", None], ["z", ["d", "c"]]], ("source",))
    [['x', ['a.txt', 'b.txt']], ['y', []], ['z', ['c', 'd']]]
    """
    where = [i for i, column in enumerate(columns) if column in sets]
    for row in rows:
        for i in where:
            value = row[i]
            if value is None or value == "":
                row[i] = []
            elif isinstance(value, str):
                row[i] = sorted(value.split("|"))
            elif isinstance(value, list):
                row[i] = sorted(value, key=str)
    return rows
