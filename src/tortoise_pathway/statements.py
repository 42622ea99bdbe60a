"""Runs SQL statements on a Tortoise connection in as few driver round trips as the driver
allows, and names the statement that failed (StatementFailed).

On SQLite every statement through Tortoise is a hop to aiosqlite's worker thread and back
(and a wake-up of the event loop): an empty database's schema of a few thousand statements
spent more time in those hops than in SQLite. ``run_all`` sends a run of statements to the
worker thread in one hop, which runs them in order on the same connection (so inside the
caller's transaction) and stops at the first failure, exactly as one statement after another
would. Other drivers run one statement after another; so does SQLite when the driver is not
the aiosqlite this was written against.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Any


class StatementFailed(Exception):
    """A statement of a migration failed; carries the SQL and the database's error."""

    def __init__(self, sql: str, error: BaseException) -> None:
        super().__init__(f"{error}")
        self.sql = sql
        self.error = error


async def execute(connection: Any, sql: str, values: list[Any] | None = None) -> None:
    """Runs one statement on the connection; a failure raises StatementFailed."""
    try:
        await connection.execute_query(sql, values)
    except Exception as e:
        raise StatementFailed(sql, e) from e


async def run_all(connection: Any, statements: Sequence[str]) -> None:
    """Runs the statements in order on the connection (a client, or a transaction of one),
    stopping at the first that fails: StatementFailed names it, and the ones before it ran."""
    if len(statements) < 2 or not _is_sqlite(connection):
        for sql in statements:
            await execute(connection, sql)
        return
    async with connection.acquire_connection() as driver:
        run = getattr(driver, "_execute", None)
        raw = getattr(driver, "_conn", None)
        if run is None or not isinstance(raw, sqlite3.Connection):
            failed = None
            for sql in statements:  # not the aiosqlite we know: one by one
                try:
                    await driver.execute_fetchall(_sqlite_text(sql), [])
                except Exception as e:
                    failed = (sql, e)
                    break
        else:
            log = getattr(connection, "log", None)
            if isinstance(log, logging.Logger) and log.isEnabledFor(logging.DEBUG):
                for sql in statements:  # what Tortoise's execute_query logs
                    log.debug("%s: %s", sql, None)
            found = await run(_run_each, raw, [_sqlite_text(s) for s in statements])
            failed = None if found is None else (statements[found[0]], found[1])
    if failed is not None:
        sql, error = failed
        translated = _tortoise_error(error)
        raise StatementFailed(sql, translated) from translated


def _is_sqlite(connection: Any) -> bool:
    return type(connection).__module__.startswith("tortoise.backends.sqlite")


def _sqlite_text(sql: str) -> str:
    # as Tortoise's SQLite client sends a statement (its execute_query)
    return sql.replace("\x00", "'||CHAR(0)||'")


def _run_each(conn: sqlite3.Connection, statements: list[str]
              ) -> tuple[int, BaseException] | None:
    """In aiosqlite's worker thread: each statement in turn; the index and error of the first
    that fails (the rest are not run)."""
    for i, sql in enumerate(statements):
        try:
            conn.execute(sql).fetchall()
        except Exception as e:
            return i, e
    return None


def _tortoise_error(error: BaseException) -> BaseException:
    """The exception Tortoise's SQLite client would have raised for the driver's error."""
    from tortoise.exceptions import IntegrityError, OperationalError

    if isinstance(error, sqlite3.IntegrityError):
        return IntegrityError(error)
    if isinstance(error, sqlite3.OperationalError):
        return OperationalError(error)
    return error
