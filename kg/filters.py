"""Filters on the canned queries: a program, a body, a level, a region, a year, a page of rows;
and the canned queries read plan batch by plan batch, so that their answers stream.

Each filter is resolved against the workspace from its own value, bound as a variable of a SPARQL
lookup (never pasted into query text): a program by its name or alias to its node and the plan
graphs in which it is pursued or served, a body to the graphs naming it, a year, a level or a
region to the graphs of its plans. The plans every filter selects are the only ones the canned
query reads: SPARQL on their graphs alone, Cypher through the twin that starts from them
(``queries/filtered``, ``$plans``). Both engines' rows then pass the same row test (the plan,
the program, the body), so both give the same rows. An unknown value is a ``FilterError`` with
the nearest names.

``programs`` sums up the pursuits of the selected plans: filtered, a program's row counts the
plans selected (``--year 2021``: its plans of 2021, the bodies pursuing it in them), and a body
selects the plans it issued (a plan states its issuer's pursuits). Filtered by programs alone, a
program's row is the one of the whole workspace, read from the program.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from ontology.namespaces import CYL, DCT, RDF, XSD, sparql_prefixes

from .workspace import Plans

PREFIXES = sparql_prefixes("cyl", "dct", "skos", "rdfs", "xsd")

# The column of each canned query a body or a program filter tests; None: the query has no such
# column, and the filter selects the plans instead (those in which a body pursues the program).
ORGANIZATION_COLUMN = {"documents": "issuer", "pursues": "organization", "targets": "organization",
                       "responsibilities": "organization", "programs": "organizations"}
PROGRAM_COLUMN = {"pursues": "program", "targets": "program", "programs": "program"}
# Queries whose rows sum up the pursuits of the plans read (a program's plans and bodies): filtered,
# they read the selected plans alone, and by a program alone they start from the program.
SUMMARIES = {"programs"}
# Queries with a twin that starts from the programs (``filtered/NAME.by-programs.*``): filtered by a
# program they are found from it, the other filters then testing the rows; the order in which the
# rows of several programs are merged (the canned query's), None when it rests on a value the rows
# do not hold (a target's ordinal): then only one program is found so.
FROM_PROGRAMS = {"programs": lambda row, at: (-int(row[at["documents"]]), str(row[at["program"]])),
                 "pursues": lambda row, at: (str(row[at["source"]]), str(row[at["organization"]]), str(row[at["program"]])),
                 "targets": None}


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
    """What the filters resolved to: the plan graphs the engines read (None: every plan), the file
    names of the plans whose rows are kept (None: every plan's), the programs' preferred labels
    (None: any program), the bodies' names when the name given was a body's whole name; and the
    programs' nodes when the rows are found from the programs (:data:`FROM_PROGRAMS`)."""
    plans: Plans | None
    sources: frozenset[str] | None
    programs: frozenset[str] | None
    bodies: frozenset[str] | None = None      # a body's whole name given: that body alone
    from_programs: dict[str, str] | None = None      # preferred label -> node, read from them


def _values(ws, text: str, **substitutions) -> list[list]:
    """The rows of a SELECT over all graphs, each variable named in ``substitutions`` bound first."""
    import pyoxigraph as ox

    bound = {ox.Variable(k): v for k, v in substitutions.items()}
    if bound:        # a substituted variable must be projected; its column comes last, unread
        head, sep, body = text.partition(" WHERE ")
        text = head + "".join(f" ?{k}" for k in substitutions) + sep + body
    result = ws.store.query(PREFIXES + text, use_default_graph_as_union=True, substitutions=bound)
    return [[None if t is None else t.value for t in solution] for solution in result]


def _graphs(ws, where: str, **bound) -> set[str]:
    """The plan graphs where ``where`` matches, its constants bound first (so a match starts from them)."""
    return {row[0] for row in _values(ws, "SELECT DISTINCT ?g WHERE { GRAPH ?g { " + where + " } }", **bound)}


# Plan graphs described by lookups in each (~0.1 ms a graph at 10,000 plans) rather than by
# reading every plan's description (0.06 s kept by the snapshot, 0.3 s in a pass over the store).
LOOKED_UP_MOST = 500


def _described(ws, graphs: Iterable[str] | None) -> Plans:
    """Each plan graph (None: every one) with its plan's IRI and file names, in the graph's order.

    A few graphs are looked up one by one, the graph given (at 10,000 plans, 1,500 graphs took a
    fifth of the time of one query joining them to the pattern, which Oxigraph matched in every
    graph first); many are taken from every plan's description, which the snapshot keeps
    (:meth:`kg.workspace.Workspace.plans`; an older one: read in one pass over every plan)."""
    if graphs is None:
        return ws.plans()
    wanted = set(graphs)
    if len(wanted) <= LOOKED_UP_MOST or (not ws.plans_kept() and len(wanted) <= len(ws.documents) // 4):
        return _looked_up(ws, wanted)
    every = ws.plans()
    return {g: every[g] for g in sorted(wanted) if g in every}


def _looked_up(ws, graphs: set[str]) -> Plans:
    """:func:`_described` for a few graphs: two lookups in each."""
    import pyoxigraph as ox

    rdf_type, plan_class, source = ox.NamedNode(RDF.type), ox.NamedNode(CYL.WorkPlan), ox.NamedNode(DCT.source)
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for g in sorted(graphs):
        graph = ox.NamedNode(g)
        for typed in ws.store.quads_for_pattern(None, rdf_type, plan_class, graph):
            files = frozenset(q.object.value for q in ws.store.quads_for_pattern(typed.subject, source, None, graph))
            if files:
                doc, known = found.get(g, (typed.subject.value, frozenset()))
                found[g] = (doc, known | files)
    return found


def every_plan(ws) -> Plans:
    """Every plan graph the workspace holds."""
    return ws.plans()


def _fail(what: str, value: str, choices: Iterable[str]) -> FilterError:
    from .suggest import hint
    return FilterError(f"no {what} {value!r} in this workspace" + hint(value, choices))


def _literals(text: str) -> list:
    """A value as it may be stored: a plain literal or one tagged Chinese."""
    import pyoxigraph as ox
    return [ox.Literal(text), ox.Literal(text, language="zh")]


def _found(ws, text: str, name: str, value: str) -> set[str]:
    """The first column of a one-pattern lookup with ``?name`` bound to each of ``_literals(value)``
    (a lookup with one pattern starts from the bound value; joined to others it may not)."""
    return {row[0] for literal in _literals(value) for row in _values(ws, text, **{name: literal})}


def _program_labels(ws, name: str) -> frozenset[str]:
    """The preferred labels of the programs called ``name`` (a preferred label or an alias, with or
    without a language tag)."""
    import pyoxigraph as ox

    nodes = (_found(ws, "SELECT DISTINCT ?p WHERE { ?p skos:prefLabel ?name }", "name", name)
             | _found(ws, "SELECT DISTINCT ?p WHERE { ?p skos:altLabel ?name }", "name", name))
    found = {row[0] for node in sorted(nodes)
             for row in _values(ws, "SELECT DISTINCT ?label WHERE { ?p skos:prefLabel ?label }", p=ox.NamedNode(node))}
    if not found:
        labels = _values(ws, "SELECT DISTINCT ?l WHERE { { ?p skos:prefLabel ?l } UNION { ?p skos:altLabel ?l } "
                             "?p a cyl:Program }")
        raise _fail("program", name, (row[0] for row in labels))
    return frozenset(found)


def _program_nodes(ws, labels: frozenset[str]) -> dict[str, str]:
    """Each preferred label -> the program's node (a program is keyed by its name)."""
    return {label: p for label in sorted(labels)
            for p in sorted(_found(ws, "SELECT DISTINCT ?p WHERE { ?p skos:prefLabel ?label }", "label", label))}


def _program_graphs(ws, labels: frozenset[str]) -> set[str]:
    """The plans in which a body pursues one of the programs, or a target serves it."""
    import pyoxigraph as ox

    iris = set(_program_nodes(ws, labels).values())
    return {g for program in sorted(iris)
            for g in _graphs(ws, "{ ?body cyl:pursues ?program } UNION { ?target cyl:servesProgram ?program }",
                             program=ox.NamedNode(program))}


def _bodies(ws, name: str) -> tuple[dict[str, str], bool]:
    """The bodies (IRI: name) called ``name``, found from the name; else those whose name holds it,
    found in a pass over every body's name. And whether the name was a body's whole name."""
    import pyoxigraph as ox

    called = _found(ws, "SELECT DISTINCT ?o WHERE { ?o skos:prefLabel ?name }", "name", name)
    exact = {o: name for o in sorted(called)
             if _values(ws, "SELECT (1 AS ?one) WHERE { ?o a ?t } LIMIT 1", o=ox.NamedNode(o), t=ox.NamedNode(CYL.Organization))}
    if exact:
        return exact, True
    every = _values(ws, "SELECT DISTINCT ?o ?l WHERE { { SELECT DISTINCT ?o WHERE { ?o a cyl:Organization } } "
                        "?o skos:prefLabel ?l }")
    holding = {o: label for o, label in every if name in label}
    if not holding:
        raise _fail("body named like", name, sorted({label for _, label in every}))
    return holding, False


def _organization_graphs(ws, bodies: dict[str, str]) -> set[str]:
    """The plans naming one of the bodies (each plan's graph names its bodies)."""
    import pyoxigraph as ox

    return {g for body in sorted(bodies) for g in _graphs(ws, "?body skos:prefLabel ?named .", body=ox.NamedNode(body))}


def _year_graphs(ws, text: str) -> set[str]:
    """The plans of a year or a range of years, found from each year."""
    import pyoxigraph as ox

    first, last = years(text)
    graphs = {g for year in range(first, last + 1)
              for g in _graphs(ws, "?doc cyl:planYear ?year .",
                               year=ox.Literal(str(year), datatype=ox.NamedNode(XSD.gYear)))}
    if not graphs:
        held = sorted({int(row[0][:4]) for row in _values(ws, "SELECT DISTINCT ?y WHERE { ?d cyl:planYear ?y }")
                       if row[0] and row[0][:4].isdigit()})
        raise FilterError(f"no plan of {text} in this workspace; the plans' years: " + ", ".join(map(str, held)))
    return graphs


def _issued_graphs(ws, issuers: Iterable[str]) -> set[str]:
    """The plans the bodies issued, found from each body."""
    import pyoxigraph as ox

    return {g for issuer in sorted(issuers)
            for g in _graphs(ws, "?doc cyl:issuedBy ?issuer .", issuer=ox.NamedNode(issuer))}


def _level_graphs(ws, level: str) -> set[str]:
    """The plans issued at a level, found from the bodies of that level."""
    import pyoxigraph as ox

    # bodies of a level are many (every county's), the plans' issuers few: each plan's issuer tested
    graphs = {row[0] for row in _values(ws, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?issuer cyl:level ?level } "
                                            "GRAPH ?g { ?doc cyl:issuedBy ?issuer } }", level=ox.Literal(level))}
    if not graphs:
        levels = [row[0] for row in _values(ws, "SELECT DISTINCT ?l WHERE { ?d cyl:issuedBy ?o . ?o cyl:level ?l }")]
        raise _fail("level", level, levels)
    return graphs


def _region_graphs(ws, region: str) -> set[str]:
    """The plans issued in a region: its GB/T 2260 code prefix, given as digits or found by name."""
    import pyoxigraph as ox

    if not region.isdigit():
        codes = [row for literal in _literals(region)
                 for row in _values(ws, "SELECT DISTINCT ?code WHERE { ?r rdfs:label ?name ; cyl:adcode ?code }",
                                    name=literal)]
        if not codes:
            names = _values(ws, "SELECT DISTINCT ?l WHERE { ?r a cyl:Region ; rdfs:label ?l }")
            raise _fail("region", region, (row[0] for row in names))
        region = region_prefix(sorted(row[0] for row in codes)[0])
    places = _values(ws, "SELECT DISTINCT ?r WHERE { ?r cyl:adcode ?code . FILTER(STRSTARTS(STR(?code), ?prefix)) }",
                     prefix=ox.Literal(region))
    issuers = {row[0] for place in sorted(row[0] for row in places)
               for row in _values(ws, "SELECT DISTINCT ?issuer WHERE { ?issuer cyl:region ?region }",
                                  region=ox.NamedNode(place))}
    return _issued_graphs(ws, issuers)


def resolve(ws, query: str, filters: Filters) -> Selection:
    """The plans and programs the filters select, each value checked against the workspace and
    each set of plans found from the filter's own value (a program, a body, a year ...)."""
    programs = bodies = nodes = None
    found: list[set[str]] = []
    if filters.program is not None:
        programs = _program_labels(ws, filters.program)
        alone = not any(v is not None for v in (filters.organization, filters.year, filters.level, filters.region))
        if query in FROM_PROGRAMS and (alone or query not in SUMMARIES):
            nodes = _program_nodes(ws, programs)
            if FROM_PROGRAMS[query] is None and len(set(nodes.values())) > 1:
                nodes = None
        if nodes is not None and alone:     # the program's rows of the whole workspace, found from it
            return Selection(None, None, programs, from_programs=nodes)
        if nodes is None:       # read from the plans selected (a summary counts them)
            found.append(_program_graphs(ws, programs))
    if filters.organization is not None:
        named, whole = _bodies(ws, filters.organization)
        bodies = frozenset(named.values()) if whole else None
        found.append(_issued_graphs(ws, named) if query in SUMMARIES else _organization_graphs(ws, named))
    for value, graphs_of in ((filters.year, _year_graphs), (filters.level, _level_graphs),
                             (filters.region, _region_graphs)):
        if value is not None:
            found.append(graphs_of(ws, value))
    if not found:
        return Selection(None, None, programs)
    selected = _described(ws, set.intersection(*found))
    sources = frozenset(s for _, files in selected.values() for s in files)
    return Selection(selected, sources, programs, bodies, from_programs=nodes)


def stream(query: str, engine: str, db, filters: Filters = Filters(), *, typed: bool = False,
           first_batch: int | None = None) -> tuple[list[str], Iterator[list]]:
    """A canned query's columns and the rows that pass the filters, as an iterator.

    A query whose rows come in the order of the plans' file names reads the plans a batch at a
    time in that order (:func:`batches`), so its first rows come before the last plans are read
    and no more than a batch is held at once: every such query in Cypher, ``pursues`` in SPARQL
    (:data:`SPARQL_BATCHED`). The others in SPARQL read their first plans' rows, then the rest
    in one query (:func:`head_then_rest`); ``programs`` is read whole, its rows then passed on as
    they come. Filtered by a program, ``pursues``, ``targets`` and ``programs`` are found from
    the program (:data:`FROM_PROGRAMS`, :func:`from_programs`).
    """
    from contextlib import nullcontext

    from .engines import Reader
    from .workspace import Workspace, WorkspaceError

    batched = query in BY_SOURCE and (engine != "sparql" or query in SPARQL_BATCHED)
    # in SPARQL the store opened for the filters also runs the query (opening it takes ~0.06 s)
    reader = Reader(engine, db)
    sizes = {} if first_batch is None else {"first": first_batch}
    try:
        with nullcontext(reader.workspace()) if engine == "sparql" else Workspace(db, read_only=True) as ws:
            selection = resolve(ws, query, filters)
            reader.open_beside(ws)
            plans = ordered = selection.plans
            found_from_programs = selection.from_programs is not None and (
                engine != "sparql" or plans is None or len(plans) > SPARQL_PLANS_READ_MOST)
            # every plan read, the selected plans' rows kept by the row test (a summary's rows
            # would count every plan)
            if (engine == "sparql" and not batched and query not in SUMMARIES and plans is not None
                    and not found_from_programs and _most(plans, ws)):
                plans = None
            if ordered is None and query in BY_SOURCE and not found_from_programs:
                ordered = every_plan(ws)
        if found_from_programs:
            columns, found = read(query, engine, db, plans, typed=typed, reader=reader,
                                  programs=selection.from_programs)
            found = _closing(found, reader)
        elif batched:
            columns, found = in_batches(query, engine, db, batches(ordered, **sizes), typed=typed, reader=reader)
        elif query in BY_SOURCE:
            columns, found = head_then_rest(query, engine, db, ordered, plans, typed=typed, reader=reader, **sizes)
        else:
            columns, found = read(query, engine, db, plans, typed=typed, reader=reader)
            if engine == "sparql" and query in SUMMARIES and plans is not None:
                columns, found = program_facts(reader.workspace(), columns, found, typed=typed)
            found = _closing(found, reader)
    except BaseException as err:
        reader.close()
        if isinstance(err, WorkspaceError):
            raise LookupError(str(err)) from err
        raise
    return columns, rows(query, columns, found, filters, selection)


def program_facts(ws, columns: list[str], found: Iterator[list], *, typed: bool = False,
                  chunk: int = 1000) -> tuple[list[str], Iterator[list]]:
    """The rows of ``filtered/programs.rq``, each program's node (``node``) given in place of its
    type and aliases, found from it in every graph: the plans naming a program state them between
    them, selected or not. The type is the least (the one the Cypher node keeps), the aliases are
    a set. Looked up ``chunk`` rows at a time (one lookup a program: 7,155 programs, 1.3 s)."""
    from .network import values

    where = columns.index("node")

    def facts(nodes: list[str], predicate: str) -> dict[str, list[str]]:
        # DISTINCT in the store: a program of 8,000 plans has a statement in each of their graphs
        found: dict[str, list[str]] = {}
        for node, value in _values(ws, f"SELECT DISTINCT ?p ?v WHERE {{ {values('p', nodes)} ?p {predicate} ?v }}"):
            found.setdefault(node, []).append(value)
        return {node: sorted(vs) for node, vs in found.items()}

    def completed() -> Iterator[list]:
        rows = iter(found)
        while batch := list(itertools.islice(rows, chunk)):
            nodes = sorted({row[where] for row in batch})
            kinds, aliases = facts(nodes, "cyl:programType"), facts(nodes, "skos:altLabel")
            for row in batch:
                kind, also = kinds.get(row[where], [])[:1], aliases.get(row[where], [])
                row[where:where + 1] = [kind[0] if kind else None if typed else "", also if typed else "|".join(also)]
                yield row

    return columns[:where] + ["type", "aliases"] + columns[where + 1:], completed()


def _closing(found: Iterator[list], reader) -> Iterator[list]:
    """The rows, the reader (if any) closed once they are read."""
    try:
        yield from found
    finally:
        if reader is not None:
            reader.close()

# In SPARQL, a selection of more than this share of the plans is read from every plan at once:
# Oxigraph matches a pattern in each selected graph in turn, which for most of the plans costs more
# than one pass over all of them (responsibilities at 1,000 plans: 0.9 s in 800 plans' graphs, 0.3 s
# over every graph; 0.08 s in 156 plans' graphs).
WHOLE_SHARE = 0.25


# In SPARQL, filtered by a program and by something else (a body, a year), rows are found from the
# program when the other filters select more plans than this, else read from those plans (10,000
# plans, pursues of 青年大学习: 1.5 s from the program, a body's 4 plans 0.05 s, 800 plans ~2 s).
SPARQL_PLANS_READ_MOST = 200


def _most(plans: Plans, ws) -> bool:
    """Whether the plans are more than :data:`WHOLE_SHARE` of the workspace's plans (of its graphs
    when the snapshot does not keep them: counting 10,000 graphs takes 0.2 s)."""
    total = len(ws.plans()) if ws.plans_kept() else sum(1 for _ in ws.store.named_graphs())
    return len(plans) > WHOLE_SHARE * total


# The canned queries whose rows come in the order of the plans' file names, first of all.
BY_SOURCE = {"documents", "pursues", "targets", "responsibilities"}
# Those read in batches in SPARQL too. Oxigraph reads a pattern of the default graph (the union
# of the batch's graphs) in a pass over every graph, so a batch of documents, targets or
# responsibilities cost about the whole query (1.2 to 5 times the whole answer in all, at 1,000
# plans); pursues, matched inside each plan's graph, costs what its plans cost.
SPARQL_BATCHED = {"pursues"}
FIRST_BATCH = 50         # plans read for the first rows; each batch after reads twice the last,
MOST_BATCH = 800         # up to this many


def batches(plans: Plans, first: int = FIRST_BATCH, most: int = MOST_BATCH) -> Iterator[tuple[Plans, frozenset[str]]]:
    """The plans in the order of their file names, a batch at a time: the batch's plans, and the
    file names whose rows it gives (a plan held in several files comes in each of their batches).

    >>> plans = {f"g{i}": (f"d{i}", frozenset({f"{i}.txt"})) for i in range(5)}
    >>> [sorted(files) for _, files in batches(plans, first=1, most=2)]
    [['0.txt'], ['1.txt', '2.txt'], ['3.txt', '4.txt']]
    """
    pairs = sorted((source, g) for g, (_, files) in plans.items() for source in files)
    start, size = 0, first
    while start < len(pairs):
        chunk = pairs[start:start + size]
        yield {g: plans[g] for _, g in chunk}, frozenset(source for source, _ in chunk)
        start, size = start + size, min(size * 2, most)


def in_batches(query: str, engine: str, db, plans: Iterable[tuple[Plans, frozenset[str]]], *,
               typed: bool = False, reader=None) -> tuple[list[str], Iterator[list]]:
    """A canned query ordered by file name, read batch by batch on one open database (``reader``,
    a ``kg.engines.Reader``, closed once the rows are read; else one opened for it): each batch's
    rows, those of its file names, as the batch is taken; a batch is read only when the rows
    before it are taken."""
    from .engines import Reader

    plans, reader = iter(plans), reader or Reader(engine, db)
    head, head_sources = next(plans, ({}, frozenset()))
    columns, found, where = _first_read(query, engine, db, head, typed, reader)

    def of(found: Iterator[list], sources: frozenset[str]) -> Iterator[list]:
        return (row for row in found if _held(row[where], sources))

    def every() -> Iterator[list]:
        try:
            yield from of(found, head_sources)
            for batch, sources in plans:
                yield from of(read(query, engine, db, batch, typed=typed, reader=reader)[1], sources)
        finally:
            reader.close()

    return columns, every()


def _first_read(query: str, engine: str, db, plans: Plans, typed: bool, reader) -> tuple[list[str], Iterator[list], int]:
    """The columns and rows of the first plans read, and where the file name is in a row; the
    reader closed if the read fails."""
    try:
        columns, found = read(query, engine, db, plans, typed=typed, reader=reader)
    except BaseException:
        reader.close()
        raise
    return columns, found, columns.index("source")


def head_then_rest(query: str, engine: str, db, ordered: Plans, plans: Plans | None, *, typed: bool = False,
                   reader, first: int = FIRST_BATCH) -> tuple[list[str], Iterator[list]]:
    """A canned query ordered by file name: the rows of its first ``first`` plans (of ``ordered``),
    then those of the others, read in one query on ``plans`` (None: every plan), on ``reader``
    (closed once the rows are read).

    In SPARQL a query on a batch of plans costs a pass over their graphs, about three times what
    they cost in one query on every plan: so only the first plans are read apart, for the first
    rows, and the rest costs what the whole answer does."""
    head, head_sources = next(batches(ordered, first=first, most=first), ({}, frozenset()))
    columns, found, where = _first_read(query, engine, db, head, typed, reader)

    def every() -> Iterator[list]:
        try:
            yield from (row for row in found if _held(row[where], head_sources))
            if len(head) < len(ordered):
                rest = read(query, engine, db, plans, typed=typed, reader=reader)[1]
                yield from (row for row in rest if not _held(row[where], head_sources))
        finally:
            reader.close()

    return columns, every()


def read(query: str, engine: str, db, plans: Plans | None, *, typed: bool = False, reader=None,
         programs: dict[str, str] | None = None) -> tuple[list[str], Iterator[list]]:
    """A canned query's rows from the given plans (None: every plan), before any row test; on
    ``reader`` (a ``kg.engines.Reader``) when given, else on the database opened for it.

    SPARQL reads the plans' graphs alone; Cypher runs the twin that starts from the plans
    (``$plans``). Given ``programs`` (preferred label -> node), the rows are found from them:
    Cypher's twin takes their labels (``$programs``), SPARQL's query each node in turn
    (:func:`from_programs`).
    """
    from . import iri
    from .engines import stream_canned

    graphs, params, text = None, None, None
    if programs is not None:
        import queries
        if engine == "sparql":
            from .engines import Reader

            opened = Reader(engine, db) if reader is None else None
            columns, found = from_programs(query, programs, typed=typed, reader=reader or opened)
            return columns, found if opened is None else _closing(found, opened)
        if engine == "cypher":
            text, params = queries.filtered_text(query, by="programs"), {"programs": sorted(programs)}
    elif plans is not None:
        import queries
        if engine == "sparql":
            graphs = list(plans) + [iri.SCHEME_GRAPH, iri.CLASSIFICATION_GRAPH]
            text = queries.filtered_text(query, engine)
        elif engine == "cypher":
            text, params = queries.filtered_text(query), {"plans": sorted({doc for doc, _ in plans.values()})}
    if reader is not None:
        return reader.canned(query, params, typed=typed, graphs=graphs, text=text)
    return stream_canned(query, engine, db, params, typed=typed, graphs=graphs, text=text)


def from_programs(query: str, programs: dict[str, str], *, typed: bool = False, reader) -> tuple[list[str], Iterator[list]]:
    """The rows of a query for the programs given (preferred label -> node), in SPARQL: its
    ``filtered/NAME.by-programs.rq`` run once for each node, bound to ``?p`` before it runs; the
    rows of one program as they come, those of several merged in the canned query's order
    (:data:`FROM_PROGRAMS`)."""
    import heapq

    import pyoxigraph as ox

    import queries

    text = queries.filtered_text(query, "sparql", by="programs")
    answers = [reader.canned(query, typed=typed, text=text, bound={"p": ox.NamedNode(node)})
               for node in sorted(set(programs.values()))]       # a name the workspace holds: one at least
    columns = answers[0][0]
    at = {column: i for i, column in enumerate(columns)}
    found = (answers[0][1] if len(answers) == 1 else
             heapq.merge(*(rows for _, rows in answers), key=lambda row: FROM_PROGRAMS[query](row, at)))
    where = at["p"]
    return columns[:where] + columns[where + 1:], (row[:where] + row[where + 1:] for row in found)


def _cell_values(cell) -> list[str]:
    """A cell's values: a typed list's items, a plain "a|b" list's parts, or the one value."""
    if isinstance(cell, list):
        return [str(v) for v in cell]
    if cell is None:
        return []
    return str(cell).split("|")


def _held(cell, values: frozenset[str]) -> bool:
    """Whether a cell is one of the values, or one of its list's values is (a plan held in several
    files states their names as one "a.txt|b.txt")."""
    return (isinstance(cell, str) and cell in values) or any(v in values for v in _cell_values(cell))


def rows(query: str, columns: list[str], found: Iterator[list], filters: Filters,
         selection: Selection) -> Iterator[list]:
    """The rows that pass the filters, then the page ``--offset``/``--limit`` asks for."""
    tests = []
    if selection.sources is not None and "source" in columns:
        i, sources = columns.index("source"), selection.sources
        tests.append(lambda row: _held(row[i], sources))
    column = ORGANIZATION_COLUMN.get(query)
    if selection.bodies is not None and column in columns:
        j, bodies = columns.index(column), selection.bodies
        tests.append(lambda row: any(v in bodies for v in _cell_values(row[j])))
    elif filters.organization is not None and column in columns:
        j, part = columns.index(column), filters.organization
        tests.append(lambda row: any(part in v for v in _cell_values(row[j])))
    column = PROGRAM_COLUMN.get(query)
    if selection.programs is not None and column in columns:
        k, programs = columns.index(column), selection.programs
        tests.append(lambda row: row[k] in programs)
    kept = (row for row in found if all(test(row) for test in tests)) if tests else found
    stop = None if filters.limit is None else filters.offset + filters.limit
    return itertools.islice(kept, filters.offset, stop)
