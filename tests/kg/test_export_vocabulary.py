"""The RDF exports read by tools that know nothing of cyl-kg: rdflib, pyoxigraph, an OWL RL
reasoner (owlrl), and the README's table of the vocabularies the exports use.

The plan is ``tests/fixtures/forms/vocab/nanping-2024.txt``: one of each form a target's number
takes (不少于: a minimum; 以内: a maximum; a plain count; 约: an approximate number), a group of
bodies (各团县委) and a cited policy.
"""
from __future__ import annotations

import hashlib
import pathlib
import re

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.exports import export
from kg.pipeline import build
from kg.workspace import Workspace

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "fixtures" / "forms" / "vocab" / "nanping-2024.txt"
CYL = Namespace("https://w3id.org/cyl-kg/def#")
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
PROV = Namespace("http://www.w3.org/ns/prov#")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DATASET_GRAPH = "https://w3id.org/cyl-kg/id/graph/dataset"
# The plan: 团南平市委's, for 2024, known by its title (it has no 文号).
DOC = URIRef("https://w3id.org/cyl-kg/id/doc/350700/cyl/2024/%E5%85%B1%E9%9D%92%E5%9B%A2%E5%8D%97%E5%B9%B3%E5%B8%82%E5%A7%942024%E5%B9%B4%E5%B7%A5%E4%BD%9C%E8%A6%81%E7%82%B9")

TRIPLE_FORMATS = {"ttl": ("turtle", ox.RdfFormat.TURTLE), "nt": ("nt", ox.RdfFormat.N_TRIPLES)}
QUAD_FORMATS = {"trig": ("trig", ox.RdfFormat.TRIG), "nq": ("nquads", ox.RdfFormat.N_QUADS),
                "jsonld": ("json-ld", ox.RdfFormat.JSON_LD)}


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, bytes]:
    db = tmp_path_factory.mktemp("vocab") / "db"
    with Workspace(db, create=True) as ws:
        report = build(ws, [PLAN], jobs=1)
        assert not report.failed, report.failed
        return {fmt: export(ws, fmt, None) for fmt in (*TRIPLE_FORMATS, *QUAD_FORMATS)}


@pytest.fixture(scope="module")
def graph(exports) -> Graph:
    return Graph().parse(data=exports["ttl"], format="turtle")


# -- every format, two parsers -------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(TRIPLE_FORMATS))
def test_rdflib_and_oxigraph_read_the_same_triples(exports, fmt):
    rdflib_format, ox_format = TRIPLE_FORMATS[fmt]
    g = Graph().parse(data=exports[fmt], format=rdflib_format)
    triples = list(ox.parse(exports[fmt], format=ox_format))
    assert len(g) == len(set(triples)) > 1000


@pytest.mark.parametrize("fmt", sorted(QUAD_FORMATS))
def test_rdflib_and_oxigraph_read_the_same_quads(exports, fmt):
    rdflib_format, ox_format = QUAD_FORMATS[fmt]
    ds = Dataset().parse(data=exports[fmt], format=rdflib_format)
    quads = set(ox.parse(exports[fmt], format=ox_format))
    assert sum(len(g) for g in ds.graphs() if len(g)) == len(quads)
    assert {str(q.graph_name) for q in quads} >= {f"<{DATASET_GRAPH}>", "<https://w3id.org/cyl-kg/id/graph/ontology>"}


def test_every_format_holds_the_same_statements(exports, graph):
    """Turtle and N-Triples give one graph, and the quad formats (TriG, N-Quads, JSON-LD) give it
    too once their graphs are merged."""
    for fmt, (rdflib_format, _) in TRIPLE_FORMATS.items():
        assert isomorphic(Graph().parse(data=exports[fmt], format=rdflib_format), graph), fmt
    for fmt, (rdflib_format, _) in QUAD_FORMATS.items():
        merged = Graph()
        for s, p, o, _ in Dataset().parse(data=exports[fmt], format=rdflib_format).quads():
            merged.add((s, p, o))
        assert isomorphic(merged, graph), fmt


