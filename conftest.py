"""What the doctests of kg/ share: ``example_graph()``, three small plans read through the real
reader (tests/graph_examples.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))

from graph_examples import example_graph  # noqa: E402


@pytest.fixture(autouse=True)
def _doctest_examples(doctest_namespace) -> None:
    doctest_namespace["example_graph"] = example_graph
