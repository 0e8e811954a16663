"""The canned queries' filters, on a workspace built from the sample plans."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.results import write


def rows_of(corpus_db, *args) -> list[dict]:
    result = CliRunner().invoke(main, ["query", *args, "--db", str(corpus_db), "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_a_program_by_its_alias_gives_its_pursuits_only(corpus_db):
    found = rows_of(corpus_db, "pursues", "--program", "青马工程")
    assert found and {r["program"] for r in found} == {"青年马克思主义者培养工程"}
    every = rows_of(corpus_db, "pursues")
    assert found == [r for r in every if r["program"] == "青年马克思主义者培养工程"]


def test_a_program_selects_the_plans_that_pursue_it(corpus_db):
    plans = {r["source"] for r in rows_of(corpus_db, "pursues", "--program", "青年大学习")}
    assert {r["source"] for r in rows_of(corpus_db, "documents", "--program", "青年大学习")} == plans


def test_a_body_by_part_of_its_name(corpus_db):
    found = rows_of(corpus_db, "targets", "--organization", "南昌")
    assert found and {r["organization"] for r in found} == {"共青团南昌市委"}


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_a_body_by_its_whole_name_gives_its_rows(corpus_db, engine):
    every = rows_of(corpus_db, "responsibilities", "--engine", engine)
    found = rows_of(corpus_db, "responsibilities", "--organization", "共青团平罗县委", "--engine", engine)
    assert found and found == [r for r in every if r["organization"] == "共青团平罗县委"]


@pytest.mark.parametrize("region, issuer", [("33", "共青团宁波市委"), ("3302", "共青团宁波市委"),
                                            ("宁波市", "共青团宁波市委"), ("四川省", "共青团四川省委")])
def test_a_region_by_name_or_code_prefix(corpus_db, region, issuer):
    assert [r["issuer"] for r in rows_of(corpus_db, "documents", "--region", region)] == [issuer]


def test_a_level_and_a_year_range(corpus_db):
    assert [r["issuer"] for r in rows_of(corpus_db, "documents", "--level", "county")] == ["共青团平罗县委"]
    assert {r["year"] for r in rows_of(corpus_db, "pursues", "--year", "2019-2020")} == {"2019", "2020"}
    found = rows_of(corpus_db, "responsibilities", "--year", "2020")
    assert found and {r["source"] for r in found} == {"003_f18f31987188af28.txt"}


def summed_up(pursuits: list[dict]) -> dict[str, tuple[int, set[str], set[str]]]:
    """Each program's plans (counted), bodies and files, from the rows of ``pursues``."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for row in pursuits:
        plans, bodies = found.setdefault(row["program"], (set(), set()))
        plans.add(row["source"])          # a plan held in several files: "a.txt|b.docx"
        bodies.add(row["organization"])
    return {program: (len(plans), bodies, {f for plan in plans for f in plan.split("|")})
            for program, (plans, bodies) in found.items()}


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
@pytest.mark.parametrize("given", [("--year", "2019-2020"), ("--year", "2021"), ("--level", "county"),
                                   ("--region", "33"), ("--organization", "南昌"),
                                   ("--organization", "共青团平罗县委"), ("--program", "青马工程", "--year", "2021")])
def test_programs_filtered_sums_up_the_pursuits_of_the_selected_plans(corpus_db, engine, given):
    found = rows_of(corpus_db, "programs", *given, "--engine", engine)
    assert found
    assert {r["program"]: (int(r["documents"]), set(r["organizations"].split("|")), set(r["source"].split("|")))
            for r in found} == summed_up(rows_of(corpus_db, "pursues", *given, "--engine", engine))


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_programs_of_a_year_count_that_years_plans_and_a_program_alone_every_plan(corpus_db, engine):
    every = {r["program"]: r for r in rows_of(corpus_db, "programs", "--engine", engine)}
    of_a_year = {r["program"]: r for r in rows_of(corpus_db, "programs", "--year", "2021", "--engine", engine)}
    assert any(int(r["documents"]) < int(every[p]["documents"]) for p, r in of_a_year.items())
    assert rows_of(corpus_db, "programs", "--program", "青年大学习", "--engine", engine) == [every["青年大学习"]]


def test_limit_and_offset_page_through_the_same_order(corpus_db):
    every = rows_of(corpus_db, "pursues")
    assert rows_of(corpus_db, "pursues", "--offset", "5", "--limit", "4") == every[5:9]
    assert rows_of(corpus_db, "pursues", "--engine", "cypher", "--offset", "5", "--limit", "4") == every[5:9]


@pytest.mark.parametrize("option, value, near", [("--program", "青年大学", "青年大学习"),
                                                 ("--organization", "南昌团", "did you mean: 南昌"),
                                                 ("--year", "2030", "2021"), ("--region", "四川", "四川省"),
                                                 ("--level", "countyy", "county")])
def test_an_unknown_value_says_what_is_near_and_exits_2(corpus_db, option, value, near):
    result = CliRunner().invoke(main, ["query", "pursues", option, value, "--db", str(corpus_db)])
    assert result.exit_code == 2
    assert value in result.output and near in result.output


