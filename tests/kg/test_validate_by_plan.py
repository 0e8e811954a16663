"""kg validate, plan by plan: it reports exactly what validating the whole workspace at once
reports, on the sample corpus and on a workspace with deliberate defects; in parallel or not;
and it ends cleanly when interrupted."""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from kg import iri
from kg.cli import main
from kg.pipeline import build
from kg.validate import REFERENCE, validate
from kg.workspace import Workspace
from samples import CORPUS, JILIN, NANCHANG, NINGBO, PINGLUO, SICHUAN
from signals import interruptible
from whole_graph_validation import validate_whole

PREFIXES = """PREFIX cyl: <https://w3id.org/cyl-kg/def#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
CENTRAL = "https://w3id.org/cyl-kg/id/org/cn/cyl"          # 团中央, named by every sample plan
QNDXX = "https://w3id.org/cyl-kg/id/program/qndxx"          # a program of the scheme
SCHEME_ONLY = "https://w3id.org/cyl-kg/id/program/bhmqh"    # a program of the scheme no sample plan names


def graph(plan) -> str:
    return iri.graph(plan.name)


def first(ws: Workspace, where: str) -> str:
    """The first ?x (in IRI order) matching a pattern."""
    _, rows = ws.query(PREFIXES + f"SELECT ?x WHERE {{ {where} }} ORDER BY STR(?x) LIMIT 1")
    assert rows, where
    return rows[0][0]


# Each defect: what it breaks, and the SPARQL update that makes it in the built workspace.
def inject_defects(ws: Workspace) -> None:
    g = {p: graph(p) for p in (NANCHANG, JILIN, SICHUAN, PINGLUO, NINGBO)}
    target = first(ws, f"GRAPH <{g[NANCHANG]}> {{ ?x a cyl:Target }}")
    plan0 = first(ws, f"GRAPH <{g[NANCHANG]}> {{ ?x a cyl:WorkPlan }}")
    text0 = first(ws, f"GRAPH <{g[NANCHANG]}> {{ ?d cyl:text ?x }}")
    span3 = first(ws, f"GRAPH <{g[PINGLUO]}> {{ ?x a cyl:Evidence }}")
    activity2 = first(ws, f"GRAPH <{g[SICHUAN]}> {{ ?x a cyl:Activity }}")
    activity4 = first(ws, f"GRAPH <{g[NINGBO]}> {{ ?x a cyl:Activity }}")
    body3 = first(ws, f"""GRAPH <{g[PINGLUO]}> {{ ?x a cyl:Organization }}
        FILTER NOT EXISTS {{ GRAPH <{g[NINGBO]}> {{ ?x ?p ?o }} }}""")
    discovered = first(ws, f"""GRAPH <{g[JILIN]}> {{ ?x cyl:discovered true }}
        GRAPH <{g[SICHUAN]}> {{ ?x cyl:discovered true }}""")
    plan1 = first(ws, f"GRAPH <{g[JILIN]}> {{ ?x a cyl:WorkPlan }}")
    ws.store.update(PREFIXES + f"DELETE WHERE {{ GRAPH <{g[NANCHANG]}> {{ <{target}> cyl:metric ?m }} }}")
    ws.store.update(PREFIXES + f"""
        INSERT DATA {{
          GRAPH <{g[NANCHANG]}> {{ <{plan0}> cyl:isuedBy <{CENTRAL}> }}
          GRAPH <{g[JILIN]}> {{ <{CENTRAL}> skos:prefLabel "共青团中央委员会机关"@zh .
                                <{discovered}> cyl:programType "nonsense" .
                                <{plan1}> cyl:planYear "二〇二一"^^xsd:gYear }}
          GRAPH <{g[SICHUAN]}> {{ <{activity2}> rdfs:label "an activity"@en }}
          GRAPH <{g[NINGBO]}> {{ <{activity4}> cyl:mentionsOrganization <{body3}> .
                                 <https://example.org/stray-span> nif:referenceContext <{text0}> ;
                                     nif:beginIndex 0 ; nif:endIndex 3 ; nif:anchorOf "zzz" }}
          GRAPH <{g[PINGLUO]}> {{ <{QNDXX}> skos:prefLabel "大学习"@zh }}
          GRAPH <{iri.SCHEME_GRAPH}> {{ <{SCHEME_ONLY}> cyl:programType "weekly" }}
        }}""")
    ws.store.update(PREFIXES + f"""
        DELETE {{ GRAPH <{g[PINGLUO]}> {{ <{span3}> nif:beginIndex ?b }} }}
        INSERT {{ GRAPH <{g[PINGLUO]}> {{ <{span3}> nif:beginIndex ?after }} }}
        WHERE {{ GRAPH <{g[PINGLUO]}> {{ <{span3}> nif:beginIndex ?b ; nif:endIndex ?e }} BIND (?e + 5 AS ?after) }}""")


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    """The sample plans, built, then broken in ways that touch one plan, a node several plans
    name, the program scheme, and a plan from another plan's graph; with the whole-graph report."""
    db = tmp_path_factory.mktemp("defects") / "db"
    with Workspace(db, create=True) as ws:
        assert not build(ws, [CORPUS], jobs=1).failed
        inject_defects(ws)
        whole = validate_whole(ws)
    return db, whole


def plans_of(report: str) -> dict[str, list[str]]:
    head, *blocks = report.split("\n\n")
    out = {}
    for block in blocks:
        title, *lines = block.splitlines()
        out[title.rsplit(": ", 1)[0]] = [line.strip() for line in lines]
    return out


