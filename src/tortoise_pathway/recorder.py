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
#: where a migration that runs without a transaction (MySQL, or ``atomic = False``) records
#: how many of its steps are done, so that an interrupted run can be resumed or reverted;
#: ``pending`` holds the fingerprint (live.fingerprint) of the tables the next step touches,
#: taken before it ran: a resumed run compares it with the catalog to know whether that step
#: happened although its record did not
PROGRESS_TABLE = "pathway_progress"


@dataclass(frozen=True)
class Progress:
    app: str
    name: str
    checksum: str
    direction: str  # "forward" or "backward"
    done: int
    total: int
    #: fingerprint of the next step's tables before it ran ("" for none known)
    pending: str | None = None


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

    def create_progress_sql(self) -> str:
        q, d = self.q, self.dialect
        extra = " CHARACTER SET utf8mb4" if d == "mysql" else ""
        # MySQL names every primary key PRIMARY and warns about any other name
        name = "" if d == "mysql" else f"CONSTRAINT {q(PROGRESS_TABLE + '_pkey')} "
        return (f"CREATE TABLE IF NOT EXISTS {q(PROGRESS_TABLE)} ("
                f"{q('app')} VARCHAR(100) NOT NULL, {q('name')} VARCHAR(191) NOT NULL, "
                f"{q('checksum')} VARCHAR(64) NOT NULL, {q('direction')} VARCHAR(8) NOT NULL, "
                f"{q('done')} INT NOT NULL, {q('total')} INT NOT NULL, "
                f"{q('pending')} VARCHAR(64) NULL, "
                f"{name}PRIMARY KEY ({q('app')}, {q('name')})){extra}")

    def q(self, name: str) -> str:
        return _q(name, self.dialect)

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

    def tables_sql(self) -> str:
        """(table, column) rows telling which of our tables exist and whether the progress
        table has its ``pending`` column (added after the first release)."""
        p1, p2 = placeholder(self.dialect, 1), placeholder(self.dialect, 2)
        if self.dialect == "sqlite":
            return ("SELECT m.name AS t, p.name AS c FROM sqlite_master m, "
                    "pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name IN "
                    f"({p1}, {p2}) AND p.name IN ('app', 'pending')")
        schema = "current_schema()" if self.dialect == "postgres" else "DATABASE()"
        return ("SELECT table_name AS t, column_name AS c FROM information_schema.columns "
                f"WHERE table_schema = {schema} AND table_name IN ({p1}, {p2}) "
                "AND column_name IN ('app', 'pending')")

    async def ensure_table(self) -> None:
        """Creates the history and progress tables unless they exist, and the progress
        table's ``pending`` column where an older version made it (one query when all is
        there)."""
        found = await self._tables()
        for table, create in ((TABLE, self.create_sql), (PROGRESS_TABLE,
                                                           self.create_progress_sql)):
            if table in found:
                continue
            try:
                await self.connection.execute_script(create())
            except Exception:
                # another process may have created it at the same moment
                if table not in await self._tables():
                    raise
        if PROGRESS_TABLE in found and "pending" not in found[PROGRESS_TABLE]:
            q = self.q
            try:
                await self.connection.execute_script(
                    f"ALTER TABLE {q(PROGRESS_TABLE)} ADD COLUMN {q('pending')} VARCHAR(64) "
                    "NULL")
            except Exception:
                if "pending" not in (await self._tables()).get(PROGRESS_TABLE, set()):
                    raise

    async def _tables(self) -> dict[str, set[str]]:
        rows = await self.connection.execute_query_dict(self.tables_sql(),
                                                        [TABLE, PROGRESS_TABLE])
        found: dict[str, set[str]] = {}
        for r in rows:
            t = r.get("t") or r.get("T") or r.get("TABLE_NAME")
            c = r.get("c") or r.get("C") or r.get("COLUMN_NAME")
            found.setdefault(str(t), set()).add(str(c))
        return found

    async def exists(self, table: str = TABLE) -> bool:
        return table in await self._tables()

    async def progress(self) -> list[Progress]:
        q = self.q
        cols = ", ".join(q(c) for c in ("app", "name", "checksum", "direction", "done", "total",
                                        "pending"))
        rows = await self.connection.execute_query_dict(
            f"SELECT {cols} FROM {q(PROGRESS_TABLE)}")
        return [Progress(r["app"], r["name"], r["checksum"], r["direction"], int(r["done"]),
                         int(r["total"]), r["pending"]) for r in rows]

    async def start_progress(self, connection: Any, app: str, name: str, checksum: str,
                             direction: str, total: int, pending: str | None = None) -> None:
        q, p = self.q, self.dialect
        await self.clear_progress(connection, app, name)
        marks = ", ".join(placeholder(p, i) for i in range(1, 8))
        await connection.execute_query(
            f"INSERT INTO {q(PROGRESS_TABLE)} ({q('app')}, {q('name')}, {q('checksum')}, "
            f"{q('direction')}, {q('done')}, {q('total')}, {q('pending')}) VALUES ({marks})",
            [app, name, checksum, direction, 0, total, pending])

    async def record_progress(self, connection: Any, app: str, name: str, done: int,
                              pending: str | None = None) -> None:
        q, p = self.q, self.dialect
        await connection.execute_query(
            f"UPDATE {q(PROGRESS_TABLE)} SET {q('done')} = {placeholder(p, 1)}, "
            f"{q('pending')} = {placeholder(p, 2)} WHERE {q('app')} = {placeholder(p, 3)} "
            f"AND {q('name')} = {placeholder(p, 4)}", [done, pending, app, name])

    async def clear_progress(self, connection: Any, app: str, name: str) -> None:
        q, p = self.q, self.dialect
        await connection.execute_query(
            f"DELETE FROM {q(PROGRESS_TABLE)} WHERE {q('app')} = {placeholder(p, 1)} "
            f"AND {q('name')} = {placeholder(p, 2)}", [app, name])

    async def applied(self) -> list[AppliedMigration]:
        c = self.cols
        sql = (f"SELECT {c['app']}, {c['name']}, {c['checksum']}, {c['applied_at']} "
               f"FROM {self.table} ORDER BY {c['id']}")
        rows = await self.connection.execute_query_dict(sql)
        return [AppliedMigration(r["app"], r["name"], r["checksum"], r["applied_at"])
                for r in rows]

    def insert_sql(self, app: str, name: str, checksum: str) -> str:
        """The INSERT of a history row, its values written as given (parameter markers, or
        SQL literals for a script: ``literal_row``)."""
        c = self.cols
        return (f"INSERT INTO {self.table} ({c['app']}, {c['name']}, {c['checksum']}) "
                f"VALUES ({app}, {name}, {checksum})")

    def literal_row(self, app: str, name: str, checksum: str) -> str:
        """The INSERT of a history row with its values as literals of the dialect (for a
        script people run by hand)."""
        return self.insert_sql(*(_engine.string_literal(v, self.dialect)
                                 for v in (app, name, checksum)))

    async def record_applied(self, connection: Any, app: str, name: str, checksum: str) -> None:
        p = self.dialect
        sql = self.insert_sql(placeholder(p, 1), placeholder(p, 2), placeholder(p, 3))
        await connection.execute_query(sql, [app, name, checksum])

    async def record_applied_many(self, connection: Any,
                                  rows: list[tuple[str, str, str]]) -> None:
        """Records (app, name, checksum) rows with one INSERT per 300 rows."""
        p, c = self.dialect, self.cols
        for start in range(0, len(rows), 300):
            chunk = rows[start:start + 300]
            marks = ", ".join(
                f"({placeholder(p, 3 * i + 1)}, {placeholder(p, 3 * i + 2)}, "
                f"{placeholder(p, 3 * i + 3)})" for i in range(len(chunk)))
            sql = (f"INSERT INTO {self.table} ({c['app']}, {c['name']}, {c['checksum']}) "
                   f"VALUES {marks}")
            await connection.execute_query(sql, [v for row in chunk for v in row])

    async def record_reverted(self, connection: Any, app: str, name: str) -> None:
        c, p = self.cols, self.dialect
        sql = (f"DELETE FROM {self.table} WHERE {c['app']} = {placeholder(p, 1)} "
               f"AND {c['name']} = {placeholder(p, 2)}")
        await connection.execute_query(sql, [app, name])
