"""Every figure of the benchmark for one corpus size: the build and its ceiling, the queries,
the other commands, and the rebuilds."""
from __future__ import annotations

import contextlib
import json
import shutil
import time
from pathlib import Path
from typing import Callable

from .ceiling import ceiling_copy, ceiling_load, ceiling_read, cypher_rows, dump
from .commands import startup, time_commands
from .corpus import Synthesizer, synthesize
from .query_times import time_query
from .timing import in_a_process, load_average, stopwatch

# The program of the filtered queries (every sample plan pursues it); their body and year are
# the first plan's.
PROGRAM = "青年大学习"


def _build(db: Path, paths: list[Path], jobs: int | None) -> tuple[object, dict[str, float]]:
    """A ``kg build`` as the command runs it: open the workspace, build, close (publishing it)."""
    from kg import pipeline
    from kg.workspace import Workspace

    with Workspace(db, create=True) as ws:
        report = pipeline.build(ws, paths, jobs=jobs)
        stages = dict(getattr(report, "seconds", {}) or {})
        closing = time.perf_counter()
    stages["close"] = time.perf_counter() - closing
    return report, stages


def built(db: Path, paths: list[Path], jobs: int | None) -> tuple[int, list, dict[str, float]]:
    """:func:`_build`, summed up to send between processes: (files built, failures, stages)."""
    report, stages = _build(db, paths, jobs)
    return len(report.built), list(report.failed), stages


def issuer_of(path: Path) -> str:
    """The body a synthetic plan names in its header (its second line)."""
    return path.read_text("utf-8").splitlines()[1]


def query_filters(files: list[Path]) -> dict[str, dict]:
    """The filtered queries' filters, by label: a program, a body, a year (the first plan's,
    which its file name ends with: 00000_320582_2021.txt)."""
    body, year = issuer_of(files[0]), files[0].stem.rsplit("_", 1)[1]
    return {f"--program {PROGRAM}": {"program": PROGRAM},
            f"--organization {body}": {"organization": body},
            f"--year {year}": {"year": year}}


def time_queries(db: Path, filters: dict[str, dict], r: dict, *, timeout: float,
                 save: Callable[[dict], None] = lambda r: None) -> dict:
    """Every canned query in each engine that has it, on a built workspace: unfiltered, its
    engine's floor for as many rows, and with each of ``filters`` (label: the fields of
    ``kg.filters.Filters``); put in ``r`` under queries, floors and filtered, ``save`` called
    after each query."""
    import queries as canned

    from kg import engines

    r["queries"], r["floors"], r["filtered"] = {}, {}, {}
    for name in canned.names():
        for engine in ("sparql", "cypher"):
            try:
                canned.text(name, engine)
                engines.engine(engine)
            except (KeyError, LookupError):
                continue
            key = f"{name} {engine}"
            r["queries"][key] = got = time_query(engine, name, db, timeout)
            if "rows" in got:
                r["floors"][key] = time_query(engine, name, db, timeout, floor=got["rows"])
            for label, given in filters.items():
                r["filtered"].setdefault(label, {})[key] = time_query(engine, name, db, timeout, filters=given)
            save(r)
    return r


def workspace_filters(db: Path) -> dict[str, dict]:
    """The filtered queries' filters on a built workspace: the program most plans name (青年大学习
    when it is there), the issuer and year of the first plan by file name."""
    from kg.engines import run_canned

    columns, documents = run_canned("documents", "sparql", db)
    if not documents:
        raise LookupError(f"{db}: the workspace holds no plan")
    first = dict(zip(columns, documents[0]))
    columns, programs = run_canned("programs", "sparql", db)
    named = [row[columns.index("program")] for row in programs]
    program = PROGRAM if PROGRAM in named else named[0] if named else None
    return {**({f"--program {program}": {"program": program}} if program else {}),
            f"--organization {first['issuer']}": {"organization": first["issuer"]},
            **({f"--year {first['year']}": {"year": first["year"]}} if first["year"] else {})}


def measure_workspace(db: Path, *, query_timeout: float = 120, log: Callable[[str], None] = lambda s: None,
                      save: Callable[[dict], None] = lambda r: None) -> dict:
    """The canned queries' figures on a workspace already built (:func:`time_queries`); N is its
    number of plans."""
    from kg.workspace import Workspace

    with Workspace(db, read_only=True) as ws:
        r: dict = {"n": len(ws.plans()), "load_average": [load_average()], "workspace": str(db)}
    log(f"{db}: {r['n']:,} plans: queries")
    time_queries(db, workspace_filters(db), r, timeout=query_timeout, save=save)
    r["load_average"].append(load_average())
    return r


