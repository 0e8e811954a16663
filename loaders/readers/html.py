"""HTML (lxml): the article of a web page, one Paragraph per block, text as the page has it.

The article is the element whose own ``<p>`` children and own text hold the most (readability's choice),
so navigation, breadcrumbs, footers and side bars outside it are left out; scripts, styles,
buttons and ``nav``/``header``/``footer``/``aside`` inside it are removed too. Every block element
(``<p>``, ``<h1>``..``<h6>``, ``<li>``, ``<div>``, ...) and every ``<br>`` ends a paragraph;
whitespace is collapsed the way a browser shows it (runs of ASCII whitespace become one space,
full-width spaces and ``&nbsp;`` stay). A data ``<table>`` (two columns or more, no table nested
in it) becomes a Table block (a cell spanning rows down, ``rowspan``, gives the rows below an empty
cell listed in ``Table.merged``); a layout table is read as paragraphs.

Two things on the page are not body text and are dropped:

- the "info" line under the headline ("发布时间：2021-03-05　来源：…", "作者：…", "浏览次数：…");
  its date goes to ``metadata["published"]`` as YYYY-MM-DD (a ``<meta name="PubDate">`` or
  ``article:published_time`` tag wins over it);
- a headline (``<h1>``..``<h3>``) repeated word for word by one of the two elements after it, as
  when the page puts the document's own title line under its headline; a headline not repeated
  stays.

Info lines are dropped only before the first paragraph of 50 characters or more, so a "时间：…"
line in the body stays.

``metadata["title"]`` is the ``<title>``. The charset comes from a byte-order mark, else the
``<meta charset>`` / ``http-equiv`` declaration, else detection as for plain text.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterator

from loaders.model import Block, Paragraph, RawDocument, ReadError, Table
from loaders.readers.text import decode

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_NOT_CONTENT = (
    "script", "style", "noscript", "template", "iframe",
    "nav", "header", "footer", "aside", "button", "select",
)
_CANDIDATES = ("div", "article", "section", "main", "td", "body")
_HEADLINES = {"h1", "h2", "h3"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
_SPACES = re.compile(" +")
_INFO_LINE = re.compile(r"^(发布时间|发布日期|发文日期|发表时间|时间|日期|来源|作者|浏览次数|点击数|阅读次数|字号)\s*[:：]")
_DATE_LABEL = r"(?:发布时间|发布日期|发文日期|发表时间|时间|日期)\s*[:：]\s*"
_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_DATE_META = ("pubdate", "publishdate", "article:published_time", "dc.date", "dcterms.issued")
_BREAK = "\n"


def read_html(path: Path, data: bytes) -> RawDocument:
    """Read the article of an HTML page into paragraphs (see the module docstring)."""
    from lxml import html as lxml_html

    text, encoding = _decode_page(path, data)
    try:
        root = lxml_html.document_fromstring(_XML_DECLARATION.sub("", text))
    except Exception as err:
        raise ReadError(path, f"cannot parse the HTML: {err}") from err
    metadata = _metadata(root)
    article = _article(root)
    _drop_repeated_headlines(article)
    return RawDocument(
        source=path,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="application/xhtml+xml" if path.suffix.lower() == ".xhtml" else "text/html",
        blocks=_without_info_lines(list(_blocks(article))),
        encoding=encoding,
        metadata=metadata,
    )


def _decode_page(path: Path, data: bytes) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = declared.group(1).decode("ascii").lower()
        encoding = "gb18030" if encoding in {"gb2312", "gbk", "x-gbk"} else encoding
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(path, data)


def _metadata(root) -> dict[str, str]:
    metadata: dict[str, str] = {}
    title = root.findtext(".//title")
    if title and title.strip():
        metadata["title"] = _ASCII_SPACE.sub(" ", title).strip()
    published = _published(root)
    if published:
        metadata["published"] = published
    return metadata


def _published(root) -> str | None:
    """The publication date from a ``<meta>`` tag, else from the first "发布时间：…" on the page."""
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        found = _DATE.match(meta.get("content") or "") if name in _DATE_META else None
        if found:
            return _iso_date(found)
    found = re.search(_DATE_LABEL + _DATE.pattern, root.text_content())
    return _iso_date(found) if found else None


def _iso_date(found: re.Match) -> str:
    year, month, day = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _article(root):
    body = root.find("body")
    body = body if body is not None else root
    best = max(body.iter(*_CANDIDATES), key=_paragraph_text_length, default=body)
    best = best if _paragraph_text_length(best) else body
    for element in list(best.iter(*_NOT_CONTENT)):
        if element is not best and element.getparent() is not None:
            element.drop_tree()
    return best


def _paragraph_text_length(element) -> int:
    """Characters in ``element``'s own ``<p>`` children and in its own text between ``<br>``s."""
    own = [element.text or ""] + [child.tail or "" for child in element]
    return sum(len(p.text_content().strip()) for p in element.iterchildren("p")) + len("".join(own).strip())


