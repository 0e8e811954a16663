"""Canned queries timed through the functions ``kg query`` calls, with the process's start-up
left out, beside the engine's *floor* for an answer as long: as many rows read by a single
pattern, no join and no sort (a statement per row in SPARQL, a relationship's two ends in
Cypher), turned into text the same way. Each answer is read as ``kg query`` reads it (a stream of
rows, filters resolved), timed to its last row and to its first."""
from __future__ import annotations

import hashlib
import statistics
from pathlib import Path
from typing import Iterator

QUERY_RUNS = 5

# The cheapest query with an answer of a given length: one pattern, read as it is stored.
FLOOR_QUERIES = {
    "sparql": "SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {rows}",
    "cypher": "MATCH (a)-[r]->(b) RETURN a.uri AS a, b.uri AS b LIMIT {rows}",
}


def floor_query(engine: str, rows: int) -> str:
    """The engine's floor for an answer of ``rows`` rows: one pattern, no join, no sort."""
    return FLOOR_QUERIES[engine].format(rows=max(1, rows))


def _answer(engine: str, name: str, db: Path, filters: dict | None, floor: int | None) -> Iterator[list]:
    """The rows of the query (or of its floor), as they come."""
    from kg import engines
    from kg.filters import Filters, stream

    if floor is not None:
        return iter(engines.run(engine, db, floor_query(engine, floor))[1])
    return stream(name, engine, db, Filters(**(filters or {})))[1]


def _time_query(engine: str, name: str, db: Path, answer, filters: dict | None = None,
                floor: int | None = None) -> None:
    import time

    try:
        for _ in range(QUERY_RUNS):
            start = time.perf_counter()
            first, rows = None, []
            for row in _answer(engine, name, db, filters, floor):
                if first is None:
                    first = time.perf_counter() - start
                rows.append(row)
            seconds = time.perf_counter() - start
            text = "\x1e".join("\x1f".join(map(str, row)) for row in rows)
            answer.put({"s": seconds, "first_s": seconds if first is None else first, "rows": len(rows),
                        "digest": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    except Exception as err:       # a broken engine is a line of the table, not the end of the run
        answer.put({"error": f"{type(err).__name__}: {err}"})


def time_query(engine: str, name: str, db: Path, timeout: float, filters: dict | None = None,
               floor: int | None = None) -> dict:
    """The median seconds of 5 runs of a canned query, to its last row and (``first_s``) to its
    first, with ``filters`` (the fields of :class:`kg.filters.Filters`) when given, and its row
    count; with ``floor``, of the engine's floor query for that many rows instead
    (:func:`floor_query`).

    The query runs in a process of its own, stopped when one run takes more than ``timeout``
    seconds: a query that scales badly must not stall the benchmark.
    """
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_time_query, args=(engine, name, db, answer, filters, floor), daemon=True)
    child.start()
    runs = []
    try:
        for _ in range(QUERY_RUNS):
            run = answer.get(timeout=timeout + (30 if not runs else 0))     # the first run also starts Python
            if "error" in run:
                return run
            runs.append(run)
    except queue.Empty:
        return {"timeout": timeout}
    finally:
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    return {"s": statistics.median(r["s"] for r in runs), "first_s": statistics.median(r["first_s"] for r in runs),
            "rows": runs[-1]["rows"],
            "same": len({r["digest"] for r in runs}) == 1, "digest": runs[-1]["digest"]}
