"""Word .docx (python-docx): body paragraphs and tables in document order.

The body's children are walked directly (``w:p``, ``w:tbl``, and the paragraphs inside content
controls ``w:sdt``) because python-docx lists paragraphs and tables separately. A table cell is
read once however many grid columns (``gridSpan``) it covers; a vertically merged cell has its
text in the first row only, later rows hold "" and are listed in ``Table.merged``. Headers, footers, footnotes, text boxes and
automatic list numbers are not read.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Iterator

from loaders.model import Block, Paragraph, RawDocument, ReadError, Table

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_docx(path: Path, data: bytes) -> RawDocument:
    """Read a .docx file: its body's paragraphs and tables, in order."""
    document = _open(path, data)
    title = (document.core_properties.title or "").strip()
    return RawDocument(
        source=path,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=MEDIA_TYPE,
        blocks=list(_blocks(document.element.body, document)),
        metadata={"title": title} if title else {},
    )


def _open(path: Path, data: bytes):
    import docx

    if data.startswith(_OLE_MAGIC):
        raise ReadError(path, "this is a legacy Word .doc (or .wps) file named .docx: save it as .docx")
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as err:
        raise ReadError(path, f"corrupt .docx: {err}") from err


def _blocks(container, parent) -> Iterator[Block]:
    from docx.text.paragraph import Paragraph as DocxParagraph

    for child in container.iterchildren():
        if child.tag == _W + "p":
            yield Paragraph(DocxParagraph(child, parent).text)
        elif child.tag == _W + "tbl":
            yield _table(child, parent)
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _blocks(content, parent)


def _table(tbl, parent) -> Table:
    from docx.table import _Cell

    rows = []
    merged = set()
    for r, tr in enumerate(tbl.iterchildren(_W + "tr")):
        cells = [tc for tc in tr.iter(_W + "tc") if _is_own_cell(tc, tr)]
        merged.update((r, c) for c, tc in enumerate(cells) if _continues_above(tc))
        rows.append(tuple(_Cell(tc, parent).text for tc in cells))
    return Table(tuple(rows), frozenset(merged))


def _continues_above(tc) -> bool:
    """True for a cell merged with the one above it (``w:vMerge`` without ``restart``)."""
    props = tc.find(_W + "tcPr")
    merge = props.find(_W + "vMerge") if props is not None else None
    return merge is not None and merge.get(_W + "val", "continue") == "continue"


def _is_own_cell(tc, tr) -> bool:
    """True for the cells of row ``tr`` itself, not those of a table nested inside one."""
    row = tc.getparent()
    while row.tag != _W + "tr":
        row = row.getparent()
    return row is tr
