"""The data files of ``ontology/``: they parse, agree with each other, and say what they claim.

These tests are also the rules a researcher's edit must keep: a program added to
``programs.ttl`` needs one Chinese prefLabel, a known type and labels no other program uses; a row
added to ``organizations.tsv`` or ``non_programs.tsv`` needs the declared columns and values.
"""
from __future__ import annotations

import copy
import csv
import re
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

import ontology
from ontology import CYL, CYLP, NIF, ORG, PPLAN, SCHEMA

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # an open namespace: pytest probes module attributes
VANN = Namespace("http://purl.org/vocab/vann/")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
EX = Namespace("https://w3id.org/cyl-kg/id/doc/example/")

TURTLE_FILES = sorted(p.name for p in ontology.HERE.glob("*.ttl"))

# The cyl: terms the graph builder emits; the ontology declares exactly these.
CLASSES = {"WorkPlan", "WorkPlanReport", "Section", "Activity", "Organization", "Program", "Target", "Region", "Policy",
           "Evidence", "DocumentText", "PlanFile"}
OBJECT_PROPERTIES = {"issuedBy", "hasSection", "hasActivity", "inSection", "servesProgram",
                     "mentionsOrganization", "responsibleFor", "hasTarget", "pursues", "citesPolicy",
                     "region", "evidence", "text", "hasFile"}
DATATYPE_PROPERTIES = {"planYear", "documentKind", "fileName", "sha256", "encoding", "mediaType", "level", "kind", "adcode", "ordinal",
                       "itemNumber", "metric", "comparator", "deadline", "deadlineDate", "valueText",
                       "programType", "scope", "discovered", "sentence"}

# Vocabularies whose terms may be used without a cyl: declaration.
STANDARD = (str(RDF), str(RDFS), str(OWL), str(XSD), str(SH), str(DCTERMS), str(SKOS), str(PROV),
            str(ORG), str(PPLAN), str(SCHEMA), str(NIF), str(VANN), str(ITSRDF), str(FOAF))

PROGRAM_TYPES = {"initiative", "competition", "award", "platform", "campaign", "brand", "service"}
ORG_KINDS = {"league-committee", "league-body", "league-affiliated", "party", "government", "other"}
LEVELS = {"central", "province", "prefecture", "county", "university", "enterprise"}
RELATIONS = {"superior", "subordinate", "partner", "mentioned"}
ORG_COLUMNS = ["name", "aliases", "kind", "scope", "level", "level_offset", "relation", "label_template"]
NON_PROGRAM_COLUMNS = ["pattern", "kind", "is_regex", "comment"]
NON_PROGRAM_KINDS = {"formula", "slogan", "period", "mechanism"}


def squeeze(s: str) -> str:
    """A label as the extractors compare it: without spaces."""
    return re.sub(r"[ \t\u3000\u00a0]+", "", s)


def turtle(name: str) -> Graph:
    return Graph().parse(ontology.path(name), format="turtle")


