"""Applying and reverting migrations on one connection.

Each migration runs with its history row in one transaction where the database can roll DDL
back (SQLite, PostgreSQL). On SQLite foreign keys are switched off around the transaction (a
table rebuild must not cascade) and ``PRAGMA foreign_key_check`` runs before the commit. MySQL
commits every DDL statement at once; there a failure is reported with what ran.

On PostgreSQL and MySQL every DDL statement waits for its table's lock at most the project's
``lock_timeout`` and is tried again (in a transaction: the whole migration) up to
``lock_retries`` tries; locks.py holds the mechanics and the message.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from typing import Any

from . import _engine, live, locks
from .config import Settings
from .exceptions import LockTimeout, MigrationFailed
from .migration import Migration, mark_user_code
from .recorder import Progress, Recorder
from .statements import StatementFailed


def _first_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


class Executor:
    def __init__(self, client: Any, dialect: str, recorder: Recorder,
                 settings: Settings | None = None,
                 report: locks.Report | None = None) -> None:
        self.client = client
        self.dialect = dialect
        self.recorder = recorder
        self.settings = settings or Settings()
        #: notes for the user while a migration runs (a refused algorithm, a retry)
        self.report: locks.Report = report or (lambda line: None)
        self._done: int | None = None  # steps done in the current non-transactional run
        self._total = 0
        #: set when a resumed run found in the catalog that the step after the last recorded
        #: one had happened: the steps done, that one included
        self.resumed_past: int | None = None

    @property
    def transactional(self) -> bool:
        return self.dialect in ("sqlite", "postgres")

    async def run(self, migration: Migration, backward: bool,
                  progress: Progress | None = None) -> float:
        """Applies (or reverts) one migration and records it; returns the seconds it took.
        ``progress`` is what an interrupted non-transactional run of it left: the run resumes
        after the steps it did."""
        start = time.perf_counter()
        self._done = None
        self._total = 0
        try:
            if migration.in_transaction and self.transactional:
                await self._run_atomic_retried(migration, backward)
            else:
                await self._run_plain(migration, backward, progress)
        except locks.LockGaveUp as e:
            raise self._gave_up(migration, backward, e) from e
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
            migration.after_step = None
            migration.statement_runner = None
            migration.skip_steps = 0
        return time.perf_counter() - start

    async def _body(self, migration: Migration, connection: Any, backward: bool) -> None:
        migration.connection = connection
        # a squashed migration's row comes and goes with those of the migrations it replaces;
        # its own is written first and deleted last (while it is there, the squashed
        # migration is used and counts as applied, whatever rows of theirs there are)
        own = [(migration.app, migration.name, migration.checksum)] if migration.recorded else []
        rows = own + migration.replaced_rows
        if migration.overrides_revert() if backward else migration.overrides_apply():
            mark_user_code()
        if backward:
            await migration.revert()
            for app, name, _ in reversed(rows):
                await self.recorder.record_reverted(connection, app, name)
        else:
            await migration.apply()
            await self.recorder.record_applied_many(connection, rows)

    @property
    def lock_timeout(self) -> float:
        """Seconds a DDL statement waits for a lock (0: no limit, and no retry); SQLite has
        no lock timeout of ours."""
        return self.settings.lock_timeout if self.dialect in ("postgres", "mysql") else 0.0

    async def _run_atomic_retried(self, migration: Migration, backward: bool) -> None:
        """The migration's transaction, tried again when a statement in it timed out waiting
        for a lock (the transaction was rolled back: nothing of it stays)."""
        tries = self.settings.lock_retries if self.lock_timeout else 1
        for attempt in range(1, tries + 1):
            try:
                await self._run_atomic(migration, backward)
                return
            except StatementFailed as e:
                if not self.lock_timeout or not locks.is_lock_timeout(self.dialect, e.error):
                    raise
                if attempt == tries:
                    raise await self._lock_gave_up(migration, backward, e.sql, tries) from e
                self.report(f"  {migration.label}: waited {locks.seconds(self.lock_timeout)} "
                            f"for a lock, rolled back; try {attempt + 1} of {tries}")
                await locks.pause(self.lock_timeout)

    async def _lock_gave_up(self, m: Migration, backward: bool, sql: str, tries: int,
                            exclude: list[int] | None = None) -> locks.LockGaveUp:
        tables: list[str] = []
        for i, step in m.steps(backward):
            if step == sql and i < len(m.touched):
                tables = list(m.touched[i])
                break
        try:
            found, who = await locks.holders(self.client, self.dialect, tables, exclude or [])
        except Exception:  # the message is still worth giving without them
            found, who = [], []
        shown = found or [locks.table_label(t) for t in tables]
        return locks.LockGaveUp(tries, self.lock_timeout, shown, who, sql)

    def _gave_up(self, m: Migration, backward: bool, e: locks.LockGaveUp) -> MigrationFailed:
        verb = "reverting" if backward else "applying"
        if m.in_transaction and self.transactional:
            state = "rolled back; nothing was changed"
        elif self._done is not None:
            state = (f"{self._done} of {self._total} steps are done and stay done; run it "
                     "again to resume after them")
        else:
            state = "statements before it stay applied"
        return MigrationFailed(f"{m.label}: {verb} gave up: {e.describe()} ({state})",
                               path=m.label,
                               hint="run it again once that session is done (or end it)")

    async def _run_atomic(self, migration: Migration, backward: bool) -> None:
        sqlite = self.dialect == "sqlite"
        if sqlite:
            await self.client.execute_script("PRAGMA foreign_keys=OFF")
        try:
            async with self.client._in_transaction() as conn:
                if self.lock_timeout and self.dialect == "postgres":
                    # for this transaction only (is_local)
                    await conn.execute_query(
                        "SELECT set_config('lock_timeout', $1, true)",
                        [f"{max(1, round(self.lock_timeout * 1000))}ms"])
                await self._body(migration, conn, backward)
                if sqlite and migration.writes_rows:
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

    async def _run_plain(self, migration: Migration, backward: bool,
                         progress: Progress | None) -> None:
        """Without a transaction every step commits by itself: record each one, so that a
        failure or a kill can be resumed (or undone) precisely.

        A kill can land between a step and its record. So each record also keeps the
        fingerprint of the tables the next step touches, taken before it runs; a resumed run
        compares it with the catalog: changed, the step happened and is not run again (an
        ALTER TABLE ... ADD UNIQUE KEY run twice fails). Steps of Python code and raw SQL
        touch nothing known: they run again."""
        m, rec, client = migration, self.recorder, self.client
        custom = m.overrides_revert() if backward else m.overrides_apply()
        if custom:
            await self._body(m, client, backward)
            return
        direction = "backward" if backward else "forward"
        tables = m.step_tables(backward)
        self._total = len(tables)

        async def fingerprint(step: int) -> str | None:
            if step >= len(tables):
                return None
            return await live.fingerprint(client, self.dialect, tables[step])

        if progress is not None and progress.direction == direction:
            done = progress.done
            if progress.pending and done < self._total and \
                    await fingerprint(done) != progress.pending:
                # the step after the last recorded one ran before the interruption
                done += 1
                await rec.record_progress(client, m.app, m.name, done, await fingerprint(done))
                self.resumed_past = done
            m.skip_steps = done
        else:
            await rec.start_progress(client, m.app, m.name, m.checksum, direction, self._total,
                                     await fingerprint(0))
        self._done = m.skip_steps

        async def after_step(done: int, total: int) -> None:
            await rec.record_progress(client, m.app, m.name, done, await fingerprint(done))
            self._done = done

        m.after_step = after_step
        try:
            if self.dialect in ("postgres", "mysql"):
                async with locks.Session(client, self.dialect, self.lock_timeout) as session:
                    m.statement_runner = self._statement_runner(m, backward, session)
                    await self._body(m, client, backward)
            else:
                await self._body(m, client, backward)
        except StatementFailed:
            # the database refused the step: it did not happen, whatever the user changes
            # before running again (dropping a conflicting table changes the catalog the
            # fingerprint was taken of); the next run runs it, without the catalog check
            with contextlib.suppress(Exception):
                await rec.record_progress(client, m.app, m.name, self._done or 0, None)
            raise
        await rec.clear_progress(client, m.app, m.name)

    def _statement_runner(self, m: Migration, backward: bool, session: locks.Session
                          ) -> Any:
        """Runs one statement of m on the session: a leftover INVALID index dropped before a
        concurrent build (PostgreSQL), again without its ALGORITHM when the server refuses it
        (MySQL), again after a lock timeout up to the tries allowed."""
        tries = self.settings.lock_retries if self.lock_timeout else 1

        async def run(sql: str) -> None:
            for attempt in range(1, tries + 1):
                try:
                    if self.dialect == "postgres":
                        dropped = await locks.drop_invalid_index(session, sql)
                        if dropped:
                            self.report(f"  {m.label}: dropped the INVALID index {dropped} an "
                                        "interrupted build left, to build it again")
                    await self._execute(m, session, sql)
                    return
                except StatementFailed as e:
                    if not self.lock_timeout or not locks.is_lock_timeout(self.dialect, e.error):
                        raise
                    if attempt == tries:
                        raise await self._lock_gave_up(m, backward, sql, tries,
                                                       [session.pid or 0]) from e
                    self.report(f"  {m.label}: waited {locks.seconds(self.lock_timeout)} for a "
                                f"lock; try {attempt + 1} of {tries}")
                    await locks.pause(self.lock_timeout)

        return run

    async def _execute(self, m: Migration, session: locks.Session, sql: str) -> None:
        """Runs sql; on MySQL, when the server refuses its ALGORITHM, the next one that
        keeps writes going (INSTANT, then INPLACE with LOCK=NONE), then none at all."""
        bare = _engine.strip_algorithm(sql) if self.dialect == "mysql" else sql
        tries = [sql]
        if sql.endswith(INSTANT):
            tries.append(bare + INPLACE)
        if bare != sql:
            tries.append(bare)
        for n, attempt in enumerate(tries):
            try:
                await session.execute(attempt)
                return
            except Exception as e:
                if n == len(tries) - 1 or not locks.is_algorithm_refused(e):
                    raise StatementFailed(attempt, e) from e
                refused = attempt[len(bare):].strip(" ,")
                then = tries[n + 1]
                how = (f"with {then[len(bare):].strip(' ,')}" if then != bare else
                       f"without: {_first_line(bare, 120)}")
                self.report(f"  {m.label}: the server refused {refused} "
                            f"({locks.error_text(e)}); ran it {how}")

    def _failure(self, migration: Migration, backward: bool, sql: str | None,
                 error: BaseException) -> MigrationFailed:
        verb = "reverting" if backward else "applying"
        what = f" at: {_first_line(sql)}" if sql else ""
        if migration.in_transaction and self.transactional:
            state = "the transaction was rolled back; nothing was changed"
        elif self._done is not None:
            again = "rollback" if backward else "migrate"
            undo = "" if backward else ", or rollback to undo them"
            state = (f"{self._done} of {self._total} steps are done and stay done (this "
                     f"database cannot roll back DDL); fix the cause, then run {again} again "
                     f"to resume after them{undo}")
        else:
            state = ("statements before it stay applied (this database cannot roll back "
                     "DDL); fix the cause, then check the schema before running again")
        return MigrationFailed(
            f"{migration.label}: {verb} failed{what}: {_first_line(str(error))} ({state})",
            path=migration.label)


#: the algorithm clauses the MySQL renderer ends an ALTER TABLE with (sql_mysql.c)
INSTANT = ", ALGORITHM=INSTANT"
INPLACE = ", ALGORITHM=INPLACE, LOCK=NONE"

LOCK_NAME = "tortoise_pathway"
# pg_advisory_lock key: the first 8 bytes of sha256("tortoise_pathway"), as a signed bigint
PG_LOCK_KEY = int.from_bytes(hashlib.sha256(LOCK_NAME.encode()).digest()[:8], "big", signed=True)


def pg_lock_key(scope: str | None = None) -> int:
    """The advisory lock key of a database (PG_LOCK_KEY) or, ``scope``, of one PostgreSQL
    schema in it (a fleet's schema tenant): schemas of one database migrate side by side."""
    if scope is None:
        return PG_LOCK_KEY
    digest = hashlib.sha256(f"{LOCK_NAME}:{scope}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class MigrationLock:
    """One migrator at a time per database: a PostgreSQL advisory lock, a MySQL GET_LOCK
    (both held by a dedicated connection for the whole command), or, for SQLite, an exclusive
    lock on ``<database file>.pathway-lock``. Waits up to ``timeout`` seconds. ``scope``
    (PostgreSQL): a lock of that schema only (``pg_lock_key``)."""

    def __init__(self, client: Any, dialect: str, name: str, timeout: float,
                 scope: str | None = None) -> None:
        self.key = pg_lock_key(scope)
        self.client = client
        self.dialect = dialect
        self.name = name
        self.timeout = timeout
        self._cm: Any = None
        self._raw: Any = None
        self._file: Any = None

    async def __aenter__(self) -> MigrationLock:
        import asyncio

        deadline = time.monotonic() + self.timeout
        if self.dialect == "sqlite":
            if not self._open_lock_file():
                return self
        else:
            self._cm = self.client.acquire_connection()
            self._raw = await self._cm.__aenter__()
        delay = 0.05
        try:
            while not await self._try():
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another migration command holds the lock on connection "
                        f"{self.name!r} (waited {self.timeout:g} s)", path=self.name,
                        hint="wait for it to finish, or raise --lock-timeout")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.5)
        except BaseException:
            # give the connection back whatever failed (a lost connection, a timeout):
            # a pool that still lends it out never closes (Tortoise's close() would hang)
            with contextlib.suppress(Exception):
                await self._release_connection()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # When the work failed, its error is the one to report: unlocking fails too when the
        # connection died (a server restart), and then the server has let the lock go with the
        # session anyway.
        failing = exc[0] is not None
        try:
            if self.dialect == "postgres":
                await self._scalar("SELECT pg_advisory_unlock($1)", [self.key], "%s")
            elif self.dialect == "mysql":
                await self._scalar("SELECT RELEASE_LOCK(CONCAT(%s, DATABASE()))",
                                   [LOCK_NAME + ":"], "%s")
            elif self._file is not None:
                import fcntl

                fcntl.flock(self._file, fcntl.LOCK_UN)
                self._file.close()
                self._file = None
        except Exception:
            if not failing:
                raise
        finally:
            with contextlib.suppress(*((Exception,) if failing else ())):
                await self._release_connection()

    async def _release_connection(self) -> None:
        if self._cm is not None:
            cm, self._cm, self._raw = self._cm, None, None
            await cm.__aexit__(None, None, None)
        if self._file is not None:
            self._file.close()
            self._file = None

    def _open_lock_file(self) -> bool:
        filename = str(getattr(self.client, "filename", "") or "")
        if not filename or filename == ":memory:" or filename.startswith("file::memory"):
            return False
        try:
            import fcntl  # noqa: F401
        except ImportError:  # not POSIX: SQLite's own file locking still serialises writes
            return False
        self._file = open(f"{filename}.pathway-lock", "a+")  # noqa: SIM115
        return True

    async def _try(self) -> bool:
        if self.dialect == "postgres":
            return bool(await self._scalar("SELECT pg_try_advisory_lock($1)", [self.key],
                                           "%s"))
        if self.dialect == "mysql":
            return await self._scalar("SELECT GET_LOCK(CONCAT(%s, DATABASE()), 0)",
                                      [LOCK_NAME + ":"], "%s") == 1
        import fcntl

        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    async def _scalar(self, sql: str, params: list[Any], cursor_marker: str) -> Any:
        raw = self._raw
        if hasattr(raw, "fetchval"):  # asyncpg
            return await raw.fetchval(sql, *params)
        sql = sql.replace("$1", cursor_marker)  # psycopg and asyncmy use %s
        async with raw.cursor() as cur:
            await cur.execute(sql, params)
            row = await cur.fetchone()
        return row[0] if row else None
