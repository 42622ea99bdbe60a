"""adopt and --fake-initial: databases that tortoise-pathway did not build, brought under it.

``adopt`` takes the live database as the baseline. For an app without migrations it writes
the initial migration from the live tables its models name (``_engine.adopt_baseline``: what
is there, names of constraints and indexes included), records it as applied, and writes a
catch-up migration where the database differs from the models (makemigrations, questions
and all), to review and migrate. Tables no model of the app names are left alone and listed.
For an app that has migrations it records the first one when the database holds its tables
as it describes them (--fake-initial), after renaming constraints where only their names
differ.

``fake_initial`` is migrate --fake-initial: an app's first migration whose tables all exist
is recorded as applied when the database holds them exactly as it describes; otherwise
nothing is changed and the differences are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _engine, introspect, live
from .context import Context
from .exceptions import DriftError, MigrationFailed, NothingToDo
from .loader import Key
from .makemigrations import MadeMigration, make_migrations
from .migration import Migration
from .questioner import Questioner
from .recorder import AppliedMigration


@dataclass
class AppAdoption:
    """What adopt did for one app."""

    app: str
    #: which tool the database looks made by ("Aerich (...)", "generate_schemas ...")
    origin: str = ""
    #: migrations written from the database and recorded as applied
    initial: list[Path] = field(default_factory=list)
    #: migrations already there, recorded as applied (an app that had migrations)
    recorded: list[str] = field(default_factory=list)
    #: catch-up migrations written (to review, then migrate)
    catch_up: list[MadeMigration] = field(default_factory=list)
    #: how the database differs from the models, one line each
    differences: list[str] = field(default_factory=list)
    #: how many of them are only the name of a constraint or an index (renamed, no lock)
    names_only: int = 0
    #: statements run to rename constraints whose names alone differed
    renamed: list[str] = field(default_factory=list)
    #: tables of the database that no model of the app names, left alone
    unmanaged: list[str] = field(default_factory=list)
    #: another tool's migration files in the app's migrations folder, left alone
    foreign_files: list[Path] = field(default_factory=list)
    #: nothing to do: the app was already under tortoise-pathway
    already: bool = False


@dataclass
class AdoptReport:
    apps: list[AppAdoption] = field(default_factory=list)


async def adopt(ctx: Context, apps: list[str], questioner: Questioner | None) -> AdoptReport:
    """Under the migration lock: reads the databases, records what they hold; then (the lock
    let go: nothing more is written to a database, and questions may wait for an answer)
    writes the catch-up migrations."""
    report = AdoptReport()
    databases: dict[str, live.Live] = {}
    fresh: list[str] = []
    async with ctx.locked():
        applied = await ctx.applied_rows()
        ctx.check_files(applied)
        migrations = ctx.set()
        for app in apps:
            conn = ctx.project.connection(app)
            if conn not in databases:
                schemas = {s for a in ctx.project.apps_on(conn)
                           for s in live.schemas_of(introspect.app_schema(a))}
                databases[conn] = await live.read(ctx.client(conn), ctx.dialect(conn),
                                                  schemas=schemas)
            found = databases[conn]
            result = AppAdoption(app, await _origin(ctx, conn, found, app))
            result.foreign_files = [f for f in migrations.foreign if f.parent.name == app]
            report.apps.append(result)
            order = migrations.app_order(app)
            if order:
                await _adopt_existing(ctx, app, migrations.migrations[order[0]], applied,
                                      result)
            else:
                fresh.append(app)
        results = [r for r in report.apps if r.app in fresh]
        names = await _record_baselines(ctx, results, databases) if fresh else {}
    if fresh:
        _catch_up(ctx, results, databases, names, questioner)
    return report


async def _origin(ctx: Context, conn: str, found: live.Live, app: str) -> str:
    """Which tool the database of ``conn`` looks made by, for the user."""
    client = ctx.client(conn)
    dialect = ctx.dialect(conn)
    for table, tool in (("aerich", "Aerich"),
                        ("tortoise_migrations", "Tortoise's built-in migrations")):
        if table not in found.bookkeeping:
            continue
        q = _engine.quote_ident
        mark = {"postgres": "$1", "mysql": "%s"}.get(dialect, "?")
        try:
            rows = await client.execute_query_dict(
                f"SELECT COUNT(*) AS n FROM {q(table, dialect)} WHERE {q('app', dialect)} = "
                f"{mark}", [app])
            count = int(rows[0]["n"])
        except Exception:  # a table of that name that is not the tool's: say so plainly
            return f"{tool} (table {table})"
        return f"{tool} (table {table}: {count} migration(s) of app {app})"
    if found.table_names():
        return "generate_schemas() or by hand (no migration table)"
    return "an empty database"


async def _adopt_existing(ctx: Context, app: str, first: Migration,
                          applied: dict[Key, AppliedMigration], result: AppAdoption) -> None:
    """An app that has migrations: record the first when the database holds its tables."""
    if first.key in applied:
        result.already = True
        return
    verdict = await initial_verdict(ctx, first, applied)
    if verdict.state == "absent":
        raise NothingToDo(
            f"app {app}: the database has none of the tables {first.label} creates "
            f"({', '.join(verdict.tables)}); there is nothing to adopt", path=first.label,
            hint="run migrate to create them")
    if verdict.state == "partial":
        raise _partial_error(first, verdict)
    renames = [d for d in verdict.differences if d["name_only"]]
    others = [d for d in verdict.differences if not d["name_only"]]
    if others:
        raise DriftError(
            f"app {app}: the database differs from {first.label} in {len(others)} way(s); "
            "nothing was changed", [d["message"] for d in verdict.differences],
            path=first.label,
            hint="make the database match (check --sql prints the statements), or adopt "
                 "with the app's migrations moved away, so that they are written from the "
                 "database")
    if renames:
        recorder = ctx.app_recorder(app)
        for statement in verdict.sql:
            await recorder.client.execute_script(statement)
            result.renamed.append(statement)
    recorder = ctx.app_recorder(app)
    await recorder.record_applied(recorder.client, app, first.name, first.checksum)
    result.recorded.append(first.label)


async def _record_baselines(ctx: Context, results: list[AppAdoption],
                            databases: dict[str, live.Live]) -> dict[str, set[str]]:
    """Apps without migrations: initial migrations written from the database and recorded as
    applied. Returns each app's model tables."""
    baselines: dict[str, dict[str, Any]] = {}
    names: dict[str, set[str]] = {}
    taken: dict[str, set[str]] = {}  # per connection: the live tables some app adopted
    for r in results:
        conn = ctx.project.connection(r.app)
        found = databases[conn]
        target = introspect.app_schema(r.app)
        names[r.app] = {t["name"] for t in target["tables"]}
        baselines[r.app], adopted = _engine.adopt_baseline(found.schema, target,
                                                           ctx.dialect(conn))
        if not adopted:
            raise NothingToDo(
                f"app {r.app}: the database of connection {conn!r} has none of its tables "
                f"({', '.join(sorted(names[r.app]))}); there is nothing to adopt",
                path=r.app, hint="run makemigrations and migrate to create them")
        taken.setdefault(conn, set()).update(adopted)
    others = _other_apps_tables(ctx, [x.app for x in results])
    for r in results:
        conn = ctx.project.connection(r.app)
        r.unmanaged = sorted(set(databases[conn].table_names()) - taken[conn] - others)
    apps = [r.app for r in results]
    title = ("Adopted by tortoise-pathway: the tables as the database held them "
             f"({results[0].origin}).")
    made = make_migrations(ctx, apps, name="initial", targets=baselines, title=title)
    migrations = ctx.set()
    for m in made:
        if m.path is None:
            continue
        key = (m.app, m.path.stem)
        migration = migrations.migrations[key]
        recorder = ctx.app_recorder(m.app)
        await recorder.record_applied(recorder.client, m.app, migration.name,
                                      migration.checksum)
        next(r for r in results if r.app == m.app).initial.append(m.path)
    return names


