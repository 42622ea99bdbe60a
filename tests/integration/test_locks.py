"""Lock-aware SQL on a live database (PostgreSQL, MariaDB): while a writer inserts rows in a
loop, adding an index with lock-aware SQL never stalls a write for long, and with plain SQL
on PostgreSQL it does; a migration facing a session that holds its table's lock gives up
after the timeout and its retries, says so in one line naming the table and the session, and
leaves the database and the history as they were (a re-run once the lock is gone succeeds).

benchmarks/locks.py measures the same on a table of a million rows.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.conftest import Database, Project, drop_database, make_database

ROWS = 400_000
#: the longest a write may wait while lock-aware SQL adds the index (it takes ~20 ms)
BOUND = 0.3

CREATE = '''from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    operations = [
        ops.CreateModel("event", columns=[
            ops.Column("id", "INT", pk=True, autoincrement=True),
            ops.Column("kind", "INT"),
            ops.Column("payload", "VARCHAR(64)"),
        ]),
    ]
'''

ADD_INDEX = '''from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    {safe}
    dependencies = [("models", "0001_event")]
    operations = [
        ops.AddIndex("event", ops.Index("idx_event_payload", ["payload", "kind"])),
    ]
'''


@pytest.fixture(params=["postgres", "mysql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    database = make_database(request.param, tmp_path)
    yield database
    drop_database(database)


def events_project(tmp_path: Path, db: Database, safe: bool | None,
                   settings: str = "") -> Project:
    p = Project(tmp_path / "project", db)
    if settings:
        config = p.root / "proj" / "config.py"
        config.write_text(config.read_text().replace('"use_tz": False',
                                                     f'"use_tz": False, "pathway": {settings}'))
    p.models("class Event(models.Model):\n    kind = fields.IntField()\n")
    d = p.root / "migrations" / "models"
    d.mkdir(parents=True)
    (d / "0001_event.py").write_text(CREATE)
    (d / "0002_index.py").write_text(ADD_INDEX.replace(
        "{safe}", "" if safe is None else f"safe = {safe}"))
    return p


def fill(db: Database, rows: int) -> None:
    """``rows`` rows made by the server itself."""
    if db.dialect == "postgres":
        db.query(f"INSERT INTO event (kind, payload) SELECT g % 97, md5(g::text) "
                 f"FROM generate_series(1, {rows}) g")
    else:
        db.query(f"INSERT INTO event (kind, payload) SELECT seq % 97, md5(seq) "
                 f"FROM seq_1_to_{rows}")


class Writer:
    """Inserts rows one by one on a connection of its own, in a thread, and keeps the longest
    time one insert took."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.longest = 0.0
        self.count = 0
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)

    def __enter__(self) -> Writer:
        self.thread.start()
        assert self.ready.wait(10), self.error
        time.sleep(0.3)  # a steady state first
        return self

    def __exit__(self, *exc: Any) -> None:
        time.sleep(0.3)
        self.stop.set()
        self.thread.join(30)
        if self.error is not None:
            raise self.error

    def _main(self) -> None:
        try:
            asyncio.run(self._loop())
        except BaseException as e:  # reported by __exit__
            self.error = e
            self.ready.set()

    async def _loop(self) -> None:
        if self.db.dialect == "postgres":
            import asyncpg

            conn = await asyncpg.connect(self.db.url.replace("postgres://", "postgresql://", 1))

            async def insert(i: int) -> None:
                await conn.execute("INSERT INTO event (kind, payload) VALUES ($1, $2)", i % 97,
                                   f"w{i}")

            async def close() -> None:
                await conn.close()
        else:
            import asyncmy

            u = urlparse(self.db.url)
            my = await asyncmy.connect(host=u.hostname, port=u.port or 3306,
                                       user=u.username or "root", password=u.password or "",
                                       database=self.db.name, autocommit=True)

            async def insert(i: int) -> None:
                async with my.cursor() as cur:
                    await cur.execute("INSERT INTO event (kind, payload) VALUES (%s, %s)",
                                      (i % 97, f"w{i}"))

            async def close() -> None:
                my.close()
        try:
            self.ready.set()
            i = 0
            while not self.stop.is_set():
                start = time.perf_counter()
                await insert(i)
                self.longest = max(self.longest, time.perf_counter() - start)
                self.count += 1
                i += 1
        finally:
            await close()


