"""The query timings the benchmark prints: every canned query, both engines, unfiltered and filtered."""
from __future__ import annotations

import queries
from kg.filters import Filters
from kg.query_timing import default_filters, table, time_queries


def test_the_filters_timed_are_values_the_workspace_holds(corpus_db):
    given = default_filters(corpus_db)
    assert set(given) == {"program", "organization", "year"}
    assert given["year"] == Filters(year="2021")        # three of the five sample plans
    assert given["organization"].organization.startswith("共青团")


def test_each_query_is_timed_in_each_engine_with_each_filter(corpus_db):
    timed = time_queries(corpus_db, {"year": Filters(year="2020")}, repeat=1)
    assert [(r["query"], r["engine"], r["filter"]) for r in timed] == [
        (name, engine, label) for name in queries.names() for engine in ("sparql", "cypher")
        for label in ("none", "year")]
    by = {(r["query"], r["engine"], r["filter"]): r for r in timed}
    for name in queries.names():           # both engines give as many rows
        for label in ("none", "year"):
            assert by[name, "sparql", label]["rows"] == by[name, "cypher", label]["rows"]
    assert by["documents", "sparql", "none"]["rows"] == 5 and by["documents", "sparql", "year"]["rows"] == 1
    assert by["documents", "cypher", "year"]["filters"] == {"year": "2020"}
    assert "documents" in table(timed)
