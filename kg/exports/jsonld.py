"""The JSON-LD export: compact JSON-LD with the project's ``@context``, one named graph per plan.

The context (``ontology/context.jsonld``) holds the prefixes of the exports and a term for every
``cyl:`` class and property of ``ontology/cyl.ttl``: an object property's values are IRIs
(``"@type": "@id"``), a datatype property whose range is an XSD type other than ``xsd:string``
carries that type, so a plan's year is written ``"planYear": "2024"``. The standard properties
the ontology types (``nif:beginIndex``, ``org:classification``) have an entry under their
compact IRI. The export embeds the context, so the file stands alone; the file is shipped for
documents that refer to it.

Regenerate the context after editing the ontology: ``python -m kg.exports.jsonld > ontology/context.jsonld``
(a test checks that the shipped file is the one this module makes).

The writer is the project's own, not a JSON-LD processor's compaction: it writes the sorted quads
graph by graph, one node to a line, so the same workspace gives the same bytes and a large one
is written in one pass.
"""
from __future__ import annotations

import functools
import json
from itertools import groupby
from typing import BinaryIO, Iterable, Iterator

import pyoxigraph as ox

import ontology
from ontology.namespaces import CYL, RDF, XSD

from .. import iri
from ..workspace import Workspace
from .rdf import Spool

CONTEXT_FILE = ontology.path("context.jsonld")
RDF_TYPE = RDF.type
XSD_STRING = XSD.string
# The prefix for the project's own IRIs that no narrower prefix covers (graphs, targets, text).
ID_PREFIX = "id"


def _prefixes(terms: set[str]) -> dict[str, str]:
    """The exports' prefixes, less those named like a cyl: term (``level``, ``kind``, ``region``
    are properties; in JSON-LD a name is one thing), plus ``id`` for the project's IRIs."""
    from ontology.namespaces import PREFIXES

    out = {name: str(ns) for name, ns in PREFIXES.items() if name not in terms and name != ID_PREFIX}
    out[ID_PREFIX] = iri.BASE
    return out


def _curie(value: str, prefixes: dict[str, str]) -> str | None:
    for name, ns in sorted(prefixes.items(), key=lambda p: (-len(p[1]), p[0])):
        if name != "cyl" and value.startswith(ns) and ":" not in value[len(ns):] and value[len(ns):]:
            return f"{name}:{value[len(ns):]}"
    return None


def generate_context() -> dict:
    """The ``@context`` made from ``ontology/cyl.ttl``: prefixes first, then the terms (every
    cyl: class and property, and the standard properties whose values it types)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import OWL as ROWL, RDF as RRDF, RDFS as RRDFS

    g = Graph().parse(ontology.ONTOLOGY, format="turtle")
    external = _prefixes(set())
    definitions: dict[str, dict | str] = {}
    kinds = {ROWL.Class: "class", ROWL.ObjectProperty: "object", ROWL.DatatypeProperty: "datatype",
             ROWL.AnnotationProperty: "annotation"}
    for kind_iri, kind in kinds.items():
        for term in g.subjects(RRDF.type, kind_iri):
            if not isinstance(term, URIRef):
                continue
            ranges = [str(r) for r in g.objects(term, RRDFS.range)]
            typed = [r for r in ranges if r.startswith(XSD) and r != XSD_STRING]
            coercion = ("@id" if kind == "object" else
                        "xsd:" + typed[0][len(XSD):] if kind == "datatype" and len(typed) == 1 else None)
            if str(term).startswith(CYL):
                name = str(term)[len(CYL):]
                curie = f"cyl:{name}"
            else:
                # A standard property the ontology types (nif:beginIndex, org:classification):
                # keyed by its compact IRI, so that its values need no type of their own.
                curie = _curie(str(term), external)
                if coercion is None or curie is None:
                    continue
                name = curie
            definition: dict | str = curie if coercion is None else {"@id": curie, "@type": coercion}
            if name in definitions and definitions[name] != definition:
                raise ValueError(f"{ontology.ONTOLOGY}: {curie} is declared as two kinds of term")
            definitions[name] = definition
    prefixes = _prefixes(set(definitions))
    clash = set(prefixes) & set(definitions)
    if clash:
        raise ValueError(f"{ontology.ONTOLOGY}: terms named like a prefix: {sorted(clash)}")
    return {**dict(sorted(prefixes.items())), **dict(sorted(definitions.items()))}


def context_text(context: dict) -> str:
    """The context file's text: one entry to a line, in the order given."""
    lines = [f"    {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
             for k, v in context.items()]
    return '{\n  "@context": {\n' + ",\n".join(lines) + "\n  }\n}\n"


