"""Facts -> RDF: one named graph per file, in the vocabulary of ``ontology/cyl.ttl``: the file,
and the plan it holds, keyed by what identifies the plan (:func:`plan_key`), so that the files of
one plan describe one plan (:meth:`kg.workspace.Workspace.settle_plans` leaves its text to one).

A term is kept as its N-Triples text, written by pyoxigraph itself (``str(NamedNode(...))``), and
a graph as a set of (subject, predicate, object) texts: sorting the graph and writing it as
N-Quads is then string work, with no Python object per quad (a third of a document's build
time went to making, hashing and sorting Quad objects).

Each node is typed with its own class only (``cyl:Program``, not also ``skos:Concept``): the
standard classes it specialises are in ``ontology/cyl.ttl``, which every RDF export carries for a
reasoner, and the projection adds them as labels. A single body is also an
``org:FormalOrganization``, which ``cyl:Organization`` (any body or group of bodies) does not
imply. Programs of the scheme are described by the scheme's graph,
not again in every plan naming them. Both keep a plan to the statements only it can make: a
quarter fewer quads than with every type and label repeated in every plan.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import replace

import pyoxigraph as ox
from pyoxigraph import Literal, NamedNode, Quad

from loaders.facts import Activity, DocumentFacts, Mention, Organization, Program, Target
from loaders.issuers import is_unknown, unknown_issuer
from loaders.numerals import chinese_to_int, plain
from loaders.organizations import committee_chain
from loaders.regions import Region, chain
from ontology.namespaces import CYL, DCT, FOAF, ITSRDF, NIF, ORG, PPLAN, PROV, RDF, RDFS, SCHEMA, SKOS, XSD

from . import __version__, iri

RDF_TYPE = str(NamedNode(RDF.type))     # as N-Triples writes it

# Which schema.org property holds a target's number: a bound is a minimum or a maximum, only an
# exact or approximate number is the value itself ("不低于95%" is at least 95, not 95).
VALUE_PROPERTY = {">=": "minValue", ">": "minValue", "<=": "maxValue", "<": "maxValue", "=": "value", "~": "value"}

# A collective name (各乡镇团委) stands for the bodies of one kind in a region, not one body.
GROUP_SUFFIX = "-all"


# Terms repeat within a plan (its sentences, its nodes) and across plans (organizations,
# regions, programs: a few thousand). A bigger cache mostly holds other plans' sentences, and
# scattering them over the heap made a worker 10% slower by its ten-thousandth plan.
TERM_CACHE = 1 << 12


@functools.lru_cache(maxsize=TERM_CACHE)
def _iri(value: str) -> str:
    """An IRI as N-Triples writes it (pyoxigraph checks it)."""
    return str(NamedNode(value))


@functools.lru_cache(maxsize=TERM_CACHE)
def _lit(value: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as N-Triples writes it."""
    if language:
        return str(Literal(value, language=language))
    return str(Literal(value, datatype=NamedNode(datatype))) if datatype else str(Literal(value))


@functools.lru_cache(maxsize=None)
def _n(ns: str, local: str) -> str:
    return _iri(ns + local)


@functools.lru_cache(maxsize=TERM_CACHE)
def _zh(s: str) -> str:
    return _lit(s, "zh")


@functools.lru_cache(maxsize=TERM_CACHE)
def _typed(value: str, datatype: str) -> str:
    return _lit(value, None, XSD + datatype)


class GraphWriter:
    """Collects the triples of one named graph, without duplicates, as N-Triples terms."""

    def __init__(self, graph: str, plan: str = ""):
        self.graph = _iri(graph)
        self.plan = plan                  # the IRI of the plan the graph is about
        self.triples: set[tuple[str, str, str]] = set()

    def add(self, s: str, p: str, o: str | None) -> None:
        if o is None:
            return
        self.triples.add((s, p, o))

    def a(self, s: str, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF_TYPE, c)

    def nquads(self) -> bytes:
        """The graph as N-Quads sorted by subject, predicate, object: the bytes pyoxigraph writes
        for the quads sorted by ``(str(q.subject), str(q.predicate), str(q.object))``.

        Sorting the lines as UTF-8 bytes gives that order: bytes order as code points do, and
        where one term is the start of another (``"5"`` and ``"5"^^<…>``), the space after the
        shorter one sorts below whatever the longer one goes on with.
        """
        tail = f" {self.graph} .\n"
        lines = [f"{s} {p} {o}{tail}".encode("utf-8") for s, p, o in self.triples]
        lines.sort()
        return b"".join(lines)


