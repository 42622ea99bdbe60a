"""The SQL of migrations as they would run, without running them: ``sqlmigrate`` (one
migration), ``migrate --plan`` / ``rollback --plan`` (what would run on the database, which is
only read), ``migrate --sql`` (one script for a DBA, no database at all).

Nothing here renders SQL by itself: migrate.py works out the plan (``migrate_plan``,
``rollback_plan``) and renders it (``render``: the engine, given the replayed state of the
migrations before the run), as the commands that run migrations do; this module frames it as
the executor runs it (sqlscript.py) and adds the history rows a script must write
(recorder.py). Without a database, the dialect is the one given, else the one of the app's
connection as the config names it (Tortoise's client knows it without connecting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import migrate
from .context import DIALECTS, Context
from .exceptions import ConfigError, UnsupportedError
from .lint import Finding, lint_keys, server_of
from .loader import Key
from .migration import Migration
from .ops import RunPython
from .recorder import Recorder
from .sqlscript import frame, statement


@dataclass
class Planned:
    """One migration of a plan: its label, a note (a resumed or partial run) and its framed
    script lines."""

    label: str
    lines: list[str]
    note: str = ""
    #: what lint finds in it on its database (forward plans; not for the schema an empty
    #: database is created with at once)
    findings: list[Finding] = field(default_factory=list)


@dataclass
class PlanPreview:
    """What migrate or rollback would run."""

    backward: bool = False
    migrations: list[Planned] = field(default_factory=list)
    #: how many migrations that is (an empty database's leading ones are one entry)
    count: int = 0
    #: what the command says when there is nothing to run
    nothing: str = ""


def dialect_for(ctx: Context, app: str, dialect: str | None) -> str:
    """``dialect`` when given (checked), else that of the app's connection, read from the
    config without connecting."""
    if dialect is None:
        return ctx.app_dialect(app)
    if dialect not in DIALECTS:
        raise ConfigError(f"unknown dialect {dialect!r}; use one of {', '.join(DIALECTS)}",
                          path=dialect)
    return dialect


def _code_name(code: Callable[..., Any]) -> str:
    return str(getattr(code, "__name__", None) or type(code).__name__)


def migration_lines(m: Migration, dialect: str, backward: bool = False,
                    skip: int = 0) -> list[str]:
    """The script lines of ``m`` (its SQL set by migrate.render), framed as the executor runs
    it: each statement ended by ';', Python code as a comment line in its place. ``skip``
    leaves out the steps an interrupted run did."""
    if m.overrides_revert() if backward else m.overrides_apply():
        method = "revert" if backward else "apply"
        body = [f"-- Python: {type(m).__name__}.{method}() (not SQL)"]
    else:
        body = [statement(step) if isinstance(step, str) else
                f"-- RunPython: {_code_name(step)} (not SQL)"
                for _, step in m.steps(backward)[skip:]]
    return frame(body, dialect, m.in_transaction)


def sqlmigrate(ctx: Context, app: str, name: str, backward: bool = False,
               dialect: str | None = None) -> list[str]:
    """The script lines of one migration (``name``: the full name or a unique prefix), as
    migrate runs it on a database where the migrations it depends on (and, ``backward``,
    itself) are applied."""
    ctx.project.select(app)
    migrations = ctx.set()
    m = migrations.find(app, name)
    d = dialect_for(ctx, app, dialect)
    if backward:
        migrate.check_reversible(m)
    before = [k for k in migrations.plan([], [m.key]) if k != m.key]
    migrate.render(ctx, [m.key], before + [m.key] if backward else before, backward, d)
    return migration_lines(m, d, backward) or ["-- no statements"]


async def plan(ctx: Context, apps: list[str], target: str | None = None,
               rollback: bool = False, stage: str | None = None) -> PlanPreview:
    """What ``migrate`` (or ``rollback``) with these arguments would run, read from the
    databases' history (nothing is written, not even the history table)."""
    applied = await ctx.applied_rows(read_only=True)
    ctx.check_files(applied)
    if rollback:
        p = migrate.rollback_plan(ctx, apps, target, applied)
    else:
        migrate.check_stage(stage, target)
        p = migrate.migrate_plan(ctx, apps, target, applied, stage=stage)
    out = PlanPreview(p.backward, nothing=p.nothing)
    migrations = ctx.set()
    if p.partial:
        m = migrations.migrations[p.keys[0]]
        done, count = migrate.partial_undo(ctx, m, applied)
        out.migrations.append(Planned(
            m.label, migration_lines(done, ctx.app_dialect(m.app), backward=True),
            f"the {count} operation(s) its interrupted run completed"))
        out.count = 1
        return out
    keys = p.keys
    out.count = len(keys)
    present = set(applied)  # and those created at once
    if not p.backward:  # an empty database's leading migrations, created at once
        for conn, lead in await migrate.fitting_runs(ctx, migrate.initial_runs(ctx, keys,
                                                                             present)):
            dialect = ctx.dialect(conn)
            batch = migrate.initial_batch(ctx, lead, dialect)
            out.migrations.append(Planned(migrate.initial_label(ctx, lead),
                                          migration_lines(batch, dialect)))
            present.update(lead)
            keys = [k for k in keys if k not in lead]
    migrate.render(ctx, keys, present, p.backward)
    direction = "backward" if p.backward else "forward"
    found: dict[str, list[Finding]] = {}
    if keys and not p.backward:
        conns = ctx.project.connections(list(dict.fromkeys(k[0] for k in keys)))
        found = lint_keys(ctx, keys, {c: await server_of(ctx, c) for c in conns}).by_migration
    for key in keys:
        m = migrations.migrations[key]
        progress = ctx.progress_rows.get(key)
        skip = progress.done if progress and progress.direction == direction else 0
        note = f"resumed after the {skip} step(s) its interrupted run did" if skip else ""
        out.migrations.append(Planned(m.label, migration_lines(
            m, ctx.app_dialect(m.app), p.backward, skip), note, found.get(m.label, [])))
    return out


