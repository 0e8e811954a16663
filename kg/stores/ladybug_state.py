"""What the embedded Cypher database keeps in the workspace beside itself.

Files in the workspace folder::

    DIR/cypher.lbug    the database, rebuilt whole from the RDF when it is missing or stale
    DIR/cypher.json    the stamp it was built for (plans' sha256, reference graphs, mapping code)
                       and its counts
    DIR/cypher.state   what an update in place starts from: the plans' versions, the counted
                       collector of what they share, the tables made (see ladybug_update)
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import ontology

from ..mapping import CONFIG, Mapping
from .cypher_stream import Collector

if TYPE_CHECKING:
    from ..workspace import Workspace

DATABASE = "cypher.lbug"
STAMP = "cypher.json"
LOCK = ".cypher.lock"

STATE = "cypher.state"
SCRATCH = ".cypher-"         # a rebuild's folder in the workspace: the new database and its Parquet parts

# A buffer pool sized to the database (buffer_pool_for): by default Ladybug takes most of the
# machine's memory.
MIN_BUFFER_POOL = 1 << 30
BYTES_PER_ROW = 512          # of buffer pool a loaded row may need (a node with its texts, or an edge)


def buffer_pool_for(rows: int = 0, database: Path | None = None) -> int:
    """The buffer pool to open a database with: 1 GiB, or more for a large one.

    The database holds every row it writes in its pool until the next checkpoint, and that
    checkpoint needs room to rewrite the tables: a pool of a fixed size overflows on a large
    workspace ("the buffer pool is full"). The pool is a ceiling, not an allocation, but pages
    once used stay resident; what a load really takes is measured by ``python bench`` (bench/).

    >>> buffer_pool_for(1_000) == MIN_BUFFER_POOL
    True
    >>> buffer_pool_for(10_000_000) // (1 << 20)
    4882
    """
    need = rows * BYTES_PER_ROW
    if database is not None and database.exists():
        need = max(need, 2 * _size_on_disk(database))
    return max(MIN_BUFFER_POOL, need)


def _size_on_disk(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())



class CypherStoreError(Exception):
    """The embedded Cypher database cannot be built or opened."""


# -- staleness -----------------------------------------------------------------------------------

def stamp(digest: str) -> str:
    """What the database must have been built from: the plans and the reference graphs (the
    manifest's digest, :meth:`~kg.workspace.Workspace.digest`), the mapping."""
    h = hashlib.sha256(f"{digest} {importlib.metadata.version('ladybug')}".encode("utf-8"))
    for source in _mapping_code():
        h.update(source.read_bytes())
    return h.hexdigest()


def _mapping_code() -> tuple[Path, ...]:
    """The files a database's tables follow from: a change to any of them rebuilds it (the
    installed ontology too, whose declared properties the tables hold: see ladybug_schema)."""
    here = Path(__file__).parent
    return (Path(sys.modules[Mapping.__module__].__file__), here / "cypher_stream.py", here / "ladybug_load.py",
            here / "ladybug_update.py", here / "ladybug_schema.py", CONFIG, ontology.ONTOLOGY)


def read_stamp(folder: Path) -> dict:
    try:
        return json.loads((folder / STAMP).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def is_current(folder: Path, ws: "Workspace") -> bool:
    return (folder / DATABASE).is_file() and read_stamp(folder).get("stamp") == stamp(ws.digest())


def without_plans(collector: Collector) -> Collector:
    """The collector without the plans' own literals, as the state keeps it."""
    collector.plans = {}            # the plans' own literals: not needed to update, and they grow with the corpus
    return collector


def write_stamp(ws: "Workspace", folder: Path, nodes: int, relationships: int, started: float, how: str) -> dict:
    """Say what the database now holds, and how it came to (the stamp file); what was written."""
    info = {"stamp": stamp(ws.digest()), "nodes": nodes, "relationships": relationships,
            "seconds": round(time.perf_counter() - started, 3), "how": how}
    from ..workspace import write_atomically
    write_atomically(folder / STAMP, json.dumps(info, indent=1, sort_keys=True).encode("utf-8"))
    return info


def code_stamp() -> str:
    """The code a state was written by: a state of other code is not updated from."""
    h = hashlib.sha256(importlib.metadata.version("ladybug").encode("utf-8"))
    for source in _mapping_code():
        h.update(source.read_bytes())
    return h.hexdigest()


def signature(mapping: Mapping) -> str:
    """What the tables follow from in the mapping: another signature, other tables."""
    return json.dumps([mapping.node_types, mapping.rel_kinds, sorted(mapping.label_set),
                       sorted(mapping.per_document_types),
                       {k: sorted(v) for k, v in sorted(mapping.own_properties.items())}], sort_keys=True)


def write_state(folder: Path, state: dict) -> None:
    """Keep the state with marshal: it is plain dicts, sets and tuples of strings and numbers,
    which marshal writes five times as fast as pickle (0.09 s against 0.5 s at 10,000 plans)."""
    import marshal

    from ..workspace import write_atomically
    plain = {**state, "collector": state["collector"].as_builtins(), "python": sys.version}
    write_atomically(folder / STATE, marshal.dumps(plain))


def read_state(folder: Path) -> dict | None:
    import marshal

    try:
        state = marshal.loads((folder / STATE).read_bytes())
        if state.get("python") != sys.version:        # marshal's format is Python's own
            return None
        state["collector"] = Collector.from_builtins(state["collector"])
        return state
    except Exception:          # missing, torn or from other code: rebuild
        return None


def forget_state(folder: Path) -> None:
    """The database is about to change: until the new state is written, it must be rebuilt."""
    with contextlib.suppress(FileNotFoundError):
        (folder / STATE).unlink()
