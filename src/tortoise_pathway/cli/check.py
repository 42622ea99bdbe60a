"""check: model changes without a migration, and drift between each database and the
migrations applied to it. Exit 0 when clean, 1 when not; --sql prints the statements that
bring the databases back to their migrations' state (the report as SQL comments)."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from ..sqlscript import framed
from . import fleet, output

DESCRIPTION = """\
check for CI and operators: (a) model changes that no migration holds yet, and (b) drift:
every difference between each database and the state its applied migrations describe (a
hand-run ALTER, a hot-fix index, a half-applied deploy). Exit 0 when clean, 1 when not.
Nothing is changed; --sql prints the statements that would bring each database back to its
migrations' state, as one SQL script (the report in comments). With --tenants, (b) for every
tenant (its database or PostgreSQL schema), at most --concurrency at once."""


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    ck = add("check", "report model changes without a migration and drift between the "
                      "databases and their migrations", DESCRIPTION)
    ck.add_argument("--sql", action="store_true",
                    help="print the statements that bring each database back to the state of "
                         "its migrations (not run)")
    fleet.options(ck, report=False)
    ck.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    fleet.check(args, "--sql")
    if args.tenants is not None:
        return await fleet.check_tenants(args, integrator)
    start = time.perf_counter()
    await integrator.initialize(connect=False)  # check writes nothing, not even our tables
    report = await integrator.check(args.app, sql=args.sql)
    say = (lambda text: output.line(f"-- {text}" if text else "--")) if args.sql else output.line
    if report.pending:
        for m in report.pending:
            say(f"Models: app '{m.app}' has changes that no migration holds:")
            for op in m.operations:
                say(f"    - {op}")
    else:
        say("Models: every change is in a migration.")
    for d in report.drift:
        where = f"Database '{d.connection}' ({d.dialect})"
        count = len(d.differences) + len(d.problems)
        if d.clean:
            say(f"{where}: holds what its migrations describe.")
        else:
            say(f"{where}: {count} difference(s) from the migrations applied there:")
        for p in d.problems:
            say(f"  {p}")
        for diff in d.differences:
            say(f"  {diff['message']}")
        for n in d.notes:
            say(f"  not compared: {n}")
        if args.sql and d.sql:
            say(f"statements that bring {where} back to its migrations' state:")
            for line in framed(d.sql, d.dialect):
                output.line(line)
    seconds = time.perf_counter() - start
    say(f"{'Clean' if report.clean else 'Not clean'} (checked in {seconds:.2f} s).")
    return 0 if report.clean else 1
