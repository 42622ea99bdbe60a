"""Write stalls while an index is added to a live table: plain SQL vs lock-aware SQL
(a migration with ``safe = True``), on PostgreSQL and MariaDB.

For each way: a fresh database, the table made by ``migrate`` (migration 0001), ROWS rows
made by the server (generate_series / MariaDB's sequence engine), then a writer thread with a
connection of its own inserts rows one by one while ``tortoise-pathway migrate`` (a child
process) adds an index on (payload, kind); the figures are the longest insert, the 99th
percentile, the inserts done and how long migrate took. On MariaDB a third way forces the
table copy (``ALTER TABLE ... ADD INDEX ..., ALGORITHM=COPY``, run directly) for contrast:
MariaDB picks the in-place build by itself when nothing else is asked.

    python benchmarks/locks.py                  # 1,000,000 rows, both databases
    python benchmarks/locks.py --rows 200000 --dialects postgres

PATHWAY_TEST_POSTGRES / PATHWAY_TEST_MYSQL name the servers, as for the test suite; run it
from a source tree (PYTHONPATH=src) or with tortoise-pathway installed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

POSTGRES_URL = os.environ.get("PATHWAY_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("PATHWAY_TEST_MYSQL", "mysql://root:@127.0.0.1:3306/test")

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
    safe = {safe}
    dependencies = [("models", "0001_event")]
    operations = [
        ops.AddIndex("event", ops.Index("idx_event_payload", ["payload", "kind"])),
    ]
'''


def _pg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _connect(dialect: str, url: str, database: str | None) -> Any:
    if dialect == "postgres":
        import asyncpg

        u = urlparse(url)
        if database:
            u = u._replace(path=f"/{database}")
        return await asyncpg.connect(_pg_dsn(u.geturl()))
    import asyncmy

    u = urlparse(url)
    return await asyncmy.connect(host=u.hostname, port=u.port or 3306, user=u.username or "root",
                                 password=u.password or "", database=database, autocommit=True)


async def _execute(dialect: str, conn: Any, sql: str, *params: Any) -> None:
    if dialect == "postgres":
        await conn.execute(sql, *params)
    else:
        async with conn.cursor() as cur:
            await cur.execute(sql.replace("$1", "%s").replace("$2", "%s"), params or None)


def run_sql(dialect: str, sql: str, database: str | None = None) -> None:
    async def go() -> None:
        conn = await _connect(dialect, POSTGRES_URL if dialect == "postgres" else MYSQL_URL,
                              database)
        try:
            await _execute(dialect, conn, sql)
        finally:
            if dialect == "postgres":
                await conn.close()
            else:
                conn.close()

    asyncio.run(go())


class Writer(threading.Thread):
    """Inserts rows one by one and keeps every insert's time."""

    def __init__(self, dialect: str, database: str) -> None:
        super().__init__(daemon=True)
        self.dialect, self.database = dialect, database
        self.times: list[float] = []
        self.ready = threading.Event()
        self.halt = threading.Event()

    def run(self) -> None:
        asyncio.run(self._loop())

    async def _loop(self) -> None:
        url = POSTGRES_URL if self.dialect == "postgres" else MYSQL_URL
        conn = await _connect(self.dialect, url, self.database)
        self.ready.set()
        i = 0
        try:
            while not self.halt.is_set():
                start = time.perf_counter()
                await _execute(self.dialect, conn,
                               "INSERT INTO event (kind, payload) VALUES ($1, $2)", i % 97,
                               f"w{i}")
                self.times.append(time.perf_counter() - start)
                i += 1
        finally:
            if self.dialect == "postgres":
                await conn.close()
            else:
                conn.close()


def measure(dialect: str, way: str, rows: int, root: Path) -> dict[str, Any]:
    name = f"pw_bench_{uuid.uuid4().hex[:10]}"
    url = POSTGRES_URL if dialect == "postgres" else MYSQL_URL
    run_sql(dialect, f'CREATE DATABASE "{name}"' if dialect == "postgres" else
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        project = root / name
        (project / "proj").mkdir(parents=True)
        (project / "proj" / "__init__.py").write_text("")
        (project / "proj" / "models.py").write_text("")
        db_url = urlparse(url)._replace(path=f"/{name}").geturl()
        (project / "proj" / "config.py").write_text(
            f'TORTOISE_ORM = {{"connections": {{"default": {db_url!r}}}, "apps": {{"models": '
            f'{{"models": ["proj.models"]}}}}}}\n')
        d = project / "migrations" / "models"
        d.mkdir(parents=True)
        (d / "0001_event.py").write_text(CREATE)
        (d / "0002_index.py").write_text(ADD_INDEX.replace("{safe}", str(way == "lock-aware")))
        cli = [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", "migrate",
               "--app", "models"]
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        subprocess.run([*cli, "0001_event"], cwd=project, env=env, check=True,
                       capture_output=True)
        if dialect == "postgres":
            fill = (f"INSERT INTO event (kind, payload) SELECT g % 97, md5(g::text) "
                    f"FROM generate_series(1, {rows}) g")
        else:
            fill = (f"INSERT INTO event (kind, payload) SELECT seq % 97, md5(seq) "
                    f"FROM seq_1_to_{rows}")
        run_sql(dialect, fill, name)
        writer = Writer(dialect, name)
        writer.start()
        writer.ready.wait(10)
        time.sleep(0.5)
        start = time.perf_counter()
        if way == "forced copy":
            run_sql(dialect, "ALTER TABLE event ADD INDEX idx_event_payload (payload, kind), "
                    "ALGORITHM=COPY", name)
        else:
            subprocess.run(cli, cwd=project, env=env, check=True, capture_output=True)
        took = time.perf_counter() - start
        time.sleep(0.5)
        writer.halt.set()
        writer.join(60)
        times = sorted(writer.times)
        return {"dialect": dialect, "way": way, "rows": rows, "longest": times[-1],
                "p99": times[int(len(times) * 0.99)], "median": statistics.median(times),
                "inserts": len(times), "migrate": took}
    finally:
        run_sql(dialect, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                if dialect == "postgres" else f"DROP DATABASE IF EXISTS `{name}`")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dialects", default="postgres,mysql")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for dialect in args.dialects.split(","):
            ways = ["plain", "lock-aware"] + (["forced copy"] if dialect == "mysql" else [])
            for way in ways:
                r = measure(dialect, way, args.rows, Path(tmp))
                results.append(r)
                print(f"{r['dialect']:<9} {r['way']:<12} rows {r['rows']:>9,}  longest write "
                      f"{r['longest'] * 1000:8.1f} ms  p99 {r['p99'] * 1000:6.1f} ms  median "
                      f"{r['median'] * 1000:5.2f} ms  inserts {r['inserts']:>6}  index added in "
                      f"{r['migrate']:5.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
