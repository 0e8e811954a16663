"""Canned queries: ``NAME.rq`` (SPARQL) and ``NAME.cypher`` twins returning the same columns.

``filtered/NAME.cypher`` is the Cypher twin a filtered query runs: the same rows, found from the
plans or programs the filters select, given as parameters. ``filtered/NAME.rq`` is the SPARQL
query a filtered query runs on the selected plans' graphs, where ``NAME.rq`` reads the union of
all graphs (which Oxigraph scans whole, whichever graphs the dataset holds): the same rows, every
pattern matched inside a graph.

A query whose columns hold lists that are sets (the bodies pursuing a program, its aliases) says
so in a header line, ``# sets: organizations source`` (``//`` in Cypher): neither GROUP_CONCAT
nor collect() promises an order, and the embedded Cypher database gathers a list in a different
order on every run, so those lists are printed in code-point order (:func:`in_set_order`).
"""
from __future__ import annotations

import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
ENGINES = {"sparql": ".rq", "cypher": ".cypher"}


def names() -> list[str]:
    """The canned queries there are, by name."""
    return sorted({p.stem for ext in ENGINES.values() for p in HERE.glob(f"*{ext}")})


def text(name: str, engine: str = "sparql") -> str:
    """The text of a canned query; KeyError naming the choices when there is none."""
    return _read(HERE / f"{name}{ENGINES[engine]}", name, engine)


def filtered_text(name: str, engine: str = "cypher", *, by: str = "plans") -> str:
    """The query a filter runs: for Cypher, the twin that starts from the plans a filter selects
    (``$plans``, their IRIs); for SPARQL, the query matched inside each plan's graph, run on the
    selected plans' graphs alone (``filtered/NAME.rq``, or the canned query where that one already
    is). ``by="programs"``: the query that starts from the programs a filter names
    (``filtered/NAME.by-programs.cypher`` with ``$programs``, their preferred labels, and
    ``filtered/NAME.by-programs.rq`` with the node bound to ``?p``), for ``pursues``, ``targets``
    and ``programs``.
    """
    path = HERE / "filtered" / (f"{name}{ENGINES[engine]}" if by == "plans" else f"{name}.by-{by}{ENGINES[engine]}")
    if engine == "sparql" and by == "plans" and not path.is_file():
        return text(name, engine)
    return _read(path, name, engine)


def _read(path: pathlib.Path, name: str, engine: str) -> str:
    if not path.is_file():
        raise KeyError(f"no {engine} query named {name!r} (choose from: {', '.join(names())})")
    return path.read_text("utf-8")


_SETS = re.compile(r"^(?:#|//)\s*sets:\s*(.+)$", re.MULTILINE)


def set_columns(name: str, engine: str = "sparql") -> tuple[str, ...]:
    """The columns of a canned query whose lists are sets, as its header declares them."""
    return sets_declared(text(name, engine))


def sets_declared(query: str) -> tuple[str, ...]:
    """The set columns a query's ``sets:`` header lines name."""
    return tuple(column for line in _SETS.findall(query) for column in line.split())


def in_set_order(columns: list[str], rows: list[list[str]], sets: tuple[str, ...]) -> list[list[str]]:
    """The rows, their lists ("a|b|c") in the set columns put in code-point order (in place).

    >>> in_set_order(["program", "source"], [["希望工程", "b.txt|a.txt"]], ("source",))
    [['希望工程', 'a.txt|b.txt']]
    """
    where = [i for i, column in enumerate(columns) if column in sets]
    if not where:
        return rows
    for row in rows:
        for i in where:
            if "|" in row[i]:
                row[i] = "|".join(sorted(row[i].split("|")))
    return rows
