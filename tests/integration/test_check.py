"""check on real databases: clean after migrate; a column, an index, a foreign key, a type and
a default changed by hand are each reported (exit 1), and the statements of ``check --sql``,
applied by hand, make it clean again; a partly applied run is reported; ``--app`` leaves the
other apps' tables out; model changes without a migration; bad input gives one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import Database, Project, drop_database, make_database

MODELS = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    bio = fields.TextField(null=True)
    active = fields.BooleanField(db_default=True)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts",
                                    on_delete=fields.CASCADE)
    title = fields.CharField(max_length=200)

    class Meta:
        table = "posts"
"""


def sqlite_edit(db: Database, table: str, old: str, new: str) -> None:
    """Changes a SQLite table's definition in place, as SQLite's documentation does for what
    ALTER TABLE cannot change (PRAGMA writable_schema)."""
    assert db.path is not None
    import sqlite3

    with sqlite3.connect(db.path) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()
        assert old in sql, sql
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?",
                     [sql.replace(old, new), table])
        conn.execute("PRAGMA writable_schema = OFF")


def fk_name(db: Database) -> str:
    if db.dialect == "postgres":
        return db.query("SELECT conname FROM pg_constraint WHERE contype = 'f'")[0][0]
    return db.query("SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS "
                    f"WHERE CONSTRAINT_SCHEMA = '{db.name}'")[0][0]


def change_by_hand(db: Database, what: str) -> None:
    d = db.dialect
    if what == "column":
        db.query("ALTER TABLE users DROP COLUMN bio")
    elif what == "index":
        db.query("CREATE INDEX ix_posts_title ON posts (title)")
    elif what == "foreign key":
        if d == "sqlite":
            sqlite_edit(db, "posts", "ON DELETE CASCADE", "ON DELETE RESTRICT")
        else:
            name = fk_name(db)
            drop = "DROP CONSTRAINT" if d == "postgres" else "DROP FOREIGN KEY"
            db.query(f"ALTER TABLE posts {drop} {name}")
            db.query(f"ALTER TABLE posts ADD CONSTRAINT {name} FOREIGN KEY (author_id) "
                     "REFERENCES users (id) ON DELETE RESTRICT")
    elif what == "type":
        if d == "sqlite":
            sqlite_edit(db, "posts", '"title" VARCHAR(200)', '"title" VARCHAR(300)')
        elif d == "postgres":
            db.query("ALTER TABLE posts ALTER COLUMN title TYPE VARCHAR(300)")
        else:
            db.query("ALTER TABLE posts MODIFY title VARCHAR(300) NOT NULL")
    elif what == "default":
        if d == "sqlite":
            sqlite_edit(db, "users", "DEFAULT 1", "DEFAULT 0")
        elif d == "postgres":
            db.query("ALTER TABLE users ALTER COLUMN active SET DEFAULT FALSE")
        else:
            db.query("ALTER TABLE users ALTER active SET DEFAULT 0")


def expected_line(db: Database, what: str) -> str:
    return {
        "column": "users.bio: in the migrations, not in the database",
        "index": "index ix_posts_title: on posts (title) in the database only",
        "foreign key": "posts.author_id: foreign key ON DELETE RESTRICT in the database, "
                       "ON DELETE CASCADE in the migrations",
        "type": "posts.title: VARCHAR(300) in the database, VARCHAR(200) in the migrations",
        "default": ("users.active: default FALSE in the database, default TRUE in the migrations"
                    if db.dialect == "postgres" else
                    "users.active: default 0 in the database, default 1 in the migrations"),
    }[what]


