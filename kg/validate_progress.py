"""A progress line on stderr: units done of how many, and the time left. Silent unless stderr
is a terminal."""
from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """``label  done/total  ETA m:ss``, redrawn in place at most a few times a second."""

    def __init__(self, label: str, stream: TextIO, *, every: float = 0.2):
        self.label = label
        self.stream = stream
        self.shown = stream.isatty()
        self.every = every
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def update(self, done: int, total: int | None) -> None:
        if not self.shown:
            return
        now = time.monotonic()
        if now - self.last < self.every and done != total:
            return
        self.last = now
        line = f"{self.label}  {done}" + (f"/{total}" if total else "")
        if total and done:
            left = (now - self.started) / done * (total - done)
            line += f"  ETA {int(left) // 60}:{int(left) % 60:02d}"
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """End the line, so that what is printed next starts on its own."""
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
