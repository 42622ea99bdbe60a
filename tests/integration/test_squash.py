"""squashmigrations on each database: four migrations squashed into one, which a fresh
database runs instead of them (the same schema, by catalog, as the originals build), a
database that has them all counts as applied, and one that has some keeps using the
originals until it has them all; rollback across it; the replaced files deleted afterwards;
Python code in the range refused."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import Project, drop_database, make_database
from tests.fidelity import catalog
from tortoise_pathway.loader import load_file

VERSIONS = [
    '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100)

    class Meta:
        table = "customer"
''',
    '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100)
    phone = fields.CharField(max_length=20, null=True)

    class Meta:
        table = "customer"
''',
    '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=150)
    phone = fields.CharField(max_length=20, null=True)

    class Meta:
        table = "customer"


class Purchase(models.Model):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="purchases")
    total = fields.IntField(default=0)

    class Meta:
        table = "purchase"
''',
    '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=150, db_index=True)

    class Meta:
        table = "customer"


class Purchase(models.Model):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="purchases")
    total = fields.IntField(default=0)
    note = fields.TextField(null=True)

    class Meta:
        table = "purchase"
''',
]


def _history(project: Project) -> list[Path]:
    for v in VERSIONS:
        project.models(v)
        project.run("makemigrations", "--no-input", "--one-migration")
    return project.migration_files()


def _squash(project: Project, files: list[Path]) -> Path:
    out = project.run("squashmigrations", "models", files[-1].stem).stdout
    assert "Squashed 4 migrations of 'models' into:" in out, out
    squashed = [f for f in project.migration_files() if "squashed" in f.stem]
    assert len(squashed) == 1, project.migration_files()
    return squashed[0]


def _other(project: Project, tmp_path: Path) -> Project:
    """A project with the same migrations on a new database of the same kind."""
    (tmp_path / "other").mkdir(exist_ok=True)
    db = make_database(project.db.dialect, tmp_path / "other")
    other = Project(tmp_path / "other_project", db)
    shutil.copytree(project.root / "migrations", other.root / "migrations")
    (other.root / "proj" / "models.py").write_text(
        (project.root / "proj" / "models.py").read_text())
    return other


def test_fresh_database_runs_the_squashed_migration(project: Project, tmp_path: Path) -> None:
    files = _history(project)
    originals = _other(project, tmp_path)
    try:
        originals.run("migrate")
        squashed = _squash(project, files)
        text = squashed.read_text()
        assert "replaces = [" in text and f'("models", "{files[0].stem}"),' in text, text
        assert text.count("ops.CreateModel(") == 2 and "ops.AddField" not in text, text
        out = project.run("migrate").stdout
        assert f"Applying models.{squashed.stem}... OK" in out, out
        assert out.count("Applying") == 1, out
        status = project.run("showmigrations").stdout
        assert f"[X] {squashed.stem} (4 squashed migrations)" in status, status
        assert files[0].stem not in status, status
        assert catalog.diff(catalog.read(originals.db), catalog.read(project.db),
                            a_name="originals", b_name="squashed", order=False) == []
        assert "Clean" in project.run("check").stdout
        assert "No changes detected" in project.run("makemigrations").stdout
        # back across it: every table goes, and every row of the history
        project.run("rollback", "--app", "models")
        assert project.db.tables() - {"pathway_migrations", "pathway_progress"} == set()
        assert "[ ]" in project.run("showmigrations").stdout
        project.run("migrate")
        # once the replaced files are deleted it is a migration like any other
        for f in files:
            f.unlink()
        assert "No migrations to apply" in project.run("migrate").stdout
        assert "Clean" in project.run("check").stdout
    finally:
        drop_database(originals.db)


def test_applied_and_partly_applied_databases(project: Project, tmp_path: Path) -> None:
    files = _history(project)
    partly = _other(project, tmp_path)
    try:
        project.run("migrate")  # all four
        partly.run("migrate", "--app", "models", files[1].stem)  # two of four
        partly.db.query("INSERT INTO customer (id, email, phone) VALUES (1, 'a@x', '5')")
        squashed = _squash(project, files)
        shutil.copy(squashed, partly.root / "migrations" / "models" / squashed.name)

        # all applied: it counts as applied, and gets its row
        assert "No migrations to apply" in project.run("migrate").stdout
        rows = {r[0] for r in project.db.query("SELECT name FROM pathway_migrations")}
        assert squashed.stem in rows, rows

        # some applied: the originals go on, then it counts as applied
        out = partly.run("migrate").stdout
        assert f"Applying models.{files[2].stem}... OK" in out, out
        assert f"Applying models.{files[3].stem}... OK" in out, out
        assert squashed.stem not in out, out
        status = partly.run("showmigrations").stdout
        assert f"[X] {squashed.stem} (4 squashed migrations)" in status, status
        assert partly.db.query("SELECT email FROM customer") == [("a@x",)]
        assert "Clean" in partly.run("check").stdout

        # the replaced files deleted on both: nothing left to do, nothing missing
        for p in (project, partly):
            for f in files:
                (p.root / "migrations" / "models" / f.name).unlink()
            assert "No migrations to apply" in p.run("migrate").stdout
            assert "(applied, file missing)" not in p.run("showmigrations").stdout
            assert "Clean" in p.run("check").stdout
    finally:
        drop_database(partly.db)


def test_python_code_is_refused(project: Project) -> None:
    files = _history(project)
    (files[1].parent / "20990101000000_data.py").write_text('''
from tortoise_pathway import migration, ops


def fill(connection):
    pass


class Migration(migration.Migration):
    dependencies = [("models", "LAST")]
    operations = [ops.RunPython(fill)]
'''.replace("LAST", files[-1].stem))
    err = project.run("squashmigrations", "models", "20990101", ok=False).stderr
    assert "cannot squash: models.20990101000000_data runs Python code (Run Python fill)" \
        in err, err
    assert len(project.migration_files()) == 5


def test_the_squash_keeps_how_the_replaced_ran(tmp_path: Path) -> None:
    # what the file says does not depend on the database: SQLite only
    project = Project(tmp_path / "project", make_database("sqlite", tmp_path))
    files = _history(project)
    marks = {1: "    atomic = False\n", 2: "    safe = True\n    allow = ['data-loss']\n",
             3: "    safe = False\n    allow = ['data-loss', 'table-rewrite']\n"}
    for i, attrs in marks.items():
        text = files[i].read_text()
        files[i].write_text(text.replace("    dependencies = [", attrs + "    dependencies = [", 1))
    squashed = _squash(project, files)
    m, _ = load_file(squashed, "models")
    assert (m.atomic, m.safe, m.allow) == (False, True, ["data-loss", "table-rewrite"])
    project.run("migrate")  # the squashed migration, outside a transaction, lock-aware
    assert "Clean" in project.run("check").stdout
