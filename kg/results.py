"""Query results as a table for people, CSV for spreadsheets, JSON and JSON Lines for programs.

The table is for reading: IRIs shortened to a prefix (``doc:000_….txt``), cells cut to a width.
CSV and JSON hold every value whole; JSON and JSON Lines take typed rows (``kg.values``).
"""
from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata
from typing import Callable, Iterable, Iterator, TextIO


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


def _clip(s: str, limit: int) -> tuple[str, int]:
    """s on one line, cut to fit ``limit`` columns with "…" at the end when it is wider; and the
    columns it takes.

    >>> _clip("青年马克思主义者培养工程", 9), _clip("青年大学习", 10), _clip("团委 office", 6)
    (('青年马克…', 9), ('青年大学习', 10), ('团委 …', 6))
    """
    s = s.replace("\n", " ")
    if len(s) <= limit:                       # else it is wider than the limit, wide characters or not
        columns = width(s)
        if columns <= limit:
            return s, columns
    head = s[:limit]                          # more than fits, so the loop stops inside it
    wide, used = set(_wide().findall(head)), 0
    for i, ch in enumerate(head):
        step = 2 if ch in wide else 1
        if used + step > limit - 1:           # a column stays for "…"
            break
        used += step
    return s[:i] + "…", used + 1


@functools.lru_cache(maxsize=1)
def _namespaces() -> list[tuple[str, str]]:
    """(namespace, prefix) pairs the exports declare, longest namespace first, and ``id:`` for the rest
    of the workspace's own IRIs."""
    from . import iri
    from ontology.namespaces import PREFIXES

    pairs = [(ns, name) for name, ns in PREFIXES.items()] + [(iri.BASE + "graph/doc/", "graph"), (iri.BASE, "id")]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def short(value: str) -> str:
    """An IRI as a prefixed name when a known namespace starts it; any other text as it is.

    >>> short("https://w3id.org/cyl-kg/id/doc/a.txt"), short("https://w3id.org/cyl-kg/def#WorkPlan"), short("a")
    ('doc:a.txt', 'cyl:WorkPlan', 'a')
    """
    if value.startswith("http"):
        for namespace, prefix in _namespaces():
            if value.startswith(namespace) and len(value) > len(namespace):
                return f"{prefix}:{value[len(namespace):]}"
    return value


def as_table(columns: list[str], rows: list[list[str]], max_width: int = 40) -> str:
    """Rows in aligned columns, IRIs shortened to prefixed names, each cell cut to ``max_width``
    terminal columns."""
    clipped = [[_clip(short(v), max_width) for v in row] for row in rows]
    widths = [max([width(c)] + [row[i][1] for row in clipped]) for i, c in enumerate(columns)]

    def line(cells) -> str:
        return "  ".join(v + " " * (w - n) for (v, n), w in zip(cells, widths)).rstrip()

    out = [line([(c, width(c)) for c in columns]), line([("-" * w, w) for w in widths])]
    out.extend(line(row) for row in clipped)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def as_csv(columns: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def as_json(columns: list[str], rows: list[list]) -> str:
    """One JSON array of objects, one per row; the values as given (typed rows keep their types)."""
    return json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, indent=1) + "\n"


def as_jsonl(columns: list[str], rows: list[list]) -> str:
    """JSON Lines: one object per row and per line, for answers too long to load as one document."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    return "".join(dumps(dict(zip(columns, r))) + "\n" for r in rows)


PAGE = 1000                         # rows the table holds at once to align its columns


def write(fmt: str, columns: list[str], rows: Iterable[list], out: TextIO) -> None:
    """Write rows to ``out`` in a format as they come: CSV, JSON Lines and JSON a row at a time,
    the table a page of ``PAGE`` rows at a time (each page aligned on its own)."""
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow(row)
    elif fmt == "jsonl":
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for row in rows:
            out.write(dumps(dict(zip(columns, row))) + "\n")
    elif fmt == "json":
        dumps = json.JSONEncoder(ensure_ascii=False, indent=1).encode
        first = True
        for row in rows:
            out.write(("[\n " if first else ",\n ") + dumps(dict(zip(columns, row))).replace("\n", "\n "))
            first = False
        out.write("[]\n" if first else "\n]\n")
    elif fmt == "table":
        count = 0
        for page in _pages(rows, PAGE):
            text = as_table(columns, page)
            body = text[:text.rindex("(")]
            if count:                     # the header once, on the first page
                body = body.split("\n", 2)[2]
            out.write(body)
            count += len(page)
        if not count:
            out.write(as_table(columns, []))
        else:
            out.write(f"({count} row{'s' if count != 1 else ''})\n")
    else:
        raise KeyError(f"no format {fmt!r} (choose from: {', '.join(FORMATS)})")


def _pages(rows: Iterable[list], size: int) -> Iterator[list[list]]:
    page: list[list] = []
    for row in rows:
        page.append(row)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


FORMATS: dict[str, Callable[[list[str], list[list]], str]] = {
    "table": as_table, "csv": as_csv, "json": as_json, "jsonl": as_jsonl}
TYPED = {"json", "jsonl"}           # the formats that take typed rows
