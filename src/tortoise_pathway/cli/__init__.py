"""The command line: ``tortoise-pathway`` / ``python -m tortoise_pathway``.

One module per command family registers its sub-command (makemigrations.py, migrate.py for
migrate and rollback, showmigrations.py, sqlmigrate.py, check.py, lint.py, adopt.py); each is a thin
call into the integrator. A PathwayError becomes one line on stderr (plus a hint, and the list of
differences where it has one) and exit status 1; ``--traceback`` shows the stack as well.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import gc
import os
import sys
import time
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from ..exceptions import NothingToDo, PathwayError
from . import (
    adopt,
    check,
    lint,
    makemigrations,
    migrate,
    output,
    showmigrations,
    sqlmigrate,
    squash,
)

DESCRIPTION = "Schema migrations for Tortoise ORM."

EPILOG = """\
examples:
  tortoise-pathway --config myapp.config makemigrations --app models
  tortoise-pathway --config myapp.config migrate --app models
  tortoise-pathway --config myapp.config showmigrations --app models
  tortoise-pathway --config myapp.config migrate --app models --plan
  tortoise-pathway --config myapp.config sqlmigrate models 20240501143025
  tortoise-pathway --config myapp.config migrate --app models --sql --dialect postgres
  tortoise-pathway --config myapp.config rollback --app models
  tortoise-pathway --config myapp.config check
  tortoise-pathway --config myapp.config lint --app models --dialect postgres
  tortoise-pathway --config myapp.config adopt --app models

--config names a Python module that holds TORTOISE_ORM (or MODULE.VARIABLE); it is imported
from the current directory. Without --config, [tool.tortoise-pathway] config = "..." in
./pyproject.toml is used, else where Tortoise's CLI and Aerich look: the TORTOISE_ORM
environment variable, [tool.tortoise] tortoise_orm, [tool.aerich] tortoise_orm."""

COMMANDS = (makemigrations, migrate, showmigrations, sqlmigrate, squash, check, lint, adopt)


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

    def add(name: str, help: str, description: str | None = None,
            app_option: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=description or help,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p, argparse.SUPPRESS)
        if app_option:
            p.add_argument("--app", "-a", help="app label from TORTOISE_ORM['apps'] "
                           "(default: every app)")
        return p

    for command in COMMANDS:
        command.register(add)
    return parser


async def _run(args: argparse.Namespace) -> int:
    from ..config import find_config
    from ..integrator import TortoisePathwayIntegrator

    config, source = find_config(args.config)
    if not args.config and "tortoise-pathway" not in source:
        output.note(f"Using the config {source}.")
    integrator = TortoisePathwayIntegrator(
        config, migrations_dir=args.migrations_dir or "migrations", reporter=output.report,
        lock_timeout=getattr(args, "lock_timeout", 60.0),
        allow_changed=getattr(args, "allow_changed", False), progress=output.progress)
    try:
        code: int = await args.handler(args, integrator)
        return code
    finally:
        await integrator.close()
        await _sqlite_threads_done()


def _fast_comments() -> None:
    """Tortoise's ``#:`` comment reader, one parse per model module instead of one per model
    class (fastcomments.py; Python 3.10 to 3.12): in this process only, before the config and
    the models are imported. Never at the package's import: an application keeps Tortoise as
    it is."""
    from .. import fastcomments

    try:
        fastcomments.install()
    except Exception:  # install() checks everything first; Tortoise's own reader stays
        pass


async def _sqlite_threads_done(limit: float = 2.0) -> None:
    """Waits (briefly) for aiosqlite's worker threads to end while the event loop still
    runs: a connection that failed to open stops its thread without waiting for it, and a
    thread that finishes after the loop closed prints a traceback ("Event loop is closed")
    over the one-line error."""
    import threading

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and any(
            t.is_alive() and t.name.endswith("(_connection_worker_thread)")
            for t in threading.enumerate()):
        await asyncio.sleep(0.01)


def _fewer_collections() -> None:
    """In the command line's process only: the cyclic garbage collector runs less often.
    With its default thresholds it traverses every object alive again and again while a
    large project's models are created (Tortoise builds tens of thousands of objects for
    1,000 models): a fifth of importing them and Tortoise.init (benchmarks/README.md).
    A command is short and makes little cyclic garbage; the collector still runs."""
    gc.set_threshold(50_000, 20, 100)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _fewer_collections()
    _fast_comments()
    try:
        return asyncio.run(_run(args))
    except NothingToDo as e:
        output.finish()
        print(f"error: {e.message}", file=sys.stderr)
        if e.hint:
            print(f"hint: {e.hint}", file=sys.stderr)
        return e.exit_code
    except PathwayError as e:
        output.finish()
        if args.traceback:
            traceback.print_exc()
        print(f"error: {e.message}", file=sys.stderr)
        for detail in getattr(e, "details", ()):
            print(f"  {detail}", file=sys.stderr)
        if e.hint:
            print(f"hint: {e.hint}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        output.finish()
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of the output went away (`| head`): stop quietly, and keep Python from
        # complaining when it flushes stdout at exit (the recipe of Python's signal docs)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as e:  # a bug, or an error nobody turned into a PathwayError yet
        output.finish()
        if args.traceback:
            traceback.print_exc()
        text = " ".join(str(e).split())[:300]
        print(f"error: unexpected {type(e).__name__}: {text}", file=sys.stderr)
        print("hint: run again with --traceback to see where it happened, and report it",
              file=sys.stderr)
        return 2


def entry() -> NoReturn:
    """The command line's process (``python -m tortoise_pathway``, ``tortoise-pathway``):
    main(), then out."""
    _exit(main())


def _exit(code: int) -> NoReturn:
    """Ends the process without the interpreter's teardown, which frees every object one by
    one: with a large project's models loaded that is a few tenths of a second of nothing
    (0.3 to 0.5 s at 1,000 models). What an ordinary exit does that matters still happens:
    the ``atexit`` handlers run (logging's flush among them) and the standard streams are
    flushed; every connection is closed and every file of ours written by then. Not when a
    migration ran its author's code (a RunPython, a custom apply()), which may have left
    something to the teardown (a file it did not close), nor with ``PATHWAY_FULL_EXIT=1``."""
    from ..migration import user_code_ran

    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if os.environ.get("PATHWAY_FULL_EXIT") or user_code_ran() or run_handlers is None:
        sys.exit(code)
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
