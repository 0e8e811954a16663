"""The projection of the RDF graph onto a property graph (kg/project.py)."""
from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from kg.engines import run
from kg.mapping import Config
from kg.stores.cypher_stream import project, project_quads
from kg.workspace import Workspace

CYL = "https://w3id.org/cyl-kg/def#"
EX = "https://example.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def corpus(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        return project(ws)


def test_classes_become_labels_and_object_properties_relationship_types(corpus):
    labels = corpus.label_counts()
    for label in ("WorkPlan", "Organization", "Program", "Activity", "Target", "Region", "Policy", "Evidence",
                  "Section", "DocumentText"):
        assert labels.get(label, 0) > 0, label
    assert labels["WorkPlan"] == 5
    types = corpus.type_counts()
    for rel_type in ("ISSUED_BY", "HAS_ACTIVITY", "SERVES_PROGRAM", "HAS_TARGET", "RESPONSIBLE_FOR",
                     "SUB_ORGANIZATION_OF", "PURSUES", "HAS_SECTION", "CITES_POLICY", "IS_STEP_OF_PLAN"):
        assert types.get(rel_type, 0) > 0, rel_type
    assert types["ISSUED_BY"] == 5
    # a property named like a class gets HAS_ in front (Ladybug's table names ignore case)
    assert "HAS_REGION" in types and "HAS_EVIDENCE" in types and "REGION" not in types


def test_every_node_keeps_its_iri_and_all_its_classes(corpus):
    assert all(n.properties["uri"] == n.uri for n in corpus.nodes)
    assert len({n.uri for n in corpus.nodes}) == len(corpus.nodes)
    plan = next(n for n in corpus.nodes if n.label == "WorkPlan")
    assert plan.labels == ("WorkPlan", "Plan")          # pplan:Plan and prov:Plan share a local name, as in n10s
    program = next(n for n in corpus.nodes if n.label == "Program")
    assert program.labels == ("Program", "Concept")     # a concept, not a schema:Project (an organization)
    body = next(n for n in corpus.nodes if n.label == "Organization" and "FormalOrganization" in n.labels)
    assert body.labels == ("Organization", "FormalOrganization")


def test_literals_become_typed_properties(corpus):
    types = corpus.node_property_types
    assert types["prefLabel"] == "string"        # language-tagged labels as plain strings
    assert types["altLabel"] == "string[]"       # aliases as lists
    assert types["ordinal"] == "long" and types["value"] == "double" and types["discovered"] == "boolean"
    assert types["issued"] == "date"
    qingma = next(n for n in corpus.nodes if n.uri.endswith("/program/qingma"))
    assert qingma.properties["prefLabel"] == "青年马克思主义者培养工程"
    assert "青马工程" in qingma.properties["altLabel"]
    issued = [n.properties["issued"] for n in corpus.nodes if "issued" in n.properties]
    assert issued and all(isinstance(d, dt.date) for d in issued)


def test_pursues_is_one_relationship_per_plan_with_its_evidence(corpus, corpus_db):
    pursues = [r for r in corpus.relationships if r.type == "PURSUES"]
    _, rows = run("sparql", corpus_db, """PREFIX cyl: <https://w3id.org/cyl-kg/def#>
        SELECT DISTINCT ?org ?p ?g WHERE { GRAPH ?g { ?org cyl:pursues ?p } }""")
    assert len(pursues) == len(rows)
    for rel in pursues:
        assert set(rel.properties) == {"document", "source", "year", "evidence"}
        assert rel.properties["source"].endswith(".txt") and rel.properties["year"].isdigit()
    jilin = [r for r in pursues if r.properties["source"] == "001_d839e743d134e22a.txt"
             and r.end.endswith("/program/qingma")]
    assert len(jilin) == 1 and "马克思主义者培养工程" in jilin[0].properties["evidence"]


