"""Every canned query has a SPARQL file and a Cypher twin, and both return the same rows."""
from __future__ import annotations

import pytest

import queries
from cypher_lint import lint
from kg.engines import run


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


def test_the_cypher_twins_parse_with_neo4js_parser():
    assert lint({f"{name}.cypher": queries.text(name, "cypher") for name in queries.names()}) == []


def test_the_linter_does_reject_what_neo4j_would():
    errors = lint({"bad-syntax": "MATCH (n RETURN n", "ladybug-only": "MATCH (n) RETURN list_sort(collect(n.x))"})
    assert [e.split(":")[0] for e in errors] == ["bad-syntax", "ladybug-only"]
