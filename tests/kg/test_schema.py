"""kg schema on the sample plans: labels the embedded database accepts, Neo4j's extra labels,
properties with types and counts, the RDF classes and properties, and example queries that run."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cypher_lint import lint
from kg.cli import main
from kg.schema import examples
from kg.stores import ladybug, ladybug_query


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def schema(corpus_db) -> dict:
    result = run("schema", "--format", "json", "--db", corpus_db)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def count(db, cypher: str) -> int:
    result = run("query", "--cypher", cypher, "--format", "json", "--db", db)
    assert result.exit_code == 0, result.output
    return next(iter(json.loads(result.output)[0].values()))


def test_every_label_listed_is_one_the_embedded_database_accepts_with_its_count(corpus_db, schema):
    labels = {x["label"]: x for x in schema["property_graph"]["labels"]}
    assert {"WorkPlan", "Organization", "Program", "Activity", "Target", "Evidence"} <= set(labels)
    for name, label in labels.items():
        assert count(corpus_db, f"MATCH (n:{name}) RETURN count(n) AS n") == label["count"] > 0


def test_labels_neo4j_adds_are_named_as_such_and_the_embedded_database_rejects_them(corpus_db, schema):
    labels = {x["label"]: x for x in schema["property_graph"]["labels"]}
    assert "Plan" in labels["WorkPlan"]["neo4j_labels"]
    assert "Concept" in labels["Program"]["neo4j_labels"]
    assert "QuantitativeValue" in labels["Target"]["neo4j_labels"]
    for neo4j_only in ("Plan", "Step", "QuantitativeValue"):
        assert neo4j_only not in labels
        rejected = run("query", "--cypher", f"MATCH (n:{neo4j_only}) RETURN count(n)", "--db", corpus_db)
        assert rejected.exit_code == 2 and "does not exist" in rejected.output


def test_properties_carry_their_types_and_how_many_nodes_have_them(corpus_db, schema):
    target = next(x for x in schema["property_graph"]["labels"] if x["label"] == "Target")
    props = {p["name"]: p for p in target["properties"]}
    assert props["deadlineDate"]["type"] == "DATE" and props["value"]["type"] == "DOUBLE"
    assert props["deadlineDate"]["count"] == count(
        corpus_db, "MATCH (t:Target) WHERE t.deadlineDate IS NOT NULL RETURN count(t) AS n") > 0
    assert props["metric"]["count"] == target["count"]


def test_relationships_go_from_label_to_label_with_their_counts(corpus_db, schema):
    rels = {(r["type"], r["start"], r["end"]): r for r in schema["property_graph"]["relationships"]}
    pursues = rels[("PURSUES", "Organization", "Program")]
    assert {p["name"] for p in pursues["properties"]} == {"document", "evidence", "source", "year"}
    rows = json.loads(run("query", "pursues", "--format", "json", "--db", corpus_db).output)
    assert pursues["count"] == len(rows)
    assert ("ISSUED_BY", "WorkPlan", "Organization") in rels
    assert ("SERVES_PROGRAM", "Target", "Program") in rels


def test_rdf_classes_count_the_same_nodes_as_the_labels_and_kg_stats(corpus_db, schema):
    classes = {c["name"]: c for c in schema["rdf"]["classes"]}
    labels = {x["label"]: x["count"] for x in schema["property_graph"]["labels"]}
    stats = {r["class"]: r["count"] for r in json.loads(run("stats", "classes", "--format", "json",
                                                               "--db", corpus_db).output)}
    for name in ("WorkPlan", "Program", "Organization", "Target", "Evidence"):
        assert classes[f"cyl:{name}"]["count"] == labels[name] == stats[name]
    properties = {(p["name"], p["object"]): p["count"] for p in schema["rdf"]["properties"]}
    assert properties[("cyl:deadlineDate", "xsd:date")] > 0 and properties[("cyl:pursues", "IRI")] > 0


def test_the_table_shows_both_sides(corpus_db):
    text = run("schema", "--db", corpus_db).output
    assert re.search(r"\nWorkPlan +5 +Plan\n", text) and re.search(r"\nTarget +deadlineDate +DATE +\d+\n", text)
    assert re.search(r"\ncyl:WorkPlan +5 +WorkPlan\n", text)


def test_the_example_cypher_runs_on_the_embedded_database_and_parses_in_neo4j(corpus_db):
    statements = examples(run("schema", "--format", "cypher", "--db", corpus_db).output, "//")
    assert len(statements) > 20
    database = ladybug.ensure(corpus_db)
    for statement in statements:
        assert ladybug_query.query(database, statement)[1], statement      # rows, from the database itself
    first = run("query", "--cypher", statements[0], "--format", "json", "--db", corpus_db)
    assert first.exit_code == 0 and json.loads(first.output)
    # Neo4j's parser takes half a second a statement, and the statements come in two shapes: one
    # of each, the longest, and every one that needs backticks.
    nodes = [s for s in statements if "-[r:" not in s]
    relationships = [s for s in statements if "-[r:" in s]
    shown = {nodes[0], max(nodes, key=len), relationships[0], max(relationships, key=len),
             *(s for s in statements if "`" in s)}
    assert lint({f"example {i}": s for i, s in enumerate(sorted(shown))}) == []


def test_the_example_sparql_runs(corpus_db):
    statements = examples(run("schema", "--format", "sparql", "--db", corpus_db).output, "#")
    assert len(statements) >= 10
    for statement in statements:
        result = run("query", "--sparql", statement, "--format", "json", "--db", corpus_db)
        assert result.exit_code == 0 and json.loads(result.output), (statement, result.output)


def test_no_workspace_is_a_usage_error(tmp_path):
    result = run("schema", "--db", tmp_path / "none")
    assert result.exit_code == 2 and result.output.startswith("Error: ") and "no workspace here" in result.output


@pytest.mark.parametrize("cypher, says", [
    ("CALL db.labels()", "Neo4j's db.* procedures are not in the embedded database: `kg schema --db DIR`"),
    ("MATCH (p:Plan) RETURN p.uri", "Plan is a label in Neo4j only: the embedded database files those nodes under WorkPlan"),
    ("MATCH (o:Organisation) RETURN o.uri", "Did you mean: Organization?"),
    ("MATCH (t:Target) RETURN t.deadline_date", "Did you mean: deadlineDate"),
])
def test_a_failed_cypher_query_says_what_the_embedded_database_holds(corpus_db, cypher, says):
    result = run("query", "--cypher", cypher, "--db", corpus_db)
    assert result.exit_code == 2 and says in result.output
