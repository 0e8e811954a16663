"""The exports written a piece at a time give the bytes of writers that hold the whole export:
the RDF formats against one global sort of every quad, GraphML against networkx's writer; and
an export that fails leaves no file behind."""
from __future__ import annotations

import networkx as nx
import pyoxigraph as ox
import pytest

from bench.corpus import synthesize
from kg.dataset import describe
from kg.datatypes import declared, restored
from kg.exports import EXPORTERS, SUFFIXES, export, register
from kg.exports.graphml import graphml_text, to_graphml_graph
from kg.exports.jsonld import serialize as jsonld_serialize
from kg.exports.rdf import PREFIXES, canonical_blank_nodes, reference_graphs
from kg.network import from_workspace
from kg.workspace import Workspace


@pytest.fixture(scope="module")
def plans20(tmp_path_factory):
    """A workspace of 20 synthetic plans made of the sample plans' sections."""
    from kg.pipeline import build

    root = tmp_path_factory.mktemp("plans20")
    synthesize(20, root / "plans")
    with Workspace(root / "db", create=True) as ws:
        report = build(ws, [root / "plans"], jobs=1)
    assert not report.failed, report.failed
    return root / "db"


def _order(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def whole_quads(ws: Workspace) -> list[ox.Quad]:
    """Every quad of the RDF exports in one list, sorted at once."""
    datatypes = declared(ws)
    graphs = ws.document_graphs() + reference_graphs()
    data = sorted(canonical_blank_nodes({q for g in graphs for q in restored(ws.quads(g), datatypes)}), key=_order)
    return sorted(data + describe(data), key=_order)


def whole_export(ws: Workspace, fmt: str) -> bytes:
    quads = whole_quads(ws)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return {
        "nq": lambda: ox.serialize(quads, format=ox.RdfFormat.N_QUADS),
        "trig": lambda: ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES),
        "nt": lambda: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
        "ttl": lambda: ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES),
        "jsonld": lambda: jsonld_serialize(quads),
    }[fmt]()


@pytest.mark.parametrize("fmt", ["nq", "nt", "ttl", "trig", "jsonld"])
def test_rdf_exports_written_graph_by_graph_are_those_of_one_global_sort(plans20, fmt, tmp_path):
    with Workspace(plans20, read_only=True) as ws:
        expected = whole_export(ws, fmt)
        export(ws, fmt, tmp_path / f"plans.{fmt}")
        assert export(ws, fmt, None) == expected
    assert (tmp_path / f"plans.{fmt}").read_bytes() == expected
    assert expected.count(b"graph/doc/") >= 20


def networkx_graphml(G: nx.MultiDiGraph) -> str:
    return "\n".join(nx.generate_graphml(G, prettyprint=True)) + "\n"


def streamed_graphml(G: nx.MultiDiGraph) -> str:
    return "".join(graphml_text(lambda: G.nodes(data=True), lambda: G.edges(keys=True, data=True),
                                G.is_directed()))


