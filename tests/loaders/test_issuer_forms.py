"""The issuer of a plan or report in every form a body names itself, from short plans of each form.

Each fixture under ``tests/fixtures/forms/issuers/`` shows one form; the test states the body it
must give: its label, level and region code, and the text that names it.
"""
import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import ontology
from kg.cli import main
from kg.pipeline import build
from kg.workspace import Workspace
from loaders import regions
from loaders.extract import load
from loaders.issuers import doc_number_issuers, forms, is_unknown, issuer_of
from loaders.normalize import normalize
from loaders.readers import read
from loaders.organizations import CENTRAL_KEY, central, committee_chain, slug
from loaders.structure import parse_layout

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "forms" / "issuers"


def found(name):
    text = normalize(read(FORMS / name))
    header = parse_layout(text).header
    return issuer_of(text, header.issuer_lines, header.title, doc_number=header.doc_number, document=name)


@pytest.mark.parametrize("name, label, level, code, quote", [
    ("central_title.txt", "共青团中央", "central", None, "共青团中央"),
    # universities and colleges, a level of their own, with the region their name starts with
    ("university_woxiao.txt", "共青团衢州山海大学委员会", "university", "330800", "衢州山海大学团委"),
    ("college_full_name.txt", "共青团金华信息职业学院委员会", "university", "330700", "共青团金华信息职业学院委员会"),
    ("college_short_name.txt", "共青团湖州南太湖学院委员会", "university", "330500", "湖州南太湖学院团委"),
    ("college_signature_short.txt", "共青团丽水江东职业学院委员会", "university", "331100", "丽水江东职业学院团委"),
    ("college_title_institution.txt", "共青团温州海韵学院委员会", "university", "330300", "温州海韵学院"),
    ("university_named_alone.txt", "共青团嘉兴东湖学院委员会", "university", "330400", "嘉兴东湖学院"),
    # working committees at the level of the committee above
    ("working_committee_organs.txt", "宁波市直机关团工委", "prefecture", "330200", "宁波市直机关团工委"),
    ("working_committee_education.txt", "平阳县教育团工委", "county", "330326", "教育团工委"),
    ("working_committee_full_name.txt", "温州市直属机关团工委", "prefecture", "330300", "共青团温州市直属机关工作委员会"),
    # enterprises
    ("enterprise_group.txt", "东海港务集团团委", "enterprise", None, "东海港务集团团委"),
    # a district's name several cities share, placed by the city the plan names
    ("district_shared_name.txt", "共青团鼓楼区委", "county", "350102", "共青团鼓楼区委"),
    # no body in the title: the one acting in the opening, not the one above it named more often
    ("body_opening_subject.txt", "共青团鹿城区委", "county", "330302", "共青团鹿城区委"),
    # a body named only generically, resolved from the document
    ("generic_city_body_place.txt", "共青团台州市委", "prefecture", "331000", "台州"),
    ("county_level_city.txt", "共青团义乌市委", "county", "330782", "义乌"),   # 团市委 of a county-level city
    ("generic_city_doc_number.txt", "共青团宁波市委", "prefecture", "330200", "甬"),
    ("generic_city_doc_number_brackets.txt", "共青团南昌市委", "prefecture", "360100", "洪"),
    ("generic_district_signature.txt", "共青团瓯海区委", "county", "330304", "共青团瓯海区委"),
    # a unit in a task table that ends the text is no signature
    ("table_at_the_end.txt", "共青团永嘉县委", "county", "330324", "永嘉"),
    # a covering notice's addressees are not its issuer; its signature is
    ("notice_addressees.txt", "共青团永嘉县委", "county", "330324", "共青团永嘉县委"),
    ("page_breadcrumb.txt", "共青团丽水市委", "prefecture", "331100", "丽水"),
    # news reports of a body's plan
    ("report_reporter_lead.txt", "共青团绍兴市委", "prefecture", "330600", "绍兴"),
    ("report_so_called.txt", "共青团嘉兴市委", "prefecture", "330400", "共青团嘉兴市委"),
    ("report_named_in_lead.txt", "共青团温州市委", "prefecture", "330300", "共青团温州市委"),
    ("place_and_generic_name.txt", "共青团鄞州区委", "county", "330212", "鄞州区团委"),
    ("report_place_in_body.txt", "共青团舟山市委", "prefecture", "330900", "舟山"),
])
def test_issuer_of_each_form(name, label, level, code, quote):
    finding = found(name)
    org = finding.organization
    assert (org.label, org.level) == (label, level)
    assert (org.region.code if org.region else None) == code
    assert finding.span.quote == quote
    assert org.kind == "league-committee"


@pytest.mark.parametrize("name, level", [
    ("unknown_plain.txt", None),               # 共青团 and a year, nothing else
    ("unknown_city.txt", "prefecture"),        # 团市委; 嘉兴 only a destination of a visit
    ("unknown_place_in_passing.txt", "prefecture"),  # one other city's brand, seen in passing
    ("district_with_city_slogan.txt", "county"),   # 团区委 in a city: the district is not said
    ("generic_signature_level.txt", "county"),  # signed 团区委 above the date, no place anywhere
    ("unknown_school.txt", "university"),      # 我校, the school never named
    ("unknown_passing_university.txt", None),  # a university's committee named as a partner
])
def test_unknown_issuer_is_the_documents_own(name, level):
    finding = found(name)
    org = finding.organization
    assert is_unknown(org) and finding.span is None
    assert org.key == f"unknown/{name}"
    assert "未识别" in org.label and name in org.label
    assert org.level == level and org.region is None


