"""What the registries of stores, exporters and query engines hold for a plugin not yet used:
``"module:name"``, imported when first asked for (as rdflib's plugin registry does).

>>> load("json:dumps")([1])
'[1]'
"""
from __future__ import annotations

import importlib
from typing import Any


def load(target: str) -> Any:
    """The object ``"module:name"`` names, its module imported now (ImportError, AttributeError
    when it is not there)."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)
