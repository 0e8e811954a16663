"""``python -m kg.bench``: how the build grows with the corpus, against what the hardware allows.

A national study reads every province, city and county committee's plans over several years:
ten thousand plans and more. This benchmark makes such a corpus from the five real sample plans
(their sections and work items recombined under issuers drawn from the GB/T 2260 table, over
several years), then times, for each corpus size N:

- ``kg build`` into a fresh workspace, with where the time goes: reading, extraction and graph
  building (CPU seconds summed over the worker processes), store writes (the main process) and
  the projection into the embedded Cypher database;
- every canned query in both engines (``queries/NAME.rq`` and ``NAME.cypher``), median of 3,
  checking that each returns the same rows on every run and in both engines, and beside it the
  engine's *floor* for an answer that long: as many rows read by a single pattern, no join and
  no sort (a statement per row in SPARQL, a relationship's two ends in Cypher), turned into
  text the same way;
- a rebuild with nothing changed, then an incremental rebuild after one plan changed;
- the peak memory of the build's process tree (its main process and workers, by PSS);

and in the same run *the ceiling*: reading every file with one regex pass over it, plus a bulk
load of the very same quads straight into a fresh store (``pyoxigraph.Store.bulk_load``). Our
build times are printed as ratios of that ceiling.

Examples::

    python -m kg.bench                          # N = 100, 1,000 and 10,000 (10,000 takes minutes)
    python -m kg.bench --sizes 100,1000 --json bench.json
    python -m kg.bench --sizes 20 --keep --dir /tmp/kg-bench
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"
DEFAULT_SIZES = (100, 1_000, 10_000)
YEARS = tuple(range(2017, 2024))
CN_DIGITS = "零一二三四五六七八九"
# The ceiling's one pass over every character: the scan for quoted names.
CEILING_RE = re.compile(r"“([^“”\n]{1,40})”")


# -- the synthetic corpus --------------------------------------------------------------------

def chinese_number(n: int) -> str:
    """1..99 as plans number their sections: 一, 十, 十二, 二十三.

    >>> [chinese_number(n) for n in (1, 10, 12, 20, 23)]
    ['一', '十', '十二', '二十', '二十三']
    """
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class SourceSection:
    """A section of a real plan: its heading, the text before its first item, its items."""

    heading: str
    preface: str
    style: str                  # how its items are numbered: arabic (1.), dash (——), shi (一是), paren (（一）)
    items: list[str]            # item texts without their markers


@dataclass
class SourcePlan:
    """The reusable parts of one real plan and the place and year its wording names."""

    name: str
    place_names: tuple[str, ...]
    year: int
    intro: str
    sections: list[SourceSection]
    table: list[list[str]] = field(default_factory=list)    # header row first


def source_plans(folder: Path = SAMPLES) -> list[SourcePlan]:
    """Parse the real sample plans into parts a synthetic plan can be made of."""
    from loaders.normalize import normalize
    from loaders.organizations import issuer_of
    from loaders.readers import read
    from loaders.structure import ITEM_RE, find_tables, parse_layout

    plans = []
    for path in sorted(folder.glob("*.txt")):
        text = normalize(read(path))
        layout = parse_layout(text)
        s = text.text
        issuer = issuer_of(text, layout.header.issuer_lines, layout.header.title).organization
        if issuer.region is None or not layout.sections or layout.header.year is None:
            continue
        region = issuer.region
        line_start = lambda pos: s.rfind("\n", 0, pos) + 1          # noqa: E731
        intro_end = line_start(layout.sections[0].title.start)
        intro = s[layout.header.title.end if layout.header.title else layout.body_start:intro_end].strip()
        sections = []
        for section in layout.sections:
            items = [i for i in layout.items if i.section == section.ordinal and not i.from_table]
            heading_end = s.find("\n", section.title.start)
            preface_end = line_start(items[0].span.start) if items else section.span.end
            preface = s[heading_end:preface_end].strip() if 0 <= heading_end < preface_end else ""
            styles, bodies = [], []
            for item in items:
                m = ITEM_RE.match(s, line_start(item.span.start))
                style = next((k for k in ("arabic", "dash", "shi", "paren") if m and m.group(k)), "dash")
                styles.append(style)
                bodies.append(item.span.quote)
            if bodies:
                style = max(set(styles), key=styles.count)
                sections.append(SourceSection(section.title.quote, preface, style, bodies))
        table = []
        for t in find_tables(text):
            table = [[cell.quote for cell in row] for row in t.rows]
        names = tuple(sorted({region.name, region.short}, key=len, reverse=True))
        plans.append(SourcePlan(path.name, names, layout.header.year, intro, sections, table))
    return plans


def issuer_regions() -> list:
    """Regions whose committee a plan's header names unambiguously, provinces to counties.

    A region is kept when the header this benchmark writes (共青团平罗县委 / 平罗共青团 2020 年工作
    要点) resolves back to it, so every synthetic plan has the issuer it was written for.
    """
    from loaders.model import Text
    from loaders.organizations import committee_of, issuer_of
    from loaders.regions import all_regions

    kept = []
    for region in all_regions().values():
        committee = committee_of(region)
        header = f"{committee.label}\n\n{region.short}共青团 2020 年工作要点\n"
        text = Text(header)
        title_start = header.index(region.short + "共青团")
        found = issuer_of(text, [text.span(0, len(committee.label))], text.span(title_start, len(header) - 1))
        if found.organization.key == committee.key:
            kept.append(region)
    return kept


def _scope_word(region) -> str:
    """How a plan of this region calls its whole area: 全省, 全市, 全县, 全区, 全旗."""
    if region.level == "province":
        return "全区" if region.name.endswith("自治区") else "全省" if region.name.endswith("省") else "全市"
    if region.level == "prefecture":
        return "全州" if region.name.endswith("州") else "全盟" if region.name.endswith("盟") else "全市"
    return {"县": "全县", "区": "全区", "旗": "全旗"}.get(region.name[-1], "全市")


class Synthesizer:
    """Plans made of real sections and items, each under an issuer and year of its own."""

    def __init__(self, seed: int = 2021, sources: list[SourcePlan] | None = None):
        self.seed = seed
        self.sources = sources if sources is not None else source_plans()
        regions = issuer_regions()
        random.Random(seed).shuffle(regions)
        self.regions = regions
        self.pool = [(plan, section) for plan in self.sources for section in plan.sections]
        self.table_source = next((p for p in self.sources if len(p.table) > 2), None)

    def plan(self, i: int) -> tuple[str, str]:
        """The i-th plan: (file name, text). Each (issuer, year) appears once."""
        region = self.regions[i % len(self.regions)]
        round_ = i // len(self.regions)
        year = YEARS[(round_ + int(region.code)) % len(YEARS)]
        rng = random.Random(f"{self.seed}-{i}")
        return f"{i:05d}_{region.code}_{year}.txt", self._text(region, year, rng)

    def _text(self, region, year: int, rng: random.Random) -> str:
        from loaders.organizations import committee_of

        committee = committee_of(region).label
        title = f"{region.short}共青团 {year} 年工作要点"
        scope = _scope_word(region)
        shape = rng.choice(self.sources)
        lines = ["", committee, "", f"{region.short[0]}团发〔{year}〕{rng.randint(1, 30)}号", "",
                 f"关于印发《{region.short}共青团{year}年工作要点》的通知", "",
                 "各级团组织：", "",
                 f"现将《{region.short}共青团{year}年工作要点》印发给你们，请结合实际，认真贯彻落实。", "",
                 committee, "", f"{year}年{rng.randint(1, 5)}月{rng.randint(1, 28)}日", "", title, "",
                 self._adapt(shape.intro, shape, region, year, scope), ""]
        number = 0
        for s_no in range(1, len(shape.sections) + 1):
            source, section = rng.choice(self.pool)
            items = [t for t in section.items if rng.random() > 0.15] or section.items[:1]
            rng.shuffle(items)
            siblings = [s for s in source.sections if s is not section and s.style == section.style]
            if siblings and rng.random() < 0.3:
                items.append(rng.choice(rng.choice(siblings).items))
            lines.append(f"{chinese_number(s_no)}、{self._adapt(section.heading, source, region, year, scope)}")
            if section.preface:
                lines.append(self._adapt(section.preface, source, region, year, scope))
            for k, body in enumerate(items, 1):
                number += section.style == "arabic"         # 1. 2. … run on through the plan
                marker = {"arabic": f"{number}. ", "dash": "——", "shi": f"{chinese_number(k)}是",
                          "paren": f"（{chinese_number(k)}）"}[section.style]
                lines.append(marker + self._adapt(body, source, region, year, scope))
            lines.append("")
        if self.table_source and region.level == "county" and rng.random() < 0.25:
            lines.extend(self._table(region, year, scope, rng))
        return "\n".join(lines) + "\n"

    def _table(self, region, year: int, scope: str, rng: random.Random) -> list[str]:
        """A task table (序号 / 工作内容 / 完成时限 / 责任单位) of real rows, as plain text lays it out."""
        source = self.table_source
        header, rows = source.table[0], source.table[1:]
        rows = rng.sample(rows, k=max(3, len(rows) * 2 // 3))
        out = ["重点工作任务清单", ""]
        for n, row in enumerate([header] + rows):
            cells = list(row)
            if n:
                cells[0] = str(n)
            out.extend("\t" + self._adapt(c, source, region, year, scope) for c in cells)
            out.append("")
        return out

    @staticmethod
    def _adapt(text: str, source: SourcePlan, region, year: int, scope: str) -> str:
        """A source's wording moved to another place and year: 吉林 -> 平罗, 2021年 -> 2019年, 全省 -> 全县."""
        places = "|".join(map(re.escape, source.place_names))
        text = re.sub(places, lambda m: region.name if len(m.group(0)) > len(source.place_names[-1])
                      else region.short, text)
        text = re.sub(rf"{source.year}(\s*年)", rf"{year}\1", text)
        return re.sub(r"全(?:省|市|县|区)(?=[\u4e00-\u9fff])", scope, text)


