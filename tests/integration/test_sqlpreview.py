"""On every database: ``migrate --plan`` and ``rollback --plan`` list what would run with the
SQL ``sqlmigrate`` prints for it, and change nothing (tables, history rows, not even the
history table is created); the script of ``migrate --sql``, run by hand through the
database's driver on an empty database (then ``--from`` on top of it), leaves a database that
``showmigrations``, ``migrate`` and ``check`` see as fully migrated."""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap
from typing import Any
from urllib.parse import urlparse

from tests.conftest import Database, Project
from tests.integration.test_progress import interrupt

MODELS = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=200, index=True)

    class Meta:
        table = "posts"
"""

MODELS_V2 = MODELS.replace("    title = fields.CharField(max_length=200, index=True)\n",
                           "    title = fields.CharField(max_length=200, index=True)\n"
                           "    body = fields.TextField(null=True)\n")

MODELS_V3 = MODELS_V2.replace("    name = fields.CharField(max_length=50)\n",
                              "    name = fields.CharField(max_length=80)\n")

SEED = """\
from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    dependencies = [("models", "{first}")]
    operations = [
        ops.RunSQL("INSERT INTO users (name) VALUES ('it''s')",
                   backward="DELETE FROM users WHERE name = 'it''s'"),
    ]
"""


def names(project: Project) -> list[str]:
    return [f.stem for f in project.migration_files()]


def snapshot(db: Database) -> dict[str, Any]:
    """Tables, their columns, and the history rows as they are (ids and times included)."""
    tables = db.tables()
    out: dict[str, Any] = {t: db.columns(t) for t in sorted(tables)}
    if "pathway_migrations" in tables:
        out["rows"] = db.query("SELECT id, app, name, checksum, applied_at FROM "
                               "pathway_migrations ORDER BY id")
    return out


def indented(text: str) -> str:
    return textwrap.indent(text, "    ")


def test_plan_lists_what_would_run_and_changes_nothing(project: Project) -> None:
    db = project.db
    project.models(MODELS)
    project.run("makemigrations")
    project.models(MODELS_V2)
    project.run("makemigrations")
    first, second = names(project)

    out = project.run("migrate", "--plan").stdout
    if db.dialect == "mysql":
        assert out.startswith(f"Would apply 2 migration(s) (nothing was run):\n"
                              f"models.{first}\n")
        assert f"\nmodels.{second}\n" in out
    else:  # an empty database: both created at once, as migrate does it
        assert out.startswith(f"Would apply 2 migration(s) (nothing was run):\nthe schema of "
                              f"2 migrations (models.{first} to models.{second}) at once\n")
        assert "CREATE TABLE" in out and "ALTER TABLE" not in out, out
    assert db.tables() == set()  # not even the history table

    project.run("migrate", "--app", "models", first)
    before = snapshot(db)
    assert set(before) >= {"users", "posts", "rows"} and len(before["rows"]) == 1

    forward = project.run("sqlmigrate", "models", second).stdout
    assert forward.strip()
    out = project.run("migrate", "--dry-run").stdout
    assert out == (f"Would apply 1 migration(s) (nothing was run):\nmodels.{second}\n"
                   f"{indented(forward)}")
    backward = project.run("sqlmigrate", "models", first, "--backward").stdout
    out = project.run("rollback", "--app", "models", "--plan").stdout
    assert out == (f"Would revert 1 migration(s) (nothing was run):\nmodels.{first}\n"
                   f"{indented(backward)}")
    out = project.run("migrate", "--app", "models", "--plan", first).stdout
    assert out == f"models.{first} is already the latest applied migration.\n"
    # the plan read the database: sqlmigrate for its dialect prints the same
    assert project.run("sqlmigrate", "models", second, "--dialect", db.dialect).stdout == \
        forward
    assert snapshot(db) == before

    project.run("migrate")
    assert "body" in db.columns("posts")
    assert project.run("migrate", "--plan").stdout == "No migrations to apply.\n"


def run_script(db: Database, script: str) -> None:
    """Runs a script as a DBA would, through the database's own driver."""
    if db.dialect == "sqlite":
        assert db.path is not None
        conn = sqlite3.connect(db.path)
        try:
            conn.executescript(script)
        finally:
            conn.close()
    else:
        asyncio.run(_run_script(db, script))


