"""Progress of a long command on a terminal: one line per phase, with counts, rate and ETA.

Usage::

    progress = Progress.on_stderr(quiet)
    with progress.phase("reading", total=len(files), unit="files") as reading:
        for f in files:
            ...
            reading.advance()

or, where a ``with`` block does not fit, ``phase = progress.phase(...).start()`` and
``phase.finish()``. Starting a phase finishes the one before it, if that is still open.

A phase's line is redrawn in place (at most ten times a second) while it runs, and left
finished, with its count and seconds, when it ends::

    reading                      1,000/1,000 files   0.4 s
    extraction                     412/1,000 files   38/s   ETA 0:15

A phase whose total is not known (``total=None``) shows its count alone, and one with nothing to
count its seconds. ``advance`` may be called from any thread. Where the stream is not a terminal
(a pipe, a log file) or the reporter is disabled, nothing is written at all.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

REDRAW_EVERY = 0.1          # seconds between two redraws of a running phase's line
NAME_WIDTH = 28
CLEAR_LINE = "\r\x1b[K"


class Progress:
    """Writes the phases of one command to a stream (see the module's docstring)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = _is_terminal(self.stream)
        self.enabled = enabled
        self.current: Phase | None = None      # the phase whose line is open

    @classmethod
    def on_stderr(cls, quiet: bool = False) -> "Progress":
        """A reporter on stderr, silent with ``quiet`` or when stderr is not a terminal."""
        return cls(sys.stderr, enabled=not quiet and _is_terminal(sys.stderr))

    @classmethod
    def silent(cls) -> "Progress":
        """A reporter that writes nothing: for callers that show no progress."""
        return cls(enabled=False)

    def phase(self, name: str, total: int | None = None, unit: str = "") -> "Phase":
        """A phase of the command, to use as a context manager: its line ends when it does."""
        return Phase(self, name, total, unit)

    def _write(self, text: str) -> None:
        if self.enabled:
            self.stream.write(text)
            self.stream.flush()


class Phase:
    """One phase: ``advance()`` as its items are done; ``total`` may be set once it is known."""

    def __init__(self, progress: Progress, name: str, total: int | None, unit: str):
        self.progress, self.name, self.total, self.unit = progress, name, total, unit
        self.done = 0
        self.started = time.monotonic()
        self.finished = False
        self._drawn = 0.0
        self._lock = threading.Lock()

    def start(self) -> "Phase":
        """Open the phase's line (finishing the phase before, if still open); the phase."""
        before = self.progress.current
        if before is not None and before is not self:
            before.finish()
        self.progress.current = self
        self.started = time.monotonic()
        self._draw(force=True)
        return self

    def finish(self, stopped: bool = False) -> None:
        """Leave the phase's line finished, with its count and seconds; once only."""
        with self._lock:
            if self.finished:
                return
            self.finished = True
            line = self.line(finished=True) + ("   (stopped)" if stopped else "")
            self.progress._write(CLEAR_LINE + line + "\n")
        if self.progress.current is self:
            self.progress.current = None

    def __enter__(self) -> "Phase":
        return self.start()

    def __exit__(self, kind, *exc) -> None:
        self.finish(stopped=kind is not None)

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more items done."""
        with self._lock:
            self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.progress.enabled:
            return
        now = time.monotonic()
        with self._lock:
            if not self.finished and (force or now - self._drawn >= REDRAW_EVERY):
                self._drawn = now
                self.progress._write(CLEAR_LINE + self.line())

    def line(self, finished: bool = False) -> str:
        """The phase's line as it stands: name, count, then its rate and ETA, or its seconds
        once finished."""
        elapsed = time.monotonic() - self.started
        parts = [f"{self.name:<{NAME_WIDTH}}"]
        if self.total is not None:
            parts.append(f"{self.done:>{len(f'{self.total:,}')},}/{self.total:,} {self.unit}".rstrip())
        elif self.done or self.unit:
            parts.append(f"{self.done:,} {self.unit}".rstrip())
        if finished:
            parts.append(_seconds(elapsed))
        elif self.done and elapsed >= 0.5:
            rate = self.done / elapsed
            parts.append(f"{rate:,.0f}/s" if rate >= 10 else f"{rate:.1f}/s")
            if self.total is not None and self.total > self.done:
                parts.append(f"ETA {_clock((self.total - self.done) / rate)}")
        return "   ".join(parts)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):         # no isatty, or closed
        return False


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else _clock(seconds)


def _clock(seconds: float) -> str:
    """Seconds as a clock shows them.

    >>> _clock(75), _clock(3725)
    ('1:15', '1:02:05')
    """
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
