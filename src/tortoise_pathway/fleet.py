"""Fleets: one project's migrations on many tenant databases or PostgreSQL schemas.

A tenant is a database URL (the tenant connection re-pointed at it) or a PostgreSQL schema
name (the tenant connection's database, with that schema as the search path: unqualified
tables and the history table live in it). The list comes from ``--tenants`` or the config
(``TORTOISE_ORM["tenants"]``, see ``tenant_setting``): a file with one tenant a line, a
callable ``"module:function"`` (sync or async) returning them, or the entries themselves.

A fleet run loads the migration files once; tenants in the same state get their plan and SQL
from the engine once (``Context.memo``); only reading the history and running the SQL are
per tenant. At most ``concurrency`` tenants run at once, each with its own connection opened
and closed around it (never the whole fleet's) and under its own migration lock; a tenant
that fails is reported and never stops the others. A tenant already at the target is
skipped after one read of its history, without taking the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import importlib
import inspect
import re
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from . import _engine, loader
from . import migrate as _migrate
from .config import Project, resolve
from .context import NO_MODELS, Context, Reporter, connections_only, one_line
from .exceptions import ConfigError, DatabaseError, NothingToDo, PathwayError
from .executor import MigrationLock
from .loader import Key, MigrationSet

#: the config key naming the tenants
CONFIG_KEY = "tenants"
DEFAULT_CONCURRENCY = 4
_CALLABLE = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")

# what became of a tenant
MIGRATED, UP_TO_DATE, ROLLED_BACK, NOTHING, FAILED = (
    "migrated", "up to date", "rolled back", "nothing to roll back", "failed")


@dataclass(frozen=True)
class Tenant:
    """One tenant: a database URL or a PostgreSQL schema name; ``name`` is how it is shown
    (a URL without its password)."""

    name: str
    url: str | None = None
    schema: str | None = None

    @classmethod
    def parse(cls, text: str) -> Tenant:
        text = text.strip()
        if "://" in text:
            return cls(_hide_password(text), url=text)
        if not text or "\x00" in text or len(text.encode()) > 63:
            raise ConfigError(f"tenant {text!r} is neither a database URL nor a PostgreSQL "
                              "schema name (1 to 63 bytes)", path=text)
        return cls(text, schema=text)


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@dataclass
class TenantOutcome:
    """What a fleet run did to one tenant."""

    tenant: str
    #: migrated, up to date, rolled back, nothing to roll back, failed
    status: str
    #: the migrations run (app.name), in the order they ran
    ran: list[str] = field(default_factory=list)
    #: per app, the latest applied migration afterwards (None: none; missing: unknown)
    at: dict[str, str | None] = field(default_factory=dict)
    #: the error of a failed tenant, one line
    error: str | None = None
    #: the migration (app.name) or object that failed, when known
    failed_at: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == FAILED


@dataclass
class TenantState:
    """Where one tenant stands (showmigrations --tenants)."""

    tenant: str
    #: per app, the latest applied migration (None: nothing applied)
    at: dict[str, str | None] = field(default_factory=dict)
    #: per app, how many of its migrations are not applied
    pending: dict[str, int] = field(default_factory=dict)
    #: migrations a run without a transaction stopped inside (app.name)
    partial: list[str] = field(default_factory=list)
    error: str | None = None


class Observer(Protocol):
    """Follows a fleet run (the command line's display)."""

    def started(self, tenant: Tenant) -> None: ...
    def working(self, tenant: Tenant, text: str) -> None: ...
    def finished(self, tenant: Tenant, outcome: TenantOutcome) -> None: ...


# ---- the tenant list ------------------------------------------------------------------------

def tenant_setting(config: dict[str, Any]) -> tuple[Any, str | None]:
    """``TORTOISE_ORM["tenants"]``: (where the tenants come from, the connection they re-point
    or None). The value is a source (a file, ``"module:function"``, or a list of tenants), or
    ``{"from": source, "connection": "default"}``."""
    value = config.get(CONFIG_KEY)
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"from", "connection"})
        if unknown or "from" not in value:
            raise ConfigError(f"TORTOISE_ORM[{CONFIG_KEY!r}] takes 'from' (a file, "
                              "'module:function' or a list) and optionally 'connection'",
                              path=f"TORTOISE_ORM.{CONFIG_KEY}")
        conn = value.get("connection")
        if conn is not None and not isinstance(conn, str):
            raise ConfigError(f"TORTOISE_ORM[{CONFIG_KEY!r}]['connection'] must be a "
                              "connection name", path=f"TORTOISE_ORM.{CONFIG_KEY}")
        return value["from"], conn
    return value, None


