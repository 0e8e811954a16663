"""Every kg command in the README's code blocks and in each command's --help examples runs on the
sample plans with exit status 0 (the Cypher examples' outputs are checked in test_readme_cypher)."""
from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest
from click.testing import CliRunner

from kg.cli import main
from samples import ROOT

spec = importlib.util.spec_from_file_location("readme_commands", ROOT / "tools" / "readme_commands.py")
readme_commands = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = readme_commands
spec.loader.exec_module(readme_commands)
COMMANDS = readme_commands.every_command()


@pytest.fixture(scope="module")
def samples_here(corpus_db, tmp_path_factory):
    """A folder laid out as the project's root after the README's first command: examples/ and
    kg-db/, a workspace of the sample plans (a copy, since examples write into it)."""
    here = tmp_path_factory.mktemp("readme")
    (here / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    shutil.copytree(corpus_db, here / "kg-db", symlinks=True)
    return here


def test_the_readme_and_the_help_show_commands_of_every_kind():
    where = {c.where for c in COMMANDS}
    assert "README.md" in where and "kg query --help" in where and "kg schema --help" in where
    shown = {c.args[0] for c in COMMANDS}
    assert {"build", "query", "export", "schema", "stats", "viz", "compare", "push"} <= shown
    assert len([c for c in COMMANDS if c.where == "README.md"]) >= 30


def test_commands_are_read_as_a_shell_reads_them():
    text = ("```\n.venv/bin/kg query --db kg-db --cypher '\nMATCH (n) RETURN n' --format csv > out.csv  # note\n"
            "python3 -m venv .venv && .venv/bin/kg build examples/corpus --db kg-db && .venv/bin/kg viz --db kg-db\n"
            "kg build, RDF (wall) | 2.0 s\n```\n")
    found = readme_commands.readme_commands(text)
    assert [c.args for c in found] == [("query", "--db", "kg-db", "--cypher", "\nMATCH (n) RETURN n", "--format", "csv"),
                                       ("build", "examples/corpus", "--db", "kg-db"), ("viz", "--db", "kg-db")]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"{c.where}: kg {' '.join(c.args)}"[:90])
def test_the_command_runs_on_the_sample_plans(samples_here, monkeypatch, command):
    if command.needs():
        pytest.skip(f"needs {command.needs()}")
    monkeypatch.chdir(samples_here)
    result = CliRunner().invoke(main, list(command.args))
    assert result.exit_code == 0, f"{command.where}: {command.text}\nexited {result.exit_code}:\n{result.output}"


def test_the_readme_shows_the_labels_kg_schema_prints(corpus_db):
    assert readme_commands.labels_shown() == readme_commands.labels_printed(corpus_db), \
        "stale README labels: run .venv/bin/python tools/readme_commands.py --write"