def test_working_committee_and_university_chains():
    organs = found("working_committee_organs.txt").organization
    assert organs.parent == "330200/cyl"
    assert [o.label for o in committee_chain(organs)] == ["共青团宁波市委", "共青团浙江省委", "共青团中央"]
    assert committee_chain(found("university_woxiao.txt").organization) == []
    assert committee_chain(found("unknown_city.txt").organization) == []


def test_central_committee_is_read_from_the_organizations_table():
    with open(ontology.ORGANIZATIONS, encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f, delimiter="\t") if r["name"] == "团中央")
    assert central().key == CENTRAL_KEY
    assert central().label == row["label_template"]
    assert set(central().aliases) == {row["name"], *row["aliases"].split("|")} - {row["label_template"]}


def test_issuer_tables_are_well_formed():
    for abbreviation, places in doc_number_issuers().items():
        assert re.fullmatch(r"[\u4e00-\u9fff]{1,2}", abbreviation)
        assert all(r.level in ("province", "prefecture") for r in places)
    with open(ontology.DOC_NUMBER_ISSUERS, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            assert row["note"].strip(), row
            assert regions.region(row["adcode"]).name == row["region"], row
    kinds = {"generic", "scope", "whole-place", "place", "breadcrumb", "subject", "institution", "enterprise", "not-own",
             "doc-number-body", "doc-number-kind"}
    with open(ontology.ISSUER_FORMS, encoding="utf-8", newline="") as f:
        assert all(row["note"].strip() and row["kind"] in kinds for row in csv.DictReader(f, delimiter="\t"))
    for form in forms():
        if form.kind in ("generic", "scope", "whole-place"):
            assert form.value in ("province", "prefecture", "county", "university", "enterprise")
        elif form.kind == "subject":
            assert int(form.value) > 0
        elif form.kind in ("institution", "enterprise"):
            assert form.value == form.kind.replace("institution", "university")
        elif form.kind in ("not-own", "doc-number-body", "doc-number-kind"):
            assert form.value == "-"
        else:
            assert int(form.value) > 0 and {"after", "before"} & set(form.pattern.groupindex)


def test_unknown_issuer_keyed_by_the_document_in_extraction():
    facts = load(FORMS / "unknown_plain.txt")
    assert is_unknown(facts.issuer) and facts.issuer_mention is None


def test_two_files_of_one_name_have_two_unknown_issuers(tmp_path):
    """The unknown issuer is keyed by the document, so two files of one name in two folders
    (the workspace gives the second a key of its own) are two bodies as well."""
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder, name in zip(folders, ("unknown_plain.txt", "unknown_city.txt")):
        folder.mkdir()
        (folder / "plan.txt").write_bytes((FORMS / name).read_bytes())
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        assert not build(ws, folders, jobs=1).failed
    out = CliRunner().invoke(main, ["query", "documents", "--db", str(db), "--format", "csv"], catch_exceptions=False)
    issuers = [r["issuer"] for r in csv.DictReader(io.StringIO(out.output))]
    assert len(issuers) == 2 and len(set(issuers)) == 2 and all("未识别" in i for i in issuers)


def test_two_unknown_plans_built_together_stay_two_bodies(tmp_path):
    """Two plans that do not say who issued them are two bodies in the graph, never one."""
    src = tmp_path / "in"
    src.mkdir()
    for name in ("unknown_plain.txt", "unknown_city.txt"):
        (src / name).write_bytes((FORMS / name).read_bytes())
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        report = build(ws, [src], jobs=1)
    assert not report.failed, report.failed

    def rows(name):
        out = CliRunner().invoke(main, ["query", name, "--db", str(db), "--format", "csv"], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        return list(csv.DictReader(io.StringIO(out.output)))

    documents = {r["source"]: r for r in rows("documents")}
    assert {s: (r["issuer"], r["level"], r["region"]) for s, r in documents.items()} == {
        "unknown_city.txt": ("未识别的团委（unknown_city.txt）", "prefecture", ""),
        "unknown_plain.txt": ("未识别的团委（unknown_plain.txt）", "", ""),
    }
    pursued = rows("pursues")
    bodies = {r["organization"] for r in pursued}
    assert bodies == {"未识别的团委（unknown_city.txt）", "未识别的团委（unknown_plain.txt）"}
    for body in bodies:
        assert {r["source"] for r in pursued if r["organization"] == body} == {body[len("未识别的团委（"):-1]}

    # A local body both name (少工委) is each plan's own too, never one node for two places.
    out = CliRunner().invoke(main, ["query", "--sparql", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                                    "SELECT DISTINCT ?o WHERE { GRAPH ?g { ?o skos:prefLabel \"少工委\"@zh } }",
                                    "--db", str(db), "--format", "csv"], catch_exceptions=False)
    assert sorted(out.output.split()[1:]) == [
        "https://w3id.org/cyl-kg/id/org/unknown/unknown_city.txt/" + slug("少工委"),
        "https://w3id.org/cyl-kg/id/org/unknown/unknown_plain.txt/" + slug("少工委"),
    ]