async def load_tenants(source: Any) -> list[Tenant]:
    """The tenants of ``source``: a list of URLs / schema names, a file (one a line; blank
    lines and ``#`` comments skipped), ``"module:function"`` (a callable, sync or async,
    returning them), or entries separated by commas. Duplicates and an empty list are
    errors."""
    where = "the tenant list"
    if source is None or source == "":
        raise ConfigError("no tenants given", hint=f"pass --tenants FILE|MODULE:FUNCTION|"
                          f"NAME,NAME... or set TORTOISE_ORM[{CONFIG_KEY!r}]")
    if isinstance(source, str):
        if Path(source).is_file():
            where = source
            try:
                text = Path(source).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise ConfigError(f"{source}: cannot be read: {e}", path=source) from e
            entries: Any = [line.strip() for line in text.splitlines()
                            if line.strip() and not line.strip().startswith("#")]
        elif _CALLABLE.fullmatch(source):
            where = source
            entries = await _call(source)
        else:
            entries = [e for e in (s.strip() for s in source.split(",")) if e]
    elif isinstance(source, (list, tuple)):
        entries = list(source)
    else:
        raise ConfigError(f"tenants must be a file, 'module:function' or a list, not "
                          f"{type(source).__name__}", path=CONFIG_KEY)
    tenants: list[Tenant] = []
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, str):
            raise ConfigError(f"{where}: a tenant must be a URL or a schema name, not "
                              f"{type(entry).__name__} {entry!r}", path=where)
        tenant = Tenant.parse(entry)
        ident = tenant.url or tenant.schema or ""
        if ident in seen:
            raise ConfigError(f"{where}: tenant {tenant.name} is listed twice", path=where)
        seen.add(ident)
        tenants.append(tenant)
    if not tenants:
        raise ConfigError(f"{where} holds no tenant", path=where)
    return tenants


async def _call(spec: str) -> Any:
    module_name, name = spec.split(":", 1)
    try:
        module = importlib.import_module(module_name)
    except Exception as e:
        raise ConfigError(f"tenants {spec}: module {module_name!r} cannot be imported: "
                          f"{one_line(e)}", path=spec) from e
    function = getattr(module, name, None)
    if not callable(function):
        raise ConfigError(f"tenants {spec}: {module_name} has no function {name!r}", path=spec)
    try:
        result = function()
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, str) or not isinstance(result, Iterable):
            raise TypeError(f"it returned {type(result).__name__}, not a list")
        return list(result)
    except PathwayError:
        raise
    except Exception as e:
        raise ConfigError(f"tenants {spec} failed: {type(e).__name__}: {one_line(e)}",
                          path=spec) from e


# ---- one tenant's connection and context -----------------------------------------------------

def tenant_connection(project: Project, name: str | None) -> str:
    """The connection a tenant re-points: ``name``, else the one connection of the apps."""
    if name is not None:
        if name not in project.config["connections"]:
            raise ConfigError(f"tenants: connection {name!r} is not in 'connections'",
                              path=name)
        if not project.apps_on(name):
            raise ConfigError(f"tenants: no app migrates on connection {name!r}", path=name)
        return name
    conns = project.connections()
    if len(conns) != 1:
        raise ConfigError(
            f"tenants: the apps use several connections ({', '.join(conns)})",
            hint=f"name the one tenants re-point: TORTOISE_ORM[{CONFIG_KEY!r}] = "
                 "{'from': ..., 'connection': NAME}")
    return conns[0]


