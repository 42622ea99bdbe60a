"""adopt on real databases built by the tools a project switches from: Tortoise's
generate_schemas(), Aerich 0.10 and Tortoise 1.x's built-in migrations (tests/integration/
othertools.py runs them), with rows in them. After adopt and migrate the schema is what
generate_schemas makes for the models, check is clean, the rows are there, and a further model
change migrates and rolls back with rows kept. Also: adopt twice, an empty database, a table
nobody models, an app that already has migrations (--fake-initial semantics).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Database, Project, drop_database, make_database
from tests.fidelity import catalog
from tests.fidelity.test_fidelity import generate_schemas
from tests.integration import othertools
from tortoise_pathway.live import BOOKKEEPING

MODELS = othertools.VERSIONS[-1]

# A further change once adopted: a new nullable column, a wider one.
MODELS_V4 = MODELS.replace(
    "    bio = fields.TextField(null=True)\n",
    "    bio = fields.TextField(null=True)\n    age = fields.IntField(null=True)\n").replace(
    "name = fields.CharField(max_length=30)", "name = fields.CharField(max_length=60)")

ROWS = [
    "INSERT INTO users (id, name, email, bio) VALUES (1, 'ada', 'ada@example.com', 'x'), "
    "(2, 'bob', 'bob@example.com', NULL)",
    "INSERT INTO tags (id, name) VALUES (5, 'news'), (6, 'misc')",
    "INSERT INTO posts (id, author_id, title) VALUES (10, 1, 'hello'), (11, 2, 'world')",
    "INSERT INTO posts_tags (posts_id, tag_id) VALUES (10, 5), (11, 6)",
    "INSERT INTO comments (id, post_id, body) VALUES (20, 10, 'first')",
]


def schema(db: Database) -> catalog.Catalog:
    """db's catalog without the history tables of any tool."""
    cat = catalog.read(db)
    for table in BOOKKEEPING:
        cat.pop(table, None)
    return cat


def snapshot(db: Database) -> list[Any]:
    return [db.query(f"SELECT * FROM {t} ORDER BY 1, 2") for t in
            ("users", "tags", "posts", "posts_tags", "comments")]


