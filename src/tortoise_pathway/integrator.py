"""The programmatic API: ``TortoisePathwayIntegrator`` and ``setup_and_migrate``.

A facade: it resolves the config once (config.py), owns the Context every command shares
(context.py), and hands each call to the module that does the work: migrate.py (migrate,
rollback, status), makemigrations.py, merge.py (makemigrations --merge), drift.py (check),
adopt.py (adopt, --fake-initial), lint.py (lint), preview.py (sqlmigrate, --plan, migrate --sql),
squash.py (squashmigrations).
The CLI is a thin layer over it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import adopt as _adopt
from . import drift as _drift
from . import fleet as _fleet
from . import lint as _lint
from . import makemigrations as _makemigrations
from . import merge as _merge
from . import migrate as _migrate
from . import preview as _preview
from . import squash as _squash
from .config import resolve
from .context import Context, Reporter
from .exceptions import ConfigError
from .loader import Key, MigrationSet
from .questioner import Questioner

MadeMigration = _makemigrations.MadeMigration
MigrationStatus = _migrate.MigrationStatus
CheckReport = _drift.CheckReport
AdoptReport = _adopt.AdoptReport
PlanPreview = _preview.PlanPreview
LintReport = _lint.LintReport
Merged = _merge.Merged
Squashed = _squash.Squashed

__all__ = ["AdoptReport", "CheckReport", "LintReport", "MadeMigration", "Merged", "MigrationStatus",
           "PlanPreview", "Squashed", "TortoisePathwayIntegrator", "setup_and_migrate"]


class TortoisePathwayIntegrator:
    """Runs tortoise-pathway against the databases of a TORTOISE_ORM config.

    >>> integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    >>> await integrator.initialize(); await integrator.migrate(); await integrator.close()
    """

    def __init__(self, config: dict[str, Any], migrations_dir: str | Path = "migrations",
                 app: str | None = None, reporter: Reporter | None = None,
                 lock_timeout: float = 60.0, allow_changed: bool = False,
                 progress: Reporter | None = None) -> None:
        self.project = resolve(config)
        self.config = config
        self.migrations_dir = Path(migrations_dir)
        #: the app every call works on unless it names one (None: every app)
        self.app = app
        self.ctx = Context(self.project, self.migrations_dir, report=reporter,
                           progress=progress, lock_timeout=lock_timeout,
                           allow_changed=allow_changed)

    @property
    def migrations(self) -> MigrationSet | None:
        """The loaded migration files (after initialize())."""
        return self.ctx.migrations

    def _apps(self, app: str | None) -> list[str]:
        return self.project.select(app if app is not None else self.app)

    # ---- set-up ------------------------------------------------------------------------

    async def initialize(self, connect: bool = True, heads_ok: bool = False,
                         models: bool = True) -> None:
        """Loads the models and the migration files; with ``connect``, also checks each
        database and makes sure its history table exists. An app with several heads (latest
        migrations) is an error, unless ``heads_ok`` (to call ``merge_migrations``).

        ``models=False`` opens the connections without importing the model modules, which
        migrations do not need: ``migrate``, ``rollback``, ``status``, ``plan``,
        ``sqlmigrate``, ``sql_script``, ``merge_migrations`` and ``squash_migrations`` work
        so, and a migration that runs Python code (``RunPython``, a custom ``apply()``) gets
        the models loaded before the run starts; ``check`` and ``adopt`` load them,
        ``make_migrations`` needs them loaded. Tortoise then has the models only if
        something loaded them."""
        await self.ctx.initialize(connect, self._apps(None), heads_ok, models=models)

    async def close(self) -> None:
        """Closes every connection Tortoise opened."""
        await self.ctx.close()

    def _models_needed(self, what: str) -> None:
        if self.ctx.initialized and not self.ctx.models_loaded:
            raise ConfigError(f"{what} reads the models: call initialize() without "
                              "models=False first")

    # ---- commands ------------------------------------------------------------------------

    async def migrate(self, app: str | None = None, target: str | None = None,
                      fake: bool = False, fake_initial: bool = False,
                      stage: str | None = None) -> list[Key]:
        """Applies pending migrations (of ``app``, or every app); with ``target``, brings the
        app exactly to that migration (reverting later ones if needed). ``fake`` records
        them as applied without running anything; ``fake_initial`` records an app's first
        migration as applied when the database already holds exactly its tables. Returns
        the keys run or recorded. Holds each database's migration lock while it works.
        ``stage="expand"`` applies only the migrations safe while the previous release runs
        (expand; up to the first pending contract one of each chain), ``"contract"`` the
        rest (every pending one)."""
        return await _migrate.migrate(self.ctx, self._apps(app), target, fake=fake,
                                      fake_initial=fake_initial, stage=stage)

    async def rollback(self, app: str | None = None, target: str | None = None,
                       fake: bool = False) -> list[Key]:
        """Reverts the latest applied migration of ``app``, or every migration after
        ``target``; ``fake`` only removes their history rows. Migrations of other apps that
        depend on them are reverted first."""
        return await _migrate.rollback(self.ctx, self._apps(app), target, fake=fake)

    async def status(self, app: str | None = None) -> list[MigrationStatus]:
        """Every migration of the app(s) with whether it is applied, and applied rows whose
        file is missing or changed."""
        return await _migrate.status(self.ctx, self._apps(app))

    async def plan(self, app: str | None = None, target: str | None = None,
                   rollback: bool = False, stage: str | None = None) -> PlanPreview:
        """What ``migrate(app, target)`` (or ``rollback(app, target)``) would run, with each
        migration's SQL as it would run; the databases are only read."""
        return await _preview.plan(self.ctx, self._apps(app), target, rollback=rollback,
                                   stage=stage)

    def sqlmigrate(self, app: str, migration: str, backward: bool = False,
                   dialect: str | None = None) -> list[str]:
        """The SQL script lines of one migration (a name or a unique prefix) as migrate runs
        it, for ``dialect`` or the app's connection's. Needs no database
        (``initialize(connect=False)``)."""
        return _preview.sqlmigrate(self.ctx, app, migration, backward, dialect)

    def sql_script(self, app: str | None = None, target: str | None = None,
                   start: str | None = None, dialect: str | None = None) -> list[str]:
        """One SQL script (lines) that applies the migrations, with their history rows, on a
        database that is empty or, with ``start``, at that migration. Needs no database
        (``initialize(connect=False)``)."""
        return _preview.script(self.ctx, self._apps(app), target, start, dialect)

    def make_migrations(self, app: str | None = None, name: str | None = None,
                        empty: bool = False, dry_run: bool = False,
                        questioner: Questioner | None = None,
                        stages: bool = False) -> list[MadeMigration]:
        """Writes a migration per app whose models differ from what its migrations build.
        Renames are asked of ``questioner`` (default: none are assumed, so a renamed table or
        column becomes a drop and an add). ``stages`` writes a change that mixes expand and
        contract operations as two migrations, the second marked ``stage = "contract"``
        (the command line does). Needs ``initialize(connect=False)`` (or ``initialize()``)
        first, with the models."""
        self._models_needed("make_migrations")
        return _makemigrations.make_migrations(self.ctx, self._apps(app), name=name,
                                               empty=empty, dry_run=dry_run,
                                               questioner=questioner, stages=stages)

    def merge_migrations(self, app: str | None = None, name: str | None = None,
                         dry_run: bool = False) -> list[Merged]:
        """Writes a merge migration (depending on every head, no operations) for each app
        whose migrations have several heads; raises MergeConflictError, naming each pair of
        operations, when their branches change the same objects. Needs
        ``initialize(connect=False, heads_ok=True)`` first."""
        return _merge.merge(self.ctx, self._apps(app), name=name, dry_run=dry_run)

    def squash_migrations(self, app: str, end: str, start: str | None = None,
                          name: str | None = None) -> Squashed:
        """Writes one migration that replaces app's migrations from ``start`` (default: the
        first) to ``end``, their operations folded by the optimizer. Needs
        ``initialize(connect=False)`` first."""
        return _squash.squash(self.ctx, app, end, start=start, name=name)

    async def check(self, app: str | None = None, sql: bool = False) -> CheckReport:
        """Model changes without a migration, and every difference between each database and
        the state its applied migrations describe (``sql``: with the statements that would
        bring the database back to that state). Changes nothing."""
        if self.ctx.initialized:  # without the models: load them now
            await self.ctx.load_models()
        return await _drift.check(self.ctx, self._apps(app), sql=sql)

    async def lint(self, app: str | None = None, migration: str | None = None,
                   dialect: str | None = None) -> LintReport:
        """What the migrations risk on a live database (findings per migration, each
        allowed or not by the migration's ``allow``): for ``dialect`` without a database,
        every migration of the app(s); else, for each app's connection (its dialect and
        version, read), the migrations not applied there; ``migration`` (with ``app``) only
        that one. Needs no models (``initialize(connect=False, models=False)``)."""
        return await _lint.lint(self.ctx, self._apps(app), migration, dialect)

    async def adopt(self, app: str | None = None, questioner: Questioner | None = None
                    ) -> AdoptReport:
        """Brings existing databases under tortoise-pathway: an app without migrations gets
        an initial migration written from its live tables (recorded as applied) and, where
        the database differs from the models, a catch-up migration to review and migrate;
        an app with migrations gets its first one recorded when the database holds it."""
        if self.ctx.initialized:  # without the models: load them now
            await self.ctx.load_models()
        return await _adopt.adopt(self.ctx, self._apps(app), questioner)

    async def migrate_tenants(self, tenants: Any = None,
                              concurrency: int = _fleet.DEFAULT_CONCURRENCY,
                              target: str | None = None, rollback: bool = False,
                              observer: _fleet.Observer | None = None
                              ) -> list[_fleet.TenantOutcome]:
        """Migrates (``rollback``: rolls back) every tenant, at most ``concurrency`` at once,
        and returns their outcomes in list order (fleet.migrate_tenants with this
        integrator's config, folder, app, lock timeout and allow_changed). ``tenants``: a
        source as the command line's --tenants takes it, a list, or None for the config's.
        Needs no initialize(): each tenant gets its own connection."""
        return await _fleet.migrate_tenants(
            self.config, tenants, concurrency=concurrency, migrations_dir=self.migrations_dir,
            app=self.app, target=target, rollback=rollback,
            lock_timeout=self.ctx.lock_timeout, allow_changed=self.ctx.allow_changed,
            observer=observer)

    async def check_tenants(self, tenants: Any = None,
                            concurrency: int = _fleet.DEFAULT_CONCURRENCY
                            ) -> list[_fleet.TenantDrift]:
        """Each tenant's database against the migrations applied to it (check --tenants)."""
        return await _fleet.check_tenants(self.config, tenants, concurrency=concurrency,
                                          migrations_dir=self.migrations_dir, app=self.app)


async def setup_and_migrate(config: dict[str, Any], migrations_dir: str | Path = "migrations",
                            app: str | None = None) -> list[Key]:
    """Initialises (Tortoise with the models, as the application uses them next), applies
    every pending migration, and closes the connections."""
    integrator = TortoisePathwayIntegrator(config, migrations_dir=migrations_dir, app=app)
    try:
        await integrator.initialize(models=True)
        return await integrator.migrate()
    finally:
        await integrator.close()
