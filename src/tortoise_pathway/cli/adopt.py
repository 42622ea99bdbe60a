"""adopt: an existing database (made by generate_schemas, Aerich or Tortoise's built-in
migrations) brought under tortoise-pathway, its live tables as the baseline."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from . import output

DESCRIPTION = """\
adopt an existing database: for an app without migrations, write its initial migration from
the tables the database holds (names of constraints and indexes included) and record it as
applied, then, where the database differs from the models, write a catch-up migration to
review and migrate. Tables that no model of the app names are left alone. For an app that
has migrations, record its first one as applied when the database holds its tables.
Nothing is dropped; running it again is harmless."""


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    ad = add("adopt", "bring an existing database under tortoise-pathway", DESCRIPTION)
    ad.add_argument("--no-input", action="store_true",
                    help="never ask (the catch-up migration): renames only from --rename, "
                         "else drop + add")
    ad.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                    help="declare a rename for the catch-up migration: TABLE=NEW_TABLE or "
                         "TABLE.COLUMN=NEW_COLUMN (repeatable)")
    ad.add_argument("--fill", action="append", default=[], metavar="TABLE.COLUMN=VALUE",
                    help="a one-off value for existing rows when the catch-up makes a column "
                         "NOT NULL (repeatable)")
    ad.add_argument("--lock-timeout", type=float, default=60.0, metavar="SECONDS",
                    help="how long to wait for another migration command (default: 60)")
    ad.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    from ..questioner import Questioner

    questioner = Questioner(interactive=not args.no_input and sys.stdin.isatty(),
                            renames=args.rename, fills=args.fill)
    await integrator.initialize()
    report = await integrator.adopt(args.app, questioner)
    for a in report.apps:
        if a.already:
            output.line(f"App '{a.app}' is already under tortoise-pathway (its first migration "
                        "is applied); nothing to do (makemigrations writes what the models "
                        "changed since).")
            continue
        output.line(f"App '{a.app}': the database was made by {a.origin}.")
        for path in a.initial:
            output.line(f"  wrote {path} from the database and recorded it as applied")
        for statement in a.renamed:
            output.line(f"  renamed to the names the migrations use: {statement}")
        for label in a.recorded:
            output.line(f"  recorded {label} as applied: the database holds its tables")
        if a.catch_up:
            names = (f" ({a.names_only} only in the name of a constraint or an index)"
                     if a.names_only else "")
            output.line(f"  the database differs from the models in {len(a.differences)} "
                        f"way(s){names}:")
            for d in a.differences:
                output.line(f"    {d}")
            for m in a.catch_up:
                output.line(f"  wrote {m.path}: review it, then run migrate")
                for w in m.warnings:
                    output.warn(w)
        elif a.initial:
            output.line("  the database holds what the models describe: nothing to catch up")
        if a.foreign_files:
            output.line(f"  {len(a.foreign_files)} Aerich migration file(s) in "
                        f"{a.foreign_files[0].parent} are left where they are; tortoise-pathway "
                        "does not run them (delete them once you no longer need Aerich)")
        if a.unmanaged:
            output.line(f"  left alone (no model of the app names them): "
                        f"{', '.join(a.unmanaged)}")
    return 0
