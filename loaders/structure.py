"""Structure of a work plan: header, top-level sections, work items and task tables.

Every piece is a :class:`~loaders.model.Span` into the canonical text, so that later steps can
quote it. Sections are headed 一、 (or 一. 一，), else 第一部分 / 第一章, else （一） when items
stand under those. Items are numbered in several styles (``1.`` ``1、`` ``(1)`` ``①`` ``——``
``一是`` ``第一，`` ``（一）``, bullets ★ ●), an enumeration inside a paragraph (…，一是…；二是…)
giving one item per ordinal; inner numbering hangs under the item above it (``Item.parent``).
Some plans carry their task list as a table (序号 / 工作内容 / 完成时限 / 责任单位, column names in
``ontology/tables.toml``), a real one or flattened into text (one cell a line, rows separated by
blank lines; or a row a line).
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .clutter import clutter_kind, header_cues, is_clutter, publish_date_zone
from .dates import find_dates, written_year
from .memo import backwards
from .model import Span, TableLayout, Text

CN_DIGITS = "一二三四五六七八九十"

SECTION_RE = re.compile(rf"^[ \t\u3000]*([{CN_DIGITS}]{{1,3}})[、，.．][ \u3000]*(\S.*)$", re.M)
ITEM_RE = re.compile(
    rf"^[ \t\u3000]*(?P<marker>"
    rf"(?P<arabic>\d{{1,3}})(?:[.．、](?!\d)|\s+(?=[\u4e00-\u9fff]))"
    rf"|(?P<dash>——|—{{1,2}}|－－|[★☆●◆■](?=[ \u3000]*[\u4e00-\u9fff“]))"
    rf"|(?P<shi>[{CN_DIGITS}]{{1,3}})是"
    rf"|[（(](?P<paren>[{CN_DIGITS}]{{1,3}})[）)]"
    rf"|[（(](?P<paren_arabic>\d{{1,2}})[）)]"
    rf"|(?P<circled>[\u2460-\u2473])"
    rf"|第(?P<ordinal>[{CN_DIGITS}]{{1,3}})[，,、：:]"
    rf")[ \u3000]*", re.M)
# A part or chapter heading (第一部分 思想引领, 第二章 …): a section when no 一、 heading exists.
PART_RE = re.compile(rf"^[ \t\u3000]*第([{CN_DIGITS}]{{1,3}})(?:部分|章|篇)[ \u3000、，,.．:：]*(\S.*)?$", re.M)
# An enumeration inside a paragraph (…，一是…；二是…。 / 第一，…。第二，…): after a clause break.
INLINE_ITEM_RE = re.compile(
    rf"(?:(?<=^)|(?<=[，,。；;：:\s]))(?:(?P<shi>[{CN_DIGITS}]{{1,3}})是|第(?P<ordinal>[{CN_DIGITS}]{{1,3}})[，,、：:])", re.M)

DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*\d{1,4}\s*号")
TITLE_RE = re.compile(r"工作要点|工作计划|工作安排|要点")
YEAR_RE = re.compile(r"((?:19|20)\d{2}|[一二][〇○零一二三四五六七八九]{3})\s*年")
# A school year (2022-2023学年第二学期) spans two calendar years.
# A title may open with its year written bare, without 年 (2024街道团委工作计划).
BARE_TITLE_YEAR_RE = re.compile(r"\s*((?:19|20)\d{2})(?=[\u4e00-\u9fff])")
SCHOOL_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*[-—–~～至到]\s*((?:19|20)\d{2})\s*学?年")
# A year at the start of a sentence or clause of the opening (2024年，… / 2023年我校… / 2020年全市…).
OPENING_YEAR_RE = re.compile(r"(?:^|(?<=[，,。：:；;\s]))((?:19|20)\d{2})\s*年(?:度)?(?!以来|底|末|前|初|上半|下半)")
TERMINAL = "。；;！!？?"
# The lines of a cover page that splits its title (团市委 / 2023 / 工作 / 要点) are this short.
COVER_FRAGMENT = 6
# A cited document's 文号 follows its 《》 title or stands in brackets in running text.
CITED_BEFORE_RE = re.compile(r"(?:》\s*[（(\[［【]?|[（(\[［【])\s*$")

TABLE_COLUMNS = Path(__file__).resolve().parent.parent / "ontology" / "tables.toml"


@functools.cache
def table_columns() -> dict[str, tuple[str, ...]]:
    """The column names of a task table, by column (``ontology/tables.toml``)."""
    return {key: tuple(names) for key, names in _table_cues()["columns"].items()}


@functools.cache
def _table_cues() -> dict:
    with TABLE_COLUMNS.open("rb") as f:
        return tomllib.load(f)


@dataclass
class Header:
    """What a plan says about itself before its body.

    ``issued`` is the document's own date: the date standing alone on a line of the header or
    of the signature at the end; only when there is none, the date of the page's publish line
    (发布时间：…), kept apart in ``published``. ``year`` is the plan year, from the title, else
    the opening sentence, else 今年 with that date, else the document's own date (never a
    page's publish date alone: a page may be posted years later).
    """

    title: Span | None = None
    year: int | None = None
    doc_number: Span | None = None
    issued: Span | None = None
    issued_date: dt.date | None = None
    issuer_lines: list[Span] = field(default_factory=list)
    signed: Span | None = None
    signed_date: dt.date | None = None
    published: Span | None = None
    published_date: dt.date | None = None
    year_span: Span | None = None
    front_end: int = 0
    page_lines: list[Span] = field(default_factory=list)   # the page's breadcrumbs and publish lines at the top


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
    support: Span | None = None                             # a table's 配合单位, after the lead units
    parent: int | None = None                               # the ordinal of the item it stands under
    goals: list[Span] = field(default_factory=list)         # the row's other cells that may state targets


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


def _content_lines(text: str, start: int = 0, end: int | None = None):
    """(start, end) of each line that is neither blank nor page clutter."""
    for a, b in _spans_of_lines(text, start, end):
        line = text[a:b]
        if line.strip() and not is_clutter(line):
            yield a, b


def front_matter_end(text: str, lines: int = 20) -> int:
    """Where the page's own top matter ends: just after the last breadcrumb or navigation line
    among the first lines, when every line above it is short (column names, a date bar), else 0."""
    end = 0
    seen = 0
    for a, b in _spans_of_lines(text):
        line = text[a:b].strip()
        if not line:
            continue
        seen += 1
        if seen > lines or len(line) > 40 and clutter_kind(line) is None or "。" in line:
            break
        if clutter_kind(line) in ("breadcrumb", "navigation"):
            end = min(b + 1, len(text))
    return end


def find_title(text: Text, start: int = 0) -> Span | None:
    """The plan's own title: a short line naming a 工作要点 (not the 通知 that covers it), page
    clutter skipped; a title split over short lines of a cover page is taken whole."""
    s = text.text
    for a, b in _content_lines(s, start):
        line = s[a:b].strip().strip("\t")
        if len(line) > 40 or not TITLE_RE.search(line) or "。" in line:
            continue
        if re.search(r"通知|印发|下发|《", line) or SECTION_RE.match(line) or ITEM_RE.match(line):
            continue
        title = _strip(text, a, b)
        if len(title.quote) <= COVER_FRAGMENT:
            first = _cover_start(s, a, start)
            title = _strip(text, first, b)
        return title
    return None


def _cover_start(s: str, line_start: int, lo: int) -> int:
    """The first of the short lines just above ``line_start`` that carry one title between them."""
    first = line_start
    pos = line_start - 1
    while pos > lo:
        a = s.rfind("\n", lo, pos) + 1
        a = max(a, lo)
        line = s[a:pos].strip()
        if line:
            if len(line) > COVER_FRAGMENT or re.search(r"[，。、；：:,.（）()《》“”]", line) or is_clutter(line):
                break
            first = a
        pos = a - 1
    return first


def title_year(title: str, opening: int | None = None) -> int | None:
    """The year a title names: 2021年工作要点; a cover's year on a line of its own; a school
    year (2022-2023学年), the year the opening states when it is one of the two, else the later.

    >>> title_year("团市委\\n2023\\n工作\\n要点"), title_year("2022-2023学年第二学期工作要点", 2023)
    (2023, 2023)
    """
    school = SCHOOL_YEAR_RE.search(title)
    if school:
        years = (int(school.group(1)), int(school.group(2)))
        return opening if opening in years else max(years)
    m = YEAR_RE.search(title)
    if m:
        return written_year(m.group(1))
    m = re.search(r"(?:^|\n)\s*((?:19|20)\d{2})\s*(?:\n|$)", title)
    if m:
        return int(m.group(1))
    m = BARE_TITLE_YEAR_RE.match(title)        # 2024街道团委工作计划: a year opening the title bare
    return int(m.group(1)) if m else None


def opening_year(text: Text, start: int, end: int) -> tuple[int, Span] | tuple[str, Span] | None:
    """The year the opening statement gives ("2024年，共青团某某区委将…", "2023年我校共青团…",
    "2020年全市共青团工作的总体思路是…"), or ``"this"`` for 今年 (resolved with the document's
    date), with its span; page clutter is skipped."""
    cues = header_cues()["opening"]
    s = text.text
    for a, b in _content_lines(s, start, end):
        found = []
        for m in OPENING_YEAR_RE.finditer(s, a, b):
            found.append((m.start(1), m.end(), int(m.group(1))))
        for word in cues["this_year"]:
            for m in re.finditer(rf"(?:^|(?<=[，,。：:；;\s])){re.escape(word)}", s[a:b]):
                found.append((a + m.start(), a + m.end(), "this"))
        for pos, stop, year in sorted(found, key=lambda f: f[0]):
            lo, hi = sentence_bounds(s, pos, a, b)
            sentence = s[pos:hi]
            if any(c in sentence for c in cues["plan_cues"]) and not any(c in s[lo:hi] for c in cues["review_cues"]):
                return year, text.span(pos, stop)
    return None


def own_doc_number(text: Text, start: int, end: int) -> Span | None:
    """The first 文号 between start and end that is not a cited document's: one right after a
    《》 title or in brackets within running text ("根据《关于…的通知》（某青发〔2019〕12号）")
    belongs to the document cited."""
    s = text.text
    for m in DOC_NUMBER_RE.finditer(s, start, end):
        line_start = s.rfind("\n", 0, m.start()) + 1
        before = s[line_start:m.start()]
        if CITED_BEFORE_RE.search(before) or "《" in before and "》" in before:
            continue
        if s.startswith(tuple(header_cues()["doc_number"]["cited_after"]), m.end()):
            continue
        return _strip(text, m.start(), m.end())
    return None


# What may stand around a date alone on its line: brackets, and 印发 after it (the footer of a
# 文件: 2021年3月5日印发).
DATE_LINE_RE = re.compile(r"[（(]?\s*(.+?)\s*(?:[）)]|印发|印)?")


def _date_line(text: Text, a: int, b: int) -> tuple[Span, dt.date] | None:
    """The date of a line that holds nothing but a date."""
    line = text.text[a:b].strip()
    if not line:
        return None
    offset = a + text.text[a:b].index(line)
    m = DATE_LINE_RE.fullmatch(line)
    lo, hi = offset + m.start(1), offset + m.end(1)
    found = find_dates(text.text, lo, hi)
    if len(found) == 1 and found[0].start == lo and found[0].end == hi:
        return text.span(found[0].start, found[0].end), found[0].date
    return None


def _publish_date(text: Text, lines: int = 15) -> tuple[Span, dt.date] | None:
    """The date on the page's publish line among its first lines (发布时间：2021-03-05 10:21)."""
    s = text.text
    seen = 0
    for a, b in _spans_of_lines(s):
        if not s[a:b].strip():
            continue
        seen += 1
        if seen > lines:
            break
        at = publish_date_zone(s[a:b])
        if at is None:
            continue
        found = find_dates(s, a + at, b)
        if found:
            return text.span(found[0].start, found[0].end), found[0].date
    return None


