"""showmigrations: every migration and whether it is applied."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import fleet, output


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    sm = add("showmigrations", "list migrations and whether each is applied; with "
             "--tenants, the tenants grouped by the migration they stand on")
    fleet.options(sm, report=False, failures=True)
    sm.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    fleet.check(args)
    if args.tenants is not None:
        return await fleet.show(args, integrator)
    await integrator.initialize(models=False)
    statuses = await integrator.status(args.app)
    current = None
    for s in statuses:
        if s.app != current:
            current = s.app
            output.line(f"{s.app}")
        mark = "[X]" if s.applied else "[ ]"
        note = " (applied, file missing)" if s.file_missing else (
            " (file changed since it was applied)" if s.changed else "")
        if s.stage:
            note += f" (stage: {s.stage})"
        if s.replaces:
            note += f" ({s.replaces} squashed migrations)"
        if s.partial:
            mark = "[~]"
            direction, done, total = s.partial
            verb = "applied" if direction == "forward" else "reverted"
            again = "migrate" if direction == "forward" else "rollback"
            note += f" (partly {verb}: {done} of {total} steps; run {again} to finish)"
        output.line(f" {mark} {s.name}{note}")
    if not statuses:
        output.line("No migrations.")
    return 0
