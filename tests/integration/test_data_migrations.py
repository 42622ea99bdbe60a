"""Data migrations (RunSQL, RunPython) and hand-written migrations, mixed with generated ones,
forward and backward; an irreversible migration refuses rollback and changes nothing."""

from __future__ import annotations

from tests.conftest import Project
from tests.integration.test_workflow import USER_V1

DATA = '''"""Data: names upper-cased, a log table by hand."""

from tortoise_pathway import migration, ops


async def shout(connection):
    rows = await connection.execute_query_dict("SELECT id, name FROM users")
    for row in rows:
        await connection.execute_query(
            "UPDATE users SET name = {ph} WHERE id = {ph2}", [row["name"].upper(), row["id"]])


def whisper(connection):
    return connection.execute_query("UPDATE users SET name = LOWER(name)")


class Migration(migration.Migration):
    dependencies = [("models", "{dep}")]
    operations = [
        ops.RunSQL("INSERT INTO users (name, email, created_at) VALUES "
                   "('bob', 'bob@example.com', CURRENT_TIMESTAMP)",
                   backward="DELETE FROM users WHERE email = 'bob@example.com'"),
        ops.RunPython(shout, whisper),
    ]
'''

HANDWRITTEN = '''"""By hand, like the seed's example."""

from tortoise_pathway.migration import Migration


class CreateLogTableMigration(Migration):
    dependencies = [("models", "{dep}")]

    async def apply(self) -> None:
        await self.execute("CREATE TABLE log_entries (id INT NOT NULL PRIMARY KEY, msg TEXT)")
        await self.execute("INSERT INTO log_entries (id, msg) VALUES (1, 'hello')")

    async def revert(self) -> None:
        await self.execute("DROP TABLE log_entries")
'''

IRREVERSIBLE = '''"""Cannot be undone."""

from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    dependencies = [("models", "{dep}")]
    operations = [ops.RunSQL("UPDATE users SET email = 'x' || email WHERE 1 = 0")]
'''


def placeholders(dialect: str) -> tuple[str, str]:
    return {"sqlite": ("?", "?"), "postgres": ("$1", "$2"), "mysql": ("%s", "%s")}[dialect]


def test_data_and_handwritten_migrations(project: Project) -> None:
    db = project.db
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO users (name, email, created_at) VALUES "
             "('ada', 'ada@example.com', CURRENT_TIMESTAMP)")
    initial = project.migration_files()[0]
    d = initial.parent
    ph, ph2 = placeholders(db.dialect)
    (d / "99990101000001_data.py").write_text(
        DATA.replace("{dep}", initial.stem).replace("{ph}", ph).replace("{ph2}", ph2))
    (d / "99990101000002_log.py").write_text(
        HANDWRITTEN.replace("{dep}", "99990101000001_data"))
    empty = project.run("makemigrations", "--app", "models", "--empty", "--name", "later")
    assert "Migrations for 'models'" in empty.stdout
    template = project.migration_files()[-1]
    assert template.stem.endswith("_later")
    assert '("models", "99990101000002_log")' in template.read_text()

    out = project.run("migrate", "--app", "models").stdout
    assert "99990101000001_data... OK" in out and "99990101000002_log... OK" in out
    assert sorted(db.query("SELECT name FROM users")) == [("ADA",), ("BOB",)]
    assert db.query("SELECT msg FROM log_entries") == [("hello",)]
    assert "No changes" in project.run("makemigrations", "--app", "models").stdout

    project.run("rollback", "--app", "models", initial.stem)
    assert db.query("SELECT name FROM users") == [("ada",)]
    assert "log_entries" not in db.tables()
    status = project.run("showmigrations", "--app", "models").stdout
    assert status.count("[X]") == 1


def test_irreversible_migration_refuses_rollback(project: Project) -> None:
    db = project.db
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    initial = project.migration_files()[0]
    (initial.parent / "99990101000001_irreversible.py").write_text(
        IRREVERSIBLE.replace("{dep}", initial.stem) if db.dialect != "mysql"
        else IRREVERSIBLE.replace("{dep}", initial.stem).replace("'x' || email", "email"))
    project.run("migrate", "--app", "models")
    proc = project.run("rollback", "--app", "models", ok=False)
    assert "99990101000001_irreversible cannot be reverted" in proc.stderr
    assert "nothing was changed" in proc.stderr and "Traceback" not in proc.stderr
    assert project.run("showmigrations", "--app", "models").stdout.count("[X]") == 2
    assert "users" in db.tables()
