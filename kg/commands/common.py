"""What every ``kg`` command shares: the ``--db`` option, opening the workspace it names, and the
exit codes that are not click's own."""
from __future__ import annotations

import sys
from pathlib import Path

import click

DEFAULT_DB = "kg-db"
DB_OPTION = click.option("--db", "db", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DB,
                         show_default=True, envvar="KG_DB", help="Workspace folder (also $KG_DB).")


EXIT_BUSY = 3
EXIT_INTERRUPTED = 130      # as a shell reports a command ended by Ctrl-C (128 + SIGINT)


def open_workspace(db: Path, **kw):
    """The workspace at ``db`` (``kw`` as :class:`kg.workspace.Workspace` takes them); exit 3
    when another build holds it, a usage error when ``db`` is not a workspace."""
    from kg.workspace import Workspace, WorkspaceBusy, WorkspaceError
    try:
        return Workspace(db, **kw)
    except WorkspaceBusy as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(EXIT_BUSY)
    except WorkspaceError as err:
        raise click.UsageError(str(err)) from err
