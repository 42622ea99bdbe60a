"""check: the models against the migrations, and each database against the state its
applied migrations describe.

Part (a) is makemigrations without writing anything. Part (b) reads each database with
live.py and hands it, with the history of the migrations applied there, to the engine
(``_engine.compare``), which lists the differences and, with ``sql``, the statements that
bring the database back to what the migrations describe. A migration cut off in the middle
of a run without a transaction is compared as far as it got, and said.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import _engine, live
from .context import Context
from .loader import Key
from .makemigrations import MadeMigration, make_migrations
from .migrate import render_migration
from .migration import Migration
from .questioner import Questioner
from .recorder import AppliedMigration


@dataclass
class Drift:
    """One database against the migrations applied to it."""

    connection: str
    dialect: str
    apps: list[str]
    #: {"object", "message", "name_only"} per difference, from the engine
    differences: list[dict[str, Any]] = field(default_factory=list)
    #: what was not compared (objects the engine cannot describe yet, edited files)
    notes: list[str] = field(default_factory=list)
    #: what makes the comparison itself uncertain: partly applied runs, missing files
    problems: list[str] = field(default_factory=list)
    #: with sql=True: the statements that bring the database to the migrations' state
    sql: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.differences and not self.problems


@dataclass
class CheckReport:
    #: per app with model changes that no migration holds (a dry-run makemigrations)
    pending: list[MadeMigration] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.pending and all(d.clean for d in self.drift)


def model_changes(ctx: Context, apps: list[str]) -> list[MadeMigration]:
    """The migrations makemigrations would write for ``apps`` (nothing is written or asked;
    renames are not guessed)."""
    made = make_migrations(ctx, apps, dry_run=True, questioner=Questioner(interactive=False))
    return [m for m in made if m.path is not None]


async def check(ctx: Context, apps: list[str], sql: bool = False) -> CheckReport:
    report = CheckReport(pending=model_changes(ctx, apps))
    applied = await ctx.applied_rows(read_only=True)
    for conn in ctx.project.connections(apps):
        report.drift.append(await database_drift(ctx, conn, apps, applied, sql))
    return report


async def database_drift(ctx: Context, conn: str, apps: list[str],
                         applied: dict[Key, AppliedMigration], sql: bool = False) -> Drift:
    """The database of connection ``conn`` against the migrations of its apps applied there.
    With only some of its apps asked for, the tables of the others are left out."""
    migrations = ctx.set()
    dialect = ctx.dialect(conn)
    conn_apps = ctx.project.apps_on(conn)
    drift = Drift(conn, dialect, [a for a in conn_apps if a in apps])
    keys = [k for k in migrations.order() if k[0] in conn_apps and k in applied]
    missing = sorted(k for k in applied if k[0] in conn_apps and not migrations.accounted(k))
    for k in missing:
        drift.problems.append(f"applied migration {k[0]}.{k[1]} has no file: the state it "
                              "left cannot be compared")
    if missing:
        return drift
    for k in keys:
        info = migrations.migrations.peek(k)
        if info.checksum != applied[k].checksum:
            drift.notes.append(f"{info.label} was changed after it was applied: compared as "
                               "the file is now")
    partial = [(key, p) for key, p in sorted(ctx.progress_rows.items())
               if key[0] in conn_apps and key in migrations.migrations]
    # each migration on its own where a partly done one is taken out of it
    history = migrations.history(keys) if partial else migrations.history_of(keys)
    for key, p in partial:
        m = migrations.migrations[key]
        ops, note = _completed(ctx, m, p.direction, p.done, applied)
        verb = "applied" if p.direction == "forward" else "reverted"
        again = "migrate" if p.direction == "forward" else "rollback"
        drift.problems.append(
            f"{m.label} is partly {verb}: {p.done} of {p.total} steps done{note}; run "
            f"{again} to finish it")
        if p.direction == "forward":
            history = history + [(m.label, ops)]
        else:
            history = [h for h in history if h[0] != m.label] + [(m.label, ops)]
    client = ctx.client(conn)
    expected = _engine.replay(history)
    found = await live.read(client, dialect, schemas=live.schemas_of(expected))
    drift.notes += found.notes
    tables = None
    others = [a for a in conn_apps if a not in apps]
    if others:
        theirs = {t["name"] for t in _engine.replay(
            migrations.history([k for k in keys if k[0] in others]))["tables"]}
        ours = {t["name"] for t in expected["tables"]}
        tables = sorted((ours | set(found.table_names())) - theirs)
    result = _engine.compare(found.schema, history, dialect, tables=tables, sql=sql)
    drift.differences = result["differences"]
    drift.sql = result.get("sql", [])
    return drift


def _completed(ctx: Context, m: Migration, direction: str, done: int,
               applied: dict[Key, AppliedMigration]) -> tuple[list[dict[str, Any]], str]:
    """The operations of ``m`` in effect after ``done`` steps of a run in ``direction``, and a
    note when the run stopped inside an operation (whose objects then may differ)."""
    backward = direction == "backward"
    render_migration(ctx, m, applied, backward)
    steps = m.steps(backward)
    ops = m.ops_data()
    finished = {i for i, _ in steps[:done]} - {i for i, _ in steps[done:]}
    started = {i for i, _ in steps[:done]} - finished
    note = ""
    if started:
        i = min(started)
        note = f", stopped inside operation {i + 1} ({m.operations[i].describe()})"
    if not backward:
        count = max(finished) + 1 if finished else 0
        return ops[:count], note
    first_reverted = min(finished) if finished else len(ops)
    return ops[:first_reverted], note
