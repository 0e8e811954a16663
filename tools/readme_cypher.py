"""The README's Cypher examples: run each on the sample corpus and check (or rewrite) its output.

Each example sits between ``<!-- cypher-example -->`` and ``<!-- /cypher-example -->``: a fenced
block with the ``kg query … --cypher '…'`` command, then one with what it prints. The tests run
them (tests/kg/test_readme_cypher.py); after a change to the extractors, refresh the outputs:

    .venv/bin/python tools/readme_cypher.py --write
"""
from __future__ import annotations

import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE = re.compile(r"<!-- cypher-example -->\n```\n(?P<command>.*?)\n```\n```\n(?P<output>.*?)```\n"
                     r"<!-- /cypher-example -->", re.S)


@dataclass
class Example:
    command: str
    output: str
    span: tuple[int, int]           # of the output in the README

    def args(self, db: Path) -> list[str]:
        """The command's arguments for ``kg``, reading the workspace at db."""
        words = shlex.split(self.command)
        words = words[1:] if words[0].endswith("kg") else words
        return [str(db) if prev == "--db" else w for prev, w in zip([""] + words, words)]

    def cypher(self) -> str:
        words = shlex.split(self.command)
        return words[words.index("--cypher") + 1]


def examples(text: str) -> list[Example]:
    return [Example(m["command"], m["output"], m.span("output")) for m in EXAMPLE.finditer(text)]


def run(example: Example, db: Path) -> str:
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, example.args(db))
    if result.exit_code != 0:
        raise RuntimeError(f"{example.command}\nexited {result.exit_code}: {result.output}")
    return result.output


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from kg.pipeline import build
    from kg.workspace import Workspace

    text = README.read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "db"
        with Workspace(db, create=True) as ws:
            build(ws, [ROOT / "examples" / "corpus"], jobs=1)
        found = examples(text)
        outputs = [run(e, db) for e in found]
    stale = [e.command.splitlines()[0] for e, out in zip(found, outputs) if out != e.output]
    if "--write" in sys.argv:
        for e, out in sorted(zip(found, outputs), key=lambda pair: -pair[0].span[0]):
            text = text[:e.span[0]] + out + text[e.span[1]:]
        README.write_text(text, "utf-8")
        print(f"{len(found)} examples, {len(stale)} outputs rewritten")
        return 0
    for command in stale:
        print(f"stale output: {command}")
    print(f"{len(found)} examples, {len(stale)} stale (rewrite them with --write)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
