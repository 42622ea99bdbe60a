"""Fleets (migrate / rollback / showmigrations --tenants) through the real CLI: PostgreSQL
schemas in one database, SQLite files, MariaDB databases, migrated with concurrency; a
tenant broken on purpose fails alone and a second run finishes only it; a run killed with
SIGKILL and run again migrates every tenant once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from tests.conftest import (
    MYSQL_URL,
    Database,
    Project,
    _mysql_admin,
    _with_db,
    drop_database,
    make_database,
    require,
)
from tests.integration.test_workflow import USER_V1, USER_V2

PG_SCHEMAS = 300
SQLITE_FILES = 300
MYSQL_DATABASES = 50


def fleet_project(root: Path, db: Database, tenants: list[str]) -> Project:
    """A project with two migrations (users, then users.age) and a tenants file."""
    project = Project(root, db)
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    project.models(USER_V2)
    project.run("makemigrations", "--app", "models")
    (root / "tenants.txt").write_text("# one tenant a line\n" + "\n".join(tenants) + "\n")
    return project


def outcome(project: Project, name: str = "report.json") -> dict:
    data: dict = json.loads((project.root / name).read_text())
    return data


def names(project: Project) -> list[str]:
    return [p.stem for p in project.migration_files()]


def pg_rows(db: Database, schemas: list[str]) -> dict[str, list[str]]:
    """Per schema, its history rows (migration names, sorted), read in one query."""
    union = " UNION ALL ".join(
        f"SELECT '{s}' AS s, name FROM \"{s}\".pathway_migrations" for s in schemas)
    out: dict[str, list[str]] = {s: [] for s in schemas}
    for s, name in db.query(union + " ORDER BY 1, 2"):
        out[s].append(name)
    return out


def sqlite_rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM pathway_migrations ORDER BY name")]


class ConnectionPeak:
    """The most connections to the database seen at once while the block runs (sampled
    every 20 ms from another thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._sample()))

    async def _sample(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.db.url.replace("postgres://", "postgresql://", 1))
        try:
            while not self._stop.is_set():
                n = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE "
                                        "datname = $1 AND pid <> pg_backend_pid()",
                                        self.db.name)
                self.most = max(self.most, n)
                await asyncio.sleep(0.02)
        finally:
            await conn.close()

    def __enter__(self) -> ConnectionPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def test_postgres_schemas(tmp_path: Path) -> None:
    db = make_database("postgres", tmp_path)
    try:
        schemas = [f"tenant_{i:03d}" for i in range(PG_SCHEMAS)]
        project = fleet_project(tmp_path / "p", db, schemas)
        broken = schemas[13]
        db.query(f'CREATE SCHEMA "{broken}"')
        db.query(f'CREATE TABLE "{broken}".users (x int)')

        with ConnectionPeak(db) as peak:
            proc = project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "8",
                               "--report", "report.json", ok=False)
        assert proc.returncode == 1
        # connections are opened and closed per tenant: a few per running tenant at most
        assert 1 <= peak.most <= 8 * 3, peak.most
        assert "Traceback" not in proc.stderr
        assert f"failed tenants:\n  {broken}  models.{names(project)[0]}" in proc.stdout
        report = outcome(project)
        assert report["failed"] == [broken]
        assert report["counts"] == {"migrated": PG_SCHEMAS - 1, "failed": 1}
        bad = report["outcomes"][13]
        assert bad["tenant"] == broken and bad["status"] == "failed"
        assert "already exists" in bad["error"] and bad["at"] == {"models": None}
        rows = pg_rows(db, schemas)
        assert rows[broken] == []  # rolled back with its transaction
        assert all(rows[s] == names(project) for s in schemas if s != broken)
        # every table in its tenant's schema, none in public
        assert db.tables() == set()
        assert db.query("SELECT count(*) FROM information_schema.tables WHERE "
                        "table_name = 'users' AND table_schema LIKE 'tenant_%'") == [
            (PG_SCHEMAS,)]

        status = project.run("showmigrations", "--tenants", "tenants.txt",
                             "--failures-from", "report.json").stdout
        assert f"  {PG_SCHEMAS - 1} tenants at {names(project)[-1]} (up to date)\n" in status
        assert (f"  1 tenant with nothing applied (2 pending) (failed: {broken}: "
                f"models.{names(project)[0]}") in status
        assert status.endswith(f": {broken}\n")

        db.query(f'DROP TABLE "{broken}".users')
        proc = project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "8",
                           "--report", "again.json")
        again = outcome(project, "again.json")
        assert again["counts"] == {"migrated": 1, "up to date": PG_SCHEMAS - 1}
        assert [o["tenant"] for o in again["outcomes"] if o["status"] == "migrated"] == [
            broken]
        assert pg_rows(db, schemas) == {s: names(project) for s in schemas}

        # rollback: each schema's latest migration reverted, the others untouched
        project.run("rollback", "--app", "models", "--tenants", ",".join(schemas[:3]))
        assert db.query("SELECT count(*) FROM information_schema.columns WHERE "
                        "table_name = 'users' AND column_name = 'age'") == [
            (PG_SCHEMAS - 3,)]
    finally:
        drop_database(db)