def test_offsets_are_non_negative_integers_in_every_format(exports):
    for fmt, (rdflib_format, _) in {**TRIPLE_FORMATS, **QUAD_FORMATS}.items():
        if fmt in QUAD_FORMATS:
            quads = Dataset().parse(data=exports[fmt], format=rdflib_format).quads()
            offsets = [o for _, p, o, _ in quads if p in (NIF.beginIndex, NIF.endIndex)]
        else:
            g = Graph().parse(data=exports[fmt], format=rdflib_format)
            offsets = [o for p in (NIF.beginIndex, NIF.endIndex) for o in g.objects(None, p)]
        assert offsets and {o.datatype for o in offsets} == {XSD.nonNegativeInteger}, fmt


# -- the vocabularies, as their specifications define them --------------------------------

def test_bounds_are_minimum_and_maximum_values(graph):
    by_comparator = {}
    for t in graph.subjects(RDF.type, CYL.Target):
        numbers = {p for p in (SCHEMA.value, SCHEMA.minValue, SCHEMA.maxValue) if (t, p, None) in graph}
        by_comparator[str(graph.value(t, CYL.comparator))] = (numbers, graph.value(t, next(iter(numbers))))
    assert by_comparator == {">=": ({SCHEMA.minValue}, Literal("200000", datatype=XSD.decimal)),
                             "<=": ({SCHEMA.maxValue}, Literal("10", datatype=XSD.decimal)),
                             "=": ({SCHEMA.value}, Literal("4", datatype=XSD.decimal)),
                             "~": ({SCHEMA.value}, Literal("500", datatype=XSD.decimal))}


def test_entity_links_are_its_ta_ident_ref(graph):
    assert set(graph.subject_objects(ITSRDF.taIdentRef))
    assert not any(str(p).startswith(str(NIF)) and str(p).endswith("taIdentRef") for p in graph.predicates())


def test_a_group_of_bodies_is_not_a_formal_organization(graph):
    groups = [o for o in graph.subjects(RDF.type, CYL.Organization) if str(o).endswith("-all")]
    assert [str(graph.value(g, SKOS.prefLabel)) for g in groups] == ["南平市各团县委"]
    assert (groups[0], RDF.type, ORG.FormalOrganization) not in graph
    issuer = graph.value(DOC, CYL.issuedBy)
    assert (issuer, RDF.type, ORG.FormalOrganization) in graph


def test_level_and_kind_are_skos_concepts(graph):
    issuer = graph.value(DOC, CYL.issuedBy)
    concepts = set(graph.objects(issuer, ORG.classification))
    assert {str(graph.value(c, SKOS.notation)) for c in concepts} == {"league-committee", "prefecture"}
    assert all((c, RDF.type, SKOS.Concept) in graph and graph.value(c, SKOS.inScheme) for c in concepts)
    assert str(graph.value(issuer, CYL.level)) == "prefecture"          # the code the queries read


def test_every_node_a_person_looks_at_has_a_chinese_rdfs_label(graph):
    for cls in (CYL.WorkPlan, CYL.Activity, CYL.Section, CYL.Organization, CYL.Program, CYL.Region, CYL.Target,
                CYL.Evidence, CYL.Policy):
        nodes = set(graph.subjects(RDF.type, cls))
        assert nodes, cls
        for n in nodes:
            assert any(label.language == "zh" for label in graph.objects(n, RDFS.label)), (cls, n)


def test_no_dcmi_term_is_redeclared(graph):
    for s in graph.subjects(RDF.type, None):
        if str(s).startswith("http://purl.org/dc/terms/"):
            assert not set(graph.objects(s, RDF.type)) & {OWL.DatatypeProperty, OWL.ObjectProperty}, s


# -- an export stands alone -----------------------------------------------------------------