def _blocks(article) -> Iterator[Block]:
    lines: list[str] = []
    for piece in _pieces(article):
        if isinstance(piece, Table):
            yield from _paragraphs(lines)
            lines = []
            yield piece
        else:
            lines.append(piece)
    yield from _paragraphs(lines)


def _pieces(element) -> Iterator[str | Table]:
    """The text of ``element`` in order, with ``_BREAK`` wherever a block or ``<br>`` breaks it."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "table" and _is_data_table(element):
        yield _table(element)
        return
    if tag in _BLOCK_TAGS or tag == "br":
        yield _BREAK
    if tag and element.text:
        yield _ASCII_SPACE.sub(" ", element.text)
    for child in element:
        yield from _pieces(child)
        if child.tail:
            yield _ASCII_SPACE.sub(" ", child.tail)
    if tag in _BLOCK_TAGS:
        yield _BREAK


def _paragraphs(pieces: list[str]) -> Iterator[Paragraph]:
    for line in "".join(pieces).split(_BREAK):
        line = _SPACES.sub(" ", line).strip(" ")
        if line:
            yield Paragraph(line)


def _is_data_table(table) -> bool:
    """A table of data, not one that lays out the page: no table inside it, two columns or more."""
    nested = any(inner is not table for inner in table.iter("table"))
    return not nested and any(len(tr.findall("td") + tr.findall("th")) >= 2 for tr in table.iter("tr"))


def _table(table) -> Table:
    """The rows of a data table; a cell merged down over later rows (``rowspan``) gives those rows
    an empty cell in its column, as a merged Word cell does."""
    rows: list[tuple[str, ...]] = []
    merged: set[tuple[int, int]] = set()
    below: dict[int, int] = {}          # column -> how many more rows a merged cell covers

    def continue_merged(row: list[str]) -> None:
        while below.get(len(row), 0) > 0:
            below[len(row)] -= 1
            merged.add((len(rows), len(row)))
            row.append("")

    for tr in table.iter("tr"):
        if tr.getparent() is table or tr.getparent().getparent() is table:
            row: list[str] = []
            for cell in tr.iterchildren("td", "th"):
                continue_merged(row)
                span = _rowspan(cell)
                if span > 1:
                    below[len(row)] = span - 1
                row.append(_cell_text(cell))
            continue_merged(row)
            if row:
                rows.append(tuple(row))
    return Table(tuple(rows), frozenset(merged))


def _rowspan(cell) -> int:
    try:
        return max(1, int(cell.get("rowspan", "1").strip()))
    except ValueError:
        return 1


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in _paragraphs([s for s in _pieces(cell) if isinstance(s, str)]))


def _drop_repeated_headlines(article) -> None:
    for headline in list(article.iter(*_HEADLINES)):
        text = _plain_text(headline)
        if any(_plain_text(sibling) == text for sibling in list(headline.itersiblings())[:2]):
            headline.drop_tree()


def _plain_text(element) -> str:
    return _ASCII_SPACE.sub(" ", element.text_content()).strip(" ")


def _without_info_lines(blocks: list[Block]) -> list[Block]:
    """``blocks`` without the info lines that come before the first long paragraph."""
    long = (i for i, block in enumerate(blocks) if isinstance(block, Paragraph) and len(block.text) >= 50)
    first_long = next(long, len(blocks))
    return [block for index, block in enumerate(blocks) if index >= first_long or not _is_info_line(block)]


def _is_info_line(block: Block) -> bool:
    return isinstance(block, Paragraph) and bool(_INFO_LINE.match(block.text))