def index_exists(db: Database) -> bool:
    """Whether the index is there, and usable (PostgreSQL: not the INVALID index a failed
    CREATE INDEX CONCURRENTLY leaves, which the schema does not count and the next run drops
    before it builds the index again)."""
    if db.dialect == "postgres":
        return bool(db.query("SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = "
                             "i.indexrelid WHERE c.relname = 'idx_event_payload' AND "
                             "i.indisvalid"))
    return bool(db.query("SELECT 1 FROM information_schema.statistics WHERE table_schema = "
                         f"'{db.name}' AND index_name = 'idx_event_payload'"))


def applied(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT name FROM pathway_migrations ORDER BY id")]


def stall(tmp_path: Path, db: Database, safe: bool) -> float:
    """The longest insert of a writer while migrate adds the index (plain or lock-aware)."""
    p = events_project(tmp_path / ("safe" if safe else "plain"), db, safe)
    p.run("migrate", "--app", "models", "0001_event")
    fill(db, ROWS)
    with Writer(db) as w:
        out = p.run("migrate", "--app", "models").stdout
    assert "Applying models.0002_index... OK" in out and index_exists(db)
    assert w.count > 50, w.count
    return w.longest


def test_lock_aware_index_build_does_not_block_writes(tmp_path: Path) -> None:
    """PostgreSQL: CREATE INDEX holds a SHARE lock for the whole build, and every insert
    waits behind it; CREATE INDEX CONCURRENTLY lets them through."""
    dbs = [make_database("postgres", tmp_path / "a"), make_database("postgres", tmp_path / "b")]
    try:
        plain = stall(tmp_path, dbs[0], safe=False)
        safe = stall(tmp_path, dbs[1], safe=True)
    finally:
        for db in dbs:
            drop_database(db)
    assert safe < BOUND, f"a write waited {safe:.3f} s during CREATE INDEX CONCURRENTLY"
    assert plain > BOUND and plain > 2 * safe, (plain, safe)


def test_mysql_lock_aware_index_build_does_not_block_writes(tmp_path: Path) -> None:
    """MariaDB builds a secondary index in place with concurrent writes (it picks that by
    itself, so plain SQL does not block either); lock-aware SQL asks for it explicitly, and
    a write never waits long. Forcing the table copy (ALGORITHM=COPY) shows what is
    avoided."""
    db = make_database("mysql", tmp_path)
    try:
        safe = stall(tmp_path, db, safe=True)
        with Writer(db) as w:
            db.query("ALTER TABLE event ADD INDEX idx_copy (payload, kind), ALGORITHM=COPY")
        copy = w.longest
    finally:
        drop_database(db)
    assert safe < BOUND, f"a write waited {safe:.3f} s during ALGORITHM=INPLACE, LOCK=NONE"
    assert copy > BOUND and copy > 2 * safe, (copy, safe)


def test_preview_shows_lock_aware_sql(server: Database, tmp_path: Path) -> None:
    p = events_project(tmp_path, server, safe=True)
    out = p.run("sqlmigrate", "models", "0002").stdout
    script = p.run("migrate", "--app", "models", "--sql").stdout
    # (on an empty database the leading migrations are created at once, plainly: an empty
    # table has nothing to wait for)
    p.run("migrate", "--app", "models", "0001_event")
    plan = p.run("migrate", "--app", "models", "--plan").stdout
    if server.dialect == "postgres":
        want = ('CREATE INDEX CONCURRENTLY "idx_event_payload" ON "event" ("payload", "kind");')
        assert want in out and "BEGIN" not in out  # outside a transaction
        assert want in plan
    else:
        want = ("CREATE INDEX `idx_event_payload` ON `event` (`payload`, `kind`) "
                "ALGORITHM=INPLACE LOCK=NONE;")
        assert want in out and want in plan
    assert want in script
    # the project-wide setting does the same; a migration's own safe = False wins
    q = events_project(tmp_path / "q", server, safe=None, settings='{"safe": True}')
    assert want in q.run("sqlmigrate", "models", "0002").stdout
    r = events_project(tmp_path / "r", server, safe=False, settings='{"safe": True}')
    assert want not in r.run("sqlmigrate", "models", "0002").stdout


class Holder:
    """A session that writes to the table in a transaction it keeps open: it holds a lock
    that CREATE INDEX (PostgreSQL: ROW EXCLUSIVE against SHARE; MariaDB: the metadata lock)
    and CREATE INDEX CONCURRENTLY (which waits for it to end) wait for."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pid = 0
        self.ready = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._hold()), daemon=True)

    def __enter__(self) -> Holder:
        self.thread.start()
        assert self.ready.wait(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release.set()
        self.thread.join(10)

    async def _hold(self) -> None:
        if self.db.dialect == "postgres":
            import asyncpg

            conn = await asyncpg.connect(self.db.url.replace("postgres://", "postgresql://", 1))
            self.pid = int(await conn.fetchval("SELECT pg_backend_pid()"))
            tr = conn.transaction()
            await tr.start()
            await conn.execute("INSERT INTO event (kind, payload) VALUES (1, 'held')")
            self.ready.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            await tr.rollback()
            await conn.close()
            return
        import asyncmy

        u = urlparse(self.db.url)
        my = await asyncmy.connect(host=u.hostname, port=u.port or 3306,
                                   user=u.username or "root", password=u.password or "",
                                   database=self.db.name)
        async with my.cursor() as cur:
            await cur.execute("SELECT CONNECTION_ID()")
            self.pid = int((await cur.fetchone())[0])
            await cur.execute("BEGIN")
            await cur.execute("INSERT INTO event (kind, payload) VALUES (1, 'held')")
        self.ready.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        await my.rollback()
        my.close()


@pytest.mark.parametrize("safe", [False, True], ids=["plain", "safe"])
def test_gives_up_on_a_held_lock_and_reports_the_session(server: Database, tmp_path: Path,
                                                        safe: bool) -> None:
    p = events_project(tmp_path, server, safe=safe,
                       settings='{"lock_timeout": 1, "lock_retries": 2}')
    p.run("migrate", "--app", "models", "0001_event")
    fill(server, 1000)
    start = time.monotonic()
    with Holder(server) as h:
        proc = p.run("migrate", "--app", "models", ok=False)
        # the history and the schema are as before: nothing of 0002
        assert applied(server) == ["0001_event"]
        assert not index_exists(server)
    took = time.monotonic() - start
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1, proc.stderr
    who = f"pid {h.pid}" if server.dialect == "postgres" else f"connection {h.pid}"
    assert re.search(rf"models\.0002_index: applying gave up: waited 2 x 1 s for a lock on "
                     rf"event held by {who}\b", error[0]), proc.stderr
    assert "try 2 of 2" in proc.stdout, proc.stdout
    assert 2 <= took < 20, took
    # the lock is gone: a re-run applies it (a leftover INVALID index dropped first)
    out = p.run("migrate", "--app", "models").stdout
    # (a run outside a transaction resumes: 0 of its 1 steps were done)
    assert re.search(r"(Applying|Resuming) models\.0002_index\.\.\. OK", out), out
    assert applied(server) == ["0001_event", "0002_index"] and index_exists(server)
    if server.dialect == "postgres":
        assert server.query("SELECT count(*) FROM pg_index i JOIN pg_class c ON "
                            "c.oid = i.indexrelid WHERE c.relname = 'idx_event_payload'"
                            ) == [(1,)]
        if safe:
            assert "dropped the INVALID index idx_event_payload" in out, out


CONSTRAINTS = '''from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    safe = True
    dependencies = [("models", "0001_event")]
    operations = [
        ops.CreateModel("kind", columns=[ops.Column("id", "INT", pk=True)]),
        ops.RunSQL("INSERT INTO kind (id) SELECT DISTINCT kind FROM event",
                   backward="DELETE FROM kind"),
        ops.AddField("event", ops.Column("note", "VARCHAR(20)", null=True)),
        ops.AlterField("event", ops.Column("note", "VARCHAR(20)"), fill="-"),
        ops.AlterField("event", ops.Column("kind", "INT",
                                           fk=ops.ForeignKey("kind", on_delete="RESTRICT",
                                                            name="fk_event_kind"))),
        ops.AddConstraint("event", ops.Check("event_kind_small", "kind < 1000")),
        ops.AddIndex("event", ops.Index("uid_event_payload_id", ["payload", "id"], unique=True)),
    ]
'''


def test_postgres_safe_constraints_end_valid_and_revert(tmp_path: Path) -> None:
    """Keys and checks added NOT VALID then validated, SET NOT NULL through a check, a
    unique constraint on an index built concurrently: the result is the plain schema
    (constraints valid, the helper check gone), and the migration reverts."""
    db = make_database("postgres", tmp_path)
    try:
        p = events_project(tmp_path, db, safe=None)
        (p.root / "migrations" / "models" / "0002_index.py").write_text(CONSTRAINTS)
        p.run("migrate", "--app", "models", "0001_event")
        fill(db, 5000)
        sql = p.run("sqlmigrate", "models", "0002").stdout
        for want in ('CHECK ("note" IS NOT NULL) NOT VALID', 'VALIDATE CONSTRAINT',
                     'ON DELETE RESTRICT NOT VALID', 'CREATE UNIQUE INDEX CONCURRENTLY',
                     'UNIQUE USING INDEX "uid_event_payload_id"'):
            assert want in sql, sql
        p.run("migrate", "--app", "models")
        rows = db.query("SELECT conname, convalidated FROM pg_constraint WHERE conrelid = "
                        "'event'::regclass AND contype <> 'p' ORDER BY conname")
        names = [r[0] for r in rows]
        assert all(r[1] for r in rows), rows
        assert "event_kind_small" in names and "uid_event_payload_id" in names
        assert not any(n.endswith("_not_null") for n in names), names
        assert db.query("SELECT is_nullable FROM information_schema.columns WHERE "
                        "table_name = 'event' AND column_name = 'note'") == [("NO",)]
        assert applied(db) == ["0001_event", "0002_index"]
        p.run("rollback", "--app", "models")
        assert applied(db) == ["0001_event"] and "kind" not in db.tables()
    finally:
        drop_database(db)


def safe_migration(*operations: str) -> str:
    """A hand-written lock-aware migration after 0001_event."""
    body = "".join(f"        {op},\n" for op in operations)
    return ("from tortoise_pathway import migration, ops\n\n\n"
            "class Migration(migration.Migration):\n"
            "    safe = True\n"
            '    dependencies = [("models", "0001_event")]\n'
            f"    operations = [\n{body}    ]\n")


FULLTEXT = safe_migration(
    'ops.AddField("event", ops.Column("body", "LONGTEXT", null=True))',
    'ops.AddIndex("event", ops.Index("ft_event_payload", ["payload"], method="FULLTEXT"))')


def test_mysql_falls_back_when_the_server_refuses_the_algorithm(tmp_path: Path) -> None:
    """A FULLTEXT index cannot be built with LOCK=NONE: the statement runs again without
    its algorithm, and the output says so; ADD COLUMN runs INSTANT."""
    db = make_database("mysql", tmp_path)
    try:
        p = events_project(tmp_path, db, safe=None)
        (p.root / "migrations" / "models" / "0002_index.py").write_text(FULLTEXT)
        p.run("migrate", "--app", "models", "0001_event")
        fill(db, 1000)
        out = p.run("migrate", "--app", "models").stdout
        assert "Applying models.0002_index... OK" in out, out
        assert re.search(r"the server refused ALGORITHM=INPLACE LOCK=NONE \(.*\); ran it "
                         r"without: CREATE FULLTEXT INDEX `ft_event_payload`", out), out
        assert "ALGORITHM=INSTANT" not in out  # accepted: nothing to say
        assert applied(db) == ["0001_event", "0002_index"]
        assert db.query("SELECT index_type FROM information_schema.statistics WHERE "
                        f"table_schema = '{db.name}' AND index_name = 'ft_event_payload'"
                        ) == [("FULLTEXT",)]
    finally:
        drop_database(db)


COMPRESSED = safe_migration('ops.AddField("event", ops.Column("note", "VARCHAR(20)", null=True))')


def test_mysql_tries_inplace_when_the_server_refuses_instant(tmp_path: Path) -> None:
    """MariaDB adds no column INSTANT to a compressed table: the column is added
    INPLACE with LOCK=NONE (writes go on), not by a blocking copy, and the output says so."""
    db = make_database("mysql", tmp_path)
    try:
        p = events_project(tmp_path, db, safe=None)
        (p.root / "migrations" / "models" / "0002_index.py").write_text(COMPRESSED)
        p.run("migrate", "--app", "models", "0001_event")
        db.query("ALTER TABLE event ROW_FORMAT=COMPRESSED")
        fill(db, 1000)
        out = p.run("migrate", "--app", "models").stdout
        assert "Applying models.0002_index... OK" in out, out
        assert re.search(r"the server refused ALGORITHM=INSTANT \(.*\); ran it with "
                         r"ALGORITHM=INPLACE, LOCK=NONE", out), out
        assert "ran it without" not in out
        assert "note" in db.columns("event") and applied(db) == ["0001_event", "0002_index"]
    finally:
        drop_database(db)