def parse_header(text: Text) -> tuple[Header, int]:
    """The header (title, 文号, dates, year, issuer lines) and where the body starts."""
    s = text.text
    front_end = front_matter_end(s)
    header = Header(title=find_title(text, front_end), front_end=front_end)
    title_end = header.title.end if header.title else front_end
    front_stop = header.title.start if header.title else min(len(s), front_end + 400)
    header.doc_number = own_doc_number(text, front_end, front_stop) or own_doc_number(text, front_end, min(len(s), front_end + 600))
    if header.title:
        # The signature date of the covering notice, on a line of its own above the title.
        for a, b in _content_lines(s, front_end, header.title.start):
            found = _date_line(text, a, b)
            if found:
                header.signed, header.signed_date = found
    if header.signed is None:
        # A date standing alone on one of the last lines (a signature at the end of the plan).
        for a, b in list(_content_lines(s))[-4:]:
            found = _date_line(text, a, b)
            if found:
                header.signed, header.signed_date = found
    published = _publish_date(text)
    if published:
        header.published, header.published_date = published
    if header.signed is not None:
        header.issued, header.issued_date = header.signed, header.signed_date
    elif header.published is not None:
        header.issued, header.issued_date = header.published, header.published_date
    header.year, header.year_span = _plan_year(text, header, title_end)
    header.issuer_lines = [_strip(text, a, b) for a, b in _content_lines(s, front_end, header.title.start)] \
        if header.title else []
    header.page_lines = [_strip(text, a, b) for a, b in _spans_of_lines(s, 0, min(len(s), max(title_end, front_end) + 200))
                         if is_clutter(s[a:b])]
    return header, title_end


