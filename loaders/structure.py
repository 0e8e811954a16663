"""Structure of a work plan: header, top-level sections, work items and task tables.

Every piece is a :class:`~loaders.model.Span` into the canonical text, so that later steps can
quote it.  Plans number their items in several styles (``1.``, ``——``, ``一是``, ``（一）``) and
some carry their task list as a table (序号 / 工作内容 / 完成时限 / 责任单位), either as a real
table or flattened into text (one cell a line, rows separated by blank lines).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .memo import backwards
from .model import Span, TableLayout, Text

CN_DIGITS = "一二三四五六七八九十"

SECTION_RE = re.compile(rf"^[ \t\u3000]*([{CN_DIGITS}]{{1,3}})[、，.．][ \u3000]*(\S.*)$", re.M)
ITEM_RE = re.compile(
    rf"^[ \t\u3000]*(?P<marker>"
    rf"(?P<arabic>\d{{1,3}})(?:[.．、](?!\d)|\s+(?=[\u4e00-\u9fff]))"
    rf"|(?P<dash>——|—{{1,2}}|－－)"
    rf"|(?P<shi>[{CN_DIGITS}]{{1,3}})是"
    rf"|[（(](?P<paren>[{CN_DIGITS}]{{1,3}})[）)]"
    rf")[ \u3000]*", re.M)

DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号")
DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
TITLE_RE = re.compile(r"工作要点|工作计划|工作安排|要点")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
TERMINAL = "。；;！!？?"

TABLE_HEADERS = {
    "number": ("序号", "编号"),
    "content": ("工作内容", "工作任务", "主要任务", "任务内容", "重点工作", "工作事项"),
    "deadline": ("完成时限", "完成时间", "时间节点", "时限"),
    "units": ("责任单位", "牵头单位", "责任部门", "承办单位", "负责单位"),
}


@dataclass
class Header:
    """What a plan says about itself before its body."""

    title: Span | None = None
    year: int | None = None
    doc_number: Span | None = None
    issued: Span | None = None
    issued_date: dt.date | None = None
    issuer_lines: list[Span] = field(default_factory=list)


@dataclass
class Section:
    ordinal: int
    title: Span
    span: Span


@dataclass
class Item:
    """A work item: a numbered paragraph of the body or a row of the task table."""

    ordinal: int
    title: Span
    span: Span
    section: int | None = None
    number: str | None = None
    deadline: Span | None = None
    units: Span | None = None
    from_table: bool = False


@dataclass
class Layout:
    text: Text
    header: Header
    sections: list[Section]
    items: list[Item]
    body_start: int = 0


def _spans_of_lines(text: str, start: int = 0, end: int | None = None):
    """(start, end) of each line between start and end, without the newline."""
    end = len(text) if end is None else end
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        yield pos, stop
        pos = stop + 1


def _strip(text: Text, start: int, end: int) -> Span:
    """The span between start and end without surrounding white space."""
    if end <= start:
        return text.span(start, end)
    stretch = text.text[start:end]
    kept = stretch.strip()
    start += len(stretch) - len(stretch.lstrip())
    return Span(start, start + len(kept), kept)


FIRST_STOP_RE = re.compile("[。！？\n]")


def first_sentence(text: Text, start: int, end: int) -> Span:
    """The first sentence of a stretch (up to and including 。), or the whole stretch."""
    m = FIRST_STOP_RE.search(text.text, start, end)
    if m:
        return _strip(text, start, m.end() if m.group() != "\n" else m.start())
    return _strip(text, start, end)


def find_title(text: Text) -> Span | None:
    """The plan's own title: a short line naming a 工作要点 (not the 通知 that covers it)."""
    best = None
    for start, end in _spans_of_lines(text.text):
        line = text.text[start:end].strip().strip("\t")
        if not line or len(line) > 40 or not TITLE_RE.search(line):
            continue
        if re.search(r"通知|印发|下发|《", line):
            continue
        best = _strip(text, start, end)
        break
    return best


