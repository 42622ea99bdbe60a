"""What every command works with: the resolved project, the loaded migration files, and per
connection the Tortoise client, its dialect and its history recorder; the history rows read
from each database, the migration lock, and the check of applied files.

The integrator (the public facade) owns one Context and hands it to the modules that do the
work (migrate.py, makemigrations.py, drift.py, adopt.py).

Tortoise is initialised in one of two ways. With the models (``initialize(models=True)``),
as Tortoise's own ``init`` does it: every model module is imported (for a thousand models,
seconds of CPU). Without them (``models=False``), only the connections of the config are set
up: each app lists a module without models (``_nomodels``), so no model module, router or
Aerich module is imported; migration files are self-contained and need none. The models are
registered later, once, only if something needs them (``load_models``: a migration in the
plan that runs Python code, which may use the ORM), on the same Tortoise context, so the
clients that are open (a held migration lock, the history recorder) stay the ones the ORM
uses.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from . import loader
from .config import Project, connection_name
from .exceptions import (
    ChangedMigrationError,
    ConfigError,
    DatabaseError,
    ModelError,
    PathwayError,
)
from .executor import MigrationLock
from .loader import Key, MigrationSet
from .recorder import PROGRESS_TABLE, TABLE, AppliedMigration, Progress, Recorder

log = logging.getLogger("tortoise_pathway")

Reporter = Callable[[str], None]

DIALECTS = ("sqlite", "postgres", "mysql")

#: the module every app lists while the models are not loaded (it holds none)
NO_MODELS = "tortoise_pathway._nomodels"


class Context:
    """The state one command shares between the modules it uses."""

    def __init__(self, project: Project, migrations_dir: Path, report: Reporter | None = None,
                 progress: Reporter | None = None, lock_timeout: float = 60.0,
                 allow_changed: bool = False) -> None:
        self.project = project
        self.migrations_dir = migrations_dir
        #: finished lines for the user ("Applying models.0002_x... OK (12 ms)")
        self.report: Reporter = report or log.info
        #: work that starts now ("Applying models.0002_x..."), completed by the next report
        self.progress: Reporter = progress or (lambda text: None)
        #: seconds to wait for another migration command's lock
        self.lock_timeout = lock_timeout
        #: go on although an applied migration's file changed or disappeared
        self.allow_changed = allow_changed
        self.migrations: MigrationSet | None = None
        #: progress rows of interrupted non-transactional runs, read by applied_rows()
        self.progress_rows: dict[Key, Progress] = {}
        #: Tortoise is initialised (the connections are set up)
        self.initialized = False
        #: ... and the config's models are registered (their modules imported)
        self.models_loaded = False
        self.connected = False
        self._recorders: dict[str, CheckedRecorder] = {}
        #: the TortoiseContext that Tortoise.init returned (Tortoise >= 1.0)
        self._tortoise: Any = None

    # ---- set-up ------------------------------------------------------------------------

    async def initialize(self, connect: bool = True, apps: list[str] | None = None,
                         heads_ok: bool = False, models: bool = True) -> None:
        """Initialises Tortoise with the config: with ``models``, its models too (every model
        module is imported); without, only its connections (``load_models`` registers the
        models later, if something needs them). Loads the migration files (an app with two
        heads is an error unless ``heads_ok``: a merge is being made); with ``connect``,
        makes sure the database of each app (of ``apps``, default: every app) answers and
        has its history table."""
        if not self.initialized:
            await self._init_tortoise(models)
        elif models:
            await self.load_models()
        self.migrations = loader.load(self.migrations_dir, self.project.apps)
        self.migrations.check(heads_ok)
        if connect and not self.connected:
            for conn in self.project.connections(apps):
                await self.recorder(conn).ensure_table()
            self.connected = True

    async def _init_tortoise(self, models: bool) -> None:
        from tortoise import Tortoise

        if not models and not _has_contexts():
            models = True  # Tortoise < 1.0: no context to add the models to later
        try:
            if models:
                self._tortoise = await Tortoise.init(config=self.project.config)
            else:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", category=RuntimeWarning,
                                            message=f'Module "{NO_MODELS}" has no models')
                    self._tortoise = await Tortoise.init(
                        config=connections_only(self.project.config))
        except PathwayError:
            raise
        except Exception as e:
            raise tortoise_error(e) from e
        self.initialized = True
        self.models_loaded = models

    async def load_models(self, needed_by: str | None = None) -> None:
        """Registers the config's models (importing their modules), once. After
        ``initialize(models=False)`` they are added to the Tortoise context whose connections
        are open: the clients stay the same objects (a held lock, a recorder), and ORM
        queries go to them, inside a migration's transaction too. ``needed_by`` says what
        needs them, for the error when the models cannot be loaded."""
        if self.models_loaded:
            return
        if not self.initialized or self._tortoise is None:
            await self._init_tortoise(models=True)
            return
        try:
            # TortoiseContext.init on a context that has the connections: the config's
            # connections are the ones it has (each client is taken from its storage, none
            # is opened again), the apps are built from the config, models included
            await self._tortoise.init(config=self.project.config)
        except Exception as e:
            error = e if isinstance(e, PathwayError) else tortoise_error(e)
            if needed_by:
                error.hint = (f"{needed_by} runs Python code, which gets the ORM with the "
                              "models: fix the models first (nothing was run)")
            raise error from e
        self.models_loaded = True

    async def close(self) -> None:
        from tortoise import Tortoise

        if self.initialized:
            await Tortoise.close_connections()
        self.initialized = False
        self.models_loaded = False
        self.connected = False
        self._tortoise = None
        self._recorders.clear()

    def set(self) -> MigrationSet:
        if self.migrations is None:
            raise PathwayError("call initialize() first")
        return self.migrations

    # ---- connections --------------------------------------------------------------------

    def client(self, conn: str) -> Any:
        from tortoise import Tortoise

        return Tortoise.get_connection(conn)

    def dialect(self, conn: str) -> str:
        dialect = str(self.client(conn).capabilities.dialect)
        if dialect not in DIALECTS:
            raise ConfigError(f"connection {conn!r} uses {dialect}, which tortoise-pathway does "
                              "not support (sqlite, postgres, mysql)", path=conn)
        return dialect

    def recorder(self, conn: str) -> CheckedRecorder:
        if conn not in self._recorders:
            self._recorders[conn] = CheckedRecorder(self.client(conn), self.dialect(conn), conn)
        return self._recorders[conn]

    def app_recorder(self, app: str) -> CheckedRecorder:
        return self.recorder(self.project.connection(app))

    def app_dialect(self, app: str) -> str:
        return self.dialect(self.project.connection(app))

    # ---- history --------------------------------------------------------------------------

    async def applied_rows(self, read_only: bool = False) -> dict[Key, AppliedMigration]:
        """The history rows of every app, read from each app's connection. Also reads the
        progress rows of interrupted non-transactional runs into ``progress_rows`` (and
        clears the ones whose run finished but for the clean-up). ``read_only`` creates no
        history table where there is none (and cleans nothing up): no rows there."""
        rows: dict[Key, AppliedMigration] = {}
        self.progress_rows = {}
        project = self.project
        for conn in project.connections():
            recorder = self.recorder(conn)
            present = {TABLE, PROGRESS_TABLE}
            if read_only:
                present = await recorder.present()
            elif not self.connected:
                await recorder.ensure_table()
            ours = set(project.apps_on(conn))
            if TABLE in present:
                for row in await recorder.applied():
                    if row.app in ours:
                        rows[(row.app, row.name)] = row
            for p in await recorder.progress() if PROGRESS_TABLE in present else []:
                if p.app not in ours:
                    continue
                key = (p.app, p.name)
                if (key in rows) == (p.direction == "forward"):
                    # finished, only the clean-up was cut short
                    if not read_only:
                        await recorder.clear_progress(recorder.client, p.app, p.name)
                else:
                    self.progress_rows[key] = p
        self.connected = self.connected or not read_only
        if self.migrations is not None:
            # a squashed migration whose replaced migrations are all applied counts as
            # applied, and gets its own row (the replaced files may then go)
            for key in self.migrations.use_replacements(rows):
                if key in rows:
                    continue
                m = self.migrations.migrations[key]
                if not read_only:
                    recorder = self.app_recorder(key[0])
                    await recorder.record_applied(recorder.client, key[0], key[1], m.checksum)
                rows[key] = AppliedMigration(key[0], key[1], m.checksum, None)
        return rows

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[None]:
        """Holds the migration lock of every connection of the project."""
        async with contextlib.AsyncExitStack() as stack:
            for conn in self.project.connections():
                rec = self.recorder(conn)
                await stack.enter_async_context(
                    MigrationLock(rec.client, rec.dialect, conn, self.lock_timeout))
            yield

    def check_files(self, applied: dict[Key, AppliedMigration]) -> None:
        """Stops when an applied migration's file changed or is gone (unless allowed)."""
        if self.allow_changed:
            return
        migrations = self.set()
        for key in sorted(applied):
            if key[0] not in self.project.apps:
                continue
            m = migrations.loaded.peek(key) if key in migrations.loaded else None
            label = f"{key[0]}.{key[1]}"
            if m is None and migrations.accounted(key):
                continue  # replaced by a squashed migration, its file deleted
            if m is None:
                raise ChangedMigrationError(
                    f"applied migration {label} has no file in {self.migrations_dir / key[0]}",
                    path=label,
                    hint="restore the file, or pass --allow-changed to go on without it")
            if m.checksum != applied[key].checksum:
                raise ChangedMigrationError(
                    f"{m.path} was changed after it was applied", path=label,
                    hint="undo the edit (write a new migration instead), or pass "
                         "--allow-changed if the change is harmless")


