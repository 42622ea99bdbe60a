"""Migrations that run without a transaction (MySQL always; any database with
``atomic = False``) record each step, so that after a failure ``showmigrations`` shows how far
they got, ``migrate`` resumes after the steps done, and ``rollback`` undoes exactly those."""

from __future__ import annotations

import pytest

from tests.conftest import Project
from tests.integration.test_workflow import USER_V1

STEPWISE = '''"""Three steps; the third needs a table that may not exist yet."""

from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    atomic = {atomic}
    dependencies = [("models", "{dep}")]
    operations = [
        ops.CreateModel("audit", columns=[ops.Column("id", "INT", pk=True, autoincrement=True)]),
        ops.AddField("users", ops.Column("nick", "VARCHAR(20)", null=True)),
        ops.RunSQL("INSERT INTO needed (id) VALUES (1)", backward="DELETE FROM needed"),
    ]
'''


@pytest.fixture
def stepwise(project: Project) -> Project:
    return interrupt(project)


def interrupt(project: Project) -> Project:
    """The project with a migration that ran 2 of its 3 steps without a transaction."""
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    first = project.migration_files()[0]
    # MySQL has no transactional DDL at all; elsewhere opt out with atomic = False
    atomic = "True" if project.db.dialect == "mysql" else "False"
    (first.parent / "99990101000000_stepwise.py").write_text(
        STEPWISE.replace("{dep}", first.stem).replace("{atomic}", atomic))
    proc = project.run("migrate", "--app", "models", ok=False)
    assert "2 of 3 steps are done and stay done" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    status = project.run("showmigrations", "--app", "models").stdout
    assert ("[~] 99990101000000_stepwise (partly applied: 2 of 3 steps; run migrate to "
            "finish)") in status
    assert "audit" in project.db.tables() and "nick" in project.db.columns("users")
    return project


def test_migrate_resumes_after_the_steps_done(stepwise: Project) -> None:
    db = stepwise.db
    db.query("CREATE TABLE needed (id INT)")
    out = stepwise.run("migrate", "--app", "models").stdout
    assert "stopped after 2 of 3 steps; resuming after them" in out
    assert db.query("SELECT id FROM needed") == [(1,)]
    status = stepwise.run("showmigrations", "--app", "models").stdout
    assert "[X] 99990101000000_stepwise" in status and "[~]" not in status
    stepwise.run("rollback", "--app", "models")
    assert "audit" not in db.tables() and "nick" not in db.columns("users")
    assert db.query("SELECT count(*) FROM needed") == [(0,)]


def test_rollback_undoes_exactly_the_steps_done(stepwise: Project) -> None:
    db = stepwise.db
    out = stepwise.run("rollback", "--app", "models").stdout
    assert "Reverted the 2 completed operation(s) of models.99990101000000_stepwise" in out
    assert "audit" not in db.tables() and "nick" not in db.columns("users")
    status = stepwise.run("showmigrations", "--app", "models").stdout
    assert "[ ] 99990101000000_stepwise" in status and "[X]" in status
    assert "users" in db.tables()