#: the database clients' environment: not the sanitizer runtime make asan preloads
CLIENT_ENV = {k: v for k, v in os.environ.items()
              if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")}


def apply_script(db: Database, script: str) -> None:
    """Runs a ``check --sql`` script as a DBA would, in one session: sqlite3's shell (with
    foreign keys on, as Tortoise's connections have them), psql, the mysql client."""
    assert "\n" in script.strip(), script
    if db.dialect == "sqlite":
        assert db.path is not None
        import sqlite3

        conn = sqlite3.connect(db.path, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(script)
        finally:
            conn.close()
    elif db.dialect == "postgres":
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", db.url], input=script,
                       text=True, check=True, capture_output=True, env=CLIENT_ENV, timeout=60)
    else:
        u = urlparse(db.url)
        password = [f"-p{u.password}"] if u.password else []
        subprocess.run(["mariadb", f"-u{u.username or 'root'}", *password, f"-h{u.hostname}",
                        f"-P{u.port or 3306}", db.name], input=script, text=True, check=True,
                       capture_output=True, env=CLIENT_ENV, timeout=60)


@pytest.fixture
def migrated(project: Project) -> Project:
    project.models(MODELS)
    project.run("makemigrations")
    project.run("migrate")
    project.db.query("INSERT INTO users (id, name) VALUES (1, 'ada')")
    project.db.query("INSERT INTO posts (id, author_id, title) VALUES (1, 1, 'hi')")
    return project


def test_clean_after_migrate(migrated: Project) -> None:
    out = migrated.run("check").stdout
    assert "Models: every change is in a migration." in out
    assert f"Database 'default' ({migrated.db.dialect}): holds what its migrations describe." \
        in out
    assert out.splitlines()[-1].startswith("Clean (checked in ")


@pytest.mark.parametrize("what", ["column", "index", "foreign key", "type", "default"])
def test_drift_by_hand_is_reported_and_sql_repairs_it(migrated: Project, what: str) -> None:
    db = migrated.db
    change_by_hand(db, what)
    proc = migrated.run("check", ok=False)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert f"Database 'default' ({db.dialect}): 1 difference(s) from the migrations applied " \
           "there:" in lines
    assert f"  {expected_line(db, what)}" in lines
    assert lines[-1].startswith("Not clean")
    script = migrated.run("check", "--sql", ok=False)
    assert script.returncode == 1
    assert f"--   {expected_line(db, what)}" in script.stdout.splitlines()
    apply_script(db, script.stdout)
    assert "Clean" in migrated.run("check").stdout
    assert db.query("SELECT id, author_id, title FROM posts") == [(1, 1, "hi")]


def test_check_reports_a_partly_applied_run(tmp_path: Path) -> None:
    db = make_database("mysql", tmp_path)
    try:
        p = Project(tmp_path / "p", db)
        p.models(MODELS)
        p.run("makemigrations")
        p.run("migrate")
        p.models(MODELS.replace("max_length=200", "max_length=250").replace(
            "    bio = fields.TextField(null=True)\n",
            "    bio = fields.TextField(null=True)\n    age = fields.IntField(null=True)\n"))
        p.run("makemigrations")
        env = dict(os.environ, PATHWAY_FAULT_KILL="after:1")
        proc = subprocess.run([sys.executable, "-m", "tortoise_pathway", "--config",
                               "proj.config", "migrate"], cwd=p.root, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == -signal.SIGKILL
        second = p.migration_files()[1].stem
        out = p.run("check", ok=False)
        assert out.returncode == 1
        assert f"  models.{second} is partly applied: 0 of 2 steps done; run migrate to " \
               "finish it" in out.stdout.splitlines()
        p.run("migrate")
        assert "Clean" in p.run("check").stdout
    finally:
        drop_database(db)


def test_check_of_one_app_leaves_the_others_tables_out(db: Database, tmp_path: Path) -> None:
    p = Project(tmp_path / "p", db, apps=("a", "b"))
    p.models("""
class A(models.Model):
    id = fields.IntField(primary_key=True)

    class Meta:
        table = "a_things"
""", app="a")
    p.models("""
class B(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=10)

    class Meta:
        table = "b_things"
""", app="b")
    p.run("makemigrations")
    p.run("migrate")
    db.query("CREATE INDEX ix_b_name ON b_things (name)")
    assert "Clean" in p.run("check", "--app", "a").stdout
    out = p.run("check", "--app", "b", ok=False).stdout
    assert "index ix_b_name: on b_things (name) in the database only" in out
    out = p.run("check", ok=False).stdout
    assert "index ix_b_name" in out


def test_model_changes_without_a_migration(migrated: Project) -> None:
    migrated.models(MODELS.replace("max_length=50", "max_length=60"))
    proc = migrated.run("check", ok=False)
    assert proc.returncode == 1
    assert "Models: app 'models' has changes that no migration holds:" in proc.stdout
    assert "    - Alter column users.name" in proc.stdout
    assert len(migrated.migration_files()) == 1  # nothing written


def test_makemigrations_check(migrated: Project) -> None:
    out = migrated.run("makemigrations", "--check")
    assert out.stdout == "No changes detected in app 'models'.\n"
    migrated.models(MODELS.replace("max_length=50", "max_length=60"))
    proc = migrated.run("makemigrations", "--check", ok=False)
    assert proc.returncode == 1
    assert proc.stdout == "Migrations needed for 'models':\n    - Alter column users.name\n"
    assert proc.stderr == ("error: the models have changes that no migration holds; run "
                           "makemigrations to write them\n")
    assert len(migrated.migration_files()) == 1


def test_check_on_an_unreachable_database(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "proj").mkdir(parents=True)
    (root / "proj" / "__init__.py").write_text("")
    (root / "proj" / "config.py").write_text(
        'TORTOISE_ORM = {"connections": {"default": "postgres://postgres@127.0.0.1:1/nope"}, '
        '"apps": {"models": {"models": ["proj.models"]}}}\n')
    (root / "proj" / "models.py").write_text(
        "from tortoise import fields, models\n\n\nclass X(models.Model):\n"
        "    id = fields.IntField(primary_key=True)\n")
    proc = subprocess.run([sys.executable, "-m", "tortoise_pathway", "--config", "proj.config",
                           "check"], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("error: cannot use database connection 'default' (postgres): ")
    assert lines[1].startswith("hint: check that the database server runs")
    assert "Traceback" not in proc.stderr


def test_check_writes_nothing(project: Project) -> None:
    """On a database that never saw tortoise-pathway, check creates no table of ours."""
    project.models(MODELS)
    project.run("makemigrations")
    out = project.run("check").stdout  # nothing applied: nothing expected in the database
    assert "holds what its migrations describe" in out
    assert project.db.tables() == set()
