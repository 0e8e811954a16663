"""The embedded Cypher database: the projection bulk-loaded into Ladybug, inside the workspace.

Ladybug is the maintained MIT fork of Kùzu: an embedded, on-disk property-graph database with
Cypher, nothing to start. It is kept in the workspace folder (:mod:`kg.stores.ladybug_state`
names its files), loaded whole from the projection (:mod:`kg.stores.ladybug_load`) or updated
in place for a few changed plans (:mod:`kg.stores.ladybug_update`); ``kg build`` feeds it as the
``ladybug`` store (:mod:`kg.stores.ladybug_store`), and a Cypher query finds it up to date
(:func:`ensure`).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .. import processes
from . import cypher_cache, cypher_stream, ladybug_schema
from .ladybug_load import load_with_tables
from .ladybug_state import (DATABASE, LOCK, SCRATCH, CypherStoreError, code_stamp, forget_state, is_current,
                            signature, without_plans, write_stamp, write_state)
from .ladybug_update import MustRebuild, iri_document, update

if TYPE_CHECKING:
    from ..workspace import Workspace


def build(ws: "Workspace", folder: Path | None = None) -> dict:
    """Project the workspace and load it into a fresh database that replaces the old one; what
    :func:`~kg.stores.ladybug_state.write_stamp` writes."""
    folder = Path(folder or ws.path)
    started = time.perf_counter()
    forget_state(folder)
    for leftover in folder.glob(SCRATCH + "*"):     # a killed rebuild's; the rebuild lock is ours
        shutil.rmtree(leftover, ignore_errors=True)
    stream = cypher_stream.stream(ws)        # one plan at a time: memory stays bounded
    tmp = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=folder))
    try:
        nodes, relationships, tables = load_with_tables(stream, tmp / DATABASE, ladybug_schema.declared(ws, stream))
        os.replace(tmp / DATABASE, folder / DATABASE)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cypher_cache.prune_cache(ws)
    write_state(folder, {"code": code_stamp(), "reference": ws.manifest.get("reference", {}),
                         "versions": cypher_cache.versions(ws), "classes": stream.mapping.label_set,
                         "documents": {e["graph"]: iri_document(k, e) for k, e in ws.documents.items()},
                         "collector": without_plans(stream.collector), "tables": tables,
                         "signature": signature(stream.mapping), "counts": [nodes, relationships]})
    return write_stamp(ws, folder, nodes, relationships, started, "rebuilt")


@contextlib.contextmanager
def _rebuild_lock(folder: Path) -> Iterator[None]:
    with open(folder / LOCK, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        processes.keep_from_children(f)         # the part writers forked meanwhile do not hold it
        try:
            yield
        finally:
            processes.release(f)
            fcntl.flock(f, fcntl.LOCK_UN)


def bring_up_to_date(ws: "Workspace", folder: Path | None = None) -> dict:
    """Update the database in place, or rebuild it when it cannot be (the reason then under
    "because"); what the stamp says of it."""
    try:
        return update(ws, folder)
    except MustRebuild as why:
        return {**build(ws, folder), "because": str(why)}


def refresh(ws: "Workspace") -> dict | None:
    """Update or rebuild the workspace's Cypher database if it is missing or stale; what was
    done (see :func:`bring_up_to_date`), None when nothing was.

    Called at the end of ``kg build``: a stamp comparison when nothing changed. A failure is
    reported on stderr and leaves the RDF build intact; the next Cypher query tries again.
    """
    try:
        if is_current(ws.path, ws):
            return None
        with _rebuild_lock(ws.path):
            if is_current(ws.path, ws):
                return None
            return bring_up_to_date(ws)
    except (CypherStoreError, RuntimeError, OSError, ImportError) as err:
        print(f"warning: the embedded Cypher database was not rebuilt ({err}); "
              f"`kg query --engine cypher` will try again", file=sys.stderr)
        return None


def rebuild(ws: "Workspace") -> dict:
    """Rebuild the workspace's Cypher database whole, current or not; what the stamp says of it."""
    with _rebuild_lock(ws.path):
        return build(ws)


def ensure(folder: Path, ws: "Workspace | None" = None) -> Path:
    """The database file of a workspace, rebuilt first if it is missing or stale; ``ws``, when
    given, is the workspace already open to read."""
    from ..workspace import Workspace, WorkspaceError

    folder = Path(folder)
    try:
        with contextlib.nullcontext(ws) if ws is not None else Workspace(folder, read_only=True) as ws:
            if not is_current(folder, ws):
                with _rebuild_lock(folder):
                    if not is_current(folder, ws):
                        bring_up_to_date(ws, folder)
    except WorkspaceError as err:
        raise LookupError(str(err)) from err
    return folder / DATABASE
