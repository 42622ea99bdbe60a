"""Shared fixtures: real databases, one fresh database per test.

PostgreSQL and MariaDB are reached through PATHWAY_TEST_POSTGRES and PATHWAY_TEST_MYSQL
(defaults: this machine's services). When one cannot be reached its tests are skipped, except
with CI=true, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

POSTGRES_URL = os.environ.get("PATHWAY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("PATHWAY_TEST_MYSQL", "mysql://root:@127.0.0.1:3306/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
DIALECTS = ["sqlite", "postgres", "mysql"]


def _with_db(url: str, name: str) -> str:
    u = urlparse(url)
    return u._replace(path=f"/{name}").geturl()


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1),
                                 timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _mysql_admin(sql: str) -> None:
    import asyncmy

    u = urlparse(MYSQL_URL)
    conn = await asyncmy.connect(host=u.hostname, port=u.port or 3306, user=u.username or "root",
                                 password=u.password or "", connect_timeout=5)
    try:
        async with conn.cursor() as cur:
            await cur.execute(sql)
    finally:
        conn.close()


_available: dict[str, str | None] = {}


def _check(dialect: str) -> str | None:
    """None when the server answers, else the reason."""
    if dialect not in _available:
        try:
            if dialect == "postgres":
                asyncio.run(_pg_admin("SELECT 1"))
            elif dialect == "mysql":
                asyncio.run(_mysql_admin("SELECT 1"))
            _available[dialect] = None
        except Exception as e:  # pragma: no cover - depends on the machine
            _available[dialect] = f"{type(e).__name__}: {e}"
    return _available[dialect]


def require(dialect: str) -> None:
    reason = _check(dialect)
    if reason is not None:
        msg = f"{dialect} is not reachable: {reason}"
        if IN_CI:
            pytest.fail(msg + " (CI=true: a missing database is a failure)")
        pytest.skip(msg)


@dataclass
class Database:
    dialect: str
    url: str  # Tortoise db_url
    name: str
    path: Path | None = None  # SQLite file

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Runs one statement outside Tortoise and returns its rows."""
        if self.dialect == "sqlite":
            assert self.path is not None
            with sqlite3.connect(self.path) as conn:
                conn.execute("PRAGMA foreign_keys=ON")  # as Tortoise's connections have it
                return [tuple(r) for r in conn.execute(sql).fetchall()]
        return asyncio.run(self._aquery(sql))

    async def _aquery(self, sql: str) -> list[tuple[Any, ...]]:
        if self.dialect == "postgres":
            import asyncpg

            conn = await asyncpg.connect(self.url.replace("postgres://", "postgresql://", 1))
            try:
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()
        import asyncmy

        u = urlparse(self.url)
        conn = await asyncmy.connect(host=u.hostname, port=u.port or 3306,
                                     user=u.username or "root", password=u.password or "",
                                     database=self.name)
        try:
            async with conn.cursor() as cur:
                await cur.execute(sql)
                rows = await cur.fetchall()
            await conn.commit()
            return [tuple(r) for r in rows or []]
        finally:
            conn.close()

    def tables(self) -> set[str]:
        if self.dialect == "sqlite":
            rows = self.query("SELECT name FROM sqlite_master WHERE type='table' "
                              "AND name NOT LIKE 'sqlite_%'")
        elif self.dialect == "postgres":
            rows = self.query("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        else:
            rows = self.query(f"SELECT table_name FROM information_schema.tables "
                              f"WHERE table_schema='{self.name}'")
        return {r[0] for r in rows}

    def columns(self, table: str) -> list[str]:
        if self.dialect == "sqlite":
            return [r[1] for r in self.query(f"PRAGMA table_info(\"{table}\")")]
        if self.dialect == "postgres":
            rows = self.query("SELECT column_name FROM information_schema.columns WHERE "
                              f"table_schema='public' AND table_name='{table}' "
                              "ORDER BY ordinal_position")
        else:
            rows = self.query("SELECT column_name FROM information_schema.columns WHERE "
                              f"table_schema='{self.name}' AND table_name='{table}' "
                              "ORDER BY ordinal_position")
        return [r[0] for r in rows]


def make_database(dialect: str, tmp_path: Path) -> Database:
    require(dialect)
    name = f"pw_{uuid.uuid4().hex[:12]}"
    if dialect == "sqlite":
        path = tmp_path / f"{name}.sqlite3"
        return Database("sqlite", f"sqlite://{path}", name, path)
    if dialect == "postgres":
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        return Database("postgres", _with_db(POSTGRES_URL, name), name)
    asyncio.run(_mysql_admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    return Database("mysql", _with_db(MYSQL_URL, name), name)


def drop_database(db: Database) -> None:
    if db.dialect == "postgres":
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)'))
    elif db.dialect == "mysql":
        asyncio.run(_mysql_admin(f"DROP DATABASE IF EXISTS `{db.name}`"))


@pytest.fixture(params=DIALECTS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    database = make_database(request.param, tmp_path)
    yield database
    drop_database(database)


class Project:
    """A throwaway user project: config module, an app's models, migrations; commands run
    through the real CLI in a subprocess."""

    def __init__(self, root: Path, db: Database, apps: tuple[str, ...] = ("models",)) -> None:
        self.root = root
        self.db = db
        self.apps = apps
        root.mkdir(parents=True, exist_ok=True)
        (root / "proj").mkdir(exist_ok=True)
        (root / "proj" / "__init__.py").write_text("")
        app_conf = ", ".join(
            f'"{a}": {{"models": ["proj.{a}"], "default_connection": "default"}}' for a in apps)
        (root / "proj" / "config.py").write_text(
            f'TORTOISE_ORM = {{"connections": {{"default": {db.url!r}}}, '
            f'"apps": {{{app_conf}}}, "use_tz": False}}\n')

    def models(self, source: str, app: str = "models") -> None:
        (self.root / "proj" / f"{app}.py").write_text(
            "from tortoise import fields, models\n\n" + textwrap.dedent(source))

    def run(self, *args: str, ok: bool | None = True) -> subprocess.CompletedProcess[str]:
        """Runs the CLI; ``ok``: it must succeed (True), fail (False), or either (None)."""
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.run(
            [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", *args],
            cwd=self.root, env=env, capture_output=True, text=True, timeout=120)
        if ok and proc.returncode != 0:
            raise AssertionError(f"command {args} failed ({proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        if ok is False and proc.returncode == 0:
            raise AssertionError(f"command {args} succeeded but should fail:\n{proc.stdout}")
        return proc

    def migration_files(self, app: str = "models") -> list[Path]:
        d = self.root / "migrations" / app
        return sorted(d.glob("*.py")) if d.is_dir() else []


@pytest.fixture
def project(db: Database, tmp_path: Path) -> Project:
    return Project(tmp_path / "project", db)
