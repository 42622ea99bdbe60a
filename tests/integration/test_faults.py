"""Faults from outside: the migrating process killed (SIGKILL) in the middle of a migration, and
the database server restarted between two migrations and in the middle of one. History and
schema must agree afterwards, and the next command must finish the job (or say clearly why it
cannot).

The restart tests (marked ``restart``) restart this machine's PostgreSQL and MariaDB servers
(pg_ctlcluster; mariadb-admin shutdown + start-stop-daemon, as the server was started), always
bring them back up, and run in ``make check``; they are skipped where the servers are remote or
the user is not root.

A migration failing at one of its statements is covered in test_safety.py.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import (
    MYSQL_URL,
    POSTGRES_URL,
    Database,
    Project,
    drop_database,
    make_database,
)
from tests.integration.test_workflow import USER_V1

# Creates a table, then (only when PATHWAY_TEST_PAUSE names a file) writes that file and waits
# (until the file PATHWAY_TEST_RESUME exists, if that is set), then adds a column: a kill or a
# server restart during the wait lands between two statements of one migration.
PAUSING = '''"""Create, pause, add."""

import os
import time
from pathlib import Path

from tortoise_pathway import migration, ops


def pause(connection):
    marker = os.environ.get("PATHWAY_TEST_PAUSE")
    if marker:
        Path(marker).write_text("ready")
        resume = os.environ.get("PATHWAY_TEST_RESUME")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (resume and Path(resume).exists()):
            time.sleep(0.05)


def nothing(connection):
    return None


class Migration(migration.Migration):
    dependencies = [("models", "{dep}")]
    operations = [
        ops.CreateModel("audit", columns=[ops.Column("id", "INT", pk=True, autoincrement=True)]),
        ops.RunPython(pause, nothing),
        ops.AddField("users", ops.Column("nick", "VARCHAR(20)", null=True)),
    ]
'''

PAUSING_NAME = "99990101000000_pausing"


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def history(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT name FROM pathway_migrations ORDER BY id")]


def progress(db: Database) -> list[tuple[str, str, int, int]]:
    return [(r[0], r[1], int(r[2]), int(r[3])) for r in
            db.query("SELECT name, direction, done, total FROM pathway_progress")]


def test_migrate_killed_in_the_middle_of_a_migration(project: Project) -> None:
    db = project.db
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    first = project.migration_files()[0]
    (first.parent / f"{PAUSING_NAME}.py").write_text(PAUSING.replace("{dep}", first.stem))
    db.query("INSERT INTO users (name, email, created_at) VALUES ('ada', 'ada@example.com', "
             "CURRENT_TIMESTAMP)")

    marker = project.root / "paused"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PATHWAY_TEST_PAUSE=str(marker))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", "migrate",
         "--app", "models"], cwd=project.root, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: marker.exists() or proc.poll() is not None, 60, "the pause")
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    # the migration is not recorded as applied anywhere
    assert history(db) == [first.stem]
    if db.dialect in ("sqlite", "postgres"):
        # its transaction died with the process: nothing of it is left
        assert "audit" not in db.tables()
        assert "nick" not in db.columns("users")
        assert progress(db) == []
        status = project.run("showmigrations", "--app", "models").stdout
        assert f"[ ] {PAUSING_NAME}" in status
        out = project.run("migrate", "--app", "models").stdout
        assert f"Applying models.{PAUSING_NAME}... OK" in out
    else:
        # MySQL commits each DDL statement at once: the CREATE TABLE before the pause stays,
        # there is no history row, and the progress table says how far the run got (1 of 3
        # steps: the CREATE TABLE; the RunPython was cut off). The next migrate resumes after
        # that step instead of failing on "table audit already exists".
        assert "audit" in db.tables()
        assert "nick" not in db.columns("users")
        assert progress(db) == [(PAUSING_NAME, "forward", 1, 3)]
        status = project.run("showmigrations", "--app", "models").stdout
        assert (f"[~] {PAUSING_NAME} (partly applied: 1 of 3 steps; run migrate to finish)"
                in status), status
        proc2 = project.run("migrate", "--app", "models")
        assert "Traceback" not in proc2.stderr
        assert f"{PAUSING_NAME} stopped after 1 of 3 steps; resuming after them" in proc2.stdout
        assert f"Resuming models.{PAUSING_NAME}... OK" in proc2.stdout

    # the job is finished: history and schema agree, rows kept
    assert history(db) == [first.stem, PAUSING_NAME]
    assert progress(db) == []
    assert "audit" in db.tables() and "nick" in db.columns("users")
    assert db.query("SELECT name, nick FROM users") == [("ada", None)]
    assert "[ ]" not in project.run("showmigrations", "--app", "models").stdout
    # and it reverts cleanly
    project.run("rollback", "--app", "models")
    assert "audit" not in db.tables() and "nick" not in db.columns("users")
    assert history(db) == [first.stem]


# ---- the database server restarted between migrations ------------------------------------

MARIADBD = "/usr/sbin/mariadbd"


def _server_answers(dialect: str) -> bool:
    async def ping() -> None:
        if dialect == "postgres":
            import asyncpg

            conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1),
                                         timeout=2)
            await conn.close()
        else:
            import asyncmy

            u = urlparse(MYSQL_URL)
            conn = await asyncmy.connect(host=u.hostname, port=u.port or 3306,
                                         user=u.username or "root", password=u.password or "",
                                         connect_timeout=2)
            conn.close()

    try:
        asyncio.run(ping())
    except Exception:
        return False
    return True


def _run(*cmd: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"{' '.join(cmd)}: {proc.stdout}{proc.stderr}"


def _pg_cluster() -> list[str]:
    versions = sorted(os.listdir("/etc/postgresql"))
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def _mariadb_running() -> bool:
    # start-stop-daemon --status: 0 running, 1/3 not running (by the executable's path)
    return subprocess.run(["start-stop-daemon", "--status", "--exec", MARIADBD],
                          capture_output=True).returncode == 0


def _start_mariadb() -> None:
    _run("start-stop-daemon", "--start", "--oknodo", "--background", "--exec", MARIADBD)


def restart_server(dialect: str) -> None:
    """Stops the server, waits until it is gone, starts it, waits until it answers."""
    if dialect == "postgres":
        _run(*_pg_cluster(), "restart")  # fast shutdown: sessions are cut
    else:
        u = urlparse(MYSQL_URL)
        _run("mariadb-admin", f"--host={u.hostname}", f"--port={u.port or 3306}",
             f"--user={u.username or 'root'}", f"--password={u.password or ''}", "shutdown")
        wait_for(lambda: not _mariadb_running(), 30, "MariaDB to stop")
        assert not _server_answers(dialect)
        _start_mariadb()
    wait_for(lambda: _server_answers(dialect), 30, f"{dialect} to accept connections")


def ensure_up(dialect: str) -> None:
    """Whatever happened, the server runs again afterwards (other tests need it)."""
    if _server_answers(dialect):
        return
    if dialect == "postgres":
        subprocess.run([*_pg_cluster(), "start"], capture_output=True, timeout=60)
    elif not _mariadb_running():
        _start_mariadb()
    wait_for(lambda: _server_answers(dialect), 60, f"{dialect} to come back")


def _can_restart(dialect: str) -> str | None:
    """None when this machine can restart the server the tests use, else why not."""
    url = POSTGRES_URL if dialect == "postgres" else MYSQL_URL
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        return f"{dialect} runs elsewhere ({urlparse(url).hostname})"
    if os.geteuid() != 0:
        return "restarting a database server needs root"
    if dialect == "postgres":
        if not shutil.which("pg_ctlcluster") or not os.path.isdir("/etc/postgresql"):
            return "no pg_ctlcluster"
    elif not (shutil.which("start-stop-daemon") and shutil.which("mariadb-admin")
              and os.path.exists(MARIADBD)):
        return "no start-stop-daemon / mariadb-admin / mariadbd"
    return None


@pytest.fixture(params=["postgres", "mysql"])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    dialect = request.param
    reason = _can_restart(dialect)
    if reason is not None:
        pytest.skip(reason)
    database = make_database(dialect, tmp_path)
    try:
        yield database
    finally:
        ensure_up(dialect)
        drop_database(database)


STEPS = [
    USER_V1,
    USER_V1.replace("    created_at = fields.DatetimeField(auto_now_add=True)\n",
                    "    created_at = fields.DatetimeField(auto_now_add=True)\n"
                    "    age = fields.IntField(null=True)\n"),
]
STEPS.append(STEPS[1] + """
class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=50, db_index=True)

    class Meta:
        table = "posts"
