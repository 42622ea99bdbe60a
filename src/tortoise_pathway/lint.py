"""lint: what applying migrations to a live database risks, and what each migration allows.

The rules are the engine's (``core/risk.c``, through ``_engine.lint``): per operation, per
dialect and server version, findings of three classes (``data-loss``, ``blocking``,
``breaking``) with a stable code, the reason and the safe alternative; a data step
(``RunSQL``, ``RunPython``) is of unknown risk and comes as a note. This module picks the
migrations, asks the engine once per connection, matches each finding with the migration's
``allow`` list (classes or codes the author accepted, with a comment saying why) and says
which are not allowed. It never imports the models and needs no database unless asked for
the server's version.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import _engine
from .context import Context, one_line
from .exceptions import ConfigError, DatabaseError, MigrationFileError
from .loader import Key
from .migration import Migration
from .writer import describe

#: the classes of findings a migration may allow (``unknown`` is a note, never a finding)
CLASSES = ("data-loss", "blocking", "breaking")

#: every code the engine gives, by class (core/risk.h)
CODES = {
    "drop-table": "data-loss", "drop-column": "data-loss", "narrow-type": "data-loss",
    "table-rewrite": "blocking", "not-null-scan": "blocking",
    "index-build-blocks-writes": "blocking", "fk-validation": "blocking",
    "check-validation": "blocking",
    "drop-table-in-use": "breaking", "drop-column-in-use": "breaking",
    "rename-table": "breaking", "rename-column": "breaking",
    "not-null-no-default": "breaking",
}


@dataclass(frozen=True)
class Server:
    """The database findings are for: its dialect and, when known, its version
    (``major * 10000 + minor * 100 + patch``; 0: unknown, a current release) and flavour."""

    dialect: str
    version: int = 0
    mariadb: bool = False

    def __str__(self) -> str:
        if not self.version:
            return self.dialect
        major, minor, patch = (self.version // 10000, self.version // 100 % 100,
                               self.version % 100)
        name = "mariadb" if self.mariadb else self.dialect
        return f"{name} {major}.{minor}.{patch}"


@dataclass(frozen=True)
class Finding:
    """One risk of one operation of one migration."""

    migration: str  #: "app.name"
    operation: int  #: its position in the migration, from 1
    what: str  #: the operation, as makemigrations describes it
    cls: str  #: data-loss, blocking, breaking; unknown for a note
    code: str
    reason: str
    alternative: str
    allowed: bool = False

    @property
    def note(self) -> bool:
        return self.cls == "unknown"


@dataclass
class LintReport:
    """Findings (and notes) per migration, in the order the migrations apply."""

    servers: dict[str, Server] = field(default_factory=dict)  #: per connection
    migrations: list[str] = field(default_factory=list)  #: labels linted, in order
    by_migration: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [f for m in self.migrations for f in self.by_migration.get(m, ()) if not f.note]

    @property
    def notes(self) -> list[Finding]:
        return [f for m in self.migrations for f in self.by_migration.get(m, ()) if f.note]

    @property
    def not_allowed(self) -> list[Finding]:
        return [f for f in self.findings if not f.allowed]


def check_allow(raw: Any, where: str) -> list[str]:
    """A migration's ``allow`` list, checked: classes or codes of findings (``where``: its
    file, for the error)."""
    if not isinstance(raw, (list, tuple)) or not all(isinstance(x, str) for x in raw):
        raise MigrationFileError(f"{where}: allow must be a list of finding classes or codes",
                                 path=where)
    unknown = [x for x in raw if x not in CLASSES and x not in CODES]
    if unknown:
        raise MigrationFileError(
            f"{where}: allow names {', '.join(map(repr, unknown))}, which is no class or code "
            "of finding", path=where,
            hint=f"classes: {', '.join(CLASSES)}; codes: {', '.join(sorted(CODES))}")
    return list(raw)


def parse_version(text: str) -> tuple[int, bool]:
    """A server's version text (``16.2``, ``8.0.36``, ``10.11.6-MariaDB-1``,
    ``5.5.5-10.6.12-MariaDB``) as (``major * 10000 + minor * 100 + patch``, is MariaDB);
    (0, flavour) when it has no version."""
    mariadb = "mariadb" in text.lower()
    if mariadb and text.startswith("5.5.5-"):
        text = text[len("5.5.5-"):]  # the replication prefix old MariaDB clients see
    m = re.match(r"\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if m is None:
        return 0, mariadb
    major, minor, patch = (int(g or 0) for g in m.groups())
    return major * 10000 + min(minor, 99) * 100 + min(patch, 99), mariadb


async def server_of(ctx: Context, conn: str) -> Server:
    """The dialect and version of the database of ``conn`` (one query; read only)."""
    dialect = ctx.dialect(conn)
    client = ctx.client(conn)
    try:
        if dialect == "postgres":
            rows = await client.execute_query_dict("SHOW server_version")
            version, _ = parse_version(str(rows[0]["server_version"]))
            return Server(dialect, version)
        if dialect == "mysql":
            rows = await client.execute_query_dict("SELECT VERSION() AS v")
            version, mariadb = parse_version(str(rows[0]["v"]))
            return Server(dialect, version, mariadb)
    except Exception as e:
        raise DatabaseError(f"cannot read the version of database connection {conn!r} "
                            f"({dialect}): {one_line(e)}", path=conn) from e
    return Server(dialect)


def lint_keys(ctx: Context, keys: Collection[Key], servers: dict[str, Server]
              ) -> LintReport:
    """The findings of the migrations ``keys``, each judged on the state its dependencies
    leave (as ``sqlmigrate`` renders it), for the server of its app's connection and with
    the SQL it runs (lock-aware when it is ``safe``, migrate.is_safe)."""
    migrations = ctx.set()
    report = LintReport(servers=dict(servers))
    wanted = set(keys)
    full = migrations.plan([], sorted(wanted))  # every key with what it depends on, in order
    report.migrations = [f"{k[0]}.{k[1]}" for k in full if k in wanted]
    for conn, server in sorted(servers.items()):
        on = set(ctx.project.apps_on(conn))
        chain = [k for k in full if k[0] in on]
        if not any(k in wanted for k in chain):
            continue
        first = next(i for i, k in enumerate(chain) if k in wanted)
        base, run = chain[:first], chain[first:]
        from .migrate import is_safe  # migrate.py asks this module for stages: imported here

        safe = [is_safe(ctx, migrations.migrations[k]) for k in run]
        result = _engine.lint(migrations.history(base), migrations.history(run),
                              server.dialect, version=server.version, mariadb=server.mariadb,
                              safe=safe)
        for key, per_op in zip(run, result, strict=True):
            if key not in wanted:
                continue
            m = migrations.migrations[key]
            report.by_migration[m.label] = _findings(m, per_op)
    return report


def stages_of(ctx: Context, keys: Collection[Key]) -> dict[Key, str]:
    """The stage of each migration of ``keys``: its ``stage`` when it says one, else
    "contract" when one of its operations is (the engine's ``stages``, each migration on the
    state its dependencies leave), else "expand"."""
    migrations = ctx.set()
    out = {k: migrations.migrations[k].stage for k in keys}
    unmarked = {k for k, s in out.items() if s is None}
    if unmarked:
        full = migrations.plan([], sorted(unmarked))
        for conn in ctx.project.connections(sorted({k[0] for k in unmarked})):
            on = set(ctx.project.apps_on(conn))
            chain = [k for k in full if k[0] in on]
            first = next((i for i, k in enumerate(chain) if k in unmarked), len(chain))
            base, run = chain[:first], chain[first:]
            result = _engine.stages(migrations.history(base), migrations.history(run))
            for key, per_op in zip(run, result, strict=True):
                if key in unmarked:
                    out[key] = "contract" if "contract" in per_op else "expand"
    return {k: s or "expand" for k, s in out.items()}


def _findings(m: Migration, per_op: list[list[dict[str, str]]]) -> list[Finding]:
    return _made(m.label, m.ops_data(), per_op, set(m.allow))


def _made(label: str, ops: list[dict[str, Any]], per_op: list[list[dict[str, str]]],
          allow: Collection[str]) -> list[Finding]:
    out = []
    for i, (op, found) in enumerate(zip(ops, per_op, strict=True), start=1):
        for f in found:
            out.append(Finding(label, i, describe(op), f["class"], f["code"], f["reason"],
                               f["alternative"], allowed=f["class"] in allow or
                               f["code"] in allow))
    return out


def lint_ops(history: list[Any], ops: list[dict[str, Any]], server: Server,
             label: str, safe: bool = False) -> list[Finding]:
    """The findings of operations not in a file yet (makemigrations), on the state the
    engine history ``history`` builds; ``safe``: their SQL will be lock-aware."""
    per_op = _engine.lint(history, [(label, ops)], server.dialect, version=server.version,
                          mariadb=server.mariadb, safe=[safe])[0]
    return _made(label, ops, per_op, ())


def select(ctx: Context, apps: list[str], migration: str | None,
           applied: Iterable[Key] | None) -> list[Key]:
    """What lint looks at: ``migration`` (a name or unique prefix, with one app), else the
    migrations not in ``applied`` (None: every migration of ``apps``)."""
    migrations = ctx.set()
    if migration is not None:
        if len(apps) != 1:
            raise ConfigError("a migration to lint needs --app")
        return [migrations.find(apps[0], migration).key]
    done = set(applied or ())
    return [k for k in migrations.order() if k[0] in apps and k not in done]


async def lint(ctx: Context, apps: list[str], migration: str | None = None,
               dialect: str | None = None) -> LintReport:
    """Lints the migrations of ``apps``: for ``dialect`` without a database, every migration
    (or ``migration``); else, against each app's connection (its dialect and version),
    the migrations not applied there yet (or ``migration``)."""
    conns = ctx.project.connections(apps)
    if dialect is not None:
        if dialect not in ("sqlite", "postgres", "mysql"):
            raise ConfigError(f"unknown dialect {dialect!r}; use one of sqlite, postgres, "
                              "mysql", path=dialect)
        servers = {c: Server(dialect) for c in conns}
        return lint_keys(ctx, select(ctx, apps, migration, None), servers)
    servers = {c: await server_of(ctx, c) for c in conns}
    applied = None if migration is not None else await ctx.applied_rows(read_only=True)
    return lint_keys(ctx, select(ctx, apps, migration, applied), servers)


def finding_lines(findings: Iterable[Finding], indent: str = "  ") -> list[str]:
    """Lines for the terminal: per operation, its findings with the reason and the safe
    alternative."""
    lines: list[str] = []
    last = None
    for f in findings:
        if (f.migration, f.operation) != last:
            last = (f.migration, f.operation)
            lines.append(f"{indent}operation {f.operation}: {f.what}")
        if f.note:
            lines.append(f"{indent}  note, unknown risk ({f.code}): {f.reason}")
        else:
            mark = " (allowed)" if f.allowed else ""
            lines.append(f"{indent}  {f.cls} {f.code}{mark}: {f.reason}")
        lines.append(f"{indent}    safe alternative: {f.alternative}")
    return lines