def _catch_up(ctx: Context, results: list[AppAdoption], databases: dict[str, live.Live],
              names: dict[str, set[str]], questioner: Questioner | None) -> None:
    """The catch-up migrations, where the models differ from the baselines, and how the
    databases differ from the models."""
    apps = [r.app for r in results]
    migrations = ctx.set()
    catch_up = make_migrations(ctx, apps, name="catch_up", questioner=questioner)
    for r in results:
        r.catch_up = [m for m in catch_up if m.app == r.app and m.path is not None]
        conn = ctx.project.connection(r.app)
        history = migrations.history_of(migrations.app_order(r.app))
        compared = _engine.compare(databases[conn].schema, history, ctx.dialect(conn),
                                   tables=sorted(names[r.app]))
        r.differences = [d["message"] for d in compared["differences"]]
        r.names_only = sum(1 for d in compared["differences"] if d["name_only"])


def _other_apps_tables(ctx: Context, apps: list[str]) -> set[str]:
    """The tables the migrations of the other apps create (they are not unmanaged)."""
    migrations = ctx.set()
    others = [k for k in migrations.order() if k[0] not in apps]
    if not others:
        return set()
    return {t["name"] for t in _engine.replay(migrations.history(others))["tables"]}


# ---- --fake-initial -------------------------------------------------------------------------

