"""The workspace as a networkx graph: entities as nodes, relations as edges, evidence on both.

Each plan's graph is read by the mapping the Cypher stores read (:mod:`kg.mapping`), so that a
class or property added to the ontology reaches the pages, the analyses and GraphML without new
code, under the same names:

- a node for every resource of a document graph that has an ``rdf:type``, except evidence
  spans and document texts; its id is its IRI, ``cls`` its class (its primary label in the
  projection: the most specific of its classes, the project's own first), ``label`` the name to
  show, and each literal property an attribute named by its property name in the projection
  (a list when it has several values);
- an edge for every object property between two nodes, keyed by the property's local name;
- the evidence (``cyl:evidence`` spans: document, offsets, quote, sentence) folded into the node
  or edge it supports as a sorted list of :class:`Evidence`, and ``sources``, the file names of
  the documents that state the node or edge.

``G.graph`` holds the ``documents`` (source -> document, title, year, issuer, level, region),
and the Chinese and English names of the ``classes``, ``relations`` (object properties) and
``fields`` (datatype properties) from the ontology.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, NamedTuple

import networkx as nx
import pyoxigraph as ox

from ontology.namespaces import CYL, DCT, ITSRDF, NIF, OWL, PREFIXES, RDFS, SCHEMA, SKOS, sparql_prefixes

from . import iri
from .mapping import Config, Statements, ancestors, gather, label_name, local_name, node_labels, property_name
from .stores import pages
from .workspace import Workspace

EVIDENCE_CLASSES = {CYL.Evidence, CYL.DocumentText}
FOLDED = {CYL.evidence, CYL.text}
LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCT.title, CYL.metric, DCT.source)
RESERVED = {"cls", "label", "evidence", "sources"}
VOCABULARY_KINDS = {OWL.Class: "classes", OWL.ObjectProperty: "relations", OWL.DatatypeProperty: "fields"}


class Evidence(NamedTuple):
    """Where a document states a fact: its file, plan year, offsets, the quote and its sentence."""

    source: str
    year: str
    begin: int
    end: int
    quote: str
    sentence: str

    def cite(self) -> str:
        """A one-line reference: ``source, char begin–end``."""
        return f"{self.source}, char {self.begin}–{self.end}"


def attribute_name(predicate: str) -> str:
    """A literal's attribute: its property name in the projection, with its prefix when that
    name is one the graph reserves (``rdfs_label``)."""
    name = property_name(predicate)
    if name in RESERVED:
        for prefix, ns in PREFIXES.items():
            if predicate.startswith(ns):
                return f"{prefix}_{name}"
    return name


def _lexical_forms(statements: Statements,
                   languages: tuple[str | None, ...] | None = None) -> dict[str, dict[str, set[str]]]:
    """Node -> predicate -> the lexical forms of its literals (of the languages given, else all)."""
    out: dict[str, dict[str, set[str]]] = {}
    for s, by_predicate in statements.literals.items():
        for p, raws in by_predicate.items():
            values = {lexical for lexical, language, _ in raws if languages is None or language in languages}
            if values:
                out.setdefault(s, {})[p] = values
    return out


class _DocumentGraph:
    """What one plan's graph says, read by the mapping, with its evidence spans folded."""

    def __init__(self, statements: Statements):
        self.types: dict[str, set[str]] = statements.types
        self.literals: dict[str, dict[str, set[str]]] = defaultdict(dict, _lexical_forms(statements))
        edges = sorted(statements.edges)
        self.links = [(s, p, o) for s, p, o in edges
                      if p not in FOLDED and p != ITSRDF.taIdentRef and not p.startswith(NIF)]
        self.evidence_of: dict[str, list[str]] = defaultdict(list)
        for s, p, o in edges:
            if p == CYL.evidence:
                self.evidence_of[s].append(o)
        plans = sorted(s for s, t in self.types.items() if CYL.WorkPlan in t)
        self.plan = plan = plans[0] if plans else ""
        self.source = one_of(self.literals[plan].get(DCT.source)) if plan else ""
        self.year = one_of(self.literals[plan].get(CYL.planYear)) if plan else ""
        self.spans: dict[str, tuple[Evidence, str]] = {}
        self.mentions: dict[str, list[Evidence]] = defaultdict(list)
        self._read_spans(edges)

    def _read_spans(self, edges: list[tuple[str, str, str]]) -> None:
        """The evidence spans (NIF offsets, quote and sentence, and the node each names)."""
        spans: dict[str, dict[str, str]] = defaultdict(dict)
        for s, by_predicate in self.literals.items():
            for p, values in by_predicate.items():
                if p.startswith(NIF) or p == CYL.sentence:
                    spans[s][local_name(p)] = one_of(values)
        for s, p, o in edges:
            if p == ITSRDF.taIdentRef:
                spans[s]["ref"] = o
        for e, a in spans.items():
            if "beginIndex" not in a or "anchorOf" not in a:
                continue
            ev = Evidence(self.source, self.year, int(a["beginIndex"]), int(a["endIndex"]),
                          a["anchorOf"], a.get("sentence", a["anchorOf"]))
            self.spans[e] = (ev, a.get("ref", ""))
            if a.get("ref"):
                self.mentions[a["ref"]].append(ev)
        for evs in self.mentions.values():
            evs.sort()

    def entities(self) -> list[str]:
        return sorted(s for s, t in self.types.items() if not t & EVIDENCE_CLASSES)

    def node_evidence(self, s: str) -> list[Evidence]:
        """Spans that state a node itself (an item's title, a target's sentence)."""
        return sorted(self.spans[e][0] for e in self.evidence_of.get(s, ()) if e in self.spans
                      and self.spans[e][1] in ("", s))

    def edge_evidence(self, s: str, o: str) -> list[Evidence]:
        """The spans behind s -> o, most specific first.

        The subject's span naming the object (an item naming a program); the object's span naming
        the subject (an item naming its responsible unit); the sentence stating the object or the
        subject (a target and the program it measures); any mention of the object in this
        document (a body and the programs its plan pursues). Facts from reference data (the
        League hierarchy, GB/T 2260 regions) have none.
        """
        for holder, named in ((s, o), (o, s)):
            found = sorted(self.spans[e][0] for e in self.evidence_of.get(holder, ())
                           if e in self.spans and self.spans[e][1] == named)
            if found:
                return found
        return self.node_evidence(o) or self.node_evidence(s) or list(self.mentions.get(o, ()))

    def issuer(self) -> dict[str, str]:
        """The plan's entry in ``G.graph["documents"]``: its title, year, issuer and the issuer's
        level and region."""
        issuer = next((o for s, p, o in self.links if s == self.plan and p == CYL.issuedBy), "")
        region = next((o for s, p, o in self.links if s == issuer and p == CYL.region), "")
        return {"document": self.plan, "title": one_of(self.literals[self.plan].get(DCT.title)), "year": self.year,
                "issuer": one_of(self.literals[issuer].get(SKOS.prefLabel)) if issuer else "",
                "level": one_of(self.literals[issuer].get(CYL.level)) if issuer else "",
                "region": one_of(self.literals[region].get(RDFS.label)) if region else ""}