def test_the_sample_corpus_conforms_plan_by_plan_as_whole(corpus_db):
    with Workspace(corpus_db, read_only=True) as ws:
        assert validate_whole(ws) == (True, "conforms")
        assert validate(ws, jobs=1) == (True, "conforms")
        assert validate(ws, jobs=2) == (True, "conforms")


@pytest.mark.parametrize("jobs", [1, 2])
def test_plan_by_plan_reports_exactly_what_the_whole_graph_reports(defective, jobs):
    db, whole = defective
    with Workspace(db, read_only=True) as ws:
        assert validate(ws, jobs=jobs) == whole


def test_each_defect_is_reported_under_the_plans_that_state_its_node(defective):
    _, (conforms, report) = defective
    assert not conforms
    found = plans_of(report)
    by_name = {p.name: found.get(p.name, []) for p in (NANCHANG, JILIN, SICHUAN, PINGLUO, NINGBO)}
    # one plan's own nodes
    assert any("cyl-kg/def#isuedBy" in line for line in by_name[NANCHANG.name])
    assert any("cyl-kg/def#metric" in line for line in by_name[NANCHANG.name])
    assert any("nif:anchorOf is not the text" in line and "stray-span" in line for line in by_name[NANCHANG.name])
    assert any("must be less than nif:endIndex" in line for line in by_name[PINGLUO.name])
    assert any("def#planYear" in line for line in by_name[JILIN.name])
    assert any("rdf-schema#label" in line and "@en" in line for line in by_name[SICHUAN.name])
    # a body every plan names, given a second name by one: reported under each plan naming it
    for name, lines in by_name.items():
        assert any(line.startswith(CENTRAL + " http://www.w3.org/2004/02/skos/core#prefLabel") for line in lines), name
    # a discovered program two plans name
    assert any("programType" in line for line in by_name[JILIN.name])
    assert any("programType" in line for line in by_name[SICHUAN.name])
    # a scheme program given a second Chinese name in a plan (reported under that plan, which
    # states it); another broken in the scheme itself (reported as reference data)
    assert any(line.startswith(QNDXX) and "prefLabel" in line for line in by_name[PINGLUO.name])
    assert any(line.startswith(SCHEME_ONLY) and "programType" in line for line in found[REFERENCE])
    # a body typed in another plan's graph only is still a body: no violation for it
    assert not by_name[NINGBO.name] or not any("mentionsOrganization" in line for line in by_name[NINGBO.name])


def test_the_command_prints_the_report_and_exits_1(defective):
    db, (_, report) = defective
    result = CliRunner().invoke(main, ["validate", "--db", str(db), "-j", "2"])
    assert result.exit_code == 1
    assert result.stdout == report + "\n"
    assert result.stderr == ""          # no progress where stderr is not a terminal


def _children(pid: int) -> set[int]:
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found |= {int(c) for c in f.read().split()}
        except OSError:
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_validation_exits_130_and_leaves_no_worker(defective, tmp_path, signum):
    """Interrupted while its workers run pyshacl on the broken plans, it ends with 130 and its
    workers with it."""
    db, _ = defective
    copy = tmp_path / "db"
    shutil.copytree(db, copy)
    kg = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]
    proc = subprocess.Popen(kg + ["validate", "--db", str(copy), "-j", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=interruptible)
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while proc.poll() is None and len(workers) < 2 and time.monotonic() < deadline:
        workers |= _children(proc.pid)
        time.sleep(0.05)
    assert workers, "the validation ended before it started its workers"
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert out == "" and "interrupted" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_counts_at_a_terminal_only(corpus_db, capsys):
    from kg.progress import Progress
    from kg.validate import run

    shown, hidden = Terminal(), io.StringIO()
    for stream in (shown, hidden):
        with Workspace(corpus_db, read_only=True) as ws:
            assert run(ws, jobs=1, progress=Progress(stream)) == 0
    assert capsys.readouterr().out == "conforms\nconforms\n"
    assert hidden.getvalue() == ""
    last = shown.getvalue().split("\r\x1b[K")[-1]
    # five plans, the scheme, the classifications and, once they are read, the nodes they share
    assert re.match(r"validating +8/8 units +\d+\.\d s\n$", last), last


# -- the quick check never clears a node pyshacl finds at fault --------------------------------

def _broken_examples():
    import importlib.util

    from samples import ROOT

    spec = importlib.util.spec_from_file_location("ontology_files", ROOT / "tests" / "ontology" / "test_ontology_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BROKEN


BROKEN = _broken_examples()


def _quick_suspects(graph) -> set[str]:
    import pyoxigraph as ox

    from kg.shapes_check import Data
    from kg.validate import _shapes

    shapes = _shapes()
    triples = list(ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
    data = Data(triples, shapes.superclasses)
    return {s.value for s in shapes.suspects(data, set(data.out))}


def test_the_quick_check_clears_the_conforming_examples():
    from rdflib import Graph

    import ontology

    assert _shapes_read_here()
    assert _quick_suspects(Graph().parse(ontology.EXAMPLES, format="turtle")) == set()


def _shapes_read_here() -> bool:
    from kg.validate import _shapes

    return not _shapes().unsupported


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_quick_check_suspects_every_kind_of_defect(case):
    """Each broken variant of ontology/examples.ttl that pyshacl rejects (tests/ontology) is
    left to pyshacl by the quick check, its faulty node among the suspects."""
    import copy

    from rdflib import Graph

    import ontology

    change, focus, _, _ = BROKEN[case]
    graph = copy.deepcopy(Graph().parse(ontology.EXAMPLES, format="turtle"))
    change(graph)
    assert str(focus) in _quick_suspects(graph)
