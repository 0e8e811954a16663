"""Facts -> RDF: one named graph per document, in the vocabulary of ``ontology/cyl.ttl``."""
from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from loaders.facts import Activity, DocumentFacts, Mention, Organization, Program
from loaders.numerals import plain
from loaders.organizations import committee_chain
from loaders.regions import Region, chain

from . import iri

CYL = "https://w3id.org/cyl-kg/def#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PPLAN = "http://purl.org/net/p-plan#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "http://schema.org/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"

PREFIXES = {"cyl": CYL, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": RDFS, "xsd": XSD,
            "skos": SKOS, "dct": DCT, "pplan": PPLAN, "prov": PROV, "org": ORG, "schema": SCHEMA, "nif": NIF,
            "doc": iri.BASE + "doc/", "program": iri.BASE + "program/", "orgid": iri.BASE + "org/",
            "region": iri.BASE + "region/", "policy": iri.BASE + "policy/"}


def _n(ns: str, local: str) -> NamedNode:
    return NamedNode(ns + local)


def _zh(s: str) -> Literal:
    return Literal(s, language="zh")


def _typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + datatype))


class GraphWriter:
    """Collects the quads of one named graph, without duplicates."""

    def __init__(self, graph: str):
        self.graph = NamedNode(graph)
        self.quads: set[Quad] = set()

    def add(self, s, p, o) -> None:
        if o is None:
            return
        self.quads.add(Quad(s, p, o, self.graph))

    def a(self, s, *classes: NamedNode) -> None:
        for c in classes:
            self.add(s, RDF_TYPE, c)


def document_quads(facts: DocumentFacts, key: str) -> list[Quad]:
    """The named graph of one document, sorted so that every export is byte-identical."""
    g = GraphWriter(iri.graph(key))
    doc = NamedNode(iri.document(key))
    ctx = NamedNode(iri.text(key))
    g.a(doc, _n(CYL, "WorkPlan"), _n(PPLAN, "Plan"), _n(PROV, "Plan"))
    g.add(doc, _n(DCT, "source"), Literal(facts.source))
    if facts.title:
        g.add(doc, _n(DCT, "title"), _zh(facts.title.quote))
    if facts.year:
        g.add(doc, _n(CYL, "planYear"), _typed(str(facts.year), "gYear"))
    if facts.doc_number:
        g.add(doc, _n(DCT, "identifier"), Literal(facts.doc_number.quote))
    if facts.issued:
        g.add(doc, _n(DCT, "issued"), _typed(facts.issued.isoformat(), "date"))
    g.add(doc, _n(CYL, "sha256"), Literal(facts.sha256))
    g.add(doc, _n(CYL, "mediaType"), Literal(facts.media_type))
    if facts.encoding:
        g.add(doc, _n(CYL, "encoding"), Literal(facts.encoding))
    g.add(doc, _n(CYL, "text"), ctx)
    g.a(ctx, _n(CYL, "DocumentText"), _n(NIF, "Context"))
    g.add(ctx, _n(NIF, "isString"), Literal(facts.text.text))
    g.add(ctx, _n(NIF, "beginIndex"), _typed("0", "nonNegativeInteger"))
    g.add(ctx, _n(NIF, "endIndex"), _typed(str(len(facts.text.text)), "nonNegativeInteger"))

    issuer = NamedNode(iri.organization(facts.issuer.key))
    g.add(doc, _n(CYL, "issuedBy"), issuer)
    _organization(g, facts.issuer)
    for above in committee_chain(facts.issuer):
        _organization(g, above)
    if facts.issuer_mention:
        g.add(doc, _n(CYL, "evidence"), _evidence(g, key, doc, facts.issuer_mention, issuer))

    for section in facts.sections:
        sec = NamedNode(iri.section(key, section.ordinal))
        g.a(sec, _n(CYL, "Section"))
        g.add(doc, _n(CYL, "hasSection"), sec)
        g.add(sec, _n(CYL, "ordinal"), _typed(str(section.ordinal), "integer"))
        g.add(sec, _n(RDFS, "label"), _zh(section.title.quote))
        g.add(sec, _n(CYL, "evidence"), _evidence(g, key, doc, Mention(section.title, section.title), None))

    target_no = 0
    for activity in facts.activities:
        target_no = _activity(g, key, doc, facts, activity, target_no)
    return sorted(g.quads, key=_sort_key)


def _sort_key(q: Quad) -> tuple[str, str, str]:
    return (str(q.subject), str(q.predicate), str(q.object))