def document_quads(facts: DocumentFacts, key: str) -> list[Quad]:
    """The named graph of one document as quads, in the order of :func:`document_nquads`."""
    return list(ox.parse(document_nquads(facts, key), format=ox.RdfFormat.N_QUADS))


def document_nquads(facts: DocumentFacts, key: str) -> bytes:
    """The named graph of one document as N-Quads, sorted so that every export is byte-identical."""
    return document_graph(facts, key).nquads()


def _normal(text: str) -> str:
    """A 文号 or title as an identity: compatibility forms folded, spaces and quotes dropped, and
    the brackets round a 文号's year in one form (〔2021〕, [2021] and （2021） are one 文号)."""
    text = re.sub(r"[\s\"'“”‘’《》〈〉]+", "", unicodedata.normalize("NFKC", text))
    return text.translate(BRACKETS)


BRACKETS = str.maketrans("[(【〖", "〔〔〔〔", "")
BRACKETS.update(str.maketrans("])】〗", "〕〕〕〕"))


def plan_key(facts: DocumentFacts, key: str) -> str:
    """What identifies the plan a file holds, whatever its format: its issuer, its year and its
    文号, else its title. A plan of an issuer the text does not name, or with neither 文号 nor
    title, is known only by its file (``key``, the workspace's document key)."""
    own = _own_issuer(facts, key)
    if is_unknown(own):
        return own.key
    name = _normal(facts.doc_number.quote) if facts.doc_number else ""
    if not name and facts.title:
        name = _normal(facts.title.quote)
    if not name:
        return f"{own.key}/file/{key}"
    return f"{own.key}/{facts.year or 'undated'}/{name}"


def _item_numbers(facts: DocumentFacts) -> dict[int, str]:
    """Each item's IRI number, from the plan's own numbering: ``section.number`` (``2.3``), or
    ``t.number`` for a task-table row; an item the plan does not number, or whose number comes
    twice, falls back on its place among the items (``n7``)."""
    numbers: dict[int, str] = {}
    seen: set[str] = set()
    for activity in facts.activities:
        item = activity.item
        own = _normal(item.number).strip("()〔〕.、,") if item.number else ""
        if own and not own.isdigit():
            own = str(chinese_to_int(own) or own)         # （三） is item 3, as 3. is
        number = f"{'t' if item.from_table else (item.section or 0)}.{own}" if own else ""
        if not number or number in seen:
            number = f"n{item.ordinal}"
        seen.add(number)
        numbers[item.ordinal] = number
    return numbers


