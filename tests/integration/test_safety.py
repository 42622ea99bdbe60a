"""Production safety: one migrator at a time, checksums of applied files, failed migrations
that leave history and schema consistent."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import Project
from tests.integration.test_workflow import STEPS


def make_history(project: Project, steps: int = 3) -> None:
    for source in STEPS[:steps]:
        project.models(source)
        project.run("makemigrations", "--app", "models", "--one-migration")


def test_concurrent_migrate_applies_each_migration_once(project: Project) -> None:
    make_history(project)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", "migrate",
           "--app", "models"]
    procs = [subprocess.Popen(cmd, cwd=project.root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    for out, err, code in results:
        assert code == 0, out + err
    # every migration applied by exactly one process: one by one, or (an empty database on
    # SQLite and PostgreSQL) all three at once
    applied = sum(out.count("Applying ") + sum(
        int(n) for n in re.findall(r"Creating the schema of (\d+) migrations", out))
        for out, _, _ in results)
    assert applied == 3, results
    rows = project.db.query("SELECT app, name FROM pathway_migrations")
    assert sorted(r[1] for r in rows) == [p.stem for p in project.migration_files()]


def test_edited_or_deleted_applied_migration_stops_migrate(project: Project) -> None:
    make_history(project, 2)
    project.run("migrate", "--app", "models")
    first = project.migration_files()[0]
    original = first.read_text()
    first.write_text(original + "\n# edited\n")
    project.models(STEPS[2])
    project.run("makemigrations", "--app", "models")
    proc = project.run("migrate", "--app", "models", ok=False)
    assert proc.returncode == 1
    assert f"{first.name} was changed after it was applied" in proc.stderr
    assert "Traceback" not in proc.stderr
    status = project.run("showmigrations", "--app", "models").stdout
    assert f"[X] {first.stem} (file changed since it was applied)" in status
    assert "[ ]" in status  # the third one was not applied
    project.run("migrate", "--app", "models", "--allow-changed")
    assert "[ ]" not in project.run("showmigrations", "--app", "models").stdout

    first.write_text(original)
    last = project.migration_files()[-1]
    last.unlink()
    proc = project.run("migrate", "--app", "models", ok=False)
    assert f"applied migration models.{last.stem} has no file" in proc.stderr
    status = project.run("showmigrations", "--app", "models").stdout
    assert f"[X] {last.stem} (applied, file missing)" in status
    # deleting one that others depend on is a broken graph, named as such
    first.unlink()
    proc = project.run("migrate", "--app", "models", ok=False)
    assert f"depends on models.{first.stem}, which does not exist" in proc.stderr


FAILING = '''"""A migration whose third statement fails."""

from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    dependencies = [("models", "{dep}")]
    operations = [
        ops.CreateModel("audit", columns=[ops.Column("id", "INT", pk=True, autoincrement=True)]),
        ops.AddField("users", ops.Column("nick", "VARCHAR(20)", null=True)),
        ops.RunSQL("INSERT INTO no_such_table VALUES (1)"),
    ]
'''


def test_failed_migration_leaves_history_and_schema_consistent(project: Project) -> None:
    db = project.db
    make_history(project, 1)
    project.run("migrate", "--app", "models")
    first = project.migration_files()[0]
    bad = first.parent / "99990101000000_broken.py"
    bad.write_text(FAILING.format(dep=first.stem))
    proc = project.run("migrate", "--app", "models", ok=False)
    assert proc.returncode == 1
    assert "models.99990101000000_broken: applying failed at: INSERT INTO no_such_table" in (
        proc.stderr)
    assert "Traceback" not in proc.stderr
    rows = db.query("SELECT name FROM pathway_migrations")
    assert [r[0] for r in rows] == [first.stem]  # never recorded as applied
    if db.dialect in ("sqlite", "postgres"):
        assert "rolled back; nothing was changed" in proc.stderr
        assert "audit" not in db.tables()
        assert "nick" not in db.columns("users")
    else:
        assert "cannot roll back DDL" in proc.stderr
