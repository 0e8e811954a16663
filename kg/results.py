"""Query results as a table for people, CSV for spreadsheets and JSON for programs."""
from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata
from typing import Callable


@functools.lru_cache(maxsize=1)
def _wide() -> re.Pattern:
    """The characters a terminal gives two columns (East Asian Wide and Fullwidth), as one class.

    Made once, from the Unicode database (about 0.2 s).
    """
    ranges: list[tuple[int, int]] = []
    for cp in range(0x110000):
        if unicodedata.east_asian_width(chr(cp)) in "WF":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def width(s: str) -> int:
    """Columns a string takes in a terminal: two for wide (CJK) characters.

    >>> width("abc"), width("青年大学习"), width("团市委 2023")
    (3, 10, 11)
    """
    if s.isascii():
        return len(s)
    return len(s) + len(_wide().findall(s))


def _clip(s: str, limit: int) -> str:
    s = s.replace("\n", " ")
    if len(s) * 2 <= limit or width(s) <= limit:
        return s
    out, used = [], 0
    for ch in s:
        w = width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def as_table(columns: list[str], rows: list[list[str]], max_width: int = 40) -> str:
    """Rows in aligned columns, each cell cut to ``max_width`` terminal columns."""
    cells = [[_clip(v, max_width) for v in row] for row in rows]
    sizes = [[width(v) for v in row] for row in cells]
    widths = [max([width(c)] + [size[i] for size in sizes]) for i, c in enumerate(columns)]

    def line(values: list[str], used: list[int]) -> str:
        return "  ".join(v + " " * (w - n) for v, n, w in zip(values, used, widths)).rstrip()

    out = [line(columns, [width(c) for c in columns]), line(["-" * w for w in widths], widths)]
    out.extend(line(r, n) for r, n in zip(cells, sizes))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def as_csv(columns: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def as_json(columns: list[str], rows: list[list[str]]) -> str:
    return json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=1) + "\n"


FORMATS: dict[str, Callable[[list[str], list[list[str]]], str]] = {
    "table": as_table, "csv": as_csv, "json": as_json}