def cli(root: Path, *args: str, config: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("TORTOISE_ORM", None)
    cmd = [sys.executable, "-m", "tortoise_pathway"]
    if config:
        cmd += ["--config", "proj.config"]
    return subprocess.run([*cmd, *args], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, (proc.args, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    return proc.stdout


def reference(dialect: str, tmp_path: Path, models: str) -> tuple[Database, catalog.Catalog]:
    """A database made by generate_schemas for models, and its catalog."""
    db = make_database(dialect, tmp_path)
    p = Project(tmp_path / f"reference_{db.name}", db)
    (p.root / "proj" / "models.py").write_text(models)
    generate_schemas(p)
    return db, catalog.read(db)


def adopt_and_finish(root: Path, db: Database, ref: catalog.Catalog, config: bool = True,
                     ) -> str:
    """adopt (no questions), migrate, then the checks every adopted database must pass:
    generate_schemas' schema, check clean, rows kept, a further change forward and back."""
    rows = snapshot(db)
    out = ok(cli(root, "adopt", "--no-input", config=config))
    ok(cli(root, "migrate", config=config))
    assert catalog.diff(ref, schema(db), order=False) == []
    assert "Clean" in ok(cli(root, "check", config=config))
    assert snapshot(db) == rows
    # the project goes on with tortoise-pathway
    (root / "proj" / "models.py").write_text(MODELS_V4)
    ok(cli(root, "makemigrations", "--no-input", config=config))
    ok(cli(root, "migrate", config=config))
    assert "age" in db.columns("users")
    assert snapshot(db)[1:] == rows[1:]
    ok(cli(root, "rollback", "--app", "models", config=config))
    assert catalog.diff(ref, schema(db), order=False) == []
    assert snapshot(db) == rows
    return out


@pytest.fixture
def ref(db: Database, tmp_path: Path) -> Any:
    ref_db, cat = reference(db.dialect, tmp_path / "ref", MODELS)
    yield cat
    drop_database(ref_db)


def test_adopt_a_database_made_by_generate_schemas(db: Database, ref: Any,
                                                    tmp_path: Path) -> None:
    p = Project(tmp_path / "project", db)
    (p.root / "proj" / "models.py").write_text(MODELS)
    generate_schemas(p)
    for sql in ROWS:
        db.query(sql)
    out = adopt_and_finish(p.root, db, ref)
    assert "the database was made by generate_schemas() or by hand" in out
    assert "recorded it as applied" in out
    files = p.migration_files()
    assert [f.stem.split("_", 1)[1] for f in files[:1]] == ["initial"]
    # SQLite keeps no constraint names: nothing to catch up; elsewhere names only
    if db.dialect == "sqlite":
        assert "nothing to catch up" in out
    else:
        assert "only in the name of a constraint or an index" in out


def test_adopt_a_database_made_by_aerich(db: Database, ref: Any, tmp_path: Path) -> None:
    pytest.importorskip("aerich")
    root = tmp_path / "aerich_project"
    versions = othertools.SQLITE_AERICH_VERSIONS if db.dialect == "sqlite" else \
        othertools.VERSIONS
    othertools.build_with_aerich(root, db.url, versions)
    for sql in ROWS:
        db.query(sql)
    # no --config: found where Aerich put it, [tool.tortoise] in pyproject.toml
    proc = cli(root, "adopt", "--no-input", config=False)
    assert "Using the config proj.config.TORTOISE_ORM (from [tool.tortoise] tortoise_orm in " \
           "pyproject.toml)." in proc.stderr
    ok(proc)
    out = proc.stdout
    assert "the database was made by Aerich (table aerich: 3 migration(s) of app models)" in out
    # Aerich left the changed on_delete un-applied; the catch-up applies it
    assert ("posts.author_id: foreign key ON DELETE CASCADE in the database, ON DELETE SET "
            "NULL in the migrations") in out
    assert "wrote migrations/models/" in out and "_catch_up.py: review it, then run migrate" in out
    assert "aerich" in db.tables()  # its history is left alone
    rows = snapshot(db)
    ok(cli(root, "migrate", config=False))
    assert catalog.diff(ref, schema(db), order=False) == []
    assert "Clean" in ok(cli(root, "check", config=False))
    assert snapshot(db) == rows
    # running it again is harmless
    again = ok(cli(root, "adopt", "--no-input", config=False))
    assert "already under tortoise-pathway" in again
    (root / "proj" / "models.py").write_text(MODELS_V4)
    ok(cli(root, "makemigrations", "--no-input", config=False))
    ok(cli(root, "migrate", config=False))
    ok(cli(root, "rollback", "--app", "models", config=False))
    assert catalog.diff(ref, schema(db), order=False) == []
    assert snapshot(db) == rows


def test_adopt_a_database_made_by_tortoise_migrations(db: Database, ref: Any,
                                                       tmp_path: Path) -> None:
    root = tmp_path / "tortoise_project"
    othertools.build_with_tortoise(root, db.url, othertools.VERSIONS)
    for sql in ROWS:
        db.query(sql)
    out = adopt_and_finish(root, db, ref)
    assert ("the database was made by Tortoise's built-in migrations (table "
            "tortoise_migrations: 3 migration(s) of app models)") in out
    if db.dialect == "sqlite":
        # its table rebuild lost the index of users.name; the catch-up adds it
        assert "index idx_users_name_6aafa3: on users (name) in the migrations, not in the " \
               "database" in out
    else:
        assert "posts.author_id: foreign key ON DELETE CASCADE in the database" in out
    assert "tortoise_migrations" in db.tables()


def test_adopt_leaves_other_tables_alone(db: Database, tmp_path: Path) -> None:
    p = Project(tmp_path / "project", db)
    p.models("""
class Note(models.Model):
    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=100)

    class Meta:
        table = "note"
""")
    serial = {"sqlite": "INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
              "postgres": "SERIAL NOT NULL PRIMARY KEY",
              "mysql": "INT NOT NULL PRIMARY KEY AUTO_INCREMENT"}[db.dialect]
    db.query(f"CREATE TABLE note (id {serial}, text VARCHAR(50) NOT NULL)")
    db.query("CREATE TABLE legacy (id INTEGER NOT NULL PRIMARY KEY)")
    db.query("INSERT INTO note (id, text) VALUES (1, 'kept')")
    out = p.run("adopt", "--no-input").stdout
    assert "left alone (no model of the app names them): legacy" in out
    assert "note.text: VARCHAR(50) in the database, VARCHAR(100) in the migrations" in out
    p.run("migrate")
    assert {"legacy", "note"} <= db.tables()
    assert db.query("SELECT id, text FROM note") == [(1, "kept")]
    assert "Clean" not in p.run("check", ok=False).stdout  # legacy is in the database only
    assert "legacy: table in the database only" in p.run("check", ok=False).stdout


def test_adopt_an_empty_database_says_so(db: Database, tmp_path: Path) -> None:
    p = Project(tmp_path / "project", db)
    p.models(MODELS.split("\n\n\nclass Post")[0].replace("from tortoise import fields, "
                                                          "models\n", ""))
    proc = p.run("adopt", "--no-input", ok=False)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == ("error: app models: the database of connection 'default' has none of "
                        "its tables (users); there is nothing to adopt")
    assert lines[1] == "hint: run makemigrations and migrate to create them"
    assert "Traceback" not in proc.stderr
    assert p.migration_files() == []


def test_adopt_an_app_that_has_migrations(db: Database, tmp_path: Path) -> None:
    """--fake-initial semantics: the first migration is recorded when the database holds its
    tables; names of constraints that alone differ are renamed in place."""
    p = Project(tmp_path / "project", db)
    (p.root / "proj" / "models.py").write_text(MODELS)
    p.run("makemigrations")
    generate_schemas(p)
    for sql in ROWS:
        db.query(sql)
    rows = snapshot(db)
    out = p.run("adopt", "--no-input").stdout
    first = p.migration_files()[0].stem
    assert f"recorded models.{first} as applied: the database holds its tables" in out
    if db.dialect == "postgres":
        assert "renamed to the names the migrations use: ALTER TABLE" in out
    assert "Clean" in p.run("check").stdout
    assert snapshot(db) == rows
    assert "already under tortoise-pathway" in p.run("adopt", "--no-input").stdout


def test_adopt_an_app_whose_first_migration_differs(db: Database, tmp_path: Path) -> None:
    p = Project(tmp_path / "project", db)
    (p.root / "proj" / "models.py").write_text(MODELS)
    p.run("makemigrations")
    (p.root / "proj" / "models.py").write_text(MODELS.replace("max_length=300", "max_length=20"))
    generate_schemas(p)
    proc = p.run("adopt", "--no-input", ok=False)
    assert proc.returncode == 1
    first = p.migration_files()[0].stem
    lines = proc.stderr.splitlines()
    assert lines[0].startswith(f"error: app models: the database differs from models.{first} "
                               "in ")
    assert "  posts.title: VARCHAR(20) in the database, VARCHAR(300) in the migrations" in lines
    assert lines[-1].startswith("hint: ")
    assert db.query("SELECT COUNT(*) FROM pathway_migrations") == [(0,)]
