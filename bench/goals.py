"""The speed goals, checked on the benchmark's figures: what each is, and each figure that
misses it. A goal is read at every size measured; growth is read from the next-to-last size to
the last."""
from __future__ import annotations

from typing import Iterator

FILTERED_S = 0.2          # a filtered canned query, its process's start-up left out
DUMP_OVER_FLOOR = 1.5     # a full answer against its engine's floor for as many rows
FIRST_ROW_S = 0.5         # a full answer's first row
VALIDATE_OVER_BUILD = 2.0
VALIDATE_MB = 2000
VIEW_S = 10.0             # each view of kg viz, start-up included
BUILD_OVER_CEILING = 1.6  # kg build with its projection against the ceiling total


def _misses(results: list[dict]) -> Iterator[tuple[str, list[str]]]:
    """(goal, the figures that miss it) for every goal."""
    from .report import faster_than_input

    def each(label: str, check) -> tuple[str, list[str] | None]:
        missed, unmeasured = [], 0
        for r in results:
            try:
                missed += [f"{m} at N = {r['n']:,}" for m in check(r)]
            except (KeyError, TypeError, ZeroDivisionError):
                missed.append(f"not measured at N = {r['n']:,}")
                unmeasured += 1
        return label, None if unmeasured == len(results) and any("workspace" in r for r in results) else missed

    def filtered(r: dict) -> Iterator[str]:
        for label, queries in r["filtered"].items():
            for q, v in sorted(queries.items()):
                if "s" not in v or v["s"] > FILTERED_S:
                    yield f"{q} {label.split(' ', 1)[0]}: {_s(v)}"

    def dumps(r: dict) -> Iterator[str]:
        for q, v in sorted(r["queries"].items()):
            floor = r["floors"].get(q, {})
            if "s" not in v or "s" not in floor or v["s"] > DUMP_OVER_FLOOR * floor["s"]:
                yield f"{q}: {_s(v)} against a floor of {_s(floor)}"

    def first_rows(r: dict) -> Iterator[str]:
        for q, v in sorted(r["queries"].items()):
            if v.get("first_s") is None or v["first_s"] > FIRST_ROW_S:
                yield f"{q}: first row at {_s({'s': v.get('first_s')}) if 'first_s' in v else _s(v)}"

    def validate(r: dict) -> Iterator[str]:
        v = r["commands"]["kg validate"]
        if "s" not in v or v["s"] > VALIDATE_OVER_BUILD * r["build_s"]:
            yield f"kg validate {_s(v)}, the build {r['build_s']:.1f} s"
        if v.get("peak_mb", 0) > VALIDATE_MB:
            yield f"kg validate held {v['peak_mb']:,.0f} MB"

    def views(r: dict) -> Iterator[str]:
        for c, v in sorted(r["commands"].items()):
            if c.startswith("kg viz") and ("s" not in v or v["s"] > VIEW_S):
                yield f"{c}: {_s(v)}"

    def build(r: dict) -> Iterator[str]:
        ratio = r["build_s"] / r["ceiling_total_s"]
        if ratio > BUILD_OVER_CEILING:
            yield f"{ratio:.2f}× ({r['build_s']:.1f} s against {r['ceiling_total_s']:.1f} s)"

    yield each(f"a filtered query answers in ≤ {FILTERED_S} s in both engines", filtered)
    yield each(f"a full answer is within {DUMP_OVER_FLOOR}× its engine's floor", dumps)
    yield each(f"a full answer prints its first row within {FIRST_ROW_S} s", first_rows)
    yield each(f"kg validate ≤ {VALIDATE_OVER_BUILD:g}× the build and ≤ {VALIDATE_MB:,} MB", validate)
    yield each(f"kg viz draws each view in ≤ {VIEW_S:g} s", views)
    yield each(f"kg build with its projection ≤ {BUILD_OVER_CEILING}× the ceiling total", build)
    if len(results) >= 2:
        yield "no command grows faster than the plans", faster_than_input(results)


def _s(timed: dict) -> str:
    if timed.get("s") is not None:
        return f"{timed['s']:.3f} s" if timed["s"] < 10 else f"{timed['s']:.1f} s"
    if "timeout" in timed:
        return f"> {timed['timeout']:.0f} s"
    return timed.get("error") or (f"stopped past {timed['memory']:,.0f} MB" if "memory" in timed else "-")


def goals(results: list[dict]) -> str:
    """Each goal, met or with the figures that miss it."""
    out = []
    for goal, missed in _misses(results):
        if missed is None:
            out.append(f"-       {goal}: not measured (queries timed on built workspaces)")
            continue
        out.append(f"{'met   ' if not missed else 'missed'}  {goal}")
        out += [f"          {m}" for m in missed]
    return "\n".join(out) + "\n"