def synthesize(n: int, folder: Path, seed: int = 2021, synthesizer: Synthesizer | None = None) -> list[Path]:
    """Write n synthetic plans into folder (made afresh); their paths, in order."""
    synthesizer = synthesizer or Synthesizer(seed)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        name, text = synthesizer.plan(i)
        path = folder / name
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


# -- measuring -------------------------------------------------------------------------------

class PeakMemory:
    """Peak memory of a process and all its children together, sampled twice a second.

    Each process counts its proportional set size (PSS): a page shared by several processes
    (the workers fork from the main one) is split between them, not counted once in each, so
    the sum is what the tree really holds. Reading a process's PSS takes about 7 ms per 2 GB
    (the kernel walks its pages), hence the interval: every 50 ms took a quarter of a core from
    the build measured. Without psutil, the largest child's peak resident set.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.5):
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> int:
        import psutil

        root = psutil.Process(self.pid)
        total = 0
        for process in [root, *root.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += process.memory_full_info().pss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        try:
            import psutil  # noqa: F401
        except ImportError:
            return self
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is None:
            import resource
            self.peak = 1024 * resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            return
        self._stop.set()
        self._thread.join()


def _run_here(name: str, args: tuple, answer) -> None:
    from . import pipeline, workspace  # noqa: F401  (imported before the clock starts, as in a warm process)
    from .stores import ladybug  # noqa: F401

    start, cpu = time.perf_counter(), _cpu_seconds()
    try:
        value = globals()[name](*args)
        answer.put(("ok", value, time.perf_counter() - start, _cpu_seconds() - cpu))
    except BaseException as err:      # reported to the parent, which raises it
        answer.put(("error", f"{type(err).__name__}: {err}", 0.0, 0.0))


def _cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and of its children that have ended (workers)."""
    import resource

    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