def test_the_ontology_is_in_the_export(graph):
    onto = URIRef("https://w3id.org/cyl-kg/def")
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert graph.value(onto, OWL.versionIRI) and graph.value(onto, URIRef("http://purl.org/dc/terms/license"))
    for term in set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDF.type, OWL.ObjectProperty)) | \
            set(graph.subjects(RDF.type, OWL.DatatypeProperty)):
        if str(term).startswith(str(CYL)):
            for p in (RDFS.label, RDFS.comment):
                assert {o.language for o in graph.objects(term, p)} >= {"zh", "en"}, (term, p)


def test_each_plan_graph_is_tied_to_its_plan_and_the_software(exports):
    ds = Dataset().parse(data=exports["trig"], format="trig")
    plan_graph = URIRef("https://w3id.org/cyl-kg/id/graph/doc/nanping-2024.txt")
    g = ds.graph(plan_graph)
    assert g.value(plan_graph, FOAF.primaryTopic) == DOC
    software = g.value(plan_graph, PROV.wasAttributedTo)
    import kg
    assert str(software).endswith("/cyl-kg/" + kg.__version__)
    description = ds.graph(URIRef(DATASET_GRAPH))
    assert (software, RDF.type, PROV.SoftwareAgent) in description


def test_the_dataset_is_described_with_counts_licence_and_a_checksum(exports, graph):
    dataset = URIRef("https://w3id.org/cyl-kg/id/dataset")
    assert {VOID.Dataset, DCAT.Dataset} <= set(graph.objects(dataset, RDF.type))
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/license"))
    plans = [p for p in graph.objects(dataset, VOID.classPartition) if graph.value(p, VOID["class"]) == CYL.WorkPlan]
    assert [int(graph.value(p, VOID.entities)) for p in plans] == [1]
    assert URIRef("https://w3id.org/cyl-kg/id/graph/doc/nanping-2024.txt") in set(graph.objects(dataset, VOID.subset))
    # the checksum is that of the N-Quads export's lines outside the description's graph
    dist = graph.value(dataset, DCAT.distribution)
    digest = str(graph.value(graph.value(dist, SPDX.checksum), SPDX.checksumValue))
    lines = exports["nq"].decode("utf-8").splitlines(keepends=True)
    data = "".join(line for line in lines if not line.endswith(f"<{DATASET_GRAPH}> .\n"))
    assert hashlib.sha256(data.encode("utf-8")).hexdigest() == digest
    ds_quads = [q for q in ox.parse(exports["nq"], format=ox.RdfFormat.N_QUADS) if q.graph_name.value != DATASET_GRAPH]
    assert int(graph.value(dataset, VOID.triples)) == len(ds_quads)


# -- a reasoner ------------------------------------------------------------------------------

def test_owl_rl_closure_makes_no_program_an_organization_and_no_plan_anything_else(graph):
    import owlrl

    closed = Graph()
    for t in graph:
        closed.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closed)
    programs = set(closed.subjects(RDF.type, CYL.Program))
    assert programs
    organizations = set(closed.subjects(RDF.type, ORG.Organization)) | set(closed.subjects(RDF.type, SCHEMA.Organization))
    assert not programs & organizations
    assert not programs & set(closed.subjects(RDF.type, SCHEMA.Event))
    plan_types = {o for o in closed.objects(DOC, RDF.type) if not isinstance(o, BNode)}
    assert {CYL.WorkPlan, PROV.Plan, PROV.Entity} <= plan_types
    assert plan_types <= {CYL.WorkPlan, URIRef("http://purl.org/net/p-plan#Plan"), PROV.Plan, PROV.Entity,
                          OWL.Thing, RDFS.Resource}, plan_types
    # the superclasses the export leaves to a reasoner are there once it has run
    body = closed.value(DOC, CYL.issuedBy)
    assert {ORG.Organization, FOAF.Agent} <= set(closed.objects(body, RDF.type))


# -- every term is defined by its vocabulary ------------------------------------------------

