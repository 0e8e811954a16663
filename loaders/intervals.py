"""Sets of half-open intervals ``[a, b)`` of the text, asked many times whether one is hit."""
from __future__ import annotations

import bisect
import operator
from typing import Iterable


class Intervals:
    """Intervals sorted by start, with the farthest end reached by each prefix of them.

    >>> iv = Intervals([(5, 8), (0, 2), (3, 3)])
    >>> iv.overlaps(1, 4), iv.overlaps(2, 3), iv.overlaps(2, 4), iv.holds(7), iv.holds(8)
    (True, False, True, True, False)
    >>> iv.covers(5, 8), iv.covers(4, 6), iv.covers(1, 3)
    (True, False, False)
    """

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()):
        ordered = sorted(pairs)
        self._starts = [a for a, _ in ordered]
        ends = [b for _, b in ordered]
        self._reach = ends if all(map(operator.le, ends, ends[1:])) else _running_max(ends)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some interval ``[a, b)`` has ``a < end`` and ``start < b``."""
        i = bisect.bisect_left(self._starts, end)
        return i > 0 and self._reach[i - 1] > start

    def holds(self, pos: int) -> bool:
        """Whether some interval ``[a, b)`` has ``a <= pos < b``."""
        i = bisect.bisect_right(self._starts, pos)
        return i > 0 and self._reach[i - 1] > pos

    def covers(self, start: int, end: int) -> bool:
        """Whether some interval ``[a, b)`` has ``a <= start`` and ``end <= b``."""
        i = bisect.bisect_right(self._starts, start)
        return i > 0 and self._reach[i - 1] >= end


def _running_max(values: list[int]) -> list[int]:
    """The largest value so far at each place."""
    out, far = [], None
    for v in values:
        if far is None or v > far:
            far = v
        out.append(far)
    return out
