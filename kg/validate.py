"""SHACL validation of a workspace against ``ontology/shapes.ttl`` (pyshacl), reported by plan."""
from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

import ontology
from ontology import namespaces
from ontology.namespaces import DCT

from . import iri
from .datatypes import declared, restored
from .workspace import Workspace

SH = Namespace(namespaces.SH)
DCT_SOURCE = DCT.source
REFERENCE = "reference data (program scheme, classifications)"


def data_graph(ws: Workspace) -> tuple[Graph, dict[str, set[str]]]:
    """The document graphs, the program scheme and the classifications merged into one rdflib
    graph, with the datatypes the ontology declares; and each subject -> the plans' graphs
    stating it."""
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


def _plan_names(ws: Workspace) -> dict[str, str]:
    """Plan graph -> the plan's source file (its key when it states none)."""
    names = {iri.graph(key): key for key in ws.documents}
    for g in list(names):
        for q in ws.store.quads_for_pattern(None, ox.NamedNode(DCT_SOURCE), None, ox.NamedNode(g)):
            names[g] = q.object.value
    return names


def by_plan(report: Graph, stated_in: dict[str, set[str]], names: dict[str, str]) -> dict[str, list[str]]:
    """Each violation of a pyshacl report as one line, under the plans whose graphs state its
    focus node (a body named by three plans is reported under each)."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        value = report.value(r, SH.value)
        message = report.value(r, SH.resultMessage)
        line = f"{focus}" + (f" {path}" if path is not None else "") + f": {message}"
        if value is not None and value != focus:
            line += f" (value {value.n3()})"
        plans = sorted(names.get(g, g) for g in stated_in.get(str(focus), ()) if g in names) or [REFERENCE]
        for plan in plans:
            out[plan].append(line)
    return {plan: sorted(set(lines)) for plan, lines in sorted(out.items())}


def validate(ws: Workspace) -> tuple[bool, str]:
    """(conforms, report text: the violations grouped by the plan that holds them)."""
    from pyshacl import validate as shacl

    shapes = Graph().parse(ontology.SHAPES, format="turtle")
    ont = Graph().parse(ontology.ONTOLOGY, format="turtle")
    data, stated_in = data_graph(ws)
    conforms, report, _ = shacl(data, shacl_graph=shapes, ont_graph=ont, inference="none",
                                advanced=True, allow_warnings=True)
    if conforms:
        return True, "conforms"
    grouped = by_plan(report, stated_in, _plan_names(ws))
    count = sum(len(lines) for lines in grouped.values())
    text = [f"{count} violation{'s' if count != 1 else ''} in {len(grouped)} plan{'s' if len(grouped) != 1 else ''}"]
    for plan, lines in grouped.items():
        text.append(f"\n{plan}: {len(lines)}")
        text.extend(f"  {line}" for line in lines)
    return False, "\n".join(text)
