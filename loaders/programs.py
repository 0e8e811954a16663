"""Programs named in a plan: the scheme's programs under any alias, and named programs it lacks.

Three sources, in order of trust:

1. quoted names (“青年大学习”, “河小青”保护长江行动), kept apart from quoted formulas and
   metaphors (“四个意识”, “牛鼻子”) by their shape and by the words around them;
2. unquoted names of a program's shape (举办吉林省青少年新媒体创新创业大赛);
3. the scheme's labels wherever they stand (青年文明号, 西部计划).

A name is resolved to the scheme when it is one of its labels, also behind a region or an
edition (吉林青年讲师团, 第十届南昌青年五四奖章); otherwise it becomes a program of its own,
keyed by its name so that every document naming it meets the same node.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import re
from dataclasses import dataclass

from . import lexicon, regions
from .facts import Program
from .model import Span, Text

CJK = "\u4e00-\u9fff"
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}
QUOTE_RE = re.compile(r"“([^“”\n]{1,40})”|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|‘([^‘’“”\n]{1,30})’")
POLICY_RE = re.compile(r"《([^《》\n]{2,80})》")
LEADING_QUANTIFIER_RE = re.compile(r"^(?:各类|各级|各层级|各种|各|一批|一系列|系列)")
SCOPE_PREFIXES = ("全国", "全省", "全市", "全县", "全区", "省级", "市级", "县级", "首届")
STOP_DESCRIPTOR = re.compile(r"[，。；：、,;:“”《》（）()\n]|等")


@dataclass(frozen=True)
class ProgramMention:
    program: Program
    span: Span


def _key_for(name: str) -> str:
    return "x-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=None)
def _edition_re() -> re.Pattern:
    return re.compile(lexicon.cues()["programs"]["edition_prefix"])


def resolve(name: str) -> str | None:
    """The scheme key a name stands for, also behind a region, scope or edition prefix."""
    labels = lexicon.program_labels()
    name = _edition_re().sub("", lexicon.squeeze(name))
    if name in labels:
        return labels[name]
    index = regions.names_index()
    for i in range(min(len(name) - 2, 12), 1, -1):
        prefix, rest = name[:i], name[i:]
        if prefix in index or prefix in SCOPE_PREFIXES:
            rest = _edition_re().sub("", rest)
            if rest in labels:
                return labels[rest]
            for scope in SCOPE_PREFIXES:
                if rest.startswith(scope) and rest[len(scope):] in labels:
                    return labels[rest[len(scope):]]
    return None


def scheme_program(key: str) -> Program:
    p = lexicon.program_scheme()[key]
    return Program(p.key, p.label, p.type, True)


def found_program(name: str, ptype: str | None) -> Program:
    """A program the scheme lacks, keyed by its name without spaces so every spelling meets."""
    label = _edition_re().sub("", tidy(name))
    return Program(_key_for(lexicon.squeeze(label)), label, ptype, False)


SPACE_NEAR_CJK_RE = re.compile(rf"\s+(?=[{CJK}])|(?<=[{CJK}])\s+")


def tidy(name: str) -> str:
    """A name with the spaces plans put between Chinese characters removed, others kept single.

    >>> tidy("12355 青少年服务台"), tidy("We 志愿 平台"), tidy("Hello  World")
    ('12355青少年服务台', 'We志愿平台', 'Hello World')
    """
    return SPACE_NEAR_CJK_RE.sub("", " ".join(name.split()))


def _type_by_suffix(name: str) -> str | None:
    for suffix, ptype in lexicon.cues()["programs"]["name_suffixes"]:
        if name.endswith(suffix):
            return ptype
    return None


LIST_TAIL_RE = re.compile(r"(?:[、和及与]?“[^“”\n]{1,40}”)*(?:等|之类)?")


def _descriptor(text: str, pos: int) -> str:
    """The words right after a closing quote, up to punctuation or another quote.

    In a list of quoted names (“A”“B”等项目) the words after the list describe every name.
    """
    m = STOP_DESCRIPTOR.search(text, pos, min(len(text), pos + 24))
    own = text[pos:m.start() if m else min(len(text), pos + 24)]
    if own:
        return own
    tail = LIST_TAIL_RE.match(text, pos)
    if tail and tail.end() > pos:
        m = STOP_DESCRIPTOR.search(text, tail.end(), min(len(text), tail.end() + 24))
        return text[tail.end():m.start() if m else min(len(text), tail.end() + 24)]
    return own


def _line_of(text: str, pos: int) -> str:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return text[a:len(text) if b < 0 else b]


SECTION_LINE_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")


def classify_quoted(text: str, start: int, end: int, name: str) -> tuple[str, Program | None]:
    """Whether a quoted name is a program: ("program", p) or ("not", None) with the reason."""
    cue = lexicon.cues()["programs"]
    key = resolve(name)
    if key:
        return "program", scheme_program(key)
    descriptor = _descriptor(text, end + 1)
    has_head = any(h in descriptor for h in cue["program_heads"]) or any(
        name.endswith(h) for h in cue["program_heads"])
    if lexicon.is_literal_formula(name) or (lexicon.is_formula(name) and not descriptor_is_head(descriptor)):
        return "formula", None
    if not re.search(f"[{CJK}]", name) or re.search(r"[，。；：,;:]", name):
        return "not-a-name", None
    if "、" in name or name.count("+") >= 2:
        return "list", None
    before = text[max(0, start - 3):start - 1]
    if any(before.endswith(v) for v in cue["formula_verbs"]):
        return "formula", None
    if SECTION_LINE_RE.match(_line_of(text, start)) and not _in_item_body(text, start):
        return "heading", None
    if any(descriptor.startswith(h) for h in cue["formula_heads"]):
        return "formula", None
    if len(name) < 3 or (len(name) == 3 and not has_head):
        return "too-short", None
    if "+" in name and not has_head and not name.endswith("+"):
        return "formula", None
    return "program", found_program(name, _type_by_suffix(name) or _type_by_suffix(descriptor))


def descriptor_is_head(descriptor: str) -> bool:
    """Words right after a quote that name what it is: 活动, 行动, 项目 …"""
    return any(descriptor.startswith(h) for h in lexicon.cues()["programs"]["program_heads"])


def descriptor_span(text: str, end: int) -> int:
    """Where a program's descriptive name after its quoted name ends (“河小青”保护长江行动)."""
    descriptor = _descriptor(text, end + 1)
    heads = lexicon.cues()["programs"]["program_heads"]
    last = max((descriptor.rfind(h) + len(h) for h in heads if h in descriptor), default=0)
    return end + 1 + last


