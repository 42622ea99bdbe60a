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


SNIPPET_CHECK_ADOPT_FAKE = """
import asyncio
from tortoise_pathway.integrator import TortoisePathwayIntegrator

from proj.config import TORTOISE_ORM


async def main():
    integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    try:
        await integrator.initialize()
        adopted = await integrator.adopt()
        assert [a.app for a in adopted.apps] == ["models"], adopted
        a = adopted.apps[0]
        # generate_schemas' names differ from ours on MySQL (unique keys): a catch-up renames
        assert a.initial and a.names_only == len(a.differences), adopted
        await integrator.migrate()
        report = await integrator.check(sql=True)
        assert report.clean, report
        keys = await integrator.rollback("models", fake=True)
        assert len(keys) == 1, keys
        report = await integrator.check()
        assert not report.clean and report.drift[0].differences, report
        keys = await integrator.migrate(fake=True)
        assert len(keys) == 1, keys
        assert (await integrator.check()).clean
    finally:
        await integrator.close()


asyncio.run(main())
"""


def test_check_adopt_and_fake_through_the_api(project: Project) -> None:
    project.models(USER_V1)
    run_script(project, SNIPPET_HELPER.replace(
        "from tortoise_pathway.integrator import setup_and_migrate",
        "from tortoise import Tortoise").replace(
        "asyncio.run(setup_and_migrate(TORTOISE_ORM))",
        "async def go():\n        await Tortoise.init(config=TORTOISE_ORM)\n"
        "        await Tortoise.generate_schemas()\n"
        "        await Tortoise.close_connections()\n    asyncio.run(go())"))
    assert "users" in project.db.tables()
    run_script(project, SNIPPET_CHECK_ADOPT_FAKE)