def readme_terms() -> set[str]:
    """The terms of the README's table of vocabularies, as full IRIs."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("### Design notes: the RDF and its vocabularies"):]
    section = section[:section.index("\n## ")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows
    terms = set()
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        namespace = cells[1].strip("`")
        prefix = cells[0].strip("`")
        for curie in re.findall(r"`([a-z]+):([A-Za-z_0-9-]+)`", cells[3]):
            assert curie[0] + ":" == prefix, (row, curie)
            terms.add(namespace + curie[1])
    return terms


def test_every_term_the_export_uses_is_in_the_readme_table_or_the_ontology(graph):
    defined = {str(s) for s in graph.subjects(RDF.type, None) if str(s).startswith(str(CYL))}
    known = readme_terms() | defined
    used = {str(p) for p in graph.predicates()} | {str(o) for o in graph.objects(None, RDF.type)}
    for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf):
        used |= {str(o) for o in graph.objects(None, p) if isinstance(o, URIRef)}
    used |= {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/2002/07/owl#unionOf"))
             if isinstance(o, URIRef)}
    assert not {t for t in used if t not in known}
    assert not {t for t in used if t.startswith(str(CYL)) and t not in defined}


# -- kg validate, by plan ---------------------------------------------------------------------

def test_validate_reports_injected_defects_under_their_plan(tmp_path):
    from kg.validate import validate

    other = tmp_path / "docs"
    other.mkdir()
    (other / "second.txt").write_text(PLAN.read_text("utf-8").replace("2024", "2025"), "utf-8")
    with Workspace(tmp_path / "db", create=True) as ws:
        build(ws, [PLAN, other / "second.txt"], jobs=1)
        assert validate(ws) == (True, "conforms")
        graph = "https://w3id.org/cyl-kg/id/graph/doc/nanping-2024.txt"
        ws.store.update(f"""
            PREFIX cyl: <https://w3id.org/cyl-kg/def#>
            DELETE {{ GRAPH <{graph}> {{ ?t cyl:metric ?m }} }}
            INSERT {{ GRAPH <{graph}> {{ <{DOC}> cyl:isuedBy ?o }} }}
            WHERE {{ {{ SELECT ?t WHERE {{ GRAPH <{graph}> {{ ?t a cyl:Target ; cyl:metric ?any }} }} ORDER BY ?t LIMIT 1 }}
                     GRAPH <{graph}> {{ <{DOC}> cyl:issuedBy ?o . ?t cyl:metric ?m }} }}""")
        conforms, report = validate(ws)
    assert not conforms
    head, *plans = report.split("\n\n")
    assert head == "2 violations in 1 plan"
    lines = plans[0].splitlines()
    assert lines[0] == "nanping-2024.txt: 2"
    assert any("cyl-kg/def#isuedBy" in line for line in lines[1:])
    assert any("/target/1 " in line and "cyl:metric" in line for line in lines[1:]), report


# -- JSON-LD: compact, with the ontology's context, one named graph per plan -----------------

def nquads_dataset(data: bytes) -> Dataset:
    return Dataset().parse(data=data, format="nquads")


def test_jsonld_read_by_rdflib_gives_the_nquads_graphs(exports):
    from_jsonld = Dataset().parse(data=exports["jsonld"], format="json-ld")
    from_nquads = nquads_dataset(exports["nq"])
    names = {g.identifier for g in from_nquads.graphs() if len(g)}
    assert {g.identifier for g in from_jsonld.graphs() if len(g)} == names
    assert URIRef("https://w3id.org/cyl-kg/id/graph/doc/nanping-2024.txt") in names
    for name in names:
        assert isomorphic(from_jsonld.graph(name), from_nquads.graph(name)), name


def test_jsonld_read_by_pyld_gives_the_nquads_quads(exports):
    """pyld, a JSON-LD processor that shares no code with the exporter, turns the export into the
    same dataset as the N-Quads export: equal once both are in canonical form (URDNA2015)."""
    import json

    from pyld import jsonld

    canonical = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    from_jsonld = jsonld.normalize(json.loads(exports["jsonld"]), canonical)
    from_nquads = jsonld.normalize(jsonld.from_rdf(exports["nq"].decode("utf-8"),
                                                   {"format": "application/n-quads"}), canonical)
    assert from_jsonld == from_nquads
    assert from_jsonld.count("\n") == len(set(ox.parse(exports["nq"], format=ox.RdfFormat.N_QUADS)))


def test_jsonld_is_compact_with_one_named_graph_per_plan(exports):
    import json

    from kg.exports.jsonld import shipped_context

    doc = json.loads(exports["jsonld"])
    assert doc["@context"] == shipped_context()
    graphs = {g["@id"]: g["@graph"] for g in doc["@graph"]}
    assert "id:graph/doc/nanping-2024.txt" in graphs and "id:graph/ontology" in graphs
    nodes = {n["@id"]: n for n in graphs["id:graph/doc/nanping-2024.txt"]}
    plan_id = "doc:" + str(DOC).removeprefix("https://w3id.org/cyl-kg/id/doc/")
    plan = nodes[plan_id]
    assert plan["@type"] == "WorkPlan" and plan["planYear"] == "2024"
    assert plan["issuedBy"].startswith("orgid:")
    evidence = [n for n in nodes.values() if n.get("@type") == "Evidence"]
    assert evidence and all(isinstance(n["nif:beginIndex"], str) for n in evidence)
    # a plan's nodes are in its own graph only
    for name, members in graphs.items():
        if name != "id:graph/doc/nanping-2024.txt":
            assert not any(n["@id"].startswith(plan_id) for n in members), name


def test_context_file_is_the_one_made_from_the_ontology():
    """After editing cyl.ttl: python -m kg.exports.jsonld > ontology/context.jsonld"""
    from kg.exports.jsonld import CONTEXT_FILE, context_text, generate_context

    assert CONTEXT_FILE.read_text("utf-8") == context_text(generate_context())


def test_every_cyl_term_has_a_context_entry_of_its_kind():
    import json

    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text("utf-8"))["@context"]
    onto = Graph().parse(ROOT / "ontology" / "cyl.ttl", format="turtle")

    def expand(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return context[prefix] + local

    checked = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in onto.subjects(RDF.type, kind):
            if not str(term).startswith(str(CYL)):
                continue
            entry = context[str(term)[len(str(CYL)):]]
            target = entry if isinstance(entry, str) else entry["@id"]
            assert expand(target) == str(term)
            coercion = None if isinstance(entry, str) else entry.get("@type")
            if kind == OWL.ObjectProperty:
                assert coercion == "@id", term
            elif kind == OWL.DatatypeProperty:
                ranges = {r for r in onto.objects(term, RDFS.range) if r not in (XSD.string, RDF.langString)}
                assert (expand(coercion) if coercion else None) == (str(next(iter(ranges))) if ranges else None), term
            else:
                assert coercion is None, term
            checked.add(term)
    assert {CYL.WorkPlan, CYL.issuedBy, CYL.planYear, CYL.deadlineDate} <= checked
    assert context["planYear"]["@type"] == "xsd:gYear"
    assert context["deadlineDate"]["@type"] == "xsd:date"
    assert context["nif:beginIndex"]["@type"] == "xsd:nonNegativeInteger"
    assert context["pursues"]["@type"] == "@id"


def test_the_readme_snippet_loads_the_jsonld(exports, tmp_path, monkeypatch):
    """The README's "Load the JSON-LD" snippet, run as written on an export."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("### Load the JSON-LD"):]
    snippet = section[section.index("```python\n") + len("```python\n"):]
    snippet = snippet[:snippet.index("```")]
    (tmp_path / "plans.jsonld").write_bytes(exports["jsonld"])
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(snippet, "README.md", "exec"), scope)
    assert sum(len(g) for g in scope["ds"].graphs()) > 1000
    assert [(str(g), str(plan), str(year)) for g, plan, year in scope["rows"]] == [
        ("https://w3id.org/cyl-kg/id/graph/doc/nanping-2024.txt", str(DOC), "2024")]
