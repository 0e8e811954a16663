"""Query engines by name: SPARQL on the RDF store, Cypher on the embedded property graph.

Like the readers and exporters, each engine is named by ``"module:function"`` and imported only
when used; a function takes (workspace folder, query text, parameters, typed=False) and returns
(columns, rows of plain strings), or with ``typed`` rows of JSON values (``kg.values``).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

from .plugins import load

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


_REGISTERED: set[str] = set()       # engines put in by register(): run as they are, not streamed


def register(name: str, engine: str | Engine) -> None:
    ENGINES[name] = engine
    _REGISTERED.add(name)


def engine(name: str) -> Engine:
    target = ENGINES.get(name)
    if target is None:
        raise LookupError(f"no query engine {name!r} (choose from: {', '.join(sorted(ENGINES))})")
    if isinstance(target, str):
        try:
            target = load(target)
        except (ImportError, AttributeError) as err:
            raise LookupError(f"the {name} engine is not available ({err})") from err
        ENGINES[name] = target
    return target


def run(name: str, db: Path, text: str, params: dict | None = None, *,
        typed: bool = False) -> tuple[list[str], list[list]]:
    columns, rows = stream(name, db, text, params, typed=typed)
    return columns, list(rows)


def stream(name: str, db: Path, text: str, params: dict | None = None, *, typed: bool = False,
           graphs: list[str] | None = None) -> tuple[list[str], Iterator[list]]:
    """Run a query: its columns, and its rows as an iterator read from the engine as they are taken.

    ``graphs`` limits a SPARQL query to those graphs (the plans' and the shared ones); Cypher has
    no graphs and ignores it.
    """
    if name == "sparql" and name not in _REGISTERED:
        return _opened(_sparql_rows(db, text, typed, graphs))
    if name == "cypher" and name not in _REGISTERED:
        return _opened(_cypher_rows(db, text, params or {}, typed))
    columns, rows = engine(name)(db, text, params or {}, typed=True) if typed else engine(name)(db, text, params or {})
    return columns, iter(rows)


def _opened(rows: Iterator) -> tuple[list[str], Iterator[list]]:
    """A row generator that yields its columns first: the columns, and the rest of it."""
    columns = next(rows)
    return columns, rows


def run_canned(name: str, engine: str, db: Path, params: dict | None = None, *,
               typed: bool = False) -> tuple[list[str], list[list]]:
    """A canned query by name (``queries/NAME.rq`` or ``.cypher``), its set-valued lists in order
    (with ``typed``, as lists).

    Raises KeyError when there is no such query for the engine.
    """
    columns, rows = stream_canned(name, engine, db, params, typed=typed)
    return columns, list(rows)


def stream_canned(name: str, engine: str, db: Path, params: dict | None = None, *, typed: bool = False,
                  graphs: list[str] | None = None, text: str | None = None) -> tuple[list[str], Iterator[list]]:
    """``run_canned`` as an iterator of rows, each put in set order as it passes; ``text``, when
    given, is run in place of the query's file (a filtered twin, with its sets declared alike)."""
    text = _canned_text(name, engine) if text is None else text
    columns, rows = stream(engine, db, text, params, typed=typed, graphs=graphs)
    return _in_set_order(text, columns, rows, typed)


def _canned_text(name: str, engine: str) -> str:
    import queries
    return queries.text(name, engine)


def _in_set_order(text: str, columns: list[str], rows: Iterator[list], typed: bool) -> tuple[list[str], Iterator[list]]:
    """The rows, the lists of the set columns the query declares put in order as they pass."""
    import queries

    sets = queries.sets_declared(text)
    if typed:
        from .values import sets_as_lists
        return columns, (row for chunk in _chunks(rows) for row in sets_as_lists(columns, chunk, sets))
    return columns, (row for chunk in _chunks(rows) for row in queries.in_set_order(columns, chunk, sets))


def _chunks(rows: Iterator[list], size: int = 1000) -> Iterator[list[list]]:
    """Rows in lists of at most ``size``, so per-list work runs on a bounded part at a time."""
    chunk: list[list] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_sparql(db: Path, text: str, params: dict, typed: bool = False) -> tuple[list[str], list[list]]:
    """SPARQL over the union of the documents' graphs; parameters are not used."""
    columns, rows = _opened(_sparql_rows(db, text, typed, None))
    return columns, list(rows)


def _sparql_rows(db: Path, text: str, typed: bool, graphs: list[str] | None) -> Iterator:
    """The columns, then each row as Oxigraph's evaluator gives it, the workspace open meanwhile."""
    ws = _workspace(db)
    try:
        yield from _sparql_rows_in(ws, text, typed, graphs)
    finally:
        ws.__exit__(None, None, None)


def _workspace(db: Path):
    """The workspace opened to read; LookupError when there is none."""
    from .workspace import Workspace, WorkspaceError

    try:
        ws = Workspace(db, read_only=True)
        ws.__enter__()
    except WorkspaceError as err:
        raise LookupError(str(err)) from err
    return ws


def _sparql_rows_in(ws, text: str, typed: bool, graphs: list[str] | None, bound: dict | None = None) -> Iterator:
    """The columns, then each row of a query on an open workspace (its variables in ``bound``
    given their values first)."""
    import pyoxigraph as ox

    from .values import from_rdf
    from .workspace import _plain

    dataset: dict = {}
    if graphs is not None:
        # the default graph as the union of the graphs given: a pass over a list of default
        # graphs took twice as long (pursues on 200 plans of 1,000)
        dataset["named_graphs"] = [ox.NamedNode(g) for g in graphs]
    if bound:
        dataset["substitutions"] = {ox.Variable(k): v for k, v in bound.items()}
    result = ws.store.query(text, use_default_graph_as_union=True, **dataset)
    value = from_rdf if typed else (lambda term: "" if term is None else term.value
                                    if type(term) in (ox.Literal, ox.NamedNode) else _plain(term))
    if isinstance(result, ox.QueryBoolean):
        yield ["result"]
        yield [bool(result)] if typed else [str(bool(result)).lower()]
    elif isinstance(result, ox.QueryTriples):
        yield ["subject", "predicate", "object"]
        for t in result:
            yield [value(t.subject), value(t.predicate), value(t.object)]
    else:
        yield [v.value for v in result.variables]
        for solution in result:
            yield [value(term) for term in solution]


def _cypher_rows(db: Path, text: str, params: dict, typed: bool) -> Iterator:
    """The columns, then the rows of a Cypher query, converted from Arrow a batch at a time.

    The embedded database holds its whole result once the query has run; what does not grow
    with the answer is the Python side, a batch of rows at a time.
    """
    handle, conn = _cypher_database(db)
    try:
        yield from _cypher_rows_in(conn, text, params, typed)
    finally:
        conn.close()
        handle.close()


def _cypher_database(db: Path, ws=None):
    """The workspace's embedded Cypher database (rebuilt first when stale), open to read; ``ws``:
    the workspace when it is open already."""
    import ladybug

    from .stores.ladybug_query import ensure

    handle = ladybug.Database(str(ensure(Path(db), ws)), read_only=True)
    return handle, ladybug.Connection(handle)


def _cypher_rows_in(conn, text: str, params: dict, typed: bool) -> Iterator:
    """The columns, then the rows of a Cypher query on an open connection."""
    from .stores.ladybug_query import plain_column
    from .values import from_cypher

    convert = (lambda array: [from_cypher(v) for v in array.to_pylist()]) if typed else plain_column
    try:
        result = conn.execute(text, dict(params))
    except RuntimeError as err:
        if "read-only" in str(err):
            raise RuntimeError("the embedded Cypher database is read-only: it is rebuilt from the RDF, so "
                               "change the plans and run kg build") from err
        raise
    if isinstance(result, list):          # several statements: the last one answers
        result = result[-1]
    columns = result.get_column_names()
    yield columns
    if not columns or not result.get_num_tuples():
        return
    for batch in result.get_as_arrow(10_000).to_batches():
        values = [convert(array) for array in batch.columns]
        yield from (list(row) for row in zip(*values))


class Reader:
    """A workspace's database held open for several canned queries, as a full answer read plan
    batch by plan batch needs (opening the embedded Cypher database takes longer than a query
    on a few plans)."""

    def __init__(self, engine: str, db: Path):
        self.engine, self.db = engine, Path(db)
        self._open = None

    def canned(self, name: str, params: dict | None = None, *, typed: bool = False,
               graphs: list[str] | None = None, text: str | None = None,
               bound: dict | None = None) -> tuple[list[str], Iterator[list]]:
        """``stream_canned`` on the open database; in SPARQL, ``bound`` gives variables their
        values (Oxigraph terms) before the query runs (each must be in its projection)."""
        if self.engine in _REGISTERED or self.engine not in ("sparql", "cypher"):
            return stream_canned(name, self.engine, self.db, params, typed=typed, graphs=graphs, text=text)
        text = _canned_text(name, self.engine) if text is None else text
        if self._open is None:
            self._open = _workspace(self.db) if self.engine == "sparql" else _cypher_database(self.db)
        if self.engine == "sparql":
            opened = _opened(_sparql_rows_in(self._open, text, typed, graphs, bound))
        else:
            opened = _opened(_cypher_rows_in(self._open[1], text, params or {}, typed))
        return _in_set_order(text, *opened, typed)

    def workspace(self):
        """The SPARQL workspace, opened on first use (filters resolve on it before the query runs)."""
        if self._open is None:
            self._open = _workspace(self.db)
        return self._open

    def open_beside(self, ws) -> None:
        """Open the Cypher database now, its freshness checked on ``ws``, the workspace open to
        read (opening the workspace again would cost as much as a query on a few plans)."""
        if self.engine == "cypher" and self.engine not in _REGISTERED and self._open is None:
            self._open = _cypher_database(self.db, ws)

    def close(self) -> None:
        if self._open is None:
            return
        if self.engine == "sparql":
            self._open.__exit__(None, None, None)
        else:
            self._open[1].close()
            self._open[0].close()
        self._open = None


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
