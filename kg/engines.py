"""Query engines by name: SPARQL on the RDF store, Cypher on the embedded property graph.

Like the readers and exporters, each engine is named by ``"module:function"`` and imported only
when used; a function takes (workspace folder, query text, parameters, typed=False) and returns
(columns, rows of plain strings), or with ``typed`` rows of JSON values (``kg.values``).
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Callable

Engine = Callable[[Path, str, dict], tuple[list[str], list[list[str]]]]

ENGINES: dict[str, str | Engine] = {
    "sparql": "kg.engines:run_sparql",
    "cypher": "kg.stores.ladybug_query:run_cypher",
}


# A parameter, or what is not code in Cypher (string literals, backticked names, comments).
_CYPHER_TOKENS = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)"
                            r"|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def parameters_named(engine: str, text: str) -> list[str]:
    """The parameters a query names (``$name`` in Cypher, outside strings and comments), in order.

    >>> parameters_named("cypher", "MATCH (p {prefLabel: $program}) WHERE p.x = '$not' // $nor\\nRETURN $`a b`")
    ['program', 'a b']
    >>> parameters_named("sparql", "SELECT $x WHERE { }")
    []
    """
    if engine != "cypher":
        return []          # in SPARQL, $x is a variable
    named: list[str] = []
    for match in _CYPHER_TOKENS.finditer(text):
        name = match[1] or match[2]
        if name and name not in named:
            named.append(name)
    return named


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


def run(name: str, db: Path, text: str, params: dict | None = None, *,
        typed: bool = False) -> tuple[list[str], list[list]]:
    if typed:
        return engine(name)(db, text, params or {}, typed=True)
    return engine(name)(db, text, params or {})


def run_canned(name: str, engine: str, db: Path, params: dict | None = None, *,
               typed: bool = False) -> tuple[list[str], list[list]]:
    """A canned query by name (``queries/NAME.rq`` or ``.cypher``), its set-valued lists in order
    (with ``typed``, as lists).

    Raises KeyError when there is no such query for the engine.
    """
    import queries

    text = queries.text(name, engine)
    columns, rows = run(engine, db, text, params, typed=typed)
    if typed:
        from .values import sets_as_lists
        return columns, sets_as_lists(columns, rows, queries.sets_declared(text))
    return columns, queries.in_set_order(columns, rows, queries.sets_declared(text))


def run_sparql(db: Path, text: str, params: dict, typed: bool = False) -> tuple[list[str], list[list]]:
    """SPARQL over the union of the documents' graphs; parameters are not used."""
    from .workspace import Workspace, WorkspaceError

    try:
        with Workspace(db, read_only=True) as ws:
            return typed_sparql(ws, text) if typed else ws.query(text)
    except WorkspaceError as err:
        raise LookupError(str(err)) from err


def typed_sparql(ws, text: str) -> tuple[list[str], list[list]]:
    """A SELECT (or ASK, CONSTRUCT) over the union of all graphs, its values as ``kg.values`` types them."""
    import pyoxigraph as ox

    from .values import from_rdf

    result = ws.store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return ["result"], [[bool(result)]]
    if isinstance(result, ox.QueryTriples):
        return ["subject", "predicate", "object"], [[from_rdf(t.subject), from_rdf(t.predicate), from_rdf(t.object)]
                                                     for t in result]
    return [v.value for v in result.variables], [[from_rdf(term) for term in solution] for solution in result]
