"""sqlmigrate: the SQL of one migration as migrate runs it, printed, not run."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import output

DESCRIPTION = """\
print the SQL of one migration as migrate runs it, without running it: its statements, framed
as the executor runs them (one transaction on SQLite and PostgreSQL, with foreign keys off
around it and a PRAGMA foreign_key_check on SQLite; bare on MySQL and for atomic = False),
rendered on top of the state of the migrations it depends on. RunSQL prints its SQL; RunPython
prints a comment line in its place. With --dialect no database is opened; without it the
dialect of the app's connection is taken from the config (still without connecting)."""

EPILOG = """\
examples:
  tortoise-pathway --config myapp.config sqlmigrate models 20240501143025_initial
  tortoise-pathway --config myapp.config sqlmigrate models 2024050114 --dialect postgres
  tortoise-pathway --config myapp.config sqlmigrate models 20240501143025 --backward"""


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    sq = add("sqlmigrate", "print the SQL of one migration (nothing is run)", DESCRIPTION,
             app_option=False)
    sq.epilog = EPILOG
    sq.add_argument("app", metavar="APP", help="app label from TORTOISE_ORM['apps']")
    sq.add_argument("migration", metavar="MIGRATION",
                    help="the migration's name, or a prefix only it starts with (e.g. its "
                         "timestamp)")
    sq.add_argument("--backward", action="store_true",
                    help="print the SQL that reverts it (as rollback runs it) instead")
    sq.add_argument("--dialect", choices=("sqlite", "postgres", "mysql"),
                    help="render for this database without opening any connection "
                         "(default: the dialect of the app's connection in the config)")
    sq.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    await integrator.initialize(connect=False, models=False)
    for line in integrator.sqlmigrate(args.app, args.migration, backward=args.backward,
                                      dialect=args.dialect):
        output.line(line)
    return 0
