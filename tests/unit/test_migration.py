"""The Migration base class (apply, revert, reversibility) and the history table's SQL,
run against SQLite through a small stand-in for Tortoise's client."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tortoise_pathway import ops
from tortoise_pathway.exceptions import IrreversibleError
from tortoise_pathway.migration import Migration
from tortoise_pathway.recorder import TABLE, Recorder, placeholder
from tortoise_pathway.statements import StatementFailed


class Client:
    """The part of Tortoise's client API the migration and the recorder use, on sqlite3."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.log: list[tuple[str, Any]] = []

    async def execute_script(self, sql: str) -> None:
        self.log.append(("script", sql))
        self.conn.executescript(sql)

    async def execute_query(self, sql: str, values: list[Any] | None = None
                            ) -> tuple[int, list[Any]]:
        self.log.append(("query", sql))
        cur = self.conn.execute(sql, values or [])
        rows = cur.fetchall()
        return cur.rowcount, rows

    async def execute_query_dict(self, sql: str, values: list[Any] | None = None
                                 ) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, values or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture
def client(tmp_path: Path) -> Client:
    return Client(tmp_path / "db.sqlite3")


# ---- Migration ----------------------------------------------------------------------


def test_reversibility_rules() -> None:
    class Plain(Migration):
        operations = [ops.DeleteModel("x"), ops.RunSQL("A", backward="B")]

    class OneWay(Migration):
        operations = [ops.DeleteModel("x"), ops.RunSQL("A")]

    class OneWayPython(Migration):
        operations = [ops.RunPython(print)]

    class CustomApply(Migration):
        async def apply(self) -> None:
            pass

    class CustomBoth(Migration):
        operations = [ops.RunSQL("A")]

        async def apply(self) -> None:
            pass

        async def revert(self) -> None:
            pass

    assert Plain().reversible is True
    assert OneWay().reversible is False
    assert OneWayPython().reversible is False
    assert CustomApply().reversible is False
    assert CustomBoth().reversible is True
    assert CustomApply.overrides_apply() and not CustomApply.overrides_revert()
    assert not Plain.overrides_apply()


def test_key_and_label() -> None:
    m = Migration(app="models", name="0001_initial")
    assert m.key == ("models", "0001_initial")
    assert m.label == "models.0001_initial"
    assert Migration().ops_data() == []


def test_apply_and_revert_run_code_and_sql_in_order(client: Client) -> None:
    calls: list[str] = []

    def forward(conn: Any) -> None:
        calls.append(f"forward sync {conn is client}")

    async def backward(conn: Any) -> None:
        calls.append(f"backward async {conn is client}")

    class M(Migration):
        operations = [ops.RunSQL("CREATE TABLE t (v TEXT)", backward="DROP TABLE t"),
                      ops.RunPython(forward, backward),
                      ops.RunSQL("INSERT INTO t VALUES ('a')", backward="DELETE FROM t")]

    m = M(app="models", name="0001")
    m.connection = client
    m.forward_sql = [["CREATE TABLE t (v TEXT)"], [], ["INSERT INTO t VALUES ('a')"]]
    m.backward_sql = [["DROP TABLE t"], [], ["DELETE FROM t"]]
    asyncio.run(m.apply())
    assert client.conn.execute("SELECT v FROM t").fetchall() == [("a",)]
    assert calls == ["forward sync True"]
    client.log.clear()
    asyncio.run(m.revert())
    assert [sql for _, sql in client.log] == ["DELETE FROM t", "DROP TABLE t"]
    assert calls == ["forward sync True", "backward async True"]


def test_revert_of_run_python_without_backward(client: Client) -> None:
    class M(Migration):
        operations = [ops.RunPython(print)]

    m = M(app="models", name="0002_data")
    m.connection = client
    m.backward_sql = [[]]
    with pytest.raises(IrreversibleError) as e:
        asyncio.run(m.revert())
    assert str(e.value) == "models.0002_data: Run Python print has no backward code"
    assert e.value.path == "models.0002_data"


def test_a_failing_statement_is_named(client: Client) -> None:
    m = Migration(app="models", name="0001")
    m.connection = client
    with pytest.raises(StatementFailed) as e:
        asyncio.run(m.execute("SELECT * FROM missing_table"))
    assert e.value.sql == "SELECT * FROM missing_table"
    assert isinstance(e.value.error, sqlite3.OperationalError)
    assert str(e.value) == "no such table: missing_table"


# ---- recorder -----------------------------------------------------------------------


def test_placeholders() -> None:
    assert [placeholder(d, 2) for d in ("sqlite", "postgres", "mysql")] == ["?", "$2", "%s"]


def test_history_table_sql_per_dialect() -> None:
    assert Recorder(None, "postgres").create_sql() == (
        'CREATE TABLE IF NOT EXISTS "pathway_migrations" ("id" SERIAL NOT NULL PRIMARY KEY, '
        '"app" VARCHAR(100) NOT NULL, "name" VARCHAR(191) NOT NULL, '
        '"checksum" VARCHAR(64) NOT NULL, '
        '"applied_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP, '
        'CONSTRAINT "pathway_migrations_app_name_key" UNIQUE ("app", "name"))')
    assert Recorder(None, "mysql").create_sql() == (
        "CREATE TABLE IF NOT EXISTS `pathway_migrations` (`id` INT NOT NULL PRIMARY KEY "
        "AUTO_INCREMENT, `app` VARCHAR(100) NOT NULL, `name` VARCHAR(191) NOT NULL, "
        "`checksum` VARCHAR(64) NOT NULL, "
        "`applied_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), "
        "CONSTRAINT `pathway_migrations_app_name_key` UNIQUE (`app`, `name`)) "
        "CHARACTER SET utf8mb4")
    assert TABLE not in ("tortoise_migrations", "aerich")


def test_recorder_on_sqlite(client: Client) -> None:
    rec = Recorder(client, "sqlite")

    async def scenario() -> list[Any]:
        assert await rec.exists() is False
        await rec.ensure_table()
        await rec.ensure_table()  # a second time is a no-op
        assert await rec.exists() is True
        await rec.record_applied(client, "models", "0001_initial", "a" * 64)
        await rec.record_applied(client, "shop", "0001_initial", "b" * 64)
        await rec.record_applied(client, "models", "0002_more", "c" * 64)
        await rec.record_reverted(client, "models", "0002_more")
        return await rec.applied()

    rows = asyncio.run(scenario())
    assert [(r.app, r.name, r.checksum) for r in rows] == [
        ("models", "0001_initial", "a" * 64), ("shop", "0001_initial", "b" * 64)]
    assert all(r.applied_at for r in rows)
    # one row per (app, name)
    with pytest.raises(sqlite3.IntegrityError):
        asyncio.run(rec.record_applied(client, "models", "0001_initial", "d" * 64))
    # each table created once: the second ensure_table() only looks
    assert [s for kind, s in client.log if kind == "script"] == [rec.create_sql(),
                                                                 rec.create_progress_sql()]
