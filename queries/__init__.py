"""Canned queries: ``NAME.rq`` (SPARQL) and ``NAME.cypher`` twins returning the same columns."""
from __future__ import annotations

import pathlib

HERE = pathlib.Path(__file__).resolve().parent
ENGINES = {"sparql": ".rq", "cypher": ".cypher"}


def names() -> list[str]:
    """The canned queries there are, by name."""
    return sorted({p.stem for ext in ENGINES.values() for p in HERE.glob(f"*{ext}")})


def text(name: str, engine: str = "sparql") -> str:
    """The text of a canned query; KeyError naming the choices when there is none."""
    path = HERE / f"{name}{ENGINES[engine]}"
    if not path.is_file():
        raise KeyError(f"no {engine} query named {name!r} (choose from: {', '.join(names())})")
    return path.read_text("utf-8")