def one_of(values: set[str] | None) -> str:
    return min(values) if values else ""


def node_label(literals: dict[str, set[str]], fallback: str) -> str:
    for p in LABEL_PROPERTIES:
        if literals.get(p):
            label = one_of(literals[p])
            break
    else:
        return local_name(fallback)
    if literals.get(CYL.valueText):   # a target: its metric and the value it sets
        cmp = one_of(literals.get(CYL.comparator))
        unit = one_of(literals.get(SCHEMA.unitText))
        label = f"{label} {cmp if cmp not in ('=', '') else ''}{one_of(literals[CYL.valueText])}{unit}".strip()
    return label


def _attributes(cls: str, literals: dict[str, set[str]], uri: str) -> dict:
    """A node's class, the name to show and its literals (a list when there are several)."""
    attrs = {"cls": cls, "label": node_label(literals, uri)}
    for p in sorted(literals):
        values = sorted(literals[p])
        attrs[attribute_name(p)] = values[0] if len(values) == 1 else values
    return attrs


class _Entities:
    """The nodes and edges of every plan's graph, merged: a node's or an edge's evidence and the
    files stating it gathered from every plan that states it."""

    def __init__(self, reference: Statements):
        self.reference_types = reference.types
        self.types: dict[str, set[str]] = defaultdict(set)
        self.literals: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.evidence: dict[str, set[Evidence]] = defaultdict(set)
        self.sources: dict[str, set[str]] = defaultdict(set)
        self.edges: dict[tuple[str, str, str], tuple[set[Evidence], set[str]]] = {}
        self.documents: dict[str, dict[str, str]] = {}

    def add(self, d: _DocumentGraph) -> None:
        entities = set(d.entities())
        entities.update(o for _, _, o in d.links if o not in d.types and o in self.reference_types)
        for s in sorted(entities):
            self.types[s] |= d.types.get(s) or self.reference_types[s]
            for p, values in d.literals.get(s, {}).items():
                self.literals[s][p] |= values
            self.evidence[s].update(d.node_evidence(s))
            self.sources[s].add(d.source)
        for s, p, o in d.links:
            if s in entities and o in entities:
                evs, srcs = self.edges.setdefault((s, p, o), (set(), set()))
                evs.update(d.edge_evidence(s, o))
                srcs.add(d.source)
        if d.plan:
            self.documents[d.source] = d.issuer()

    def add_reference_literals(self, literals: dict[str, dict[str, set[str]]]) -> None:
        """The names the reference data gives the nodes the plans name (a program's labels)."""
        for s, by_predicate in literals.items():
            if s in self.types:
                for p, values in by_predicate.items():
                    self.literals[s][p] |= values

    def graph(self, ancestors_of: dict[str, set[str]]) -> nx.MultiDiGraph:
        """The nodes, labelled as the projection labels them (their primary label), then the edges
        keyed by their properties' local names."""
        G = nx.MultiDiGraph()
        for s in sorted(self.types):
            cls = node_labels(frozenset(self.types[s]), ancestors_of)[0]
            G.add_node(s, **_attributes(cls, self.literals[s], s), evidence=sorted(self.evidence[s]),
                       sources=sorted(self.sources[s]))
        for (s, p, o) in sorted(self.edges):
            evs, srcs = self.edges[(s, p, o)]
            G.add_edge(s, o, key=local_name(p), evidence=sorted(evs), sources=sorted(srcs))
        G.graph["documents"] = dict(sorted(self.documents.items()))
        return G


