"""Readers: one registry from file suffix to the function that turns such a file into a RawDocument.

Like rdflib's plugin registry, a suffix maps to an implementation named ``"module:function"``
that is imported only when a file of that kind is read, so reading a .txt never imports
pdfplumber. Third parties add their own with :func:`register`.

Examples
--------
>>> from pathlib import Path
>>> reader_for(Path("plan.docx")).__name__
'read_docx'
>>> read(Path("plan.xyz"))
Traceback (most recent call last):
...
loaders.model.ReadError: plan.xyz: unsupported file type '.xyz' (readable: .doc, .docx, .htm, .html, .md, .pdf, .rtf, .text, .txt, .wps, .xhtml)
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable, Union

from loaders.model import Paragraph, RawDocument, ReadError

Reader = Callable[[Path, bytes], RawDocument]
"""A reader gets the path (for messages and ``source``) and the file's bytes."""

_READERS: dict[str, Union[Reader, str]] = {
    ".txt": "loaders.readers.text:read_text",
    ".text": "loaders.readers.text:read_text",
    ".md": "loaders.readers.text:read_text",
    ".docx": "loaders.readers.docx:read_docx",
    ".pdf": "loaders.readers.pdf:read_pdf",
    ".html": "loaders.readers.html:read_html",
    ".htm": "loaders.readers.html:read_html",
    ".xhtml": "loaders.readers.html:read_html",
    ".doc": "loaders.readers.legacy:read_legacy",
    ".wps": "loaders.readers.legacy:read_legacy",
    ".rtf": "loaders.readers.legacy:read_legacy",
}

_LEGACY = {".doc", ".wps", ".rtf", ".et", ".xls", ".ppt"}


def register(suffix: str, reader: Union[Reader, str]) -> None:
    """Make ``reader`` (a callable or ``"module:function"``) read files ending in ``suffix``."""
    _READERS[_canonical_suffix(suffix)] = reader


def suffixes() -> list[str]:
    """The file suffixes a reader is registered for, sorted."""
    return sorted(_READERS)


def reader_for(path: Path | str) -> Reader:
    """The reader registered for ``path``'s suffix; ReadError if there is none."""
    path = Path(path)
    suffix = path.suffix.lower()
    entry = _READERS.get(suffix)
    if entry is None:
        raise ReadError(path, _unsupported_reason(suffix))
    if isinstance(entry, str):
        entry = _load(path, entry)
        _READERS[suffix] = entry
    return entry


def read(path: Path | str) -> RawDocument:
    """Read one file into a RawDocument with the reader for its suffix.

    Raises ReadError for a missing or unreadable file, an unsupported suffix, an empty file
    (no bytes, or nothing but whitespace once decoded) and whatever the reader rejects.
    """
    path = Path(path)
    reader = reader_for(path)
    data = _file_bytes(path)
    if not data:
        raise ReadError(path, "empty file")
    document = reader(path, data)
    if not any(_has_text(block) for block in document.blocks):
        raise ReadError(path, "empty file")
    return document


def _canonical_suffix(suffix: str) -> str:
    suffix = suffix.lower()
    return suffix if suffix.startswith(".") else "." + suffix


def _unsupported_reason(suffix: str) -> str:
    if not suffix:
        return "unsupported file type (no suffix; name it .txt, .docx, .pdf or .html)"
    if suffix in _LEGACY:
        return f"unsupported file type '{suffix}' (save it as .docx, .pdf or .txt)"
    return f"unsupported file type '{suffix}' (readable: {', '.join(suffixes())})"


def _load(path: Path, target: str) -> Reader:
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        reason = f"reading '{path.suffix}' files needs the Python module '{err.name}', which is not installed"
        raise ReadError(path, reason) from err
    return getattr(module, function_name)


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise ReadError(path, "no such file") from err
    except IsADirectoryError as err:
        raise ReadError(path, "is a directory, not a file") from err
    except OSError as err:
        raise ReadError(path, f"cannot read: {err.strerror or err}") from err


def _has_text(block: object) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell.strip() for row in getattr(block, "rows", ()) for cell in row)
