"""Fleets: ``migrate --tenants`` on many SQLite files and many PostgreSQL schemas, one tenant
at a time (``--concurrency 1``) and eight at once, then again with nothing to do.

    python benchmarks/tenants.py                      # 1000 SQLite files, 200 PG schemas
    python benchmarks/tenants.py --sqlite 100 --schemas 20 --models 10 --migrations 5

The project is generate.py's (reused from ``--out/project_n{N}_m{M}_s1``), its connection
pointed at the tenants by ``--tenants``. Every run is a whole command line (interpreter
start, imports, loading the migration files once, every tenant's connection, history and
SQL), timed with its peak RSS and CPU (os.wait4). Each run is checked: its ``--report`` must
say every tenant was migrated (or, the second time, up to date), and every tenant's history
must hold the M migrations. PostgreSQL runs in a fresh database (``--postgres``, default the
test server), dropped at the end. Exit status 1 on a failed check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlparse

import generate
from run import TOOLS, Run, run_command

HERE = Path(__file__).resolve().parent
FLEET_CONFIG = '''"""The benchmark project's config, its connection from $BENCH_FLEET_URL."""

import os

from benchconfig import TORTOISE_ORM as _BASE

TORTOISE_ORM = {**_BASE, "connections": {"default": os.environ["BENCH_FLEET_URL"]}}
'''


def _pg(url: str, sql: str) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


# The command runs under a small Python that reports its child's peak RSS: a child forked
# straight from this process (which imported asyncpg and the generator) would count this
# process's memory, copied before exec, as its own.
PEAK = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
        "print(f'PEAK_RSS_KIB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}'); "
        "sys.exit(code)")


def _migrate(project: Path, url: str, tenants: Path, concurrency: int, report: Path,
             timeout: float) -> Run:
    import os

    cmd = [sys.executable, "-c", PEAK, sys.executable, "-m", "tortoise_pathway", "--config",
           "benchfleet", "--migrations-dir", generate.PATHWAY_DIR, "migrate", "--tenants",
           str(tenants), "--concurrency", str(concurrency), "--report", str(report)]
    env = dict(os.environ, BENCH_FLEET_URL=url)
    env.pop("TORTOISE_ORM", None)
    run = run_command(cmd, project, env, timeout)
    for line in run.output.splitlines():
        if line.startswith("PEAK_RSS_KIB="):
            run.max_rss_mib = int(line.split("=", 1)[1]) / 1024
    return run


def _check(run: Run, report: Path, status: str, count: int, what: str) -> list[str]:
    if run.returncode != 0:
        return [f"{what}: exit {run.returncode}: {run.output.strip()[-400:]}"]
    counts = json.loads(report.read_text())["counts"]
    if counts != {status: count}:
        return [f"{what}: {counts}, expected {{{status!r}: {count}}}"]
    return []


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sqlite", type=int, default=1000, help="SQLite tenants (files)")
    p.add_argument("--schemas", type=int, default=200, help="PostgreSQL tenants (schemas)")
    p.add_argument("--models", type=int, default=20)
    p.add_argument("--migrations", type=int, default=10)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test",
                   help="a PostgreSQL server to create the benchmark database on")
    p.add_argument("--out", type=Path, default=HERE / "out")
    p.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args(argv)

    project = args.out / f"project_n{args.models}_m{args.migrations}_s1"
    generate.ensure(project, args.models, args.migrations)
    (project / "benchfleet.py").write_text(FLEET_CONFIG)
    n_migrations = len(TOOLS["pathway"].migration_files(project))
    work = args.out / "tenants"
    rows: list[tuple[str, str, Run]] = []
    problems: list[str] = []

    def fleet(kind: str, n: int, concurrency: int, url: str, tenants: list[str],
              history: object) -> None:
        listing = work / f"{kind}.txt"
        listing.write_text("\n".join(tenants) + "\n")
        for label, status in (("migrate", "migrated"), ("again, nothing to do", "up to date")):
            report = work / f"{kind}_{concurrency}.json"
            run = _migrate(project, url, listing, concurrency, report, args.timeout)
            problems.extend(_check(run, report, status, n,
                                   f"{kind} x{n} --concurrency {concurrency} {label}"))
            rows.append((f"{n} {kind}, {label}", f"{concurrency}", run))
        problems.extend(history(n_migrations))  # type: ignore[operator]

    for concurrency in (1, args.concurrency):
        if args.sqlite:
            if work.exists():
                shutil.rmtree(work)
            (work / "files").mkdir(parents=True)
            files = [work / "files" / f"t{i:04d}.sqlite3" for i in range(args.sqlite)]

            def sqlite_history(m: int, files: list[Path] = files) -> list[str]:
                bad = []
                for f in files:
                    with sqlite3.connect(f) as con:
                        rows_ = con.execute("SELECT count(*) FROM pathway_migrations").fetchone()
                    if rows_[0] != m:
                        bad.append(f"{f}: {rows_[0]} history rows, expected {m}")
                return bad[:5]

            fleet("SQLite files", args.sqlite, concurrency,
                  f"sqlite://{work / 'unused.sqlite3'}",
                  [f"sqlite://{f}" for f in files], sqlite_history)
        if args.schemas:
            name = "pw_bench_tenants"
            _pg(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            _pg(args.postgres, f'CREATE DATABASE "{name}"')
            url = urlparse(args.postgres)._replace(path=f"/{name}").geturl()
            schemas = [f"tenant_{i:04d}" for i in range(args.schemas)]
            work.mkdir(parents=True, exist_ok=True)

            def pg_history(m: int, url: str = url, schemas: list[str] = schemas) -> list[str]:
                import asyncpg

                async def go() -> list[str]:
                    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
                    try:
                        union = " UNION ALL ".join(
                            f"SELECT '{s}' AS s, count(*) AS n FROM \"{s}\".pathway_migrations"
                            for s in schemas)
                        return [f"{r['s']}: {r['n']} history rows, expected {m}"
                                for r in await conn.fetch(union) if r["n"] != m]
                    finally:
                        await conn.close()

                return asyncio.run(go())[:5]

            try:
                fleet("PostgreSQL schemas", args.schemas, concurrency, url, schemas,
                      pg_history)
            finally:
                _pg(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"{args.models} models, {n_migrations} migrations per tenant\n")
    print("| fleet | --concurrency | wall s | CPU s | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for what, concurrency, run in rows:
        wall = f"{run.seconds:.2f}" if run.seconds is not None else "timeout"
        print(f"| {what} | {concurrency} | {wall} | {run.cpu_seconds:.2f} | "
              f"{run.max_rss_mib:.0f} |")
    for problem in problems:
        print(f"FAILED CHECK: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