def from_quads(graphs: Iterable[Iterable[ox.Quad]], reference: Iterable[ox.Quad] = (),
               vocabulary: Iterable[ox.Quad] = ()) -> nx.MultiDiGraph:
    """Build the graph from document graphs (each an iterable of quads), each read by the mapping
    of :mod:`kg.mapping` (the statements it keeps, the classes it labels nodes with).

    reference: quads that describe nodes the documents name (the program scheme: its programs'
    types, labels and aliases, which no plan repeats);
    vocabulary: the ontology's quads, for the names of classes and relations and which classes
    specialise which (a node's class is the most specific, as the projection's primary label).
    """
    config = Config.load()
    reference_statements = gather(reference, {}, config)
    entities = _Entities(reference_statements)
    for quads in graphs:
        entities.add(_DocumentGraph(gather(quads, {}, config)))
    entities.add_reference_literals(_lexical_forms(reference_statements, ("zh", None)))
    ontology_statements = gather(vocabulary, {}, config)
    G = entities.graph(_own_ancestors(ontology_statements))
    G.graph.update(vocabulary_names_in(ontology_statements))
    return G


def _own_ancestors(ontology_statements: Statements) -> dict[str, set[str]]:
    """Each of the ontology's own classes -> the classes it specialises (as the projection reads
    them: see :func:`kg.mapping.ontology_terms`)."""
    return ancestors((c, d) for c, p, d in ontology_statements.edges
                     if p == RDFS.subClassOf and c.startswith(CYL) and not d.startswith("bnode://"))