def document_graph(facts: DocumentFacts, key: str) -> GraphWriter:
    """The named graph of one file (graph and file keyed by ``key``): the file, and the plan it
    holds (keyed by :func:`plan_key`) with its text, sections, items and targets."""
    plan = plan_key(facts, key)
    g = GraphWriter(iri.graph(key), iri.document(plan))
    doc = _iri(g.plan)
    ctx = _iri(iri.text(plan))
    g.add(g.graph, _n(FOAF, "primaryTopic"), doc)        # the graph is about this plan
    g.add(g.graph, _n(PROV, "wasAttributedTo"), _iri(iri.extractor(__version__)))
    _file(g, facts, key, doc)
    g.a(doc, _n(CYL, "WorkPlan"))
    if facts.kind == "report":
        g.a(doc, _n(CYL, "WorkPlanReport"))
    g.add(doc, _n(CYL, "documentKind"), _lit(facts.kind))
    g.add(doc, _n(DCT, "source"), _lit(facts.source))
    if facts.title:
        # A cover page's title split over lines is one title.
        g.add(doc, _n(DCT, "title"), _zh(re.sub(r"\s*\n\s*", "", facts.title.quote)))
    if facts.year:
        g.add(doc, _n(CYL, "planYear"), _typed(str(facts.year), "gYear"))
    if facts.doc_number:
        g.add(doc, _n(DCT, "identifier"), _lit(facts.doc_number.quote))
    if facts.issued:
        g.add(doc, _n(DCT, "issued"), _typed(facts.issued.isoformat(), "date"))
    g.add(doc, _n(CYL, "text"), ctx)
    g.a(ctx, _n(CYL, "DocumentText"))
    g.add(ctx, _n(NIF, "isString"), _lit(facts.text.text))
    g.add(ctx, _n(NIF, "beginIndex"), _typed("0", "nonNegativeInteger"))
    g.add(ctx, _n(NIF, "endIndex"), _typed(str(len(facts.text.text)), "nonNegativeInteger"))

    own = _own_issuer(facts, key)
    issuer = _iri(iri.organization(own.key))
    g.add(doc, _n(CYL, "issuedBy"), issuer)
    _organization(g, own)
    for above in committee_chain(own):
        _organization(g, above)
    if facts.issuer_mention:
        g.add(doc, _n(CYL, "evidence"), _evidence(g, plan, facts.issuer_mention, issuer))

    for section in facts.sections:
        sec = _iri(iri.section(plan, section.ordinal))
        g.a(sec, _n(CYL, "Section"))
        g.add(doc, _n(CYL, "hasSection"), sec)
        g.add(sec, _n(CYL, "ordinal"), _typed(str(section.ordinal), "integer"))
        g.add(sec, _n(RDFS, "label"), _zh(section.title.quote))
        g.add(sec, _n(CYL, "evidence"), _evidence(g, plan, Mention(section.title, section.title), None))

    numbers = _item_numbers(facts)
    target_no = 0
    for activity in facts.activities:
        target_no = _activity(g, plan, key, doc, facts, activity, numbers[activity.item.ordinal], target_no)
    _label_titles(g)
    if not facts.title:
        # A person still needs a name for an untitled excerpt or report: its file's.
        g.add(doc, _n(RDFS, "label"), _zh(f"{facts.source}（无标题）"))
    return g


def _file(g: GraphWriter, facts: DocumentFacts, key: str, doc: str) -> None:
    """The file apart from the plan it holds: its name, checksum, media type and encoding."""
    node = _iri(iri.file(key))
    g.a(node, _n(CYL, "PlanFile"))
    g.add(doc, _n(CYL, "hasFile"), node)
    g.add(node, _n(CYL, "fileName"), _lit(facts.source))
    g.add(node, _n(RDFS, "label"), _lit(facts.source))
    g.add(node, _n(CYL, "sha256"), _lit(facts.sha256))
    g.add(node, _n(CYL, "mediaType"), _lit(facts.media_type))
    if facts.encoding:
        g.add(node, _n(CYL, "encoding"), _lit(facts.encoding))


def _label_titles(g: GraphWriter) -> None:
    """Give whatever has a dct:title (the plan, the policies it cites) the same rdfs:label."""
    title, label = _n(DCT, "title"), _n(RDFS, "label")
    g.triples.update([(s, label, o) for s, p, o in g.triples if p == title])