@dataclass
class Verdict:
    """How the database stands against an app's first migration."""

    #: "absent" (none of its tables), "partial" (some), "present" (all)
    state: str
    tables: list[str]
    present: list[str] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)
    #: the statements that make the database hold exactly the migration's tables
    sql: list[str] = field(default_factory=list)


async def initial_verdict(ctx: Context, m: Migration, applied: dict[Key, AppliedMigration]
                          ) -> Verdict:
    """The tables ``m`` creates, which of them the database has, and (when it has all) how
    they differ from what ``m`` describes."""
    created = [op["table"] for op in m.ops_data() if op["op"] == "create_model"]
    tables = sorted(t["name"] for t in created)
    if not tables:
        return Verdict("absent", tables)
    conn = ctx.project.connection(m.app)
    dialect = ctx.dialect(conn)
    found = await live.read(ctx.client(conn), dialect, tables,
                            schemas=live.schemas_of({"tables": created}))
    present = found.table_names()
    if not present:
        return Verdict("absent", tables)
    if len(present) < len(tables):
        return Verdict("partial", tables, present)
    migrations = ctx.set()
    conn_apps = set(ctx.project.apps_on(conn))
    before = [k for k in migrations.order() if k in applied and k[0] in conn_apps]
    history = migrations.history(before) + [(m.label, m.ops_data())]
    result = _engine.compare(found.schema, history, dialect, tables=tables, sql=True)
    return Verdict("present", tables, present, result["differences"], result["sql"])


def _partial_error(m: Migration, v: Verdict) -> MigrationFailed:
    missing = [t for t in v.tables if t not in v.present]
    return MigrationFailed(
        f"{m.label} creates tables {', '.join(v.tables)}; the database has "
        f"{', '.join(v.present)} but not {', '.join(missing)}: it can neither be applied nor "
        "recorded as applied; nothing was changed", path=m.label,
        hint="drop the tables it left (if that run failed) or create the missing ones, then "
             "run again")


async def fake_initial(ctx: Context, plan: list[Key], applied: dict[Key, AppliedMigration]
                       ) -> list[Key]:
    """The first migrations of the plan's apps that the database already holds, recorded as
    applied. Every app is checked before anything is recorded."""
    migrations = ctx.set()
    first_of = {k[0]: migrations.app_order(k[0])[0] for k in plan}
    faked: list[Key] = []
    for key in first_of.values():
        if key not in plan:
            continue
        m = migrations.migrations[key]
        v = await initial_verdict(ctx, m, applied)
        if v.state == "absent":
            continue
        if v.state == "partial":
            raise _partial_error(m, v)
        if v.differences:
            raise DriftError(
                f"--fake-initial: the tables of {m.label} differ from what it describes in "
                f"{len(v.differences)} way(s); nothing was changed",
                [d["message"] for d in v.differences], path=m.label,
                hint="make them match (check --sql prints the statements), or use adopt, "
                     "which takes the database as it is")
        faked.append(key)
    for key in faked:
        m = migrations.migrations[key]
        recorder = ctx.app_recorder(m.app)
        await recorder.record_applied(recorder.client, m.app, m.name, m.checksum)
        ctx.report(f"warning: {m.label}: its tables exist and match; marked as applied "
                   "without running it (--fake-initial)")
    return faked
