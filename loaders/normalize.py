"""The one canonical text of a document, which every later offset points into.

``normalize`` lays the blocks out as lines and rewrites only these things:

1. Layout: paragraphs are joined with "\\n". A Table is set off by a blank line before and after
   and laid out as plain-text task tables are: each cell on its own line as "\\t" + cell text
   (newlines and tabs inside a cell become a space, the cell is stripped), a blank line between
   rows. ``Text.tables`` holds the cell spans (the cell text, without the tab) and which cells
   the file merges with the cell above.
2. Conversion artefacts, line by line: "\\r\\n" and "\\r" become "\\n"; BOM and zero-width
   characters are dropped; NFC (not NFKC: full-width punctuation stays); "[bookmark: …]" markers
   and markdown emphasis markers ``**…**`` / ``__…__`` are removed; "一一" at the start of a
   line (after spaces) becomes the dash "——"; decorative symbols (★ ■ ◆ ● …) are removed,
   except one opening a line (an item's bullet); trailing spaces are stripped (tabs stay, they mark
   table cells); a CJK radical a PDF text layer gives for a character (⼯ for 工, ⻘ for 青)
   becomes that character.
3. Page-break cuts: a line cut mid-sentence is joined, with no separator and without the blank
   lines between, to the next non-blank line (see :func:`is_cut` and :func:`starts_item`).
   Lines starting with a tab (table cells), the lines of a Table and page clutter (a
   breadcrumb, a navigation or publish line: :mod:`loaders.clutter`) are never joined.
4. Runs of three or more blank lines become one blank line.

Examples
--------
>>> from pathlib import Path
>>> from loaders.model import Paragraph, RawDocument
>>> raw = RawDocument(Path("a.txt"), "", "text/plain", [Paragraph("一一**开展**活动。")])
>>> normalize(raw).text
'——开展活动。'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import groupby

from loaders.clutter import is_clutter
from loaders.model import RawDocument, Span, Table, TableLayout, Text

_NEWLINE = re.compile(r"\r\n|\r|\n")
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_BOOKMARK = re.compile(r"\[bookmark: [^\]\n]*\]")
_EMPHASIS = re.compile(r"(\*\*|__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1")
_DASH = re.compile(r"^([ \u3000\xa0]*)一一(?=\S)")
_TRAILING_SPACES = re.compile(r"[ \u3000\xa0]+$")
_DECORATIVE = "★☆■◆◇●▲▼♦"
_DECORATION = re.compile(f"[{_DECORATIVE}]+")
_BULLET = re.compile(f"[ \t\u3000\xa0]*[{_DECORATIVE}](?![{_DECORATIVE}])")
_CELL_SPACE = re.compile(r"\s*[\r\n\t]+\s*")
# PDF text layers often give a radical's code point for the character drawn with the same glyph
# (⼯ for 工, ⻘ for 青). The Kangxi radicals fold by NFKC; the supplement's forms need this table.
_KANGXI = re.compile("[\u2f00-\u2fd5]")
_RADICAL_FORMS = str.maketrans({
    0x2E9D: "月", 0x2EA9: "王", 0x2EBE: "艹", 0x2EC1: "虎", 0x2EC4: "西", 0x2EC5: "见", 0x2EC6: "角",
    0x2EC8: "讠", 0x2EC9: "贝", 0x2ECB: "车", 0x2ECF: "阝", 0x2ED0: "钅", 0x2ED3: "长", 0x2ED4: "门",
    0x2ED6: "阝", 0x2ED8: "青", 0x2ED9: "韦", 0x2EDA: "页", 0x2EDB: "风", 0x2EDC: "飞", 0x2EE0: "饣",
    0x2EE2: "马", 0x2EE3: "骨", 0x2EE4: "鬼", 0x2EE5: "鱼", 0x2EE6: "鸟", 0x2EE7: "卤", 0x2EE8: "麦",
    0x2EE9: "黄", 0x2EEA: "黾", 0x2EEC: "齐", 0x2EEE: "齿", 0x2EF0: "龙", 0x2EF3: "龟",
})

_MIN_CUT_LENGTH = 25
_SENTENCE_END = re.compile(r"[。；！？：:;…!?][”’\"'」』）)】》〕]*$")
_SENTENCE_MARK = re.compile(r"[。；！？]")
_PUNCTUATION = re.compile(r"[，、。；：,;:]")
_NUMERAL = "一二三四五六七八九十"
_HEADING = re.compile(rf"^\s*([{_NUMERAL}]+、|[（(][{_NUMERAL}]+[）)]|\d+\s*[.．、])")
_ITEM = re.compile(
    rf"^([{_DECORATIVE}]|[{_NUMERAL}]+、|[（(][{_NUMERAL}\d]+[）)]|\d+\s*[.．、]|——|[{_NUMERAL}]+是|第[{_NUMERAL}]+|[\u2460-\u2473])"
)


@dataclass(slots=True)
class _Line:
    """A line of the canonical text; ``cell`` is (table, row) for a line holding a Table's cell."""

    text: str
    cell: tuple[int, int] | None = None
    in_table: bool = False


def normalize(raw: RawDocument) -> Text:
    """Build the canonical Text of ``raw`` (see the module docstring for every rewrite)."""
    lines: list[_Line] = []
    tables: list[Table] = []
    for block in raw.blocks:
        if isinstance(block, Table):
            lines.extend(_table_lines(block, len(tables), bool(lines) and lines[-1].text != ""))
            tables.append(block)
        else:
            text = block.text
            parts = _NEWLINE.split(text) if "\n" in text or "\r" in text else [text]
            lines.extend(_Line(clean_line(part)) for part in parts)
    return _assemble(_collapse_blank_runs(_join_cuts(lines)), tables)