def db_info(project: Project, conn: str, tenant: Tenant) -> dict[str, Any]:
    """Tortoise's connection settings for a tenant: its URL's, or the connection's with the
    tenant schema as the search path."""
    from tortoise.backends.base.config_generator import expand_db_url

    try:
        if tenant.url is not None:
            return expand_db_url(tenant.url)
        base = project.config["connections"][conn]
        info: dict[str, Any] = (expand_db_url(base) if isinstance(base, str)
                                else copy.deepcopy(base))
    except PathwayError:
        raise
    except Exception as e:
        raise ConfigError(f"tenant {tenant.name}: {one_line(e)}", path=tenant.name) from e
    if "asyncpg" not in str(info.get("engine", "")):
        raise ConfigError(f"tenant {tenant.name}: a schema tenant needs a PostgreSQL "
                          f"connection (asyncpg); connection {conn!r} is not one",
                          path=tenant.name)
    credentials = info.setdefault("credentials", {})
    settings = dict(credentials.get("server_settings") or {})
    settings["search_path"] = _engine.quote_ident(tenant.schema or "", "postgres")
    credentials["server_settings"] = settings
    credentials.pop("schema", None)
    return info


def tenant_config(project: Project, conn: str, tenant: Tenant) -> dict[str, Any]:
    """The config as one tenant sees it: the tenant connection re-pointed at the tenant (the
    only connection), the apps that migrate on it."""
    config = {k: v for k, v in project.config.items() if k != CONFIG_KEY}
    config["connections"] = {conn: db_info(project, conn, tenant)}
    config["apps"] = {a: project.config["apps"][a] for a in project.apps}
    return config


class TenantContext(Context):
    """A Context on one tenant: a TortoiseContext of its own (entered in the task that runs
    the tenant, so tenants run side by side) whose one connection is the tenant's, the
    fleet's migration files (a fork) and its memo. Python code in a migration gets the
    tenant's connection, and the ORM on it once the models are loaded there."""

    def __init__(self, run: _Run, tenant: Tenant, report: Reporter, progress: Reporter) -> None:
        project = dataclasses.replace(run.project,
                                      config=tenant_config(run.project, run.conn, tenant))
        super().__init__(project, run.migrations_dir, report=report, progress=progress,
                         lock_timeout=run.lock_timeout, allow_changed=run.allow_changed)
        self.tenant = tenant
        self.conn = run.conn
        self.migrations = run.migrations.fork()
        self.memo = run.memo

    async def open(self) -> None:
        from tortoise.context import TortoiseContext

        tortoise = TortoiseContext()
        tortoise.__enter__()
        self._tortoise = tortoise
        self.initialized = True
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=RuntimeWarning,
                                        message=f'Module "{NO_MODELS}" has no models')
                await tortoise.init(config=connections_only(self.project.config))
            client = self.client(self.conn)
            await client.create_connection(with_db=True)
            if self.tenant.schema is not None:
                await client.execute_script(
                    "CREATE SCHEMA IF NOT EXISTS "
                    + _engine.quote_ident(self.tenant.schema, "postgres"))
        except Exception as e:
            raise DatabaseError(f"cannot open tenant {self.tenant.name}: {one_line(e)}",
                                path=self.tenant.name) from e

    def client(self, conn: str) -> Any:
        if self._tortoise is None or conn != self.conn:
            raise ConfigError(f"connection {conn!r} is not the tenant connection", path=conn)
        return self._tortoise.connections.get(conn)

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        rec = self.recorder(self.conn)
        async with MigrationLock(rec.client, rec.dialect, self.tenant.name, self.lock_timeout,
                                 scope=self.tenant.schema):
            yield

    async def close(self) -> None:
        tortoise, self._tortoise = self._tortoise, None
        self.initialized = self.models_loaded = self.connected = False
        self._recorders.clear()
        if tortoise is not None:
            try:
                with contextlib.suppress(Exception):
                    await tortoise.close_connections()
            finally:
                tortoise.__exit__(None, None, None)


