"""A news report of a body's plan builds as a document of its own kind, and every canned query
lists it with the plans, in both engines."""
import csv
import io
import pathlib
import shutil

import pytest
from click.testing import CliRunner

from kg.cli import main
from samples import PINGLUO

FORMS = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "forms" / "header"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    src = tmp_path_factory.mktemp("reports") / "in"
    src.mkdir()
    for name in ("news_report_lead.txt", "news_report_meeting.txt", "publish_line.txt", "doc_number_square.txt"):
        shutil.copy(FORMS / name, src)
    shutil.copy(PINGLUO, src)      # a plan with every property, so that the Cypher tables have each column
    out = tmp_path_factory.mktemp("reports") / "db"
    run("build", src, "--db", out, "-j", "1")
    return out


def rows(db, name, engine):
    return list(csv.DictReader(io.StringIO(run("query", name, "--db", db, "--format", "csv", "--engine", engine))))


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_reports_are_listed_as_documents_of_kind_report(db, engine):
    kinds = {r["source"]: (r["kind"], r["year"]) for r in rows(db, "documents", engine)}
    assert kinds == {
        "news_report_lead.txt": ("report", "2022"),
        "news_report_meeting.txt": ("report", "2021"),
        "publish_line.txt": ("plan", "2021"),
        "doc_number_square.txt": ("plan", "2021"),
        PINGLUO.name: ("plan", "2020"),
    }


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_reports_pursue_programs_and_carry_targets(db, engine):
    pursued = {(r["source"], r["program"]) for r in rows(db, "pursues", engine)}
    assert ("news_report_meeting.txt", "团建提质") in pursued
    assert ("news_report_lead.txt", "青溪青年说") in pursued
    targets = {(r["source"], r["value"]) for r in rows(db, "targets", engine)}
    assert {("news_report_lead.txt", "100"), ("news_report_lead.txt", "20")} <= targets


def test_a_report_is_typed_with_its_own_class(db):
    out = run("query", "--sparql",
              "PREFIX cyl: <https://w3id.org/cyl-kg/def#> PREFIX dct: <http://purl.org/dc/terms/> "
              "SELECT ?source WHERE { GRAPH ?g { ?d a cyl:WorkPlanReport , cyl:WorkPlan ; dct:source ?source } } "
              "ORDER BY ?source", "--db", db, "--format", "csv")
    assert out.split() == ["source", "news_report_lead.txt", "news_report_meeting.txt"]


def test_a_workspace_holding_reports_conforms_to_the_shapes(db):
    assert run("validate", "--db", db).strip().endswith("conforms")