def _python(m: Migration) -> list[str]:
    """What of ``m`` is Python code (a script cannot hold it)."""
    found = [f"RunPython {_code_name(op.forward)}" for op in m.operations
             if isinstance(op, RunPython)]
    return found + (["a custom apply()"] if m.overrides_apply() else [])


def script(ctx: Context, apps: list[str], target: str | None = None,
           start: str | None = None, dialect: str | None = None) -> list[str]:
    """One SQL script that applies the migrations of ``apps`` (up to ``target``) on one
    database, for a person to run: the history tables if missing, then per migration its
    statements and its history row, framed as the executor runs them. Starts from an empty
    database, or after migration ``start`` (it and what it depends on taken as applied).
    Refuses Python code. Needs no database."""
    migrations = ctx.set()
    conns = ctx.project.connections(apps)
    if len(conns) != 1:
        raise ConfigError(f"--sql writes a script for one database; the apps are on "
                          f"connections {', '.join(conns)}", hint="pass --app")
    if (target is not None or start is not None) and len(apps) != 1:
        raise ConfigError("a target migration or --from needs --app")
    d = dialect_for(ctx, apps[0], dialect)
    applied: list[Key] = []
    if start is not None:
        applied = migrations.plan([], [migrations.find(apps[0], start).key])
    p = migrate.migrate_plan(ctx, apps, target, applied)
    if p.backward:
        raise ConfigError(f"--sql writes scripts that apply migrations; {target} is applied "
                          f"already after {applied[-1][0]}.{applied[-1][1]}", path=target)
    python = [f"{m.label} ({', '.join(_python(m))})"
              for m in (migrations.migrations[k] for k in p.keys) if _python(m)]
    if python:
        raise UnsupportedError(f"a script cannot run Python code: {'; '.join(python)}",
                               hint="apply these migrations with migrate, or start the "
                                    "script after them (--from)")
    migrate.render(ctx, p.keys, applied, backward=False, dialect=d)
    recorder = Recorder(None, d)
    where = (f"after {applied[-1][0]}.{applied[-1][1]}" if applied else
             "from an empty database")
    lines = [f"-- tortoise-pathway: {len(p.keys)} migration(s) of {', '.join(apps)} for "
             f"{d}, {where}",
             "-- each migration writes its row in the history table; run the script once",
             statement(recorder.create_sql()), statement(recorder.create_progress_sql())]
    for key in p.keys:
        m = migrations.migrations[key]
        body = [statement(s) for _, s in m.steps() if isinstance(s, str)]  # no Python here
        body.append(statement(recorder.literal_row(m.app, m.name, m.checksum)))
        lines += ["", f"-- {m.label}", *frame(body, d, m.in_transaction)]
    if not p.keys:
        lines += ["", f"-- {p.nothing}"]
    return lines