def vocabulary_names_in(ontology_statements: Statements) -> dict[str, dict[str, dict[str, str]]]:
    """The names of the ontology's own classes, relations and fields, by language."""
    out: dict[str, dict[str, dict[str, str]]] = {"classes": {}, "relations": {}, "fields": {}}
    for term in sorted(ontology_statements.types, key=local_name):
        kind = next((VOCABULARY_KINDS[t] for t in ontology_statements.types[term] if t in VOCABULARY_KINDS), None)
        if kind is None or not term.startswith(CYL):
            continue
        names = ontology_statements.literals.get(term, {}).get(RDFS.label, ())
        labels = {language: lexical for lexical, language, _ in names if language}
        out[kind][local_name(term)] = dict(sorted(labels.items()))
    return out


def _plan_graphs(ws: Workspace, years: Iterable[str] | None) -> list[str]:
    graphs = ws.document_graphs()
    if years is None:
        return graphs
    wanted = {str(y) for y in years}
    _, rows = ws.query(f"""PREFIX cyl: <{CYL}>
SELECT DISTINCT ?g ?year WHERE {{ GRAPH ?g {{ ?d a cyl:WorkPlan ; cyl:planYear ?year }} }}""")
    chosen = {g for g, year in rows if year in wanted}
    return [g for g in graphs if g in chosen]


def from_workspace(ws: Workspace, years: Iterable[str | int] | None = None) -> nx.MultiDiGraph:
    """The workspace's documents as one graph; only plans of the given years when years is given."""
    graphs = _plan_graphs(ws, None if years is None else [str(y) for y in years])
    return from_quads((ws.quads(g) for g in graphs), reference=ws.quads(iri.SCHEME_GRAPH),
                      vocabulary=ws.quads(iri.ONTOLOGY_GRAPH))


def nodes_of(G: nx.MultiDiGraph, cls: str) -> list[str]:
    """The nodes of one class, sorted by label then id.

    >>> G = example_graph()
    >>> [G.nodes[n]["label"] for n in nodes_of(G, "Organization")]
    ['共青团南昌市委', '共青团宁波市委', '共青团平罗县委']
    """
    return sorted((n for n, c in G.nodes(data="cls") if c == cls), key=lambda n: (G.nodes[n]["label"], n))


def issuers(G: nx.MultiDiGraph) -> list[str]:
    """The bodies that issue plans (the sources of ``issuedBy`` edges' targets), sorted by label.

    >>> G = example_graph()
    >>> [G.nodes[n]["label"] for n in issuers(G)]
    ['共青团南昌市委', '共青团宁波市委', '共青团平罗县委']
    """
    found = {v for _, v, k in G.edges(keys=True) if k == "issuedBy"}
    return sorted(found, key=lambda n: (G.nodes[n]["label"], n))


# -- the bodies × programs part alone, read by queries ---------------------------------------
# A national workspace holds millions of statements; the default page needs only who pursues
# what, so it reads that, and the sentences behind the few edges a page draws, by queries
# rather than by reading every plan whole (see from_workspace).

_PREFIXES = sparql_prefixes("cyl", "dct", "skos", "rdfs", "nif", "schema")


def vocabulary_names(ws: Workspace) -> dict[str, dict[str, dict[str, str]]]:
    """The names of the ontology's own classes, relations and fields, by language, as the
    workspace's ontology graph gives them."""
    return vocabulary_names_in(gather(ws.quads(iri.ONTOLOGY_GRAPH), {}, Config.load()))


def select_rows(ws: Workspace, query: str) -> list[list]:
    """A SELECT query's rows over the union of the workspace's graphs, as plain values."""
    return [[None if t is None else t.value for t in row] for row in ws.store.query(_PREFIXES + query, use_default_graph_as_union=True)]


