"""Calendar dates as documents and pages write them.

Forms: 2021年3月5日, 2021年03月05日, 2021 年 3 月 5 日, 二〇二一年三月五日 (Chinese numerals,
〇 or ○ or 零 for zero), 2021-03-05, 2021/3/5, 2021.3.5 (one separator throughout; a time after
the date is left out of the match).

>>> [(d.date.isoformat(), d.end - d.start) for d in find_dates("2021 年 3 月 5 日与二〇二一年三月五日")]
[('2021-03-05', 14), ('2021-03-05', 9)]
>>> [d.date.isoformat() for d in find_dates("发布时间：2021-03-05 10:21　2021/3/5　2021.3.5")]
['2021-03-05', '2021-03-05', '2021-03-05']
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .numerals import chinese_to_int

_ZERO = "〇○零Ｏ"
_CN_DIGIT = f"[{_ZERO}一二三四五六七八九]"
_CN_SMALL = "[一二三四五六七八九十]"

DATE_FORMS = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(rf"({_CN_DIGIT}{{4}})\s*年\s*({_CN_SMALL}{{1,3}})\s*月\s*({_CN_SMALL}{{1,3}})\s*日"),
    re.compile(r"(?<![\d.])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d.])"),
)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    date: dt.date


def find_dates(text: str, lo: int = 0, hi: int | None = None) -> list[DateMention]:
    """Every valid date between lo and hi, in text order (overlaps resolved by the earlier start)."""
    hi = len(text) if hi is None else hi
    found: list[DateMention] = []
    for form in DATE_FORMS:
        for m in form.finditer(text, lo, hi):
            date = _value(m)
            if date is not None:
                found.append(DateMention(m.start(), m.end(), date))
    found.sort(key=lambda d: (d.start, -d.end))
    kept: list[DateMention] = []
    for d in found:
        if not kept or d.start >= kept[-1].end:
            kept.append(d)
    return kept


def written_year(written: str) -> int | None:
    """A year written in digits or in Chinese numerals, digit by digit.

    >>> written_year("2021"), written_year("二〇二一"), written_year("二○二○")
    (2021, 2021, 2020)
    """
    return _number(written)


def _value(m: re.Match) -> dt.date | None:
    groups = [g for g in m.groups() if g not in ("-", "/", ".")]
    year, month, day = (_number(g) for g in groups)
    if None in (year, month, day):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _number(written: str) -> int | None:
    if written.isdigit():
        return int(written)
    if len(written) == 4 and all(ch in _ZERO or chinese_to_int(ch) is not None for ch in written):
        return int("".join("0" if ch in _ZERO else str(chinese_to_int(ch)) for ch in written))
    return chinese_to_int(written)
