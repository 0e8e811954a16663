"""Signals as a test's child processes should receive them."""
from __future__ import annotations

import signal


def interruptible() -> None:
    """Ctrl-C as a terminal gives it, whatever this process inherited: a shell starting a
    command in the background without job control starts it with SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
