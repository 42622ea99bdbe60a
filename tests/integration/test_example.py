"""The README's example runs end to end, as `python example/run_example.py` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_example_runs_end_to_end() -> None:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("EXAMPLE_DB_URL", None)
    proc = subprocess.run([sys.executable, "example/run_example.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "example finished: OK" in proc.stdout
    assert "tables left: (none)" in proc.stdout
    assert not (ROOT / "example" / "migrations").exists()  # it works in a scratch folder
