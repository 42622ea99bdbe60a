"""Commands that need no models do not import them (migrate, rollback, showmigrations,
sqlmigrate, --plan, --sql): a models module that cannot even be imported does not stop them.
A migration that runs Python code gets the ORM with the models, loaded once before the plan
runs; makemigrations and check import the models as before."""

from __future__ import annotations

from tests.conftest import Project
from tests.integration.test_api import run_script
from tests.integration.test_workflow import USER_V1

#: the models module notes each import in imported.log beside it
MARKED = """
import pathlib

with open(pathlib.Path(__file__).with_name("imported.log"), "a") as _log:
    _log.write("imported\\n")
""" + USER_V1

BROKEN = "from tortoise import fields, models\n\nclass User(models.Model:\n"

ORM = '''"""Data through the ORM: the model as the code has it now."""

from tortoise import Tortoise

from tortoise_pathway import migration, ops


async def add_users(connection):
    from proj.models import User

    await User.create(name="orm", email="orm@example.com")
    user = Tortoise.apps.get_model("models", "User")
    await user.filter(name="ada").update(name="ADA")
    assert await User.all().count() == 2


async def remove_users(connection):
    from proj.models import User

    await User.filter(email="orm@example.com").delete()
    await User.filter(name="ADA").update(name="ada")


class Migration(migration.Migration):
    dependencies = [("models", "{dep}")]
    operations = [ops.RunPython(add_users, remove_users)]
'''


def imported(project: Project) -> bool:
    """Whether the models module was imported since the last call."""
    log = project.root / "proj" / "imported.log"
    found = log.exists()
    log.unlink(missing_ok=True)
    return found


def test_commands_that_need_no_models_do_not_import_them(project: Project) -> None:
    project.models(MARKED)
    project.run("makemigrations", "--app", "models")
    assert imported(project)
    [initial] = project.migration_files()
    stem = initial.stem

    project.run("migrate", "--app", "models")
    assert "users" in project.db.tables() and not imported(project)
    for args in (("showmigrations",), ("migrate",), ("migrate", "--plan"),
                 ("rollback", "--app", "models", "--plan"), ("sqlmigrate", "models", stem),
                 ("migrate", "--app", "models", "--sql")):
        project.run(*args)
        assert not imported(project), args
    project.run("rollback", "--app", "models")
    assert "users" not in project.db.tables() and not imported(project)
    project.run("migrate", "--app", "models", "--fake")
    project.run("rollback", "--app", "models", "--fake")
    assert not imported(project)

    project.run("migrate", "--app", "models")
    assert "Clean" in project.run("check").stdout
    assert imported(project)


def test_a_broken_models_module_does_not_stop_migrate(project: Project) -> None:
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    models = project.root / "proj" / "models.py"
    models.write_text(BROKEN)

    out = project.run("migrate", "--app", "models").stdout
    assert "_initial... OK" in out and "users" in project.db.tables()
    assert "[X]" in project.run("showmigrations").stdout
    project.run("rollback", "--app", "models")
    assert "users" not in project.db.tables()

    for command in ("makemigrations", "check"):
        proc = project.run(command, ok=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert proc.stderr.startswith(f"error: {models}:3: syntax error in models: "), \
            proc.stderr


def test_run_python_uses_the_orm(project: Project) -> None:
    db = project.db
    project.models(MARKED)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO users (name, email, created_at) VALUES "
             "('ada', 'ada@example.com', CURRENT_TIMESTAMP)")
    initial = project.migration_files()[0]
    orm = initial.parent / "99990101000001_orm.py"
    orm.write_text(ORM.replace("{dep}", initial.stem))
    imported(project)

    out = project.run("migrate", "--app", "models").stdout
    assert "99990101000001_orm... OK" in out
    assert imported(project)  # once the plan was known to run Python code
    assert sorted(db.query("SELECT name, email FROM users")) == [
        ("ADA", "ada@example.com"), ("orm", "orm@example.com")]
    assert "No migrations to apply." in project.run("migrate").stdout
    assert not imported(project)

    project.run("rollback", "--app", "models")
    assert db.query("SELECT name FROM users") == [("ada",)] and imported(project)

    # the models are needed now and cannot be loaded: nothing runs, the error says why
    (project.root / "proj" / "models.py").write_text(BROKEN)
    proc = project.run("migrate", "--app", "models", ok=False)
    assert proc.stderr.splitlines()[0].startswith("error: ") and "syntax error in models" \
        in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines()[1] == (
        "hint: models.99990101000001_orm runs Python code, which gets the ORM with the models: "
        "fix the models first (nothing was run)"), proc.stderr
    assert "[ ] 99990101000001_orm" in project.run("showmigrations").stdout
    assert db.query("SELECT name FROM users") == [("ada",)]


SETUP_THEN_ORM = """
import asyncio

from tortoise import Tortoise
from tortoise_pathway.exceptions import ConfigError
from tortoise_pathway.integrator import TortoisePathwayIntegrator, setup_and_migrate

from proj.config import TORTOISE_ORM


async def main():
    await setup_and_migrate(TORTOISE_ORM)
    # as before: Tortoise knows the models once setup_and_migrate returns
    assert Tortoise.apps.get_model("models", "User")._meta.db_table == "users"

    integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    try:
        await integrator.initialize(models=False)
        assert not integrator.ctx.models_loaded
        assert [s.applied for s in await integrator.status()] == [True]
        await integrator.rollback("models")
        await integrator.migrate()
        assert not integrator.ctx.models_loaded
        try:
            integrator.make_migrations()
        except ConfigError as e:
            assert "make_migrations reads the models" in str(e)
        else:
            raise AssertionError("make_migrations ran without the models")
        assert (await integrator.check()).clean
        assert integrator.ctx.models_loaded
    finally:
        await integrator.close()


asyncio.run(main())
"""


def test_the_api_with_and_without_models(project: Project) -> None:
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    run_script(project, SETUP_THEN_ORM)
    assert "users" in project.db.tables()


def test_the_orm_runs_in_the_migrations_transaction(project: Project) -> None:
    """The ORM in RunPython runs inside the migration's transaction where there is one: a
    failure after it rolls its rows back with the rest (SQLite and PostgreSQL)."""
    db = project.db
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO users (name, email, created_at) VALUES "
             "('ada', 'ada@example.com', CURRENT_TIMESTAMP)")
    initial = project.migration_files()[0]
    (initial.parent / "99990101000001_orm.py").write_text(
        ORM.replace("{dep}", initial.stem).replace(
            "ops.RunPython(add_users, remove_users)",
            "ops.RunPython(add_users, remove_users), ops.RunSQL('SELECT * FROM no_such_table')"))
    proc = project.run("migrate", "--app", "models", ok=False)
    assert "no_such_table" in proc.stderr and "Traceback" not in proc.stderr
    rows = sorted(db.query("SELECT name FROM users"))
    if db.dialect == "mysql":  # no transaction: the step before the failure stays done
        assert rows == [("ADA",), ("orm",)]
    else:
        assert rows == [("ada",)]
