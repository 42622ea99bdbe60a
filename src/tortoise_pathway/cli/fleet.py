"""--tenants on migrate, rollback and showmigrations: the fleet's options, its display (a live
block redrawn with ANSI on a terminal, plain lines in a pipe), the summary table, the JSON
report and the exit status (1 when a tenant failed). The work is fleet.py's."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from typing import Any, TextIO

from .. import fleet
from ..exceptions import ConfigError
from . import output


def options(p: argparse.ArgumentParser, report: bool = True, failures: bool = False) -> None:
    """--tenants and --concurrency; --report (migrate, rollback) or --failures-from
    (showmigrations)."""
    p.add_argument("--tenants", nargs="?", const="", default=None, metavar="SOURCE",
                   help="run on every tenant: a file (one database URL or PostgreSQL schema "
                        "a line), MODULE:FUNCTION returning them, or NAME,NAME...; without "
                        f"SOURCE, TORTOISE_ORM[{fleet.CONFIG_KEY!r}]")
    p.add_argument("--concurrency", type=int, default=fleet.DEFAULT_CONCURRENCY, metavar="N",
                   help="with --tenants: at most N tenants at once (default: "
                        f"{fleet.DEFAULT_CONCURRENCY})")
    if report:
        p.add_argument("--report", metavar="FILE.json",
                       help="with --tenants: write each tenant's outcome to this JSON file")
    if failures:
        p.add_argument("--failures-from", metavar="FILE.json",
                       help="with --tenants: mark the tenants that failed in this --report "
                            "of an earlier migrate or rollback, with their error")


def check(args: argparse.Namespace, *excluded: str) -> None:
    """Refuses the options a fleet run does not take, and fleet options without --tenants."""
    if args.tenants is None:
        for option in ("report", "failures_from"):
            if getattr(args, option, None):
                raise ConfigError(f"--{option.replace('_', '-')} goes with --tenants")
        return
    for option in excluded:
        if getattr(args, option.lstrip("-").replace("-", "_"), None):
            raise ConfigError(f"--tenants cannot be combined with {option}")
    if args.concurrency < 1:
        raise ConfigError(f"--concurrency must be 1 or more, not {args.concurrency}")


class PlainDisplay:
    """A line per tenant as it finishes (a pipe, a log)."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.finished_count = 0

    def started(self, tenant: fleet.Tenant) -> None:
        pass

    def working(self, tenant: fleet.Tenant, text: str) -> None:
        pass

    def finished(self, tenant: fleet.Tenant, outcome: fleet.TenantOutcome) -> None:
        self.finished_count += 1
        print(f"[{self.finished_count}/{self.total}] {describe(outcome)}", file=self.stream,
              flush=True)

    def close(self) -> None:
        pass


