"""How long ``kg viz`` takes, and how much memory, for each view of a workspace.

    python bench/viz.py --db kg-db [--db kg-db-1000 ...]

Each view runs as ``kg viz`` does, in a process of its own, timed from start to exit (the
process's start-up, about half a second of imports, included) with its peak resident set.
:func:`time_views` returns the figures for a benchmark to print; nothing here asserts a time.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The views a user draws first: the default page, the whole graph, and a program's neighbourhood
# (the programs every sample plan pursues, so that each corpus has them).
VIEWS: list[tuple[str, list[str]]] = [
    ("bodies-programs", ["--view", "bodies-programs"]),
    ("full", ["--view", "full"]),
    ("ego", ["--view", "ego", "--program", "青年大学习"]),
    ("ego radius 2", ["--view", "ego", "--program", "青马工程", "--radius", "2"]),
]


def time_view(db: Path, args: list[str], output: Path) -> dict:
    """One ``kg viz`` run: seconds from start to exit, CPU seconds (a fairer figure on a busy
    machine), peak resident set in MB, exit status and
    the command's summary line."""
    command = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())",
               "viz", *args, "--db", str(db), "-o", str(output)]
    with tempfile.TemporaryFile() as said:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=said, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        said.seek(0)
        text = said.read().decode("utf-8", "replace")
    lines = text.strip().splitlines()
    return {"seconds": round(seconds, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "status": process.returncode,
            "said": lines[0] if lines else ""}


def time_views(db: Path, views: list[tuple[str, list[str]]] = VIEWS) -> list[dict]:
    """Each view of the workspace at db drawn once: [{"view", "args", "seconds", "cpu_s", "peak_mb",
    "status", "said"}], in the order of views."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in views:
            figures = time_view(Path(db), args, Path(tmp) / "page.html")
            results.append({"view": name, "args": " ".join(args), **figures})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, action="append", required=True, help="a workspace; repeat for more")
    parser.add_argument("--view", action="append", choices=[name for name, _ in VIEWS],
                        help="only this view; repeat for more (default: all)")
    args = parser.parse_args(argv)
    views = [v for v in VIEWS if not args.view or v[0] in args.view]
    print(f"{'workspace':<28} {'view':<16} {'seconds':>8} {'CPU s':>8} {'peak MB':>8}  page")
    for db in args.db:
        for r in time_views(db, views):
            print(f"{str(db)[-28:]:<28} {r['view']:<16} {r['seconds']:>8.2f} {r['cpu_s']:>8.2f} {r['peak_mb']:>8.1f}  {r['said']}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