def parse_header(text: Text) -> tuple[Header, int]:
    """The header (title, 文号, issue date, issuer lines) and where the body starts."""
    s = text.text
    header = Header(title=find_title(text))
    title_end = header.title.end if header.title else 0
    front = s[:header.title.start] if header.title else s[:400]
    m = DOC_NUMBER_RE.search(front) or DOC_NUMBER_RE.search(s[:600])
    if m:
        header.doc_number = _strip(text, m.start(), m.end())
    for m in DATE_RE.finditer(front):
        # The signature date of the covering notice, on a line of its own.
        line_start = s.rfind("\n", 0, m.start()) + 1
        line_end = s.find("\n", m.end())
        line = s[line_start:len(s) if line_end < 0 else line_end].strip()
        if line == m.group(0).strip():
            header.issued = text.span(m.start(), m.end())
            header.issued_date = _date(m)
    if header.issued is None:
        # A date standing alone on one of the last lines (a signature at the end of the plan).
        tail_lines = [(a, b) for a, b in _spans_of_lines(s) if s[a:b].strip()][-4:]
        for a, b in tail_lines:
            m = DATE_RE.fullmatch(s[a:b].strip())
            if m:
                off = a + s[a:b].index(m.group(0))
                header.issued = text.span(off, off + len(m.group(0)))
                header.issued_date = _date(m)
    if header.title:
        y = YEAR_RE.search(header.title.quote)
        if y:
            header.year = int(y.group(1))
    if header.year is None and header.issued_date:
        header.year = header.issued_date.year
    header.issuer_lines = [_strip(text, a, b) for a, b in _spans_of_lines(s, 0, header.title.start if header.title else 0)
                           if s[a:b].strip()]
    return header, title_end


def _date(m: re.Match) -> dt.date | None:
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_tables(text: Text) -> list[TableLayout]:
    """Task tables: the reader's own, or flattened ones found in the text."""
    if text.tables:
        return [t for t in text.tables if _columns(t.header)]
    return [t for t in _flattened_tables(text) if _columns(t.header)]


def _columns(header: list[str]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, name in enumerate(header):
        for key, names in TABLE_HEADERS.items():
            if key not in cols and any(n in name for n in names):
                cols[key] = i
    return cols if "content" in cols and len(cols) >= 2 else {}


def _flattened_tables(text: Text) -> list[TableLayout]:
    """Rows of tab-led lines separated by blank lines, as Word tables come out as text."""
    s = text.text
    tables: list[TableLayout] = []
    rows: list[list[Span]] = []
    row: list[Span] = []
    if s.startswith("\t"):
        first = 0
    elif "\n\t" in s:
        first = s.index("\n\t") + 1         # the lines before the first tab-led one hold no table
    else:
        return []
    for start, end in _spans_of_lines(s, first):
        line = s[start:end]
        if line.startswith("\t"):
            row.append(_strip(text, start + 1, end) if line[1:].strip() else text.span(start + 1, start + 1))
            continue
        if row:
            rows.append(row)
            row = []
        if line.strip():
            if rows:
                tables.append(TableLayout(rows))
                rows = []
    if row:
        rows.append(row)
    if rows:
        tables.append(TableLayout(rows))
    out = []
    for t in tables:
        # Drop title rows above the header (a one-cell caption such as 重点工作任务清单).
        while t.rows and not _columns(t.header):
            t.rows.pop(0)
        if t.rows:
            out.append(t)
    return out


def table_items(table: TableLayout, first_ordinal: int) -> list[Item]:
    """One item per row of a task table."""
    cols = _columns(table.header)
    items = []
    for row in table.rows[1:]:
        def cell(key: str) -> Span | None:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) and row[i].quote.strip() else None
        content = cell("content")
        if content is None:
            continue
        number = cell("number")
        items.append(Item(
            ordinal=first_ordinal + len(items), title=_title_of(content), span=content,
            number=number.quote.strip() if number else None,
            deadline=cell("deadline"), units=cell("units"), from_table=True))
    return items


def _title_of(span: Span) -> Span:
    for i, ch in enumerate(span.quote):
        if ch in "。！？":
            return Span(span.start, span.start + i + 1, span.quote[:i + 1])
    return span