def test_sqlite_files(tmp_path: Path) -> None:
    require("sqlite")
    files = [tmp_path / "tenants" / f"t{i:03d}.sqlite3" for i in range(SQLITE_FILES)]
    files[0].parent.mkdir()
    main = Database("sqlite", f"sqlite://{tmp_path / 'main.sqlite3'}", "main",
                    tmp_path / "main.sqlite3")
    project = fleet_project(tmp_path / "p", main, [f"sqlite://{f}" for f in files])
    broken = files[7]
    with sqlite3.connect(broken) as conn:
        conn.execute("CREATE TABLE users (x INTEGER)")

    proc = project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "4",
                       "--report", "report.json", ok=False)
    assert proc.returncode == 1
    assert f"sqlite://{broken}: FAILED: models.{names(project)[0]}" in proc.stdout
    report = outcome(project)
    assert report["failed"] == [f"sqlite://{broken}"]
    assert report["counts"] == {"migrated": SQLITE_FILES - 1, "failed": 1}
    assert sqlite_rows(broken) == []
    assert all(sqlite_rows(f) == names(project) for f in files if f != broken)

    with sqlite3.connect(broken) as conn:
        conn.execute("DROP TABLE users")
    project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "4", "--report",
                "again.json")
    again = outcome(project, "again.json")
    assert again["counts"] == {"migrated": 1, "up to date": SQLITE_FILES - 1}
    assert all(sqlite_rows(f) == names(project) for f in files)


def test_tenants_from_config_callable(tmp_path: Path) -> None:
    """TORTOISE_ORM["tenants"] naming an async function; --tenants without a source."""
    require("sqlite")
    main = Database("sqlite", f"sqlite://{tmp_path / 'main.sqlite3'}", "main",
                    tmp_path / "main.sqlite3")
    project = fleet_project(tmp_path / "p", main, [])
    files = [tmp_path / f"c{i}.sqlite3" for i in range(3)]
    (project.root / "proj" / "tenants.py").write_text(
        "async def all_tenants():\n"
        f"    return {[f'sqlite://{f}' for f in files]!r}\n")
    config = project.root / "proj" / "config.py"
    config.write_text(config.read_text().replace(
        '"use_tz": False', '"use_tz": False, "tenants": "proj.tenants:all_tenants"'))
    out = project.run("migrate", "--tenants").stdout
    assert "3 tenant(s) in" in out and "migrated" in out
    assert all(sqlite_rows(f) == names(project) for f in files)
    # the config with a tenant list still works for the plain commands
    project.run("showmigrations", "--app", "models")


