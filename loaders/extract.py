"""The loader pipeline: read -> normalize -> structure -> extract, one document at a time."""
from __future__ import annotations

import bisect
import hashlib
import re
from pathlib import Path

import ahocorasick

from . import lexicon
from .facts import Activity, DocumentFacts, Mention, Policy, Program, Target
from .intervals import Intervals
from .kinds import REPORT, NotAPlan, continued_statement_year, document_kind
from .model import RawDocument, ReadError, Span, Text
from .normalize import normalize
from .issuers import issuer_of
from .organizations import find_organizations, responsible_units
from .programs import POLICY_RE, ProgramMention, find_programs, quotes
from .readers import read
from .structure import Item, Layout, clause_bounds, paragraph_items, parse_layout, sentence_bounds
from .targets import deadline_date, deadline_in, parse_targets


def load(path: Path | str) -> DocumentFacts:
    """All the facts of one file. Raises ReadError for a file that cannot be read."""
    return extract(read(Path(path)))


def extract(raw: RawDocument) -> DocumentFacts:
    text = normalize(raw)
    layout = parse_layout(text)
    kind = check_work_plan(raw, layout)
    # A plan that numbers nothing (an opening that states the year's plan and goes on in
    # paragraphs), or a report whose only table is not its tasks, has one item per paragraph;
    # a plan whose items are the rows of its task table keeps them alone.
    if not layout.items or (kind == REPORT and all(item.from_table for item in layout.items)):
        layout.items = paragraph_items(text, layout.body_start) + layout.items
    header = layout.header
    found = issuer_of(text, header.issuer_lines, header.title, doc_number=header.doc_number,
                      document=raw.source.name)
    issuer = found.organization
    year = header.year
    if kind == REPORT and year is None:
        year = continued_statement_year(layout)
    # A report's page date is the news's, not the reported plan's: it dates 今年 only.
    issued, issued_span = (header.signed_date, header.signed) if kind == REPORT else (header.issued_date, header.issued)
    facts = DocumentFacts(
        source=raw.source.name, path=str(raw.source), sha256=raw.sha256, media_type=raw.media_type,
        encoding=raw.encoding, text=text, layout=layout, issuer=issuer,
        issuer_mention=_mention(text, found.span) if found.span else None, year=year,
        title=header.title, doc_number=header.doc_number, issued=issued,
        issued_span=issued_span, sections=layout.sections, metadata=dict(raw.metadata), kind=kind)
    openings = [(i.title.start, i.title.end) for i in layout.items if not i.from_table]
    programs = _with_repeats(text, find_programs(text, layout.body_start, openings=openings), layout.body_start)
    program_starts = [pm.span.start for pm in programs]
    quoted = Intervals([(m.start(), m.end()) for m in quotes(text.text)] +
                       [(m.start(), m.end()) for m in POLICY_RE.finditer(text.text)])
    own_title = header.title.quote.replace(" ", "") if header.title else ""
    headings = _Headings(text, layout, programs)
    for item in layout.items:
        activity = Activity(item)
        lo, hi = item.span.start, item.span.end
        first, last = bisect.bisect_left(program_starts, lo), bisect.bisect_left(program_starts, hi)
        activity.programs = [(pm.program, _mention(text, pm.span, lo, hi)) for pm in programs[first:last]]
        activity.organizations = [(org, _mention(text, span, lo, hi))
                                  for org, span in find_organizations(text, lo, hi, issuer)]
        for cell in (item.units, item.support):             # lead units first, then supporting ones
            if cell:
                activity.responsible += [(org, _mention(text, span, cell.start, cell.end))
                                         for org, span in responsible_units(text, cell, issuer)]
        for m in POLICY_RE.finditer(text.text, lo, hi):
            title = m.group(1).strip()
            if own_title and title.replace(" ", "") == own_title:
                continue
            policy = Policy("p-" + hashlib.sha1(lexicon.squeeze(title).encode("utf-8")).hexdigest()[:12], title)
            activity.policies.append((policy, _mention(text, text.span(m.start(1), m.end(1)), lo, hi)))
        stated = [tm for a, b in [(lo, hi)] + [(c.start, c.end) for c in item.goals]
                  for tm in parse_targets(text, a, b, quoted)]
        for tm in stated:
            deadline = tm.deadline or item.deadline or headings.deadline(item)
            activity.targets.append(Target(
                metric=tm.metric, comparator=tm.comparator, value=tm.value, value_text=tm.value_text,
                unit=tm.unit, span=tm.span, sentence=tm.sentence, deadline=deadline,
                deadline_date=deadline_date(deadline.quote, year) if deadline else None,
                program=_program_for(text, tm.span, activity) or headings.program(item)))
        facts.activities.append(activity)
    return facts


def check_work_plan(raw: RawDocument, layout: Layout) -> str:
    """The kind of document (``"plan"`` or ``"report"``, see :mod:`loaders.kinds`); a ReadError
    naming the file and what the text is instead for any other text."""
    try:
        return document_kind(layout)
    except NotAPlan as err:
        raise ReadError(raw.source, str(err)) from None


