"""Cypher text written safely: names in backticks, values as literals.

Values from the documents travel as query parameters wherever a driver takes them; literals are
only for the cypher-shell script, which has no parameters.

>>> identifier("Work`Plan")
'`Work``Plan`'
>>> literal('say "hi" \\\\ ok\\n')
'"say \\\\"hi\\\\" \\\\\\\\ ok\\\\n"'
>>> literal({"uri": "x", "n": [1, 2.5, True, None]})
'{n: [1, 2.5, true, null], uri: "x"}'
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# What string() writes for each character it escapes: the escapes above, else \uXXXX.
_STRING_ESCAPES = {**{c: f"\\u{c:04x}" for c in [*range(0x20), 0x2028, 0x2029, 0x7f]},
                   **{ord(ch): escaped for ch, escaped in _ESCAPES.items()}}


def identifier(name: str) -> str:
    """A label, relationship type or property key in backticks (a backtick inside doubled)."""
    return "`" + name.replace("`", "``") + "`"


def string(text: str) -> str:
    """A Cypher string literal in double quotes; control characters as \\uXXXX escapes."""
    return '"' + text.translate(_STRING_ESCAPES) + '"'


def number(value: float) -> str:
    """A float as a Cypher literal without exponent surprises (500000.0, 0.5)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value} has no Cypher literal")
    text = repr(value)
    return text if "e" not in text and "inf" not in text else format(Decimal(text), "f")


def literal(value) -> str:
    """Any projected value as a Cypher literal: strings, numbers, booleans, dates, lists, maps."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, dt.datetime):
        return f"localdatetime({string(value.isoformat())})"
    if isinstance(value, dt.date):
        return f"date({string(value.isoformat())})"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{identifier(k) if not k.isidentifier() else k}: {literal(v)}"
                               for k, v in sorted(value.items())) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")