class LiveDisplay:
    """On a terminal: an overall bar with done / failed / running / pending and a line per
    running tenant with its current migration, redrawn in place (at most ten times a
    second); failed tenants are printed above it as they fail."""

    def __init__(self, total: int, stream: TextIO, interval: float = 0.1) -> None:
        self.total = total
        self.stream = stream
        #: seconds between two redraws (a failure and the end are drawn at once)
        self.interval = interval
        self.running: dict[str, str] = {}
        self.done = 0
        self.failed = 0
        self.drawn = 0
        self.last = 0.0

    def started(self, tenant: fleet.Tenant) -> None:
        self.running[tenant.name] = "starting"
        self._draw()

    def working(self, tenant: fleet.Tenant, text: str) -> None:
        self.running[tenant.name] = text
        self._draw()

    def finished(self, tenant: fleet.Tenant, outcome: fleet.TenantOutcome) -> None:
        self.running.pop(tenant.name, None)
        if outcome.failed:
            self.failed += 1
            self._clear()
            print(describe(outcome), file=self.stream)
        else:
            self.done += 1
        self._draw(force=outcome.failed)

    def close(self) -> None:
        self._draw(force=True)
        self._clear()

    def _clear(self) -> None:
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F\x1b[J")
            self.drawn = 0

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        width = max(40, shutil.get_terminal_size().columns) - 1
        finished = self.done + self.failed
        pending = self.total - finished - len(self.running)
        bar_width = 20
        filled = bar_width * finished // max(1, self.total)
        lines = [f"[{'#' * filled}{'-' * (bar_width - filled)}] {finished}/{self.total}  "
                 f"done {self.done}  failed {self.failed}  running {len(self.running)}  "
                 f"pending {pending}"]
        lines += [f"  {name}: {text}" for name, text in self.running.items()]
        self._clear()
        self.stream.write("".join(line[:width] + "\n" for line in lines))
        self.stream.flush()
        self.drawn = len(lines)


def describe(o: fleet.TenantOutcome) -> str:
    """One line for a tenant's outcome."""
    ms = f"{o.seconds * 1000:.0f} ms"
    if o.failed:
        return f"{o.tenant}: FAILED: {o.error} ({ms})"
    if o.ran:
        return f"{o.tenant}: {o.status}, {len(o.ran)} migration(s) ({ms})"
    return f"{o.tenant}: {o.status} ({ms})"


def summary(outcomes: list[fleet.TenantOutcome], seconds: float) -> list[str]:
    """The table printed at the end: tenants per outcome, then each failed tenant."""
    lines = [f"{len(outcomes)} tenant(s) in {seconds:.1f} s:"]
    for status, n in fleet.counts(outcomes).items():
        if n:
            lines.append(f"  {status:<22}{n:>8}")
    failed = [o for o in outcomes if o.failed]
    if failed:
        lines.append("failed tenants:")
        width = max(len(o.tenant) for o in failed)
        lines += [f"  {o.tenant:<{width}}  {o.error}" for o in failed]
    return lines


async def run(args: argparse.Namespace, integrator: Any, rollback: bool) -> int:
    """migrate / rollback --tenants."""
    source = args.tenants or None
    config = integrator.config
    tenants = await fleet.load_tenants(source if source is not None
                                       else fleet.tenant_setting(config)[0])
    live = sys.stdout.isatty()
    display: Any = (LiveDisplay if live else PlainDisplay)(len(tenants), sys.stdout)
    start = time.perf_counter()
    try:
        outcomes = await fleet.migrate_tenants(
            config, tenants, concurrency=args.concurrency,
            migrations_dir=integrator.migrations_dir, app=args.app, target=args.target,
            rollback=rollback, lock_timeout=args.lock_timeout,
            allow_changed=args.allow_changed, observer=display)
    finally:
        display.close()
    seconds = time.perf_counter() - start
    for line in summary(outcomes, seconds):
        output.line(line)
    if args.report:
        data = fleet.report_data("rollback" if rollback else "migrate", outcomes, seconds)
        try:
            with open(args.report, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2)
                f.write("\n")
        except OSError as e:
            raise ConfigError(f"{args.report}: cannot write the report: {e.strerror}",
                              path=args.report) from e
    return 1 if any(o.failed for o in outcomes) else 0


async def show(args: argparse.Namespace, integrator: Any) -> int:
    """showmigrations --tenants: the tenants grouped by the migration they stand on."""
    config = integrator.config
    source = args.tenants or None
    tenants = await fleet.load_tenants(source if source is not None
                                       else fleet.tenant_setting(config)[0])
    states = await fleet.tenant_states(config, tenants, concurrency=args.concurrency,
                                       migrations_dir=integrator.migrations_dir, app=args.app)
    apps = list(dict.fromkeys(a for s in states for a in s.at)) or (
        [args.app] if args.app else [])
    groups, failed = fleet.group_states(states, apps)
    failures = _failures(args.failures_from) if args.failures_from else {}
    current = None
    for g in groups:
        if g.app != current:
            current = g.app
            output.line(g.app)
        n = len(g.tenants)
        who = f"{n} tenant{'s' if n != 1 else ''}"
        where = f"at {g.migration}" if g.migration else "with nothing applied"
        state = "up to date" if not g.pending else f"{g.pending} pending"
        line = f"  {who} {where} ({state})"
        if g.partial:
            line += f" (partly applied: {', '.join(sorted(set(g.partial)))})"
        failing = [t for t in g.tenants if t in failures]
        if failing:
            line += f" (failed: {failing[0]}: {failures[failing[0]]}" + (
                f"; and {len(failing) - 1} more)" if len(failing) > 1 else ")")
        if g.pending and n <= 10:
            line += ": " + ", ".join(g.tenants)
        output.line(line)
    if failed:
        output.line(f"{len(failed)} tenant(s) could not be read:")
        for text in failed:
            output.line(f"  {text}")
    return 1 if failed else 0


async def check_tenants(args: argparse.Namespace, integrator: Any) -> int:
    """check --tenants: each tenant's database against the migrations applied to it."""
    config = integrator.config
    start = time.perf_counter()
    tenants = await fleet.load_tenants(args.tenants or fleet.tenant_setting(config)[0])
    results = await fleet.check_tenants(config, tenants, concurrency=args.concurrency,
                                        migrations_dir=integrator.migrations_dir, app=args.app)
    for r in results:
        if r.error is not None:
            output.line(f"{r.tenant}: could not be read: {r.error}")
        elif r.differences:
            output.line(f"{r.tenant}: {len(r.differences)} difference(s) from the migrations "
                        "applied there:")
        for line in r.differences:
            output.line(f"  {line}")
        for note in r.notes if not r.clean else []:
            output.line(f"  not compared: {note}")
    clean = sum(1 for r in results if r.clean)
    unread = sum(1 for r in results if r.error is not None)
    output.line(f"{clean} of {len(results)} tenant(s) hold what their migrations describe"
                + (f"; {len(results) - clean - unread} differ" if len(results) - clean - unread
                   else "") + (f"; {unread} could not be read" if unread else "")
                + f" (checked in {time.perf_counter() - start:.2f} s). The models are "
                  "checked by check without --tenants.")
    return 0 if clean == len(results) else 1


def _failures(path: str) -> dict[str, str]:
    """tenant -> error of the failed tenants of a --report file."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return {o["tenant"]: o.get("error") or "failed" for o in data["outcomes"]
                if o.get("status") == fleet.FAILED}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{path}: not a --report file of tortoise-pathway: {e}",
                          path=path) from e
