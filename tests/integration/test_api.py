"""The programmatic API exactly as the seed's README uses it, in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.conftest import Project
from tests.integration.test_workflow import USER_V1

SNIPPET_INTEGRATOR = """
import asyncio
from tortoise_pathway.integrator import TortoisePathwayIntegrator

from proj.config import TORTOISE_ORM

async def run_migrations():
    integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    try:
        await integrator.initialize()
        await integrator.migrate()
    finally:
        await integrator.close()

if __name__ == "__main__":
    asyncio.run(run_migrations())
"""

SNIPPET_HELPER = """
import asyncio
from tortoise_pathway.integrator import setup_and_migrate

from proj.config import TORTOISE_ORM

if __name__ == "__main__":
    asyncio.run(setup_and_migrate(TORTOISE_ORM))
"""


def run_script(project: Project, source: str) -> None:
    script = project.root / "script.py"
    script.write_text(textwrap.dedent(source))
    # the project first; an inherited PYTHONPATH (make asan's sanitized engine) after it
    path = os.pathsep.join(p for p in (str(project.root), os.environ.get("PYTHONPATH")) if p)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=path)
    proc = subprocess.run([sys.executable, str(script)], cwd=project.root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_seed_snippets(project: Project) -> None:
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    run_script(project, SNIPPET_INTEGRATOR)
    assert "users" in project.db.tables()
    project.run("rollback", "--app", "models")
    assert "users" not in project.db.tables()
    run_script(project, SNIPPET_HELPER)
    assert "users" in project.db.tables()
    status = project.run("showmigrations", "--app", "models").stdout
    assert "[X]" in status
