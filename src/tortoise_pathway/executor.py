"""Applying and reverting migrations on one connection.

Each migration runs with its history row in one transaction where the database can roll DDL
back (SQLite, PostgreSQL). On SQLite foreign keys are switched off around the transaction (a
table rebuild must not cascade) and ``PRAGMA foreign_key_check`` runs before the commit. MySQL
commits every DDL statement at once; there a failure is reported with what ran.
"""

from __future__ import annotations

import time
from typing import Any

from .exceptions import MigrationFailed
from .migration import Migration, StatementFailed
from .recorder import Recorder


def _first_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class Executor:
    def __init__(self, client: Any, dialect: str, recorder: Recorder) -> None:
        self.client = client
        self.dialect = dialect
        self.recorder = recorder

    @property
    def transactional(self) -> bool:
        return self.dialect in ("sqlite", "postgres")

    async def run(self, migration: Migration, backward: bool) -> float:
        """Applies (or reverts) one migration and records it; returns the seconds it took."""
        start = time.perf_counter()
        try:
            if migration.atomic and self.transactional:
                await self._run_atomic(migration, backward)
            else:
                await self._run_plain(migration, backward)
        except StatementFailed as e:
            raise self._failure(migration, backward, e.sql, e.error) from e.error
        except MigrationFailed:
            raise
        except Exception as e:
            if getattr(e, "exit_code", None) is not None:  # a PathwayError from user code
                raise
            raise self._failure(migration, backward, None, e) from e
        finally:
            migration.connection = None
        return time.perf_counter() - start

    async def _body(self, migration: Migration, connection: Any, backward: bool) -> None:
        migration.connection = connection
        if backward:
            await migration.revert()
            await self.recorder.record_reverted(connection, migration.app, migration.name)
        else:
            await migration.apply()
            await self.recorder.record_applied(connection, migration.app, migration.name,
                                               migration.checksum)

    async def _run_atomic(self, migration: Migration, backward: bool) -> None:
        sqlite = self.dialect == "sqlite"
        if sqlite:
            await self.client.execute_script("PRAGMA foreign_keys=OFF")
        try:
            async with self.client._in_transaction() as conn:
                await self._body(migration, conn, backward)
                if sqlite:
                    rows = await conn.execute_query_dict("PRAGMA foreign_key_check")
                    if rows:
                        r = rows[0]
                        raise MigrationFailed(
                            f"{migration.label}: leaves {len(rows)} row(s) whose foreign key "
                            f"points nowhere (first: table {r.get('table')}, rowid "
                            f"{r.get('rowid')} -> {r.get('parent')}); nothing was changed",
                            path=migration.label)
        finally:
            if sqlite:
                await self.client.execute_script("PRAGMA foreign_keys=ON")

    async def _run_plain(self, migration: Migration, backward: bool) -> None:
        await self._body(migration, self.client, backward)

    def _failure(self, migration: Migration, backward: bool, sql: str | None,
                 error: BaseException) -> MigrationFailed:
        verb = "reverting" if backward else "applying"
        what = f" at: {_first_line(sql)}" if sql else ""
        if migration.atomic and self.transactional:
            state = "the transaction was rolled back; nothing was changed"
        else:
            state = ("statements before it stay applied (this database cannot roll back "
                     "DDL); fix the cause, then check the schema before running again")
        return MigrationFailed(
            f"{migration.label}: {verb} failed{what}: {_first_line(str(error))} ({state})",
            path=migration.label)
