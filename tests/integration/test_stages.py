"""Expand / contract on real databases (SQLite, PostgreSQL, MariaDB): a change that adds a
column and drops another is written as two migrations, the second marked
``stage = "contract"``; ``migrate --stage expand`` applies the first only, and the old
release's queries (a select of the old columns, an insert without the new one) keep working
until ``migrate --stage contract``; a plain ``migrate`` runs both in order.
"""

from __future__ import annotations

import pytest

from tests.conftest import Project

V1 = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    legacy = fields.CharField(max_length=20)

    class Meta:
        table = "users"
"""

V2 = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    nickname = fields.CharField(max_length=20, null=True)

    class Meta:
        table = "users"
"""


def old_app(project: Project, n: int) -> list[tuple[object, ...]]:
    """What the release before the change does: an insert that writes the old columns and
    knows nothing of the new one, and a select of the old columns."""
    db = project.db
    db.query(f"INSERT INTO users (name, legacy) VALUES ('user{n}', 'old{n}')")
    return db.query("SELECT name, legacy FROM users ORDER BY id")


def test_expand_then_contract(project: Project) -> None:
    db = project.db
    project.models(V1)
    project.run("makemigrations")
    project.run("migrate")
    assert old_app(project, 1) == [("user1", "old1")]

    project.models(V2)
    made = project.run("makemigrations", "--no-input").stdout
    assert "(stage contract: migrate --stage contract)" in made, made
    first, second = project.migration_files()[-2:]
    assert "stage" not in first.read_text() and "AddField" in first.read_text()
    text = second.read_text()
    assert '    stage = "contract"\n' in text and "RemoveField" in text and "AddField" not in text
    assert f'("models", "{first.stem}")' in text
    shown = project.run("showmigrations").stdout
    assert f" [ ] {second.stem} (stage: contract)" in shown, shown
    assert f" [ ] {first.stem}\n" in shown

    plan = project.run("migrate", "--stage", "expand", "--plan").stdout
    assert first.stem in plan and second.stem not in plan, plan

    out = project.run("migrate", "--stage", "expand").stdout
    assert first.stem in out and second.stem not in out, out
    assert "nickname" in db.columns("users") and "legacy" in db.columns("users")
    # between the stages the old release keeps working, and the new one too
    assert old_app(project, 2) == [("user1", "old1"), ("user2", "old2")]
    db.query("INSERT INTO users (name, legacy, nickname) VALUES ('user3', 'x', 'three')")
    again = project.run("migrate", "--stage", "expand").stdout
    assert again.strip() == "No expand migrations to apply (1 left for --stage contract).", again

    out = project.run("migrate", "--stage", "contract").stdout
    assert second.stem in out and first.stem not in out, out
    assert "legacy" not in db.columns("users")
    with pytest.raises(Exception):  # noqa: B017 - each driver raises its own error
        old_app(project, 4)
    assert db.query("SELECT name, nickname FROM users ORDER BY id") == [
        ("user1", None), ("user2", None), ("user3", "three")]
    assert project.run("check").returncode == 0
    shown = project.run("showmigrations").stdout
    assert f" [X] {second.stem} (stage: contract)" in shown, shown


def test_plain_migrate_runs_both_stages_in_order(project: Project) -> None:
    db = project.db
    project.models(V1)
    project.run("makemigrations")
    project.run("migrate")
    project.models(V2)
    project.run("makemigrations", "--no-input")
    assert len(project.migration_files()) == 3
    out = project.run("migrate").stdout
    names = [p.stem for p in project.migration_files()[1:]]
    assert [out.index(n) for n in names] == sorted(out.index(n) for n in names), out
    assert db.columns("users") == ["id", "name", "nickname"]
    # --one-migration keeps a mixed change in one file
    project.models(V1)
    project.run("makemigrations", "--no-input", "--one-migration")
    assert len(project.migration_files()) == 4
    project.run("migrate", "--stage", "contract")
    assert db.columns("users") == ["id", "name", "legacy"]


def test_stage_errors(project: Project) -> None:
    project.models(V1)
    project.run("makemigrations")
    proc = project.run("migrate", "--stage", "expand", project.migration_files()[0].stem,
                       ok=False)
    assert proc.stderr == "error: --stage cannot be combined with a target migration\n"
    proc = project.run("migrate", "--stage", "expand", "--sql", ok=False)
    assert proc.stderr == "error: --sql cannot be combined with --stage\n"
    path = project.migration_files()[0]
    path.write_text(path.read_text().replace("    dependencies", "    stage = \"later\"\n"
                                             "    dependencies"))
    proc = project.run("showmigrations", ok=False)
    assert proc.stderr.startswith("error: ") and "stage must be" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
