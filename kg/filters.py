"""Filters on the canned queries: a program, a body, a level, a region, a year, a page of rows.

A filter is resolved against the workspace first, each value passed to Oxigraph as a
substitution (never pasted into query text): a program by its name or alias to its preferred
label, a region by name to its GB/T 2260 code, and the plans the filters select, by their
graphs. The canned query then runs on those plans' graphs alone in SPARQL (its cost follows the
plans selected); both engines' rows pass the same row test (the plan, the program, the body),
so both give the same rows. An unknown value is a ``FilterError`` with the nearest names.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from ontology.namespaces import sparql_prefixes

PREFIXES = sparql_prefixes("cyl", "dct", "skos", "rdfs", "xsd")

# The column of each canned query a body or a program filter tests; None: the query has no such
# column, and the filter selects the plans instead (those in which a body pursues the program).
ORGANIZATION_COLUMN = {"documents": "issuer", "pursues": "organization", "targets": "organization",
                       "responsibilities": "organization", "programs": "organizations"}
PROGRAM_COLUMN = {"pursues": "program", "targets": "program", "programs": "program"}
# Queries whose rows count over all plans (a program's documents): their rows are kept when one of
# their plans is selected, and the query itself runs on every plan.
OVER_ALL_PLANS = {"programs"}


class FilterError(ValueError):
    """A filter value the workspace does not hold, with the nearest it does."""


@dataclass(frozen=True)
class Filters:
    program: str | None = None
    organization: str | None = None
    level: str | None = None
    region: str | None = None
    year: str | None = None
    limit: int | None = None
    offset: int = 0

    def selects(self) -> bool:
        """Whether any filter but the page is given."""
        return any(v is not None for v in (self.program, self.organization, self.level, self.region, self.year))

    def given(self) -> bool:
        return self.selects() or self.limit is not None or self.offset != 0


def years(text: str) -> tuple[int, int]:
    """A year or a range of years as (first, last).

    >>> years("2021"), years("2019-2021"), years("2019–2021")
    ((2021, 2021), (2019, 2021), (2019, 2021))
    """
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-–~]\s*(\d{4})\s*)?", text)
    if not m:
        raise FilterError(f"--year takes a year or a range of years (2021, 2019-2021), not {text!r}")
    first, last = int(m[1]), int(m[2] or m[1])
    if first > last:
        raise FilterError(f"--year {text}: the range ends before it starts")
    return first, last


def region_prefix(code: str) -> str:
    """The prefix of GB/T 2260 codes a region's code stands for: its trailing pairs of zeros dropped.

    >>> region_prefix("330000"), region_prefix("330200"), region_prefix("330203"), region_prefix("33")
    ('33', '3302', '330203', '33')
    """
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@dataclass(frozen=True)
class Selection:
    """What the filters resolved to: the plans' graphs and file names (None: every plan), the
    programs' preferred labels (None: any program)."""
    graphs: tuple[str, ...] | None
    sources: frozenset[str] | None
    programs: frozenset[str] | None


def _values(ws, text: str, **substitutions) -> list[list]:
    """The rows of a SELECT over all graphs, each variable named in ``substitutions`` bound first."""
    import pyoxigraph as ox

    bound = {ox.Variable(k): v for k, v in substitutions.items()}
    if bound:        # a substituted variable must be projected; its column comes last, unread
        head, sep, body = text.partition(" WHERE ")
        text = head + "".join(f" ?{k}" for k in substitutions) + sep + body
    result = ws.store.query(PREFIXES + text, use_default_graph_as_union=True, substitutions=bound)
    return [[None if t is None else t.value for t in solution] for solution in result]


def _fail(what: str, value: str, choices: Iterable[str]) -> FilterError:
    from .suggest import hint
    return FilterError(f"no {what} {value!r} in this workspace" + hint(value, choices))


def _program_labels(ws, name: str) -> frozenset[str]:
    """The preferred labels of the programs called ``name`` (a preferred label or an alias, with or
    without a language tag)."""
    import pyoxigraph as ox

    found: set[str] = set()
    for literal in (ox.Literal(name), ox.Literal(name, language="zh")):
        rows = _values(ws, "SELECT DISTINCT ?label WHERE { { ?p skos:prefLabel ?name } UNION { ?p skos:altLabel ?name } "
                           "?p skos:prefLabel ?label }", name=literal)
        found.update(row[0] for row in rows)
    if not found:
        labels = _values(ws, "SELECT DISTINCT ?l WHERE { { ?p skos:prefLabel ?l } UNION { ?p skos:altLabel ?l } "
                             "?p a cyl:Program }")
        raise _fail("program", name, (row[0] for row in labels))
    return frozenset(found)


def _program_iris(ws, labels: frozenset[str]) -> set[str]:
    import pyoxigraph as ox

    iris: set[str] = set()
    for label in labels:
        for literal in (ox.Literal(label), ox.Literal(label, language="zh")):
            iris.update(row[0] for row in _values(ws, "SELECT DISTINCT ?p WHERE { ?p skos:prefLabel ?label }",
                                                  label=literal))
    return iris


def _check_organization(ws, part: str) -> None:
    labels = [row[0] for row in _values(ws, "SELECT DISTINCT ?l WHERE { ?o a cyl:Organization ; skos:prefLabel ?l }")]
    if not any(part in label for label in labels):
        raise _fail("body named like", part, labels)


