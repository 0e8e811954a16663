"""PDF (pdfplumber): the text layer, with the lines that typesetting broke rejoined into paragraphs.

A line runs on into the next when it reaches the right edge of the text block: its ``x1`` is
within 1.5 character widths of the rightmost ``x1`` of any line in the document, or within 3
widths if it also stops mid-sentence (ragged right edges come from mixed full- and half-width
characters). A line ends its paragraph when it stops short or when the next line sits lower than
usual (paragraph spacing). The last line of a page runs on into the next page by the same width
test. Characters printed twice over (fake bold) are read once. Lines that are only a page number
("- 3 -", "第3页") at the top or bottom of a page are dropped. A ruled table (pdfplumber's
``find_tables``, two rows and two columns or more) is read as a Table where it stands, its cells'
lines joined as a paragraph's, a cell merged down giving the rows below an empty merged cell. Blank lines do not survive:
paragraphs come out one after the other, so a paragraph the source itself cut in two stays cut
here and is joined by ``normalize``.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from loaders.model import Block, Paragraph, RawDocument, ReadError, Table

_FULL_WIDTHS = 1.5
_NEARLY_FULL_WIDTHS = 3.0
_PARAGRAPH_SPACING = 1.4
_SENTENCE_END = re.compile(r"[。；！？：:;…!?.][”’\"'」』）)】》〕]*$")
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d+(\s*页)?(\s*[/／]\s*\d+|\s*共\s*\d+\s*页)?[-—–－\s]*$")


@dataclass(frozen=True)
class _Line:
    text: str
    x1: float
    top: float
    char_width: float
    table: Table | None = None          # a ruled table standing here on the page, instead of a line


def read_pdf(path: Path, data: bytes) -> RawDocument:
    """Read a PDF's text layer into paragraphs; ReadError if it has none or cannot be parsed."""
    pages, metadata = _pages(path, data)
    if not any(pages):
        raise ReadError(path, "no text layer (a scanned PDF?): run OCR first")
    return RawDocument(
        source=path,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="application/pdf",
        blocks=_paragraphs(pages),
        metadata=metadata,
    )


def _paragraphs(pages: list[list[_Line]]) -> list[Block]:
    """Join the lines of ``pages`` into paragraphs (see the module docstring for the rule); a
    ruled table ends the paragraph before it and stands as a Table."""
    text_lines = [[line for line in page if line.table is None] for page in pages]
    right = max((line.x1 for page in text_lines for line in page), default=0.0)
    pitch = _usual_pitch(text_lines)
    blocks: list[Block] = []
    joining = False
    for page in pages:
        for index, line in enumerate(page):
            if line.table is not None:
                blocks.append(line.table)
                joining = False
                continue
            blocks.append(Paragraph(_join(blocks.pop().text, line.text)) if joining else Paragraph(line.text))
            following = page[index + 1] if index + 1 < len(page) else None
            spaced = following is not None and following.top - line.top > _PARAGRAPH_SPACING * pitch
            joining = _reaches_right_edge(line, right) and not spaced
    return blocks


def _pages(path: Path, data: bytes) -> tuple[list[list[_Line]], dict[str, str]]:
    import pdfplumber

    # pdfminer warns once per character about some embedded fonts' missing boxes (Chromium's
    # PDFs): the text is read all the same, so only its errors are let through.
    miner = logging.getLogger("pdfminer")
    level = miner.level
    miner.setLevel(max(level, logging.ERROR))
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
            title = str((pdf.metadata or {}).get("Title") or "").strip()
    except Exception as err:
        raise ReadError(path, f"corrupt or unreadable .pdf: {type(err).__name__} {err}".rstrip()) from err
    finally:
        miner.setLevel(level)
    return pages, ({"title": title} if title else {})


def _page_lines(page) -> list[_Line]:
    page = _without_overprint(page)
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]
    if tables:
        boxes = [t.bbox for t in tables]
        page = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes))
    lines = [
        _Line(raw["text"], raw["x1"], raw["top"], _char_width(raw))
        for raw in _same_lines_merged(page.extract_text_lines(strip=True, return_chars=True))
        if raw["text"].strip()
    ]
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines.pop()
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines.pop(0)
    placed = [_Line("", t.bbox[2], t.bbox[1], 1.0, _table(t)) for t in tables]
    return sorted(lines + placed, key=lambda line: line.top)


