"""The reference the plan-by-plan validation is held to: the whole workspace validated by
pyshacl at once (data graphs merged, as ``kg validate`` did before it validated by plan), each
violation reported under the plans whose graphs state its focus node."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

import ontology
from kg.datatypes import declared, restored
from kg.validate import REFERENCE, _plan_names, report_text, result_line
from kg.workspace import Workspace

SH = Namespace("http://www.w3.org/ns/shacl#")


def data_graph(ws: Workspace) -> tuple[Graph, dict[str, set[str]]]:
    """The data graphs merged into one rdflib graph, datatypes restored; and each subject ->
    the graphs stating it."""
    datatypes = declared(ws)
    stated_in: dict[str, set[str]] = defaultdict(set)
    triples = set()
    for g in ws.data_graphs():
        for q in restored(ws.quads(g), datatypes):
            triples.add(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.subject, ox.NamedNode):
                stated_in[q.subject.value].add(g)
    graph = Graph()
    graph.parse(data=ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph, stated_in


def validate_whole(ws: Workspace) -> tuple[bool, str]:
    """(conforms, report text) of the whole workspace validated at once."""
    from pyshacl import validate as shacl

    shapes = Graph().parse(ontology.SHAPES, format="turtle")
    ont = Graph().parse(ontology.ONTOLOGY, format="turtle")
    data, stated_in = data_graph(ws)
    conforms, report, _ = shacl(data, shacl_graph=shapes, ont_graph=ont, inference="none",
                                advanced=True, allow_warnings=True)
    if conforms:
        return True, "conforms"
    names = _plan_names(ws)
    out: dict[str, set[str]] = defaultdict(set)
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        plans = sorted(names.get(g, g) for g in stated_in.get(str(focus), ()) if g in names) or [REFERENCE]
        for plan in plans:
            out[plan].add(result_line(report, r))
    return False, report_text({plan: sorted(lines) for plan, lines in sorted(out.items())})
