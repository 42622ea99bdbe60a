"""makemigrations [--check | --merge]: the models against the migrations, a new file per changed
app; --merge joins the heads of branches."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ..exceptions import ConfigError
from . import output


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    mk = add("makemigrations", "write a migration for the changes between the models and the "
                               "migrations")
    mk.add_argument("--name", "-n", help="the migration's name (default: derived from changes)")
    mk.add_argument("--empty", action="store_true",
                    help="write an empty migration to fill by hand (RunSQL, RunPython)")
    mk.add_argument("--dry-run", action="store_true",
                    help="show what would be written without writing it")
    mk.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 and list the operations when the models have "
                         "changes that no migration holds (for CI)")
    mk.add_argument("--no-input", action="store_true",
                    help="never ask: renames only from --rename, else drop + add")
    mk.add_argument("--fill", action="append", default=[], metavar="TABLE.COLUMN=VALUE",
                    help="a one-off value for existing rows when a column becomes NOT NULL "
                         "without a default (repeatable; default: the field's Python "
                         "default, else asked on a terminal)")
    mk.add_argument("--merge", action="store_true",
                    help="an app whose migrations were made on separate branches has several "
                         "latest migrations (heads): write a migration that depends on all "
                         "of them; refused, naming each conflict, when the branches change "
                         "the same table, column, index or check")
    mk.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                    help="declare a rename instead of a drop + add: TABLE=NEW_TABLE or "
                         "TABLE.COLUMN=NEW_COLUMN (repeatable)")
    mk.add_argument("--one-migration", action="store_true",
                    help="write a change that mixes expand operations (safe while the running "
                         "release uses the database) and contract ones (drops, renames, "
                         "tightening) as one migration instead of two, the second marked "
                         "stage = \"contract\" (see migrate --stage)")
    mk.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    from ..questioner import Questioner

    if args.merge:
        return await _merge(args, integrator)
    check = args.check
    interactive = not args.no_input and not check and sys.stdin.isatty()
    questioner = Questioner(interactive=interactive, renames=args.rename, fills=args.fill)
    await integrator.initialize(connect=False)
    made = integrator.make_migrations(args.app, name=args.name, empty=args.empty,
                                      dry_run=args.dry_run or check, questioner=questioner,
                                      stages=not args.one_migration)
    needed = False
    for m in made:
        if m.path is None:
            output.line(f"No changes detected in app '{m.app}'.")
            continue
        needed = True
        verb = ("Migrations needed for" if check else
                "Would write" if args.dry_run else "Migrations for")
        output.line(f"{verb} '{m.app}'" + (" (stage contract: migrate --stage contract)"
                                           if m.stage else "") + ":")
        if not check:
            output.line(f"  {m.path}")
        for line in m.operations:
            output.line(f"    - {line}")
        for line in m.warnings:
            output.warn(line)
        for f in [] if check else m.findings:  # --check says only what is missing
            output.warn(f"lint: operation {f.operation} ({f.what}): {f.cls} {f.code}: "
                        f"{f.reason} (safe alternative: {f.alternative})")
    if check and needed:
        output.note("error: the models have changes that no migration holds; run "
                    "makemigrations to write them")
        return 1
    return 0


async def _merge(args: argparse.Namespace, integrator: Any) -> int:
    if args.check or args.empty or args.rename or args.fill:
        raise ConfigError("--merge takes only --app, --name and --dry-run")
    await integrator.initialize(connect=False, heads_ok=True, models=False)
    made = integrator.merge_migrations(args.app, name=args.name, dry_run=args.dry_run)
    if not made:
        output.line("No migrations to merge: every app has one latest migration.")
    for m in made:
        verb = "Would write" if args.dry_run else "Merged"
        output.line(f"{verb} '{m.app}': {', '.join(m.heads)}")
        if m.path is not None:
            output.line(f"  {m.path}")
    return 0
