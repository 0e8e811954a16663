"""Progress of `kg build` on a terminal: a line per phase, in order, with counts; nothing in a pipe."""
from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

from kg.progress import Progress
from samples import CORPUS

KG = str(Path(sys.executable).parent / "kg")
PHASES = ["reading", "extraction", "loading into the RDF store", "Cypher projection", "pages' index", "summary"]


def on_a_terminal(*args) -> tuple[int, str, bytes]:
    """Run kg with its stderr on a pseudo-terminal and its stdout on a pipe: the exit status,
    what the terminal showed and what went to the pipe."""
    leader, follower = pty.openpty()
    child = subprocess.Popen([KG, *map(str, args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=follower)
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:             # the terminal's other side closed: the command ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    out = child.stdout.read()
    child.stdout.close()
    return child.wait(timeout=60), shown.decode("utf-8"), out


def finished_lines(shown: str) -> list[str]:
    """The lines a terminal is left showing: each line as its last redraw left it."""
    lines = shown.replace("\r\n", "\n").split("\n")
    return [re.sub(r"\x1b\[K", "", line.split("\r")[-1]).rstrip() for line in lines if line.strip()]


def test_a_build_on_a_terminal_shows_each_phase_in_order_with_its_counts(tmp_path):
    status, shown, out = on_a_terminal("build", CORPUS, "--db", tmp_path / "db", "-j", "2")
    assert status == 0, shown
    lines = finished_lines(shown)
    assert [line.split("   ")[0].strip() for line in lines] == PHASES, lines
    plans = len(list(CORPUS.glob("*.txt")))
    for phase, line in zip(PHASES[:5], lines):
        assert re.search(rf"\b{plans}/{plans} files\b", line), line
        assert re.search(r"\d+\.\d s$", line), line           # and the seconds it took
    assert out.startswith(b"built 5, unchanged 0, failed 0")  # the summary, on stdout as before

    status, shown, _ = on_a_terminal("build", CORPUS, "--db", tmp_path / "db", "--quiet")
    assert status == 0 and shown == ""                        # --quiet: nothing, on a terminal too


def test_a_build_whose_stderr_is_a_pipe_prints_no_progress(tmp_path):
    done = subprocess.run([KG, "build", CORPUS, "--db", tmp_path / "db", "-j", "2"], capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0
    assert done.stderr == b""
    assert done.stdout.startswith(b"built 5, unchanged 0, failed 0")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_phase_line_gives_its_count_rate_and_eta_then_its_seconds():
    stream = Terminal()
    progress = Progress(stream)
    assert progress.enabled
    phase = progress.phase("extraction", 10, "files").start()
    phase.advance(5)
    phase.started = time.monotonic() - 10          # as if the five took ten seconds
    assert phase.line() == "extraction                      5/10 files   0.5/s   ETA 0:10"
    progress.phase("loading into the RDF store", 3, "files").start()    # finishes the phase before
    assert phase.finished
    assert re.fullmatch(r"extraction +5/10 files   1\d\.\d s", finished_lines(stream.getvalue())[0])


def test_a_reporter_writes_nothing_where_it_is_not_a_terminal():
    stream = io.StringIO()
    for progress in (Progress(stream), Progress(Terminal(), enabled=False), Progress.silent()):
        with progress.phase("reading", 2, "files") as reading:
            reading.advance(2)
        assert not progress.enabled
    assert stream.getvalue() == ""