def _region(ws, region: str) -> str:
    """A region's code prefix: given as digits, or looked up by the region's name."""
    import pyoxigraph as ox

    if region.isdigit():
        return region
    codes = [row for literal in (ox.Literal(region), ox.Literal(region, language="zh"))
             for row in _values(ws, "SELECT DISTINCT ?code WHERE { ?r rdfs:label ?name ; cyl:adcode ?code }",
                                name=literal)]
    if not codes:
        names = _values(ws, "SELECT DISTINCT ?l WHERE { ?r a cyl:Region ; rdfs:label ?l }")
        raise _fail("region", region, (row[0] for row in names))
    return region_prefix(sorted(row[0] for row in codes)[0])


def resolve(ws, query: str, filters: Filters) -> Selection:
    """The plans and programs the filters select, each value checked against the workspace."""
    import pyoxigraph as ox

    programs = _program_labels(ws, filters.program) if filters.program is not None else None
    patterns, bound = [], {}
    if filters.organization is not None:
        _check_organization(ws, filters.organization)
        # the plans naming such a body: more than the rows keep, never fewer, and few at scale
        patterns.append("?named skos:prefLabel ?named_label . FILTER(CONTAINS(STR(?named_label), ?part))")
        bound["part"] = ox.Literal(filters.organization)
    if filters.year is not None:
        first, last = years(filters.year)
        held = sorted({int(row[0]) for row in _values(ws, "SELECT DISTINCT ?y WHERE { ?d cyl:planYear ?y }")
                       if row[0] and row[0][:4].isdigit()})
        if not any(first <= y <= last for y in held):
            raise FilterError(f"no plan of {filters.year} in this workspace; the plans' years: "
                              + ", ".join(map(str, held)))
        patterns.append("?doc cyl:planYear ?y . FILTER(xsd:integer(SUBSTR(STR(?y), 1, 4)) >= ?first "
                        "&& xsd:integer(SUBSTR(STR(?y), 1, 4)) <= ?last)")
        bound.update(first=ox.Literal(str(first), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
                     last=ox.Literal(str(last), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    if filters.level is not None:
        levels = [row[0] for row in _values(ws, "SELECT DISTINCT ?l WHERE { ?d cyl:issuedBy ?o . ?o cyl:level ?l }")]
        if filters.level not in levels:
            raise _fail("level", filters.level, levels)
        patterns.append("?doc cyl:issuedBy ?issuer . ?issuer cyl:level ?level .")
        bound["level"] = ox.Literal(filters.level)
    if filters.region is not None:
        patterns.append("?doc cyl:issuedBy ?issuer . ?issuer cyl:region ?region . ?region cyl:adcode ?code . "
                        "FILTER(STRSTARTS(STR(?code), ?prefix))")
        bound["prefix"] = ox.Literal(_region(ws, filters.region))
    program_iris = sorted(_program_iris(ws, programs)) if programs is not None and query not in PROGRAM_COLUMN else []
    if not patterns and not program_iris:
        return Selection(None, None, programs)
    pursued = "{ ?body cyl:pursues ?program } UNION { ?target cyl:servesProgram ?program }"
    graphs: dict[str, str] = {}
    for program in program_iris or [None]:
        where = " ".join(patterns) + (pursued if program else "")
        rows = _values(ws, "SELECT DISTINCT ?g ?source WHERE { GRAPH ?g { ?doc a cyl:WorkPlan ; dct:source ?source . "
                           + where + " } }", **bound, **({"program": ox.NamedNode(program)} if program else {}))
        graphs.update((row[0], row[1]) for row in rows)
    return Selection(tuple(sorted(graphs)), frozenset(graphs.values()), programs)


def stream(query: str, engine: str, db, filters: Filters, *, typed: bool = False) -> tuple[list[str], Iterator[list]]:
    """A canned query's columns and the rows that pass the filters, as an iterator."""
    from . import iri
    from .engines import stream_canned
    from .workspace import Workspace, WorkspaceError

    try:
        with Workspace(db, read_only=True) as ws:
            selection = resolve(ws, query, filters)
    except WorkspaceError as err:
        raise LookupError(str(err)) from err
    graphs = None
    if engine == "sparql" and selection.graphs is not None and query not in OVER_ALL_PLANS:
        graphs = list(selection.graphs) + [iri.SCHEME_GRAPH, iri.CLASSIFICATION_GRAPH]
    columns, found = stream_canned(query, engine, db, typed=typed, graphs=graphs)
    return columns, rows(query, columns, found, filters, selection)


def _cell_values(cell) -> list[str]:
    """A cell's values: a typed list's items, a plain "a|b" list's parts, or the one value."""
    if isinstance(cell, list):
        return [str(v) for v in cell]
    if cell is None:
        return []
    return str(cell).split("|")


def rows(query: str, columns: list[str], found: Iterator[list], filters: Filters,
         selection: Selection) -> Iterator[list]:
    """The rows that pass the filters, then the page ``--offset``/``--limit`` asks for."""
    tests = []
    if selection.sources is not None and "source" in columns:
        i, sources = columns.index("source"), selection.sources
        tests.append(lambda row: any(s in sources for s in _cell_values(row[i])))
    column = ORGANIZATION_COLUMN.get(query)
    if filters.organization is not None and column in columns:
        j, part = columns.index(column), filters.organization
        tests.append(lambda row: any(part in v for v in _cell_values(row[j])))
    column = PROGRAM_COLUMN.get(query)
    if selection.programs is not None and column in columns:
        k, programs = columns.index(column), selection.programs
        tests.append(lambda row: row[k] in programs)
    kept = (row for row in found if all(test(row) for test in tests)) if tests else found
    stop = None if filters.limit is None else filters.offset + filters.limit
    return itertools.islice(kept, filters.offset, stop)
