"""The namespaces and terms the code names (ontology/namespaces.py) agree with the ontology files."""
from __future__ import annotations

import re

import pytest
from rdflib import Graph, URIRef

import ontology
from ontology import namespaces
from ontology.namespaces import CYL, PREFIXES, Vocabulary

PREFIX_LINE = re.compile(r"^@prefix\s+([\w-]*):\s*<([^>]*)>", re.M)


def declared_prefixes() -> dict[str, set[str]]:
    """Prefix -> the namespaces the Turtle files of ontology/ bind it to."""
    out: dict[str, set[str]] = {}
    for path in sorted(ontology.HERE.glob("*.ttl")):
        for name, namespace in PREFIX_LINE.findall(path.read_text("utf-8")):
            out.setdefault(name, set()).add(namespace)
    return out


def test_every_prefix_the_ontology_files_share_with_the_code_names_the_same_namespace():
    declared = declared_prefixes()
    shared = set(declared) & set(PREFIXES)
    assert {"cyl", "rdf", "rdfs", "xsd", "owl", "skos", "dct", "nif", "itsrdf", "schema", "org", "prov"} <= shared
    for name in shared:
        assert declared[name] == {PREFIXES[name]}, name


def test_every_cyl_term_the_code_names_is_in_the_ontology():
    graph = Graph().parse(ontology.ONTOLOGY)
    named = set(vars(CYL).values())
    assert CYL.WorkPlan in named and CYL.pursues in named
    assert [t for t in sorted(named) if (URIRef(t), None, None) not in graph] == []


def test_terms_are_plain_strings_and_an_unknown_term_is_an_error():
    assert type(CYL.WorkPlan) is str and type(CYL + "anything") is str
    assert namespaces.DCT.title == "http://purl.org/dc/terms/title"     # a term, not str.title
    with pytest.raises(AttributeError, match="workplan"):
        CYL.workplan
    assert all(isinstance(getattr(namespaces, name), Vocabulary) for name in ("RDF", "RDFS", "SKOS", "NIF"))
