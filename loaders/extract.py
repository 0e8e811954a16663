"""The loader pipeline: read -> normalize -> structure -> extract, one document at a time."""
from __future__ import annotations

import bisect
import hashlib
from pathlib import Path

import ahocorasick

from . import lexicon
from .facts import Activity, DocumentFacts, Mention, Policy, Program, Target
from .intervals import Intervals
from .model import RawDocument, ReadError, Span, Text
from .normalize import normalize
from .organizations import find_organizations, issuer_of, responsible_units
from .programs import POLICY_RE, ProgramMention, find_programs, quotes
from .readers import read
from .structure import Layout, clause_bounds, parse_layout, sentence_bounds
from .targets import deadline_date, parse_targets


def load(path: Path | str) -> DocumentFacts:
    """All the facts of one file. Raises ReadError for a file that cannot be read."""
    return extract(read(Path(path)))


def extract(raw: RawDocument) -> DocumentFacts:
    text = normalize(raw)
    layout = parse_layout(text)
    check_work_plan(raw, layout)
    header = layout.header
    found = issuer_of(text, header.issuer_lines, header.title, doc_number=header.doc_number,
                      document=raw.source.name)
    issuer = found.organization
    year = header.year
    facts = DocumentFacts(
        source=raw.source.name, path=str(raw.source), sha256=raw.sha256, media_type=raw.media_type,
        encoding=raw.encoding, text=text, layout=layout, issuer=issuer,
        issuer_mention=_mention(text, found.span) if found.span else None, year=year,
        title=header.title, doc_number=header.doc_number, issued=header.issued_date,
        issued_span=header.issued, sections=layout.sections, metadata=dict(raw.metadata))
    programs = _with_repeats(text, find_programs(text, layout.body_start), layout.body_start)
    program_starts = [pm.span.start for pm in programs]
    quoted = Intervals([(m.start(), m.end()) for m in quotes(text.text)] +
                       [(m.start(), m.end()) for m in POLICY_RE.finditer(text.text)])
    own_title = header.title.quote.replace(" ", "") if header.title else ""
    for item in layout.items:
        activity = Activity(item)
        lo, hi = item.span.start, item.span.end
        first, last = bisect.bisect_left(program_starts, lo), bisect.bisect_left(program_starts, hi)
        activity.programs = [(pm.program, _mention(text, pm.span, lo, hi)) for pm in programs[first:last]]
        activity.organizations = [(org, _mention(text, span, lo, hi))
                                  for org, span in find_organizations(text, lo, hi, issuer)]
        if item.units:
            activity.responsible = [(org, _mention(text, span, item.units.start, item.units.end))
                                    for org, span in responsible_units(text, item.units, issuer)]
        for m in POLICY_RE.finditer(text.text, lo, hi):
            title = m.group(1).strip()
            if own_title and title.replace(" ", "") == own_title:
                continue
            policy = Policy("p-" + hashlib.sha1(lexicon.squeeze(title).encode("utf-8")).hexdigest()[:12], title)
            activity.policies.append((policy, _mention(text, text.span(m.start(1), m.end(1)), lo, hi)))
        for tm in parse_targets(text, lo, hi, quoted):
            deadline = tm.deadline or item.deadline
            activity.targets.append(Target(
                metric=tm.metric, comparator=tm.comparator, value=tm.value, value_text=tm.value_text,
                unit=tm.unit, span=tm.span, sentence=tm.sentence, deadline=deadline,
                deadline_date=deadline_date(deadline.quote, year) if deadline else None,
                program=_program_for(text, tm.span, activity)))
        facts.activities.append(activity)
    return facts


def check_work_plan(raw: RawDocument, layout: Layout) -> None:
    """Refuse a text that is not a work plan: no plan title and no numbered work items."""
    body_items = [i for i in layout.items if not i.from_table]
    table_rows = len(layout.items) - len(body_items)
    if layout.header.title is None and table_rows < 3 and (len(layout.sections) < 2 or len(body_items) < 3):
        raise ReadError(raw.source, "not a work plan: no title such as '…工作要点' and no numbered sections "
                                    "with work items")


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
                        [(m.start(), m.end()) for m in quotes(text.text, lo)])
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
    if activity.item.from_table:
        return None         # a table row's first sentence is content, not a heading
    title = activity.item.title
    in_title = {p.key: p for p, m in activity.programs if title.start <= m.span.start < title.end}
    if len(in_title) == 1:
        return next(iter(in_title.values()))
    return None
