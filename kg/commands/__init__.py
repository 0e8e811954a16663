"""Commands kept in modules of their own; each module lists its click commands in COMMANDS."""
from __future__ import annotations

import importlib

MODULES: tuple[str, ...] = ("viz", "cypher", "eval", "schema")

COMMANDS = [command for name in MODULES
            for command in importlib.import_module(f"{__name__}.{name}").COMMANDS]
