"""The project's vocabulary and domain data: where the files are, and the namespaces (see
``ontology/namespaces.py``) as rdflib terms.

The files are data a researcher edits without touching Python:

==========================  ==================================================================
``cyl.ttl``                 the OWL ontology (classes and properties of the graph)
``shapes.ttl``              SHACL shapes a built graph must satisfy
``programs.ttl``            the SKOS scheme of programs, with every name they go by
``classifications.ttl``     the SKOS schemes of bodies' levels and kinds (``org:classification``)
``dataset.ttl``             what the exports say of the dataset (title, licence), VoID and DCAT
``context.jsonld``          the JSON-LD context of the exports, made from ``cyl.ttl`` (``python -m kg.exports.jsonld``)
``organizations.tsv``       organization patterns: names, kinds, how to resolve them to a region
``issuer_forms.tsv``        how a plan names its own body generically, its scope and its places
``doc_number_issuers.tsv``  文号 issuer abbreviations (甬 in 甬团发) and the region each names
``non_programs.tsv``        formulas and slogans that are not programs (literal or regex)
``cues.toml``               cue words of the extractors
``header.toml``             page clutter, opening and news-report cues
``examples.ttl``            a tiny graph that conforms to the shapes
==========================  ==================================================================

>>> PROGRAMS.name
'programs.ttl'
>>> str(CYLP["qndxx"])
'https://w3id.org/cyl-kg/id/program/qndxx'
"""
from __future__ import annotations

import pathlib

from rdflib import Namespace, URIRef

from . import namespaces

HERE = pathlib.Path(__file__).resolve().parent


def path(name: str) -> pathlib.Path:
    """The path of a data file of this folder, e.g. ``path("programs.ttl")``."""
    return HERE / name


ONTOLOGY = path("cyl.ttl")
SHAPES = path("shapes.ttl")
PROGRAMS = path("programs.ttl")
ORGANIZATIONS = path("organizations.tsv")
ISSUER_FORMS = path("issuer_forms.tsv")
DOC_NUMBER_ISSUERS = path("doc_number_issuers.tsv")
NON_PROGRAMS = path("non_programs.tsv")
CUES = path("cues.toml")
EXAMPLES = path("examples.ttl")
CLASSIFICATIONS = path("classifications.ttl")
DATASET = path("dataset.ttl")

# rdflib's forms of the namespaces (for the rdflib graphs the loaders read); the IRIs themselves,
# and the prefix table, are in ontology/namespaces.py.
CYL = Namespace(namespaces.CYL)
ID = Namespace(namespaces.ID)
CYLP = Namespace(namespaces.CYLP)
PPLAN = Namespace(namespaces.PPLAN)
NIF = Namespace(namespaces.NIF)
SCHEMA = Namespace(namespaces.SCHEMA)
ORG = Namespace(namespaces.ORG)

ONTOLOGY_IRI = URIRef(namespaces.ONTOLOGY_IRI)
PROGRAM_SCHEME = CYLP["scheme"]
