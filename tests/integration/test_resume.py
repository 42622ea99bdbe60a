"""Runs without a transaction (MariaDB, and ``atomic = False`` elsewhere) killed at every step:
right after a statement ran and before its progress record (the case a progress record alone
cannot resume: the statement would run twice, "Duplicate key name"), and right before a step.
Each time, the same command again must finish the run, leave the schema a clean run gives and
keep every row; forward and backward.

The kill is a real SIGKILL of the migrating process, placed by PATHWAY_FAULT_KILL
(tortoise_pathway/faults.py) at an exact step.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Database, Project, drop_database, make_database
from tests.fidelity import catalog
from tortoise_pathway import _engine, loader

V1 = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author_id = fields.IntField()
    title = fields.CharField(max_length=100)

    class Meta:
        table = "posts"
"""

# Many steps: a unique key added (the statement that fails when run twice), columns widened,
# added with a default and with an index, a foreign key put on an existing column, a new
# table with a unique column, a unique pair, a table comment.
V2 = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80, db_index=True)
    email = fields.CharField(max_length=100, unique=True)
    nick = fields.CharField(max_length=20, default="x", db_default="x")

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=200)
    body = fields.TextField(null=True)
    rating = fields.IntField(db_default=0)

    class Meta:
        table = "posts"
        table_description = "what users write"
        unique_together = (("author", "title"),)


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=30, unique=True)

    class Meta:
        table = "tag"
