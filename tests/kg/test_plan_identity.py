"""A plan is a work, its files expressions of it: one plan however many files hold it."""
import shutil
from pathlib import Path

import pytest

import queries
from kg.engines import run
from kg.exports import export
from kg.pipeline import build
from kg.workspace import Workspace
from samples import CORPUS, FORMATS

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms" / "identity"
CYL = "https://w3id.org/cyl-kg/def#"


def _build(db: Path, *paths: Path):
    with Workspace(db, create=True) as ws:
        return build(ws, list(paths), jobs=1)


def _rows(db: Path, name: str) -> list[dict[str, str]]:
    with Workspace(db, read_only=True) as ws:
        columns, found = ws.query(queries.text(name))
    return [dict(zip(columns, r)) for r in found]


def _twins(db: Path, name: str) -> tuple[list, list]:
    """The canned query's rows by SPARQL and by Cypher, sorted."""
    return tuple(sorted(map(tuple, run(engine, db, queries.text(name, engine))[1])) for engine in ("sparql", "cypher"))


def _count(db: Path, sparql: str) -> int:
    with Workspace(db, read_only=True) as ws:
        return int(ws.query(sparql)[1][0][0])


def _graphs(db: Path) -> dict[str, bytes]:
    """Each file's named graph as sorted N-Quads."""
    import pyoxigraph as ox
    with Workspace(db, read_only=True) as ws:
        return {entry["source"]: b"".join(sorted(str(q).encode() + b"\n" for q in ws.quads(entry["graph"])))
                for entry in ws.documents.values()}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The five sample plans as plain text, and four of them again in other formats."""
    db = tmp_path_factory.mktemp("both") / "db"
    _build(db, CORPUS, FORMATS)
    return db


@pytest.fixture(scope="module")
def text_only(tmp_path_factory):
    db = tmp_path_factory.mktemp("text") / "db"
    _build(db, CORPUS)
    return db


def test_nine_files_of_five_plans_are_five_plans(both):
    assert _count(both, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{CYL}WorkPlan> }}") == 5
    assert _count(both, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ ?f a <{CYL}PlanFile> }}") == 9
    assert _count(both, f"SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE {{ ?p <{CYL}hasFile> ?f }}") == 9
    # the file's facts are the file's, not the plan's
    assert _count(both, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{CYL}WorkPlan> ; <{CYL}sha256> ?s }}") == 0
    found = _rows(both, "documents")
    assert len(found) == 5
    sources = {r["source"] for r in found}
    assert "000_973257c0ce08f055.txt|000_nanchang_2021.pdf" in sources
    assert "003_f18f31987188af28.txt|003_pingluo_2020.docx" in sources
    assert "002_822da9a7e9b50668.txt|002_sichuan_2021.html" in sources
    assert "004_655600bdde4567aa.txt|004_ningbo_2019.gb18030.txt" in sources
    assert "001_d839e743d134e22a.txt" in sources
    for name in ("documents", "pursues"):
        by_sparql, by_cypher = _twins(both, name)
        assert len(by_cypher) == len(by_sparql)


def test_each_file_is_described_apart(both):
    with Workspace(both, read_only=True) as ws:
        _, found = ws.query(f"""SELECT ?name ?type ?sha ?enc WHERE {{ ?f a <{CYL}PlanFile> ; <{CYL}fileName> ?name ;
            <{CYL}mediaType> ?type ; <{CYL}sha256> ?sha OPTIONAL {{ ?f <{CYL}encoding> ?enc }} }}""")
    files = {name: (media, enc) for name, media, _, enc in found}
    assert files["000_nanchang_2021.pdf"][0] == "application/pdf"
    assert files["003_pingluo_2020.docx"][0].endswith("wordprocessingml.document")
    assert files["002_sichuan_2021.html"][0] == "text/html"
    assert files["004_ningbo_2019.gb18030.txt"] == ("text/plain", "gb18030")
    assert all(len(sha) == 64 for *_, sha, _ in found)


def test_pursues_as_many_as_the_plain_texts_alone(both, text_only):
    def pairs(db):
        return sorted((r["organization"], r["program"], r["year"], r["evidence"]) for r in _rows(db, "pursues"))
    assert pairs(both) == pairs(text_only)
    for name in ("targets", "responsibilities"):
        assert len(_rows(both, name)) == len(_rows(text_only, name))


def test_a_plan_in_one_file_is_named_by_that_file(text_only):
    names = {p.name for p in CORPUS.glob("*.txt")}
    for name in ("documents", "pursues", "targets", "responsibilities"):
        assert {r["source"] for r in _rows(text_only, name)} <= names
    assert {r["source"] for r in _rows(text_only, "documents")} == names


def test_plain_text_holds_the_plan_and_brackets_of_a_doc_number_do_not_split_it(tmp_path):
    """Form: one plan as .txt and .html, its 文号 written 〔2022〕 in one and [2022] in the other."""
    db = tmp_path / "db"
    _build(db, FORMS)
    [doc] = _rows(db, "documents")
    assert doc["source"] == "plan.html|plan.txt"
    assert doc["doc_number"] == "东团发〔2022〕3号"            # the plain text's own form
    assert doc["document"].endswith("/2022/" + "%E4%B8%9C%E5%9B%A2%E5%8F%91%E3%80%942022%E3%80%953%E5%8F%B7")
    graphs = _graphs(db)
    assert b"/text>" in graphs["plan.txt"] and b"/text>" not in graphs["plan.html"]
    assert len(_rows(db, "targets")) == 3


def test_items_and_targets_follow_the_plans_numbering(tmp_path):
    """Form: sections 一、二、 with items （一）（二）: item 2.1 is the first item of section 二."""
    db = tmp_path / "db"
    _build(db, FORMS / "plan.txt")
    with Workspace(db, read_only=True) as ws:
        _, found = ws.query(f"SELECT ?a ?label WHERE {{ ?a a <{CYL}Activity> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}")
        _, targets = ws.query(f"SELECT ?t WHERE {{ ?t a <{CYL}Target> }}")
    by_number = {a.rsplit("/item/", 1)[1]: label for a, label in found}
    assert by_number == {"1.1": "办好青年宣讲。", "1.2": "推进青年大学习。", "2.1": "开展助学行动。"}
    assert sorted(t.rsplit("/item/", 1)[1] for t, in targets) == ["1.1/target/1", "1.2/target/1", "2.1/target/1"]


def test_a_changed_file_replaces_only_its_own_graph(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CORPUS, src / "corpus")
    shutil.copytree(FORMATS, src / "formats")
    db = tmp_path / "db"
    _build(db, src)
    before = _graphs(db)

    copy = src / "formats" / "004_ningbo_2019.gb18030.txt"    # a copy: only its file changes
    copy.write_bytes(copy.read_bytes() + "\n".encode("gb18030"))
    report = _build(db, src)
    assert report.built == [str(copy)]
    after = _graphs(db)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {copy.name}
    assert len(_rows(db, "documents")) == 5

    held = src / "corpus" / "004_655600bdde4567aa.txt"        # the file holding the plan's text
    held.write_bytes(held.read_bytes() + "\n".encode("utf-8"))
    report = _build(db, src)
    assert report.built == [str(held)]
    again = _graphs(db)
    assert {name for name in after if after[name] != again[name]} == {held.name}
    assert len(_rows(db, "documents")) == 5
    by_sparql, by_cypher = _twins(db, "documents")
    assert len(by_cypher) == len(by_sparql) == 5


def test_a_copy_takes_over_the_text_when_the_holder_becomes_another_plan(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for f in FORMS.iterdir():
        shutil.copy(f, src / f.name)
    db = tmp_path / "db"
    _build(db, src)
    text = (src / "plan.txt").read_text("utf-8").replace("东团发〔2022〕3号", "东团发〔2022〕4号")
    (src / "plan.txt").write_text(text, "utf-8")
    _build(db, src)
    docs = {r["source"]: r["doc_number"] for r in _rows(db, "documents")}
    assert docs == {"plan.txt": "东团发〔2022〕4号", "plan.html": "东团发[2022]3号"}
    assert len(_rows(db, "targets")) == 6


def test_exports_are_byte_identical_whatever_the_order_of_building(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    _build(one, CORPUS, FORMATS)
    _build(two, FORMATS)
    _build(two, CORPUS)
    with Workspace(one, read_only=True) as a, Workspace(two, read_only=True) as b:
        assert export(a, "nq", None) == export(b, "nq", None)