def _mention(text: Text, span: Span, lo: int = 0, hi: int | None = None) -> Mention:
    a, b = sentence_bounds(text.text, span.start, lo, len(text.text) if hi is None else hi)
    b = max(b, span.end)
    return Mention(span, text.span(a, b))


def _with_repeats(text: Text, mentions: list[ProgramMention], lo: int) -> list[ProgramMention]:
    """Add the unquoted repeats of names the plan introduced in quotes (“青年林” … 青年林)."""
    found = {pm.program.label: pm.program for pm in mentions if not pm.program.in_scheme and len(pm.program.label) >= 3}
    if not found:
        return mentions
    auto = ahocorasick.Automaton()
    for label in found:
        auto.add_word(label, label)
    auto.make_automaton()
    blocked = Intervals([(pm.span.start, pm.span.end) for pm in mentions] +
                        [(m.start(), m.end()) for m in quotes(text.text, lo)] +
                        [(m.start(), m.end()) for m in POLICY_RE.finditer(text.text, lo)])
    extra = []
    for a, b, label in lexicon.leftmost_longest_in(auto, found, text.text, lo, skip=blocked):
        if blocked.overlaps(a, b):
            continue
        extra.append(ProgramMention(found[label], text.span(a, b)))
    return sorted(mentions + extra, key=lambda pm: (pm.span.start, pm.span.end))


def _program_for(text: Text, span: Span, activity: Activity) -> Program | None:
    """The program a target serves: one named in its clause, else the one its item is about."""
    s = text.text
    lo, hi = activity.item.span.start, activity.item.span.end
    a, b = clause_bounds(s, span.start, lo, hi)
    in_clause = [p for p, m in activity.programs if a <= m.span.start < b]
    if in_clause:
        return in_clause[0]
    # 深入推进某某工程，举办示范班8期以上: the program the sentence opens with.
    sa, _ = sentence_bounds(s, span.start, lo, hi)
    before = [p for p, m in activity.programs if sa <= m.span.start < a]
    if before:
        return before[-1]
    if activity.item.from_table:
        return None         # a table row's first sentence is content, not a heading
    title = activity.item.title
    in_title = {p.key: p for p, m in activity.programs if title.start <= m.span.start < title.end}
    if len(in_title) == 1:
        return next(iter(in_title.values()))
    return None


class _Headings:
    """What the headings above an item say for its targets: the program and the deadline of the
    items it stands under (1. above (1)), of the sub-heading ((一) 深入实施某某工程), else of its
    section (一、…)."""

    def __init__(self, text: Text, layout: Layout, programs: list[ProgramMention]):
        self._text = text
        self._programs = programs
        self._starts = [pm.span.start for pm in programs]
        self._sections = {s.ordinal: s for s in layout.sections}
        self._parent: dict[int, Item] = {}
        self._items = {item.ordinal: item for item in layout.items if not item.from_table}
        heading = None
        for item in layout.items:
            if item.from_table:
                continue
            if heading is not None and heading.section != item.section:
                heading = None
            if _is_heading(text.text, item):
                heading = item
            elif heading is not None:
                self._parent[item.ordinal] = heading

    def _spans(self, item: Item) -> list[Span]:
        if item.from_table:
            return []
        out = []
        parent = item.parent
        while parent is not None and parent in self._items:      # 1. above (1), （一） above 1.
            out.append(self._items[parent].title)
            parent = self._items[parent].parent
        if item.ordinal in self._parent and self._parent[item.ordinal].title not in out:
            out.append(self._parent[item.ordinal].title)
        if item.section in self._sections:
            out.append(self._sections[item.section].title)
        return out

    def program(self, item: Item) -> Program | None:
        for span in self._spans(item):
            i, j = bisect.bisect_left(self._starts, span.start), bisect.bisect_left(self._starts, span.end)
            found = {pm.program.key: pm.program for pm in self._programs[i:j]}
            if len(found) == 1:
                return next(iter(found.values()))
            if found:
                return None             # a heading naming several programs serves none of them alone
        return None

    def deadline(self, item: Item) -> Span | None:
        spans = ([] if item.from_table else [item.title]) + self._spans(item)
        for span in spans:
            found = deadline_in(self._text, span.start, span.end)
            if found:
                return found
        return None


PAREN_MARK_RE = re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)]\s*$")


def _is_heading(s: str, item: Item) -> bool:
    """An item that is a heading line alone ((一) 深入实施某某工程): numbered in parentheses, one
    short line, no full stop."""
    q = item.span.quote
    line_start = s.rfind("\n", 0, item.span.start) + 1
    return bool(PAREN_MARK_RE.search(s, line_start, item.span.start)) and "\n" not in q \
        and len(q) <= 40 and not q.rstrip().endswith(("。", "；", ";"))
