"""The benchmark's table: the figures of each corpus size side by side, how each grows from one
size to the next, and what grew faster than its input."""
from __future__ import annotations

from typing import Callable

Line = tuple[str, list[float | None], str]     # label, a value for each N, unit


def _fmt(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    if value < 0:                       # stopped after this many seconds
        return f"> {-value:.0f} s"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "load":
        return f"{value:.1f}"
    if unit == "MB":
        return f"{value:,.0f} MB" if value >= 10 else f"{value:.1f} MB"
    if unit == "n":
        return f"{value:,.0f}"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def _seconds(timed: dict) -> float:
    """A timing's seconds; a timing stopped at its limit as minus that limit (shown "> limit")."""
    return timed["s"] if "s" in timed else -timed["timeout"]


def rows(results: list[dict]) -> list[Line]:
    """(label, value for each N, unit) for every line of the table."""
    def col(get: Callable[[dict], float | None]) -> list[float | None]:
        out = []
        for r in results:
            try:
                out.append(get(r))
            except (KeyError, TypeError, ZeroDivisionError, IndexError):
                out.append(None)
        return out

    def rdf_ceiling(r: dict) -> float:
        return r["ceiling_read_s"] + r["ceiling_load_s"]

    def rdf_build(r: dict) -> float:
        return r["build_s"] - r["stages"].get("project", 0.0)

    lines: list[Line] = [
        ("load average (1 min), at the start", col(lambda r: r["load_average"][0]), "load"),
        ("load average (1 min), at the end", col(lambda r: r["load_average"][1]), "load"),
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
        ("ceiling: Ladybug COPY of the same rows", col(lambda r: r["ceiling_cypher_s"]), "s"),
        ("ceiling: RDF (read + bulk load)", col(rdf_ceiling), "s"),
        ("ceiling total (read + both bulk loads)", col(lambda r: r["ceiling_total_s"]), "s"),
        ("kg build RDF / RDF ceiling", col(lambda r: rdf_build(r) / rdf_ceiling(r)), "x"),
        ("kg build with projection / ceiling total", col(lambda r: r["build_s"] / r["ceiling_total_s"]), "x"),
    ]
    names = sorted({q for r in results for q in r.get("queries", {})})
    labels = list(dict.fromkeys(f for r in results for f in r.get("filtered", {})))
    for q in names:
        lines.append((f"query {q}", col(lambda r, q=q: _seconds(r["queries"][q])), "s"))
        lines.append(("  to its first row", col(lambda r, q=q: r["queries"][q]["first_s"]), "s"))
        lines.append(("  floor: as many rows from one pattern", col(lambda r, q=q: _seconds(r["floors"][q])), "s"))
        for label in labels:
            lines.append((f"  {label.split(' ', 1)[0]}", col(lambda r, q=q, f=label: _seconds(r["filtered"][f][q])), "s"))
    for name in sorted({q.rsplit(" ", 1)[0] for q in names}):
        lines.append((f"rows of {name}", col(lambda r, name=name: r["queries"][f"{name} sparql"]["rows"]), "n"))
        for label in labels:
            lines.append((f"  {label.split(' ', 1)[0]}",
                          col(lambda r, name=name, f=label: r["filtered"][f][f"{name} sparql"]["rows"]), "n"))
    lines.append(("kg start-up (kg --version)", col(lambda r: r["startup_s"]), "s"))
    commands = list(dict.fromkeys(c for r in results for c in r.get("commands", {})))
    for c in commands:
        lines.append((f"{c} (wall, start-up included)", col(lambda r, c=c: _seconds(r["commands"][c])), "s"))
    for c in commands:
        if c.startswith(("kg validate", "kg viz")):
            lines.append((f"peak memory, {c}", col(lambda r, c=c: r["commands"][c]["peak_mb"]), "MB"))
    lines += [
        ("rebuild, nothing changed", col(lambda r: r["unchanged_s"]), "s"),
        ("incremental rebuild, one plan changed", col(lambda r: r["incremental_s"]), "s"),
        ("  of which the RDF side", col(lambda r: r["incremental_s"] - r["incremental_stages"]["project"]), "s"),
        ("  of which Cypher database update", col(lambda r: r["incremental_stages"]["project"]), "s"),
        ("peak memory, kg build (PSS, process tree)", col(lambda r: r["build_peak_mb"]), "MB"),
        ("peak memory, ceiling bulk load (PSS)", col(lambda r: r["ceiling_peak_mb"]), "MB"),
        ("peak memory, ceiling Ladybug COPY (PSS)", col(lambda r: r["ceiling_cypher_peak_mb"]), "MB"),
    ]
    return lines


def disagreements(results: list[dict]) -> list[str]:
    """Where a canned query's answer changed from one run to the next, or its twins differ."""
    out = []
    for r in results:
        runs = [("", r.get("queries", {}))] + [(f" {label}", q) for label, q in r.get("filtered", {}).items()]
        for given, queries in runs:
            for q, v in sorted(queries.items()):
                if v.get("same") is False:
                    out.append(f"query {q}{given} at N = {r['n']:,}: the rows changed between runs")
                name, engine = q.rsplit(" ", 1)
                twin = queries.get(f"{name} cypher", {}) if engine == "sparql" else {}
                if v.get("digest") and twin.get("digest") and v["digest"] != twin["digest"]:
                    out.append(f"query {name}{given} at N = {r['n']:,}: SPARQL and Cypher return different rows")
    return out


def errors(results: list[dict]) -> list[str]:
    """What failed or was stopped, one line each."""
    out = []
    for r in results:
        n = f"N = {r['n']:,}"
        timings = [("query ", r.get("queries", {})), ("floor of query ", r.get("floors", {}))]
        timings += [(f"query ({label}) ", q) for label, q in r.get("filtered", {}).items()]
        timings.append(("", r.get("commands", {})))
        for what, timed in timings:
            for q, v in timed.items():
                if "error" in v:
                    out.append(f"{what}{q} at {n}: {v['error']}")
                elif "memory" in v:
                    out.append(f"{what}{q} at {n}: stopped past {v['memory']:,.0f} MB")
    return out


def _growth(a: float | None, b: float | None, unit: str) -> float | None:
    if a in (None, 0) or b is None or a < 0 or b < 0 or unit in ("x", "load"):
        return None
    return b / a


def faster_than_input(results: list[dict]) -> list[str]:
    """The lines that grew faster than the corpus from the next-to-last size to the last."""
    if len(results) < 2:
        return []
    a, b = results[-2]["n"], results[-1]["n"]
    out = []
    for label, values, unit in rows(results):
        growth = _growth(values[-2], values[-1], unit)
        measured = unit == "s" or label.startswith("peak memory")        # not the input's own size
        if growth is not None and measured and growth > b / a:
            out.append(f"{label.strip()}: ×{growth:.1f} for ×{b / a:g} the plans")
    return out


def table(results: list[dict]) -> str:
    """The figures for each N side by side, with how each grows from one N to the next."""
    header = ["", *[f"N = {r['n']:,}" for r in results]]
    header += [f"{b['n'] / a['n']:g}× N" for a, b in zip(results, results[1:])]
    body = []
    for label, values, unit in rows(results):
        if all(v is None for v in values) and any("workspace" in r for r in results):
            continue            # queries timed on built workspaces: no line of what was not run
        line = [label, *[_fmt(v, unit) for v in values]]
        for a, b in zip(values, values[1:]):
            growth = _growth(a, b, unit)
            line.append("-" if growth is None else f"×{growth:.1f}")
        body.append(line)
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]
    out = [" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(header, widths)))]
    out.append("-|-".join("-" * w for w in widths))
    out += [" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
            for row in body]
    faster = faster_than_input(results)
    if len(results) >= 2:
        a, b = results[-2]["n"], results[-1]["n"]
        out.append(f"grew faster than the plans from N = {a:,} to N = {b:,}: " + ("none" if not faster else ""))
        out += [f"  {line}" for line in faster]
    filters = list(dict.fromkeys(f for r in results for f in r.get("filtered", {})))
    if filters:
        out.append("filtered queries: " + "; ".join(filters))
    return "\n".join(out + [f"error: {e}" for e in errors(results) + disagreements(results)]) + "\n"