class Run(NamedTuple):
    """What :func:`in_a_process` measured."""

    value: object
    seconds: float
    peak: int          # bytes
    cpu: float         # CPU seconds, the process and its workers together


def in_a_process(function: Callable, *args) -> Run:
    """Run a function of this module in a fresh process, as ``kg build`` runs in one of its own:
    its value, its seconds, the peak memory of that process and its workers in bytes, and the
    CPU seconds they took.

    The benchmark's own process, which holds the synthetic corpus and has run the smaller
    sizes before, stays out of the figures.
    """
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_run_here, args=(function.__name__, args, answer))
    child.start()
    with PeakMemory(child.pid) as memory:
        while True:
            try:
                status, value, seconds, cpu = answer.get(timeout=1)
                break
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"{function.__name__} died with exit code {child.exitcode}") from None
    child.join()
    if status != "ok":
        raise RuntimeError(value)
    return Run(value, seconds, memory.peak, cpu)


@contextlib.contextmanager
def stopwatch() -> Iterator[dict]:
    """``with stopwatch() as t: ...``; then ``t["s"]`` holds the seconds it took."""
    out = {"s": 0.0}
    start = time.perf_counter()
    try:
        yield out
    finally:
        out["s"] = time.perf_counter() - start


def ceiling_read(files: list[Path]) -> int:
    """Read every file and run one regex over its text: what any reader must at least do."""
    found = 0
    for f in files:
        found += len(CEILING_RE.findall(f.read_bytes().decode("utf-8")))
    return found