class Plan(NamedTuple):
    """A plan as the pages read it: its graph, node, file, year, title and issuing body."""

    graph: str
    document: str
    source: str
    year: str | None
    title: str | None
    issuer: str


def pursuit_graph(ws: Workspace, years: Iterable[str | int] | None = None, *,
                  plans: list[Plan] | None = None, programs: set[str] | None = None) -> nx.MultiDiGraph:
    """The plans, the bodies issuing them, the programs those pursue and the bodies' regions (with
    the regions containing them), with the node ids, classes and attributes of
    :func:`from_workspace`; the ``pursues`` edges carry their plans but no evidence yet
    (:func:`pursuit_evidence` reads it for the edges a page draws).

    ``plans`` (as :func:`plans_of` reads them) in place of those of ``years``; ``programs``: only
    the pursuits of these, each node's names then looked up in the store's indexes rather than
    read in a pass over every plan (what a page of a few programs of a large workspace needs)."""
    if plans is None:
        plans = plans_of(ws, None if years is None else {str(y) for y in years})
    plans = sorted(plans, key=lambda plan: plan.source)
    few = programs is not None
    pursued = _pursuits(ws, {plan.graph: plan.source for plan in plans}, programs)
    bodies = {plan.issuer for plan in plans}
    programs = {p for o, p in pursued if o in bodies}
    literals = _names_of(ws, bodies, programs) if few else _names(ws, bodies, programs)
    regions, region_of = _regions(ws, bodies if few else None)
    sources_of = _sources(plans, pursued)
    G = nx.MultiDiGraph()
    for plan in plans:
        G.add_node(plan.document, cls=PLAN, label=plan.title or plan.source, source=plan.source,
                   planYear=plan.year or "", evidence=[], sources=[plan.source])
        G.add_edge(plan.document, plan.issuer, key=local_name(CYL.issuedBy), evidence=[], sources=[plan.source])
    for s, cls in [(b, ORGANIZATION) for b in sorted(bodies)] + [(p, PROGRAM) for p in sorted(programs)]:
        G.add_node(s, **_attributes(cls, literals[s], s), evidence=[], sources=sorted(sources_of[s]))
    for body in sorted(bodies):
        _add_regions(G, body, region_of.get(body), regions, sorted(sources_of[body]))
    pursues = local_name(CYL.pursues)
    G.add_edges_from((body, program, pursues, {"evidence": [], "sources": sorted(sources)})
                     for (body, program), sources in sorted(pursued.items()) if body in bodies)
    G.graph["documents"] = {plan.source: {
        "document": plan.document, "title": plan.title or "", "year": plan.year or "", "graph": plan.graph,
        "issuer": one_of(literals[plan.issuer].get(SKOS.prefLabel)), "level": one_of(literals[plan.issuer].get(CYL.level)),
        "region": regions.get(region_of.get(plan.issuer), ("", None))[0]} for plan in plans}
    G.graph.update(vocabulary_names(ws))
    return G


PLAN, ORGANIZATION, PROGRAM, REGION = (label_name(c) for c in (CYL.WorkPlan, CYL.Organization, CYL.Program,
                                                                 CYL.Region))
CONTAINED_IN = local_name(SCHEMA.containedInPlace)


PLANS_OF = "plans-of.json"      # kept in a snapshot: the rows of every plan for plans_of


def plans_of(ws: Workspace, years: set[str] | None = None) -> list[Plan]:
    """The plans (of the years given, else all), by their files' names. Those of a snapshot are
    kept in it by the first reader (10,000 plans: 1.5-3 s read from the store, 0.05 s kept)."""
    def every() -> list[list]:
        rows = pages.read(ws, lambda index: index.plans())
        if rows is None:
            rows = select_rows(ws, """SELECT ?g ?doc ?source ?year ?title ?org WHERE { GRAPH ?g {
                ?doc a cyl:WorkPlan ; dct:source ?source ; cyl:issuedBy ?org .
                OPTIONAL { ?doc cyl:planYear ?year } OPTIONAL { ?doc dct:title ?title } } }""")
        return sorted(rows, key=lambda row: [v or "" for v in row])

    plans = [Plan(*row) for row in ws.kept(PLANS_OF, every)]
    return sorted((p for p in plans if years is None or (p.year or "") in years), key=lambda p: p.source)


