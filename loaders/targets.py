"""Quantitative targets: metric, comparator, value, unit and deadline.

A target is a number with a unit or a comparator word (不少于50万, 达到95%以上, 1000家基地) that
is not an ordinal, a date, an anniversary, part of a name, or a count of the plan's own parts
(6大工作领域, 37个省级试点县).  The digits are found first and the words around them read
after, which is several times faster than a pattern that starts with the optional words.
"""
from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from . import lexicon
from .intervals import Intervals
from .memo import last_text
from .model import Span, Text
from .numerals import CHINESE_NUMERAL_CHARS, NOT_SCALE_AFTER, SCALE_WORDS, chinese_to_int, to_decimal
from .structure import clause_bounds, sentence_bounds

CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# A number not preceded by a digit, point or sign; the check sits after the first digit so that
# the scan jumps from digit to digit.
NUMBER_RE = re.compile(r"(\d(?<![0-9.\-+]\d)\d*(?:[.,]\d+)?)(?![0-9])")
CN_NUMBER_RE = re.compile(f"[{CHINESE_NUMERAL_CHARS}]+")
BREAK_AFTER_RE = re.compile(r"[，。；：、,;:！？\n（(“”《》]")


@dataclass(frozen=True)
class TargetMention:
    metric: str
    comparator: str
    value: Decimal
    value_text: str
    unit: str
    span: Span
    sentence: Span
    deadline: Span | None


@functools.lru_cache(maxsize=None)
def _cue() -> dict:
    return lexicon.cues()["targets"]


@functools.lru_cache(maxsize=None)
def _word_tuple(name: str) -> tuple[str, ...]:
    """A list of target cue words as a tuple, for ``str.startswith`` and ``str.endswith``."""
    return tuple(_cue()[name])


@functools.lru_cache(maxsize=None)
def _comparators() -> tuple[tuple[str, str], ...]:
    """(word, comparator) pairs, longest word first."""
    c = _cue()
    pairs = [(w, ">=") for w in c["at_least"]] + [(w, ">") for w in c["more_than"]] + \
            [(w, "<=") for w in c["at_most"]] + [(w, "~") for w in c["about"]]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@functools.lru_cache(maxsize=None)