def test_the_same_workspace_gives_the_same_projection(corpus, corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        again = project(ws)
    assert again == corpus


def _q(s, p, o, g="https://example.org/graph/doc/a"):
    return ox.Quad(s, ox.NamedNode(p), o, ox.NamedNode(g))


def test_a_body_pursuing_a_program_in_two_plans_gets_two_relationships():
    body, program = ox.NamedNode(EX + "org/c"), ox.NamedNode(EX + "program/p")
    quads = []
    for key, year, sentences in (("a", "2020", {5: "后句", 3: "先句"}), ("b", "2021", {9: "一句"})):
        graph, plan = EX + f"graph/doc/{key}", ox.NamedNode(EX + f"doc/{key}")
        quads += [_q(plan, CYL + "planYear", ox.Literal(year, datatype=ox.NamedNode(XSD + "gYear")), graph),
                  _q(plan, "http://purl.org/dc/terms/source", ox.Literal(f"{key}.txt"), graph),
                  _q(plan, CYL + "text", ox.NamedNode(plan.value + "/text"), graph),
                  _q(body, CYL + "pursues", program, graph)]
        for begin, sentence in sentences.items():
            span = ox.NamedNode(EX + f"doc/{key}/text#char={begin},{begin + 2}")
            quads += [_q(span, "http://www.w3.org/2005/11/its/rdf#taIdentRef", program, graph),
                      _q(span, "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex",
                         ox.Literal(str(begin), datatype=ox.NamedNode(XSD + "integer")), graph),
                      _q(span, "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext",
                         ox.NamedNode(plan.value + "/text"), graph),
                      _q(span, CYL + "sentence", ox.Literal(sentence), graph)]
    documents = {EX + "graph/doc/a": EX + "doc/a", EX + "graph/doc/b": EX + "doc/b"}
    p = project_quads(quads, documents=documents, config=Config.load())
    pursues = [(r.start, r.end, r.properties) for r in p.relationships if r.type == "PURSUES"]
    assert pursues == [
        (body.value, program.value, {"document": EX + "doc/a", "source": "a.txt", "year": "2020", "evidence": "先句"}),
        (body.value, program.value, {"document": EX + "doc/b", "source": "b.txt", "year": "2021", "evidence": "一句"})]


def test_a_new_class_and_property_reach_the_projection_without_new_code():
    festival, hall = ox.NamedNode(EX + "festival/1"), ox.NamedNode(EX + "hall/9")
    quads = [
        _q(festival, str(RDF_TYPE.value), ox.NamedNode(EX + "YouthFestival")),
        _q(festival, str(RDF_TYPE.value), ox.NamedNode(CYL + "Activity")),
        _q(festival, EX + "heldIn", hall),
        _q(festival, EX + "attendance", ox.Literal("1200", datatype=ox.NamedNode(XSD + "integer"))),
        _q(festival, EX + "startsOn", ox.Literal("2021-05-04", datatype=ox.NamedNode(XSD + "date"))),
        _q(festival, EX + "motto", ox.Literal("青春", language="zh")),
    ]
    subclass_of = [(EX + "YouthFestival", CYL + "Activity")]
    p = project_quads(quads, subclass_of=subclass_of)
    by_uri = {n.uri: n for n in p.nodes}
    assert by_uri[festival.value].labels == ("YouthFestival", "Activity")     # the most specific class first
    assert by_uri[hall.value].labels == ("Resource",)                         # untyped, as n10s files it
    assert by_uri[festival.value].properties == {"uri": festival.value, "attendance": 1200,
                                                 "startsOn": dt.date(2021, 5, 4), "motto": "青春"}
    assert [(r.type, r.start, r.end) for r in p.relationships] == [("HELD_IN", festival.value, hall.value)]


def test_several_values_of_a_single_valued_property_keep_the_preferred_language():
    node = ox.NamedNode(EX + "x")
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    quads = [_q(node, label, ox.Literal("Programs", language="en")), _q(node, label, ox.Literal("品牌", language="zh")),
             _q(node, label, ox.Literal("untagged"))]
    assert project_quads(quads, config=Config(language="zh")).nodes[0].properties["label"] == "品牌"
    assert project_quads(quads, config=Config(language="fr")).nodes[0].properties["label"] == "untagged"


def test_hostile_names_become_safe_identifiers_and_text_stays_as_it_is():
    node = ox.NamedNode(EX + "n")
    hostile = "a'b\"c\\d`e}) DETACH DELETE n //\n"
    quads = [_q(node, str(RDF_TYPE.value), ox.NamedNode(EX + "odd-Class(v2)'x")),
             _q(node, EX + "Has.weird-prop", ox.Literal(hostile)),
             _q(node, EX + "links-to", ox.NamedNode(EX + "m"))]
    p = project_quads(quads)
    n = next(n for n in p.nodes if n.uri == node.value)
    assert n.label == "Odd_Class_v2__x"
    assert n.properties["has_weird_prop"] == hostile
    assert p.relationships[0].type == "LINKS_TO"