def _in_item_body(text: str, pos: int) -> bool:
    """A section heading line is short; a quote far into a long line is body text."""
    line = _line_of(text, pos)
    return len(line) > 80


@functools.lru_cache(maxsize=None)
def _starters_re() -> re.Pattern:
    words = sorted(lexicon.cues()["programs"]["name_starters"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


NAME_RUN_RE = re.compile(f"[{CJK}0-9·]+")


def _suffix_places(text: str, lo: int, hi: int, suffix: str, runs: list[tuple[int, int]]):
    """Where a suffix stands inside the runs of name characters, as a scan of each run finds it.

    One scan of the text per suffix, not one per run and suffix: a suffix made of name
    characters never straddles two runs, so the whole-text scan finds the same places.
    """
    if not suffix:
        yield from (p for a, b in runs for p in range(a, b + 1))
        return
    if not NAME_RUN_RE.fullmatch(suffix):
        return                              # it can never stand inside a run
    p = text.find(suffix, lo, hi)
    while p >= 0:
        yield p
        p = text.find(suffix, p + len(suffix), hi)


def shaped_names(text: str, lo: int, hi: int, blocked) -> list[tuple[int, int, str]]:
    """Unquoted names of a program's shape: (start, end, name)."""
    cue = lexicon.cues()["programs"]
    generic = set(cue["generic_names"])
    verb_bound = tuple(cue["verb_bound_suffixes"])
    out = []
    runs = [(m.start(), m.end()) for m in NAME_RUN_RE.finditer(text, lo, hi)]
    run_starts = [a for a, _ in runs]
    for suffix, _ in cue["name_suffixes"]:
        # Candidate names end at each program suffix inside a run.
        for place in _suffix_places(text, lo, hi, suffix, runs):
            a, b = runs[bisect.bisect_right(run_starts, place) - 1]
            segment = text[a:b]
            sm_start = place - a
            end = sm_start + len(suffix)
            starts = [m.end() for m in _starters_re().finditer(segment, 0, sm_start)]
            begin = starts[-1] if starts else 0
            if suffix.endswith(verb_bound) and not starts:
                continue
            name = LEADING_QUANTIFIER_RE.sub("", segment[begin:end])
            begin = end - len(name)
            core = _edition_re().sub("", name)
            if len(core) - len(suffix) < 3 or len(core) > 20 or core in generic:
                continue
            if any(core.endswith(g) and len(core) - len(g) < 2 for g in generic):
                continue
            if any(core.endswith(g) for g in generic if len(g) >= 4):
                continue
            s, e = a + begin, a + end
            if any(bs < e and s < be for bs, be in blocked):
                continue
            out.append((s, e, name))
    # Keep the longest of overlapping candidates.
    out.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, str]] = []
    for cand in out:
        if kept and cand[0] < kept[-1][1]:
            continue
        kept.append(cand)
    return kept


