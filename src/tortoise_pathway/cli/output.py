"""What the command line prints: finished lines, work that starts now (completed by the next
finished line, on the same line on a terminal), warnings and errors."""

from __future__ import annotations

import sys

_pending = ""


def line(msg: str) -> None:
    """A finished line; it replaces the progress line it completes on a terminal."""
    global _pending
    if _pending and sys.stdout.isatty():
        print("\r", end="")
    elif _pending and not msg.startswith(_pending):
        print()
    elif _pending:
        msg = msg[len(_pending):].lstrip()
    _pending = ""
    print(msg, flush=True)


def progress(msg: str) -> None:
    """Work that starts now: shown at once, completed by the next line()."""
    global _pending
    _pending = msg
    print(msg, end=" " if not sys.stdout.isatty() else "", flush=True)


def report(msg: str) -> None:
    """A line from the work: warnings go to stderr, the rest is a finished line."""
    if msg.startswith("warning: "):
        finish()
        print(msg, file=sys.stderr, flush=True)
    else:
        line(msg)


def finish() -> None:
    """Ends a progress line left open (before output on another stream)."""
    global _pending
    if _pending:
        print(flush=True)
        _pending = ""


def warn(msg: str) -> None:
    finish()
    print(f"warning: {msg}", file=sys.stderr, flush=True)


def note(msg: str) -> None:
    """A line for the user that is not the command's output (stderr)."""
    finish()
    print(msg, file=sys.stderr, flush=True)
