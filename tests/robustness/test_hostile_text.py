"""Document text is untrusted: quotes, backslashes, markup and query syntax pass through as data."""
import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

import queries
from kg.exports import export
from kg.pipeline import build
from kg.workspace import Workspace
from samples import JILIN

HOSTILE = [
    '<script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    '他说\\"你好\\"\\n',
    "x' OR '1'='1",
    '"} ; DROP GRAPH <x> ; INSERT DATA { <a> <b> "c',
    "a}) DETACH DELETE n //",
    "${jndi:ldap://x}",
]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    src = root / "in"
    src.mkdir()
    body = JILIN.read_text("utf-8")
    extra = "".join(f"开展“{name}计划”活动。" for name in HOSTILE)
    body = body.replace("2. 持续深化“青年大学习”行动。", "2. 持续深化“青年大学习”行动。" + extra)
    # A file name that is not a safe IRI either.
    (src / 'plan <"{x}"> 工作要点 #1.txt').write_text(body, "utf-8")
    db = root / "db"
    with Workspace(db, create=True) as ws:
        report = build(ws, [src], jobs=1)
    assert not report.failed, report.failed
    return db


def test_hostile_names_are_stored_as_they_are_written(hostile_db):
    with Workspace(hostile_db, read_only=True) as ws:
        _, rows = ws.query(queries.text("pursues"))
    programs = {r[1] for r in rows}
    for name in HOSTILE:
        if ";" in name or ":" in name:     # clause punctuation: not a name, passed over
            assert not any(name in p for p in programs)
        else:
            assert name + "计划" in programs


def test_every_export_parses_back_with_two_parsers(hostile_db):
    with Workspace(hostile_db, read_only=True) as ws:
        data = {fmt: export(ws, fmt, None) for fmt in ("ttl", "nt", "jsonld", "trig", "nq")}
    for fmt, rdflib_format, ox_format, dataset in (
            ("ttl", "turtle", ox.RdfFormat.TURTLE, False), ("nt", "nt", ox.RdfFormat.N_TRIPLES, False),
            ("jsonld", "json-ld", ox.RdfFormat.JSON_LD, True), ("trig", "trig", ox.RdfFormat.TRIG, True),
            ("nq", "nquads", ox.RdfFormat.N_QUADS, True)):
        parsed = (Dataset() if dataset else Graph()).parse(data=data[fmt], format=rdflib_format)
        assert len(parsed) > 0 or dataset
        assert sum(1 for _ in ox.parse(data[fmt], format=ox_format)) > 1000
    text = data["nt"].decode("utf-8")
    for name in HOSTILE:
        assert "<" + name not in text      # never part of an IRI


def test_every_iri_is_valid(hostile_db):
    with Workspace(hostile_db, read_only=True) as ws:
        nodes = {t for q in ws.quads() for t in (q.subject, q.predicate, q.object, q.graph_name)
                 if isinstance(t, ox.NamedNode)}
    for node in nodes:
        assert node.value.isascii() and not any(c in node.value for c in ' <>"{}|\\^`'), node.value


def test_names_reach_queries_only_as_data(hostile_db):
    # A SPARQL string built by the caller would break on these names; the canned queries use none.
    with Workspace(hostile_db, read_only=True) as ws:
        before = sum(1 for _ in ws.quads())
        for name in queries.names():
            ws.query(queries.text(name))
        assert sum(1 for _ in ws.quads()) == before