# ---- a fleet run --------------------------------------------------------------------------

@dataclass
class _Run:
    project: Project
    conn: str
    apps: list[str]
    migrations_dir: Path
    migrations: MigrationSet
    lock_timeout: float
    allow_changed: bool
    memo: dict[Any, Any] = field(default_factory=dict)


def _prepare(config: dict[str, Any], migrations_dir: str | Path, app: str | None,
             connection: str | None, lock_timeout: float, allow_changed: bool) -> _Run:
    """The fleet's project (the apps on the tenant connection) and migration files, once."""
    project = resolve(config)
    conn = tenant_connection(project, connection if connection is not None
                             else tenant_setting(config)[1])
    project = dataclasses.replace(project, connections_of={
        a: c for a, c in project.connections_of.items() if c == conn})
    apps = project.select(app)
    if app is not None and app not in project.apps:
        raise ConfigError(f"app {app!r} does not migrate on the tenant connection {conn!r}",
                          path=app)
    migrations = loader.load(Path(migrations_dir), project.apps)
    migrations.check()
    return _Run(project, conn, apps, Path(migrations_dir), migrations, lock_timeout,
                allow_changed)


async def _each(tenants: Sequence[Tenant], concurrency: int,
                work: Callable[[Tenant], Any]) -> list[Any]:
    """work(tenant) for every tenant, at most ``concurrency`` at once; results in order."""
    if concurrency < 1:
        raise ConfigError(f"concurrency must be 1 or more, not {concurrency}")
    results: list[Any] = [None] * len(tenants)
    queue = iter(enumerate(tenants))

    async def worker() -> None:
        for i, tenant in queue:
            results[i] = await work(tenant)

    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(tenants)))))
    return results


def _latest(migrations: MigrationSet, apps: list[str], applied: Iterable[Key]
            ) -> dict[str, str | None]:
    done = set(applied)
    at: dict[str, str | None] = {}
    for a in apps:
        names = [k[1] for k in migrations.app_order(a) if k in done]
        at[a] = names[-1] if names else None
    return at


async def _one(run: _Run, tenant: Tenant, rollback: bool, target: str | None,
               observer: Observer | None) -> TenantOutcome:
    start = time.perf_counter()
    outcome = TenantOutcome(tenant.name, FAILED)

    def working(text: str) -> None:
        if observer is not None:
            observer.working(tenant, text.rstrip(". "))

    if observer is not None:
        observer.started(tenant)
    ctx: TenantContext | None = None
    try:
        ctx = TenantContext(run, tenant, report=lambda text: None, progress=working)
        await ctx.open()
        applied = await ctx.applied_rows(read_only=True)
        outcome.at = _latest(ctx.set(), run.apps, applied)
        if not rollback and not ctx.progress_rows:
            ctx.check_files(applied)
            plan = _migrate.migrate_plan(ctx, run.apps, target, applied)
            if not plan.keys:
                outcome.status = UP_TO_DATE
                return outcome
        if rollback:
            keys = await _migrate.rollback(ctx, run.apps, target)
        else:
            keys = await _migrate.migrate(ctx, run.apps, target)
        outcome.ran = [f"{k[0]}.{k[1]}" for k in keys]
        outcome.status = ROLLED_BACK if rollback else MIGRATED
        if not keys:
            outcome.status = NOTHING if rollback else UP_TO_DATE
    except NothingToDo:
        outcome.status = NOTHING
    except PathwayError as e:
        outcome.error, outcome.failed_at = e.message, e.path
    except Exception as e:  # a driver's error outside a migration: this tenant only
        outcome.error = f"{type(e).__name__}: {one_line(e)}"
    finally:
        if ctx is not None:
            if ctx.initialized and outcome.status != UP_TO_DATE:
                with contextlib.suppress(Exception):
                    outcome.at = _latest(ctx.set(), run.apps,
                                         await ctx.applied_rows(read_only=True))
            await ctx.close()
        outcome.seconds = time.perf_counter() - start
        if observer is not None:
            observer.finished(tenant, outcome)
    return outcome