def _activity(g: GraphWriter, plan: str, key: str, doc: str, facts: DocumentFacts, activity: Activity,
              number: str, target_no: int) -> int:
    """The item's statements; ``target_no`` targets of the plan came before its own (their
    ordinal is their place in the plan, their IRI their place in the item)."""
    item = activity.item
    act = _iri(iri.activity(plan, number))
    own = _own_issuer(facts, key)
    issuer = _iri(iri.organization(own.key))
    g.a(act, _n(CYL, "Activity"))
    g.add(act, _n(PPLAN, "isStepOfPlan"), doc)
    g.add(doc, _n(CYL, "hasActivity"), act)
    g.add(act, _n(CYL, "ordinal"), _typed(str(item.ordinal), "integer"))
    g.add(act, _n(RDFS, "label"), _zh(item.title.quote))
    g.add(act, _n(CYL, "evidence"), _evidence(g, plan, Mention(item.span, item.title), None))
    if item.section:
        g.add(act, _n(CYL, "inSection"), _iri(iri.section(plan, item.section)))
    if item.number and item.from_table:
        g.add(act, _n(CYL, "itemNumber"), _lit(item.number))
    if item.deadline:
        g.add(act, _n(CYL, "deadline"), _lit(item.deadline.quote))
    _links(g, plan, facts, activity, act, issuer, own)
    for in_item, target in enumerate(activity.targets, 1):
        target_no += 1
        _target(g, plan, act, _iri(iri.target(plan, number, in_item)), target, target_no)
    return target_no


def _links(g: GraphWriter, plan: str, facts: DocumentFacts, activity: Activity, act: str, issuer: str,
           own: Organization) -> None:
    """What the item names, each with its evidence: the programs it serves (which its issuer
    pursues), the bodies it mentions, those responsible for it, the policies it cites."""
    for program, mention in activity.programs:
        node = _program(g, program)
        g.add(act, _n(CYL, "servesProgram"), node)
        g.add(issuer, _n(CYL, "pursues"), node)
        g.add(act, _n(CYL, "evidence"), _evidence(g, plan, mention, node))
    for org, mention in activity.organizations:
        node = _organization(g, _own(org, facts.issuer, own))
        g.add(act, _n(CYL, "mentionsOrganization"), node)
        g.add(act, _n(CYL, "evidence"), _evidence(g, plan, mention, node))
    for org, mention in activity.responsible:
        node = _organization(g, _own(org, facts.issuer, own))
        g.add(node, _n(CYL, "responsibleFor"), act)
        g.add(act, _n(CYL, "evidence"), _evidence(g, plan, mention, node))
    for policy, mention in activity.policies:
        node = _iri(iri.policy(policy.key))
        g.a(node, _n(CYL, "Policy"))
        g.add(node, _n(DCT, "title"), _zh(policy.title))
        g.add(act, _n(CYL, "citesPolicy"), node)
        g.add(act, _n(CYL, "evidence"), _evidence(g, plan, mention, node))


def _target(g: GraphWriter, plan: str, act: str, node: str, target: Target, ordinal: int) -> None:
    """A target of the item: its metric, comparator, value, unit, deadline and program; ``ordinal``
    is its place in the plan."""
    g.a(node, _n(CYL, "Target"))
    g.add(act, _n(CYL, "hasTarget"), node)
    g.add(node, _n(CYL, "ordinal"), _typed(str(ordinal), "integer"))
    g.add(node, _n(CYL, "metric"), _zh(target.metric) if target.metric else None)
    g.add(node, _n(CYL, "comparator"), _lit(target.comparator))
    g.add(node, _n(RDFS, "label"), _zh(target.span.quote))
    g.add(node, _n(SCHEMA, VALUE_PROPERTY[target.comparator]), _typed(plain(target.value), "decimal"))
    g.add(node, _n(CYL, "valueText"), _lit(target.value_text))
    if target.unit:
        g.add(node, _n(SCHEMA, "unitText"), _lit(target.unit))
    if target.deadline:
        g.add(node, _n(CYL, "deadline"), _lit(target.deadline.quote))
    if target.deadline_date:
        g.add(node, _n(CYL, "deadlineDate"), _typed(target.deadline_date.isoformat(), "date"))
    if target.program:
        g.add(node, _n(CYL, "servesProgram"), _program(g, target.program))
    g.add(node, _n(CYL, "evidence"), _evidence(g, plan, Mention(target.span, target.sentence), None))


