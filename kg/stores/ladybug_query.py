"""Reading the embedded Cypher database: run a query, get its rows as Python values or plain text.

Results come over as Arrow columns in one call and are turned into text a column at a time;
fetching them row by row took longer than running the query itself at ten thousand plans.
Kept apart from ``ladybug`` (building and updating the database) because the database is
rebuilt whenever that module's code changes, and how results are read has no bearing on it.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Callable

from .cypher_stream import no_gc
from .ladybug import ensure


def plain(value) -> str:
    """A Cypher result value as plain text, the way SPARQL results print.

    >>> [plain(v) for v in (None, True, 3, 500000.0, 0.5, 1e-05, dt.date(2021, 3, 1), ["a", "b"])]
    ['', 'true', '3', '500000', '0.5', '0.00001', '2021-03-01', 'a|b']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        d = Decimal(repr(value))
        return str(int(d)) if d == d.to_integral() else format(d.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "|".join(plain(v) for v in value)
    if isinstance(value, dict):
        if "_LABEL" in value and "uri" in value:          # a node: its IRI, as SPARQL prints it
            return str(value["uri"])
        shown = {k: v for k, v in value.items() if not k.startswith("_") or k == "_LABEL"}
        return json.dumps(shown, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _read(database: Path, text: str, params: dict | None, convert: Callable) -> tuple[list[str], list[list]]:
    """Run Cypher on a database file, read-only: its column names and its rows, each Arrow
    column of the result turned into a list of values by ``convert``."""
    import ladybug

    db = ladybug.Database(str(database), read_only=True)
    conn = ladybug.Connection(db)
    try:
        result = conn.execute(text, dict(params or {}))
        if isinstance(result, list):          # several statements: the last one answers
            result = result[-1]
        columns = result.get_column_names()
        if not columns or not result.get_num_tuples():
            return columns, []
        with no_gc():                        # a row list per row, and none of them cyclic
            values = [convert(array) for array in result.get_as_arrow(0).columns]
            return columns, [list(row) for row in zip(*values)]
    finally:
        conn.close()
        db.close()


def query(database: Path, text: str, params: dict | None = None) -> tuple[list[str], list[list]]:
    """Run Cypher on a database file, read-only: (columns, rows of Python values)."""
    return _read(database, text, params, lambda array: array.to_pylist())


_EXACT = 2 ** 53       # below it a whole float and the shortest decimal that reads back as it agree


def plain_column(array) -> list[str]:
    """An Arrow column of a Cypher result as plain text, each value as ``plain`` gives it.

    Strings, integers and booleans are converted by Arrow in one pass, the rest value by value.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return strings(pc.fill_null(array, ""))
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        return strings(pc.fill_null(pc.cast(array, pa.string()), ""))
    if (pa.types.is_list(kind) and pa.types.is_string(kind.value_type)
            and not pc.any(pc.is_null(pc.list_flatten(array))).as_py()):
        return strings(pc.fill_null(pc.binary_join(array, "|"), ""))
    if pa.types.is_floating(kind):      # mostly whole numbers: those print as integers, the rest as plain does
        return [str(int(v)) if v is not None and v.is_integer() and abs(v) < _EXACT else plain(v)
                for v in array.to_pylist()]
    return [plain(value) for value in array.to_pylist()]


def strings(array) -> list[str]:
    """An Arrow column of strings as a list, each distinct string made once.

    Result columns repeat themselves (a body's name on every row of its plans, a plan's file
    name on every row of the plan): building each distinct string once and sharing it takes
    half the time of building one per row, and a fraction of the memory.

    >>> import pyarrow as pa
    >>> names = strings(pa.chunked_array([["团市委", "团县委"], ["团市委", "团市委"]]))
    >>> names, names[0] is names[2]
    (['团市委', '团县委', '团市委', '团市委'], True)
    >>> strings(pa.array(["a", "b", "c"]))
    ['a', 'b', 'c']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    coded = pc.dictionary_encode(array)
    if len(coded.dictionary) * 2 > len(coded):      # mostly distinct: nothing to share
        return array.to_pylist()
    return list(map(coded.dictionary.to_pylist().__getitem__, coded.indices.to_pylist()))


def run_cypher(db: Path, text: str, params: dict, typed: bool = False) -> tuple[list[str], list[list]]:
    """Cypher on the workspace's embedded database (rebuilt first when stale): plain strings, or
    with ``typed`` JSON values (``kg.values``).

    Raises LookupError when there is no workspace, RuntimeError when the query fails.
    """
    from ..values import from_cypher

    database = ensure(Path(db))
    convert = (lambda array: [from_cypher(v) for v in array.to_pylist()]) if typed else plain_column
    try:
        return _read(database, text, params, convert)
    except RuntimeError as err:
        if "read-only" in str(err):
            raise RuntimeError("the embedded Cypher database is read-only: it is rebuilt from the RDF, so change "
                               "the plans and run kg build") from err
        raise


def counts(database: Path) -> tuple[int, int]:
    """(nodes, relationships) in a database file."""
    _, n = query(database, "MATCH (n) RETURN count(n)")
    _, r = query(database, "MATCH ()-[r]->() RETURN count(r)")
    return int(n[0][0]), int(r[0][0])
