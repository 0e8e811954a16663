"""Building the sample plans into a workspace: queries, exports, rebuilds, bad input."""
import csv
import io
import shutil

import pytest

import queries
from kg.exports import export
from kg.pipeline import build
from kg.validate import validate
from kg.workspace import Workspace, WorkspaceError
from samples import CORPUS, FORMATS, JILIN, PINGLUO

COLUMNS = {
    "documents": ["document", "source", "title", "issuer", "region", "level", "doc_number", "issued", "year", "kind"],
    "pursues": ["organization", "program", "source", "year", "evidence"],
    "targets": ["organization", "source", "year", "program", "metric", "comparator", "value", "unit",
                "deadline", "evidence"],
    "responsibilities": ["source", "item", "activity", "organization", "deadline"],
    "programs": ["program", "type", "aliases", "documents", "organizations", "source"],
}


def rows(db, name):
    with Workspace(db, read_only=True) as ws:
        columns, found = ws.query(queries.text(name))
    return columns, [dict(zip(columns, r)) for r in found]


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_canned_queries_have_their_columns_and_a_source(corpus_db, name):
    columns, found = rows(corpus_db, name)
    assert columns == COLUMNS[name]
    assert found and all(r["source"] for r in found)


def test_documents_metadata(corpus_db):
    _, found = rows(corpus_db, "documents")
    by_source = {r["source"]: r for r in found}
    assert by_source[JILIN.name]["issuer"] == "共青团吉林省委"
    assert by_source[JILIN.name]["level"] == "province"
    assert by_source[PINGLUO.name]["doc_number"] == "平团发〔2020〕5号"
    assert by_source[PINGLUO.name]["issued"] == "2020-04-26"
    assert {r["year"] for r in found} == {"2019", "2020", "2021"}


def test_one_program_node_whatever_the_alias(corpus_db):
    _, found = rows(corpus_db, "pursues")
    qingma = {r["source"] for r in found if r["program"] == "青年马克思主义者培养工程"}
    # Jilin writes 青少年马克思主义者培养工程 and “青马工程”, Ningbo “青马工程”, Sichuan the full name.
    assert {"001_d839e743d134e22a.txt", "002_822da9a7e9b50668.txt", "004_655600bdde4567aa.txt"} <= qingma