def _activity(g: GraphWriter, key: str, doc: NamedNode, facts: DocumentFacts, activity: Activity,
              target_no: int) -> int:
    item = activity.item
    act = NamedNode(iri.activity(key, item.ordinal))
    issuer = NamedNode(iri.organization(facts.issuer.key))
    g.a(act, _n(CYL, "Activity"), _n(PPLAN, "Step"))
    g.add(act, _n(PPLAN, "isStepOfPlan"), doc)
    g.add(doc, _n(CYL, "hasActivity"), act)
    g.add(act, _n(CYL, "ordinal"), _typed(str(item.ordinal), "integer"))
    g.add(act, _n(RDFS, "label"), _zh(item.title.quote))
    g.add(act, _n(CYL, "evidence"), _evidence(g, key, doc, Mention(item.span, item.title), None))
    if item.section:
        g.add(act, _n(CYL, "inSection"), NamedNode(iri.section(key, item.section)))
    if item.number and item.from_table:
        g.add(act, _n(CYL, "itemNumber"), Literal(item.number))
    if item.deadline:
        g.add(act, _n(CYL, "deadline"), Literal(item.deadline.quote))
    for program, mention in activity.programs:
        node = _program(g, program)
        g.add(act, _n(CYL, "servesProgram"), node)
        g.add(issuer, _n(CYL, "pursues"), node)
        g.add(act, _n(CYL, "evidence"), _evidence(g, key, doc, mention, node))
    for org, mention in activity.organizations:
        node = _organization(g, org)
        g.add(act, _n(CYL, "mentionsOrganization"), node)
        g.add(act, _n(CYL, "evidence"), _evidence(g, key, doc, mention, node))
    for org, mention in activity.responsible:
        node = _organization(g, org)
        g.add(node, _n(CYL, "responsibleFor"), act)
        g.add(act, _n(CYL, "evidence"), _evidence(g, key, doc, mention, node))
    for policy, mention in activity.policies:
        node = NamedNode(iri.policy(policy.key))
        g.a(node, _n(CYL, "Policy"))
        g.add(node, _n(DCT, "title"), _zh(policy.title))
        g.add(act, _n(CYL, "citesPolicy"), node)
        g.add(act, _n(CYL, "evidence"), _evidence(g, key, doc, mention, node))
    for target in activity.targets:
        target_no += 1
        node = NamedNode(iri.target(key, target_no))
        g.a(node, _n(CYL, "Target"), _n(SCHEMA, "QuantitativeValue"))
        g.add(act, _n(CYL, "hasTarget"), node)
        g.add(node, _n(CYL, "ordinal"), _typed(str(target_no), "integer"))
        g.add(node, _n(CYL, "metric"), _zh(target.metric) if target.metric else None)
        g.add(node, _n(CYL, "comparator"), Literal(target.comparator))
        g.add(node, _n(SCHEMA, "value"), _typed(plain(target.value), "decimal"))
        g.add(node, _n(CYL, "valueText"), Literal(target.value_text))
        if target.unit:
            g.add(node, _n(SCHEMA, "unitText"), Literal(target.unit))
        if target.deadline:
            g.add(node, _n(CYL, "deadline"), Literal(target.deadline.quote))
        if target.deadline_date:
            g.add(node, _n(CYL, "deadlineDate"), _typed(target.deadline_date.isoformat(), "date"))
        if target.program:
            g.add(node, _n(CYL, "servesProgram"), _program(g, target.program))
        g.add(node, _n(CYL, "evidence"), _evidence(g, key, doc, Mention(target.span, target.sentence), None))
    return target_no


def _evidence(g: GraphWriter, key: str, doc: NamedNode, mention: Mention, entity: NamedNode | None) -> NamedNode:
    span = mention.span
    ev = NamedNode(iri.span(key, span.start, span.end))
    g.a(ev, _n(CYL, "Evidence"), _n(NIF, "OffsetBasedString"))
    g.add(ev, _n(NIF, "beginIndex"), _typed(str(span.start), "nonNegativeInteger"))
    g.add(ev, _n(NIF, "endIndex"), _typed(str(span.end), "nonNegativeInteger"))
    g.add(ev, _n(NIF, "anchorOf"), Literal(span.quote))
    g.add(ev, _n(NIF, "referenceContext"), NamedNode(iri.text(key)))
    g.add(ev, _n(CYL, "document"), doc)
    g.add(ev, _n(CYL, "sentence"), Literal(mention.sentence.quote))
    if entity is not None:
        g.add(ev, _n(NIF, "taIdentRef"), entity)
    return ev


def _program(g: GraphWriter, program: Program) -> NamedNode:
    node = NamedNode(iri.program(program.key))
    g.a(node, _n(CYL, "Program"), _n(SKOS, "Concept"), _n(SCHEMA, "Project"))
    g.add(node, _n(SKOS, "prefLabel"), _zh(program.label))
    if program.type:
        g.add(node, _n(CYL, "programType"), Literal(program.type))
    if not program.in_scheme:
        g.add(node, _n(CYL, "discovered"), _typed("true", "boolean"))
    return node


def _organization(g: GraphWriter, org: Organization) -> NamedNode:
    node = NamedNode(iri.organization(org.key))
    g.a(node, _n(CYL, "Organization"), _n(ORG, "FormalOrganization"))
    g.add(node, _n(SKOS, "prefLabel"), _zh(org.label))
    for alias in org.aliases:
        g.add(node, _n(SKOS, "altLabel"), _zh(alias))
    g.add(node, _n(CYL, "kind"), Literal(org.kind))
    if org.level:
        g.add(node, _n(CYL, "level"), Literal(org.level))
    if org.parent:
        g.add(node, _n(ORG, "subOrganizationOf"), NamedNode(iri.organization(org.parent)))
    if org.region:
        g.add(node, _n(CYL, "region"), _region(g, org.region))
    return node


def _region(g: GraphWriter, region: Region) -> NamedNode:
    nodes = [NamedNode(iri.region(r.code)) for r in chain(region.code)]
    for r, node, parent in zip(chain(region.code), nodes, nodes[1:] + [None]):
        g.a(node, _n(CYL, "Region"), _n(SCHEMA, "AdministrativeArea"))
        g.add(node, _n(RDFS, "label"), _zh(r.name))
        g.add(node, _n(CYL, "adcode"), Literal(r.code))
        g.add(node, _n(CYL, "level"), Literal(r.level))
        if parent is not None:
            g.add(node, _n(SCHEMA, "containedInPlace"), parent)
    return nodes[0]
