"""The kg command, run as users run it."""
import csv
import io
import json
import shutil

from click.testing import CliRunner

from kg.cli import main
from samples import CORPUS, JILIN


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_build_prints_the_bodies_programs_summary(tmp_path):
    result = run("build", CORPUS, "--db", tmp_path / "db", "-j", "1")
    assert result.exit_code == 0, result.output
    assert "built 5, unchanged 0, failed 0" in result.output
    for body in ("共青团南昌市委", "共青团吉林省委", "共青团四川省委", "共青团平罗县委", "共青团宁波市委"):
        assert body in result.output
    again = run("build", CORPUS, "--db", tmp_path / "db", "-j", "1")
    assert "built 0, unchanged 5" in again.output


def test_build_with_a_bad_file_names_it_and_exits_1(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(JILIN, src)
    (src / "notes.xyz").write_bytes(b"whatever")
    result = CliRunner().invoke(main, ["build", str(src), str(src / "notes.xyz"), "--db", str(tmp_path / "db")])
    assert result.exit_code == 1
    assert f"error: {src / 'notes.xyz'}: unsupported file type '.xyz'" in result.output
    assert "built 1," in result.output


def test_query_csv_and_json(corpus_db):
    out = run("query", "pursues", "--db", corpus_db, "--format", "csv")
    assert out.exit_code == 0
    found = list(csv.DictReader(io.StringIO(out.output)))
    assert {"organization", "program", "source", "year", "evidence"} == set(found[0])
    as_json = json.loads(run("query", "documents", "--db", corpus_db, "--format", "json").output)
    assert len(as_json) == 5 and all(r["source"] for r in as_json)


def test_ad_hoc_sparql(corpus_db):
    out = run("query", "--sparql", "PREFIX cyl: <https://w3id.org/cyl-kg/def#> "
              "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a cyl:WorkPlan }", "--db", corpus_db, "--format", "csv")
    assert out.output.splitlines() == ["n", "5"]


def test_usage_errors_exit_2(corpus_db, tmp_path):
    unknown = CliRunner().invoke(main, ["query", "nonesuch", "--db", str(corpus_db)])
    assert unknown.exit_code == 2 and "choose from: documents" in unknown.output
    both = CliRunner().invoke(main, ["query", "pursues", "--sparql", "ASK {}", "--db", str(corpus_db)])
    assert both.exit_code == 2
    missing = CliRunner().invoke(main, ["query", "pursues", "--db", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no workspace here" in missing.output
    bad = CliRunner().invoke(main, ["query", "--sparql", "SELEKT nothing", "--db", str(corpus_db)])
    assert bad.exit_code == 2 and "the query failed" in bad.output


def test_export_to_a_file(corpus_db, tmp_path):
    out = tmp_path / "plans.ttl"
    result = run("export", "--format", "ttl", "-o", out, "--db", corpus_db)
    assert result.exit_code == 0
    text = out.read_text("utf-8")
    assert "@prefix cyl: <https://w3id.org/cyl-kg/def#>" in text and "共青团吉林省委" in text
    assert not list(tmp_path.glob(".plans.ttl.*"))     # no temporary file left behind
    unknown = CliRunner().invoke(main, ["export", "--format", "xlsx", "--db", str(corpus_db)])
    assert unknown.exit_code == 2


def test_validate_and_stats(corpus_db):
    assert run("validate", "--db", corpus_db).output.strip() == "conforms"
    stats = run("stats", "--db", corpus_db)
    assert stats.exit_code == 0
    assert "WorkPlan" in stats.output and "青年大学习" in stats.output


def test_every_command_documents_itself():
    for command in ("build", "query", "export", "validate", "stats"):
        help_text = run(command, "--help").output
        assert "Usage: " in help_text and "--db" in help_text
