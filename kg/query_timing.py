"""How long the canned queries take, unfiltered and filtered, in both engines.

Timed in the calling process (its start-up is not counted): from the call to the last row read,
and to the first row, as ``kg query`` reads them (filters resolved, rows in set order, plain text).
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Callable

from .filters import Filters

ENGINES = ("sparql", "cypher")


def default_filters(db: Path) -> dict[str, Filters]:
    """One filter of each kind the benchmark times, with values the workspace holds: the program
    the most plans pursue, the body that issued the most plans, the year with the most plans."""
    from .filters import PREFIXES
    from .workspace import Workspace

    def top(text: str) -> str | None:
        with Workspace(db, read_only=True) as ws:
            found = list(ws.store.query(PREFIXES + text, use_default_graph_as_union=True))
        return found[0][0].value if found else None

    program = top("SELECT ?label WHERE { { SELECT ?p (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?o cyl:pursues ?p } } "
                  "GROUP BY ?p } ?p skos:prefLabel ?label } ORDER BY DESC(?n) ?label LIMIT 1")
    body = top("SELECT ?label WHERE { { SELECT ?o (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g { ?d cyl:issuedBy ?o } } "
               "GROUP BY ?o } ?o skos:prefLabel ?label } ORDER BY DESC(?n) ?label LIMIT 1")
    year = top("SELECT ?y WHERE { { SELECT ?y (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d cyl:planYear ?y } GROUP BY ?y } } "
               "ORDER BY DESC(?n) ?y LIMIT 1")
    given = {"program": Filters(program=program), "organization": Filters(organization=body),
             "year": Filters(year=year and year[:4])}
    return {name: f for name, f in given.items() if getattr(f, name) is not None}


def time_query(db: Path, name: str, engine: str, filters: Filters | None = None, repeat: int = 5) -> dict:
    """One canned query in one engine, ``repeat`` times: the median seconds to the last row and to
    the first, and the rows it gave."""
    from .filters import stream

    totals, firsts, count = [], [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        _, rows = stream(name, engine, db, filters or Filters())
        first, count = None, 0
        for _row in rows:
            if first is None:
                first = time.perf_counter() - start
            count += 1
        totals.append(time.perf_counter() - start)
        firsts.append(totals[-1] if first is None else first)
    return {"query": name, "engine": engine, "median_s": statistics.median(totals),
            "first_row_s": statistics.median(firsts), "rows": count}


def time_queries(db: Path, filters: dict[str, Filters] | None = None, *, engines: tuple[str, ...] = ENGINES,
                 queries: list[str] | None = None, repeat: int = 5,
                 progress: Callable[[dict], None] | None = None) -> list[dict]:
    """Every canned query (or those named) in each engine, unfiltered and with each of ``filters``
    (by a name for the table; ``default_filters(db)`` when None). One dict per run:
    ``query``, ``engine``, ``filter`` ("none" or the name), ``filters`` (the options given),
    ``median_s``, ``first_row_s``, ``rows``; each also given to ``progress`` as it is timed.
    """
    import queries as canned

    from .engines import stream_canned

    filters = default_filters(db) if filters is None else filters
    for engine in engines:                  # the Cypher database made or checked before any timing
        stream_canned(canned.names()[0], engine, db)[1].close()
    results = []
    for name in queries or canned.names():
        for engine in engines:
            for label, given in [("none", None), *filters.items()]:
                timed = time_query(db, name, engine, given, repeat)
                timed.update(filter=label, filters=_options(given))
                results.append(timed)
                if progress is not None:
                    progress(timed)
    return results


def _options(filters: Filters | None) -> dict[str, str]:
    if filters is None:
        return {}
    return {k: str(v) for k, v in vars(filters).items() if v is not None and not (k == "offset" and v == 0)}


HEADER = f"{'query':<17} {'engine':<7} {'filter':<22} {'median':>9} {'first row':>10} {'rows':>8}"


def line(r: dict) -> str:
    """One timing as a line of the table."""
    shown = r["filter"] if not r["filters"] else f"{r['filter']}={next(iter(r['filters'].values()))}"
    return (f"{r['query']:<17} {r['engine']:<7} {shown:<22} {r['median_s']:>8.3f}s "
            f"{r['first_row_s']:>9.3f}s {r['rows']:>8}")


def table(results: list[dict]) -> str:
    """The timings as aligned text, a line per query, engine and filter."""
    return "\n".join([HEADER, *map(line, results)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.query_timing DB``: print the table."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kg.query_timing", description=main.__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engine", action="append", choices=("sparql", "cypher"), help="(repeatable) default: both")
    parser.add_argument("--query", action="append", help="(repeatable) a canned query; default: every one")
    args = parser.parse_args(argv)
    print(HEADER, flush=True)
    time_queries(args.db, repeat=args.repeat, engines=tuple(args.engine or ("sparql", "cypher")),
                 queries=args.query, progress=lambda r: print(line(r), flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