def ceiling_load(nquads: Path, folder: Path) -> None:
    """Bulk-load N-Quads straight into a fresh on-disk store: what any build must at least write."""
    import pyoxigraph as ox

    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def dump(db: Path, out: Path) -> int:
    """Every quad of a built workspace as N-Quads; the number of quads."""
    import pyoxigraph as ox

    from .workspace import STORE

    store = ox.Store.read_only(str(db / STORE))
    store.dump(str(out), format=ox.RdfFormat.N_QUADS)
    del store
    count = 0
    with open(out, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            count += chunk.count(b"\n")
    return count


QUERY_RUNS = 3

# The cheapest query with an answer of a given length: one pattern, read as it is stored.
FLOOR_QUERIES = {
    "sparql": "SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT {rows}",
    "cypher": "MATCH (a)-[r]->(b) RETURN a.uri AS a, b.uri AS b LIMIT {rows}",
}


def floor_query(engine: str, rows: int) -> str:
    """The engine's floor for an answer of ``rows`` rows: one pattern, no join, no sort."""
    return FLOOR_QUERIES[engine].format(rows=max(1, rows))


def _time_query(engine: str, name: str, db: Path, answer, floor: int | None = None) -> None:
    from . import engines

    try:
        for _ in range(QUERY_RUNS):
            start = time.perf_counter()
            if floor is None:
                _, rows = engines.run_canned(name, engine, db, {})
            else:
                _, rows = engines.run(engine, db, floor_query(engine, floor))
            seconds = time.perf_counter() - start
            digest = hashlib.sha256("\x1e".join("\x1f".join(row) for row in rows).encode("utf-8")).hexdigest()
            answer.put({"s": seconds, "rows": len(rows), "digest": digest})
    except Exception as err:       # a broken engine is a line of the table, not the end of the run
        answer.put({"error": f"{type(err).__name__}: {err}"})


def time_query(engine: str, name: str, db: Path, timeout: float, floor: int | None = None) -> dict:
    """The median seconds of 3 runs of a canned query, and its row count; with ``floor``, of
    the engine's floor query for that many rows instead (:func:`floor_query`).

    The query runs in a process of its own, stopped when one run takes more than ``timeout``
    seconds: a query that scales badly must not stall the benchmark.
    """
    import multiprocessing
    import queue

    context = multiprocessing.get_context("spawn")
    answer = context.Queue()
    child = context.Process(target=_time_query, args=(engine, name, db, answer, floor), daemon=True)
    child.start()
    runs = []
    try:
        for _ in range(QUERY_RUNS):
            run = answer.get(timeout=timeout + (30 if not runs else 0))     # the first run also starts Python
            if "error" in run:
                return run
            runs.append(run)
    except queue.Empty:
        return {"timeout": timeout}
    finally:
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    return {"s": statistics.median(r["s"] for r in runs), "rows": runs[-1]["rows"],
            "same": len({r["digest"] for r in runs}) == 1, "digest": runs[-1]["digest"]}


def _build(db: Path, paths: list[Path], jobs: int | None) -> tuple[object, dict[str, float]]:
    """A ``kg build`` as the command runs it: open the workspace, build, close (publishing it)."""
    from . import pipeline
    from .workspace import Workspace

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


def measure(n: int, folder: Path, *, jobs: int | None = None, seed: int = 2021,
            synthesizer: Synthesizer | None = None, query_timeout: float = 120,
            log: Callable[[str], None] = lambda s: None) -> dict:
    """Every figure of the benchmark for a corpus of n plans, in folder (made afresh)."""
    import queries as canned

    from . import engines

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    r: dict = {"n": n}
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

    log(f"N={n}: queries")
    r["queries"] = {}
    for name in canned.names():
        for engine in ("sparql", "cypher"):
            try:
                canned.text(name, engine)
                engines.engine(engine)
            except (KeyError, LookupError):
                continue
            r["queries"][f"{name} {engine}"] = got = time_query(engine, name, db, query_timeout)
            if "rows" in got:
                r.setdefault("floors", {})[f"{name} {engine}"] = time_query(
                    engine, name, db, query_timeout, floor=got["rows"])

    # Nothing changed: every file is known by its size and times, but for those written in the
    # moments before the first build saw them (the whole synthetic corpus, seconds old), which
    # are read once more and recorded now; the rebuild after one change then starts from there.
    log(f"N={n}: rebuild with nothing changed")
    (r["unchanged_built"], _, _), r["unchanged_s"], _, _ = in_a_process(built, db, [corpus], jobs)

    log(f"N={n}: incremental rebuild after one plan changed")
    changed = files[len(files) // 2]
    changed.write_text(changed.read_text("utf-8") + "\n本要点由团委办公室负责解释。\n", "utf-8")
    (r["incremental_built"], _, r["incremental_stages"]), r["incremental_s"], _, _ = in_a_process(
        built, db, [corpus], jobs)
    with contextlib.suppress(OSError, ValueError):
        r["incremental_cypher"] = json.loads((db / "cypher.json").read_text("utf-8")).get("how")
    log(f"N={n}: the Cypher database was {r.get('incremental_cypher')}")
    return r


# -- the table -------------------------------------------------------------------------------

def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    if value < 0:                       # a query stopped after this many seconds
        return f"> {-value:.0f} s"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 10 else f"{value:.1f} MB"
    if unit == "n":
        return f"{value:,.0f}"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def rows(results: list[dict]) -> list[tuple[str, list[float | None], str]]:
    """(label, value for each N, unit) for every line of the table."""
    def col(get: Callable[[dict], float | None]) -> list[float | None]:
        out = []
        for r in results:
            try:
                out.append(get(r))
            except (KeyError, TypeError, ZeroDivisionError):
                out.append(None)
        return out

    def ceiling(r: dict) -> float:
        return r["ceiling_read_s"] + r["ceiling_load_s"]

    def rdf_build(r: dict) -> float:
        return r["build_s"] - r["stages"].get("project", 0.0)

    lines = [
        ("corpus (MB of text)", col(lambda r: r["corpus_mb"]), "MB"),
        ("quads", col(lambda r: r["quads"]), "n"),
        ("reading (CPU s in workers)", col(lambda r: r["stages"]["read"]), "s"),
        ("extraction (CPU s in workers)", col(lambda r: r["stages"]["extract"]), "s"),
        ("graph building + Cypher fragment (CPU s in workers)", col(lambda r: r["stages"]["graph"]), "s"),
        ("store writes (writer threads, busy s)", col(lambda r: r["stages"]["store"]), "s"),
        ("projection into Cypher (wall)", col(lambda r: r["stages"]["project"]), "s"),
        ("kg build, RDF (wall)", col(rdf_build), "s"),
        ("kg build, with projection (wall)", col(lambda r: r["build_s"]), "s"),
        ("kg build, with projection (CPU s, every process)", col(lambda r: r["build_cpu_s"]), "s"),
        ("ceiling: read + one regex", col(lambda r: r["ceiling_read_s"]), "s"),
        ("ceiling: bulk load of the same quads", col(lambda r: r["ceiling_load_s"]), "s"),
        ("ceiling: bulk load (CPU s)", col(lambda r: r["ceiling_load_cpu_s"]), "s"),
        ("ceiling total", col(ceiling), "s"),
        ("kg build RDF / ceiling", col(lambda r: rdf_build(r) / ceiling(r)), "x"),
        ("kg build with projection / ceiling", col(lambda r: r["build_s"] / ceiling(r)), "x"),
    ]
    def seconds(timed: dict) -> float:
        return timed.get("s") or -timed["timeout"]

    names = sorted({q for r in results for q in r.get("queries", {})})
    for q in names:
        lines.append((f"query {q}", col(lambda r, q=q: seconds(r["queries"][q])), "s"))
        lines.append(("  floor: as many rows from one pattern", col(lambda r, q=q: seconds(r["floors"][q])), "s"))
    for name in sorted({q.rsplit(" ", 1)[0] for q in names}):
        lines.append((f"rows of {name}", col(lambda r, name=name: r["queries"][f"{name} sparql"]["rows"]), "n"))
    lines += [
        ("rebuild, nothing changed", col(lambda r: r["unchanged_s"]), "s"),
        ("incremental rebuild, one plan changed", col(lambda r: r["incremental_s"]), "s"),
        ("  of which the RDF side", col(lambda r: r["incremental_s"] - r["incremental_stages"]["project"]), "s"),
        ("  of which Cypher database update", col(lambda r: r["incremental_stages"]["project"]), "s"),
        ("peak memory, kg build (PSS, process tree)", col(lambda r: r["build_peak_mb"]), "MB"),
        ("peak memory, ceiling bulk load (PSS)", col(lambda r: r["ceiling_peak_mb"]), "MB"),
    ]
    return lines


def disagreements(results: list[dict]) -> list[str]:
    """Where a canned query's answer changed from one run to the next, or its twins differ."""
    out = []
    for r in results:
        queries = r.get("queries", {})
        for q, v in sorted(queries.items()):
            if v.get("same") is False:
                out.append(f"query {q} at N = {r['n']:,}: the rows changed between runs")
            name, engine = q.rsplit(" ", 1)
            twin = queries.get(f"{name} cypher", {}) if engine == "sparql" else {}
            if v.get("digest") and twin.get("digest") and v["digest"] != twin["digest"]:
                out.append(f"query {name} at N = {r['n']:,}: SPARQL and Cypher return different rows")
    return out


def table(results: list[dict]) -> str:
    """The figures for each N side by side, with how each grows from one N to the next."""
    header = ["", *[f"N = {r['n']:,}" for r in results]]
    header += [f"{b['n'] // a['n']}× N" for a, b in zip(results, results[1:])]
    body = []
    for label, values, unit in rows(results):
        line = [label, *[_fmt(v, unit) for v in values]]
        for a, b in zip(values, values[1:]):
            line.append("-" if a in (None, 0) or b is None or a < 0 or b < 0 or unit == "x" else f"×{b / a:.1f}")
        body.append(line)
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
    out = [" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(header, widths)))]
    out.append("-|-".join("-" * w for w in widths))
    out += [" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
            for row in body]
    errors = [f"{what}query {q} at N = {r['n']:,}: {v['error']}" for r in results
              for what, timings in (("", "queries"), ("floor of ", "floors"))
              for q, v in r.get(timings, {}).items() if "error" in v]
    errors += disagreements(results)
    return "\n".join(out + [f"error: {e}" for e in errors]) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.bench", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="corpus sizes, comma-separated (default: %(default)s)")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: as kg build)")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and workspaces")
    parser.add_argument("--seed", type=int, default=2021, help="seed of the synthetic corpus")
    parser.add_argument("--query-timeout", type=float, default=120,
                        help="stop a query after this many seconds (default: %(default)s)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one size of 1 or more")
    root = args.dir or Path(tempfile.mkdtemp(prefix="kg-bench-"))

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    log(f"{os.cpu_count()} cores; work folder {root}")
    synthesizer = Synthesizer(args.seed)
    results = []
    try:
        for n in sizes:
            results.append(measure(n, root / f"n{n}", jobs=args.jobs, seed=args.seed,
                                   synthesizer=synthesizer, query_timeout=args.query_timeout, log=log))
            if args.json:
                args.json.write_text(json.dumps(results, indent=1), "utf-8")
            if not args.keep:
                shutil.rmtree(root / f"n{n}", ignore_errors=True)
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(table(results), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
