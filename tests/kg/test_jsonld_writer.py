"""The JSON-LD writer on quads of every shape it may meet: whatever the IRIs and literals, a
JSON-LD processor reads back exactly the quads written (pyoxigraph here; rdflib and pyld read the
exports in test_export_vocabulary)."""
from __future__ import annotations

import json

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.exports.jsonld import serialize, shipped_context

CYL = "https://w3id.org/cyl-kg/def#"
ID = "https://w3id.org/cyl-kg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# IRIs a prefix covers, IRIs named like a term (level/, region/: no prefix of that name), a
# namespace itself (empty suffix), a suffix that starts with // (never compacted), others.
iris = st.sampled_from([
    ID + "doc/a.txt", ID + "doc/a.txt/text#char=0,7", ID + "level/county", ID + "region/330200",
    ID + "graph/doc/a.txt", ID + "doc//x", "http://schema.org/", "http://schema.org/value",
    CYL + "WorkPlan", CYL + "planYear", CYL + "issuedBy", "https://example.org/其他", "urn:x:y",
    "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex",
])
predicates = st.sampled_from([
    RDF_TYPE, CYL + "planYear", CYL + "deadlineDate", CYL + "issuedBy", CYL + "ordinal", CYL + "level",
    CYL + "sentence", "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#beginIndex",
    "http://www.w3.org/2000/01/rdf-schema#label", "https://example.org/p", CYL + "region",
])
literals = st.one_of(
    st.builds(lambda v: ox.Literal(v), st.text(max_size=8)),
    st.builds(lambda v, lang: ox.Literal(v, language=lang), st.text(max_size=8), st.sampled_from(["zh", "en"])),
    st.builds(lambda v, dt: ox.Literal(v, datatype=ox.NamedNode(XSD + dt)),
              st.sampled_from(["2024", "2024-06-30", "7", "x"]),
              st.sampled_from(["gYear", "date", "integer", "nonNegativeInteger", "decimal", "boolean"])),
    st.builds(lambda v: ox.Literal(v, datatype=ox.NamedNode("https://example.org/dt")), st.text(max_size=4)),
)
nodes = st.one_of(iris.map(ox.NamedNode), st.sampled_from(["b0", "b1"]).map(ox.BlankNode))
graphs = st.one_of(iris.map(ox.NamedNode), st.just(ox.DefaultGraph()))
quads = st.builds(ox.Quad, nodes, predicates.map(ox.NamedNode), st.one_of(nodes, literals), graphs)


def ordered(qs) -> list[ox.Quad]:
    return sorted(set(qs), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


@settings(max_examples=150, deadline=None)
@given(st.lists(quads, max_size=12))
def test_what_is_written_is_read_back(qs):
    written = ordered(qs)
    data = serialize(written)
    assert json.loads(data)["@context"] == shipped_context()
    assert set(ox.parse(data, format=ox.RdfFormat.JSON_LD)) == set(written)


def test_a_graph_named_like_a_default_graph_node_keeps_both():
    g = ox.NamedNode(ID + "graph/doc/a.txt")
    written = ordered([
        ox.Quad(g, ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"), ox.NamedNode(ID + "doc/a.txt"), ox.DefaultGraph()),
        ox.Quad(ox.NamedNode(ID + "doc/a.txt"), ox.NamedNode(CYL + "planYear"),
                ox.Literal("2024", datatype=ox.NamedNode(XSD + "gYear")), g)])
    doc = json.loads(serialize(written))
    assert doc["@graph"] == [{"@id": "id:graph/doc/a.txt", "foaf:primaryTopic": "doc:a.txt",
                              "@graph": [{"@id": "doc:a.txt", "planYear": "2024"}]}]
    assert set(ox.parse(serialize(written), format=ox.RdfFormat.JSON_LD)) == set(written)
