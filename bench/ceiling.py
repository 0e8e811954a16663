"""The ceiling: what any build of the same corpus must at least do.

Reading every file with one regex pass over it; a bulk load of the very same quads straight
into a fresh Oxigraph store (``pyoxigraph.Store.bulk_load``); and Ladybug's ``COPY`` of the very
same rows the embedded Cypher database holds into a fresh database, table by table with a
checkpoint after each, as the build loads them. A build's times are read as ratios of these.
"""
from __future__ import annotations

import re
from pathlib import Path

# The one pass over every character: the scan for quoted names.
CEILING_RE = re.compile(r"“([^“”\n]{1,40})”")


def ceiling_read(files: list[Path]) -> int:
    """Read every file and run one regex over its text: what any reader must at least do."""
    found = 0
    for f in files:
        found += len(CEILING_RE.findall(f.read_bytes().decode("utf-8")))
    return found


def ceiling_load(nquads: Path, folder: Path) -> None:
    """Bulk-load N-Quads straight into a fresh on-disk store: what any build must at least write."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def dump(db: Path, out: Path) -> int:
    """Every quad of a built workspace as N-Quads; the number of quads."""
    import pyoxigraph as ox

    from kg.workspace import STORE

    store = ox.Store.read_only(str(db / STORE))
    store.dump(str(out), format=ox.RdfFormat.N_QUADS)
    del store
    count = 0
    with open(out, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            count += chunk.count(b"\n")
    return count


def _rows(conn, query: str) -> list[list]:
    result = conn.execute(query)
    out = []
    while result.has_next():
        out.append(result.get_next())
    return out


def _name(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def cypher_rows(database: Path, folder: Path) -> tuple[list[str], int]:
    """Write every row of a built Cypher database as Parquet files in ``folder``; the statements
    that make the same tables in a fresh database and ``COPY`` those files into them, and the
    largest table's rows (what the build sizes its buffer pool by)."""
    import ladybug

    folder.mkdir(parents=True, exist_ok=True)
    db = ladybug.Database(str(database), read_only=True)
    conn = ladybug.Connection(db)
    nodes, relationships, largest = [], [], 0
    try:
        tables = sorted((name, kind) for _, name, kind, *_ in _rows(conn, "CALL show_tables() RETURN *"))
        for name, kind in tables:
            columns = [(c[1], c[2]) for c in _rows(conn, f"CALL table_info('{name}') RETURN *")]
            typed = ", ".join(f"{_name(c)} {t}" for c, t in columns)
            if kind == "NODE":
                statements = [f"CREATE NODE TABLE {_name(name)}({typed}, PRIMARY KEY(`uri`))"]
                count = _rows(conn, f"MATCH (n:{_name(name)}) RETURN count(n)")[0][0]
                if count:
                    file = folder / f"node-{len(nodes)}.parquet"
                    values = ", ".join(f"n.{_name(c)} AS {_name(c)}" for c, _ in columns)
                    conn.execute(f"COPY (MATCH (n:{_name(name)}) RETURN {values}) TO '{file}'")
                    statements.append(f"COPY {_name(name)} FROM '{file}'")
                nodes += statements
            elif kind == "REL":
                pairs = [(c[0], c[1]) for c in _rows(conn, f"CALL show_connection('{name}') RETURN *")]
                ddl = [f"FROM {_name(a)} TO {_name(b)}" for a, b in pairs] + ([typed] if typed else [])
                statements = [f"CREATE REL TABLE {_name(name)}({', '.join(ddl)})"]
                for a, b in pairs:
                    pattern = f"(a:{_name(a)})-[r:{_name(name)}]->(b:{_name(b)})"
                    count = _rows(conn, f"MATCH {pattern} RETURN count(r)")[0][0]
                    if count:
                        file = folder / f"rel-{len(relationships)}-{len(statements)}.parquet"
                        values = "".join(f", r.{_name(c)} AS {_name(c)}" for c, _ in columns)
                        conn.execute(f"COPY (MATCH {pattern} RETURN a.uri AS `from`, b.uri AS `to`{values}) "
                                     f"TO '{file}'")
                        statements.append(f"COPY {_name(name)} FROM '{file}' (from='{a}', to='{b}')")
                    largest = max(largest, count)
                relationships += statements
                continue
            largest = max(largest, count)
    finally:
        conn.close()
        db.close()
    return nodes + relationships, largest


def ceiling_copy(statements: list[str], database: Path, largest: int) -> None:
    """Make a fresh Cypher database with those tables and rows, a checkpoint after each ``COPY``
    (:func:`cypher_rows` gives the statements): what any projection must at least write."""
    import ladybug

    from kg.stores.ladybug_state import buffer_pool_for

    db = ladybug.Database(str(database), auto_checkpoint=False, buffer_pool_size=buffer_pool_for(largest))
    conn = ladybug.Connection(db)
    try:
        for statement in statements:
            conn.execute(statement)
            if statement.startswith("COPY"):
                conn.execute("CHECKPOINT")
    finally:
        conn.close()
        db.close()