def parse_layout(text: Text) -> Layout:
    """Header, sections and items of a plan."""
    header, body_start = parse_header(text)
    tables = find_tables(text)
    table_zone = [(t.rows[0][0].start, t.rows[-1][-1].end) for t in tables if t.rows and t.rows[0]]
    s = text.text

    def in_table(pos: int) -> bool:
        return bool(table_zone) and any(a - 1 <= pos <= b for a, b in table_zone)

    marks: list[tuple[int, str, re.Match]] = []
    for m in SECTION_RE.finditer(s, body_start):
        if not in_table(m.start()) and len(m.group(2)) <= 80:
            marks.append((m.start(), "section", m))
    section_starts = {p for p, _, _ in marks}
    for m in ITEM_RE.finditer(s, body_start):
        if not in_table(m.start()) and m.start() not in section_starts:
            marks.append((m.start(), "item", m))
    marks.extend(_unnumbered_sections(text, body_start, marks, in_table))
    marks.sort(key=lambda x: x[0])

    body_end = min((a for a, _ in table_zone), default=len(s))
    # The table's caption (…任务清单) sits on the line just before it.
    if table_zone:
        caption_start = s.rfind("\n", 0, body_end - 1)
        prev_line_start = s.rfind("\n", 0, max(caption_start, 0)) + 1
        if s[prev_line_start:caption_start].strip() and "清单" in s[prev_line_start:caption_start]:
            body_end = prev_line_start
    sections: list[Section] = []
    items: list[Item] = []
    for i, (pos, kind, m) in enumerate(marks):
        if pos >= body_end:
            break
        nxt = marks[i + 1][0] if i + 1 < len(marks) else body_end
        nxt = min(nxt, body_end)
        if kind == "section":
            line_end = s.find("\n", pos)
            line_end = nxt if line_end < 0 else min(line_end, nxt)
            title_start = m.start(2) if m.lastindex and m.lastindex >= 2 else pos
            sections.append(Section(len(sections) + 1, _strip(text, title_start, line_end), _strip(text, pos, nxt)))
        else:
            body = _strip(text, m.end(), nxt)
            if not body.quote:
                continue
            items.append(Item(ordinal=len(items) + 1, title=first_sentence(text, body.start, body.end),
                              span=body, section=sections[-1].ordinal if sections else None,
                              number=_item_number(m)))
    for t in tables:
        items.extend(table_items(t, len(items) + 1))
    return Layout(text, header, sections, items, body_start)


def _item_number(m: re.Match) -> str | None:
    for key in ("arabic", "shi", "paren"):
        if m.group(key):
            return m.group(key)
    return None


def _unnumbered_sections(text: Text, start: int, marks, in_table) -> list[tuple[int, str, re.Match]]:
    """Section headings without a number (一、), recognised where item numbering restarts.

    Some plans (e.g. a county's) number only the first section; the others stand as a short
    line of their own just before the items restart at 一是 / 1.
    """
    s = text.text
    items = sorted((p, m) for p, k, m in marks if k == "item")
    numbers = [_item_number(m) for _, m in items]
    sections = [p for p, k, _ in marks if k == "section"]
    found = []
    for (p0, _), (p1, _), n0, n1 in zip(items, items[1:], numbers, numbers[1:]):
        if not n1 or n1 not in ("1", "一") or not n0 or n0 in ("1", "一"):
            continue
        if any(p0 < q < p1 for q in sections):
            continue
        # The first short line between the two items is the heading of a new section.
        line_start = s.find("\n", p0) + 1
        while 0 < line_start < p1:
            line_end = s.find("\n", line_start)
            line_end = p1 if line_end < 0 or line_end > p1 else line_end
            line = s[line_start:line_end].strip()
            if line and len(line) <= 40 and not in_table(line_start):
                m = re.compile(r"[ \t\u3000]*()(.+)").match(s, line_start, line_end)
                if m:
                    found.append((line_start, "section", m))
                break
            line_start = line_end + 1
    return found


SENTENCE_BREAK_RE = re.compile("[。！？；\n]")
CLAUSE_BREAK_RE = re.compile("[，,；;。！？\n]")


def _stretch(text: str, pos: int, lo: int, hi: int, breaks: re.Pattern) -> tuple[int, int]:
    """From just after the last break before pos (or lo) to the first break at or after pos (or
    hi): the backward scan is a forward one in the reversed text."""
    if pos > lo:
        n = len(text)
        m = breaks.search(backwards(text), n - pos, n - lo)
        a = n - m.start() if m else lo
    else:
        a = pos
    m = breaks.search(text, pos, hi) if pos < hi else None
    return a, m.start() if m else (pos if pos > hi else hi)


def sentence_bounds(text: str, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The sentence (delimited by 。！？；, line breaks and the given bounds) around pos.

    >>> sentence_bounds("一是学习。 二是开展活动；三是", 8)
    (6, 13)
    """
    hi = len(text) if hi is None else hi
    a, b = _stretch(text, pos, lo, hi, SENTENCE_BREAK_RE)
    if b < hi and text[b] in "。！？；":
        b += 1
    while a < b and text[a] in " \t\u3000":
        a += 1
    return a, b


def clause_bounds(text: str, pos: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The clause (delimited by ，；。 and line breaks) around pos."""
    hi = len(text) if hi is None else hi
    return _stretch(text, pos, lo, hi, CLAUSE_BREAK_RE)
