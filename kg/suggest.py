""""Did you mean": the names nearest to a misspelt one, from what the workspace holds."""
from __future__ import annotations

import difflib
from typing import Iterable


def nearest(word: str, choices: Iterable[str], n: int = 5, cutoff: float = 0.5) -> list[str]:
    """The choices most like ``word`` (difflib's ratio), best first; partial matches when none is close.

    >>> nearest("pursue", ["documents", "pursues", "targets"])
    ['pursues']
    >>> nearest("青马", ["青年大学习", "青马工程"])
    ['青马工程']
    """
    choices = sorted(set(choices))
    near = difflib.get_close_matches(word, choices, n=n, cutoff=cutoff)
    if not near:
        folded = word.lower()
        near = [c for c in choices if folded in c.lower() or c.lower() in folded][:n]
    return near


def hint(word: str, choices: Iterable[str], n: int = 5) -> str:
    """"; did you mean: a, b" for the nearest choices, or nothing when none is near."""
    near = nearest(word, choices, n)
    return f"; did you mean: {', '.join(near)}?" if near else ""
