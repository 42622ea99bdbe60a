"""migrate on an empty database: SQLite and PostgreSQL create the schema of the leading
schema-only migrations at once, in one transaction with all their history rows; a data step
ends that run (the rest is applied one by one); MySQL, which cannot roll DDL back, replays
them. A failure leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import Project
from tortoise_pathway import migrate

V1 = '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100)

    class Meta:
        table = "customer"
'''
V2 = V1 + '''

class Purchase(models.Model):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="purchases")

    class Meta:
        table = "purchase"
'''
V3 = V2.replace("max_length=100)",
                "max_length=100)\n    phone = fields.CharField(max_length=9, null=True)")


def _history(project: Project, data_step: bool = False) -> None:
    for i, version in enumerate((V1, V2, V3)):
        project.models(version)
        project.run("makemigrations", "--no-input")
        if data_step and i == 1:
            project.run("makemigrations", "--empty", "--name", "seed")
            seed = project.migration_files()[-1]
            seed.write_text(seed.read_text().replace(
                '        # ops.RunSQL("UPDATE ...", backward="UPDATE ..."),',
                """        ops.RunSQL("INSERT INTO customer (id, email) VALUES (1, 'a@x')", """
                """backward="DELETE FROM customer WHERE id = 1"),"""))


def _rows(project: Project) -> int:
    return int(project.db.query("SELECT count(*) FROM pathway_migrations")[0][0])


def test_leading_schema_created_at_once(project: Project) -> None:
    _history(project)
    out = project.run("migrate").stdout
    if project.db.dialect == "mysql":
        assert "at once" not in out and out.count("Applying") == 3, out
    else:
        assert "Creating the schema of 3 migrations" in out and "Applying" not in out, out
    assert _rows(project) == 3
    assert project.db.columns("customer") == ["id", "email", "phone"]
    assert "Clean" in project.run("check").stdout
    assert "No migrations to apply" in project.run("migrate").stdout
    # each migration is still reverted on its own
    project.run("rollback", "--app", "models")
    assert project.db.columns("customer") == ["id", "email"]
    assert _rows(project) == 2


def test_a_data_step_ends_the_run(project: Project) -> None:
    _history(project, data_step=True)
    out = project.run("migrate").stdout
    if project.db.dialect != "mysql":
        assert "Creating the schema of 2 migrations" in out, out
        assert out.count("Applying") == 2, out  # the RunSQL one and the one after it
    assert project.db.query("SELECT email FROM customer") == [("a@x",)]
    assert _rows(project) == 4
    assert "Clean" in project.run("check").stdout


def test_a_failure_leaves_nothing(project: Project) -> None:
    _history(project)
    project.db.query("CREATE TABLE purchase (x INT)")  # in the way
    proc = project.run("migrate", ok=False)
    assert "FAILED" in proc.stdout, proc.stdout
    if project.db.dialect == "mysql":
        return  # replayed one by one: the resumable runs of tests/integration/test_resume.py
    assert "nothing was changed" in proc.stderr, proc.stderr
    assert project.db.tables() - {"pathway_migrations", "pathway_progress"} == {"purchase"}
    assert _rows(project) == 0
    project.db.query("DROP TABLE purchase")
    project.run("migrate")
    assert "Clean" in project.run("check").stdout


SMALL_LOCK_TABLE = """
import sys
from tortoise_pathway import cli, migrate


async def capacity(client):
    return 20  # a lock table too small for three tables at once


migrate._lock_capacity = capacity
sys.exit(cli.main(["--config", "proj.config", *sys.argv[1:]]))
"""


def test_a_schema_too_big_for_the_lock_table_is_applied_one_by_one(project: Project) -> None:
    _history(project)
    script = project.root / "small_lock_table.py"
    script.write_text(SMALL_LOCK_TABLE)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    plan = subprocess.run([sys.executable, str(script), "migrate", "--plan"], cwd=project.root,
                          env=env, capture_output=True, text=True, timeout=120)
    proc = subprocess.run([sys.executable, str(script), "migrate"], cwd=project.root, env=env,
                          capture_output=True, text=True, timeout=120)
    assert plan.returncode == 0 and proc.returncode == 0, proc.stdout + proc.stderr
    if project.db.dialect == "postgres":
        for out in (plan.stdout + plan.stderr, proc.stdout + proc.stderr):
            assert "at once would take about" in out and "(connection 'default': 20 in all" in out
        assert "at once..." not in proc.stdout and proc.stdout.count("Applying") == 3
    assert _rows(project) == 3
    assert "Clean" in project.run("check").stdout


def test_the_lock_estimate_is_above_what_postgres_holds() -> None:
    # 300 tables of the benchmark's schema held 5,606 locks at the commit (see locks_needed)
    table = ('CREATE TABLE "t" ("id" SERIAL NOT NULL PRIMARY KEY, "a_id" INT NOT NULL '
             'REFERENCES "a" ("id") ON DELETE CASCADE, "u" INT NOT NULL UNIQUE)')
    assert migrate.locks_needed([table]) == 8 + 3 + 2
    assert migrate.locks_needed([table, 'CREATE INDEX "i" ON "t" ("u")', "COMMENT ON ..."]) == 15