def values(name: str, terms: Iterable[str]) -> str:
    """A SPARQL VALUES clause binding ``?name`` to the IRIs given, in order."""
    return f"VALUES ?{name} {{ {' '.join(f'<{t}>' for t in sorted(terms))} }}"


def _pursuits(ws: Workspace, source_of: dict[str, str],
              programs: set[str] | None = None) -> dict[tuple[str, str], set[str]]:
    """(body, program) -> the files of the plans (of those given, by graph) stating the pursuit
    (of the programs given, else of any)."""
    pursued: dict[tuple[str, str], set[str]] = defaultdict(set)
    if programs is not None and not programs:
        return pursued
    rows = None if programs is None else pages.read(ws, lambda index: index.pursuits(programs))
    if rows is None:
        these = "" if programs is None else values("p", programs)
        rows = select_rows(ws, f"SELECT ?g ?org ?p WHERE {{ {these} GRAPH ?g {{ ?org cyl:pursues ?p }} }}")
    for g, org, program in rows:
        if g in source_of:
            pursued[(org, program)].add(source_of[g])
    return pursued


NAMES = (SKOS.prefLabel, CYL.level, SKOS.altLabel)      # what a body is called, and its level


def _scheme_literals(ws: Workspace, programs: set[str], literals: dict[str, dict[str, set[str]]]) -> None:
    """The program scheme's names and types of the programs."""
    if not programs:
        return
    for s, p, v in select_rows(ws, f"""SELECT ?s ?pred ?v WHERE {{ {values('s', programs)}
        GRAPH <{iri.SCHEME_GRAPH}> {{ ?s ?pred ?v }} FILTER(isLiteral(?v) && (LANG(?v) = "" || LANG(?v) = "zh")) }}"""):
        literals[s][p].add(v)


def _names(ws: Workspace, bodies: set[str], programs: set[str]) -> dict[str, dict[str, set[str]]]:
    """The program scheme's names and types of the programs, then the names and levels the plans
    give the bodies (a pass per predicate over all plans is much cheaper than every literal of
    every node)."""
    literals: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, v in select_rows(ws, f"""SELECT ?s ?pred ?v WHERE {{ GRAPH <{iri.SCHEME_GRAPH}> {{ ?s ?pred ?v }}
        FILTER(isLiteral(?v) && (LANG(?v) = "" || LANG(?v) = "zh")) }}"""):
        if s in programs:
            literals[s][p].add(v)
    for predicate in NAMES:
        for s, v in select_rows(ws, f"SELECT ?s ?v WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?v }} }}"):
            if s in bodies or (s in programs and predicate == SKOS.prefLabel):
                literals[s][predicate].add(v)
    return literals


def _names_of(ws: Workspace, bodies: set[str], programs: set[str]) -> dict[str, dict[str, set[str]]]:
    """What :func:`_names` reads, looked up node by node in the store's indexes: cheaper for the
    few bodies and programs a page of some programs draws."""
    literals: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    _scheme_literals(ws, programs, literals)
    for predicate in NAMES:
        nodes = bodies | programs if predicate == SKOS.prefLabel else bodies
        if nodes:
            rows = pages.read(ws, lambda index: index.names(nodes, predicate))
            if rows is None:
                rows = select_rows(ws, f"SELECT DISTINCT ?s ?v WHERE {{ {values('s', nodes)} "
                                       f"GRAPH ?g {{ ?s <{predicate}> ?v }} }}")
            for s, v in rows:
                literals[s][predicate].add(v)
    return literals