@functools.lru_cache(maxsize=1)
def shipped_context() -> dict:
    """The context of ``ontology/context.jsonld``, the one the export embeds."""
    try:
        return json.loads(CONTEXT_FILE.read_text("utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as e:
        raise ValueError(f"{CONTEXT_FILE}: not a JSON-LD context ({e})") from None


class Compactor:
    """Writes IRIs and values in the context's compact form."""

    def __init__(self, context: dict) -> None:
        self.prefixes = sorted(((v, k) for k, v in context.items() if isinstance(v, str) and v.endswith(("/", "#"))),
                               key=lambda p: -len(p[0]))
        self.terms: dict[str, tuple[str, str | None]] = {}
        for name, definition in context.items():
            target = definition if isinstance(definition, str) else definition["@id"]
            if isinstance(definition, str) and definition.endswith(("/", "#")):
                continue
            full = self.expand(target)
            self.terms[full] = (name, None if isinstance(definition, str) else definition.get("@type"))
        self.iri = functools.lru_cache(maxsize=1 << 14)(self._iri)

    def expand(self, curie: str) -> str:
        prefix, _, suffix = curie.partition(":")
        for ns, name in self.prefixes:
            if name == prefix:
                return ns + suffix
        return curie

    def _iri(self, value: str) -> str:
        """An IRI in an ``@id`` position: prefix:suffix where a prefix covers it."""
        for ns, name in self.prefixes:
            if value.startswith(ns) and len(value) > len(ns) and not value[len(ns):].startswith("//"):
                return f"{name}:{value[len(ns):]}"
        return value

    def vocab(self, value: str) -> str:
        """An IRI in a key or ``@type`` position: the term where the context has one."""
        term = self.terms.get(value)
        return term[0] if term else self.iri(value)

    def node_ref(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.iri(term.value)

    def value(self, predicate: str, obj) -> object:
        coerced = self.terms.get(predicate, (None, None))[1]
        if isinstance(obj, (ox.NamedNode, ox.BlankNode)):
            ref = self.node_ref(obj)
            return ref if coerced == "@id" else {"@id": ref}
        if obj.language:
            return {"@value": obj.value, "@language": obj.language}
        datatype = obj.datatype.value
        if coerced is None and datatype == XSD_STRING:
            return obj.value
        if coerced is not None and coerced != "@id" and self.expand(coerced) == datatype:
            return obj.value
        if datatype == XSD_STRING:
            return {"@value": obj.value}
        return {"@value": obj.value, "@type": self.vocab(datatype)}


def _node(c: Compactor, subject, quads: Iterable[ox.Quad]) -> dict:
    node: dict = {"@id": c.node_ref(subject)}
    types: list[str] = []
    props: dict[str, list] = {}
    for q in quads:
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            types.append(c.vocab(q.object.value))
        else:
            props.setdefault(c.vocab(q.predicate.value), []).append(c.value(q.predicate.value, q.object))
    if types:
        node["@type"] = types[0] if len(types) == 1 else types
    for key in sorted(props):
        values = props[key]
        node[key] = values[0] if len(values) == 1 else values
    return node


def _line(node: dict) -> str:
    return json.dumps(node, ensure_ascii=False, separators=(",", ":"))


def _graph_nodes(c: Compactor, quads: Iterable[ox.Quad]) -> Iterator[dict]:
    for subject, group in groupby(quads, key=lambda q: q.subject):
        yield _node(c, subject, group)


def chunks(named: Iterable[ox.Quad], context: dict | None = None, default: Iterable[ox.Quad] = ()) -> Iterator[str]:
    """The export's text, graph by graph: the quads of the named graphs sorted by graph, subject,
    predicate, object (read once, in that order), then the nodes of the default graph, each
    merged into the head of the named graph it describes."""
    context = shipped_context() if context is None else context
    c = Compactor(context)
    entries = ",\n".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                          for k, v in context.items())
    yield '{\n"@context": {\n' + entries + '\n},\n"@graph":['
    default = {n["@id"]: n for n in _graph_nodes(c, default)}
    first = True
    for graph, group in groupby(named, key=lambda q: q.graph_name):
        head = default.pop(c.node_ref(graph), {"@id": c.node_ref(graph)})
        opening = _line(head)[:-1] + ',"@graph":[\n'
        yield ("\n" if first else ",\n") + opening + ",\n".join(_line(n) for n in _graph_nodes(c, group)) + "\n]}"
        first = False
    for node in default.values():
        yield ("\n" if first else ",\n") + _line(node)
        first = False
    yield "\n]}\n"


def serialize(quads: list[ox.Quad]) -> bytes:
    """The quads, sorted, as the export writes them."""
    default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
    named = (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
    return "".join(chunks(named, default=default)).encode("utf-8")


def export(ws: Workspace, out: BinaryIO) -> None:
    """The exporter registered as ``jsonld`` (:mod:`kg.exports`): the RDF exports' quads."""
    with Spool(ws) as spool:
        for chunk in chunks(spool.quads()):
            out.write(chunk.encode("utf-8"))


if __name__ == "__main__":
    print(context_text(generate_context()), end="")
