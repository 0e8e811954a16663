"""The data that flows through the loaders: raw documents, canonical text, spans and facts.

read -> RawDocument -> normalize -> Text -> structure -> Layout -> extract -> DocumentFacts
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Union


class ReadError(Exception):
    """A file that cannot be turned into a document; ``str(err)`` names the file and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or, for plain text, one line) as the file holds it."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table as the file holds it: rows of cell texts, header row first. ``merged`` holds the
    (row, column) of each cell that the file merges with the cell above it (its text is "")."""

    rows: tuple[tuple[str, ...], ...]
    merged: frozenset[tuple[int, int]] = frozenset()


Block = Union[Paragraph, Table]


@dataclass
class RawDocument:
    """What a reader gives: the blocks of a file in document order, before normalisation."""

    source: Path
    sha256: str
    media_type: str
    blocks: list[Block]
    encoding: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of the canonical text: ``text[start:end] == quote`` (Unicode code points)."""

    start: int
    end: int
    quote: str


@dataclass
class TableLayout:
    """A task table located in the canonical text: rows of cell spans, header row first;
    ``merged`` holds the start of each cell merged with the cell above it."""

    rows: list[list[Span]]
    merged: frozenset[int] = frozenset()

    @property
    def header(self) -> list[str]:
        return [c.quote.strip() for c in self.rows[0]] if self.rows else []


@dataclass
class Text:
    """The one canonical text of a document; every offset of every later step points into it."""

    text: str
    tables: list[TableLayout] = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])