def test_every_evidence_quote_is_the_text_between_its_offsets(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        _, texts = ws.query("""PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
            SELECT ?ctx ?s WHERE { ?ctx nif:isString ?s }""")
        text_of = dict(texts)
        _, spans = ws.query("""PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
            SELECT ?ctx ?b ?e ?q WHERE { ?ev nif:referenceContext ?ctx ; nif:beginIndex ?b ;
                                          nif:endIndex ?e ; nif:anchorOf ?q }""")
    assert len(spans) > 500
    for ctx, b, e, quote in spans:
        assert text_of[ctx][int(b):int(e)] == quote


def test_targets_with_comparators_and_folded_values(corpus_db):
    _, found = rows(corpus_db, "targets")
    jilin = [r for r in found if r["source"] == JILIN.name]
    hit = next(r for r in jilin if "每期参与学习人数" in r["metric"])
    assert (hit["comparator"], hit["value"], hit["program"]) == (">=", "500000", "青年大学习")
    rate = next(r for r in jilin if r["value"] == "95")
    assert rate["comparator"] == ">=" and rate["unit"] == "%"
    assert all(r["comparator"] in {">=", ">", "<=", "<", "=", "~"} for r in found)


def test_the_built_corpus_conforms_to_the_shapes(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        conforms, report = validate(ws)
    assert conforms, report


def test_exports_are_byte_identical_across_two_builds(tmp_path):
    outputs = []
    for run in ("a", "b"):
        db = tmp_path / run
        with Workspace(db, create=True) as ws:
            build(ws, [CORPUS], jobs=1)
            outputs.append({fmt: export(ws, fmt, None) for fmt in ("ttl", "nt", "jsonld", "trig", "nq")})
    for fmt in outputs[0]:
        assert outputs[0][fmt] == outputs[1][fmt], fmt
        assert len(outputs[0][fmt]) > 100_000


def test_exports_parse_back_with_rdflib(corpus_db, tmp_path):
    from rdflib import Dataset, Graph

    with Workspace(corpus_db, read_only=True) as ws:
        ttl = export(ws, "ttl", None)
        trig = export(ws, "trig", None)
    g = Graph().parse(data=ttl, format="turtle")
    assert len(g) > 5000
    assert "https://schema.org" not in ttl.decode("utf-8")
    ds = Dataset().parse(data=trig, format="trig")
    assert len(list(ds.graphs())) >= 6


def test_exports_carry_the_ontology_that_states_the_standard_classes(corpus_db):
    from rdflib import RDF, RDFS, Graph, Namespace, URIRef

    cyl, skos = Namespace("https://w3id.org/cyl-kg/def#"), Namespace("http://www.w3.org/2004/02/skos/core#")
    with Workspace(corpus_db, read_only=True) as ws:
        stored = {(q.subject.value, q.object.value) for g in ws.document_graphs() for q in ws.quads(g)
                  if q.predicate.value == str(RDF.type)}
        g = Graph().parse(data=export(ws, "ttl", None), format="turtle")
    formal = "http://www.w3.org/ns/org#FormalOrganization"
    assert not {o for _, o in stored if not o.startswith(str(cyl)) and o != formal}   # cyl: classes only
    exported = {(str(s), str(o)) for s, o in g.subject_objects(RDF.type)}
    assert stored <= exported
    # each node keeps its own class in the export; the ontology in it says what that specialises
    for cls, standard in ((cyl.WorkPlan, "http://purl.org/net/p-plan#Plan"), (cyl.Activity, "http://purl.org/net/p-plan#Step"),
                          (cyl.Program, str(skos.Concept)),
                          (cyl.Evidence, "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#OffsetBasedString")):
        assert set(g.subjects(RDF.type, cls))
        assert (cls, RDFS.subClassOf, URIRef(standard)) in g, (cls, standard)
    assert (cyl.Program, RDFS.subClassOf, URIRef("http://schema.org/Project")) not in g
    # A program of the scheme that a plan names has its label in the export, from the scheme.
    qndxx = URIRef("https://w3id.org/cyl-kg/id/program/qndxx")
    assert (None, None, qndxx) in g and str(g.value(qndxx, skos.prefLabel)) == "青年大学习"
    assert str(g.value(qndxx, RDFS.label)) == "青年大学习"


def test_rebuild_skips_unchanged_and_replaces_changed(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    plan = src / JILIN.name
    shutil.copy(JILIN, plan)
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        first = build(ws, [src], jobs=1)
        again = build(ws, [src], jobs=1)
        assert (len(first.built), len(again.built), len(again.unchanged)) == (1, 0, 1)
        plan.write_text(plan.read_text("utf-8").replace("不少于50万", "不少于80万"), "utf-8")
        changed = build(ws, [src], jobs=1)
        assert len(changed.built) == 1
        _, found = ws.query(queries.text("targets"))
    values = {r[6] for r in found}
    assert "800000" in values and "500000" not in values


def test_unchanged_files_are_not_read_again_and_a_same_size_rewrite_is_still_seen(tmp_path, monkeypatch):
    import os

    import kg.workspace

    monkeypatch.setattr(kg.workspace, "RACY_SECONDS", 0.0)
    src, db = tmp_path / "docs", tmp_path / "db"
    src.mkdir()
    plan = src / JILIN.name
    shutil.copy(JILIN, plan)
    with Workspace(db, create=True) as ws:
        assert len(build(ws, [src], jobs=1).built) == 1
    hashed = []
    real_sha256_of = kg.workspace.sha256_of
    monkeypatch.setattr(kg.workspace, "sha256_of",
                        lambda path: (src in path.parents and hashed.append(path)) or real_sha256_of(path))
    with Workspace(db) as ws:                      # a new build: the record is read back from the workspace
        again = build(ws, [src], jobs=1)
    assert (len(again.built), len(again.unchanged), hashed) == (0, 1, [])
    before = plan.stat()
    text = plan.read_text("utf-8")
    assert "不少于50万" in text
    plan.write_text(text.replace("不少于50万", "不少于80万"), "utf-8")       # same size, times put back
    os.utime(plan, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (plan.stat().st_size, plan.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with Workspace(db) as ws:
        changed = build(ws, [src], jobs=1)
        _, found = ws.query(queries.text("targets"))
    assert len(changed.built) == 1 and len(hashed) == 1
    assert "800000" in {r[6] for r in found}


def test_folders_are_walked_without_hidden_parts_symlinked_folders_or_twins(tmp_path):
    from kg.pipeline import expand

    src = tmp_path / "docs"
    (src / "city" / "county").mkdir(parents=True)
    (src / ".drafts").mkdir()
    shutil.copy(JILIN, src / "city" / "county" / JILIN.name)
    shutil.copy(PINGLUO, src / ".drafts" / PINGLUO.name)
    (src / "city" / ".old.txt").write_text("旧稿", "utf-8")
    (src / "notes.xyz").write_text("not a plan", "utf-8")
    (src / "twin.txt").symlink_to(src / "city" / "county" / JILIN.name)
    (src / "linked").symlink_to(src / "city", target_is_directory=True)
    files, errors = expand([src, src / "city" / "county" / JILIN.name, tmp_path / "missing"])
    assert [f.relative_to(src).as_posix() for f in files] == [f"city/county/{JILIN.name}"]
    assert errors == [(str(tmp_path / "missing"), "no such file or folder")]
    with Workspace(tmp_path / "db", create=True) as ws:
        report = build(ws, [src / "twin.txt"], jobs=1)
        [entry] = ws.documents.values()
    assert entry["path"] == str((src / "city" / "county" / JILIN.name).resolve())
    assert len(report.built) == 1


def test_a_bad_file_is_reported_and_the_rest_built(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    shutil.copy(JILIN, src / JILIN.name)
    (src / "empty.txt").write_bytes(b"")
    (src / "broken.docx").write_bytes((FORMATS / "003_pingluo_2020.docx").read_bytes()[:5000])
    (src / "junk.txt").write_bytes(bytes(range(256)) * 40)
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        report = build(ws, [src], jobs=1)
        assert [p.split("/")[-1] for p in report.built] == [JILIN.name]
        reasons = {p.split("/")[-1]: r for p, r in report.failed}
        assert set(reasons) == {"empty.txt", "broken.docx", "junk.txt"}
        assert "empty" in reasons["empty.txt"]
        assert "corrupt" in reasons["broken.docx"]
        assert len(ws.documents) == 1


def test_format_variants_give_the_facts_of_their_originals(tmp_path):
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        report = build(ws, [FORMATS], jobs=1)
    assert not report.failed
    _, docs = rows(db, "documents")
    meta = {r["source"]: (r["issuer"], r["year"], r["doc_number"], r["issued"]) for r in docs}
    assert meta == {
        "000_nanchang_2021.pdf": ("共青团南昌市委", "2021", "洪青发〔2021〕8号", ""),
        "002_sichuan_2021.html": ("共青团四川省委", "2021", "", ""),
        "003_pingluo_2020.docx": ("共青团平罗县委", "2020", "平团发〔2020〕5号", "2020-04-26"),
        "004_ningbo_2019.gb18030.txt": ("共青团宁波市委", "2019", "甬团〔2019〕1号", "2019-05-22"),
    }
    _, table = rows(db, "responsibilities")
    assert sorted({int(r["item"]) for r in table}) == list(range(1, 32))
    assert {r["organization"] for r in table if r["item"] == "1"} == {"各乡（镇）团委", "教育团工委", "县直机关团委"}


def test_format_variants_name_the_same_programs_as_the_text(corpus_db, tmp_path):
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        build(ws, [FORMATS], jobs=1)
    _, variant = rows(db, "pursues")
    _, original = rows(corpus_db, "pursues")
    pairs = {("000", "000_nanchang_2021.pdf"), ("002", "002_sichuan_2021.html"),
             ("003", "003_pingluo_2020.docx"), ("004", "004_ningbo_2019.gb18030.txt")}
    for prefix, name in pairs:
        want = {r["program"] for r in original if r["source"].startswith(prefix)}
        got = {r["program"] for r in variant if r["source"] == name}
        assert got == want, name


def test_a_missing_workspace_is_a_clear_error(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace here"):
        Workspace(tmp_path / "nothing", read_only=True)


def test_a_second_writer_is_refused(tmp_path):
    with Workspace(tmp_path / "db", create=True):
        with pytest.raises(WorkspaceError, match="another kg build"):
            Workspace(tmp_path / "db", create=True)


def test_a_snapshot_keeps_every_plan_and_its_digest_as_the_store_and_manifest_state_them(tmp_path):
    from kg.views import PROGRAM_COUNTS, program_counts, program_ranking
    from kg.workspace import CURRENT, DIGEST, PLANS, SNAPSHOTS, manifest_digest, plans_described

    def kept_counts(ws):
        return ws.kept(PROGRAM_COUNTS, lambda: program_counts(ws))

    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        assert not build(ws, [CORPUS, FORMATS], jobs=1).failed
    with Workspace(db, read_only=True) as ws:
        assert ws.plans_kept()
        kept, digest = ws.plans(), ws.digest()
        assert kept == plans_described(ws.store) and digest == manifest_digest(ws.manifest)
        counted = ws.snapshot_store.parent / PROGRAM_COUNTS
        assert not counted.exists()             # counted by the first page that ranks programs, not the build
        program_ranking(ws, None)
        counts = kept_counts(ws)
        assert counted.is_file() and counts == program_counts(ws)
        _, rows = ws.query("""SELECT ?p (COUNT(DISTINCT ?org) AS ?bodies) (COUNT(DISTINCT ?g) AS ?plans) WHERE {
            GRAPH ?g { ?doc <https://w3id.org/cyl-kg/def#issuedBy> ?org . ?org <https://w3id.org/cyl-kg/def#pursues> ?p }
            } GROUP BY ?p""")
        assert {p: (b, n) for p, (_, b, n) in counts.items()} == {p: (int(b), int(n)) for p, b, n in rows}
        assert counts["https://w3id.org/cyl-kg/id/program/qingma"][0] == "青年马克思主义者培养工程"
        years = {y for (y,) in ws.query("SELECT DISTINCT ?y WHERE { ?d <https://w3id.org/cyl-kg/def#planYear> ?y }")[1]}
        one = sorted(years)[0]
        assert 0 < len(program_counts(ws, {one})) < len(counts)
        assert program_counts(ws, years) == counts
    held_twice = [files for _, files in kept.values() if any("|" in name for name in files)]
    assert held_twice, "the formats are copies of sample plans: some plan is held in several files"
    assert len(kept) == len(list(CORPUS.iterdir()))

    snapshot = db / SNAPSHOTS / (db / CURRENT).read_text("utf-8").strip()
    with Workspace(db, read_only=True) as ws:      # the counts kept are read, not counted again
        (snapshot / PROGRAM_COUNTS).write_text((snapshot / PROGRAM_COUNTS).read_text("utf-8").replace(
            '"青年马克思主义者培养工程"', '"kept"'), "utf-8")
        assert "kept" in {r.label for r in program_ranking(ws, None)}
    for name in (PLANS, DIGEST, PROGRAM_COUNTS):      # a snapshot made before they were kept
        (snapshot / name).unlink()
    with Workspace(db, read_only=True) as ws:
        assert not ws.plans_kept()
        assert (ws.plans(), ws.digest(), kept_counts(ws)) == (kept, digest, counts)


def test_the_plans_kept_follow_a_rebuild(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    shutil.copy(JILIN, src / JILIN.name)
    db = tmp_path / "db"
    with Workspace(db, create=True) as ws:
        build(ws, [src], jobs=1)
    shutil.copy(PINGLUO, src / PINGLUO.name)
    with Workspace(db) as ws:
        build(ws, [src], jobs=1)
    with Workspace(db, read_only=True) as ws:
        assert ws.plans_kept()
        assert sorted(name for _, files in ws.plans().values() for name in files) == sorted([JILIN.name, PINGLUO.name])


def test_class_counts_are_those_of_every_type_statement_of_the_projects_namespace(corpus_db):
    from kg.summary import PREFIX, class_counts

    with Workspace(corpus_db, read_only=True) as ws:
        _, every = ws.query(PREFIX + """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
            ?s a ?c . FILTER(STRSTARTS(STR(?c), STR(cyl:))) BIND(STRAFTER(STR(?c), "#") AS ?class)
            } GROUP BY ?class ORDER BY ?class""")
        counted = class_counts(ws)
    assert counted == [(c, int(n)) for c, n in every]
    assert dict(counted)["WorkPlan"] == 5 and len(counted) >= 8


def test_the_plans_pages_read_are_kept_by_the_first_reader_and_equal_those_of_the_store(corpus_db):
    from kg.network import PLANS_OF, plans_of, select_rows

    db = corpus_db
    with Workspace(db, read_only=True) as ws:
        kept_file = ws.snapshot_store.parent / PLANS_OF
        kept_file.unlink(missing_ok=True)
        first = plans_of(ws)
        assert kept_file.is_file()
        rows = select_rows(ws, "SELECT ?g ?source WHERE { GRAPH ?g { ?d a <https://w3id.org/cyl-kg/def#WorkPlan> ; "
                               "<http://purl.org/dc/terms/source> ?source } }")
        assert sorted((p.graph, p.source) for p in first) == sorted(map(tuple, rows))
        years = {p.year for p in first}
        assert [p for p in first if p.year == min(years)] == plans_of(ws, {min(years)})
    with Workspace(db, read_only=True) as ws:       # read from the snapshot, not the store
        kept_file.write_text(kept_file.read_text("utf-8").replace(first[0].source, "kept.txt"), "utf-8")
        assert "kept.txt" in {p.source for p in plans_of(ws)}
        kept_file.unlink()
        assert plans_of(ws) == first