async def migrate_tenants(config: dict[str, Any], tenants: Any = None,
                          concurrency: int = DEFAULT_CONCURRENCY,
                          migrations_dir: str | Path = "migrations", app: str | None = None,
                          target: str | None = None, rollback: bool = False,
                          connection: str | None = None, lock_timeout: float = 60.0,
                          allow_changed: bool = False, observer: Observer | None = None
                          ) -> list[TenantOutcome]:
    """Migrates every tenant (``rollback``: rolls each back) and returns their outcomes, in
    the order of the list. ``tenants``: Tenant objects, or a source as ``load_tenants``
    takes it (default: the config's). At most ``concurrency`` tenants at once; a failure
    stops only its tenant (its outcome says why). ``connection``: the one tenants re-point
    (default: the config's setting, else the apps' only connection)."""
    run = _prepare(config, migrations_dir, app, connection, lock_timeout, allow_changed)
    # what would fail alike on every tenant fails once, before any tenant
    if rollback and len(run.apps) != 1:
        raise ConfigError("rollback needs --app (the tenant connection has several apps: "
                          f"{', '.join(run.apps)})")
    if target is not None:
        if len(run.apps) != 1:
            raise ConfigError("a target migration needs --app")
        run.migrations.find(run.apps[0], target)
    fleet = await _tenants(config, tenants)

    async def work(tenant: Tenant) -> TenantOutcome:
        return await _one(run, tenant, rollback, target, observer)

    outcomes: list[TenantOutcome] = await _each(fleet, concurrency, work)
    return outcomes


async def _read_each(run: _Run, fleet: list[Tenant], concurrency: int,
                     read: Callable[[TenantContext, dict[Key, Any]], Awaitable[Any]],
                     failed: Callable[[Tenant, str], Any]) -> list[Any]:
    """read(ctx, applied rows) on every tenant, nothing written, at most ``concurrency`` at
    once, each tenant's connection opened and closed around it; a tenant that cannot be
    read gives failed(tenant, one-line error). Results in list order."""
    async def work(tenant: Tenant) -> Any:
        ctx: TenantContext | None = None
        try:
            ctx = TenantContext(run, tenant, report=lambda text: None,
                                progress=lambda text: None)
            await ctx.open()
            return await read(ctx, await ctx.applied_rows(read_only=True))
        except PathwayError as e:
            return failed(tenant, e.message)
        except Exception as e:
            return failed(tenant, f"{type(e).__name__}: {one_line(e)}")
        finally:
            if ctx is not None:
                await ctx.close()

    return await _each(fleet, concurrency, work)


async def tenant_states(config: dict[str, Any], tenants: Any = None,
                        concurrency: int = DEFAULT_CONCURRENCY,
                        migrations_dir: str | Path = "migrations", app: str | None = None,
                        connection: str | None = None) -> list[TenantState]:
    """Where each tenant stands (its history read, nothing written), in list order."""
    run = _prepare(config, migrations_dir, app, connection, 60.0, True)
    fleet = await _tenants(config, tenants)

    async def read(ctx: TenantContext, applied: dict[Key, Any]) -> TenantState:
        state = TenantState(ctx.tenant.name)
        state.at = _latest(ctx.set(), run.apps, applied)
        state.pending = {a: sum(1 for k in ctx.set().app_order(a) if k not in applied)
                         for a in run.apps}
        state.partial = [f"{k[0]}.{k[1]}" for k in sorted(ctx.progress_rows)]
        return state

    states: list[TenantState] = await _read_each(
        run, fleet, concurrency, read, lambda t, error: TenantState(t.name, error=error))
    return states