def test_graphml_written_element_by_element_is_networkx_s_document(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        G = to_graphml_graph(from_workspace(ws))
        exported = export(ws, "graphml", None)
    assert G.number_of_nodes() > 50
    assert exported == networkx_graphml(G).encode("utf-8")


def test_graphml_plan_by_plan_is_the_whole_graph_s_document(plans20, monkeypatch):
    import kg.exports.graphml as graphml_export

    def mixed(self):
        raise graphml_export._Mixed("as if the plans' nodes interleaved")

    with Workspace(plans20, read_only=True) as ws:
        expected = networkx_graphml(to_graphml_graph(from_workspace(ws))).encode("utf-8")
        plan_by_plan = export(ws, "graphml", None)
        monkeypatch.setattr(graphml_export._Plans, "units", mixed)
        whole = export(ws, "graphml", None)
    assert plan_by_plan == expected
    assert whole == expected


def test_graphml_keeps_networkx_s_escapes_and_line_breaks():
    G = nx.MultiDiGraph()
    G.add_node("a&<b>", label='团委 "x"\r\ny\u2028z\x85', weight=3, share=0.5, flag=True)
    G.add_node("plain")
    G.add_edge("a&<b>", "plain", key="rel", label="\t<&>", weight=1)
    G.add_edge("plain", "a&<b>", key="rel", weight=2.0)
    assert streamed_graphml(G) == networkx_graphml(G)
    empty = nx.MultiDiGraph()
    assert streamed_graphml(empty) == networkx_graphml(empty)
    lone = nx.MultiDiGraph()
    lone.add_node("only")
    assert streamed_graphml(lone) == networkx_graphml(lone)


def test_a_failed_export_leaves_the_old_file_and_no_temporary_one(corpus_db, tmp_path):
    def broken(ws, out):
        out.write(b"half an export")
        raise OSError("disk full")

    out = tmp_path / "plans.broken"
    out.write_bytes(b"the earlier export")
    register("broken", broken, ".broken")
    try:
        with Workspace(corpus_db, read_only=True) as ws, pytest.raises(OSError, match="disk full"):
            export(ws, "broken", out)
    finally:
        EXPORTERS.pop("broken")
        SUFFIXES.pop("broken")
    assert out.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["plans.broken"]


@pytest.fixture(scope="module")
def escaped_db(tmp_path_factory):
    """Two plans whose names hold quotes, backslashes, a tab and markup: one that the RDF exports
    take from the store's N-Quads, one whose text names a blank node and so takes the quad path."""
    from kg.pipeline import build
    from samples import CORPUS, JILIN

    root = tmp_path_factory.mktemp("escaped")
    src = root / "in"
    src.mkdir()
    body = JILIN.read_text("utf-8")
    anchor = "2. 持续深化“青年大学习”行动。"
    names = ['他说\\"你好\\"\\n', '"} ; <a> <b> "c .', "制表\t符", "a\\\\b", "é → ü"]
    plain = "".join(f"开展“{name}计划”活动。" for name in names)
    (src / "escaped.txt").write_text(body.replace(anchor, anchor + plain), "utf-8")
    other = (CORPUS / "000_973257c0ce08f055.txt").read_text("utf-8")
    (src / "blank.txt").write_text(other.replace("。", "。开展“_:b0 <<x>>计划”活动。", 1), "utf-8")
    with Workspace(root / "db", create=True) as ws:
        report = build(ws, [src], jobs=1)
    assert not report.failed, report.failed
    return root / "db"


def test_a_plan_graph_s_store_lines_are_its_sorted_quads_with_their_datatypes(escaped_db):
    from kg.datatypes import restoring
    from kg.exports.rdf import graph_nquads, graph_quads

    taken = {}
    with Workspace(escaped_db, read_only=True) as ws:
        datatypes = declared(ws)
        for graph in ws.document_graphs() + reference_graphs():
            fast = graph_nquads(ws, graph, restoring(datatypes))
            taken[graph] = fast is not None
            if fast is not None:
                assert fast[0] == ox.serialize(graph_quads(ws, graph, datatypes), format=ox.RdfFormat.N_QUADS)
                assert fast[1] == fast[0].count(b"\n")
        documents = ws.document_graphs()
    assert sorted(taken[g] for g in documents) == [False, True]
    assert not taken[reference_graphs()[0]]          # the ontology's lists are blank nodes


@pytest.mark.parametrize("fmt", ["nq", "nt", "ttl", "trig", "jsonld"])
def test_rdf_exports_of_escaped_text_are_those_of_one_global_sort(escaped_db, fmt):
    with Workspace(escaped_db, read_only=True) as ws:
        expected = whole_export(ws, fmt)
        assert export(ws, fmt, None) == expected
    if fmt == "nq":
        assert '他说\\\\\\"你好'.encode() in expected and "制表\\t符".encode() in expected
        assert b"XMLSchema#nonNegativeInteger>" in expected or b"XMLSchema#positiveInteger>" in expected
