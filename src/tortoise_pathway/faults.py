"""Fault injection for the test suite: ``PATHWAY_FAULT_KILL=after:N`` (or ``before:N``) makes
the next migration that runs step by step (MySQL, ``atomic = False``) kill its own process
with SIGKILL right after its N-th step ran and before that is recorded (or right before the
N-th step), so tests can crash a run at an exact point and check that the next command
finishes it. Unset in normal use, where it costs one environment lookup per migration."""

from __future__ import annotations

import os
import signal

VARIABLE = "PATHWAY_FAULT_KILL"


def kill_point() -> tuple[str, int] | None:
    """("before" | "after", step number counting from 1), or None."""
    value = os.environ.get(VARIABLE, "")
    where, _, step = value.partition(":")
    if where not in ("before", "after") or not step.isdigit():
        return None
    return where, int(step)


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
