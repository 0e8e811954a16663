"""Query results as a table for people, CSV for spreadsheets and JSON for programs."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Callable


def width(s: str) -> int:
    """Columns a string takes in a terminal: two for wide (CJK) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _clip(s: str, limit: int) -> str:
    s = s.replace("\n", " ")
    if width(s) <= limit:
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
    cells = [[_clip(v, max_width) for v in row] for row in rows]
    widths = [max([width(c)] + [width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
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
