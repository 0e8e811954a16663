"""Query engines by name: SPARQL on the RDF store, Cypher on the embedded property graph.

Like the readers and exporters, each engine is named by ``"module:function"`` and imported only
when used; a function takes (workspace folder, query text, parameters) and returns
(columns, rows of plain strings).
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

Engine = Callable[[Path, str, dict], tuple[list[str], list[list[str]]]]

ENGINES: dict[str, str | Engine] = {
    "sparql": "kg.engines:run_sparql",
    "cypher": "kg.stores.ladybug_query:run_cypher",
}


def register(name: str, engine: str | Engine) -> None:
    ENGINES[name] = engine


def engine(name: str) -> Engine:
    target = ENGINES.get(name)
    if target is None:
        raise LookupError(f"no query engine {name!r} (choose from: {', '.join(sorted(ENGINES))})")
    if isinstance(target, str):
        module, _, func = target.partition(":")
        try:
            target = getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError) as err:
            raise LookupError(f"the {name} engine is not available ({err})") from err
        ENGINES[name] = target
    return target


def run(name: str, db: Path, text: str, params: dict | None = None) -> tuple[list[str], list[list[str]]]:
    return engine(name)(db, text, params or {})


def run_canned(name: str, engine: str, db: Path, params: dict | None = None) -> tuple[list[str], list[list[str]]]:
    """A canned query by name (``queries/NAME.rq`` or ``.cypher``), its set-valued lists in order.

    Raises KeyError when there is no such query for the engine.
    """
    import queries

    text = queries.text(name, engine)
    columns, rows = run(engine, db, text, params)
    return columns, queries.in_set_order(columns, rows, queries.sets_declared(text))


def run_sparql(db: Path, text: str, params: dict) -> tuple[list[str], list[list[str]]]:
    """SPARQL over the union of the documents' graphs; parameters are not used."""
    from .workspace import Workspace, WorkspaceError

    try:
        with Workspace(db, read_only=True) as ws:
            return ws.query(text)
    except WorkspaceError as err:
        raise LookupError(str(err)) from err