def measure(n: int, folder: Path, *, jobs: int | None = None, seed: int = 2021,
            synthesizer: Synthesizer | None = None, query_timeout: float = 120, command_timeout: float = 600,
            memory_mb: float = 4000, log: Callable[[str], None] = lambda s: None,
            save: Callable[[dict], None] = lambda r: None) -> dict:
    """Every figure of the benchmark for a corpus of n plans, in folder (made afresh); ``save`` is
    given the figures so far after each step, so that a run stopped early keeps them."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    r: dict = {"n": n, "load_average": [load_average()]}
    corpus = folder / "corpus"
    log(f"N={n}: writing the corpus")
    with stopwatch() as t:
        files = synthesize(n, corpus, seed, synthesizer)
    r["generate_s"] = t["s"]
    r["corpus_mb"] = sum(f.stat().st_size for f in files) / 1e6

    log(f"N={n}: kg build")
    db = folder / "db"
    (count, failed, stages), r["build_s"], peak, r["build_cpu_s"] = in_a_process(built, db, [corpus], jobs)
    r["build_peak_mb"], r["stages"] = peak / 1e6, stages
    r["built"], r["failed"] = count, len(failed)
    if failed:
        log(f"N={n}: {len(failed)} files failed, e.g. {failed[0]}")

    save(r)
    log(f"N={n}: the ceiling")
    nquads = folder / "all.nq"
    r["quads"] = dump(db, nquads)
    with stopwatch() as t:
        ceiling_read(files)
    r["ceiling_read_s"] = t["s"]
    _, r["ceiling_load_s"], peak, r["ceiling_load_cpu_s"] = in_a_process(ceiling_load, nquads, folder / "ceiling-store")
    r["ceiling_peak_mb"] = peak / 1e6
    nquads.unlink()
    shutil.rmtree(folder / "ceiling-store", ignore_errors=True)
    statements, largest = cypher_rows(db / "cypher.lbug", folder / "ceiling-rows")
    _, r["ceiling_cypher_s"], peak, r["ceiling_cypher_cpu_s"] = in_a_process(
        ceiling_copy, statements, folder / "ceiling.lbug", largest)
    r["ceiling_cypher_peak_mb"] = peak / 1e6
    shutil.rmtree(folder / "ceiling-rows", ignore_errors=True)
    shutil.rmtree(folder / "ceiling.lbug", ignore_errors=True)
    r["ceiling_total_s"] = r["ceiling_read_s"] + r["ceiling_load_s"] + r["ceiling_cypher_s"]

    save(r)
    log(f"N={n}: queries")
    time_queries(db, query_filters(files), r, timeout=query_timeout, save=save)

    log(f"N={n}: the other commands, as a user runs them")
    r["startup_s"] = startup()
    r["commands"] = {}
    time_commands(db, folder / "out", (files[0].name, files[-1].name), PROGRAM, timeout=command_timeout,
                  memory_mb=memory_mb, log=lambda s: log(f"N={n}: {s}"), timed=r["commands"], saved=lambda: save(r))
    shutil.rmtree(folder / "out", ignore_errors=True)

    # Nothing changed: every file is known by its size and times, but for those written in the
    # moments before the first build saw them (the whole synthetic corpus, seconds old), which
    # are read once more and recorded now; the rebuild after one change then starts from there.
    log(f"N={n}: rebuild with nothing changed")
    (r["unchanged_built"], _, _), r["unchanged_s"], _, _ = in_a_process(built, db, [corpus], jobs)

    save(r)
    log(f"N={n}: incremental rebuild after one plan changed")
    changed = files[len(files) // 2]
    changed.write_text(changed.read_text("utf-8") + "\n本要点由团委办公室负责解释。\n", "utf-8")
    (r["incremental_built"], _, r["incremental_stages"]), r["incremental_s"], _, _ = in_a_process(
        built, db, [corpus], jobs)
    with contextlib.suppress(OSError, ValueError):
        r["incremental_cypher"] = json.loads((db / "cypher.json").read_text("utf-8")).get("how")
    log(f"N={n}: the Cypher database was {r.get('incremental_cypher')}")
    r["load_average"].append(load_average())
    return r
