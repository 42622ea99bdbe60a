"""statements.py: a run of statements in one hop to aiosqlite's worker thread on SQLite (one
after another elsewhere), in order, on the caller's connection and transaction, stopping at
the first failure, which names the statement and carries Tortoise's exception."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tortoise.backends.sqlite.client import SqliteClient
from tortoise.context import TortoiseContext
from tortoise.exceptions import IntegrityError, OperationalError

from tortoise_pathway import statements
from tortoise_pathway.statements import StatementFailed


def run(tmp: Path, body: Any) -> None:
    async def main() -> None:
        async with TortoiseContext():  # where Tortoise's transactions register
            client = SqliteClient(file_path=str(tmp / "db.sqlite3"), connection_name="t")
            await client.create_connection(with_db=True)
            try:
                await body(client)
            finally:
                await client.close()

    asyncio.run(main())


def tables(tmp: Path) -> list[str]:
    with sqlite3.connect(tmp / "db.sqlite3") as conn:
        return [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def test_a_run_goes_to_the_worker_thread_in_one_hop(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    sql = [f'CREATE TABLE "t{i}" ("id" INTEGER PRIMARY KEY)' for i in range(50)]

    async def body(client: SqliteClient) -> None:
        driver = client._connection
        calls = []
        original = driver._execute  # type: ignore[union-attr]

        async def counted(fn: Any, *args: Any) -> Any:
            calls.append(fn)
            return await original(fn, *args)

        monkeypatch.setattr(driver, "_execute", counted)
        async with client._in_transaction() as conn:
            before = len(calls)  # the transaction's own BEGIN
            await statements.run_all(conn, sql)
            assert len(calls) - before == 1

    run(tmp_path, body)
    assert tables(tmp_path) == sorted(f"t{i}" for i in range(50))


def test_the_first_failure_is_named_and_nothing_after_it_runs(tmp_path: Path) -> None:
    sql = ['CREATE TABLE "a" ("id" INTEGER PRIMARY KEY)',
           'CREATE TABLE "b" ("id" INTEGER PRIMARY KEY)',
           'CREATE TABLE "a" ("id" INTEGER PRIMARY KEY)',
           'CREATE TABLE "c" ("id" INTEGER PRIMARY KEY)']

    async def body(client: SqliteClient) -> None:
        with pytest.raises(StatementFailed) as e:
            await statements.run_all(client, sql)  # no transaction: each commits
        assert e.value.sql == sql[2]
        assert isinstance(e.value.error, OperationalError)
        assert "already exists" in str(e.value)

    run(tmp_path, body)
    assert tables(tmp_path) == ["a", "b"]


def test_inside_a_transaction_a_failure_rolls_all_back(tmp_path: Path) -> None:
    sql = ['CREATE TABLE "a" ("id" INTEGER PRIMARY KEY, "u" INT UNIQUE)',
           'INSERT INTO "a" ("u") VALUES (1)',
           'INSERT INTO "a" ("u") VALUES (1)']

    async def body(client: SqliteClient) -> None:
        with pytest.raises(StatementFailed) as e:
            async with client._in_transaction() as conn:
                await statements.run_all(conn, sql)
        assert e.value.sql == sql[2]
        assert isinstance(e.value.error, IntegrityError)

    run(tmp_path, body)
    assert tables(tmp_path) == []


def test_other_connections_run_one_statement_after_another() -> None:
    class Client:
        def __init__(self) -> None:
            self.seen: list[str] = []

        async def execute_query(self, sql: str, values: Any = None) -> None:
            if sql == "bad":
                raise RuntimeError("refused")
            self.seen.append(sql)

    client = Client()
    with pytest.raises(StatementFailed) as e:
        asyncio.run(statements.run_all(client, ["one", "two", "bad", "three"]))
    assert client.seen == ["one", "two"] and e.value.sql == "bad"
