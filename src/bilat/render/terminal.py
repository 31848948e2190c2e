"""The width text is written for: ``COLUMNS`` when set, else the terminal's, else 100 (a pipe
or a file). Light on purpose (no pandas): the CLI asks it at start-up."""

from __future__ import annotations

import os
import shutil
import sys
from typing import IO

PIPE_WIDTH = 100  # columns when the output is not a terminal (a pipe, a file)
MIN_WIDTH = 40


def terminal_width(stream: IO[str] | None = None) -> int:
    """``COLUMNS`` when it is set, else the terminal's width, else ``PIPE_WIDTH``."""
    env = os.environ.get("COLUMNS", "")
    if env.strip().isdigit() and int(env) > 0:
        return max(MIN_WIDTH, int(env))
    stream = stream if stream is not None else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty:
        return max(MIN_WIDTH, shutil.get_terminal_size((PIPE_WIDTH, 24)).columns)
    return PIPE_WIDTH