def _units() -> tuple[str, ...]:
    return tuple(sorted(_cue()["units"], key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _deadline_res() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in lexicon.cues()["deadlines"]["patterns"])


@functools.lru_cache(maxsize=None)
def _deadline_needs() -> tuple[tuple[re.Pattern, frozenset[str]], ...]:
    """Each deadline pattern with the characters any match of it holds."""
    return tuple((rx, lexicon.required_chars(rx)) for rx in _deadline_res())


@functools.lru_cache(maxsize=None)
def _fillers() -> tuple[str, ...]:
    """The metric fillers, longest first."""
    return tuple(sorted(_cue()["metric_fillers"], key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _word_set(name: str) -> frozenset[str]:
    return frozenset(_cue()[name])


@functools.lru_cache(maxsize=None)
def _noun_break_re() -> re.Pattern:
    """The words that break a list of counted things, each but where it starts a word of its own
    (和谐, 及时)."""
    exceptions = _cue()["noun_break_exceptions"]
    breaks = []
    for word in _cue()["noun_breaks"]:
        tails = [e[len(word):] for e in exceptions if e.startswith(word) and len(e) > len(word)]
        breaks.append(re.escape(word) + (f"(?!{'|'.join(map(re.escape, tails))})" if tails else ""))
    return re.compile("|".join(breaks))


def _after_words() -> tuple[str, ...]:
    """Comparator words written after the number (50%以上)."""
    return _word_tuple("after_words")


@functools.lru_cache(maxsize=None)
def _comparator_of() -> dict[str, str]:
    return dict(_comparators())


@functools.lru_cache(maxsize=None)
def _unit_re() -> re.Pattern:
    """Spaces, a scale (万 / 亿 / 千, not 万余) and a unit word, longest first, after a number.

    万 alone is a scale, never a unit.
    """
    units = "|".join(re.escape(u) for u in _units() if u not in SCALE_WORDS) or "(?!)"
    scales, not_after = "".join(SCALE_WORDS), "".join(NOT_SCALE_AFTER)
    return re.compile(f" *(?P<scale>[{scales}](?![{not_after}]))?(?P<unit>{units})?")


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _value(number: str, scale: str) -> Decimal | None:
    return to_decimal(number, scale)


def _read_unit(s: str, pos: int) -> tuple[str, str, int]:
    """(scale, unit, end) of what follows a number at pos: 万 / 亿 and a unit word."""
    m = _unit_re().match(s, pos)
    return m.group("scale") or "", m.group("unit") or "", m.end()


@functools.lru_cache(maxsize=None)
def _comparator_reach() -> int:
    """How far before a number the words of :func:`_comparator_ending` may start."""
    return max([len(w) for w, _ in _comparators()] + [3 + len(w) for w in _cue()["at_least_with_verb"]],
               default=0)


@functools.lru_cache(maxsize=lexicon.NAME_CACHE)
def _comparator_ending(tail: str) -> tuple[str | None, int]:
    """The comparator word that ends ``tail``, or stands a short verb before its end:
    (comparator, how far before the end the word starts)."""
    for word, comp in _comparators():
        if word not in _after_words() and tail.endswith(word):
            return comp, len(word)
    # 至少新建1个: a comparator word a short verb away from the number.
    for gap in (1, 2, 3):
        for word in _cue()["at_least_with_verb"]:
            w_start = len(tail) - gap - len(word)
            if w_start >= 0 and tail.startswith(word, w_start) \
                    and all(CJK_RE.match(ch) for ch in tail[w_start + len(word):]):
                return ">=", gap + len(word)
    return None, 0


def _comparator_before(s: str, start: int, lo: int) -> tuple[str | None, int]:
    """A comparator word ending just before a number (spaces allowed): (comparator, word start)."""
    p = start
    while p > lo and s[p - 1] == " ":
        p -= 1
    comp, back = _comparator_ending(s[max(lo, p - _comparator_reach()):p])
    return (comp, p - back) if comp else (None, start)


def _comparator_after(s: str, end: int) -> tuple[str | None, int]:
    words = _after_words()
    if not s.startswith(words, end):
        return None, end
    for word in words:
        if s.startswith(word, end):
            return _comparator_of()[word], end + len(word)
    return None, end


def _is_quantity(s: str, start: int, end: int, unit_end: int, unit: str, lo: int) -> bool:
    """Not an ordinal, date, anniversary, name or count of the plan's own parts."""
    c = _cue()
    before = s[max(lo, start - 2):start]
    if before.endswith(_word_tuple("not_quantity_before")):
        return False
    after = s[end:end + 4].lstrip(" ")
    if after.startswith(_word_tuple("not_quantity_after")):
        return False
    if unit in _word_set("not_target_units"):
        return False
    if start > 0 and s[start - 1] in "-—～~" or s[end:end + 1] in "-—～~.":
        return False
    following = s[unit_end:unit_end + 10]
    stop = BREAK_AFTER_RE.search(following)
    noun = following[:stop.start()] if stop else following
    if (unit in _word_set("count_units") or unit in _word_set("scope_units")) \
            and any(w in noun for w in c["scope_nouns"]):
        return False
    return True


def _states_a_fact(s: str, start: int, lo: int, hi: int) -> bool:
    """A number its clause states as a fact, not a goal (全市现有团员3.2万名, 去年发展团员1万名)."""
    ca, _ = clause_bounds(s, start, lo, hi)
    before = s[ca:start]
    return any(w in before for w in _cue()["fact_words"])


def _counts_attendance(s: str, start: int, lo: int, hi: int) -> bool:
    """A number its clause gives as who attended a meeting (11个乡镇团委负责人参加会议)."""
    _, cb = clause_bounds(s, start, lo, hi)
    return any(w in s[start:cb] for w in _cue()["attendance_words"])


def parse_targets(text: Text, lo: int, hi: int,
                  quoted: Intervals | Iterable[tuple[int, int]] | None = None) -> list[TargetMention]:
    """The targets stated between lo and hi, leaving out numbers inside the ``quoted`` spans."""
    s = text.text
    if not isinstance(quoted, Intervals):
        quoted = Intervals(quoted or ())
    out: list[TargetMention] = []
    for m in _numbers(s, lo, hi):
        start, end, number = m
        if quoted.holds(start):
            continue
        scale, unit, unit_end = _read_unit(s, end)
        comp_before, comp_start = _comparator_before(s, start, lo)
        comp_after, after_end = _comparator_after(s, unit_end)
        if not CJK_RE.match(number) and not unit and not scale and not (comp_before or comp_after):
            continue
        if not unit and not scale and unit_end < len(s) and CJK_RE.match(s[unit_end]) and not comp_after:
            if not comp_before:
                continue
        if not _is_quantity(s, start, end, unit_end, unit, lo):
            continue
        if _states_a_fact(s, start, lo, hi) or _counts_attendance(s, start, lo, hi):
            continue
        if not unit and not scale and not comp_before and not comp_after:
            continue
        value = _value(number, scale)
        if value is None:
            continue
        comparator = comp_after or comp_before or "="
        span_start = comp_start if comp_before else start
        span_end = after_end if comp_after else unit_end
        sent_a, sent_b = sentence_bounds(s, start, lo, hi)
        out.append(TargetMention(
            metric=_metric(s, start, span_start, unit_end, after_end, unit, lo, hi),
            comparator=comparator, value=value, value_text=s[start:unit_end].strip(),
            unit=_cue()["unit_aliases"].get(unit, unit),
            span=text.span(span_start, span_end), sentence=text.span(sent_a, sent_b),
            deadline=_deadline(text, start, sent_a, sent_b)))
    return _respectively(s, out, lo, hi)


@functools.lru_cache(maxsize=None)
def _list_join_re() -> re.Pattern:
    """What stands between two values of one list (70%、40%和20%)."""
    joins = "|".join(map(re.escape, _cue()["list_joins"]))
    return re.compile(f" *(?:{joins}) *")


@functools.lru_cache(maxsize=None)
def _respectively_re() -> re.Pattern:
    """The word that spreads a list of values over a list of things (…分别不低于), at the end of
    the words before the values."""
    words = "|".join(map(re.escape, _cue()["respectively"]))
    links = "|".join(map(re.escape, _cue()["respectively_links"]))
    return re.compile(f"(?:{words})(?:{links})? *$")


def _respectively(s: str, found: list[TargetMention], lo: int, hi: int) -> list[TargetMention]:
    """Values listed after one comparator (分别不低于70%、40%、20%) are one target each: each
    shares the comparator and takes its own thing from the list before 分别."""
    out = list(found)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and _list_join_re().fullmatch(s, out[j].span.end, out[j + 1].span.start):
            j += 1
        if j > i:
            out[i:j + 1] = _shared(s, out[i:j + 1], lo, hi)
        i = j + 1
    return out


def _shared(s: str, group: list[TargetMention], lo: int, hi: int) -> list[TargetMention]:
    first = group[0]
    comparators = [t.comparator if t.comparator != "=" else first.comparator for t in group]
    ca, _ = clause_bounds(s, first.span.start, lo, hi)
    before = s[ca:first.span.start]
    m = _respectively_re().search(before)
    metrics = [first.metric] * len(group)
    if m:
        prefix = _trim(before[:m.start()])
        metrics = _metrics_per_thing(prefix, len(group)) or [prefix] * len(group)
    return [dataclasses.replace(t, comparator=c, metric=mt) for t, c, mt in zip(group, comparators, metrics)]


def _metrics_per_thing(prefix: str, n: int) -> list[str] | None:
    """The metric of each value when the words before 分别 list as many things as there are values:
    words the list shares before its first thing and after its last (A、B、C中的比例) go to each."""
    parts = _noun_break_re().split(prefix)
    if len(parts) != n or not all(parts):
        return None
    last, tail = parts[-1], ""
    for marker in _cue()["shared_tail_markers"]:
        k = last.find(marker, 1)
        if k > 0:
            last, tail = last[:k], last[k:]
            break
    else:
        for word in sorted(_cue()["measure_words"], key=len, reverse=True):
            if last.endswith(word) and len(last) > len(word):
                last, tail = last[:-len(word)], word
                break
    things = parts[:-1] + [last]
    width = max(len(p) for p in things[1:])
    lead = ""
    if len(things[0]) > width + 1:
        lead, things[0] = things[0][:-width], things[0][-width:]
    return [lead + thing + tail for thing in things]


@functools.lru_cache(maxsize=None)
def _numeral_words() -> tuple[tuple[str, re.Pattern], ...]:
    """The comparator words written before a number, each with the pattern of it and a numeral."""
    return tuple((word, re.compile(re.escape(word) + f"([{CHINESE_NUMERAL_CHARS}]+)"))
                 for word, _ in _comparators() if word not in _after_words())


@functools.lru_cache(maxsize=None)
def _any_numeral_word() -> re.Pattern | None:
    """A pattern that finds something exactly where one of :func:`_numeral_words` does."""
    words = [word for word, _ in _numeral_words()]
    if not words:
        return None
    return re.compile(f"(?:{'|'.join(map(re.escape, words))})[{CHINESE_NUMERAL_CHARS}]")


@last_text
def _all_numbers(s: str) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Every Arabic number of the text, (start, end, digits), and their starts."""
    found = [(m.start(1), m.end(1), m.group(1)) for m in NUMBER_RE.finditer(s)]
    return [a for a, _, _ in found], found


def _arabic_numbers(s: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The Arabic numbers a scan of the text between lo and hi finds: those of the whole text
    that lie there, unless one reaches over lo or hi (then the stretch is scanned itself)."""
    starts, found = _all_numbers(s)
    i, j = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, hi)
    if (i > 0 and found[i - 1][1] > lo) or (j > 0 and found[j - 1][1] > hi):
        return [(m.start(1), m.end(1), m.group(1)) for m in NUMBER_RE.finditer(s, lo, hi)]
    return found[i:j]


@last_text
def _numeral_word_spans(s: str) -> Intervals:
    """Where the text has a comparator word and a Chinese numeral: every match of
    :func:`_numeral_words` between lo and hi overlaps one of these spans."""
    any_word = _any_numeral_word()
    return Intervals((m.start(), m.end()) for m in any_word.finditer(s)) if any_word else Intervals()


def _numbers(s: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Arabic numbers, and Chinese numerals that a comparator word introduces (至少一次, 破亿)."""
    found = list(_arabic_numbers(s, lo, hi))
    if not _numeral_word_spans(s).overlaps(lo, hi):
        return sorted(set(found))
    for _, pattern in _numeral_words():
        for m in pattern.finditer(s, lo, hi):
            a, b = m.start(1), m.end(1)
            digits = m.group(1)
            if digits in SCALE_WORDS:
                found.append((a, a, "1"))     # 破亿: one 亿, the scale is read after
            elif not any(x[0] <= a < x[1] for x in found):
                found.append((a, b, digits))
    return sorted(set(found))


def _metric(s: str, number_start: int, span_start: int, unit_end: int, after_end: int,
            unit: str, lo: int, hi: int) -> str:
    """What is measured: the words before the number, and the counted noun after it."""
    ca, cb = clause_bounds(s, number_start, lo, hi)
    rest = _noun_break_re().split(s[after_end:cb], 1)[0]
    before = s[ca:span_start]
    if before.rstrip(" ").endswith("、"):
        before = ""         # 思政考评结果、8学时团前教育: the number opens a list element
    noun = ""
    link = next((w for w in _word_tuple("noun_links") if rest.startswith(w)), "")
    counted = rest[len(link):]
    if counted and CJK_RE.match(counted[:1]):
        noun = counted                                  # 90%的团员: 团员
    elif rest[:1] == "“" and "”" in rest:
        noun = rest[:rest.index("”") + 1]               # 建设18个“某某家园”: the quoted thing counted
    before = _trim(before)
    if len(before) < 3 and not noun and ca > lo:
        # 全年不少于3场次: the thing counted stands in the clause before.
        pa, _ = clause_bounds(s, ca - 1, lo, hi)
        before = _trim(s[pa:ca - 1]) + ("" if before in _cue()["metric_fillers"] else before)
    metric = (before + noun).strip()
    if not metric or metric.endswith(_word_tuple("count_endings")):
        return metric
    if unit in _word_set("people_units"):
        metric += _cue()["count_suffix_people"]         # 讲师团不少于100人: 讲师团人数
    elif noun and unit in _word_set("count_units"):
        metric += _cue()["count_suffix"]                # 建设1000家基地: 基地数
    elif unit in _cue()["count_suffix_by_unit"]:
        metric += _cue()["count_suffix_by_unit"][unit]  # 开展活动不少于2场次: 活动场次
    return metric


def _trim(phrase: str) -> str:
    """A metric phrase without deadlines, fillers and leading particles."""
    for rx, needs in _deadline_needs():
        if all(ch in phrase for ch in needs):
            phrase = rx.sub("", phrase)
    phrase = phrase.strip(" \t")
    for mark in _word_tuple("metric_statement_marks"):
        phrase = phrase.rsplit(mark, 1)[-1]
    for end in _word_tuple("metric_subject_ends"):
        at = phrase.find(end)
        if 0 < at and at + len(end) < len(phrase):
            phrase = phrase[at + len(end):]
            break
    fillers = _fillers()
    changed = True
    while changed and phrase:
        changed = False
        if not phrase.startswith(fillers):
            break                           # no filler to take off
        for f in fillers:
            if phrase.startswith(f) and len(phrase) > len(f):
                phrase = phrase[len(f):].lstrip(" ")
                changed = True
    phrase = _respectively_re().sub("", phrase).strip(" ，,")
    trailing = _word_tuple("metric_trailing_fillers")
    while phrase.endswith(trailing):
        phrase = phrase[:-len(next(w for w in trailing if phrase.endswith(w)))]
    return phrase


def _deadline(text: Text, pos: int, lo: int, hi: int) -> Span | None:
    """The deadline wording in the sentence, the nearest before the number first."""
    s = text.text
    best = None
    for rx, needs in _deadline_needs():
        if not all(s.find(ch, lo, hi) >= 0 for ch in needs):
            continue                        # no match can lie between lo and hi
        for m in rx.finditer(s, lo, hi):
            if m.start() <= pos and (best is None or m.start() > best.start):
                best = text.span(m.start(), m.end())
            elif best is None and m.start() > pos:
                best = text.span(m.start(), m.end())
    return best


def deadline_in(text: Text, lo: int, hi: int) -> Span | None:
    """The first deadline wording between lo and hi (an item's opening, a heading), or None."""
    found = _deadline(text, lo, lo, hi)
    return found


def deadline_date(wording: str, year: int | None) -> dt.date | None:
    """The last day a deadline wording allows, in the plan year when it names none.

    >>> deadline_date("6月底前", 2021), deadline_date("三季度末", 2022), deadline_date("十月中旬前", 2020)
    (datetime.date(2021, 6, 30), datetime.date(2022, 9, 30), datetime.date(2020, 10, 20))
    """
    y = re.search(r"((?:19|20)\d{2})", wording)
    year = int(y.group(1)) if y else year
    if year is None:
        return None
    words = lexicon.cues()["deadlines"]
    rest = wording.replace(str(year), "")
    m = _MONTH_RE.search(rest)
    if m:
        month = _month_number(m.group(1))
        if month is None or not 1 <= month <= 12:
            return None
        parts = words["month_parts"]
        day = parts.get(m.group(2) or "", calendar.monthrange(year, month)[1])
        return dt.date(year, month, day)
    q = _QUARTER_RE.search(rest)
    if q:
        quarter = _month_number(q.group(1))
        if quarter and 1 <= quarter <= 4:
            month = quarter * 3
            return dt.date(year, month, calendar.monthrange(year, month)[1])
    if any(w in wording for w in words["first_half"]):
        return dt.date(year, 6, 30)
    if any(w in wording for w in words["year_end"]):
        return dt.date(year, 12, 31)
    return None


_MONTH_RE = re.compile(f"(\\d{{1,2}}|[{CHINESE_NUMERAL_CHARS}]{{1,3}})\\s*月(上旬|中旬|下旬)?")
_QUARTER_RE = re.compile(f"(\\d|[{CHINESE_NUMERAL_CHARS}])季度")


def _month_number(written: str) -> int | None:
    return int(written) if written.isdigit() else chinese_to_int(written)