def _evidence(g: GraphWriter, key: str, mention: Mention, entity: str | None) -> str:
    span = mention.span
    ev = _iri(iri.span(key, span.start, span.end))
    g.triples.update((            # the commonest node of all: its triples in one go
        (ev, RDF_TYPE, _n(CYL, "Evidence")),
        (ev, _n(NIF, "beginIndex"), _typed(str(span.start), "nonNegativeInteger")),
        (ev, _n(NIF, "endIndex"), _typed(str(span.end), "nonNegativeInteger")),
        (ev, _n(NIF, "anchorOf"), _lit(span.quote)),
        (ev, _n(RDFS, "label"), _zh(span.quote)),
        (ev, _n(NIF, "referenceContext"), _iri(iri.text(key))),
        (ev, _n(CYL, "sentence"), _lit(mention.sentence.quote))))
    if entity is not None:
        g.add(ev, _n(ITSRDF, "taIdentRef"), entity)
    return ev


def _program(g: GraphWriter, program: Program) -> str:
    """A program's node; described here only when the plan found it, since the program scheme's
    graph (in every workspace) describes the programs it holds."""
    node = _iri(iri.program(program.key))
    if program.in_scheme:
        return node
    g.a(node, _n(CYL, "Program"))
    g.add(node, _n(SKOS, "prefLabel"), _zh(program.label))
    g.add(node, _n(RDFS, "label"), _zh(program.label))
    if program.type:
        g.add(node, _n(CYL, "programType"), _lit(program.type))
    g.add(node, _n(CYL, "discovered"), _typed("true", "boolean"))
    return node


def _own_issuer(facts: DocumentFacts, key: str) -> Organization:
    """The issuer; one the document does not name is the document's own, keyed by the document
    (two files of one name get two keys, and so two unknown issuers)."""
    if is_unknown(facts.issuer):
        return unknown_issuer(key, facts.issuer.level)
    return facts.issuer


def _own(org: Organization, issuer: Organization, own: Organization) -> Organization:
    """A body as the graph holds it when the issuer was keyed anew by the document: the issuer
    itself (本级团委 in a task table), and the bodies keyed or placed under it."""
    if own.key == issuer.key:
        return org
    if org.key == issuer.key:
        return own
    prefix = issuer.key + "/"
    if org.key.startswith(prefix):
        org = replace(org, key=own.key + "/" + org.key[len(prefix):])
    if org.parent == issuer.key:
        org = replace(org, parent=own.key)
    return org


def _organization(g: GraphWriter, org: Organization) -> str:
    node = _iri(iri.organization(org.key))
    g.a(node, _n(CYL, "Organization"))
    if not org.key.endswith(GROUP_SUFFIX):
        g.a(node, _n(ORG, "FormalOrganization"))
    g.add(node, _n(SKOS, "prefLabel"), _zh(org.label))
    g.add(node, _n(RDFS, "label"), _zh(org.label))
    for alias in org.aliases:
        g.add(node, _n(SKOS, "altLabel"), _zh(alias))
    g.add(node, _n(CYL, "kind"), _lit(org.kind))
    g.add(node, _n(ORG, "classification"), _iri(iri.kind(org.kind)))
    if org.level:
        g.add(node, _n(CYL, "level"), _lit(org.level))
        g.add(node, _n(ORG, "classification"), _iri(iri.level(org.level)))
    if org.parent:
        g.add(node, _n(ORG, "subOrganizationOf"), _iri(iri.organization(org.parent)))
    if org.region:
        g.add(node, _n(CYL, "region"), _region(g, org.region))
    return node


def _region(g: GraphWriter, region: Region) -> str:
    nodes = [_iri(iri.region(r.code)) for r in chain(region.code)]
    for r, node, parent in zip(chain(region.code), nodes, nodes[1:] + [None]):
        g.a(node, _n(CYL, "Region"))
        g.add(node, _n(RDFS, "label"), _zh(r.name))
        g.add(node, _n(CYL, "adcode"), _lit(r.code))
        g.add(node, _n(CYL, "level"), _lit(r.level))
        if parent is not None:
            g.add(node, _n(SCHEMA, "containedInPlace"), parent)
    return nodes[0]