def _plan_year(text: Text, header: Header, body_start: int) -> tuple[int | None, Span | None]:
    s = text.text
    first_mark = [m.start() for m in (SECTION_RE.search(s, body_start), ITEM_RE.search(s, body_start)) if m]
    opening_end = min([body_start + 600, len(s), *first_mark])
    opening = opening_year(text, body_start, opening_end)
    own_date = header.signed_date or header.published_date
    stated = None
    if opening and opening[0] == "this":
        stated = (own_date.year, opening[1]) if own_date else None
    elif opening:
        stated = opening
    if header.title:
        year = title_year(header.title.quote, stated[0] if stated else None)
        if year is not None:
            return year, header.title
    if stated:
        return stated
    if header.signed_date:
        return header.signed_date.year, header.signed
    named = named_plan_year(text, body_start, body_start + 600)
    if named:
        return named
    return None, None


def named_plan_year(text: Text, start: int, end: int) -> tuple[int, Span] | None:
    """The first year in the opening that names the plan or its meeting ("亮出2022年任务书",
    "召开2022年度共青团工作部署会"), a few words allowed between (cue words in header.toml)."""
    names = "|".join(map(re.escape, header_cues()["opening"]["plan_names"]))
    pattern = re.compile(rf"((?:19|20)\d{{2}})\s*年度?[\u4e00-\u9fff]{{0,6}}?(?:{names})")
    for a, b in _content_lines(text.text, start, min(end, len(text.text))):
        m = pattern.search(text.text, a, b)
        if m:
            return int(m.group(1)), text.span(m.start(1), m.end())
    return None


