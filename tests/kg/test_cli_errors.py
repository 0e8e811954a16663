"""Errors that help: the message before the usage, the nearest names for a misspelt one, builds
that create nothing when there is nothing to build or no place for a workspace, and files
written with the mode the user's umask gives."""
from __future__ import annotations

import json
import os
import stat
from contextlib import contextmanager

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.exports import EXPORTERS
from samples import CORPUS, JILIN


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="kg")


def test_the_message_comes_first_then_the_usage(corpus_db):
    result = run("query", "nonesuch", "--db", corpus_db)
    lines = result.output.splitlines()
    assert result.exit_code == 2
    assert lines[0].startswith("Error: no sparql query named 'nonesuch'")
    assert lines[1] == "Usage: kg query [OPTIONS] [NAME]" and lines[2] == "Try 'kg query --help' for help."
    option = run("query", "pursues", "--format", "xml", "--db", corpus_db)
    assert option.exit_code == 2 and option.output.startswith("Error: Invalid value for '--format'")


@pytest.mark.parametrize("args, nearest", [
    (["query", "pursue"], "did you mean: pursues?"),
    (["quer", "pursues"], "did you mean: query?"),
    (["stats", "programz"], "did you mean: programs?"),
    (["export", "--format", "tll"], "did you mean: ttl"),
    (["viz", "--program", "青年大学X", "-o", "{tmp}/p.html"], "did you mean: 青年大学习"),
    (["viz", "--organization", "共青团南京市委", "-o", "{tmp}/p.html"], "did you mean: 共青团南昌市委"),
    (["viz", "--year", "2018", "-o", "{tmp}/p.html"], "no plan of 2018 in the workspace; it holds plans of 2019, 2020, 2021"),
    (["compare", "平罗县@2020", "平罗县@2021"], "平罗县 has plans of 2020, not 2021"),
    (["compare", "南京市", "平罗县"], "did you mean: 南昌市?"),
])
def test_a_misspelt_name_gets_the_nearest_ones_the_workspace_holds(corpus_db, tmp_path, args, nearest):
    result = run(*[a.format(tmp=tmp_path) for a in args], "--db", corpus_db)
    assert result.exit_code == 2 and result.output.startswith("Error: ")
    assert nearest in result.output.splitlines()[0]


def test_a_build_of_a_missing_path_creates_nothing_and_names_it(tmp_path):
    result = run("build", CORPUS, tmp_path / "nowhere", "--db", tmp_path / "db")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: no such file or folder: {tmp_path / 'nowhere'}")
    assert not (tmp_path / "db").exists()


def test_a_build_that_finds_no_plan_files_warns_and_creates_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "picture.png").write_bytes(b"\x89PNG")
    result = run("build", tmp_path / "empty", "--db", tmp_path / "db")
    assert result.exit_code == 1
    assert result.output.startswith(f"warning: no plan files in {tmp_path / 'empty'}")
    assert not (tmp_path / "db").exists()


def test_a_folder_of_other_files_becomes_a_workspace_only_with_init(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes", "utf-8")
    refused = run("build", JILIN, "--db", mine, "-j", "1")
    assert refused.exit_code == 2 and "not a workspace" in refused.output and "--init" in refused.output
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    made = run("build", JILIN, "--db", mine, "-j", "1", "--init")
    assert made.exit_code == 0, made.output
    assert (mine / "notes.txt").read_text("utf-8") == "my own notes"
    again = run("build", JILIN, "--db", mine, "-j", "1")          # a workspace now: no --init needed
    assert again.exit_code == 0 and "built 0, unchanged 1" in again.output
    begun = tmp_path / "begun"          # what a build killed before it made the store leaves
    begun.mkdir()
    (begun / ".lock").write_bytes(b"")
    assert run("build", JILIN, "--db", begun, "-j", "1", "-q").exit_code == 0
    a_file = tmp_path / "file"
    a_file.write_text("x", "utf-8")
    assert run("build", JILIN, "--db", a_file).exit_code == 2


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_files_keep_the_users_umask(corpus_db, tmp_path, mask, mode):
    with umask(mask):
        assert run("export", "--format", "ttl", "-o", tmp_path / "plans.ttl", "--db", corpus_db).exit_code == 0
        assert run("export", "--format", "neo4j-csv", "-o", tmp_path / "csv", "--db", corpus_db).exit_code == 0
        assert run("viz", "-o", tmp_path / "page.html", "--db", corpus_db).exit_code == 0
    written = [tmp_path / "plans.ttl", tmp_path / "page.html", *(tmp_path / "csv").iterdir()]
    assert len(written) > 5
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {mode}


def test_a_file_written_again_keeps_its_mode(corpus_db, tmp_path):
    out = tmp_path / "plans.nt"
    out.write_bytes(b"")
    out.chmod(0o664)
    with umask(0o077):
        assert run("export", "--format", "nt", "-o", out, "--db", corpus_db).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664 and out.stat().st_size > 0


def test_export_help_lists_every_format():
    text = " ".join(run("export", "--help").output.split())
    for fmt in EXPORTERS:
        assert fmt in text, fmt


def test_the_counts_say_what_they_count(corpus_db, tmp_path):
    pursued = json.loads(run("query", "--sparql", "PREFIX cyl: <https://w3id.org/cyl-kg/def#> SELECT "
                             "(COUNT(DISTINCT ?p) AS ?n) WHERE { ?o cyl:pursues ?p }", "--format", "json",
                             "--db", corpus_db).output)[0]["n"]
    every = json.loads(run("query", "--sparql", "PREFIX cyl: <https://w3id.org/cyl-kg/def#> SELECT "
                           "(COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cyl:Program }", "--format", "json",
                           "--db", corpus_db).output)[0]["n"]
    assert 0 < pursued < every          # the scheme holds programs no sample plan names
    summary = run("build", CORPUS, "--db", tmp_path / "db", "-j", "1").output
    assert f"5 bodies issue plans and pursue {pursued} programs" in summary
    classes = {r["class"]: r["count"] for r in json.loads(run("stats", "classes", "--format", "json",
                                                                 "--db", corpus_db).output)}
    assert classes["Program"] == every
    assert "Program also counts the scheme's programs no plan names" in run("stats", "--db", corpus_db).output


def test_kg_alone_shows_its_help_not_an_error():
    result = run()
    assert result.output.startswith("Usage: kg [OPTIONS] COMMAND [ARGS]...") and "Error" not in result.output
    assert "schema" in result.output
