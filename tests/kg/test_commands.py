"""The kg commands are registered in one list (kg/cli.py), whatever module is imported first, and
the README's command table agrees with them and their options."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import click
import pytest

from kg.cli import main
from samples import ROOT

spec = importlib.util.spec_from_file_location("readme_commands", ROOT / "tools" / "readme_commands.py")
readme_commands = importlib.util.module_from_spec(spec)
sys.modules.setdefault(spec.name, readme_commands)
spec.loader.exec_module(readme_commands)

EVERY_COMMAND = ["build", "compare", "eval", "export", "push", "query", "schema", "stats", "validate", "viz"]


@pytest.mark.parametrize("first", ["kg.commands", "kg.commands.viz", "kg.commands.cypher", "kg.commands.common",
                                   "kg.cli"])
def test_every_command_is_registered_whatever_is_imported_first(first):
    shown = subprocess.run([sys.executable, "-c", f"import {first}\nfrom kg.cli import main\n"
                            "print(' '.join(sorted(main.commands)))"],
                           capture_output=True, text=True, check=True, cwd=ROOT)
    assert shown.stdout.split() == EVERY_COMMAND


def test_kg_help_lists_every_command():
    from click.testing import CliRunner

    listed = CliRunner().invoke(main, ["--help"]).output.split("Commands:\n")[1].splitlines()
    assert [line.split()[0] for line in listed if line.startswith("  ") and not line.startswith("   ")] \
        == EVERY_COMMAND


def _command(words: tuple[str, ...]) -> click.Command:
    command = main.commands[words[0]]
    if isinstance(command, click.Group) and len(words) > 1:
        return command.commands[words[1]]
    return command


def _options(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)
            if name.startswith("-")}


def test_the_readme_command_table_has_a_row_for_every_command_and_no_other():
    rows = readme_commands.command_table()
    assert sorted({words[0] for row in rows for words in row.commands}) == EVERY_COMMAND
    groups = [name for name, c in main.commands.items() if isinstance(c, click.Group)]
    for name in groups:            # a group's every subcommand has its row
        shown = {words[1] for row in rows for words in row.commands if words[0] == name and len(words) > 1}
        assert shown == set(main.commands[name].commands), name


def test_the_options_the_readme_table_names_are_the_commands_options():
    for row in readme_commands.command_table():
        offered = set().union(*(_options(_command(words)) for words in row.commands))
        assert set(row.options) <= offered, (row.commands, set(row.options) - offered)


def test_a_wrong_option_in_the_table_is_caught():
    text = ("## Commands\n\n| command | what it does |\n|---|---|\n"
            "| `kg stats --db DIR --colour` | counts |\n| `kg push neo4j --uri URI` | Neo4j |\n\n## Next\n")
    rows = readme_commands.command_table(text)
    assert [row.commands for row in rows] == [(("stats",),), (("push", "neo4j"),)]
    assert "--colour" not in _options(_command(rows[0].commands[0]))
    assert "--uri" in _options(_command(rows[1].commands[0]))
