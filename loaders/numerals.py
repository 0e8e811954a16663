"""Numbers as plans write them: Arabic digits, Chinese numerals, and the scales 万 / 亿."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from . import lexicon

_WORDS = lexicon.cues()["numerals"]
DIGITS: dict[str, int] = dict(_WORDS["digits"])
SMALL_UNITS: dict[str, int] = dict(_WORDS["small_units"])
SCALES: dict[str, int] = dict(_WORDS["scales"])
# Written right after a number as its scale (5万名, 3千人), unless a word of approximation follows.
SCALE_WORDS: tuple[str, ...] = tuple(_WORDS["scale_words"])
NOT_SCALE_AFTER: tuple[str, ...] = tuple(_WORDS["not_scale_after"])
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(SCALES)


def chinese_to_int(s: str) -> int | None:
    """The value of a Chinese numeral (一千二百, 十五, 两万), or None when it is not one.

    >>> chinese_to_int("十五"), chinese_to_int("一千二百"), chinese_to_int("两万"), chinese_to_int("亿")
    (15, 1200, 20000, 100000000)
    """
    if not s or any(ch not in CHINESE_NUMERAL_CHARS for ch in s):
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * SCALES[ch]
            section, digit = 0, None
    return total + section + (digit or 0)


def to_decimal(number: str, scale: str = "") -> Decimal | None:
    """A written number (``50``, ``1.5``, ``3,000``, ``十五``) times its scale (``万``, ``亿``).

    >>> to_decimal("50", "万"), to_decimal("1.5", "亿"), to_decimal("十五")
    (Decimal('500000'), Decimal('150000000'), Decimal('15'))
    """
    raw = number.replace(",", "").replace("，", "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        as_int = chinese_to_int(raw)
        if as_int is None:
            return None
        value = Decimal(as_int)
    for ch in scale:
        value *= SCALES.get(ch, 1)
    return Decimal(int(value)) if value == value.to_integral() else value


def plain(value: Decimal) -> str:
    """A decimal written without exponent or trailing zeros (500000, 0.5)."""
    if value == value.to_integral():
        return str(int(value))
    return format(value.normalize(), "f")