def _scheme_suffix(name: str) -> str | None:
    """The longest scheme label a name ends with, if any."""
    labels = lexicon.program_labels()
    for i in range(1, len(name) - 1):
        if name[i:] in labels and len(name[i:]) >= 3:
            return name[i:]
    return None


def policy_spans(text: Text, lo: int = 0) -> list[Span]:
    return [text.span(m.start(1), m.end(1)) for m in POLICY_RE.finditer(text.text, lo)]


def find_programs(text: Text, lo: int = 0, hi: int | None = None) -> list[ProgramMention]:
    """Every program mention between lo and hi, in text order."""
    s = text.text
    hi = len(s) if hi is None else hi
    mentions: list[ProgramMention] = []
    quoted_spans: list[tuple[int, int]] = []
    for m in QUOTE_RE.finditer(s, lo, hi):
        g = next(i for i in range(1, 5) if m.group(i) is not None)
        start, end = m.start(g), m.end(g)
        quoted_spans.append((start - 1, end + 1))
        verdict, program = classify_quoted(s, start, end, m.group(g))
        if program:
            mentions.append(ProgramMention(program, text.span(start, end)))
            quoted_spans.append((end, descriptor_span(s, end)))
    policies = [(p.start - 1, p.end + 1) for p in policy_spans(text, lo)]
    kept_quotes = [(pm.span.start - 1, pm.span.end + 1) for pm in mentions]
    blocked = quoted_spans + policies
    for start, end, name in shaped_names(s, lo, hi, blocked):
        key = resolve(name)
        if key is None:
            label = _scheme_suffix(name)
            if label:
                # 落实…对希望工程: a known name behind words that are not part of it.
                start, key = end - len(label), lexicon.program_labels()[label]
        program = scheme_program(key) if key else found_program(name, _type_by_suffix(name))
        mentions.append(ProgramMention(program, text.span(start, end)))
    blocked = kept_quotes + [(pm.span.start, pm.span.end) for pm in mentions] + policies
    squeezed, index = _squeezed(s, lo, hi)
    for a, b, (label, key) in lexicon.leftmost_longest(lexicon.program_automaton(), squeezed):
        start, end = index[a], index[b - 1] + 1
        if any(bs < end and start < be for bs, be in blocked):
            continue
        if not _word_boundary(s, start, end, label):
            continue
        mentions.append(ProgramMention(scheme_program(key), text.span(start, end)))
    mentions.sort(key=lambda pm: (pm.span.start, pm.span.end))
    return mentions


def _word_boundary(s: str, start: int, end: int, label: str) -> bool:
    """Whether an unquoted scheme label names the program here, not an ordinary word."""
    cue = lexicon.cues()["programs"]
    if label in cue["everyday_labels"]:
        return descriptor_is_head(s[end:end + 12]) or s[end:end + 2] in ("社区", "（村")
    if len(label) > 3:
        return True
    return not (start > 0 and s[start - 1] in "第")


def _squeezed(s: str, lo: int, hi: int) -> tuple[str, lexicon.Offsets]:
    """The text without spaces, and for each kept character its offset in the text."""
    return lexicon.squeezed(s, lo, hi, " \t\u3000\u00a0")
