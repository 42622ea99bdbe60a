"""The history table: one row per applied migration, in every database that has any.

Table ``pathway_migrations`` (Tortoise's own system uses ``tortoise_migrations``, Aerich uses
``aerich``): id, app, name, checksum of the file, applied_at. A row exists if and only if that
migration is applied; the executor writes it in the migration's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _engine

TABLE = "pathway_migrations"


@dataclass(frozen=True)
class AppliedMigration:
    app: str
    name: str
    checksum: str
    applied_at: Any


def _q(name: str, dialect: str) -> str:
    return _engine.quote_ident(name, dialect)


def placeholder(dialect: str, position: int) -> str:
    """The driver's parameter marker for 1-based position."""
    if dialect == "postgres":
        return f"${position}"
    if dialect == "mysql":
        return "%s"
    return "?"


class Recorder:
    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect
        d = dialect
        self.table = _q(TABLE, d)
        self.cols = {c: _q(c, d) for c in ("id", "app", "name", "checksum", "applied_at")}

    def create_sql(self) -> str:
        c, d = self.cols, self.dialect
        if d == "postgres":
            idcol = f"{c['id']} SERIAL NOT NULL PRIMARY KEY"
            ts = "TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP"
        elif d == "mysql":
            idcol = f"{c['id']} INT NOT NULL PRIMARY KEY AUTO_INCREMENT"
            ts = "DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)"
        else:
            idcol = f"{c['id']} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
            ts = "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"
        unique = _q(f"{TABLE}_app_name_key", d)
        extra = " CHARACTER SET utf8mb4" if d == "mysql" else ""
        return (f"CREATE TABLE IF NOT EXISTS {self.table} ({idcol}, "
                f"{c['app']} VARCHAR(100) NOT NULL, {c['name']} VARCHAR(191) NOT NULL, "
                f"{c['checksum']} VARCHAR(64) NOT NULL, {c['applied_at']} {ts}, "
                f"CONSTRAINT {unique} UNIQUE ({c['app']}, {c['name']})){extra}")

    def exists_sql(self) -> str:
        p = placeholder(self.dialect, 1)
        if self.dialect == "sqlite":
            return f"SELECT name FROM sqlite_master WHERE type = 'table' AND name = {p}"
        if self.dialect == "postgres":
            return ("SELECT table_name FROM information_schema.tables "
                    f"WHERE table_schema = current_schema() AND table_name = {p}")
        return ("SELECT table_name FROM information_schema.tables "
                f"WHERE table_schema = DATABASE() AND table_name = {p}")

    async def ensure_table(self) -> None:
        """Creates the history table unless it exists (one query when it does)."""
        if await self.exists():
            return
        try:
            await self.connection.execute_script(self.create_sql())
        except Exception:
            # another process may have created it at the same moment
            if not await self.exists():
                raise

    async def exists(self) -> bool:
        _, rows = await self.connection.execute_query(self.exists_sql(), [TABLE])
        return bool(rows)

    async def applied(self) -> list[AppliedMigration]:
        c = self.cols
        sql = (f"SELECT {c['app']}, {c['name']}, {c['checksum']}, {c['applied_at']} "
               f"FROM {self.table} ORDER BY {c['id']}")
        rows = await self.connection.execute_query_dict(sql)
        return [AppliedMigration(r["app"], r["name"], r["checksum"], r["applied_at"])
                for r in rows]

    async def record_applied(self, connection: Any, app: str, name: str, checksum: str) -> None:
        c, p = self.cols, self.dialect
        sql = (f"INSERT INTO {self.table} ({c['app']}, {c['name']}, {c['checksum']}) "
               f"VALUES ({placeholder(p, 1)}, {placeholder(p, 2)}, {placeholder(p, 3)})")
        await connection.execute_query(sql, [app, name, checksum])

    async def record_reverted(self, connection: Any, app: str, name: str) -> None:
        c, p = self.cols, self.dialect
        sql = (f"DELETE FROM {self.table} WHERE {c['app']} = {placeholder(p, 1)} "
               f"AND {c['name']} = {placeholder(p, 2)}")
        await connection.execute_query(sql, [app, name])
