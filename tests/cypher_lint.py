"""Neo4j's own Cypher parser for the tests: tools/cypher-lint (node + @neo4j-cypher/language-support).

Cypher meant for Neo4j (the canned queries, the pusher's statements, the exported script, the
README's examples) must parse there and use only Neo4j's built-in functions. Tests that use it
are skipped, with the reason, only when node or the linter's node_modules are absent (the
README's test command installs them first, with tools/test-deps).
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from samples import ROOT

LINTER = ROOT / "tools" / "cypher-lint"


def lint(items: dict[str, str]) -> list[str]:
    """Errors (one line each, "NAME:LINE:COLUMN: message") for {name: Cypher text}."""
    node = shutil.which("node")
    if not node or not (LINTER / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.skip("Neo4j's Cypher parser is not installed (run: tools/test-deps, "
                    "or npm ci --prefix tools/cypher-lint)")
    payload = json.dumps([{"name": name, "text": text} for name, text in items.items()])
    done = subprocess.run([node, str(LINTER / "lint.mjs"), "--json"], input=payload, capture_output=True,
                          text=True, timeout=900)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].startswith(f"{len(items)} checked"), done.stdout + done.stderr
    errors = lines[:-1]
    assert (done.returncode != 0) == bool(errors), done.stdout + done.stderr
    return errors
