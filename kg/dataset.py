"""The description of the dataset that every RDF export carries: VoID and DCAT, in a graph of its own.

What ``ontology/dataset.ttl`` says (title, licence), and what the export counts: statements,
nodes of each class, each plan's graph (a ``void:subset``), the vocabularies used, the software
that built the graphs, and one ``dcat:Distribution``, the data as N-Quads, with its SHA-256.

The checksum is that of the N-Quads export without this description's graph: the lines of
``kg export --format nq`` that do not end in ``<…/graph/dataset> .``. Nothing in the description
depends on the time of the export, so the same workspace always gives the same bytes.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Iterable

import pyoxigraph as ox

import ontology
from ontology.namespaces import DCAT, DCT, OWL, PROV, RDF, RDFS, SPDX, VOID, XSD

from . import iri

RDF_TYPE = RDF.type
# Lines are matched from the newline before them: a pattern opening with a character is found
# far faster than one opening with ``^`` under re.M.
_PREDICATE = re.compile(rb"\n<[^>]*> <([^>]*)> ")
_TYPED = re.compile(rb"\n(<[^>]*>) <" + re.escape(RDF_TYPE.encode()) + rb"> <([^>]*)> ")
_ATTRIBUTED = re.compile(rb"\n<[^>]*> <" + re.escape((PROV + "wasAttributedTo").encode()) + rb"> <([^>]*)> ")
N_QUADS = "https://www.iana.org/assignments/media-types/application/n-quads"


def _n(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _count(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_n(XSD + "integer"))


def namespace(term: str) -> str:
    """The namespace of an IRI: up to its last ``#`` or ``/``."""
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[:cut + 1]


def _short(term: str) -> str:
    """``prefix-local`` for a term of a known namespace (``cyl-WorkPlan``, ``org-FormalOrganization``)."""
    from ontology.namespaces import PREFIXES

    ns = namespace(term)
    prefix = next((p for p, n in sorted(PREFIXES.items()) if n == ns), None)
    if prefix is None:
        return hashlib.sha1(term.encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{term[len(ns):]}"


def checksum(data: Iterable[ox.Quad]) -> str:
    """The SHA-256 of the quads written as N-Quads in the given order."""
    tally = Tally()
    tally.add(data)
    return tally.sha256.hexdigest()


class Tally:
    """What the description counts, taken graph by graph from quads sorted as the N-Quads export
    sorts them, so that no export holds every quad at once."""

    def __init__(self) -> None:
        self.sha256 = hashlib.sha256()
        self.triples = 0
        self.per_graph: Counter[str] = Counter()
        self.classes: dict[str, set] = defaultdict(set)
        self.vocabularies: set[str] = set()
        self.software: set[str] = set()

    def add(self, quads: Iterable[ox.Quad], nquads: bytes | None = None) -> None:
        """Count the quads (the next in order); ``nquads``: the same quads already written."""
        quads = list(quads)
        self.sha256.update(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if nquads is None else nquads)
        self.triples += len(quads)
        for q in quads:
            self.per_graph[q.graph_name.value] += 1
            self.vocabularies.add(namespace(q.predicate.value))
            if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
                self.vocabularies.add(namespace(q.object.value))
                if q.graph_name.value != iri.ONTOLOGY_GRAPH:
                    self.classes[q.object.value].add(str(q.subject))
            elif q.predicate.value == PROV + "wasAttributedTo":
                self.software.add(q.object.value)

    def add_graph(self, graph: str, nquads: bytes, count: int) -> bool:
        """Count one graph's ``count`` quads (the next in order) from their N-Quads, as
        :meth:`add` would; False, counting nothing, unless every line has an IRI for subject
        and predicate, and every ``prov:wasAttributedTo`` an IRI for object."""
        lines = b"\n" + nquads
        predicates = _PREDICATE.findall(lines)
        software = _ATTRIBUTED.findall(lines)
        if len(predicates) != count or predicates.count((PROV + "wasAttributedTo").encode()) != len(software):
            return False
        self.sha256.update(nquads)
        self.triples += count
        self.per_graph[graph] += count
        self.vocabularies.update(namespace(p.decode("utf-8")) for p in set(predicates))
        for subject, cls in set(_TYPED.findall(lines)):
            self.vocabularies.add(namespace(cls.decode("utf-8")))
            if graph != iri.ONTOLOGY_GRAPH:
                self.classes[cls.decode("utf-8")].add(subject.decode("utf-8"))
        self.software.update(o.decode("utf-8") for o in set(software))
        return True


def describe(data: Iterable[ox.Quad] | Tally) -> list[ox.Quad]:
    """The description graph of the dataset whose quads (sorted as the N-Quads export sorts them)
    are ``data``, or that ``data`` tallied."""
    if isinstance(data, Tally):
        tally = data
    else:
        tally = Tally()
        tally.add(data)
    per_graph, classes, vocabularies, software = tally.per_graph, tally.classes, tally.vocabularies, tally.software
    g = _n(iri.DATASET_GRAPH)
    dataset = _n(iri.DATASET)
    out: list[ox.Quad] = [ox.Quad(q.subject, q.predicate, q.object, g)
                          for q in ox.parse(path=str(ontology.DATASET), format=ox.RdfFormat.TURTLE)]

    def add(s: ox.NamedNode, p: str, o) -> None:
        out.append(ox.Quad(s, _n(p), o, g))

    add(dataset, VOID + "triples", _count(tally.triples))
    for cls in sorted(classes):
        part = _n(f"{iri.DATASET}/class/{_short(cls)}")
        add(dataset, VOID + "classPartition", part)
        add(part, VOID + "class", _n(cls))
        add(part, VOID + "entities", _count(len(classes[cls])))
    for ns in sorted(vocabularies):
        add(dataset, VOID + "vocabulary", _n(ns))
    for graph in sorted(per_graph):
        if graph.startswith(iri.BASE + "graph/doc/"):
            add(dataset, VOID + "subset", _n(graph))
            add(_n(graph), VOID + "triples", _count(per_graph[graph]))
    for agent in sorted(software):
        version = agent.rsplit("/", 1)[-1]
        add(dataset, PROV + "wasAttributedTo", _n(agent))
        add(_n(agent), RDF_TYPE, _n(PROV + "SoftwareAgent"))
        add(_n(agent), RDFS + "label", ox.Literal(f"cyl-kg {version}"))
        add(_n(agent), OWL + "versionInfo", ox.Literal(version))

    dist = _n(iri.DATASET + "/nquads")
    digest = _n(iri.DATASET + "/nquads/sha256")
    add(dataset, DCAT + "distribution", dist)
    add(dist, RDF_TYPE, _n(DCAT + "Distribution"))
    add(dist, RDFS + "label", ox.Literal("N-Quads", language="en"))
    add(dist, DCT + "description", ox.Literal(
        "The dataset as N-Quads, as `kg export --format nq` writes it, without the graph of this "
        "description; its SHA-256 is that of the export's lines not in that graph.", language="en"))
    add(dist, DCAT + "mediaType", _n(N_QUADS))
    add(dist, SPDX + "checksum", digest)
    add(digest, RDF_TYPE, _n(SPDX + "Checksum"))
    add(digest, SPDX + "algorithm", _n(SPDX + "checksumAlgorithm_sha256"))
    add(digest, SPDX + "checksumValue", ox.Literal(tally.sha256.hexdigest(), datatype=_n(XSD + "hexBinary")))
    return out
