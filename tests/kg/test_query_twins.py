"""Every canned query has a SPARQL file and a Cypher twin, and both return the same rows."""
from __future__ import annotations

import pytest

import queries
from cypher_lint import lint
from kg.engines import run, run_canned


def canonical(rows: list[list[str]]) -> list[list[str]]:
    """Rows in a fixed order, with the parts of aggregated cells ("a|b") sorted: SPARQL's
    GROUP_CONCAT and Cypher's collect() promise no order."""
    return sorted(["|".join(sorted(cell.split("|"))) for cell in row] for row in rows)


def test_every_canned_query_has_both_twins():
    for name in queries.names():
        assert queries.text(name, "sparql") and queries.text(name, "cypher"), name
    assert {"documents", "pursues", "targets", "responsibilities", "programs"} <= set(queries.names())


@pytest.mark.parametrize("name", queries.names())
def test_cypher_and_sparql_return_the_same_rows(corpus_db, name):
    sparql_columns, sparql_rows = run("sparql", corpus_db, queries.text(name, "sparql"))
    cypher_columns, cypher_rows = run("cypher", corpus_db, queries.text(name, "cypher"))
    assert cypher_columns == sparql_columns
    assert sparql_rows, f"{name} returns nothing on the sample corpus: the comparison would prove nothing"
    assert canonical(cypher_rows) == canonical(sparql_rows)
    assert "source" in cypher_columns


@pytest.mark.parametrize("name", queries.names())
def test_canned_twins_print_the_same_rows_in_the_same_order(corpus_db, name):
    """What ``kg query NAME`` prints: set-valued lists in code-point order, so the two engines
    agree cell for cell and row for row."""
    assert queries.set_columns(name, "sparql") == queries.set_columns(name, "cypher")
    sparql = run_canned(name, "sparql", corpus_db)
    assert run_canned(name, "cypher", corpus_db) == sparql
    for column in queries.set_columns(name):
        assert column in sparql[0], f"{name} declares a set column it does not return: {column}"
        cells = [row[sparql[0].index(column)].split("|") for row in sparql[1]]
        assert cells == [sorted(cell) for cell in cells]


def test_programs_declares_its_lists_as_sets():
    assert queries.set_columns("programs", "cypher") == ("aliases", "organizations", "source")


def test_the_cypher_twins_parse_with_neo4js_parser():
    shipped = {str(path.relative_to(queries.HERE)): path.read_text("utf-8") for path in queries.HERE.rglob("*.cypher")}
    assert {f"filtered/{name}.cypher" for name in queries.names()} | {"filtered/programs.by-programs.cypher"} <= set(shipped)
    assert lint(shipped) == []


@pytest.mark.parametrize("name", queries.names())
def test_the_filtered_twins_take_their_values_as_parameters(name):
    from kg.engines import parameters_named

    assert parameters_named("cypher", queries.filtered_text(name)) == ["plans"]
    assert queries.sets_declared(queries.filtered_text(name)) == queries.set_columns(name, "cypher")
    if name in ("programs", "pursues", "targets"):
        by_programs = queries.filtered_text(name, by="programs")
        assert parameters_named("cypher", by_programs) == ["programs"]
        assert queries.sets_declared(by_programs) == queries.set_columns(name, "cypher")
    assert queries.sets_declared(queries.filtered_text(name, "sparql")) == queries.set_columns(name, "sparql")


def test_the_linter_does_reject_what_neo4j_would():
    errors = lint({"bad-syntax": "MATCH (n RETURN n", "ladybug-only": "MATCH (n) RETURN list_sort(collect(n.x))"})
    assert [e.split(":")[0] for e in errors] == ["bad-syntax", "ladybug-only"]


FILTERS = [
    {"program": "青马工程"},                       # an alias, resolved to the program's preferred label
    {"program": "青马学员说"},                     # a program found only in a plan's text
    {"organization": "南昌"},
    {"level": "county"},
    {"region": "33"},                              # a GB/T 2260 code prefix
    {"region": "四川省"},
    {"year": "2019-2020"},
    {"year": "2021", "limit": 3, "offset": 2},
    {"program": "青年大学习", "year": "2021"},      # found from the program, the year testing the rows
]


