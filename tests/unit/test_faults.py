"""The fault-injection point of the test suite reads PATHWAY_FAULT_KILL and nothing else."""

from __future__ import annotations

import pytest

from tortoise_pathway import faults


@pytest.mark.parametrize("value, point", [
    ("after:3", ("after", 3)), ("before:1", ("before", 1)), ("", None), ("after", None),
    ("after:x", None), ("during:2", None)])
def test_kill_point(monkeypatch: pytest.MonkeyPatch, value: str, point: object) -> None:
    monkeypatch.setenv(faults.VARIABLE, value)
    assert faults.kill_point() == point


def test_unset_is_no_fault(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(faults.VARIABLE, raising=False)
    assert faults.kill_point() is None
