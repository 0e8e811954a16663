"""The facts extracted from one document, each with the span of text that states it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Span, Text
from .regions import Region
from .structure import Item, Layout


@dataclass(frozen=True)
class Organization:
    """A body: a League committee, a party or government organ, an affiliated association."""

    key: str                      # stable ASCII key, e.g. "220000/cyl" or "cn/cyl"
    label: str
    kind: str
    level: str | None = None
    region: Region | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None     # key of the body it is a sub-organization of


@dataclass(frozen=True)
class Program:
    """A named program, brand, competition or campaign."""

    key: str                      # scheme id, or "x-" + a hash of the label for one found in text
    label: str
    type: str | None = None
    in_scheme: bool = True


@dataclass(frozen=True)
class Policy:
    """A policy, law or document cited by title in 《》."""

    key: str
    title: str


@dataclass(frozen=True)
class Mention:
    """Where the text names something: the name's span and the sentence around it."""

    span: Span
    sentence: Span


@dataclass
class Target:
    """A quantitative goal: metric, comparator, value, unit, deadline."""

    metric: str
    comparator: str
    value: Decimal
    value_text: str
    unit: str
    span: Span
    sentence: Span
    deadline: Span | None = None
    deadline_date: dt.date | None = None
    program: Program | None = None


@dataclass
class Activity:
    """A work item with what it names."""

    item: Item
    programs: list[tuple[Program, Mention]] = field(default_factory=list)
    organizations: list[tuple[Organization, Mention]] = field(default_factory=list)
    responsible: list[tuple[Organization, Mention]] = field(default_factory=list)
    policies: list[tuple[Policy, Mention]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)


@dataclass
class DocumentFacts:
    """Everything one document says, ready to become a graph."""

    source: str                   # the file name
    path: str
    sha256: str
    media_type: str
    encoding: str | None
    text: Text
    layout: Layout
    issuer: Organization
    issuer_mention: Mention | None
    year: int | None
    title: Span | None
    doc_number: Span | None
    issued: dt.date | None
    issued_span: Span | None
    activities: list[Activity] = field(default_factory=list)
    sections: list = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    kind: str = "plan"            # "plan", or "report": a news report of a body's plan

    def programs(self) -> dict[str, Program]:
        return {p.key: p for a in self.activities for p, _ in a.programs}

    def organizations(self) -> dict[str, Organization]:
        orgs = {self.issuer.key: self.issuer}
        for a in self.activities:
            for o, _ in a.organizations + a.responsible:
                orgs.setdefault(o.key, o)
        return orgs
