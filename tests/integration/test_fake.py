"""migrate --fake and rollback --fake record or remove history rows without running anything
(a warning line each); migrate --fake-initial records an app's first migration when the
database holds exactly its tables, stops with the differences when it does not, and refuses
a database that has only some of them. On every database."""

from __future__ import annotations

import pytest

from tests.conftest import Project

MODELS = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=200)

    class Meta:
        table = "posts"
"""

MODELS_V2 = MODELS.replace("    title = fields.CharField(max_length=200)\n",
                           "    title = fields.CharField(max_length=200)\n"
                           "    body = fields.TextField(null=True)\n")


def history(project: Project) -> list[str]:
    return [r[0] for r in project.db.query("SELECT name FROM pathway_migrations ORDER BY id")]


@pytest.fixture
def two(project: Project) -> Project:
    """Two migrations written, none applied."""
    project.models(MODELS)
    project.run("makemigrations")
    project.models(MODELS_V2)
    project.run("makemigrations")
    return project


def names(project: Project) -> list[str]:
    return [f.stem for f in project.migration_files()]


def test_migrate_fake_records_without_running(two: Project) -> None:
    first, second = names(two)
    proc = two.run("migrate", "--fake")
    assert proc.stderr.splitlines() == [
        f"warning: models.{first} marked as applied without running it (--fake)",
        f"warning: models.{second} marked as applied without running it (--fake)"]
    assert history(two) == [first, second]
    assert "users" not in two.db.tables()
    assert f"[X] {second}" in two.run("showmigrations").stdout


def test_rollback_fake_removes_the_row_only(two: Project) -> None:
    first, second = names(two)
    two.run("migrate")
    proc = two.run("rollback", "--app", "models", "--fake")
    assert proc.stderr.strip() == (f"warning: models.{second} marked as unapplied without "
                                   "running it (--fake)")
    assert history(two) == [first]
    assert "body" in two.db.columns("posts")  # nothing was reverted
    two.run("migrate", "--fake", "--app", "models", second)
    assert history(two) == [first, second]


def test_fake_initial_records_a_first_migration_whose_tables_match(two: Project) -> None:
    first, second = names(two)
    two.run("migrate", "--app", "models", first)
    two.db.query("INSERT INTO users (id, name) VALUES (1, 'ada')")
    two.db.query("DELETE FROM pathway_migrations")
    proc = two.run("migrate", "--fake-initial")
    assert (f"warning: models.{first}: its tables exist and match; marked as applied without "
            "running it (--fake-initial)") in proc.stderr
    assert f"Applying models.{second}... OK" in proc.stdout
    assert history(two) == [first, second]
    assert two.db.query("SELECT id, name FROM users") == [(1, "ada")]


def test_fake_initial_applies_when_no_table_exists(two: Project) -> None:
    first, second = names(two)
    proc = two.run("migrate", "--fake-initial")
    # an empty database: both at once where DDL rolls back, one by one on MySQL
    assert f"Applying models.{first}... OK" in proc.stdout or \
        "Creating the schema of 2 migrations" in proc.stdout, proc.stdout
    assert "--fake-initial" not in proc.stderr
    assert history(two) == [first, second]


def test_fake_initial_stops_on_differences(two: Project) -> None:
    first, _ = names(two)
    two.run("migrate", "--app", "models", first)
    two.db.query("DELETE FROM pathway_migrations")
    two.db.query("CREATE INDEX ix_by_hand ON posts (title)")
    proc = two.run("migrate", "--fake-initial", ok=False)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == (f"error: --fake-initial: the tables of models.{first} differ from what "
                        "it describes in 1 way(s); nothing was changed")
    assert lines[1] == "  index ix_by_hand: on posts (title) in the database only"
    assert lines[2].startswith("hint: ")
    assert history(two) == []


def test_fake_initial_refuses_partial_tables(two: Project) -> None:
    first, _ = names(two)
    two.run("migrate", "--app", "models", first)
    two.db.query("DELETE FROM pathway_migrations")
    two.db.query("DROP TABLE posts")
    proc = two.run("migrate", "--fake-initial", ok=False)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == (f"error: models.{first} creates tables posts, users; the database has "
                        "users but not posts: it can neither be applied nor recorded as "
                        "applied; nothing was changed")
    assert lines[1].startswith("hint: ")
    assert history(two) == []