@pytest.mark.parametrize("name", queries.names())
@pytest.mark.parametrize("given", FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_filtered_twins_print_the_same_rows(corpus_db, name, given):
    from kg.filters import Filters, stream

    sparql = stream(name, "sparql", corpus_db, Filters(**given))
    sparql = sparql[0], list(sparql[1])
    cypher = stream(name, "cypher", corpus_db, Filters(**given))
    assert (cypher[0], list(cypher[1])) == sparql


@pytest.mark.parametrize("name", queries.names())
@pytest.mark.parametrize("given", FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_sparql_read_in_the_selected_graphs_alone_prints_the_same_rows(corpus_db, name, given, monkeypatch):
    """However many plans are selected, SPARQL reads them in their own graphs (filtered/NAME.rq)."""
    from kg import filters
    from kg.filters import Filters, stream

    monkeypatch.setattr(filters, "WHOLE_SHARE", 1.0)
    sparql = stream(name, "sparql", corpus_db, Filters(**given))
    sparql = sparql[0], list(sparql[1])
    cypher = stream(name, "cypher", corpus_db, Filters(**given))
    assert (cypher[0], list(cypher[1])) == sparql


@pytest.mark.parametrize("name", ["pursues", "targets", "programs"])
@pytest.mark.parametrize("given", [{"program": "青年大学习", "year": "2021"}, {"program": "青年大学习", "organization": "南昌"},
                                   {"program": "青马工程", "level": "province"}],
                         ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_sparql_found_from_the_program_however_few_plans_the_rest_selects(corpus_db, name, given, monkeypatch):
    """A program and another filter: SPARQL finds the rows from the program (by-programs.rq), the
    other filter testing them, whichever few plans it selects."""
    from kg import filters
    from kg.filters import Filters, stream

    monkeypatch.setattr(filters, "SPARQL_PLANS_READ_MOST", 0)
    sparql = stream(name, "sparql", corpus_db, Filters(**given))
    sparql = sparql[0], list(sparql[1])
    cypher = stream(name, "cypher", corpus_db, Filters(**given))
    assert sparql[1] and (cypher[0], list(cypher[1])) == sparql


@pytest.mark.parametrize("engine", ["sparql", "cypher"])
@pytest.mark.parametrize("name", queries.names())
def test_read_plan_by_plan_the_answer_is_the_whole_querys(corpus_db, name, engine):
    """What ``kg query NAME`` prints, read a plan at a time, is the canned query's answer."""
    from kg.filters import Filters, stream

    columns, rows = stream(name, engine, corpus_db, Filters(), first_batch=1)
    assert (columns, list(rows)) == run_canned(name, engine, corpus_db)


@pytest.mark.parametrize("name", queries.names())
@pytest.mark.parametrize("given", FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_the_selected_plans_taken_from_the_snapshot_give_the_rows_of_those_looked_up(corpus_db, name, given, monkeypatch):
    """Many selected plans are described from what the snapshot keeps, a few by lookups in their graphs."""
    from kg import filters
    from kg.filters import Filters, stream

    looked_up = {engine: list(stream(name, engine, corpus_db, Filters(**given))[1]) for engine in ("sparql", "cypher")}
    monkeypatch.setattr(filters, "LOOKED_UP_MOST", 0)
    kept = {engine: list(stream(name, engine, corpus_db, Filters(**given))[1]) for engine in ("sparql", "cypher")}
    assert kept == looked_up


@pytest.mark.parametrize("name", ["documents", "targets", "responsibilities"])
@pytest.mark.parametrize("share", [0.0, 1.0], ids=["rest-from-every-plan", "rest-in-its-graphs"])
@pytest.mark.parametrize("given", FILTERS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_sparql_first_plans_read_apart_then_the_rest_print_the_rows_of_cypher(corpus_db, name, share, given, monkeypatch):
    """SPARQL reads the first plan's rows apart, then the others in one query: on every plan, or
    on the selected plans' graphs; the rows are Cypher's, in its order."""
    from kg import filters
    from kg.filters import Filters, stream

    monkeypatch.setattr(filters, "WHOLE_SHARE", share)
    sparql = stream(name, "sparql", corpus_db, Filters(**given), first_batch=1)
    sparql = sparql[0], list(sparql[1])
    cypher = stream(name, "cypher", corpus_db, Filters(**given))
    assert (cypher[0], list(cypher[1])) == sparql
