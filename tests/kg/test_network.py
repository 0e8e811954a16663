"""The plans graph built from the real sample plans: what it holds, and that its evidence is real."""
from __future__ import annotations

from collections import Counter

import pytest

from kg.network import from_workspace, issuers
from kg.workspace import Workspace

CYL = "PREFIX cyl: <https://w3id.org/cyl-kg/def#>\n"


@pytest.fixture(scope="module")
def graph_and_store(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        G = from_workspace(ws)
        _, texts = ws.query(CYL + """PREFIX dct: <http://purl.org/dc/terms/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT ?src ?text WHERE { ?d dct:source ?src ; cyl:text/nif:isString ?text }""")
        # Nodes a plan types, and the scheme's programs a plan names (no plan repeats their type).
        _, classes = ws.query(CYL + """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
  { GRAPH ?g { ?d a cyl:WorkPlan . ?s a ?t } }
  UNION { GRAPH ?g { ?d a cyl:WorkPlan . ?x ?named ?s } GRAPH <https://w3id.org/cyl-kg/id/graph/scheme> { ?s a ?t } }
  FILTER(STRSTARTS(STR(?t), STR(cyl:)))
  BIND(STRAFTER(STR(?t), "#") AS ?c) } GROUP BY ?c""")
        _, pursues = ws.query(CYL + "SELECT DISTINCT ?o ?p WHERE { GRAPH ?g { ?o cyl:pursues ?p } }")
    return G, dict(texts), {c: int(n) for c, n in classes}, {tuple(r) for r in pursues}


def test_a_node_for_every_entity_of_the_documents(graph_and_store):
    G, _, classes, _ = graph_and_store
    drawn = Counter(c for _, c in G.nodes(data="cls"))
    assert drawn == {c: n for c, n in classes.items() if c not in ("Evidence", "DocumentText")}
    assert drawn["WorkPlan"] == 5 and drawn["Program"] > 150


def test_pursues_edges_are_the_pursues_triples(graph_and_store):
    G, _, _, pursues = graph_and_store
    assert {(u, v) for u, v, k in G.edges(keys=True) if k == "pursues"} == pursues
    assert [G.nodes[b]["label"] for b in issuers(G)] == [
        "共青团南昌市委", "共青团吉林省委", "共青团四川省委", "共青团宁波市委", "共青团平罗县委"]


def test_every_quote_is_the_text_at_its_offsets(graph_and_store):
    G, texts, _, _ = graph_and_store
    evidence = [e for _, _, d in G.edges(data=True) for e in d["evidence"]]
    evidence += [e for _, a in G.nodes(data=True) for e in a["evidence"]]
    assert len(evidence) > 1500
    for e in evidence:
        assert texts[e.source][e.begin:e.end] == e.quote


def test_edges_stated_by_a_sentence_have_one(graph_and_store):
    G, _, _, _ = graph_and_store
    for u, v, k, d in G.edges(keys=True, data=True):
        if k in ("pursues", "servesProgram", "mentionsOrganization", "responsibleFor", "citesPolicy", "issuedBy"):
            assert d["evidence"], (u, k, v)
            assert all(e.source in d["sources"] for e in d["evidence"])
    # a body's pursuit of a program is shown by a sentence of its own plan naming the program
    jilin = next(b for b in issuers(G) if G.nodes[b]["label"] == "共青团吉林省委")
    program = next(p for _, p, k in G.out_edges(jilin, keys=True) if k == "pursues"
                   and G.nodes[p]["label"] == "青年马克思主义者培养工程")
    evidence = G.edges[jilin, program, "pursues"]["evidence"]
    assert {e.source for e in evidence} == {"001_d839e743d134e22a.txt"}
    assert all(e.quote in e.sentence for e in evidence)


def test_plans_of_one_year(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        G = from_workspace(ws, years=[2021])
    assert sorted(d["issuer"] for d in G.graph["documents"].values()) == ["共青团南昌市委", "共青团吉林省委", "共青团四川省委"]
    assert all(set(a["sources"]) <= set(G.graph["documents"]) for _, a in G.nodes(data=True))


def test_class_and_relation_names_come_from_the_ontology(graph_and_store):
    G, _, _, _ = graph_and_store
    assert G.graph["classes"]["Program"] == {"en": "program", "zh": "工作品牌与项目"}
    assert G.graph["relations"]["pursues"]["zh"] == "开展品牌项目"


def test_classes_and_attributes_are_named_as_the_cypher_projection_names_them(corpus_db, graph_and_store):
    from kg.stores.cypher_stream import project

    G, _, _, _ = graph_and_store
    with Workspace(corpus_db, read_only=True) as ws:
        projection = project(ws, cache=False)
    labels = projection.primary_labels()
    properties = {n.uri: set(n.properties) for n in projection.nodes}
    for node, attrs in G.nodes(data=True):
        assert attrs["cls"] == labels[node], node
        fields = set(attrs) - {"cls", "label", "evidence", "sources"}
        # the graph's reserved names (label, evidence) keep their prefix: rdfs_label
        assert {f.partition("_")[2] if f.startswith("rdfs_") else f for f in fields} <= properties[node], node
