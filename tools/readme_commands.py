"""Every ``kg`` command the README shows in its code blocks and every command's --help shows
in its examples, as arguments to run against a workspace of the sample plans.

In the README a command is one run from the virtualenv, `.venv/bin/kg …` (a table row that
starts with "kg build" is not one); in --help, `kg …`. The tests run each (tests/kg/test_readme_commands.py) and expect exit status 0; run this file to
list them:

    .venv/bin/python tools/readme_commands.py

The README's command table (:func:`command_table`) is checked against the commands and their
options (tests/kg/test_commands.py).

The README also shows the sample plans' labels as `kg schema` prints them (between
``<!-- schema-labels -->`` markers); after a change to the extractors, refresh them:

    .venv/bin/python tools/readme_commands.py --write
"""
from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LABELS = re.compile(r"<!-- schema-labels -->\n```\n(?P<table>.*?)```\n<!-- /schema-labels -->", re.S)
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

# Commands that need something beyond this machine, and where the tests do that for real.
NEEDS_A_SERVER = {
    ("push", "neo4j"): "a Neo4j server (tests/kg/test_neo4j_push.py pushes to one named by NEO4J_URI)",
    ("push", "sparql"): "a SPARQL server (tests/kg/test_sparql_endpoint.py starts Oxigraph's and pushes to it)",
}


@dataclass(frozen=True)
class Command:
    where: str                      # README.md or `kg NAME --help`
    text: str                       # as written there
    args: tuple[str, ...]           # for kg: the words after it, without redirections

    def needs(self) -> str | None:
        """What beyond this machine the command needs, or None."""
        return NEEDS_A_SERVER.get(self.args[:2])


def _commands_in(text: str, where: str, program: str = "kg") -> list[Command]:
    """The kg commands in a piece of shell text: lines joined where a quote or a backslash
    carries on, commands split at && and ;, words after a redirection dropped."""
    found = []
    pending = ""
    for line in text.splitlines():
        pending = f"{pending}\n{line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1]
            continue
        try:
            lexer = shlex.shlex(pending, posix=True, punctuation_chars="&;|<>")
            lexer.whitespace_split = True
            lexer.commenters = "#"
            words = list(lexer)
        except ValueError:          # a quote still open: the command goes on on the next line
            continue
        source, pending = pending, ""
        command: list[str] = []
        for word in words + ["&&"]:
            if word in ("&&", ";", "||", "|", "&"):
                found.extend(_kg(command, source, where, program))
                command = []
            else:
                command.append(word)
    return found


def _kg(words: list[str], text: str, where: str, program: str) -> list[Command]:
    while words and ASSIGNMENT.match(words[0]):
        words = words[1:]
    if len(words) < 2 or words[0] != program or words[1] not in _command_names():
        return []
    args = []
    for word in words[1:]:
        if word in (">", ">>", "<", "2>"):
            break
        args.append(word)
    return [Command(where, text.strip(), tuple(args))]


def _command_names() -> set[str]:
    from kg.cli import main
    return set(main.commands)


def readme_commands(text: str | None = None) -> list[Command]:
    text = README.read_text("utf-8") if text is None else text
    return [c for block in FENCE.findall(text) for c in _commands_in(block, "README.md", ".venv/bin/kg")]


def help_commands() -> list[Command]:
    """The commands shown in the --help of kg and of every command and subcommand."""
    import click

    from kg.cli import main

    found = []

    def visit(command: click.Command, path: list[str]) -> None:
        lines, going_on = [], False
        for line in (command.help or "").splitlines():        # the indented lines starting `kg `
            if going_on or re.match(r"\s+kg ", line):
                lines.append(line.strip())
                going_on = line.endswith("\\")
        found.extend(_commands_in("\n".join(lines), " ".join(["kg", *path, "--help"])))
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                visit(sub, path + [name])

    visit(main, [])
    return found


COMMANDS_SECTION = re.compile(r"^## Commands\n(.*?)(?=^## |\Z)", re.S | re.M)
TABLE_ROW = re.compile(r"^\| (`kg .*?) \| (.*) \|$", re.M)
COMMAND_SHOWN = re.compile(r"`kg ([a-z][a-z0-9-]*)(?: ([a-z][a-z0-9-]*))?")
OPTION_SHOWN = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b")


@dataclass(frozen=True)
class TableRow:
    commands: tuple[tuple[str, ...], ...]     # each command the row shows: (name,) or (group, name)
    options: tuple[str, ...]                  # the options it names, in the command or what it does


def command_table(text: str | None = None) -> list[TableRow]:
    """The rows of the README's command table (under "## Commands")."""
    text = README.read_text("utf-8") if text is None else text
    section = COMMANDS_SECTION.search(text)[1]
    rows = []
    for command_cell, what_it_does in TABLE_ROW.findall(section):
        row = command_cell + " " + what_it_does
        shown = tuple(tuple(w for w in m if w) for m in COMMAND_SHOWN.findall(command_cell))
        rows.append(TableRow(shown, tuple(dict.fromkeys(OPTION_SHOWN.findall(row)))))
    return rows


def every_command() -> list[Command]:
    return readme_commands() + help_commands()


def labels_shown(text: str | None = None) -> str:
    """The labels table the README shows, as printed there."""
    text = README.read_text("utf-8") if text is None else text
    return LABELS.search(text)["table"]


def labels_printed(db: Path) -> str:
    """The labels table ``kg schema`` prints for a workspace, without its row count."""
    from kg.schema import labels_table, read

    return labels_table(read(db)).rsplit("(", 1)[0]


def _write_labels() -> None:
    import tempfile

    from kg.pipeline import build
    from kg.workspace import Workspace

    text = README.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db"
        with Workspace(db, create=True) as ws:
            build(ws, [ROOT / "examples" / "corpus"], jobs=1)
        table = labels_printed(db)
    span = LABELS.search(text).span("table")
    README.write_text(text[:span[0]] + table + text[span[1]:], "utf-8")
    print("README labels table " + ("rewritten" if table != labels_shown(text) else "unchanged"))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--write" in sys.argv:
        _write_labels()
        sys.exit(0)
    for c in every_command():
        print(f"{c.where}: kg {shlex.join(c.args)}" + (f"   [needs {c.needs()}]" if c.needs() else ""))
