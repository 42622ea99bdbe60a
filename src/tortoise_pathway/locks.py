"""Running DDL without queueing a live database behind it: lock timeouts, bounded retries and
the sessions to blame when it gives up; MySQL's algorithm fallback; the INVALID index a failed
``CREATE INDEX CONCURRENTLY`` leaves behind.

Which SQL is lock-aware is the engine's choice (``_engine.render(..., safe=...)``, see
core/sql_postgres.c and core/sql_mysql.c); this module only runs statements:

- every DDL statement waits at most ``Settings.lock_timeout`` seconds for its table's lock
  (PostgreSQL ``lock_timeout``, MySQL ``lock_wait_timeout``), so that the queries queued behind
  it wait no longer; a statement (in a transaction: the migration) that timed out is tried
  again, ``Settings.lock_retries`` tries in all, then the run stops with one line naming the
  table and the sessions that held it ("waited 3 x 2 s for a lock on orders held by pid
  4242");
- a MySQL statement whose ``ALGORITHM=`` the server refuses runs again with the next one that
  keeps writes going (``INSTANT``, then ``INPLACE, LOCK=NONE``), else without one, and says so
  (Executor._execute);
- before ``CREATE INDEX CONCURRENTLY`` builds an index, an INVALID index of that name on that
  table (what a failed or killed build leaves) is dropped.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from . import _engine
from .live import TOUCHED_SEP
from .statements import StatementFailed

#: PostgreSQL's SQLSTATE for "canceling statement due to lock timeout"
PG_LOCK_NOT_AVAILABLE = "55P03"
#: MySQL / MariaDB: ER_LOCK_WAIT_TIMEOUT (a metadata lock wait past lock_wait_timeout too)
MYSQL_LOCK_WAIT_TIMEOUT = 1205
#: MySQL / MariaDB refusing an ALGORITHM / LOCK clause: ER_ALTER_OPERATION_NOT_SUPPORTED,
#: ..._REASON, ER_UNKNOWN_ALTER_ALGORITHM, ER_UNKNOWN_ALTER_LOCK
MYSQL_ALGORITHM_REFUSED = (1845, 1846, 1800, 1801)

_PG_CONCURRENT_INDEX = re.compile(
    r'^CREATE (?:UNIQUE )?INDEX CONCURRENTLY ("(?:[^"]|"")+") ON '
    r'((?:"(?:[^"]|"")+"\.)?"(?:[^"]|"")+")')


def _chain(e: BaseException | None) -> Iterable[BaseException]:
    """e, the exceptions it was raised from, and those it carries as arguments (Tortoise
    wraps the driver's error)."""
    seen: set[int] = set()
    todo = [e]
    while todo:
        x = todo.pop()
        if x is None or id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        todo += [x.__cause__, x.__context__, *(a for a in getattr(x, "args", ())
                                                if isinstance(a, BaseException))]
        todo.append(getattr(x, "error", None))  # StatementFailed


def _mysql_code(e: BaseException) -> int | None:
    args = getattr(e, "args", ())
    if args and isinstance(args[0], int):
        return args[0]
    m = re.match(r"^\(?(\d{4}),", str(e))
    return int(m.group(1)) if m else None


def is_lock_timeout(dialect: str, error: BaseException) -> bool:
    """Whether error is a statement giving up waiting for a lock (its lock timeout)."""
    for x in _chain(error):
        if dialect == "postgres" and (getattr(x, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE or
                                      "canceling statement due to lock timeout" in str(x)):
            return True
        if dialect == "mysql" and _mysql_code(x) == MYSQL_LOCK_WAIT_TIMEOUT:
            return True
    return False


def is_algorithm_refused(error: BaseException) -> bool:
    """Whether a MySQL error says the server cannot run the statement's ALGORITHM / LOCK."""
    return any(_mysql_code(x) in MYSQL_ALGORITHM_REFUSED for x in _chain(error))


def error_text(e: BaseException) -> str:
    """A driver error as one short line: "1846: LOCK=NONE is not supported..."."""
    for x in _chain(e):
        args: tuple[Any, ...] = tuple(getattr(x, "args", ()))
        if len(args) == 2 and isinstance(args[0], int):
            return " ".join(f"{args[0]}: {args[1]}".split())[:200]
    return " ".join(str(e).split())[:200]


def seconds(value: float) -> str:
    return f"{value:g} s"


class LockGaveUp(Exception):
    """A statement waited in vain for a lock ``tries`` times; carries what the message says."""

    def __init__(self, tries: int, timeout: float, tables: list[str], holders: list[str],
                 sql: str) -> None:
        self.tries, self.timeout, self.tables, self.holders, self.sql = (
            tries, timeout, tables, holders, sql)
        super().__init__(self.describe())

    def describe(self) -> str:
        on = f" on {', '.join(self.tables)}" if self.tables else ""
        held = f" held by {', '.join(self.holders)}" if self.holders else ""
        return f"waited {self.tries} x {seconds(self.timeout)} for a lock{on}{held}"


def table_label(name: str) -> str:
    """An engine table name (``schema\\x1ftable`` or ``table``) as people write it."""
    schema, _, table = name.rpartition(TOUCHED_SEP)
    return f"{schema}.{table}" if schema else table


def _regclass(name: str) -> str:
    schema, _, table = name.rpartition(TOUCHED_SEP)
    q = _engine.quote_ident(table, "postgres")
    return f"{_engine.quote_ident(schema, 'postgres')}.{q}" if schema else q


async def _rows(client: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return list(await client.execute_query_dict(sql, params))


async def holders(client: Any, dialect: str, tables: list[str], exclude: Iterable[int] = ()
                  ) -> tuple[list[str], list[str]]:
    """(the tables of ``tables`` some other session holds a lock on, those sessions as
    "pid N" / "connection N"), read through ``client`` (a connection of its own). On MySQL
    without a metadata lock table: the sessions with an open transaction."""
    mine = sorted(set(exclude))
    if dialect == "postgres":
        found: list[str] = []
        pids: list[int] = []
        for t in tables:
            rows = await _rows(client, (
                "SELECT DISTINCT l.pid FROM pg_locks l WHERE l.relation = to_regclass($1) "
                "AND l.granted AND l.pid <> pg_backend_pid() AND NOT l.pid = ANY($2::int[]) "
                "ORDER BY l.pid"), [_regclass(t), mine])
            if rows:
                found.append(table_label(t))
                pids += [int(r["pid"]) for r in rows if int(r["pid"]) not in pids]
        return found, [f"pid {p}" for p in pids]
    if dialect != "mysql":
        return [], []
    ids: list[int] = []
    found = []
    try:  # MariaDB's metadata_lock_info plugin, when it is installed
        for t in tables:
            schema, _, name = t.rpartition(TOUCHED_SEP)
            rows = await _rows(client, (
                "SELECT DISTINCT THREAD_ID AS id FROM information_schema.METADATA_LOCK_INFO "
                "WHERE TABLE_SCHEMA = COALESCE(NULLIF(%s, ''), DATABASE()) AND TABLE_NAME = %s "
                "AND THREAD_ID <> CONNECTION_ID() ORDER BY THREAD_ID"), [schema, name])
            ids_here = [int(r["id"]) for r in rows if int(r["id"]) not in mine]
            if ids_here:
                found.append(table_label(t))
                ids += [i for i in ids_here if i not in ids]
    except Exception:
        # without it: the sessions in a transaction, which is how a metadata lock is held
        rows = await _rows(client, (
            "SELECT DISTINCT trx_mysql_thread_id AS id FROM information_schema.innodb_trx "
            "WHERE trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_mysql_thread_id"), [])
        ids = [int(r["id"]) for r in rows if int(r["id"]) not in mine]
        found = [table_label(t) for t in tables] if ids else []
    return found, [f"connection {i}" for i in ids]


class Session:
    """One connection of the client's pool, held while a migration's statements run outside
    a transaction, with the lock timeout set on it (and reset before it goes back)."""

    def __init__(self, client: Any, dialect: str, timeout: float) -> None:
        self.client, self.dialect, self.timeout = client, dialect, timeout
        self._cm: Any = None
        self._raw: Any = None
        self.pid: int | None = None

    async def __aenter__(self) -> Session:
        self._cm = self.client.acquire_connection()
        self._raw = await self._cm.__aenter__()
        try:
            self.pid = int(await self._scalar(
                "SELECT pg_backend_pid()" if self.dialect == "postgres" else
                "SELECT CONNECTION_ID()"))
            await self._set(self.timeout)
        except BaseException:
            await self._release()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        try:
            await self._set(None)
        except Exception:
            if exc[0] is None:
                raise
        finally:
            await self._release()

    async def _release(self) -> None:
        cm, self._cm, self._raw = self._cm, None, None
        if cm is not None:
            await cm.__aexit__(None, None, None)

    async def _set(self, timeout: float | None) -> None:
        """Sets the session's lock timeout (0: none), or with None resets it."""
        if self.dialect == "postgres":
            if timeout is None:
                await self.execute("RESET lock_timeout")
            else:
                value = f"{max(1, round(timeout * 1000))}ms" if timeout else "0"
                await self._scalar("SELECT set_config('lock_timeout', $1, false)", value)
        elif timeout is None:
            await self.execute("SET SESSION lock_wait_timeout = DEFAULT")
        elif timeout:
            # whole seconds, at least 1 (MySQL's unit and minimum)
            await self._scalar("SET SESSION lock_wait_timeout = %s", max(1, math.ceil(timeout)))

    async def _scalar(self, sql: str, *params: Any) -> Any:
        raw = self._raw
        if hasattr(raw, "fetchval"):  # asyncpg
            return await raw.fetchval(sql, *params)
        sql = sql.replace("$1", "%s")  # psycopg and asyncmy
        async with raw.cursor() as cur:
            await cur.execute(sql, list(params) or None)
            row = await cur.fetchone() if cur.description else None
        return row[0] if row else None

    async def execute(self, sql: str) -> None:
        raw = self._raw
        if hasattr(raw, "fetchval"):
            await raw.execute(sql)
            return
        async with raw.cursor() as cur:
            await cur.execute(sql)

    async def fetch(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        raw = self._raw
        if hasattr(raw, "fetchval"):
            return [tuple(r) for r in await raw.fetch(sql, *params)]
        async with raw.cursor() as cur:
            await cur.execute(sql.replace("$1", "%s").replace("$2", "%s"), list(params))
            return [tuple(r) for r in await cur.fetchall()]


async def drop_invalid_index(session: Session, sql: str) -> str | None:
    """Before ``CREATE [UNIQUE] INDEX CONCURRENTLY "name" ON <table> ...`` (PostgreSQL): drops
    an INVALID index of that name on that table, what an interrupted or failed build leaves
    (it would make the build fail with "already exists"). Returns the index dropped."""
    m = _PG_CONCURRENT_INDEX.match(sql)
    if m is None:
        return None
    name = m.group(1)[1:-1].replace('""', '"')
    rows = await session.fetch(
        "SELECT n.nspname, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indrelid = to_regclass($1) "
        "AND c.relname = $2 AND NOT i.indisvalid", m.group(2), name)
    if not rows:
        return None
    schema, index = str(rows[0][0]), str(rows[0][1])
    drop = (f"DROP INDEX CONCURRENTLY {_engine.quote_ident(schema, 'postgres')}."
            f"{_engine.quote_ident(index, 'postgres')}")
    try:
        await session.execute(drop)
    except Exception as e:  # waits like the build itself (a lock timeout is retried)
        raise StatementFailed(drop, e) from e
    return index


async def pause(timeout: float) -> None:
    """Between two tries: long enough for a short transaction to end, not for a queue."""
    await asyncio.sleep(min(1.0, timeout / 2) if timeout else 0.5)


Report = Callable[[str], None]