def _same_lines_merged(raws: list[dict]) -> list[dict]:
    """Lines that share most of their height are one line: digits set in another font sit a
    little lower than the Chinese around them (共青团某市委2024年工作要点 read as two lines)."""
    out: list[dict] = []
    for raw in raws:
        prev = out[-1] if out else None
        if prev is not None and _overlap(prev, raw) > 0.5 * min(prev["bottom"] - prev["top"], raw["bottom"] - raw["top"]) \
                and (raw["x0"] >= prev["x1"] - 1 or raw["x1"] <= prev["x0"] + 1 or " " in prev["text"] + raw["text"]):
            chars = sorted(prev["chars"] + raw["chars"], key=lambda c: c["x0"])
            text = ""
            for before, char in zip([None] + chars, chars):
                gap = char["x0"] - before["x1"] if before else 0
                text += (" " if before and gap > 0.5 * char["size"] else "") + char["text"]
            out[-1] = {**prev, "text": text.strip(), "chars": chars, "x0": min(prev["x0"], raw["x0"]),
                       "x1": max(prev["x1"], raw["x1"]), "top": min(prev["top"], raw["top"]),
                       "bottom": max(prev["bottom"], raw["bottom"])}
        else:
            out.append(raw)
    return out


def _overlap(a: dict, b: dict) -> float:
    return min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])


def _inside(obj, box) -> bool:
    x0, top, x1, bottom = box
    return obj.get("x0", -1) >= x0 - 1 and obj.get("x1", 1e9) <= x1 + 1 \
        and obj.get("top", -1) >= top - 1 and obj.get("bottom", 1e9) <= bottom + 1


def _table(table) -> Table:
    """A ruled table's rows. A cell another one covers is read once: a cell merged across is
    left out, a cell merged down gives an empty cell listed in ``Table.merged`` (as in .docx)."""
    texts = table.extract()
    rows: list[tuple[str, ...]] = []
    merged: set[tuple[int, int]] = set()
    for r, (row, cells) in enumerate(zip(texts, table.rows)):
        out: list[str] = []
        for c, (text, box) in enumerate(zip(row, cells.cells)):
            if box is not None:
                out.append(_cell_text(text or ""))
            elif _merged_down(table, r, c):
                merged.add((len(rows), len(out)))
                out.append("")
        if out:
            rows.append(tuple(out))
    return Table(tuple(rows), frozenset(merged))


def _merged_down(table, r: int, c: int) -> bool:
    """True if the cell at row r, column c is covered by a cell that starts in a row above."""
    xs = [row.cells[c] for row in table.rows if c < len(row.cells) and row.cells[c] is not None]
    if not xs:
        return False
    own = min(xs, key=lambda box: box[2] - box[0])          # the column's own width, not a caption's
    x = (own[0] + own[2]) / 2
    top, bottom = table.rows[r].bbox[1], table.rows[r].bbox[3]
    y = (top + bottom) / 2
    return any(x0 <= x <= x1 and t <= y <= b and t < top - 0.5 for x0, t, x1, b in table.cells)


def _cell_text(text: str) -> str:
    """A cell's lines joined as a paragraph's are (no space between Chinese characters)."""
    out = ""
    for line in text.split("\n"):
        out = _join(out, line.strip()) if out else line.strip()
    return out


def _without_overprint(page):
    """The page without the doubled characters of fake bold, if it has any (deduping is slow)."""
    seen = set()
    for char in page.chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        if key in seen:
            return page.dedupe_chars()
        seen.add(key)
    return page


def _char_width(raw: dict) -> float:
    sizes = [char["size"] for char in raw["chars"] if char["text"].strip()]
    return statistics.median(sizes) if sizes else raw["x1"] - raw["x0"]


def _usual_pitch(pages: list[list[_Line]]) -> float:
    steps = [b.top - a.top for page in pages for a, b in zip(page, page[1:]) if b.top > a.top]
    return statistics.median(steps) if steps else float("inf")


def _reaches_right_edge(line: _Line, right: float) -> bool:
    short_by = (right - line.x1) / line.char_width
    if short_by <= _FULL_WIDTHS:
        return True
    return short_by <= _NEARLY_FULL_WIDTHS and not _SENTENCE_END.search(line.text)


def _join(left: str, right: str) -> str:
    if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha():
        return f"{left} {right}"
    return left + right