def test_mysql_databases(tmp_path: Path) -> None:
    require("mysql")
    prefix = f"pw_{uuid.uuid4().hex[:8]}"
    dbs = [f"{prefix}_{i:02d}" for i in range(MYSQL_DATABASES)]
    for name in dbs:
        asyncio.run(_mysql_admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        urls = [_with_db(MYSQL_URL, name) for name in dbs]
        first = Database("mysql", urls[0], dbs[0])
        project = fleet_project(tmp_path / "p", first, urls)
        broken = Database("mysql", urls[5], dbs[5])
        broken.query("CREATE TABLE users (x int)")
        proc = project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "4",
                           "--report", "report.json", ok=False)
        report = outcome(project)
        assert report["counts"] == {"migrated": MYSQL_DATABASES - 1, "failed": 1}
        assert report["failed"] == [urls[5]]
        assert urls[5] in proc.stdout.split("failed tenants:")[1]
        broken.query("DROP TABLE users")
        project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "4",
                    "--report", "again.json")
        assert outcome(project, "again.json")["counts"] == {
            "migrated": 1, "up to date": MYSQL_DATABASES - 1}
        rows = Database("mysql", urls[0], dbs[0]).query(" UNION ALL ".join(
            f"SELECT '{d}', name FROM `{d}`.pathway_migrations" for d in dbs))
        assert sorted(rows) == sorted((d, n) for d in dbs for n in names(project))
    finally:
        for name in dbs:
            asyncio.run(_mysql_admin(f"DROP DATABASE IF EXISTS `{name}`"))


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_sigkill_then_again_migrates_each_tenant_once(tmp_path: Path, kind: str) -> None:
    count = 200
    if kind == "postgres":
        db = make_database("postgres", tmp_path)
        tenants = [f"k_{i:03d}" for i in range(count)]
    else:
        require("sqlite")
        db = Database("sqlite", f"sqlite://{tmp_path / 'main.sqlite3'}", "main",
                      tmp_path / "main.sqlite3")
        tenants = [f"sqlite://{tmp_path / f'k{i:03d}.sqlite3'}" for i in range(count)]
    try:
        project = fleet_project(tmp_path / "p", db, tenants)
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", "migrate",
             "--tenants", "tenants.txt", "--concurrency", "4"],
            cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        assert proc.stdout is not None
        finished = []
        for line in proc.stdout:
            finished.append(line)
            if len(finished) == 20:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        done_before = {line.split("] ", 1)[1].split(": ")[0] for line in finished}

        project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "4",
                    "--report", "again.json")
        again = outcome(project, "again.json")
        statuses = {o["tenant"]: o["status"] for o in again["outcomes"]}
        assert all(statuses[t] == "up to date" for t in done_before)
        assert again["counts"]["migrated"] < count
        assert sum(again["counts"].values()) == count and "failed" not in again["counts"]
        if kind == "postgres":
            assert pg_rows(db, tenants) == {s: names(project) for s in tenants}
        else:
            assert all(sqlite_rows(Path(t[len("sqlite://"):])) == names(project)
                       for t in tenants)
    finally:
        drop_database(db)


DATA_MIGRATION = '''from tortoise_pathway import migration, ops


async def forward(connection):
    from proj.models import User

    await User.create(name="orm", email="orm@example.com")
    await connection.execute_query(
        "INSERT INTO users (name, email, created_at) VALUES ('conn', 'conn@example.com', "
        "CURRENT_TIMESTAMP)")


class Migration(migration.Migration):
    dependencies = [("models", {last!r})]
    operations = [ops.RunPython(forward)]
'''