def find_tables(text: Text) -> list[TableLayout]:
    """Task tables: the reader's own, else flattened ones found in the text (cells on tab-led
    lines, or a row a line with its cells set apart by wide spaces or bars); a caption row above
    the header is dropped, and a table with the same columns and no header that follows one
    (its part past a page break) continues it."""
    found = text.tables or _flattened_tables(text) or _line_tables(text)
    tables: list[TableLayout] = []
    for t in found:
        table = _from_header(t)
        if table is not None:
            tables.append(table)
        elif tables and t.rows and all(len(row) == len(tables[-1].rows[0]) for row in t.rows):
            # The rest of the table above, past a page break, without its header row again.
            last = tables[-1]
            tables[-1] = TableLayout(last.rows + t.rows, last.merged | t.merged)
    return tables


def _from_header(table: TableLayout) -> TableLayout | None:
    """The table from its header row on (caption rows such as 重点工作任务清单 dropped), or None
    when no row names a task table's columns."""
    rows = list(table.rows)
    while rows and not _columns([c.quote.strip() for c in rows[0]]):
        rows.pop(0)
    return TableLayout(rows, table.merged) if rows else None


def _columns(header: list[str]) -> dict[str, int]:
    """Which column holds what (number, content, deadline, goal, units, support); each header cell
    names one column at most."""
    cols: dict[str, int] = {}
    for i, name in enumerate(header):
        for key, names in table_columns().items():
            if key not in cols and any(n in name for n in names):
                cols[key] = i
                break
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
    return tables