def test_filters_are_for_canned_queries(corpus_db):
    result = CliRunner().invoke(main, ["query", "--sparql", "SELECT * WHERE { ?s ?p ?o }", "--year", "2021",
                                       "--db", str(corpus_db)])
    assert result.exit_code == 2 and "canned" in result.output


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "table"])
def test_rows_are_written_before_the_last_is_read(fmt):
    out = io.StringIO()
    seen = []

    def rows():
        yield ["共青团南昌市委", "a.txt"]
        seen.append(out.getvalue())
        yield ["共青团宁波市委", "b.txt"]

    from kg import results
    page = results.PAGE
    results.PAGE = 1                     # a page of one row: the table too writes as it goes
    try:
        write(fmt, ["organization", "source"], rows(), out)
    finally:
        results.PAGE = page
    assert "共青团南昌市委" in seen[0] and "共青团宁波市委" not in seen[0]
    if fmt == "json":
        assert json.loads(out.getvalue())[1] == {"organization": "共青团宁波市委", "source": "b.txt"}


def test_a_program_found_only_in_a_plans_text(corpus_db):
    found = rows_of(corpus_db, "pursues", "--program", "青马学员说")
    assert [(r["organization"], r["program"]) for r in found] == [("共青团吉林省委", "青马学员说")]


def test_a_reader_that_stops_early_ends_the_query_quietly(corpus_db):
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-m", "kg.cli", "query", "pursues", "--db", str(corpus_db),
                            "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout.readline() == b"[\n"
    run.stdout.close()                   # as `| head -1` does, long before the last row
    assert run.wait() == 0
    assert run.stderr.read() == b""


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "table"])
def test_the_first_rows_are_written_before_the_last_plans_are_read(corpus_db, engine, fmt):
    """A full answer streams: the plans are read a batch at a time, and a batch only once the
    rows before it are written (here a plan a batch, so five queries for five plans). pursues is
    read so in both engines (kg.filters.SPARQL_BATCHED)."""
    from kg.filters import SPARQL_BATCHED

    assert "pursues" in SPARQL_BATCHED
    from kg import results
    from kg.filters import batches, every_plan, in_batches
    from kg.workspace import Workspace

    with Workspace(corpus_db, read_only=True) as ws:
        every = every_plan(ws)
    assert len(every) == 5
    taken, written = [], io.StringIO()

    def plans():
        for batch in batches(every, first=1, most=1):
            taken.append(written.getvalue())     # what was written before this batch was read
            yield batch

    columns, rows = in_batches("pursues", engine, corpus_db, plans())
    page, results.PAGE = results.PAGE, 1
    try:
        write(fmt, columns, rows, written)
    finally:
        results.PAGE = page
    assert len(taken) == 5
    assert "000_973257c0ce08f055.txt" in taken[1] and "001_d839e743d134e22a.txt" not in taken[1]
    assert "003_f18f31987188af28.txt" in taken[4] and "004_655600bdde4567aa.txt" not in taken[4]
    assert "004_655600bdde4567aa.txt" in written.getvalue()


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
def test_a_programs_type_stated_by_a_plan_not_selected_is_still_its_type(tmp_path, engine):
    # 2020 calls it a campaign (“…”行动); 2021 names it bare, so the 2021 plan states no type
    src = tmp_path / "plans"
    src.mkdir()
    (src / "a.txt").write_text("共青团平阳县委2020年工作要点\n\n一、夯实基层\n1. 深入开展“强基固本”行动。\n", "utf-8")
    (src / "b.txt").write_text("共青团平阳县委2021年工作要点\n\n一、夯实基层\n1. 继续推进“强基固本”。\n", "utf-8")
    db = tmp_path / "db"
    assert CliRunner().invoke(main, ["build", str(src), "--db", str(db), "-q"]).exit_code == 0
    stated = rows_of(db, "--sparql", "PREFIX cyl: <https://w3id.org/cyl-kg/def#> SELECT ?g WHERE { GRAPH ?g { "
                     "?p cyl:programType ?t ; <http://www.w3.org/2004/02/skos/core#prefLabel> \"强基固本\"@zh } }")
    assert [r["g"].rsplit("/", 1)[-1] for r in stated] == ["a.txt"]
    of_2021 = rows_of(db, "programs", "--year", "2021", "--engine", engine)
    assert [(r["program"], r["type"], r["documents"], r["source"]) for r in of_2021] == [("强基固本", "campaign", "1", "b.txt")]


@pytest.mark.parametrize("query", ["pursues", "programs"])
def test_several_programs_found_from_each_come_in_the_canned_order(corpus_db, query):
    from kg.engines import Reader
    from kg.filters import _program_nodes, from_programs
    from kg.workspace import Workspace

    labels = frozenset({"青年大学习", "挑战杯", "希望工程"})
    with Workspace(corpus_db, read_only=True) as ws:
        nodes = _program_nodes(ws, labels)
    reader = Reader("sparql", corpus_db)
    try:
        columns, found = from_programs(query, nodes, reader=reader)
        merged = [dict(zip(columns, row)) for row in found]
    finally:
        reader.close()
    every = rows_of(corpus_db, query)
    assert len({r["program"] for r in merged}) == 3
    assert merged == [r for r in every if r["program"] in labels]