def clean_line(line: str) -> str:
    """Remove the conversion artefacts from one line (no newlines in ``line``).

    >>> clean_line("  一一加强[bookmark: _GoBack]__团建__。  ")
    '  ——加强团建。'
    """
    line = unicodedata.normalize("NFC", _INVISIBLE.sub("", line))
    if any("\u2e80" <= ch <= "\u2fdf" for ch in line):
        line = _KANGXI.sub(lambda m: unicodedata.normalize("NFKC", m.group()), line).translate(_RADICAL_FORMS)
    # Each rewrite is tried only on a line holding the characters it needs.
    if "[bookmark: " in line:
        line = _BOOKMARK.sub("", line)
    if "**" in line or "__" in line:
        line = _EMPHASIS.sub(r"\2", line)
    if "一一" in line:
        line = _DASH.sub(r"\1——", line)
    if _DECORATION.search(line):
        line = drop_decoration(line)
    if line.endswith("\n"):
        return _TRAILING_SPACES.sub("", line)
    return line.rstrip(" \u3000\xa0")


def drop_decoration(line: str) -> str:
    """Remove the decorative symbols (★ ■ ◆ ● …) of a web copy; one such symbol opening the
    line is an item's bullet and stays.

    >>> drop_decoration("1.深化政治建设★■★。青联◆■◆、学联"), drop_decoration("● 推动培训常态化。")
    ('1.深化政治建设。青联、学联', '● 推动培训常态化。')
    """
    bullet = _BULLET.match(line)
    keep = bullet.end() if bullet else 0
    return line[:keep] + _DECORATION.sub("", line[keep:])


def is_cut(line: str) -> bool:
    """True if ``line`` looks cut mid-sentence by a page break.

    It is at least 25 characters long, does not end with terminal punctuation (。；！？：…, or a
    closing quote or bracket after one), has punctuation inside (a title such as
    "关于印发《…》的通知" has none), and is not a heading ("一、…", "（一）…", "1. …" without a
    full stop inside).

    >>> is_cut("组织少先队员开展“争做新时代好队员”等主题队日活动，组织动员青少年开展")
    True
    >>> is_cut("一、抓住庆祝中国共产党成立100周年重大契机，不断深化青少年思想政治引领")
    False
    """
    if len(line) < _MIN_CUT_LENGTH:
        return False
    text = line.strip()
    if len(text) < _MIN_CUT_LENGTH or _SENTENCE_END.search(text) or not _PUNCTUATION.search(text):
        return False
    return not (_HEADING.match(text) and not _SENTENCE_MARK.search(text))


def starts_item(line: str) -> bool:
    """True if ``line`` opens a new item or paragraph: an item marker or an indent.

    Markers: 一、 （一） (1) 1. 1、 —— 一是 二是 … 第一 … ① ②, a bullet (★ ●).

    >>> starts_item("——深化青年大学习行动。"), starts_item("一系列形式新颖的活动")
    (True, False)
    """
    return line[:1].isspace() or bool(_ITEM.match(line))


def _table_lines(table: Table, index: int, after_text: bool) -> list[_Line]:
    lines = [_Line("", in_table=True)] if after_text else []
    for row_index, row in enumerate(table.rows):
        if row_index:
            lines.append(_Line("", in_table=True))
        lines.extend(_Line("\t" + _cell_text(cell), (index, row_index), in_table=True) for cell in row)
    lines.append(_Line("", in_table=True))
    return lines


def _cell_text(cell: str) -> str:
    return clean_line(_CELL_SPACE.sub(" ", cell).strip()).strip()


def _join_cuts(lines: list[_Line]) -> list[_Line]:
    lines = list(lines)
    following = _next_non_blank(lines)      # joining two lines makes no line blank
    result: list[_Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        nxt = following[index]
        if nxt is not None and _should_join(line, lines[nxt]):
            lines[nxt] = _Line(line.text + lines[nxt].text)
            index = nxt
        else:
            result.append(line)
            index += 1
    return result


def _next_non_blank(lines: list[_Line]) -> list[int | None]:
    """For each line, the index of the next line that is not blank."""
    out: list[int | None] = [None] * len(lines)
    nxt = None
    for i in range(len(lines) - 1, -1, -1):
        out[i] = nxt
        if not _is_blank(lines[i]):
            nxt = i
    return out


def _should_join(line: _Line, following: _Line) -> bool:
    return len(line.text) >= _MIN_CUT_LENGTH and _joinable(line) and _joinable(following) \
        and is_cut(line.text) and not starts_item(following.text) \
        and not is_clutter(line.text) and not is_clutter(following.text)


def _joinable(line: _Line) -> bool:
    return not line.in_table and not line.text.startswith("\t")


def _is_blank(line: _Line) -> bool:
    return not line.in_table and line.text == ""


def _collapse_blank_runs(lines: list[_Line]) -> list[_Line]:
    result: list[_Line] = []
    for blank, run in groupby(lines, key=_is_blank):
        run = list(run)
        result.extend(run[:1] if blank and len(run) >= 3 else run)
    return result


def _assemble(lines: list[_Line], tables: list[Table]) -> Text:
    layouts = [TableLayout([[] for _ in table.rows]) for table in tables]
    merged: list[set[int]] = [set() for _ in tables]
    offset = 0
    for line in lines:
        if line.cell is not None:
            table, row = line.cell
            cells = layouts[table].rows[row]
            if (row, len(cells)) in tables[table].merged:
                merged[table].add(offset + 1)
            cells.append(Span(offset + 1, offset + len(line.text), line.text[1:]))
        offset += len(line.text) + 1
    for layout, starts in zip(layouts, merged):
        layout.merged = frozenset(starts)
    return Text("\n".join(line.text for line in lines), layouts)