""")


# One process keeps its connections across the restart: the programmatic API, as an app that
# migrates at start-up and again later would use it. While the server restarts the process is
# busy (its event loop blocked), so its pool cannot notice that its connections died and lends
# out a dead one: the first migrate after the restart may fail on it (a connection error, before
# anything ran), but must not hang, and the next one reconnects and applies the migration.
LONG_LIVED = '''
import asyncio, sys, time
from pathlib import Path
from tortoise_pathway.integrator import TortoisePathwayIntegrator
from proj.config import TORTOISE_ORM

async def main():
    integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    try:
        await integrator.initialize()
        print("first:", await integrator.migrate("models", sys.argv[1]), flush=True)
        Path("migrated-1").write_text("")
        while not Path("restarted").exists():
            time.sleep(0.05)
        for attempt in range(2):
            try:
                print("second:", await integrator.migrate("models"), flush=True)
                break
            except Exception as e:
                print("attempt failed:", type(e).__name__, e, flush=True)
    finally:
        await integrator.close()
    print("closed", flush=True)

asyncio.run(main())
'''


@pytest.mark.restart
def test_server_restarted_between_migrations(server_db: Database, tmp_path: Path) -> None:
    db = server_db
    project = Project(tmp_path / "project", db)
    for i, source in enumerate(STEPS):
        project.models(source)
        project.run("makemigrations", "--app", "models", "--name", f"step{i}")
    names = [p.stem for p in project.migration_files()]

    # through the CLI: migration 1, restart, migration 2
    project.run("migrate", "--app", "models", names[0])
    assert history(db) == names[:1]
    restart_server(db.dialect)
    project.run("migrate", "--app", "models", names[1])
    assert history(db) == names[:2]
    assert "age" in db.columns("users")

    # one process across the restart: its pooled connections died with the server
    project.run("rollback", "--app", "models", names[0])
    script = project.root / "long_lived.py"
    script.write_text(LONG_LIVED)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen([sys.executable, str(script), names[1]], cwd=project.root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (project.root / "migrated-1").exists() or proc.poll() is not None,
                 60, "the first migrate")
        assert proc.poll() is None, proc.communicate()
        restart_server(db.dialect)
        (project.root / "restarted").write_text("")
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out + err
    assert "second: [('models', '" + names[2] + "')]" in out, out + err
    assert out.rstrip().endswith("closed"), out + err  # close() did not hang
    failures = [line for line in out.splitlines() if line.startswith("attempt failed:")]
    assert len(failures) <= 1, out
    for line in failures:  # only ever the dead connection, never a half-done migration
        assert "onnection" in line, line
    assert history(db) == names
    assert "posts" in db.tables() and "age" in db.columns("users")



@pytest.mark.restart
def test_server_restarted_in_the_middle_of_a_migration(server_db: Database,
                                                        tmp_path: Path) -> None:
    db = server_db
    project = Project(tmp_path / "project", db)
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    first = project.migration_files()[0]
    (first.parent / f"{PAUSING_NAME}.py").write_text(PAUSING.replace("{dep}", first.stem))
    marker, resume = project.root / "paused", project.root / "resume"
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PATHWAY_TEST_PAUSE=str(marker),
               PATHWAY_TEST_RESUME=str(resume))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", "migrate",
         "--app", "models"], cwd=project.root, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: marker.exists() or proc.poll() is not None, 60, "the pause")
        assert proc.poll() is None, proc.communicate()
        restart_server(db.dialect)
        resume.write_text("")
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # one clear error (not a traceback, not an "unexpected" crash): the statement after the
    # pause ran on a connection the restart had closed
    assert proc.returncode == 1, out + err
    assert f"error: models.{PAUSING_NAME}: applying failed" in err, err
    # (asyncpg may add asyncio's "Future exception was never retrieved ... ConnectionError:
    # unexpected connection_lost() call" for a pooled connection the restart closed)
    assert "Traceback" not in err and "error: unexpected" not in err, err
    assert history(db) == [first.stem]
    if db.dialect == "postgres":
        assert "rolled back; nothing was changed" in err
        assert "audit" not in db.tables() and "nick" not in db.columns("users")
        assert progress(db) == []
    else:
        assert "1 of 3 steps are done and stay done" in err
        assert "audit" in db.tables() and "nick" not in db.columns("users")
        assert progress(db) == [(PAUSING_NAME, "forward", 1, 3)]
    project.run("migrate", "--app", "models")
    assert history(db) == [first.stem, PAUSING_NAME]
    assert progress(db) == []
    assert "audit" in db.tables() and "nick" in db.columns("users")