# Cells of a row laid out on one line: set apart by a tab, two spaces or more, or a bar (|).
CELL_GAP_RE = re.compile(r"\t+|[ \u3000\xa0]{2,}|\u3000|[ \t]*[|｜][ \t]*")


def _line_cells(text: Text, a: int, b: int) -> list[Span]:
    s = text.text
    line = s[a:b]
    lead = len(line) - len(line.lstrip(" \t\u3000|｜"))
    tail = len(line.rstrip(" \t\u3000|｜"))
    cells, pos = [], a + lead
    for m in CELL_GAP_RE.finditer(s, a + lead, a + tail):
        cells.append(text.span(pos, m.start()))
        pos = m.end()
    cells.append(text.span(pos, a + tail))
    return cells


def _line_tables(text: Text) -> list[TableLayout]:
    """Tables flattened a row a line (as PDF text or a plain-text copy lays them out): a header
    line naming the columns, then the lines with as many cells; a line with fewer cells, or
    none, ends the table (a markdown rule line |---| is passed over)."""
    s = text.text
    tables: list[TableLayout] = []
    rows: list[list[Span]] = []
    for a, b in _spans_of_lines(s):
        line = s[a:b]
        if rows and re.fullmatch(r"[\s|｜:：\-—－]+", line) and "-" in line:
            continue
        cells = _line_cells(text, a, b) if line.strip() else []
        if rows and len(cells) == len(rows[0]):
            rows.append(cells)
            continue
        if rows:
            tables.append(TableLayout(rows))
            rows = []
        if len(cells) >= 3 and _columns([c.quote for c in cells]):
            rows = [cells]
    if rows:
        tables.append(TableLayout(rows))
    return [t for t in tables if len(t.rows) >= 2]


def table_items(table: TableLayout, first_ordinal: int) -> list[Item]:
    """One item per row of a task table. A header row repeated where the table runs over a page
    is passed over. A merged cell continues the cell above it: a cell the file merges down, and
    every empty cell of a row without a 序号 of its own (the row continues the task above), so
    the row takes the number, deadline and units of the row above."""
    cols = _columns(table.header)
    header = table.header
    items: list[Item] = []
    above: dict[str, Span] = {}
    for row in table.rows[1:]:
        if [c.quote.strip() for c in row] == header:
            continue

        def cell(key: str) -> Span | None:
            i = cols.get(key)
            return row[i] if i is not None and i < len(row) and row[i].quote.strip() else None
        content = cell("content")
        if content is None:
            continue
        own = {key: cell(key) for key in ("number", "deadline", "units", "support")}
        continued = "number" in cols and own["number"] is None

        def merged_cell(key: str) -> bool:
            i = cols.get(key)
            return i is not None and i < len(row) and (continued or row[i].start in table.merged)
        merged = {key: own[key] or (above.get(key) if merged_cell(key) else None) for key in own}
        above = {key: span for key, span in merged.items() if span is not None}
        number = merged["number"]
        goal = cell("goal")
        items.append(Item(
            ordinal=first_ordinal + len(items), title=_title_of(content), span=content,
            number=number.quote.strip() if number else None,
            deadline=merged["deadline"], units=merged["units"], from_table=True,
            support=merged["support"], goals=[c for c in (own["deadline"], goal) if c is not None]))
    return items


def _title_of(span: Span) -> Span:
    for i, ch in enumerate(span.quote):
        if ch in "。！？":
            return Span(span.start, span.start + i + 1, span.quote[:i + 1])
    return span


def parse_layout(text: Text) -> Layout:
    """Header, sections and items of a plan: the marks that open sections and items (outside the
    task tables), where the body ends, then each section and item up to the next mark; the
    tables' rows are items too."""
    header, body_start = parse_header(text)
    tables = find_tables(text)
    table_zone = [(t.rows[0][0].start, t.rows[-1][-1].end) for t in tables if t.rows and t.rows[0]]

    def in_table(pos: int) -> bool:
        return bool(table_zone) and any(a - 1 <= pos <= b for a, b in table_zone)

    marks = _marks(text, body_start, in_table)
    body_end = _body_end(text.text, table_zone, marks, body_start)
    sections, items = _sections_and_items(text, marks, body_end)
    _link_parents(items)
    for t in tables:
        items.extend(table_items(t, len(items) + 1))
    return Layout(text, header, sections, items, body_start)


