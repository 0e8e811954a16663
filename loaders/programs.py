"""Programs named in a plan: the scheme's programs under any alias, and named programs it lacks.

Four sources, in order of trust:

1. quoted names (“青年大学习”, “河小青”保护长江行动), kept apart from quoted formulas,
   metaphors, slogans and rules (“四个意识”, “牛鼻子”, “请党放心、强国有我”, “某某工作制”) by
   their shape and by the words around them; a quoted core too short to stand alone gives the
   whole name it sits in (优秀某某“领航”工程), and a theme names its campaign (以“…”为主题);
2. unquoted names of a program's shape (举办吉林省青少年新媒体创新创业大赛, 第三届某某文化节);
3. a work item's opening clause that is verbs and a name alone (3.深入实施某某专项行动。);
4. the scheme's labels wherever they stand (青年文明号, 西部计划).

The words each rule reads are in ``ontology/cues.toml`` and ``ontology/non_programs.tsv``.

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
from typing import Iterable

from . import lexicon, regions
from .facts import Program
from .intervals import Intervals
from .memo import backwards, last_text
from .model import Span, Text

CJK = "\u4e00-\u9fff"
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’", '"': '"'}
QUOTE_RE = re.compile(r"“([^“”\n]{1,40})”|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|‘([^‘’“”\n]{1,30})’")
POLICY_RE = re.compile(r"《([^《》\n]{2,80})》")


@last_text
def _all_quotes(s: str) -> tuple[list[int], list[re.Match]]:
    found = list(QUOTE_RE.finditer(s))
    return [m.start() for m in found], found


def quotes(s: str, lo: int = 0) -> list[re.Match]:
    """What ``QUOTE_RE.finditer(s, lo)`` finds, taken from one scan of the whole text."""
    starts, found = _all_quotes(s)
    i = bisect.bisect_left(starts, lo)
    if i > 0 and found[i - 1].end() > lo:       # a quote reaches over lo: scan from lo itself
        return list(QUOTE_RE.finditer(s, lo))
    return found[i:]

STOP_PUNCTUATION = "，。；：、,;:“”《》（）()\n"


@functools.lru_cache(maxsize=None)
def _leading_quantifier_re() -> re.Pattern:
    words = sorted(lexicon.cues()["programs"]["leading_quantifiers"], key=len, reverse=True)
    return re.compile("^(?:" + "|".join(map(re.escape, words)) + ")") if words else re.compile("(?!)")


@functools.lru_cache(maxsize=None)
def _scope_prefixes() -> tuple[str, ...]:
    return tuple(lexicon.cues()["programs"]["scope_prefixes"])


@functools.lru_cache(maxsize=None)
def _stop_descriptor() -> re.Pattern:
    """Where the words describing a quoted name end: punctuation, or a word closing a list (等)."""
    ends = "|".join(map(re.escape, lexicon.cues()["programs"]["list_ends"]))
    return re.compile(f"[{re.escape(STOP_PUNCTUATION)}]" + (f"|{ends}" if ends else ""))


@functools.lru_cache(maxsize=None)
def _list_tail_re() -> re.Pattern:
    """A run of further quoted names after a quote (“A”、“B”和“C”等)."""
    cue = lexicon.cues()["programs"]
    joins = "".join(map(re.escape, cue["list_joins"]))
    ends = "|".join(map(re.escape, cue["list_ends"]))
    return re.compile(f"(?:[{joins}]?“[^“”\n]{{1,40}}”)*(?:{ends})?")


@dataclass(frozen=True)
class ProgramMention:
    program: Program
    span: Span


def _key_for(name: str) -> str:
    return "x-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=None)
def _edition_re() -> re.Pattern:
    return re.compile(lexicon.cues()["programs"]["edition_prefix"])


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def resolve(name: str) -> str | None:
    """The scheme key a name stands for, also behind a region, scope or edition prefix."""
    labels = lexicon.program_labels()
    name = _edition_re().sub("", lexicon.squeeze(name))
    if name in labels:
        return labels[name]
    index = regions.names_index()
    for i in range(min(len(name) - 2, 12), 1, -1):
        prefix, rest = name[:i], name[i:]
        if prefix in index or prefix in _scope_prefixes():
            rest = _edition_re().sub("", rest)
            if rest in labels:
                return labels[rest]
            for scope in _scope_prefixes():
                if rest.startswith(scope) and rest[len(scope):] in labels:
                    return labels[rest[len(scope):]]
    return None


@functools.lru_cache(maxsize=None)
def scheme_program(key: str) -> Program:
    p = lexicon.program_scheme()[key]
    return Program(p.key, p.label, p.type, True)


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
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


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _type_by_suffix(name: str) -> str | None:
    for suffix, ptype in lexicon.cues()["programs"]["name_suffixes"]:
        if name.endswith(suffix):
            return ptype
    return None


def _descriptor(text: str, pos: int) -> str:
    """The words right after a closing quote, up to punctuation or another quote.

    In a list of quoted names (“A”“B”等项目) the words after the list describe every name.
    """
    m = _stop_descriptor().search(text, pos, min(len(text), pos + 24))
    own = text[pos:m.start() if m else min(len(text), pos + 24)]
    if own:
        return own
    tail = _list_tail_re().match(text, pos)
    if tail and tail.end() > pos:
        m = _stop_descriptor().search(text, tail.end(), min(len(text), tail.end() + 24))
        return text[tail.end():m.start() if m else min(len(text), tail.end() + 24)]
    return own


def _line_of(text: str, pos: int) -> str:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return text[a:len(text) if b < 0 else b]


SECTION_LINE_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")


NOT_A_NAME_RE = re.compile(r"[，。；：,;:]")
HAS_CJK_RE = re.compile(f"[{CJK}]")


@dataclass(frozen=True)
class _Words:
    """The program cue words as tuples, and a pattern finding any program head."""

    program_heads: tuple[str, ...]
    formula_heads: tuple[str, ...]
    formula_verbs: tuple[str, ...]
    any_head: re.Pattern | None


@functools.lru_cache(maxsize=None)
def _words() -> _Words:
    cue = lexicon.cues()["programs"]
    heads = tuple(cue["program_heads"])
    any_head = re.compile("|".join(map(re.escape, heads))) if heads else None
    return _Words(heads, tuple(cue["formula_heads"]), tuple(cue["formula_verbs"]), any_head)


def _has_head(name: str, descriptor: str) -> bool:
    """Whether a program head stands in the words after a quoted name or ends the name."""
    words = _words()
    return bool(words.any_head and words.any_head.search(descriptor)) or name.endswith(words.program_heads)


def classify_quoted(text: str, start: int, end: int, name: str) -> tuple[str, Program | None]:
    """Whether a quoted name is a program: ("program", p) or ("not", None) with the reason."""
    return _classified(text, start, end, name, _descriptor(text, end + 1))


def _classified(text: str, start: int, end: int, name: str, descriptor: str) -> tuple[str, Program | None]:
    """:func:`classify_quoted`, given the words after the quote."""
    words = _words()
    cue = lexicon.cues()["programs"]
    key = resolve(name)
    if key:
        return "program", scheme_program(key)
    if lexicon.is_literal_formula(name):
        return "formula", None
    if AMOUNT_RE.fullmatch(name):
        # 两个“10万元”工程: a quoted amount names nothing alone; with a head it is the whole name.
        if descriptor in cue["naming_heads"]:
            return "program", found_program(name + descriptor, _type_by_suffix(descriptor))
        return "amount", None
    if _is_theme(text, start, end) and HAS_CJK_RE.search(name) and not set(name) & set("《》"):
        return "program", found_program(name, _type_by_suffix(descriptor))     # 以“…”为主题的…活动
    if lexicon.is_formula(DOTS_RE.sub("", name)) and not descriptor_is_head(descriptor):
        return "formula", None
    if not HAS_CJK_RE.search(name) or NOT_A_NAME_RE.search(name) or set(name) & set("《》"):
        return "not-a-name", None
    if name.endswith(tuple(cue["rule_endings"])) or (
            descriptor.endswith(tuple(cue["rule_endings"])) and not _has_head(name, descriptor)):
        return "rule", None                 # “某某工作制”, “某某”弹性工作制: a way of working
    if descriptor.endswith(tuple(cue["model_endings"])) and not _has_head(name, descriptor):
        return "model", None                # “某某”三维立体管控模型: a structure, not a program
    if "、" in name:
        parts = name.split("、")
        if _parallel(name):
            return "slogan", None           # “请党放心、强国有我”: parallel phrases
        head_after = descriptor_is_head(descriptor) or name.endswith(words.program_heads) \
            or _type_by_suffix(name) is not None
        if not head_after or any(lexicon.is_formula(p) for p in parts):
            return "list", None             # “A、B”: several names or formulas, not one name
    if name.count("+") >= 2:
        return "list", None
    before = text[max(0, start - 3):start - 1]
    if before.endswith(words.formula_verbs):
        return "formula", None
    if before.endswith(tuple(cue["role_markers"])) and not _has_head(name, descriptor):
        return "role", None                 # 当好…的“桥梁纽带”: a role or metaphor, not a name
    if before.endswith(tuple(cue["list_ends"])) and _NUMERAL_START_RE.match(name):
        return "category", None             # “A”“B”等“五小”活动: a name for the listed kind
    if SECTION_LINE_RE.match(_line_of(text, start)) and not _in_item_body(text, start) \
            and not _has_head(name, descriptor):
        return "heading", None
    if descriptor.startswith(words.formula_heads):
        return "formula", None
    if any(h in descriptor for h in cue["meeting_heads"]):
        return "meeting", None              # “某某”主题新闻发布会: a meeting's theme, not a program
    if _parallel(name) and not _has_head(name, descriptor):
        return "slogan", None               # “学习新思想 争做新青年”: two matching phrases
    if "的" in name[1:-1] and not _has_head(name, descriptor):
        return "phrase", None               # “某某的某某”: a phrase or metaphor, not a name
    if len(name) < 3 or (len(name) == 3 and not _has_head(name, descriptor)):
        return "too-short", None
    if "+" in name and not name.endswith("+") and not _has_head(name, descriptor):
        return "formula", None
    return "program", found_program(name, _type_by_suffix(name) or _type_by_suffix(descriptor))


DOTS_RE = re.compile("[·•・.．]")
# A quoted amount or count (“10万元”, “100个”): a number, its scale and a unit, nothing else.
AMOUNT_RE = re.compile(r"[0-9０-９.．]+[万亿千百]?[元个名项人次场户%％]*")
_NUMERAL_START_RE = re.compile("^[一二两三四五六七八九十百千万双]")
PARALLEL_SPLIT_RE = re.compile(r"[、\s]+")


def _parallel(name: str) -> bool:
    """Two or more phrases of about one length, each of three characters or more, the last not
    ending with a program's head (学习新思想 争做新青年): a slogan written as parallel phrases."""
    parts = [p for p in PARALLEL_SPLIT_RE.split(name.strip()) if p]
    if len(parts) < 2 or min(map(len, parts)) < 3 or max(map(len, parts)) - min(map(len, parts)) > 2:
        return False
    return not parts[-1].endswith(_words().program_heads) and _type_by_suffix(parts[-1]) is None