@dataclass
class TenantDrift:
    """check --tenants on one tenant: its database against the migrations applied to it."""

    tenant: str
    #: one line each: what differs, and what makes the comparison uncertain (drift.Drift)
    differences: list[str] = field(default_factory=list)
    #: what was not compared
    notes: list[str] = field(default_factory=list)
    #: the tenant could not be read
    error: str | None = None

    @property
    def clean(self) -> bool:
        return self.error is None and not self.differences


async def check_tenants(config: dict[str, Any], tenants: Any = None,
                        concurrency: int = DEFAULT_CONCURRENCY,
                        migrations_dir: str | Path = "migrations", app: str | None = None,
                        connection: str | None = None) -> list[TenantDrift]:
    """Each tenant's database against the migrations applied to it (check's drift; nothing
    written), in list order."""
    from . import drift

    run = _prepare(config, migrations_dir, app, connection, 60.0, True)
    fleet = await _tenants(config, tenants)

    async def read(ctx: TenantContext, applied: dict[Key, Any]) -> TenantDrift:
        found = await drift.database_drift(ctx, run.conn, run.apps, applied)
        return TenantDrift(ctx.tenant.name,
                           found.problems + [d["message"] for d in found.differences],
                           list(found.notes))

    results: list[TenantDrift] = await _read_each(
        run, fleet, concurrency, read, lambda t, error: TenantDrift(t.name, error=error))
    return results


async def _tenants(config: dict[str, Any], tenants: Any) -> list[Tenant]:
    if tenants is None:
        tenants = tenant_setting(config)[0]
    if isinstance(tenants, (list, tuple)) and tenants and all(
            isinstance(t, Tenant) for t in tenants):
        return list(tenants)
    return await load_tenants(tenants)


# ---- reading the results --------------------------------------------------------------------

@dataclass
class Group:
    """Tenants that stand on the same migration of an app."""

    app: str
    migration: str | None  # None: nothing applied
    tenants: list[str]
    pending: int
    partial: list[str] = field(default_factory=list)


def group_states(states: list[TenantState], apps: list[str]) -> tuple[list[Group], list[str]]:
    """Per app, the groups of tenants on each migration, latest first; and the tenants that
    could not be read (``name: error``)."""
    groups: list[Group] = []
    for a in apps:
        by: dict[str | None, Group] = {}
        for s in states:
            if s.error is not None or a not in s.at:
                continue
            g = by.setdefault(s.at[a], Group(a, s.at[a], [], s.pending.get(a, 0)))
            g.tenants.append(s.tenant)
            g.partial.extend(p for p in s.partial if p.startswith(f"{a}."))
        groups.extend(sorted(by.values(), key=lambda g: (g.pending, g.migration is None)))
    failed = [f"{s.tenant}: {s.error}" for s in states if s.error is not None]
    return groups, failed


def counts(outcomes: list[TenantOutcome]) -> dict[str, int]:
    """How many tenants ended in each status (statuses in a fixed order, none left out)."""
    out = {status: 0 for status in (MIGRATED, ROLLED_BACK, UP_TO_DATE, NOTHING, FAILED)}
    for o in outcomes:
        out[o.status] += 1
    return out


def report_data(command: str, outcomes: list[TenantOutcome], seconds: float) -> dict[str, Any]:
    """The JSON report of a fleet run (``--report``)."""
    return {
        "command": command,
        "tenants": len(outcomes),
        "counts": {k: v for k, v in counts(outcomes).items() if v},
        "failed": [o.tenant for o in outcomes if o.failed],
        "seconds": round(seconds, 3),
        "outcomes": [{**asdict(o), "seconds": round(o.seconds, 3)} for o in outcomes],
    }
