"""The namespaces of the graph, their prefixes, and the terms of them that the code names.

Each namespace is its IRI as a ``str``; the terms the code names are attributes of it, so that a
term reads as it does in Turtle (``cyl:WorkPlan`` is ``CYL.WorkPlan``) and a term not declared
here is an error, not a silent typo. Adding to a namespace is ``CYL + "newTerm"``.

>>> CYL.WorkPlan
'https://w3id.org/cyl-kg/def#WorkPlan'
>>> RDF.type == RDF + "type"
True
>>> PREFIXES["skos"] == SKOS
True
>>> CYL.workplan
Traceback (most recent call last):
...
AttributeError: <https://w3id.org/cyl-kg/def#> declares no term 'workplan' (see ontology/namespaces.py)
"""
from __future__ import annotations


class Vocabulary(str):
    """A namespace IRI whose declared terms are attributes holding their full IRIs (plain str)."""

    def __new__(cls, namespace: str, terms: str = "") -> "Vocabulary":
        self = super().__new__(cls, namespace)
        for term in terms.split():
            # an instance attribute, so that terms named like str methods (dct:title) are terms
            setattr(self, term, namespace + term)
        return self

    def __getattr__(self, name: str) -> str:
        raise AttributeError(f"<{str(self)}> declares no term {name!r} (see ontology/namespaces.py)")


RDF = Vocabulary("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type langString")
RDFS = Vocabulary("http://www.w3.org/2000/01/rdf-schema#", "label subClassOf range")
XSD = Vocabulary("http://www.w3.org/2001/XMLSchema#",
                 "string integer decimal double float boolean date dateTime gYear nonNegativeInteger hexBinary")
OWL = Vocabulary("http://www.w3.org/2002/07/owl#", "Class ObjectProperty DatatypeProperty versionInfo")
SKOS = Vocabulary("http://www.w3.org/2004/02/skos/core#", "prefLabel altLabel")
DCT = Vocabulary("http://purl.org/dc/terms/", "source title description")
PPLAN = Vocabulary("http://purl.org/net/p-plan#")
PROV = Vocabulary("http://www.w3.org/ns/prov#")
ORG = Vocabulary("http://www.w3.org/ns/org#")
SCHEMA = Vocabulary("http://schema.org/", "unitText containedInPlace")
NIF = Vocabulary("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
                 "beginIndex endIndex anchorOf referenceContext")
ITSRDF = Vocabulary("http://www.w3.org/2005/11/its/rdf#", "taIdentRef")
FOAF = Vocabulary("http://xmlns.com/foaf/0.1/", "primaryTopic")
VOID = Vocabulary("http://rdfs.org/ns/void#")
DCAT = Vocabulary("http://www.w3.org/ns/dcat#")
SPDX = Vocabulary("http://spdx.org/rdf/terms#")
SH = Vocabulary("http://www.w3.org/ns/shacl#")
VANN = Vocabulary("http://purl.org/vocab/vann/")

# The project's own: the ontology, and the IRIs of what the graph holds (see kg/iri.py).
ONTOLOGY_IRI = "https://w3id.org/cyl-kg/def"
CYL = Vocabulary(ONTOLOGY_IRI + "#", """
    WorkPlan Organization Program Region Evidence DocumentText
    hasFile sha256 text sentence evidence issuedBy region planYear level pursues
    metric comparator valueText programType""")
ID = "https://w3id.org/cyl-kg/id/"
CYLP = ID + "program/"

PREFIXES = {"cyl": str(CYL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), "skos": str(SKOS),
            "dct": str(DCT), "pplan": str(PPLAN), "prov": str(PROV), "org": str(ORG), "schema": str(SCHEMA),
            "nif": str(NIF), "itsrdf": str(ITSRDF), "owl": str(OWL), "vann": str(VANN), "foaf": str(FOAF),
            "void": str(VOID), "dcat": str(DCAT), "spdx": str(SPDX),
            "doc": ID + "doc/", "program": CYLP, "orgid": ID + "org/", "region": ID + "region/",
            "policy": ID + "policy/", "level": ID + "level/", "kind": ID + "kind/"}


def sparql_prefixes(*names: str) -> str:
    """SPARQL ``PREFIX`` lines for the prefixes named, in that order.

    >>> print(sparql_prefixes("cyl", "dct"), end="")
    PREFIX cyl: <https://w3id.org/cyl-kg/def#>
    PREFIX dct: <http://purl.org/dc/terms/>
    """
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)
