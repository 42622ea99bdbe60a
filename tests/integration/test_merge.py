"""makemigrations --merge on each database: two branches that each added a migration leave two
heads (migrate and makemigrations stop and name the command); a merge migration joins them
and migrate applies the rest, also where one branch was deployed already; branches that change
the same column are refused with the column named, and nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import Project

BASE = '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100{email})
{extra}
    class Meta:
        table = "customer"
'''
PHONE = "    phone = fields.CharField(max_length=20, null=True)\n"
CITY = "    city = fields.CharField(max_length=30, default='x')\n"


def _branch(project: Project, extra: str = "", email: str = "", name: str = "") -> Path:
    """Writes the models, makes their migration and returns its file."""
    project.models(BASE.format(extra=extra, email=email))
    project.run("makemigrations", "--no-input", *(("--name", name) if name else ()))
    return project.migration_files()[-1]


def test_two_branches_merge_and_migrate(project: Project, tmp_path: Path) -> None:
    _branch(project)
    project.run("migrate")
    project.db.query("INSERT INTO customer (id, email) VALUES (1, 'a@x')")
    # branch A adds phone, and is deployed
    a = _branch(project, PHONE)
    project.run("migrate")
    aside = tmp_path / a.name
    shutil.move(a, aside)
    # branch B, made without A, adds city
    b = _branch(project, CITY)
    shutil.move(aside, a)
    project.models(BASE.format(extra=PHONE + CITY, email=""))

    for command in (("migrate",), ("makemigrations",)):
        err = project.run(*command, ok=False).stderr
        assert "2 heads" in err or "heads" in err, err
        assert "makemigrations --merge" in err, err

    out = project.run("makemigrations", "--merge", "--dry-run").stdout
    assert f"Would write 'models': {b.stem}, {a.stem}" in out or \
        f"Would write 'models': {a.stem}, {b.stem}" in out, out
    assert len(project.migration_files()) == 3
    out = project.run("makemigrations", "--merge").stdout
    merge = project.migration_files()[-1]
    assert merge.stem.endswith("_merge") and f"migrations/models/{merge.name}" in out, out
    text = merge.read_text()
    assert f'("models", "{a.stem}")' in text and f'("models", "{b.stem}")' in text, text
    assert "operations: list = [\n        # ops.RunSQL" in text, text  # nothing but the hints
    project.run("migrate")
    assert "No changes detected" in project.run("makemigrations").stdout
    assert "Clean" in project.run("check").stdout
    row = project.db.query("SELECT email, phone, city FROM customer")
    assert row == [("a@x", None, "x")], row
    # back over the merge and each branch, then forward again, the row kept
    for _ in range(3):
        project.run("rollback", "--app", "models")
    assert project.db.columns("customer") == ["id", "email"]
    project.run("migrate")
    assert project.db.query("SELECT email FROM customer") == [("a@x",)]
    assert "No migrations to merge" in project.run("makemigrations", "--merge").stdout


def test_branches_changing_one_column_are_refused(project: Project, tmp_path: Path) -> None:
    _branch(project)
    a = _branch(project, email=", null=True", name="nullable")
    aside = tmp_path / a.name
    shutil.move(a, aside)
    b = _branch(project, email=", unique=True", name="unique")
    shutil.move(aside, a)
    proc = project.run("makemigrations", "--merge", ok=False)
    assert "change the same objects" in proc.stderr, proc.stderr
    assert f"customer.email: models.{a.stem} (Alter column customer.email) and " \
           f"models.{b.stem} (Alter column customer.email)" in proc.stderr or \
           f"customer.email: models.{b.stem} (Alter column customer.email) and " \
           f"models.{a.stem} (Alter column customer.email)" in proc.stderr, proc.stderr
    assert len(project.migration_files()) == 3  # nothing written
