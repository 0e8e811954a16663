"""A plan's named graph as N-Quads: the order every export and store write relies on."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.build import GraphWriter, document_graph
from loaders.extract import load
from samples import CORPUS


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_the_quads_come_sorted_by_term_as_pyoxigraph_writes_them(path):
    nquads = document_graph(load(path), path.name).nquads()
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    assert len(quads) > 1000
    ordered = sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    assert ox.serialize(ordered, format=ox.RdfFormat.N_QUADS) == nquads


def test_a_term_that_starts_another_sorts_first():
    g = GraphWriter("https://example.org/g")
    s, p = "<https://example.org/s>", "<https://example.org/p>"
    for o in ('"5"^^<http://www.w3.org/2001/XMLSchema#integer>', '"5"', '"5"@zh', '"5 x"', '"5\\tx"'):
        g.add(s, p, o)
    objects = [line.split(" ", 2)[2].rsplit(" <", 1)[0] for line in g.nquads().decode().splitlines()]
    assert objects == sorted(objects)         # as the terms themselves sort
    assert objects.index('"5"') < objects.index('"5"@zh') < objects.index('"5"^^<http://www.w3.org/2001/XMLSchema#integer>')


def test_a_plan_types_each_node_with_its_own_class_and_leaves_the_schemes_programs_to_the_scheme():
    path = CORPUS / "000_973257c0ce08f055.txt"
    facts = load(path)
    quads = list(ox.parse(document_graph(facts, path.name).nquads(), format=ox.RdfFormat.N_QUADS))
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    classes = {q.object.value for q in quads if q.predicate.value == rdf_type}
    # a single body is also an org:FormalOrganization, which its class (any body or group) does not imply
    assert classes and all(c.startswith("https://w3id.org/cyl-kg/def#") for c in classes - {
        "http://www.w3.org/ns/org#FormalOrganization"})
    assert {"https://w3id.org/cyl-kg/def#Evidence", "https://w3id.org/cyl-kg/def#Program"} <= classes
    programs = {p for a in facts.activities for p, _ in a.programs}
    known = {"https://w3id.org/cyl-kg/id/program/" + p.key for p in programs if p.in_scheme}
    found = {"https://w3id.org/cyl-kg/id/program/" + p.key for p in programs if not p.in_scheme}
    assert known and found
    described = {q.subject.value for q in quads}
    assert not known & described                  # named (served, pursued, mentioned), never described
    assert found <= described                     # a program found in the text: its label, type, flag
    assert known <= {q.object.value for q in quads}