"""

ROWS = [
    "INSERT INTO users (id, name, email) VALUES (1, 'ada', 'ada@example.com'), "
    "(2, 'bob', 'bob@example.com')",
    "INSERT INTO posts (id, author_id, title) VALUES (10, 1, 'hello'), (11, 2, 'world')",
]


def cli(project: Project, *args: str, kill: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("PATHWAY_FAULT_KILL", None)
    if kill:
        env["PATHWAY_FAULT_KILL"] = kill
    return subprocess.run(
        [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", *args],
        cwd=project.root, env=env, capture_output=True, text=True, timeout=120)


def rows(db: Database) -> list[tuple[object, ...]]:
    return (db.query("SELECT id, name, email FROM users ORDER BY id")
            + db.query("SELECT id, author_id, title FROM posts ORDER BY id"))


class History:
    """The two migrations (written once), the reference catalogs of a clean run at each, and
    the number of steps of the second, forward and backward."""

    def __init__(self, root: Path, dialect: str) -> None:
        self.root = root
        self.dialect = dialect
        self.made: list[Database] = []
        db = self.new_db()
        self.project = Project(root / "template", db)
        self.project.models(V1)
        self.project.run("makemigrations", "--app", "models")
        self.project.models(V2)
        self.project.run("makemigrations", "--app", "models", "--no-input")
        files = self.project.migration_files()
        assert len(files) == 2
        self.first, self.second = files[0].stem, files[1].stem
        self.project.run("migrate", "--app", "models", self.first)
        self.v1 = catalog.read(db)
        self.project.run("migrate", "--app", "models")
        self.v2 = catalog.read(db)
        migrations = loader.load(self.project.root / "migrations", ["models"])
        m1, m2 = [migrations.history([("models", n)]) for n in (self.first, self.second)]
        self.forward = sum(len(s) for s in _engine.render(m1, m2, dialect)[0])
        self.backward = sum(len(s) for s in _engine.render(m1, m2, dialect, backward=True)[0])

    def new_db(self) -> Database:
        db = make_database(self.dialect, self.root)
        self.made.append(db)
        return db

    def fresh(self, name: str) -> Project:
        """A project on a new database at the first migration, with rows."""
        db = self.new_db()
        p = Project(self.root / name, db)
        p.models(V2)
        (p.root / "migrations").symlink_to(self.project.root / "migrations")
        p.run("migrate", "--app", "models", self.first)
        for sql in ROWS:
            db.query(sql)
        return p

    def drop(self, db: Database | None = None) -> None:
        """Drops db (default: every database made)."""
        for d in [db] if db is not None else list(self.made):
            drop_database(d)
            self.made.remove(d)


@pytest.fixture(scope="module")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> object:
    h = History(tmp_path_factory.mktemp("resume"), "mysql")
    yield h
    h.drop()


def killed(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)


def test_the_migration_has_many_steps(mariadb: History) -> None:
    assert mariadb.forward >= 10 and mariadb.backward >= 10


@pytest.mark.parametrize("when", ["after", "before"])
def test_migrate_killed_at_every_step_finishes(mariadb: History, when: str) -> None:
    for step in range(1, mariadb.forward + 1):
        p = mariadb.fresh(f"fwd_{when}_{step}")
        before = rows(p.db)
        killed(cli(p, "migrate", "--app", "models", kill=f"{when}:{step}"))
        out = cli(p, "migrate", "--app", "models")
        assert out.returncode == 0, (when, step, out.stdout, out.stderr)
        assert f"Resuming models.{mariadb.second}" in out.stdout, out.stdout
        if when == "after":
            # the statement ran, its record did not: the catalog said so
            assert f"step {step} had run before the interruption" in out.stdout, out.stdout
        assert catalog.diff(mariadb.v2, catalog.read(p.db), order=False) == [], (when, step)
        assert rows(p.db) == before, (when, step)
        assert cli(p, "check").returncode == 0, (when, step)
        mariadb.drop(p.db)


def test_rollback_killed_at_every_step_finishes(mariadb: History) -> None:
    for step in range(1, mariadb.backward + 1):
        p = mariadb.fresh(f"back_{step}")
        before = rows(p.db)
        assert cli(p, "migrate", "--app", "models").returncode == 0
        killed(cli(p, "rollback", "--app", "models", kill=f"after:{step}"))
        out = cli(p, "rollback", "--app", "models")
        assert out.returncode == 0, (step, out.stdout, out.stderr)
        assert f"step {step} had run before the interruption" in out.stdout, out.stdout
        assert catalog.diff(mariadb.v1, catalog.read(p.db), order=False) == [], step
        assert rows(p.db) == before, step
        mariadb.drop(p.db)


def test_unique_key_added_twice_is_the_case_fixed(mariadb: History) -> None:
    """The measured failure: a kill just after ALTER TABLE ... ADD UNIQUE KEY, before its
    record. The next migrate used to run it again and fail with "Duplicate key name"."""
    p = mariadb.fresh("unique_key")
    migrations = loader.load(p.root / "migrations", ["models"])
    m1, m2 = [migrations.history([("models", n)]) for n in (mariadb.first, mariadb.second)]
    statements = [s for op in _engine.render(m1, m2, "mysql")[0] for s in op]
    step = next(i for i, s in enumerate(statements, 1) if "ADD UNIQUE KEY `users_email_key`" in s)
    killed(cli(p, "migrate", "--app", "models", kill=f"after:{step}"))
    status = cli(p, "showmigrations", "--app", "models").stdout
    assert f"[~] {mariadb.second} (partly applied: {step - 1} of" in status
    out = cli(p, "migrate", "--app", "models")
    assert out.returncode == 0, out.stderr
    assert "Duplicate key name" not in out.stdout + out.stderr
    drop_database(p.db)


def test_atomic_false_on_postgres_resumes_too(tmp_path: Path) -> None:
    """Step by step is not only MySQL: a PostgreSQL migration with atomic = False killed after
    a statement resumes past it."""
    db = make_database("postgres", tmp_path)
    try:
        p = Project(tmp_path / "pg", db)
        p.models(V1)
        p.run("makemigrations", "--app", "models")
        p.run("migrate", "--app", "models")
        for sql in ROWS:
            db.query(sql)
        p.models(V2)
        p.run("makemigrations", "--app", "models", "--no-input")
        second = p.migration_files()[1]
        second.write_text(second.read_text().replace(
            "class Migration(migration.Migration):\n",
            "class Migration(migration.Migration):\n    atomic = False\n"))
        killed(cli(p, "migrate", "--app", "models", kill="after:3"))
        out = cli(p, "migrate", "--app", "models")
        assert out.returncode == 0, out.stderr
        assert "step 3 had run before the interruption" in out.stdout
        assert cli(p, "check").returncode == 0
    finally:
        drop_database(db)