@functools.lru_cache(maxsize=None)
def _theme_frames() -> tuple[tuple[str, str], ...]:
    return tuple((a, b) for a, b in lexicon.cues()["programs"]["theme_frames"])


def _is_theme(text: str, start: int, end: int) -> bool:
    """以“…”为主题: the quote names the theme of a campaign."""
    return any(text[max(0, start - 1 - len(a)):start - 1] == a and text.startswith(b, end + 1)
               for a, b in _theme_frames())


def descriptor_is_head(descriptor: str) -> bool:
    """Words right after a quote that name what it is: 活动, 行动, 项目 …"""
    return descriptor.startswith(_words().program_heads)


def descriptor_span(text: str, end: int) -> int:
    """Where a program's descriptive name after its quoted name ends (“河小青”保护长江行动)."""
    return end + 1 + _last_head_end(_descriptor(text, end + 1))


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _last_head_end(descriptor: str) -> int:
    """Where the last program head in the words after a quoted name ends, or 0."""
    return max((descriptor.rfind(h) + len(h) for h in _words().program_heads if h in descriptor), default=0)


def _in_item_body(text: str, pos: int) -> bool:
    """A section heading line is short; a quote far into a long line is body text."""
    line = _line_of(text, pos)
    return len(line) > 80


@functools.lru_cache(maxsize=None)
def _starters_re() -> re.Pattern:
    words = sorted(lexicon.cues()["programs"]["name_starters"], key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


NAME_RUN_RE = re.compile(f"[{CJK}0-9·]+")
NOT_NAME_RE = re.compile(f"[^{CJK}0-9·]")


def _run_around(text: str, reversed_text: str, lo: int, hi: int, place: int) -> tuple[int, int]:
    """The run of name characters between lo and hi that holds the name character at place;
    the run's start is found by a forward scan of the reversed text."""
    n = len(text)
    m = NOT_NAME_RE.search(reversed_text, n - place, n - lo)
    a = n - m.start() if m else lo
    m = NOT_NAME_RE.search(text, place, hi)
    return a, m.start() if m else hi


def _suffix_places(text: str, lo: int, hi: int, suffix: str):
    """Where a suffix stands inside the runs of name characters, as a scan of each run finds it:
    (place, run start, run end).

    One scan of the text per suffix, not one per run and suffix: a suffix made of name
    characters never straddles two runs, so the whole-text scan finds the same places.
    """
    if not suffix:
        for m in NAME_RUN_RE.finditer(text, lo, hi):
            yield from ((p, m.start(), m.end()) for p in range(m.start(), m.end() + 1))
        return
    if not NAME_RUN_RE.fullmatch(suffix):
        return                              # it can never stand inside a run
    p = text.find(suffix, lo, hi)
    while p >= 0:
        yield (p, *_run_around(text, backwards(text), lo, hi, p))
        p = text.find(suffix, p + len(suffix), hi)


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _generic(core: str) -> bool:
    """Whether a candidate name (without its edition) is a generic phrase, or ends with one."""
    generic = lexicon.cues()["programs"]["generic_names"]
    return core in generic or any(core.endswith(g) and (len(core) - len(g) < 2 or len(g) >= 4)
                                  for g in generic)


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _name_ending_at(segment: str, sm_start: int, suffix: str) -> tuple[int, int, str] | None:
    """The name of a program's shape that ends with the suffix at sm_start in a run of name
    characters: (begin, end, name) in the run, or None."""
    end = sm_start + len(suffix)
    starts = [m.end() for m in _starters_re().finditer(segment, 0, sm_start)]
    begin = starts[-1] if starts else 0
    cue = lexicon.cues()["programs"]
    if suffix.endswith(tuple(cue["verb_bound_suffixes"])) and not starts:
        return None
    name = _leading_quantifier_re().sub("", segment[begin:end])
    if segment[begin:end - len(name)] in cue["kind_quantifiers"]:
        return None                         # 各类文化艺术比赛: a kind of contest, no name
    begin = end - len(name)
    core = _edition_re().sub("", name)
    if suffix in cue["edition_bound_suffixes"] and core == name:
        return None                         # 青年节, 文化节: a festival is a program with its edition
    if len(core) - len(suffix) < 3 or len(core) > 20 or _generic(core):
        return None
    return begin, end, name


def shaped_names(text: str, lo: int, hi: int,
                 blocked: Intervals | Iterable[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Unquoted names of a program's shape, outside the ``blocked`` spans: (start, end, name)."""
    if not isinstance(blocked, Intervals):
        blocked = Intervals(blocked)
    out = []
    for suffix, _ in lexicon.cues()["programs"]["name_suffixes"]:
        # Candidate names end at each program suffix inside a run.
        for place, a, b in _suffix_places(text, lo, hi, suffix):
            found = _name_ending_at(text[a:b], place - a, suffix)
            if found is None:
                continue
            begin, end, name = found
            if blocked.overlaps(a + begin, a + end):
                continue
            out.append((a + begin, a + end, name))
    # Keep the longest of overlapping candidates.
    out.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, str]] = []
    for cand in out:
        if kept and cand[0] < kept[-1][1]:
            continue
        kept.append(cand)
    return kept


def _scheme_suffix(name: str) -> str | None:
    """The longest scheme label a name ends with, if any, behind words that are not part of it
    (确保西部计划, 实现希望工程).  A competition's label behind other words is not taken: the
    words make another competition (某某大学生创业大赛 is not 全国大学生创业大赛)."""
    labels = lexicon.program_labels()
    for i in range(1, len(name) - 1):
        label = name[i:]
        if label in labels and len(label) >= 3:
            if lexicon.program_scheme()[labels[label]].type == "competition":
                return None
            return label
    return None


def policy_spans(text: Text, lo: int = 0) -> list[Span]:
    return [text.span(m.start(1), m.end(1)) for m in POLICY_RE.finditer(text.text, lo)]


def find_programs(text: Text, lo: int = 0, hi: int | None = None,
                  openings: Iterable[tuple[int, int]] = ()) -> list[ProgramMention]:
    """Every program mention between lo and hi, in text order.

    ``openings`` are the spans of the work items' opening sentences: one that is a verb and a
    name of a program's shape alone (深入实施某某专项行动。) names that program.

    In order: quoted names (“青年大学习”); unquoted names of a program's shape (某某青年创新创业
    大赛) outside the quotes and the policies' titles; openings that name a program alone; the
    scheme's labels written anywhere else.
    """
    hi = len(text.text) if hi is None else hi
    mentions, quoted_spans = _quoted_programs(text, lo, hi)
    policies = [(p.start - 1, p.end + 1) for p in policy_spans(text, lo)]
    kept_quotes = [(pm.span.start - 1, pm.span.end + 1) for pm in mentions]
    blocked = quoted_spans + policies
    mentions += _shaped_programs(text, lo, hi, blocked)
    taken = Intervals(blocked + [(pm.span.start, pm.span.end) for pm in mentions])
    mentions += _opening_programs(text, openings, taken)
    named = Intervals(kept_quotes + [(pm.span.start, pm.span.end) for pm in mentions] + policies)
    mentions += _scheme_labels(text, lo, hi, named)
    mentions.sort(key=lambda pm: (pm.span.start, pm.span.end))
    return mentions


def _quoted_programs(text: Text, lo: int, hi: int) -> tuple[list[ProgramMention], list[tuple[int, int]]]:
    """The programs quoted between lo and hi, and the spans their quotes and descriptions take."""
    s = text.text
    mentions: list[ProgramMention] = []
    quoted_spans: list[tuple[int, int]] = []
    for m in quotes(s, lo) if hi == len(s) else QUOTE_RE.finditer(s, lo, hi):
        g = m.lastindex                     # the one group of the quote marks that matched
        start, end = m.start(g), m.end(g)
        quoted_spans.append((start - 1, end + 1))
        descriptor = _descriptor(s, end + 1)
        verdict, program = _classified(s, start, end, m.group(g), descriptor)
        if program and program.in_scheme:
            # “创青春”全国大学生创业大赛: the quote and its description may name another program.
            whole = resolve(m.group(g) + descriptor[:_last_head_end(descriptor)])
            if whole and whole != program.key:
                program = scheme_program(whole)
        if program:
            mentions.append(ProgramMention(program, text.span(start, end)))
            quoted_spans.append((end, end + 1 + _last_head_end(descriptor)))     # descriptor_span
        elif verdict == "too-short":
            whole = _whole_name(s, start, end, m.group(g), descriptor)
            if whole:
                a, b, name, ptype = whole
                key = resolve(name)             # “青马”工程: a known program's name, its core quoted
                program = scheme_program(key) if key else found_program(name, ptype)
                mentions.append(ProgramMention(program, text.span(a, b)))
                quoted_spans.append((a, b))
            elif _known_with_head(m.group(g), descriptor):
                # “青马”工程培训班: the core and the head after it name a known program
                head = _known_with_head(m.group(g), descriptor)
                mentions.append(ProgramMention(scheme_program(resolve(m.group(g) + head)),
                                               text.span(start - 1, end + 1 + len(head))))
                quoted_spans.append((start - 1, end + 1 + len(head)))
            elif _campaign_in_phrase(m.group(g), descriptor):
                mentions.append(ProgramMention(found_program(m.group(g), _type_by_suffix(descriptor)),
                                               text.span(start, end)))
    return mentions, quoted_spans


def _shaped_programs(text: Text, lo: int, hi: int, blocked: list[tuple[int, int]]) -> list[ProgramMention]:
    """Unquoted names of a program's shape outside ``blocked``."""
    mentions = []
    for start, end, name in shaped_names(text.text, lo, hi, blocked):
        key = resolve(name)
        if key is None:
            label = _scheme_suffix(name)
            if label:
                # 确保西部计划: a known name behind words that are not part of it.
                start, key = end - len(label), lexicon.program_labels()[label]
        program = scheme_program(key) if key else found_program(name, _type_by_suffix(name))
        mentions.append(ProgramMention(program, text.span(start, end)))
    return mentions


def _opening_programs(text: Text, openings: Iterable[tuple[int, int]], taken: Intervals) -> list[ProgramMention]:
    """The programs that openings name alone, outside what is ``taken``."""
    mentions = []
    for start, end, name in opening_names(text.text, openings, taken):
        key = resolve(name)
        program = scheme_program(key) if key else found_program(name, _type_by_suffix(name))
        mentions.append(ProgramMention(program, text.span(start, end)))
    return mentions


def _scheme_labels(text: Text, lo: int, hi: int, blocked: Intervals) -> list[ProgramMention]:
    """The scheme's labels written between lo and hi outside ``blocked``, as words of their own."""
    s = text.text
    mentions = []
    squeezed, index = _squeezed(s, lo, hi)
    for a, b, (label, key) in lexicon.leftmost_longest(lexicon.program_automaton(), squeezed):
        start, end = index[a], index[b - 1] + 1
        if blocked.overlaps(start, end):
            continue
        if not _word_boundary(s, start, end, label):
            continue
        mentions.append(ProgramMention(scheme_program(key), text.span(start, end)))
    return mentions


def _prefix_start(s: str, quote_open: int, reach: int = 8) -> int:
    """Where the name characters written right before a quote start: after the last verb or
    link word (name starter) and any leading quantifier, at most ``reach`` characters back."""
    a = quote_open
    while a > max(0, quote_open - reach) and NAME_RUN_RE.fullmatch(s[a - 1]):
        a -= 1
    run = s[a:quote_open]
    starts = [m.end() for m in _starters_re().finditer(run)]
    begin = starts[-1] if starts else 0
    rest = run[begin:]
    rest = _leading_quantifier_re().sub("", rest)
    return quote_open - len(rest)


def _whole_name(s: str, start: int, end: int, name: str, descriptor: str) -> tuple[int, int, str, str | None] | None:
    """A quoted core too short to be a name alone, inside a longer name that a program head ends
    (优秀某某“领航”工程): (start, end, name without the quote marks, type)."""
    if descriptor not in _words().program_heads:
        return None
    a = _prefix_start(s, start - 1)
    prefix = s[a:start - 1]
    if len(prefix) < 2 and descriptor not in lexicon.cues()["programs"]["naming_heads"]:
        return None                         # “某某”平台 alone: the head does not make a name
    if len(prefix) < 2:
        a, prefix = start - 1, ""           # 抓好“筑梦”工程: the core and its head
    return a, end + 1 + len(descriptor), tidy(prefix + name + descriptor), _type_by_suffix(descriptor)


def _known_with_head(name: str, descriptor: str) -> str | None:
    """The naming head opening the words after a quoted core when core and head are a known
    program's name (“青马”工程培训班 → 青马工程), else None."""
    for head in sorted(lexicon.cues()["programs"]["naming_heads"], key=len, reverse=True):
        if descriptor.startswith(head) and resolve(name + head):
            return head
    return None


def _campaign_in_phrase(name: str, descriptor: str) -> bool:
    """开展“某某”进企业活动: a short quoted name whose phrase, not the word right after it,
    ends with a program head."""
    return len(name) == 2 and not descriptor_is_head(descriptor) and 2 < len(descriptor) <= 8 \
        and descriptor.endswith(_words().program_heads)


@functools.lru_cache(maxsize=None)
def _opening_suffixes() -> tuple[str, ...]:
    cue = lexicon.cues()["programs"]
    return tuple(s for s, _ in cue["name_suffixes"]) + tuple(cue["opening_suffixes"])


OPENING_END_RE = re.compile(r"[，。；：,;:！？\n]")


def opening_names(s: str, openings: Iterable[tuple[int, int]], taken: Intervals) -> list[tuple[int, int, str]]:
    """Names of a program's shape that make up an item's opening clause with its verbs alone
    (3.深入实施某某专项行动。): (start, end, name)."""
    out = []
    for a, b in openings:
        stop = OPENING_END_RE.search(s, a, b)
        end = stop.start() if stop else b
        pos = a
        while (m := _starters_re().match(s, pos, end)) and m.end() > pos:
            pos = m.end()
        if pos == a:
            continue                        # no verb: the clause is no call to carry out a program
        name = s[pos:end]
        if not NAME_RUN_RE.fullmatch(name) or taken.overlaps(pos, end):
            continue
        if name.startswith(tuple(lexicon.cues()["programs"]["kind_quantifiers"])):
            continue                        # 举办各类某某比赛: a kind of thing, no name
        core = _edition_re().sub("", name)
        suffix = next((x for x in _opening_suffixes() if core.endswith(x)), None)
        if suffix is None or len(core) - len(suffix) < 3 or len(core) > 24:
            continue
        if core in lexicon.cues()["programs"]["generic_names"] or lexicon.is_formula(core):
            continue
        out.append((pos, end, name))
    return out


def _word_boundary(s: str, start: int, end: int, label: str) -> bool:
    """Whether an unquoted scheme label names the program here, not an ordinary word."""
    cue = lexicon.cues()["programs"]
    if label in cue["everyday_labels"]:
        return descriptor_is_head(s[end:end + 12]) or s.startswith(tuple(cue["everyday_label_tails"]), end)
    if len(label) > 3:
        return True
    return not (start > 0 and s[:start].endswith(tuple(cue["ordinal_marks"])))


def _squeezed(s: str, lo: int, hi: int) -> tuple[str, lexicon.Offsets]:
    """The text without spaces, and for each kept character its offset in the text."""
    return lexicon.squeezed(s, lo, hi, " \t\u3000\u00a0")
