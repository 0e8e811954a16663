"""PDF (pdfplumber): the text layer, with the lines that typesetting broke rejoined into paragraphs.

A line runs on into the next when it reaches the right edge of the text block: its ``x1`` is
within 1.5 character widths of the rightmost ``x1`` of any line in the document, or within 3
widths if it also stops mid-sentence (ragged right edges come from mixed full- and half-width
characters). A line ends its paragraph when it stops short or when the next line sits lower than
usual (paragraph spacing). The last line of a page runs on into the next page by the same width
test. Characters printed twice over (fake bold) are read once. Lines that are only a page number
("- 3 -", "第3页") at the top or bottom of a page are dropped. Blank lines do not survive:
paragraphs come out one after the other, so a paragraph the source itself cut in two stays cut
here and is joined by ``normalize``.
"""
from __future__ import annotations

import hashlib
import io
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from loaders.model import Paragraph, RawDocument, ReadError

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


def read_pdf(path: Path, data: bytes) -> RawDocument:
    """Read a PDF's text layer into paragraphs; ReadError if it has none or cannot be parsed."""
    pages, metadata = _pages(path, data)
    if not any(pages):
        raise ReadError(path, "no text layer (a scanned PDF?): run OCR first")
    return RawDocument(
        source=path,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="application/pdf",
        blocks=[Paragraph(text) for text in _paragraphs(pages)],
        metadata=metadata,
    )


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Join the lines of ``pages`` into paragraphs (see the module docstring for the rule)."""
    right = max(line.x1 for page in pages for line in page)
    pitch = _usual_pitch(pages)
    texts: list[str] = []
    joining = False
    for page in pages:
        for index, line in enumerate(page):
            texts.append(_join(texts.pop(), line.text) if joining else line.text)
            following = page[index + 1] if index + 1 < len(page) else None
            spaced = following is not None and following.top - line.top > _PARAGRAPH_SPACING * pitch
            joining = _reaches_right_edge(line, right) and not spaced
    return texts


def _pages(path: Path, data: bytes) -> tuple[list[list[_Line]], dict[str, str]]:
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
            title = str((pdf.metadata or {}).get("Title") or "").strip()
    except Exception as err:
        raise ReadError(path, f"corrupt or unreadable .pdf: {type(err).__name__} {err}".rstrip()) from err
    return pages, ({"title": title} if title else {})


def _page_lines(page) -> list[_Line]:
    lines = [
        _Line(raw["text"], raw["x1"], raw["top"], _char_width(raw))
        for raw in _without_overprint(page).extract_text_lines(strip=True, return_chars=True)
        if raw["text"].strip()
    ]
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines.pop()
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines.pop(0)
    return lines


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
