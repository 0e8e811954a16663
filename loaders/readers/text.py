"""Plain text (.txt, .text, .md): detect the encoding, one Paragraph per line.

Lines are kept exactly, leading tabs and blank lines included: the plain-text task tables put
each cell on a line starting with a tab and separate rows with blank lines, and the structure
parser reads that layout.
"""
from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from loaders.model import Paragraph, RawDocument, ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_UNDECODABLE = "not a text file: cannot decode as UTF-8, UTF-16 or GB18030"


def read_text(path: Path, data: bytes) -> RawDocument:
    """Read a plain-text file: decoded ``data``, one Paragraph per line."""
    text, encoding = decode(path, data)
    return RawDocument(
        source=path,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="text/markdown" if path.suffix.lower() == ".md" else "text/plain",
        blocks=[Paragraph(line) for line in split_lines(text)],
        encoding=encoding,
    )


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode ``data`` and name the encoding used.

    Tries a byte-order mark, strict UTF-8, strict GB18030, then charset-normalizer; raises
    ReadError when the bytes are not text (NUL bytes outside UTF-16/32, control characters,
    nothing decodes). A UTF-8 BOM is reported as ``utf-8-sig`` and removed from the text.

    >>> decode(Path("a.txt"), "要点".encode("gb18030"))
    ('要点', 'gb18030')
    """
    text, encoding = _decode_with_bom(data) or _decode_without_bom(path, data)
    if _CONTROL.search(text):
        raise ReadError(path, f"not a text file: control characters after decoding as {encoding}")
    return text, encoding


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` for any newline convention; a final newline adds no empty line."""
    lines = _NEWLINE.split(text)
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def _decode_with_bom(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError:
                return None
    return None


def _decode_without_bom(path: Path, data: bytes) -> tuple[str, str]:
    if b"\x00" in data:
        raise ReadError(path, "not a text file: NUL bytes (binary data, or UTF-16 without a byte-order mark)")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return _guess(path, data)


def _guess(path: Path, data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise ReadError(path, _UNDECODABLE)
    return str(best), best.encoding