Mark = tuple[int, str, re.Match]


def _marks(text: Text, body_start: int, in_table: Callable[[int], bool]) -> list[Mark]:
    """Where each section and item opens, in text order: numbered headings (一、) or parts (第一部分),
    numbered items, （一） headings where nothing else opens a section, unnumbered section
    titles, and items run on in a paragraph."""
    s = text.text
    marks: list[Mark] = []
    for m in SECTION_RE.finditer(s, body_start):
        if not in_table(m.start()) and len(m.group(2)) <= 80:
            marks.append((m.start(), "section", m))
    if not marks:
        marks = [(m.start(), "section", m) for m in PART_RE.finditer(s, body_start)
                 if not in_table(m.start()) and len(m.group(0).strip()) <= 80]
    section_starts = {p for p, _, _ in marks}
    for m in ITEM_RE.finditer(s, body_start):
        if not in_table(m.start()) and m.start() not in section_starts:
            marks.append((m.start(), "item", m))
    if not section_starts:
        marks = _paren_sections(marks)
    marks.extend(_unnumbered_sections(text, body_start, marks, in_table))
    marks.sort(key=lambda x: x[0])
    marks = _with_inline_items(s, body_start, marks, in_table)
    return _with_paragraph_items(s, marks, in_table)


def _body_end(s: str, table_zone: list[tuple[int, int]], marks: list[Mark], body_start: int) -> int:
    """Where the plan's text ends: at its first task table (or the table's caption), or where the
    page's closing lines start."""
    body_end = min((a for a, _ in table_zone), default=len(s))
    body_end = min(body_end, _page_tail(s, marks[0][0] if marks else body_start))
    # The table's caption (…任务清单) sits on the line just before it.
    if table_zone:
        caption_start = s.rfind("\n", 0, body_end - 1)
        prev_line_start = s.rfind("\n", 0, max(caption_start, 0)) + 1
        if s[prev_line_start:caption_start].strip() and "清单" in s[prev_line_start:caption_start]:
            body_end = prev_line_start
    return body_end


def _sections_and_items(text: Text, marks: list[Mark], body_end: int) -> tuple[list[Section], list[Item]]:
    """Each section (its title line and its text) and each item (its text to the next mark)."""
    s = text.text
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
            if m.re is ITEM_RE:             # a （一） heading taken as a section
                title_start = m.end()
            else:
                title_start = m.start(2) if m.lastindex and m.lastindex >= 2 and m.start(2) >= 0 else pos
            sections.append(Section(len(sections) + 1, _strip(text, title_start, line_end), _strip(text, pos, nxt)))
        else:
            body = _strip(text, m.end(), nxt)
            if not body.quote:
                continue
            items.append(Item(ordinal=len(items) + 1, title=first_sentence(text, body.start, body.end),
                              span=body, section=sections[-1].ordinal if sections else None,
                              number=_item_number(m), parent=_level(m)))
    return sections, items


def paragraph_items(text: Text, start: int) -> list[Item]:
    """One item per paragraph of a text that numbers nothing (a news report of a plan states
    one task a paragraph): paragraphs of a sentence or more, page clutter and headlines left out."""
    s = text.text
    items: list[Item] = []
    for a, b in _content_lines(s, start, _page_tail(s, start)):
        body = _strip(text, a, b)
        if len(body.quote) < 30 and "。" not in body.quote:
            continue
        items.append(Item(ordinal=len(items) + 1, title=first_sentence(text, body.start, body.end), span=body))
    return items


def _page_tail(s: str, start: int) -> int:
    """Where the page's bottom matter (share buttons, previous/next links, footers) starts after
    the body's first heading or item: the body ends there."""
    for a, b in _spans_of_lines(s, start):
        if clutter_kind(s[a:b]) in ("chrome", "footer"):
            return a
    return len(s)


def _item_number(m: re.Match) -> str | None:
    found = m.groupdict()
    for key in ("arabic", "shi", "paren", "paren_arabic", "ordinal"):
        if found.get(key):
            return found[key]
    if found.get("circled"):
        return str(ord(found["circled"]) - 0x2460 + 1)
    return None


# Numbering levels, outermost first: （一） > 1. > (1) > ①.
LEVELS = ("paren", "arabic", "paren_arabic", "circled")


