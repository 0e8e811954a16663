"""Deterministic ASCII IRIs for everything the graph holds."""
from __future__ import annotations

import functools
from urllib.parse import quote

from ontology.namespaces import ID

BASE = ID
SCHEME_GRAPH = BASE + "graph/scheme"
ONTOLOGY_GRAPH = BASE + "graph/ontology"
CLASSIFICATION_GRAPH = BASE + "graph/classification"
DATASET_GRAPH = BASE + "graph/dataset"
DATASET = BASE + "dataset"


@functools.lru_cache(maxsize=1 << 14)      # every evidence IRI of a document quotes its key again
def _safe(key: str) -> str:
    """A key as an IRI path segment: ASCII kept, anything else percent-encoded."""
    return quote(key, safe="-._~/")


def document(key: str) -> str:
    """A plan (the work), keyed by what identifies it: see :func:`kg.build.plan_key`."""
    return f"{BASE}doc/{_safe(key)}"


def file(key: str) -> str:
    """A file holding a plan (one expression of it), keyed by the workspace's document key."""
    return f"{BASE}file/{_safe(key)}"


def graph(key: str) -> str:
    return f"{BASE}graph/doc/{_safe(key)}"


def text(key: str) -> str:
    return document(key) + "/text"


def span(key: str, start: int, end: int) -> str:
    """An evidence span, in the NIF offset style ``…/text#char=start,end``."""
    return f"{text(key)}#char={start},{end}"


def section(key: str, ordinal: int) -> str:
    return f"{document(key)}/section/{ordinal}"


def activity(key: str, number: str) -> str:
    """A work item, by the number the plan gives it (``2.3``: item 3 of section 2)."""
    return f"{document(key)}/item/{_safe(number)}"


def target(key: str, item: str, ordinal: int) -> str:
    """The ``ordinal``-th target of an item."""
    return f"{activity(key, item)}/target/{ordinal}"


def organization(key: str) -> str:
    return f"{BASE}org/{_safe(key)}"


def region(code: str) -> str:
    return f"{BASE}region/{code}"


def program(key: str) -> str:
    return f"{BASE}program/{_safe(key)}"


def policy(key: str) -> str:
    return f"{BASE}policy/{_safe(key)}"


def level(code: str) -> str:
    """The SKOS concept of a body's level (ontology/classifications.ttl)."""
    return f"{BASE}level/{_safe(code)}"


def kind(code: str) -> str:
    """The SKOS concept of a body's kind (ontology/classifications.ttl)."""
    return f"{BASE}kind/{_safe(code)}"


def extractor(version: str) -> str:
    """The software that built the graphs, at one version."""
    return f"{BASE}software/cyl-kg/{_safe(version)}"
