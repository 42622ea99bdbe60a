"""lint: what the migrations risk on a live database; exit 1 on a finding not allowed."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import output

DESCRIPTION = """\
lint migrations before deploying them: each operation is classed, by the rules of the
database it runs on (dialect and version), as data-loss (a dropped table or column, a
narrowed type), blocking (a table rewrite, a full scan under lock, an index build that blocks
writes, a foreign-key or check validation) or breaking (what the running code still uses is
dropped or renamed, a NOT NULL column it does not write); each finding names the migration,
the operation, the reason and the safe alternative. RunSQL and RunPython are noted (unknown
risk), never findings. Exit 1 when a finding is not allowed: a migration accepts classes or
codes with a class attribute, allow = ["data-loss"], next to a comment saying why.

Against the app's connection (the default), lint looks at the migrations not applied there
yet, with the server's version; with --dialect it opens no database and looks at every
migration (each on the state the ones before it leave). A MIGRATION (with --app) lints that
one only. The models are not imported."""

EPILOG = """\
examples:
  tortoise-pathway --config myapp.config lint
  tortoise-pathway --config myapp.config lint --app models --dialect postgres
  tortoise-pathway --config myapp.config lint --app models 20240501143025"""


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    ln = add("lint", "report what migrations risk on a live database (exit 1 on a finding "
                     "not allowed)", DESCRIPTION)
    ln.epilog = EPILOG
    ln.add_argument("migration", nargs="?", metavar="MIGRATION",
                    help="lint this migration only (a name or a unique prefix; needs --app)")
    ln.add_argument("--dialect", choices=("sqlite", "postgres", "mysql"),
                    help="lint for this database without opening any connection (every "
                         "migration; a current server version)")
    ln.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    from ..lint import finding_lines

    await integrator.initialize(connect=False, models=False)
    report = await integrator.lint(args.app, args.migration, dialect=args.dialect)
    servers = ", ".join(sorted({str(s) for s in report.servers.values()}))
    if not report.migrations:
        output.line(f"No migrations to lint ({servers}).")
        return 0
    output.line(f"Linted {len(report.migrations)} migration(s) for {servers}.")
    for label in report.migrations:
        found = report.by_migration.get(label, [])
        if not found:
            continue
        output.line(label)
        for line in finding_lines(found):
            output.line(line)
    findings, bad = report.findings, report.not_allowed
    notes = len(report.notes)
    tail = f", {notes} note(s)" if notes else ""
    if bad:
        output.line(f"{len(bad)} finding(s) not allowed, {len(findings) - len(bad)} "
                    f"allowed{tail}.")
        output.note("error: lint found risks no migration allows; change the migration, or "
                    "add allow = [...] (classes or codes) to it with a comment saying why")
        return 1
    output.line(f"{len(findings)} finding(s), all allowed{tail}." if findings else
                f"No findings{tail}.")
    return 0