def _level(m: re.Match) -> int | None:
    found = m.groupdict()
    return next((i for i, key in enumerate(LEVELS) if found.get(key)), None)


def _link_parents(items: list[Item]) -> None:
    """Give each item numbered at an inner level (1. under （一）, (1) under 1., ① under (1)) the
    ordinal of the item it stands under in its section; ``parent`` holds the level until then."""
    levels = [item.parent for item in items]
    open_at: dict[int, Item] = {}
    section = object()
    for item, level in zip(items, levels):
        item.parent = None
        if item.section != section:
            open_at, section = {}, item.section
        if level is None:
            continue
        outer = [open_at[lv] for lv in range(level) if lv in open_at]
        if outer:
            item.parent = outer[-1].ordinal
        open_at = {lv: it for lv, it in open_at.items() if lv < level}
        open_at[level] = item


PARAGRAPH_RE = re.compile(r"[ \t\u3000]*")


def _with_paragraph_items(s: str, marks, in_table) -> list[tuple[int, str, re.Match]]:
    """Add one item per paragraph of a section that numbers none (its tasks stated as prose, a
    paragraph each), unless its heading names the plan's frame (指导思想, 总体要求 …)."""
    frame = _table_cues()["sections"]["frame_titles"]
    bounds = [p for p, _, _ in marks] + [len(s)]
    added = []
    for i, (p, k, m) in enumerate(marks):
        if k != "section" or i + 1 < len(marks) and marks[i + 1][1] != "section":
            continue
        heading_end = s.find("\n", p, bounds[i + 1])
        if heading_end < 0 or any(w in s[p:heading_end] for w in frame):
            continue
        for a, b in _content_lines(s, heading_end + 1, bounds[i + 1]):
            line = s[a:b].strip()
            if in_table(a) or len(line) < 15 or "。" not in line and "；" not in line:
                continue
            added.append((a, "item", PARAGRAPH_RE.match(s, a)))
    return sorted(marks + added, key=lambda x: x[0])


def _paren_sections(marks: list[tuple[int, str, re.Match]]) -> list[tuple[int, str, re.Match]]:
    """With no 一、 heading, （一）（二） headings with items of their own under them are the
    sections; (一) items with nothing numbered under them stay items."""
    marks = sorted(marks, key=lambda x: x[0])
    paren = [i for i, (_, _, m) in enumerate(marks) if m.groupdict().get("paren")]
    under = any(i + 1 < len(marks) and not marks[i + 1][2].groupdict().get("paren") for i in paren)
    if len(paren) < 2 or not under:
        return marks
    return [(p, "section" if i in paren else k, m) for i, (p, k, m) in enumerate(marks)]


def _with_inline_items(s: str, start: int, marks, in_table) -> list[tuple[int, str, re.Match]]:
    """Add the items a section enumerates inside its paragraphs (…，一是…；二是… / 第一，…第二，…)
    when no item of the section starts a line: one item from each ordinal to the next, counted
    from 一 without a gap."""
    bounds = [p for p, _, _ in marks] + [len(s)]
    # A section's text when no item starts a line in it, after its heading line; an item opening
    # with 一是 / 第一， at the start of a line, where its 二是 / 第二， follow.
    stretches = []
    for i, (p, k, m) in enumerate(marks):
        if k == "section" and (i + 1 == len(marks) or marks[i + 1][1] == "section"):
            line_end = s.find("\n", p, bounds[i + 1])
            stretches.append(([], bounds[i + 1] if line_end < 0 else line_end, bounds[i + 1]))
        elif k == "item" and (m.group("shi") or m.group("ordinal")) == "一":
            stretches.append(([m], m.end(), bounds[i + 1]))
    if not marks:
        stretches = [([], start, len(s))]
    added = []
    for opened, a, b in stretches:
        found = list(opened)
        for m in INLINE_ITEM_RE.finditer(s, a, b):
            number = _item_number(m)
            if in_table(m.start()) or number != CN_DIGITS[len(found) % 10] or found and \
                    (m.group("shi") is None) != (found[0].group("shi") is None):
                continue
            found.append(m)
        if len(found) >= 2:
            added.extend((m.start(), "item", m) for m in found[len(opened):])
    return sorted(marks + added, key=lambda x: x[0])


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
