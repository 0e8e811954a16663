"""``python bench``: how every command grows with the corpus, against what the hardware allows.

A national study reads every province, city and county committee's plans over several years:
ten thousand plans and more. This benchmark makes such a corpus from the five real sample plans
(their sections and work items recombined under issuers drawn from the GB/T 2260 table, over
several years; see bench/corpus.py), then times, for each corpus size N:

- ``kg build`` into a fresh workspace, with where the time goes: reading, extraction and graph
  building (CPU seconds summed over the worker processes), store writes (the main process) and
  the projection into the embedded Cypher database;
- every canned query in both engines, unfiltered and filtered by a program, a body and a year,
  median of 5 in a warm process (through the functions ``kg query`` calls), to the last row and,
  unfiltered, to the first, checking that each returns the same rows on every run and in both
  engines, and beside it the engine's floor for an answer that long (bench/query_times.py);
- ``kg validate``, ``kg viz`` (each view), ``kg stats``, ``kg compare``, ``kg export`` in every
  format and ``kg push sparql`` to a loopback Oxigraph server, each run as a user runs it (a
  process of the ``kg`` command, stopped past --command-timeout or --memory-limit), with the
  start-up of such a process (``kg --version``) apart (bench/commands.py);
- a rebuild with nothing changed, then an incremental rebuild after one plan changed;
- the peak memory of the build's process tree (its main process and workers, by PSS);

and in the same run *the ceiling* (bench/ceiling.py): reading every file with one regex pass,
a bulk load of the very same quads into a fresh Oxigraph store, and Ladybug's ``COPY`` of the
very same rows into a fresh Cypher database. The build is printed as a ratio of the ceiling,
every line with how it grew from one size to the next, the load average beside the figures (the
machine may be shared), and at the end the lines that grew faster than the corpus and the speed
goals with the figures that miss them (bench/goals.py).

From the project's root::

    .venv/bin/python bench                          # N = 100, 1,000 and 10,000 (10,000 takes an hour)
    .venv/bin/python bench --sizes 100,1000 --json bench.json
    .venv/bin/python bench --table bench.json       # the table again, or of a run stopped early
    .venv/bin/python -m bench --sizes 20 --keep --dir /tmp/kg-bench
    .venv/bin/python bench --workspace kg-db        # the canned queries alone, on a workspace built already
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)         # run as `python bench`: import its modules as the package they are

from bench.corpus import Synthesizer  # noqa: E402
from bench.goals import goals  # noqa: E402
from bench.measure import measure  # noqa: E402
from bench.report import table  # noqa: E402

DEFAULT_SIZES = (100, 1_000, 10_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="corpus sizes, comma-separated (default: %(default)s)")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: as kg build)")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and workspaces")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the synthetic corpus")
    parser.add_argument("--query-timeout", type=float, default=120,
                        help="stop a query after this many seconds (default: %(default)s)")
    parser.add_argument("--command-timeout", type=float, default=600,
                        help="stop a command after this many seconds (default: %(default)s)")
    parser.add_argument("--memory-limit", type=float, default=4000, metavar="MB",
                        help="stop a command whose processes hold more than this (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=None,
                        help="also write the figures as JSON here, as each step ends")
    parser.add_argument("--workspace", type=Path, action="append", default=None, metavar="DIR",
                        help="build nothing: time the canned queries on this built workspace (repeat for more, "
                             "smallest first)")
    parser.add_argument("--table", type=Path, default=None, metavar="JSON",
                        help="measure nothing: print the table and goals of figures written by --json")
    args = parser.parse_args(argv)
    if args.table is not None:
        try:
            _print(json.loads(args.table.read_text("utf-8")))
        except (OSError, ValueError) as err:
            parser.error(f"--table {args.table}: {err}")
        return 0
    if args.workspace:
        return _workspaces(args.workspace, args)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 2:
        parser.error("--sizes needs at least one size of 2 or more (kg compare takes two plans)")
    root = args.dir or Path(tempfile.mkdtemp(prefix="kg-bench-"))

    log = _log
    log(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; work folder {root}")
    synthesizer = Synthesizer(args.seed)
    results: list[dict] = []

    def save(partial: dict | None = None) -> None:
        """The figures so far to --json: each size done, and the one being measured."""
        if args.json:
            done = results + ([partial] if partial is not None else [])
            args.json.write_text(json.dumps(done, indent=1, ensure_ascii=False), "utf-8")

    try:
        for n in sizes:
            results.append(measure(n, root / f"n{n}", jobs=args.jobs, seed=args.seed, synthesizer=synthesizer,
                                   query_timeout=args.query_timeout, command_timeout=args.command_timeout,
                                   memory_mb=args.memory_limit, log=log, save=save))
            save()
            if not args.keep:
                shutil.rmtree(root / f"n{n}", ignore_errors=True)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    _print(results)
    return 0


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _workspaces(folders: list[Path], args: argparse.Namespace) -> int:
    """The canned queries timed on workspaces already built, printed and saved as a run's figures."""
    from bench.measure import measure_workspace
    from kg.workspace import WorkspaceError

    results: list[dict] = []

    def save(partial: dict | None = None) -> None:
        if args.json:
            done = results + ([partial] if partial is not None else [])
            args.json.write_text(json.dumps(done, indent=1, ensure_ascii=False), "utf-8")

    _log(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    for db in folders:
        try:
            results.append(measure_workspace(db, query_timeout=args.query_timeout, log=_log, save=save))
        except (LookupError, WorkspaceError) as err:
            print(f"python bench: {err}", file=sys.stderr)
            return 2
        save()
    _print(results)
    return 0


def _print(results: list[dict]) -> None:
    print(f"{os.cpu_count()} cores; load average (1 min) at each size's start and end in the table\n")
    print(table(results), end="")
    print("\nthe speed goals:")
    print(goals(results), end="")


if __name__ == "__main__":
    sys.exit(main())
