"""The RDF-to-property-graph mapping (kg/mapping.py) on the real sample plans."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import iri
from kg.build import document_graph
from kg.mapping import Config, Statements, gather, gather_triples, node_labels, property_name, relationship_name
from loaders.extract import load
from ontology.namespaces import CYL, ORG
from samples import CORPUS


def as_sets(statements: Statements) -> tuple:
    """The statements with each node's literals as a set (each reader keeps them in its own order)."""
    literals = {s: {p: set(raws) for p, raws in by_p.items()} for s, by_p in statements.literals.items()}
    return statements.types, literals, statements.edges, statements.stated, statements.nodes


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_the_worker_and_the_store_read_a_plan_alike(path):
    """A build's worker gathers a plan from its N-Triples terms, a projection from the store's
    quads: the statements must be the same, escapes, languages and datatypes included."""
    config = Config.load()
    graph = document_graph(load(path), path.name)
    quads = list(ox.parse(graph.nquads(), format=ox.RdfFormat.N_QUADS))
    from_worker = gather_triples(graph.triples, iri.graph(path.name), graph.plan, config)
    from_store = gather(quads, {iri.graph(path.name): graph.plan}, config)
    assert as_sets(from_worker) == as_sets(from_store)
    assert from_store.stated and all(p == CYL.pursues for _, _, p, _ in from_store.stated)
    assert not any(p in config.omit_props for _, p, _ in from_store.edges)


def test_names_follow_n10s():
    assert property_name(CYL + "uri") == "uri_"                 # the node's own IRI is in uri
    assert relationship_name(CYL.issuedBy) == "ISSUED_BY"
    assert relationship_name(CYL.region, labels=["Region"]) == "HAS_REGION"
    assert relationship_name(ORG + "subOrganizationOf") == "SUB_ORGANIZATION_OF"


def test_a_node_is_labelled_by_its_most_specific_class_the_projects_own_first():
    above = {CYL.WorkPlan: {CYL + "Plan"}}
    assert node_labels(frozenset({CYL.WorkPlan, CYL + "Plan"}), above) == ("WorkPlan", "Plan")
    assert node_labels(frozenset({CYL.Organization, ORG + "FormalOrganization"}), {}) == (
        "Organization", "FormalOrganization")
    assert node_labels(frozenset(), {}) == ("Resource",)