class CheckedRecorder(Recorder):
    """A Recorder whose first use turns connection failures into one clear DatabaseError."""

    def __init__(self, client: Any, dialect: str, conn: str) -> None:
        super().__init__(client, dialect)
        self.client = client
        self.conn = conn

    async def ensure_table(self) -> None:
        try:
            await super().ensure_table()
        except Exception as e:
            raise self._unusable(e) from e

    async def present(self) -> set[str]:
        """Which of the history and progress tables exist (creating none)."""
        try:
            return set(await self._tables())
        except Exception as e:
            raise self._unusable(e) from e

    def _unusable(self, e: Exception) -> DatabaseError:
        return DatabaseError(
            f"cannot use database connection {self.conn!r} ({self.dialect}): {one_line(e)}",
            path=self.conn,
            hint="check that the database server runs, the database exists and the "
                 "credentials in the config are right")


def connections_only(config: dict[str, Any]) -> dict[str, Any]:
    """The config with its connections, time zone and apps (each on its connection), but
    neither models nor routers: every app lists NO_MODELS, a module without models."""
    out = {k: v for k, v in config.items() if k not in ("apps", "routers")}
    out["apps"] = {app: {"models": [NO_MODELS],
                         "default_connection": connection_name(config, app)}
                   for app in config["apps"]}
    return out


def _has_contexts() -> bool:
    """Tortoise >= 1.0: Tortoise.init returns a TortoiseContext that can take the models
    later."""
    try:
        from tortoise.context import TortoiseContext  # noqa: F401
    except ImportError:
        return False
    return True


def one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def tortoise_error(e: Exception) -> PathwayError:
    from tortoise.exceptions import ConfigurationError

    if isinstance(e, ConfigurationError):
        return ModelError(f"Tortoise rejected the models or config: {one_line(e)}")
    if isinstance(e, ModuleNotFoundError):
        return ConfigError(f"a models module cannot be imported: {one_line(e)}")
    if isinstance(e, SyntaxError):
        return ModelError(f"{e.filename}:{e.lineno}: syntax error in models: {e.msg}",
                          path=e.filename)
    return ModelError(f"Tortoise failed to initialise: {type(e).__name__}: {one_line(e)}")