def statements(script: str) -> list[str]:
    """The script's statements, one per item (each ends a line with ';'), comments left out."""
    out: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        if not current and (not line.strip() or line.startswith("--")):
            continue
        current.append(line)
        if line.endswith(";"):
            out.append("\n".join(current))
            current = []
    assert not current, current
    return out


async def _run_script(db: Database, script: str) -> None:
    if db.dialect == "postgres":
        import asyncpg

        conn = await asyncpg.connect(db.url.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute(script)  # the simple protocol runs the whole script
        finally:
            await conn.close()
        return
    import asyncmy

    u = urlparse(db.url)
    my = await asyncmy.connect(host=u.hostname, port=u.port or 3306, user=u.username or "root",
                               password=u.password or "", database=db.name, autocommit=True)
    try:
        async with my.cursor() as cur:
            for sql in statements(script):
                await cur.execute(sql)
    finally:
        my.close()


def test_sql_script_run_by_hand_migrates_the_database(project: Project) -> None:
    db = project.db
    project.models(MODELS)
    project.run("makemigrations")
    (first,) = names(project)
    seed = project.root / "migrations" / "models" / f"{first}_seed.py"
    seed.write_text(SEED.format(first=first))
    project.models(MODELS_V2)
    project.run("makemigrations")
    assert len(names(project)) == 3

    script = project.run("migrate", "--sql", "--dialect", db.dialect).stdout
    assert script == project.run("migrate", "--sql", "--dialect", db.dialect).stdout
    assert db.tables() == set()  # writing the script touched no database
    run_script(db, script)

    assert db.query("SELECT name FROM users") == [("it's",)]
    shown = project.run("showmigrations").stdout
    assert shown == "models\n" + "".join(f" [X] {n}\n" for n in names(project))
    assert project.run("migrate").stdout == "No migrations to apply.\n"
    check = project.run("check")
    assert check.stdout.startswith("Models: every change is in a migration.\n"
                                   "Database 'default' "), check.stdout
    assert "holds what its migrations describe." in check.stdout

    # a later migration, as a script that starts after the last one applied
    project.models(MODELS_V3)
    project.run("makemigrations")
    last = names(project)[-1]
    script = project.run("migrate", "--sql", "--app", "models", "--from",
                         names(project)[-2]).stdout
    assert f"-- models.{last}\n" in script and "_seed" not in script
    run_script(db, script)
    shown = project.run("showmigrations").stdout
    assert shown == "models\n" + "".join(f" [X] {n}\n" for n in names(project))
    assert "holds what its migrations describe." in project.run("check").stdout
    # the tool takes it from there: rollback reverts the migration the script applied
    project.run("rollback", "--app", "models")
    assert project.run("migrate", "--plan").stdout.startswith(
        f"Would apply 1 migration(s) (nothing was run):\nmodels.{last}\n")


def test_plan_of_an_interrupted_run(project: Project) -> None:
    """A run without a transaction stopped after 2 of its 3 steps: migrate --plan shows only
    the step left; rollback --plan only the reverse of the 2 operations done."""
    stepwise = interrupt(project)
    db = stepwise.db
    before = snapshot(db)
    progress = db.query("SELECT app, name, done, total FROM pathway_progress")
    label = "models.99990101000000_stepwise"
    out = stepwise.run("migrate", "--plan").stdout
    assert out == ("Would apply 1 migration(s) (nothing was run):\n"
                   f"{label} (resumed after the 2 step(s) its interrupted run did)\n"
                   "    INSERT INTO needed (id) VALUES (1);\n")
    out = stepwise.run("rollback", "--app", "models", "--plan").stdout
    q = "`" if db.dialect == "mysql" else '"'
    assert out.startswith("Would revert 1 migration(s) (nothing was run):\n"
                          f"{label} (the 2 operation(s) its interrupted run completed)\n"), out
    if db.dialect != "sqlite":  # SQLite rebuilds the table instead
        assert f"\n    ALTER TABLE {q}users{q} DROP COLUMN {q}nick{q};\n" in out, out
    assert out.endswith(f"    DROP TABLE {q}audit{q};\n"), out
    assert "needed" not in out
    assert snapshot(db) == before
    assert db.query("SELECT app, name, done, total FROM pathway_progress") == progress