@pytest.fixture(scope="module")
def cyl() -> Graph:
    return turtle("cyl.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return turtle("shapes.ttl")


@pytest.fixture(scope="module")
def programs() -> Graph:
    return turtle("programs.ttl")


@pytest.fixture(scope="module")
def examples() -> Graph:
    return turtle("examples.ttl")


def read_tsv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        return list(reader.fieldnames or []), list(reader)


# -- every Turtle file ------------------------------------------------------------------------

@pytest.mark.parametrize("name", TURTLE_FILES)
def test_turtle_parses_with_rdflib_and_oxigraph(name):
    g = turtle(name)
    quads = list(pyoxigraph.parse(path=str(ontology.path(name)), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(g) > 0
    assert len(quads) == len(g)


@pytest.mark.parametrize("name", TURTLE_FILES)
def test_schema_org_only_in_its_http_form(name):
    assert "https://schema.org" not in ontology.path(name).read_text("utf-8")
    assert not any(str(t).startswith("https://schema.org") for triple in turtle(name) for t in triple)


def test_module_names_the_files_and_namespaces():
    for p in (ontology.ONTOLOGY, ontology.SHAPES, ontology.PROGRAMS, ontology.ORGANIZATIONS,
              ontology.NON_PROGRAMS, ontology.EXAMPLES):
        assert p.is_file(), p
    assert ontology.path("cyl.ttl") == ontology.ONTOLOGY
    assert str(ontology.SCHEMA) == "http://schema.org/"
    assert str(ontology.CYLP) == str(ontology.ID) + "program/"
    assert ontology.PROGRAM_SCHEME == URIRef("https://w3id.org/cyl-kg/id/program/scheme")


# -- the ontology -----------------------------------------------------------------------------

def cyl_terms(g: Graph, kind: URIRef) -> set[str]:
    return {str(s)[len(str(CYL)):] for s in g.subjects(RDF.type, kind) if str(s).startswith(str(CYL))}


def test_ontology_declares_exactly_the_terms_the_builder_emits(cyl):
    assert (ontology.ONTOLOGY_IRI, RDF.type, OWL.Ontology) in cyl
    assert cyl_terms(cyl, OWL.Class) == CLASSES
    assert cyl_terms(cyl, OWL.ObjectProperty) == OBJECT_PROPERTIES
    assert cyl_terms(cyl, OWL.DatatypeProperty) == DATATYPE_PROPERTIES
    used = {s for s in cyl.subjects() if isinstance(s, URIRef) and str(s).startswith(str(CYL))}
    assert {str(s)[len(str(CYL)):] for s in used} == CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES


@pytest.mark.parametrize("term", sorted(CLASSES | OBJECT_PROPERTIES | DATATYPE_PROPERTIES))
def test_every_term_has_english_and_chinese_labels_and_comments(cyl, term):
    labels = {o.language for o in cyl.objects(CYL[term], RDFS.label)}
    assert {"en", "zh"} <= labels
    assert {"en", "zh"} <= {o.language for o in cyl.objects(CYL[term], RDFS.comment)}


def test_ontology_has_a_version_iri_a_licence_and_bilingual_labels(cyl):
    o = ontology.ONTOLOGY_IRI
    assert str(cyl.value(o, OWL.versionIRI)).startswith(str(o) + "/")
    assert cyl.value(o, DCTERMS.license) is not None
    for p in (RDFS.label, RDFS.comment):
        assert {"en", "zh"} <= {x.language for x in cyl.objects(o, p)}, p


def test_reused_terms_keep_the_kind_their_specification_gives_them(cyl):
    """No DCMI term redeclared as an OWL property; no schema.org class above a program."""
    for term in cyl.subjects(RDF.type, None):
        if str(term).startswith(str(DCTERMS)):
            assert (term, RDF.type, OWL.DatatypeProperty) not in cyl and (term, RDF.type, OWL.ObjectProperty) not in cyl, term
    assert (None, None, SCHEMA.Project) not in cyl
    assert not any(str(t).startswith(str(NIF)) and str(t).endswith("taIdentRef") for triple in cyl for t in triple)


@pytest.mark.parametrize("cls, parents", [
    ("WorkPlan", {PPLAN.Plan, PROV.Plan}), ("Activity", {PPLAN.Step}), ("Organization", {ORG.Organization}),
    ("Program", {SKOS.Concept}), ("Target", {SCHEMA.QuantitativeValue}),
    ("Region", {SCHEMA.AdministrativeArea}), ("Evidence", {NIF.OffsetBasedString}),
    ("DocumentText", {NIF.Context}),
])
def test_classes_specialise_the_standard_ones(cyl, cls, parents):
    assert parents <= set(cyl.objects(CYL[cls], RDFS.subClassOf))


def test_properties_have_declared_domains_and_ranges(cyl):
    assert cyl.value(CYL.issuedBy, RDFS.range) == CYL.Organization
    assert cyl.value(CYL.hasActivity, OWL.inverseOf) == PPLAN.isStepOfPlan
    assert cyl.value(CYL.planYear, RDFS.range) == XSD.gYear
    assert cyl.value(CYL.deadlineDate, RDFS.range) == XSD.date
    assert cyl.value(CYL.discovered, RDFS.range) == XSD.boolean
    for prop in OBJECT_PROPERTIES - {"evidence"}:
        assert cyl.value(CYL[prop], RDFS.domain) is not None, prop
    for prop in OBJECT_PROPERTIES | DATATYPE_PROPERTIES:
        assert cyl.value(CYL[prop], RDFS.range) is not None, prop


# -- the shapes -------------------------------------------------------------------------------

def test_every_term_the_shapes_use_is_declared_or_standard(cyl, shapes):
    declared = set(cyl.subjects(RDF.type, None))
    shape_ns = "https://w3id.org/cyl-kg/def/shapes"
    for term in {t for triple in shapes for t in triple if isinstance(t, URIRef)}:
        if str(term).startswith(shape_ns):
            continue
        if str(term).startswith(str(CYL)):
            assert term in declared, f"{term} is used in shapes.ttl but not declared in cyl.ttl"
        else:
            assert str(term).startswith(STANDARD), f"{term} is neither a cyl: term nor a standard one"
    # Paths and classes of the shapes that come from standard vocabularies are declared too, as
    # their specifications declare them; DCMI terms and schema.org are plain rdf:Property there.
    for p in (SH.path, SH.targetClass, SH["class"]):
        for term in shapes.objects(None, p):
            if isinstance(term, URIRef) and not str(term).startswith((str(RDF), str(RDFS), str(DCTERMS), str(SCHEMA))):
                assert term in declared, f"{term} ({p}) is not declared in cyl.ttl"


def test_sparql_constraints_name_their_prefixes(shapes):
    declared = {str(p) for p in shapes.objects(None, SH.prefix)}
    for query in shapes.objects(None, SH.select):
        for prefix in set(re.findall(r"\b([a-z]+):[A-Za-z]", str(query))):
            assert prefix in declared, prefix


def validate(data: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes)
    return conforms, report, text


def results(report: Graph) -> list[dict]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append({"focus": report.value(r, SH.focusNode), "path": report.value(r, SH.resultPath),
                    "value": report.value(r, SH.value),
                    "component": report.value(r, SH.sourceConstraintComponent)})
    return out


def test_examples_conform_to_the_shapes(examples, shapes):
    conforms, _, text = validate(examples, shapes)
    assert conforms, text


def test_example_evidence_quotes_its_text(examples):
    """The offsets of the example count code points, end exclusive, into the canonical text."""
    spans = set(examples.subjects(RDF.type, CYL.Evidence))
    assert spans
    for ev in spans:
        text = str(examples.value(examples.value(ev, NIF.referenceContext), NIF.isString))
        begin, end = int(examples.value(ev, NIF.beginIndex)), int(examples.value(ev, NIF.endIndex))
        assert text[begin:end] == str(examples.value(ev, NIF.anchorOf))
        assert str(examples.value(ev, NIF.anchorOf)) in str(examples.value(ev, CYL.sentence))
        assert str(ev).endswith(f"#char={begin},{end}")


def test_program_scheme_conforms_to_the_shapes(programs, shapes):
    conforms, _, text = validate(programs, shapes)
    assert conforms, text


PLAN = URIRef("https://w3id.org/cyl-kg/id/doc/example")
ISSUER = URIRef("https://w3id.org/cyl-kg/id/org/360100/cyl")
TARGET = EX["item/1.1/target/1"]
ITEM = EX["item/1.1"]
FILE = URIRef("https://w3id.org/cyl-kg/id/file/example.txt")
SPAN = URIRef(str(PLAN) + "/text#char=44,49")


def _drop(g, s, p):
    g.remove((s, p, None))


def _set(g, s, p, o):
    g.set((s, p, o))


def _add(g, s, p, o):
    g.add((s, p, o))


# Each broken variant of examples.ttl and the violation it must raise: (focus, path, component).
BROKEN = {
    "target without a number": (
        lambda g: _drop(g, TARGET, SCHEMA.minValue), TARGET, None, SH.XoneConstraintComponent),
    "number that is not a decimal": (
        lambda g: _set(g, TARGET, SCHEMA.minValue, Literal("六十")), TARGET, SCHEMA.minValue,
        SH.DatatypeConstraintComponent),
    "comparator outside the list": (
        lambda g: _set(g, TARGET, CYL.comparator, Literal("≥")), TARGET, CYL.comparator, SH.PatternConstraintComponent),
    "two units": (
        lambda g: _add(g, TARGET, SCHEMA.unitText, Literal("人")), TARGET, SCHEMA.unitText,
        SH.MaxCountConstraintComponent),
    "target without evidence": (
        lambda g: _drop(g, TARGET, CYL.evidence), TARGET, CYL.evidence, SH.MinCountConstraintComponent),
    "plan with two issuers": (
        lambda g: _add(g, PLAN, CYL.issuedBy, URIRef("https://w3id.org/cyl-kg/id/org/360000/cyl")), PLAN,
        CYL.issuedBy, SH.MaxCountConstraintComponent),
    "plan without a source": (
        lambda g: _drop(g, PLAN, DCTERMS.source), PLAN, DCTERMS.source, SH.MinCountConstraintComponent),
    "file without sha256": (
        lambda g: _drop(g, FILE, CYL.sha256), FILE, CYL.sha256, SH.MinCountConstraintComponent),
    "plan without a file": (
        lambda g: _drop(g, PLAN, CYL.hasFile), PLAN, CYL.hasFile, SH.MinCountConstraintComponent),
    "checksum on the plan": (
        lambda g: _add(g, PLAN, CYL.sha256, Literal("0" * 64)), PLAN, CYL.sha256, SH.ClosedConstraintComponent),
    "issued date as written": (
        lambda g: _set(g, PLAN, DCTERMS.issued, Literal("2021年3月1日")), PLAN, DCTERMS.issued,
        SH.DatatypeConstraintComponent),
    "activity of no plan": (
        lambda g: _drop(g, ITEM, PPLAN.isStepOfPlan), ITEM, PPLAN.isStepOfPlan, SH.MinCountConstraintComponent),
    "activity without ordinal": (
        lambda g: _drop(g, ITEM, CYL.ordinal), ITEM, CYL.ordinal, SH.MinCountConstraintComponent),
    "activity serving an untyped program": (
        lambda g: _add(g, ITEM, CYL.servesProgram, CYLP["no-such-program"]), ITEM, CYL.servesProgram,
        SH.ClassConstraintComponent),
    "organization with two prefLabels": (
        lambda g: _add(g, ISSUER, SKOS.prefLabel, Literal("南昌团市委", lang="zh")), ISSUER, SKOS.prefLabel,
        SH.MaxCountConstraintComponent),
    "organization of an unknown kind": (
        lambda g: _set(g, ISSUER, CYL.kind, Literal("youth")), ISSUER, CYL.kind, SH.PatternConstraintComponent),
    "kind with a language tag": (
        lambda g: _set(g, ISSUER, CYL.kind, Literal("party", lang="en")), ISSUER, CYL.kind,
        SH.DatatypeConstraintComponent),
    "organization of an unknown level": (
        lambda g: _set(g, ISSUER, CYL.level, Literal("city")), ISSUER, CYL.level, SH.PatternConstraintComponent),
    "program without prefLabel": (
        lambda g: _drop(g, CYLP.qndxx, SKOS.prefLabel), CYLP.qndxx, SKOS.prefLabel, SH.MinCountConstraintComponent),
    "region code of five digits": (
        lambda g: _set(g, URIRef("https://w3id.org/cyl-kg/id/region/360100"), CYL.adcode, Literal("36010")),
        URIRef("https://w3id.org/cyl-kg/id/region/360100"), CYL.adcode, SH.PatternConstraintComponent),
    "span with a negative begin": (
        lambda g: _set(g, SPAN, NIF.beginIndex, Literal(-1)), SPAN, NIF.beginIndex,
        SH.MinInclusiveConstraintComponent),
    "span with two anchors": (
        lambda g: _add(g, SPAN, NIF.anchorOf, Literal("青年")), SPAN, NIF.anchorOf, SH.MaxCountConstraintComponent),
    "span in no document's text": (
        lambda g: _drop(g, SPAN, NIF.referenceContext), SPAN, NIF.referenceContext, SH.MinCountConstraintComponent),
    # What a graph that only looks right gets wrong: every kind below passed the earlier shapes.
    "misspelt predicate": (
        lambda g: _add(g, PLAN, CYL.isuedBy, ISSUER), PLAN, CYL.isuedBy, SH.ClosedConstraintComponent),
    "predicate of another class": (
        lambda g: _add(g, ITEM, CYL.planYear, Literal("2021", datatype=XSD.gYear)), ITEM, CYL.planYear,
        SH.ClosedConstraintComponent),
    "entity link in the invented nif:taIdentRef": (
        lambda g: _add(g, SPAN, NIF.taIdentRef, CYLP.qndxx), SPAN, NIF.taIdentRef, SH.ClosedConstraintComponent),
    "plan with two titles": (
        lambda g: _add(g, PLAN, DCTERMS.title, Literal("另一个标题", lang="zh")), PLAN, DCTERMS.title,
        SH.MaxCountConstraintComponent),
    "title without a language": (
        lambda g: _set(g, PLAN, DCTERMS.title, Literal("南昌共青团2021年工作要点")), PLAN, DCTERMS.title,
        SH.DatatypeConstraintComponent),
    "plan without rdfs:label": (
        lambda g: _drop(g, PLAN, RDFS.label), PLAN, RDFS.label, SH.MinCountConstraintComponent),
    "plan without its text": (
        lambda g: _drop(g, PLAN, CYL.text), PLAN, CYL.text, SH.MinCountConstraintComponent),
    "source file name as a number": (
        lambda g: _set(g, PLAN, DCTERMS.source, Literal(8)), PLAN, DCTERMS.source, SH.DatatypeConstraintComponent),
    "plan's graph about nothing typed a plan": (
        lambda g: _set(g, URIRef("https://w3id.org/cyl-kg/id/graph/doc/example"), FOAF.primaryTopic, ISSUER),
        URIRef("https://w3id.org/cyl-kg/id/graph/doc/example"), FOAF.primaryTopic, SH.ClassConstraintComponent),
    "section without evidence": (
        lambda g: _drop(g, EX["section/1"], CYL.evidence), EX["section/1"], CYL.evidence,
        SH.MinCountConstraintComponent),
    "activity without a label": (
        lambda g: _drop(g, ITEM, RDFS.label), ITEM, RDFS.label, SH.MinCountConstraintComponent),
    "activity labelled in English": (
        lambda g: _set(g, ITEM, RDFS.label, Literal("Promote Youth Study", lang="en")), ITEM, RDFS.label,
        SH.LanguageInConstraintComponent),
    "target without a metric": (
        lambda g: _drop(g, TARGET, CYL.metric), TARGET, CYL.metric, SH.MinCountConstraintComponent),
    "bound written as an exact value": (
        lambda g: (_drop(g, TARGET, SCHEMA.minValue), _add(g, TARGET, SCHEMA.value, Literal("60.0", datatype=XSD.decimal))),
        TARGET, None, SH.XoneConstraintComponent),
    "target without a label": (
        lambda g: _drop(g, TARGET, RDFS.label), TARGET, RDFS.label, SH.MinCountConstraintComponent),
    "evidence without a sentence": (
        lambda g: _drop(g, SPAN, CYL.sentence), SPAN, CYL.sentence, SH.MinCountConstraintComponent),
    "evidence without a label": (
        lambda g: _drop(g, SPAN, RDFS.label), SPAN, RDFS.label, SH.MinCountConstraintComponent),
    "evidence naming a literal": (
        lambda g: _set(g, SPAN, ITSRDF.taIdentRef, Literal("青年大学习")), SPAN, ITSRDF.taIdentRef,
        SH.NodeKindConstraintComponent),
    "offset typed xsd:integer": (
        lambda g: _set(g, SPAN, NIF.beginIndex, Literal("44", datatype=XSD.integer)), SPAN, NIF.beginIndex,
        SH.DatatypeConstraintComponent),
    "organization labelled only in English": (
        lambda g: (_set(g, ISSUER, SKOS.prefLabel, Literal("Nanchang League Committee", lang="en")),
                   _set(g, ISSUER, RDFS.label, Literal("Nanchang League Committee", lang="en"))),
        ISSUER, SKOS.prefLabel, SH.LanguageInConstraintComponent),
    "organization without rdfs:label": (
        lambda g: _drop(g, ISSUER, RDFS.label), ISSUER, RDFS.label, SH.MinCountConstraintComponent),
    "organization without classification": (
        lambda g: _drop(g, ISSUER, ORG.classification), ISSUER, ORG.classification, SH.MinCountConstraintComponent),
    "classification by an untyped concept": (
        lambda g: _add(g, ISSUER, ORG.classification, Literal("prefecture")), ISSUER, ORG.classification,
        SH.ClassConstraintComponent),
    "integer adcode": (
        lambda g: _set(g, URIRef("https://w3id.org/cyl-kg/id/region/360100"), CYL.adcode, Literal(360100)),
        URIRef("https://w3id.org/cyl-kg/id/region/360100"), CYL.adcode, SH.DatatypeConstraintComponent),
    "region without a label": (
        lambda g: _drop(g, URIRef("https://w3id.org/cyl-kg/id/region/360000"), RDFS.label),
        URIRef("https://w3id.org/cyl-kg/id/region/360000"), RDFS.label, SH.MinCountConstraintComponent),
    "program in no scheme": (
        lambda g: _drop(g, CYLP.qndxx, SKOS.inScheme), CYLP.qndxx, None, SH.OrConstraintComponent),
    "program alias in English": (
        lambda g: _add(g, CYLP.qndxx, SKOS.altLabel, Literal("Youth Study", lang="en")), CYLP.qndxx, SKOS.altLabel,
        SH.LanguageInConstraintComponent),
    "text without its string": (
        lambda g: _drop(g, EX["text"], NIF.isString), EX["text"], NIF.isString, SH.MinCountConstraintComponent),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_examples_do_not_conform(examples, shapes, case):
    change, focus, path, component = BROKEN[case]
    g = copy.deepcopy(examples)
    change(g)
    conforms, report, text = validate(g, shapes)
    assert not conforms
    assert any(r["focus"] == focus and r["path"] == path and r["component"] == component
               for r in results(report)), text


def test_span_ending_before_it_begins_is_a_sparql_violation(examples, shapes):
    """beginIndex < endIndex is checked by a SPARQL constraint, reported on the plan with the span as value."""
    g = copy.deepcopy(examples)
    g.set((SPAN, NIF.beginIndex, Literal(49, datatype=XSD.nonNegativeInteger)))
    g.set((SPAN, NIF.endIndex, Literal(44, datatype=XSD.nonNegativeInteger)))
    conforms, report, text = validate(g, shapes)
    assert not conforms
    found = [r for r in results(report) if r["component"] == SH.SPARQLConstraintComponent]
    assert [(r["focus"], r["value"]) for r in found] == [(PLAN, SPAN)], text
    assert "must be less than" in text


def test_anchor_that_is_not_the_text_at_the_offsets_is_a_violation(examples, shapes):
    g = copy.deepcopy(examples)
    g.set((SPAN, NIF.anchorOf, Literal("青年大学")))
    conforms, report, text = validate(g, shapes)
    assert not conforms
    found = [r for r in results(report) if r["component"] == SH.SPARQLConstraintComponent]
    assert [(r["focus"], r["value"]) for r in found] == [(PLAN, SPAN)], text


def test_at_least_eighteen_kinds_of_defect_are_caught():
    assert len(BROKEN) >= 18 + 21


def test_codes_typed_as_xsd_string_conform(examples, shapes):
    """"central" and "central"^^xsd:string are one RDF term; rdflib keeps them apart, the shapes do not."""
    g = copy.deepcopy(examples)
    for p in (CYL.kind, CYL.level, CYL.comparator, CYL.programType, CYL.scope):
        for s, o in list(g.subject_objects(p)):
            g.set((s, p, Literal(str(o), datatype=XSD.string)))
    conforms, _, text = validate(g, shapes)
    assert conforms, text


# -- the program scheme -----------------------------------------------------------------------

def scheme_programs(g: Graph) -> list[URIRef]:
    return sorted(set(g.subjects(RDF.type, CYL.Program)))


def test_scheme_is_one_concept_scheme_holding_every_program(programs):
    assert set(programs.subjects(RDF.type, SKOS.ConceptScheme)) == {ontology.PROGRAM_SCHEME}
    assert Literal("共青团工作品牌与项目", lang="zh") in set(programs.objects(ontology.PROGRAM_SCHEME, SKOS.prefLabel))
    found = scheme_programs(programs)
    assert 80 <= len(found) <= 120
    for p in found:
        assert (p, RDF.type, SKOS.Concept) in programs
        assert (p, SKOS.inScheme, ontology.PROGRAM_SCHEME) in programs, p


def test_every_program_is_well_formed(programs):
    for p in scheme_programs(programs):
        key = str(p)[len(str(CYLP)):]
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", key) and not key.startswith("x-"), key
        pref = list(programs.objects(p, SKOS.prefLabel))
        assert len(pref) == 1 and pref[0].language == "zh", (p, pref)
        types = [str(o) for o in programs.objects(p, CYL.programType)]
        assert len(types) == 1 and types[0] in PROGRAM_TYPES, (p, types)
        scopes = [str(o) for o in programs.objects(p, CYL.scope)]
        assert scopes in (["national"], ["local"]), (p, scopes)
        comments = [o for o in programs.objects(p, RDFS.comment) if o.language == "en"]
        assert len(comments) == 1 and "\n" not in comments[0], p
        for label in programs.objects(p, SKOS.altLabel | SKOS.hiddenLabel):
            assert label.language == "zh", (p, label)
        for broader in programs.objects(p, SKOS.broader):
            assert (broader, RDF.type, CYL.Program) in programs, (p, broader)


def test_no_label_names_two_programs(programs):
    owner: dict[str, URIRef] = {}
    for p in scheme_programs(programs):
        mine = {squeeze(str(o)) for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                for o in programs.objects(p, prop)}
        for label in mine:
            assert label not in owner, f"{label!r} names both {owner[label]} and {p}"
            owner[label] = p


def test_labels_use_chinese_quotation_marks(programs):
    for p in scheme_programs(programs):
        for label in programs.objects(p, SKOS.prefLabel | SKOS.altLabel):
            assert '"' not in str(label) and str(label) == str(label).strip(), (p, label)


@pytest.mark.parametrize("surface, key", [
    ("青年大学习", "qndxx"), ("青马工程", "qingma"), ("西部计划", "xbjh"), ("挑战杯", "tzb"),
    ("创青春", "cqc"), ("三下乡", "sxx"), ("返家乡", "fjx"), ("12355", "qsn12355"), ("双零", "shuangling"),
    ("五四青年奖章", "wsjz"), ("青年五四奖", "wsjz"), ("青安岗", "qnag"), ("美丽中国・青春行动", "mlzg"),
    ("青春心向党﹒建功新时代", "qcxxd"), ("共青团与人大代表、政协委员面对面", "mdm"), ("学伴+", "xueban"),
])
def test_common_surface_forms_name_their_program(programs, surface, key):
    owners = {p for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
              for p in programs.subjects(prop, Literal(surface, lang="zh"))}
    assert owners == {CYLP[key]}


def test_the_youth_volunteers_association_is_no_program(programs):
    labels = {str(o) for o in programs.objects(None, SKOS.prefLabel | SKOS.altLabel | SKOS.hiddenLabel)}
    assert "青年志愿者协会" not in labels and "中国青年志愿者协会" not in labels


# -- organization patterns --------------------------------------------------------------------

@pytest.fixture(scope="module")
def organizations() -> list[dict[str, str]]:
    columns, rows = read_tsv(ontology.ORGANIZATIONS)
    assert columns == ORG_COLUMNS
    return rows


def test_organization_rows_are_well_formed(organizations):
    assert 40 <= len(organizations) <= 80
    for row in organizations:
        assert None not in row and all(v is not None for v in row.values()), row
        assert row["name"] and row["name"] == row["name"].strip(), row
        assert row["kind"] in ORG_KINDS, row
        assert row["relation"] in RELATIONS, row
        assert row["level"] == "" or row["level"] in LEVELS, row
        assert row["level_offset"] == "" or row["level_offset"] in {"-1", "0", "1"}, row
        if row["scope"] == "national":
            assert row["level"] == "central" and row["level_offset"] == "", row
            assert "{" not in row["label_template"], row
        else:
            assert row["scope"] == "local", row
            assert (row["level"] in LEVELS - {"central"}) != (row["level_offset"] != ""), row
            assert "{region}" in row["label_template"], row
        row["label_template"].format(region="吉林省")


def test_no_name_stands_for_two_organizations(organizations):
    owner: dict[str, str] = {}
    for row in organizations:
        for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
            name = squeeze(name)
            assert len(name) >= 2, row
            assert name not in owner, f"{name!r} is in the rows of {owner[name]} and {row['name']}"
            owner[name] = row["name"]


@pytest.mark.parametrize("name", ["团中央", "全国少工委", "全国青联", "全国学联", "党中央", "国务院", "团省委",
                                  "团市委", "团县委", "团区委", "省委", "市委", "县委", "省政府", "人大", "政协",
                                  "检察院", "法院", "公安机关", "教育局", "人社局", "民政局", "团校", "青联",
                                  "学联", "少工委", "青企协", "青科协", "青年志愿者协会", "青年电商协会", "网信办",
                                  "宣传部", "妇联", "工会", "文明办", "乡镇团委", "团工委", "机关团委", "高校团委"])
def test_the_common_bodies_have_a_row(organizations, name):
    assert name in {row["name"] for row in organizations}


def test_local_templates_spell_full_names(organizations):
    by_name = {row["name"]: row for row in organizations}
    assert by_name["省委"]["label_template"].format(region="吉林省") == "中共吉林省委员会"
    assert by_name["团县委"]["label_template"].format(region="平罗县") == "共青团平罗县委员会"
    assert by_name["青联"]["label_template"].format(region="南昌市") == "南昌市青年联合会"
    assert by_name["团省委"]["level"] == "province" and by_name["团省委"]["kind"] == "league-committee"


# -- non-programs -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def non_programs() -> tuple[set[str], list[re.Pattern]]:
    columns, rows = read_tsv(ontology.NON_PROGRAMS)
    assert columns == NON_PROGRAM_COLUMNS
    literal, shapes = set(), []
    for row in rows:
        assert row["kind"] in NON_PROGRAM_KINDS, row
        assert row["is_regex"] in {"0", "1"}, row
        assert row["pattern"] and row["pattern"] == row["pattern"].strip(), row
        if row["is_regex"] == "1":
            shapes.append(re.compile(row["pattern"]))
        else:
            assert squeeze(row["pattern"]) not in literal, row
            literal.add(squeeze(row["pattern"]))
    return literal, shapes


def is_formula(name: str, non_programs) -> bool:
    literal, shapes = non_programs
    name = squeeze(name)
    return name in literal or any(p.search(name) for p in shapes)


@pytest.mark.parametrize("name", ["四个意识", "两个维护", "国之大者", "十四五", "十三五", "七五", "三会两制一课",
                                  "两学一做", "一员双岗双建功", "两建两联两带", "三个结合", "五个一", "号、手、岗、队",
                                  "六一", "6.26", "1+N", "青", "一对一", "两新组织", "十大提升行动",
                                  "五好党支部", "四好一强"])
def test_formulas_and_periods_are_not_programs(non_programs, name):
    assert is_formula(name, non_programs)


def test_no_program_label_looks_like_a_formula(programs, non_programs):
    for label in programs.objects(None, SKOS.prefLabel | SKOS.altLabel | SKOS.hiddenLabel):
        assert not is_formula(str(label), non_programs), label


@pytest.mark.parametrize("name", ["七彩假期", "三下乡", "千校万岗", "五四奖章", "双零", "河小青", "扬帆计划"])
def test_program_names_with_numerals_pass(non_programs, name):
    assert not is_formula(name, non_programs)


# -- the contract with the graph builder ------------------------------------------------------

def test_the_graph_built_from_the_sample_plans_conforms(corpus_db, shapes):
    """What ``kg build`` writes (documents, ontology, scheme and classifications, as stored, with the
    offsets' datatype the store folds into xsd:integer put back) satisfies the shapes."""
    from kg.workspace import Workspace

    from kg.datatypes import declared, restored

    with Workspace(corpus_db, read_only=True) as ws:
        nquads = ws.store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
        datatypes = declared(ws)
    data = Graph()
    for quad in restored(pyoxigraph.parse(nquads, format=pyoxigraph.RdfFormat.N_QUADS), datatypes):
        data.add(tuple(_rdflib_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    assert set(data.subjects(RDF.type, CYL.Evidence))
    conforms, _, text = validate(data, shapes)
    assert conforms, text[:5000]


def _rdflib_term(term):
    """A pyoxigraph term as rdflib's; simple literals come out typed xsd:string, as a naive converter makes them."""
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        from rdflib import BNode
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))
