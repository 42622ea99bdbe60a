"""The command line: ``tortoise-pathway`` / ``python -m tortoise_pathway``.

Each command is a thin call into the integrator. A PathwayError becomes one line on stderr
(plus a hint) and exit status 1; ``--traceback`` shows the stack as well.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from .exceptions import NothingToDo, PathwayError

DESCRIPTION = "Schema migrations for Tortoise ORM."

EPILOG = """\
examples:
  tortoise-pathway --config myapp.config makemigrations --app models
  tortoise-pathway --config myapp.config migrate --app models
  tortoise-pathway --config myapp.config showmigrations --app models
  tortoise-pathway --config myapp.config rollback --app models

--config names a Python module that holds TORTOISE_ORM (or MODULE.VARIABLE); it is imported
from the current directory. Without --config, [tool.tortoise-pathway] config = "..." in
./pyproject.toml is used."""


def _common(p: argparse.ArgumentParser, default: Any) -> None:
    p.add_argument("--config", "-c", default=default, metavar="MODULE",
                   help="module holding TORTOISE_ORM, or MODULE.VARIABLE")
    p.add_argument("--migrations-dir", default=default, metavar="DIR",
                   help="folder with one sub-folder of migrations per app (default: migrations)")
    p.add_argument("--traceback", "-v", action="store_true", default=default,
                   help="show the full stack trace on errors")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tortoise-pathway", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(parser, None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        _common(p, argparse.SUPPRESS)
        p.add_argument("--app", "-a", help="app label from TORTOISE_ORM['apps'] "
                       "(default: every app)")
        return p

    mk = add("makemigrations", "write a migration for the changes between the models and the "
                               "migrations")
    mk.add_argument("--name", "-n", help="the migration's name (default: derived from changes)")
    mk.add_argument("--empty", action="store_true",
                    help="write an empty migration to fill by hand (RunSQL, RunPython)")
    mk.add_argument("--dry-run", action="store_true",
                    help="show what would be written without writing it")
    mk.add_argument("--no-input", action="store_true",
                    help="never ask: renames only from --rename, else drop + add")
    mk.add_argument("--fill", action="append", default=[], metavar="TABLE.COLUMN=VALUE",
                    help="a one-off value for existing rows when a column becomes NOT NULL "
                         "without a default (repeatable; default: the field's Python "
                         "default, else asked on a terminal)")
    mk.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                    help="declare a rename instead of a drop + add: TABLE=NEW_TABLE or "
                         "TABLE.COLUMN=NEW_COLUMN (repeatable)")

    def lock_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lock-timeout", type=float, default=60.0, metavar="SECONDS",
                       help="how long to wait for another migration command (default: 60)")
        p.add_argument("--allow-changed", action="store_true",
                       help="go on although an applied migration's file changed or is missing")

    mg = add("migrate", "apply pending migrations")
    lock_options(mg)
    mg.add_argument("target", nargs="?",
                    help="bring the app to this migration (a name or a unique prefix); later "
                         "ones are reverted")

    rb = add("rollback", "revert the latest applied migration, or down to a target")
    lock_options(rb)
    rb.add_argument("target", nargs="?",
                    help="revert every migration after this one (which stays applied)")

    add("showmigrations", "list migrations and whether each is applied")
    return parser


_pending = ""


def _print(msg: str) -> None:
    """A finished line; it replaces the progress line it completes on a terminal."""
    global _pending
    if _pending and sys.stdout.isatty():
        print("\r", end="")
    elif _pending and not msg.startswith(_pending):
        print()
    elif _pending:
        msg = msg[len(_pending):].lstrip()
    _pending = ""
    print(msg, flush=True)


def _progress(msg: str) -> None:
    """Work that starts now: shown at once, completed by the next _print."""
    global _pending
    _pending = msg
    print(msg, end=" " if not sys.stdout.isatty() else "", flush=True)


async def _run(args: argparse.Namespace) -> int:
    from .config import load_config
    from .integrator import TortoisePathwayIntegrator

    config = load_config(args.config)
    integrator = TortoisePathwayIntegrator(
        config, migrations_dir=args.migrations_dir or "migrations", reporter=_print,
        lock_timeout=getattr(args, "lock_timeout", 60.0),
        allow_changed=getattr(args, "allow_changed", False), progress=_progress)
    try:
        if args.command == "makemigrations":
            from .questioner import Questioner

            questioner = Questioner(interactive=not args.no_input and sys.stdin.isatty(),
                                    renames=args.rename, fills=args.fill)
            await integrator.initialize(connect=False)
            made = integrator.make_migrations(args.app, name=args.name, empty=args.empty,
                                              dry_run=args.dry_run, questioner=questioner)
            for m in made:
                if m.path is None:
                    _print(f"No changes detected in app '{m.app}'.")
                    continue
                verb = "Would write" if args.dry_run else "Migrations for"
                _print(f"{verb} '{m.app}':")
                _print(f"  {m.path}")
                for line in m.operations:
                    _print(f"    - {line}")
                for line in m.warnings:
                    print(f"warning: {line}", file=sys.stderr)
            return 0
        await integrator.initialize()
        if args.command == "migrate":
            await integrator.migrate(args.app, args.target)
        elif args.command == "rollback":
            await integrator.rollback(args.app, args.target)
        elif args.command == "showmigrations":
            statuses = await integrator.status(args.app)
            current = None
            for s in statuses:
                if s.app != current:
                    current = s.app
                    _print(f"{s.app}")
                mark = "[X]" if s.applied else "[ ]"
                note = " (applied, file missing)" if s.file_missing else (
                    " (file changed since it was applied)" if s.changed else "")
                if s.partial:
                    mark = "[~]"
                    direction, done, total = s.partial
                    verb = "applied" if direction == "forward" else "reverted"
                    again = "migrate" if direction == "forward" else "rollback"
                    note += (f" (partly {verb}: {done} of {total} steps; run {again} to "
                             "finish)")
                _print(f" {mark} {s.name}{note}")
            if not statuses:
                _print("No migrations.")
        return 0
    finally:
        await integrator.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except NothingToDo as e:
        print(f"error: {e.message}", file=sys.stderr)
        return e.exit_code
    except PathwayError as e:
        if args.traceback:
            traceback.print_exc()
        print(f"error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"hint: {e.hint}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug, or an error nobody turned into a PathwayError yet
        if args.traceback:
            traceback.print_exc()
        text = " ".join(str(e).split())[:300]
        print(f"error: unexpected {type(e).__name__}: {text}", file=sys.stderr)
        print("hint: run again with --traceback to see where it happened, and report it",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
