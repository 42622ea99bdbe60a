"""migrate and rollback: apply or revert migrations, or only record them (--fake)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def _lock_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lock-timeout", type=float, default=60.0, metavar="SECONDS",
                   help="how long to wait for another migration command (default: 60)")
    p.add_argument("--allow-changed", action="store_true",
                   help="go on although an applied migration's file changed or is missing")


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    mg = add("migrate", "apply pending migrations")
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
    mg.set_defaults(handler=run_migrate)

    rb = add("rollback", "revert the latest applied migration, or down to a target")
    _lock_options(rb)
    rb.add_argument("target", nargs="?",
                    help="revert every migration after this one (which stays applied)")
    rb.add_argument("--fake", action="store_true",
                    help="remove the history rows without reverting anything (a warning line "
                         "each)")
    rb.set_defaults(handler=run_rollback)


async def run_migrate(args: argparse.Namespace, integrator: Any) -> int:
    await integrator.initialize()
    await integrator.migrate(args.app, args.target, fake=args.fake,
                             fake_initial=args.fake_initial)
    return 0


async def run_rollback(args: argparse.Namespace, integrator: Any) -> int:
    await integrator.initialize()
    await integrator.rollback(args.app, args.target, fake=args.fake)
    return 0
