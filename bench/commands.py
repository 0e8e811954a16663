"""``kg`` commands timed as a user runs them: a process of the installed ``kg`` command each,
its wall seconds and the peak memory of its process tree, stopped past a time or memory limit
(the machine is shared). The process's start-up (``kg --version``) is measured apart."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

from .timing import PeakMemory

STARTUP_RUNS = 3


def kg_command() -> str:
    """The ``kg`` command installed beside this Python (the virtualenv's)."""
    beside = Path(sys.executable).parent / "kg"
    return str(beside) if beside.exists() else shutil.which("kg") or "kg"


def run_kg(args: list, *, timeout: float, memory_mb: float, out: Path | None = None) -> dict:
    """Run ``kg ARGS``, its standard output to ``out`` (or nowhere): seconds, peak MB and exit
    status; ``{"timeout": seconds}`` or ``{"memory": MB}`` when it was stopped for going past one."""
    with open(out or os.devnull, "wb") as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen([kg_command(), *map(str, args)], stdout=stdout, stderr=stderr,
                                 stdin=subprocess.DEVNULL)
        stopped: dict | None = None
        with PeakMemory(child.pid) as memory:
            while child.poll() is None:
                if time.perf_counter() - start > timeout:
                    stopped = {"timeout": timeout}
                elif memory.now > memory_mb * 1e6:
                    stopped = {"memory": memory_mb}
                if stopped:
                    _stop(child)
                    break
                time.sleep(0.1)
        seconds = time.perf_counter() - start
        stderr.seek(0)
        said = stderr.read().decode("utf-8", "replace").strip().splitlines()
    if stopped:
        return stopped
    result = {"s": seconds, "peak_mb": memory.peak / 1e6, "exit": child.returncode}
    if child.returncode not in (0, 1):
        errors = [line for line in said if line.lower().startswith("error")]
        result["error"] = (errors or said or [f"exit status {child.returncode}"])[0]
    return result


def _stop(child: subprocess.Popen) -> None:
    """Stop a command and the workers it started."""
    import psutil

    with contextlib.suppress(psutil.Error):
        for process in psutil.Process(child.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                process.kill()
    child.kill()
    child.wait()


def startup() -> float:
    """Median seconds of ``kg --version``: what every command pays before its work."""
    times = []
    for _ in range(STARTUP_RUNS):
        start = time.perf_counter()
        subprocess.run([kg_command(), "--version"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextlib.contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """An Oxigraph server on loopback with a fresh store in ``folder``, as the tests start one;
    its base URL."""
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        raise LookupError("the Oxigraph server is not installed (pip install -e '.[test]' brings it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([found, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise LookupError("the Oxigraph server did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def user_commands(db: Path, out: Path, plans: tuple[str, str], program: str) -> dict[str, tuple[list, Path | None]]:
    """Every command a user runs on a built workspace but build and query (timed apart), by
    label: its arguments and where its standard output goes."""
    from kg.exports import EXPORTERS

    commands: dict[str, tuple[list, Path | None]] = {
        "kg validate": (["validate", "--db", db], None),
        "kg stats": (["stats", "--db", db], None),
        "kg compare": (["compare", *plans, "--db", db], None),
    }
    for view in ("bodies-programs", "full", "ego"):
        centre = ["--program", program] if view == "ego" else []
        commands[f"kg viz --view {view}"] = (["viz", "--view", view, *centre, "--db", db, "-o", out / f"{view}.html"],
                                             None)
    for fmt in sorted(EXPORTERS):
        commands[f"kg export --format {fmt}"] = (["export", "--format", fmt, "--db", db, "-o", out / f"export.{fmt}"],
                                                 None)
    return commands


def time_commands(db: Path, out: Path, plans: tuple[str, str], program: str, *, timeout: float,
                  memory_mb: float, log=lambda s: None, timed: dict | None = None,
                  saved=lambda: None) -> dict[str, dict]:
    """Each of :func:`user_commands` run once, then ``kg push sparql`` to a fresh loopback
    Oxigraph server; label -> what :func:`run_kg` measured, put in ``timed`` (a new dict if
    None) as each ends, ``saved`` called after each."""
    out.mkdir(parents=True, exist_ok=True)
    timed = {} if timed is None else timed
    for label, (args, stdout) in user_commands(db, out, plans, program).items():
        log(label)
        timed[label] = run_kg(args, timeout=timeout, memory_mb=memory_mb, out=stdout)
        saved()
    log("kg push sparql")
    try:
        with oxigraph_server(out / "oxigraph") as base:
            timed["kg push sparql"] = run_kg(["push", "sparql", "--endpoint", f"{base}/store", "--query-endpoint",
                                              f"{base}/query", "--db", db], timeout=timeout, memory_mb=memory_mb)
    except LookupError as err:
        timed["kg push sparql"] = {"error": str(err)}
    return timed