def _regions(ws: Workspace, bodies: set[str] | None = None) -> tuple[dict[str, tuple[str, str | None]], dict[str, str]]:
    """(region -> its name and the region containing it, for the regions bodies are in and those
    containing them; body -> its region), of every body, or of those given (then walked up from
    their regions in the store's indexes)."""
    if bodies is None:
        regions: dict[str, tuple[str, str | None]] = {}
        for r, label, up in select_rows(ws, """SELECT DISTINCT ?r ?label ?up WHERE {
            { SELECT DISTINCT ?r WHERE { { ?o cyl:region ?r } UNION { ?x schema:containedInPlace ?r } } }
            ?r rdfs:label ?label . OPTIONAL { ?r schema:containedInPlace ?up } }"""):
            regions.setdefault(r, (label, up))
        return regions, dict(select_rows(ws, "SELECT DISTINCT ?o ?r WHERE { ?o cyl:region ?r }"))
    region_of = dict(select_rows(ws, f"SELECT DISTINCT ?o ?r WHERE {{ {values('o', bodies)} ?o cyl:region ?r }}")) \
        if bodies else {}
    regions = {}
    asked = set(region_of.values())
    seen = set(asked)
    while asked:        # the bodies' regions, then the regions containing them, up to the top
        for r, label, up in select_rows(ws, f"""SELECT DISTINCT ?r ?label ?up WHERE {{ {values('r', asked)}
                ?r rdfs:label ?label . OPTIONAL {{ ?r schema:containedInPlace ?up }} }}"""):
            regions.setdefault(r, (label, up))
        asked = {up for _, up in regions.values() if up and up not in seen}
        seen |= asked
    return regions, region_of


def _sources(plans: list[Plan], pursued: dict[tuple[str, str], set[str]]) -> dict[str, set[str]]:
    """Each body and program -> the files of the plans naming it."""
    sources_of: dict[str, set[str]] = defaultdict(set)
    for (org, program), sources in pursued.items():
        sources_of[org] |= sources
        sources_of[program] |= sources
    for plan in plans:
        sources_of[plan.issuer].add(plan.source)
    return sources_of


def _add_regions(G: nx.MultiDiGraph, body: str, here: str | None, regions: dict[str, tuple[str, str | None]],
                 sources: list[str]) -> None:
    """A body's region, and the regions containing it up to the top, with their edges."""
    if here in regions:
        G.add_edge(body, here, key=local_name(CYL.region), evidence=[], sources=sources)
    seen = set()
    while here in regions and here not in seen:
        seen.add(here)
        label, up = regions[here]
        if here not in G or "cls" not in G.nodes[here]:
            G.add_node(here, cls=REGION, label=label, evidence=[], sources=[])
        if up in regions and not G.has_edge(here, up, CONTAINED_IN):
            G.add_node(up, cls=REGION, label=regions[up][0], evidence=[], sources=[])
            G.add_edge(here, up, key=CONTAINED_IN, evidence=[], sources=[])
        here = up


def pursuit_evidence(ws: Workspace, G: nx.MultiDiGraph, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[Evidence]]:
    """The mentions of each program in each plan (source, program IRI) asked for, in text order:
    what a ``pursues`` edge of :func:`pursuit_graph` stands on. Read by index lookups in the
    plan's own graph, a few per mention."""
    documents = G.graph["documents"]
    wanted = {NIF + "beginIndex": "b", NIF + "endIndex": "e", NIF + "anchorOf": "q", CYL + "sentence": "s"}
    out: dict[tuple[str, str], list[Evidence]] = {}
    for source, program in sorted(set(pairs)):
        d = documents.get(source)
        if not d or not d.get("graph"):
            continue
        g = ox.NamedNode(d["graph"])
        found = []
        for q in ws.store.quads_for_pattern(None, ox.NamedNode(ITSRDF + "taIdentRef"), ox.NamedNode(program), g):
            span = {wanted[x.predicate.value]: x.object.value
                    for x in ws.store.quads_for_pattern(q.subject, None, None, g) if x.predicate.value in wanted}
            if {"b", "e", "q"} <= set(span):
                found.append(Evidence(source, d["year"], int(span["b"]), int(span["e"]), span["q"],
                                      span.get("s", span["q"])))
        out[(source, program)] = sorted(set(found))
    return out
