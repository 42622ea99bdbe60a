"""migrate and rollback: apply or revert migrations, only record them (--fake), show what
would run (--plan), or write it as one SQL script to run by hand (migrate --sql)."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigError
from . import fleet, output

MIGRATE_DESCRIPTION = """\
apply pending migrations (of --app, or every app), each with its history row, under a lock
per database; with a target, bring the app exactly to that migration (later ones are
reverted). --plan prints what would run, migration by migration with its SQL, and changes
nothing. --sql prints one SQL script that applies the migrations on a database by hand,
history rows included, and opens no database."""

MIGRATE_EPILOG = """\
examples:
  tortoise-pathway --config myapp.config migrate --app models
  tortoise-pathway --config myapp.config migrate --app models 20240501143025_initial
  tortoise-pathway --config myapp.config migrate --plan
  tortoise-pathway --config myapp.config migrate --stage expand     # before the deploy
  tortoise-pathway --config myapp.config migrate --stage contract   # after it
  tortoise-pathway --config myapp.config migrate --app models --sql --dialect postgres > all.sql
  tortoise-pathway --config myapp.config migrate --app models --sql --from 20240501143025
  tortoise-pathway --config myapp.config migrate --tenants tenants.txt --concurrency 8 \
      --report fleet.json"""

ROLLBACK_DESCRIPTION = """\
revert the latest applied migration of the app, or every migration after a target (which
stays applied); migrations of other apps that depend on them are reverted first. --plan
prints what would be reverted, with its SQL, and changes nothing."""


def _lock_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lock-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="how long to wait for another migration command (default: 60)")
    p.add_argument("--allow-changed", action="store_true",
                   help="go on although an applied migration's file changed or is missing")


def _plan_option(p: argparse.ArgumentParser, verb: str) -> None:
    p.add_argument("--plan", "--dry-run", dest="plan", action="store_true",
                   help=f"print the migrations that would be {verb}, each with its SQL as it "
                        "would run, and change nothing (the database is only read)")


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    mg = add("migrate", "apply pending migrations", MIGRATE_DESCRIPTION)
    mg.epilog = MIGRATE_EPILOG
    _lock_options(mg)
    mg.add_argument("target", nargs="?",
                    help="bring the app to this migration (a name or a unique prefix); later "
                         "ones are reverted")
    mg.add_argument("--fake", action="store_true",
                    help="record the migrations as applied without running them (a warning "
                         "line each)")
    mg.add_argument("--fake-initial", action="store_true",
                    help="record an app's first migration as applied when the database "
                         "already has its tables exactly as it describes them; stop and list "
                         "the differences otherwise")
    _plan_option(mg, "applied (or, down to a target, reverted)")
    mg.add_argument("--sql", action="store_true",
                    help="print one SQL script that applies the migrations (up to the target) "
                         "by hand: the history table if missing, then per migration its "
                         "statements and history row, in a transaction where the database "
                         "has one; no database is opened; refused for migrations that run "
                         "Python code")
    mg.add_argument("--stage", choices=("expand", "contract"),
                    help="expand: apply only the migrations safe while the running release "
                         "uses the database (additions; up to the first pending contract "
                         "migration), before deploying the new release; contract: the rest "
                         "(drops, renames, tightening), after it (default: every pending "
                         "migration, in order)")
    mg.add_argument("--dialect", choices=("sqlite", "postgres", "mysql"),
                    help="with --sql: the database the script is for (default: the dialect "
                         "of the app's connection in the config)")
    mg.add_argument("--from", dest="start", metavar="MIGRATION",
                    help="with --sql: start after this migration, taking it and the "
                         "migrations it depends on as applied (default: an empty database)")
    fleet.options(mg)
    mg.set_defaults(handler=run_migrate)

    rb = add("rollback", "revert the latest applied migration, or down to a target",
             ROLLBACK_DESCRIPTION)
    _lock_options(rb)
    rb.add_argument("target", nargs="?",
                    help="revert every migration after this one (which stays applied)")
    rb.add_argument("--fake", action="store_true",
                    help="remove the history rows without reverting anything (a warning line "
                         "each)")
    _plan_option(rb, "reverted")
    fleet.options(rb)
    rb.set_defaults(handler=run_rollback)


def _refuse(args: argparse.Namespace, option: str, *others: str) -> None:
    """One-line error when ``option`` is combined with an option it excludes."""
    for other in others:
        if getattr(args, other.lstrip("-").replace("-", "_"), None):
            raise ConfigError(f"{option} cannot be combined with {other}")


async def run_migrate(args: argparse.Namespace, integrator: Any) -> int:
    fleet.check(args, "--sql", "--plan", "--fake", "--fake-initial", "--dialect", "--from")
    if args.tenants is not None:
        return await fleet.run(args, integrator, rollback=False)
    if args.sql:
        _refuse(args, "--sql", "--plan", "--fake", "--fake-initial", "--stage")
        await integrator.initialize(connect=False, models=False)
        for line in integrator.sql_script(args.app, args.target, start=args.start,
                                          dialect=args.dialect):
            output.line(line)
        return 0
    if args.dialect or args.start:
        raise ConfigError(f"{'--dialect' if args.dialect else '--from'} goes with --sql")
    if args.plan:
        _refuse(args, "--plan", "--fake", "--fake-initial")
        return await _print_plan(args, integrator, rollback=False)
    await integrator.initialize(models=False)  # loaded if a migration runs Python
    await integrator.migrate(args.app, args.target, fake=args.fake,
                             fake_initial=args.fake_initial, stage=args.stage)
    return 0


async def run_rollback(args: argparse.Namespace, integrator: Any) -> int:
    fleet.check(args, "--plan", "--fake")
    if args.tenants is not None:
        return await fleet.run(args, integrator, rollback=True)
    if args.plan:
        _refuse(args, "--plan", "--fake")
        return await _print_plan(args, integrator, rollback=True)
    await integrator.initialize(models=False)  # loaded if a migration runs Python
    await integrator.rollback(args.app, args.target, fake=args.fake)
    return 0


async def _print_plan(args: argparse.Namespace, integrator: Any, rollback: bool) -> int:
    # reads the history, creates nothing; the models are not imported
    await integrator.initialize(connect=False, models=False)
    preview = await integrator.plan(args.app, args.target, rollback=rollback,
                                    stage=None if rollback else args.stage)
    if not preview.migrations:
        output.line(preview.nothing)
        return 0
    verb = "revert" if preview.backward else "apply"
    output.line(f"Would {verb} {preview.count} migration(s) (nothing was run):")
    for m in preview.migrations:
        output.line(f"{m.label}" + (f" ({m.note})" if m.note else ""))
        for f in m.findings:
            if f.note:
                continue  # RunSQL / RunPython: lint notes them, the plan shows their SQL
            what = f"{f.cls} {f.code}" + (" (allowed)" if f.allowed else "")
            output.line(f"    -- lint: operation {f.operation} ({f.what}): {what}: {f.reason}; "
                        f"safe alternative: {f.alternative}")
        for line in m.lines or ["-- no statements"]:
            output.line(textwrap.indent(line, "    "))
    return 0
