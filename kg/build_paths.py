"""What ``kg build`` checks before it creates or writes anything: the paths it was given, the
files they hold, and that ``--db`` names a workspace, a new or empty folder, or one the user
asked to make a workspace of (``--init``)."""
from __future__ import annotations

from pathlib import Path

from .workspace import MANIFEST, STORE


class BuildRefused(Exception):
    """A build that would read nothing or write where it should not; the message says why."""


def missing(paths: list[Path]) -> list[str]:
    """The paths named that are neither a file nor a folder."""
    return [str(p) for p in paths if not Path(p).is_file() and not Path(p).is_dir()]


def is_workspace(db: Path) -> bool:
    return (db / STORE).is_dir() or (db / MANIFEST).is_file()


def check_db(db: Path, init: bool) -> None:
    """BuildRefused when ``db`` is a file, or a folder holding other things than a workspace and
    ``init`` was not given (a build would put its store among the user's own files)."""
    if db.exists() and not db.is_dir():
        raise BuildRefused(f"--db {db}: a file, not a folder; give a workspace folder (new or existing)")
    if not db.is_dir() or is_workspace(db) or init:
        return
    # Hidden entries do not count: a build killed before it made the store leaves its .lock
    # (and maybe .spool) behind, and the next build must finish the workspace it began.
    entries = sorted(p.name for p in db.iterdir() if not p.name.startswith("."))
    if entries:
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
        raise BuildRefused(f"--db {db}: a folder of other files ({shown}), not a workspace; give a new or empty "
                           f"folder, or add --init to make a workspace in this one")