def test_python_code_gets_the_tenant_connection_and_orm(tmp_path: Path) -> None:
    """A RunPython migration in a fleet: the ORM and the connection it gets are the
    tenant's (its schema), for tenants running side by side."""
    db = make_database("postgres", tmp_path)
    try:
        schemas = ["acme", "Globex Corp", "initech"]
        project = fleet_project(tmp_path / "p", db, schemas)
        last = names(project)[-1]
        (project.root / "migrations" / "models" / "29990101000000_data.py").write_text(
            DATA_MIGRATION.format(last=last))
        project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "3")
        for s in schemas:
            assert db.query(f'SELECT name FROM "{s}".users ORDER BY id') == [("orm",),
                                                                            ("conn",)]
        assert db.tables() == set()
    finally:
        drop_database(db)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_check_names_the_tenants_that_drifted(tmp_path: Path, kind: str) -> None:
    """check --tenants: every tenant's database against the migrations applied to it; a
    hand-made index on one tenant and an unread tenant are named, exit 1; clean after."""
    if kind == "sqlite":
        require("sqlite")
        files = [tmp_path / f"t{i}.sqlite3" for i in range(5)]
        db = Database("sqlite", f"sqlite://{tmp_path / 'main.sqlite3'}", "main",
                      tmp_path / "main.sqlite3")
        tenants = [f"sqlite://{f}" for f in files]
    else:
        db = make_database("postgres", tmp_path)
        tenants = [f"tenant_{i}" for i in range(5)]
    try:
        project = fleet_project(tmp_path / "p", db, tenants)
        project.run("migrate", "--tenants", "tenants.txt", "--concurrency", "3")
        assert "5 of 5 tenant(s) hold what their migrations describe" in project.run(
            "check", "--tenants", "tenants.txt").stdout
        drifted = tenants[2]
        if kind == "sqlite":
            with sqlite3.connect(files[2]) as conn:
                conn.execute("CREATE INDEX hotfix_users_age ON users (age)")
        else:
            db.query(f'CREATE INDEX hotfix_users_age ON "{drifted}".users (age)')
        proc = project.run("check", "--tenants", "tenants.txt", "--concurrency", "2", ok=False)
        assert proc.returncode == 1, proc.stdout
        assert "Traceback" not in proc.stderr
        out = proc.stdout
        assert f"{drifted}: 1 difference(s) from the migrations applied there:\n" in out
        assert "hotfix_users_age" in out
        assert "4 of 5 tenant(s) hold what their migrations describe; 1 differ" in out
        assert all(f"{t}:" not in out for t in tenants if t != drifted)
        refused = project.run("check", "--tenants", "tenants.txt", "--sql", ok=False)
        assert refused.returncode != 0
        assert "--tenants cannot be combined with --sql" in refused.stderr
    finally:
        if kind == "postgres":
            drop_database(db)


def test_the_integrator_migrates_and_checks_tenants(tmp_path: Path) -> None:
    """TortoisePathwayIntegrator.migrate_tenants / check_tenants, in a fresh interpreter as
    an application calls them."""
    require("sqlite")
    main = Database("sqlite", f"sqlite://{tmp_path / 'main.sqlite3'}", "main",
                    tmp_path / "main.sqlite3")
    files = [tmp_path / f"i{i}.sqlite3" for i in range(3)]
    project = fleet_project(tmp_path / "p", main, [])
    snippet = f"""
import asyncio
from tortoise_pathway import TortoisePathwayIntegrator
from proj.config import TORTOISE_ORM

async def main():
    integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    tenants = {[f"sqlite://{f}" for f in files]!r}
    outcomes = await integrator.migrate_tenants(tenants, concurrency=2)
    print([(o.status, len(o.ran)) for o in outcomes])
    again = await integrator.migrate_tenants(tenants)
    print([o.status for o in again])
    print([d.clean for d in await integrator.check_tenants(tenants)])

asyncio.run(main())
"""
    proc = subprocess.run([sys.executable, "-c", snippet], cwd=project.root,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "[('migrated', 2), ('migrated', 2), ('migrated', 2)]",
        "['up to date', 'up to date', 'up to date']",
        "[True, True, True]"]
    assert all(sqlite_rows(f) == names(project) for f in files)
