"""The programmatic API: ``TortoisePathwayIntegrator`` and ``setup_and_migrate``.

The integrator ties the parts together: config -> Tortoise -> loader -> engine plan and SQL ->
executor -> recorder. The CLI is a thin layer over it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _engine, introspect, loader, writer
from .config import connection_name, select_apps, validate
from .exceptions import (
    ChangedMigrationError,
    ConfigError,
    DatabaseError,
    IrreversibleError,
    MigrationFailed,
    ModelError,
    NothingToDo,
    PathwayError,
)
from .executor import Executor, MigrationLock
from .loader import Key, MigrationSet
from .migration import Migration
from .questioner import Questioner, data_loss_warnings
from .recorder import AppliedMigration, Progress, Recorder

log = logging.getLogger("tortoise_pathway")

Reporter = Callable[[str], None]


@dataclass
class MigrationStatus:
    app: str
    name: str
    applied: bool
    file_missing: bool = False
    changed: bool = False
    #: (direction, steps done, steps in all) of an interrupted non-transactional run
    partial: tuple[str, int, int] | None = None


@dataclass
class MadeMigration:
    app: str
    path: Path | None
    operations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class TortoisePathwayIntegrator:
    """Runs tortoise-pathway against the databases of a TORTOISE_ORM config.

    >>> integrator = TortoisePathwayIntegrator(TORTOISE_ORM)
    >>> await integrator.initialize(); await integrator.migrate(); await integrator.close()
    """

    def __init__(self, config: dict[str, Any], migrations_dir: str | Path = "migrations",
                 app: str | None = None, reporter: Reporter | None = None,
                 lock_timeout: float = 60.0, allow_changed: bool = False,
                 progress: Reporter | None = None) -> None:
        validate(config)
        #: seconds to wait for another migration command's lock
        self.lock_timeout = lock_timeout
        #: go on although an applied migration's file changed or disappeared
        self.allow_changed = allow_changed
        self.config = config
        self.migrations_dir = Path(migrations_dir)
        self.app = app
        self.report: Reporter = reporter or log.info
        #: told "Applying app.name..." before a migration runs (the CLI shows it at once)
        self.progress: Reporter = progress or (lambda text: None)
        self.migrations: MigrationSet | None = None
        self._initialized = False
        self._connected = False
        self._recorders: dict[str, Recorder] = {}
        self._progress: dict[Key, Progress] = {}

    # ---- set-up ------------------------------------------------------------------

    async def initialize(self, connect: bool = True) -> None:
        """Loads the models and the migration files; with ``connect``, also checks each
        database and makes sure its history table exists."""
        from tortoise import Tortoise

        if not self._initialized:
            try:
                await Tortoise.init(config=self.config)
            except PathwayError:
                raise
            except Exception as e:
                raise _tortoise_error(e) from e
            self._initialized = True
        self.migrations = loader.load(self.migrations_dir, select_apps(self.config, None))
        self.migrations.check()
        if connect and not self._connected:
            for conn in sorted({connection_name(self.config, a) for a in self._apps()}):
                await self._recorder(conn).ensure_table()
            self._connected = True

    async def close(self) -> None:
        """Closes every connection Tortoise opened."""
        from tortoise import Tortoise

        if self._initialized:
            await Tortoise.close_connections()
        self._initialized = False
        self._connected = False
        self._recorders.clear()

    def _apps(self, app: str | None = None) -> list[str]:
        return select_apps(self.config, app if app is not None else self.app)

    def _set(self) -> MigrationSet:
        if self.migrations is None:
            raise PathwayError("call initialize() first")
        return self.migrations

    def _client(self, conn: str) -> Any:
        from tortoise import Tortoise

        return Tortoise.get_connection(conn)

    def _dialect(self, conn: str) -> str:
        dialect = str(self._client(conn).capabilities.dialect)
        if dialect not in ("sqlite", "postgres", "mysql"):
            raise ConfigError(f"connection {conn!r} uses {dialect}, which tortoise-pathway does "
                              "not support (sqlite, postgres, mysql)", path=conn)
        return dialect

    def _recorder(self, conn: str) -> _CheckedRecorder:
        if conn not in self._recorders:
            self._recorders[conn] = _CheckedRecorder(self._client(conn), self._dialect(conn),
                                                     conn, self.config)
        return self._recorders[conn]  # type: ignore[return-value]

    async def _applied_rows(self) -> dict[Key, AppliedMigration]:
        """The history rows of every app, read from each app's connection. Also reads the
        progress rows of interrupted non-transactional runs into ``self._progress``."""
        rows: dict[Key, AppliedMigration] = {}
        self._progress = {}
        for conn in sorted({connection_name(self.config, a) for a in select_apps(self.config,
                                                                                   None)}):
            recorder = self._recorder(conn)
            if not self._connected:
                await recorder.ensure_table()

            def ours(app: str, conn: str = conn) -> bool:
                return app in self.config["apps"] and connection_name(self.config, app) == conn

            for row in await recorder.applied():
                if ours(row.app):
                    rows[(row.app, row.name)] = row
            for p in await recorder.progress():
                if not ours(p.app):
                    continue
                key = (p.app, p.name)
                if (key in rows) == (p.direction == "forward"):
                    # finished, only the clean-up was cut short
                    await recorder.clear_progress(recorder.client, p.app, p.name)
                else:
                    self._progress[key] = p
        self._connected = True
        return rows

    # ---- migrate / rollback -----------------------------------------------------------

    async def migrate(self, app: str | None = None, target: str | None = None) -> list[Key]:
        """Applies pending migrations (of ``app``, or every app); with ``target``, brings the
        app exactly to that migration (reverting later ones if needed). Returns the keys run.
        Holds each database's migration lock while it works."""
        async with self._locked():
            return await self._migrate(app, target)

    async def rollback(self, app: str | None = None, target: str | None = None) -> list[Key]:
        """Reverts the latest applied migration of ``app``, or every migration after
        ``target``. Migrations of other apps that depend on them are reverted first."""
        async with self._locked():
            return await self._rollback(app, target)

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for conn in sorted({connection_name(self.config, a) for a in self._apps(None)}):
                rec = self._recorder(conn)
                await stack.enter_async_context(
                    MigrationLock(rec.client, rec.dialect, conn, self.lock_timeout))
            yield

    def _check_files(self, applied: dict[Key, AppliedMigration]) -> None:
        """Stops when an applied migration's file changed or is gone (unless allowed)."""
        if self.allow_changed:
            return
        migrations = self._set()
        for key in sorted(applied):
            if key[0] not in self._apps(None):
                continue
            m = migrations.migrations.get(key)
            label = f"{key[0]}.{key[1]}"
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

    async def _migrate(self, app: str | None, target: str | None) -> list[Key]:
        migrations = self._set()
        apps = self._apps(app)
        if target is not None and len(apps) != 1:
            raise ConfigError("a target migration needs --app")
        applied = await self._applied_rows()
        self._check_files(applied)
        if target is not None:
            m = migrations.find(apps[0], target)
            if m.key in applied:
                order = migrations.app_order(apps[0])
                later = [k for k in order[order.index(m.key) + 1:] if k in applied]
                if not later:
                    self.report(f"{m.label} is already the latest applied migration.")
                    return []
                return await self._revert(later, applied)
            targets = [m.key]
        else:
            targets = [(a, h) for a in apps for h in migrations.heads(a)]
        for key, p in sorted(self._progress.items()):
            if p.direction == "backward" and key[0] in apps:
                raise MigrationFailed(
                    f"{key[0]}.{key[1]} was being reverted and stopped after {p.done} of "
                    f"{p.total} steps", path=f"{key[0]}.{key[1]}",
                    hint="run rollback again to finish reverting it, then migrate")
        plan = migrations.plan(applied, targets)
        if not plan:
            self.report("No migrations to apply.")
            return []
        self._render(plan, applied, backward=False)
        for key in plan:
            await self._run(migrations.migrations[key], backward=False)
        return plan

    async def _rollback(self, app: str | None, target: str | None) -> list[Key]:
        migrations = self._set()
        apps = self._apps(app)
        if len(apps) != 1:
            raise ConfigError("rollback needs --app (the config has several apps: "
                              f"{', '.join(apps)})")
        applied = await self._applied_rows()
        self._check_files(applied)
        order = migrations.app_order(apps[0])
        done = [k for k in order if k in applied]
        partial = [k for k in order if self._progress.get(k) and
                   self._progress[k].direction == "forward"]
        if partial and target is None:
            return await self._undo_partial(migrations.migrations[partial[-1]], applied)
        if target is not None:
            m = migrations.find(apps[0], target)
            if m.key not in applied:
                raise NothingToDo(f"{m.label} is not applied; nothing to roll back to it",
                                  path=m.label)
            roots = [k for k in done[done.index(m.key) + 1:]]
            if not roots:
                raise NothingToDo(f"{m.label} is the latest applied migration; nothing to roll "
                                  "back", path=m.label)
        else:
            if not done:
                raise NothingToDo(f"app {apps[0]} has no applied migration to roll back",
                                  path=apps[0])
            roots = [done[-1]]
        return await self._revert(roots, applied)

    async def _revert(self, roots: list[Key], applied: dict[Key, AppliedMigration]
                      ) -> list[Key]:
        migrations = self._set()
        plan = migrations.plan(applied, roots, backward=True)
        for key in plan:
            m = migrations.migrations[key]
            if not m.reversible:
                raise IrreversibleError(
                    f"{m.label} cannot be reverted (it has an operation without a backward "
                    "step, or a custom apply() without revert()); nothing was changed",
                    path=m.label)
        self._render(plan, applied, backward=True)
        for key in plan:
            await self._run(migrations.migrations[key], backward=True)
        return plan

    def _render(self, plan: list[Key], applied: dict[Key, Any], backward: bool) -> None:
        """Asks the engine for the SQL of every migration of the plan, one call per app."""
        migrations = self._set()
        for app in dict.fromkeys(k[0] for k in plan):
            order = migrations.app_order(app)
            run = set(k for k in plan if k[0] == app)
            run_keys = [k for k in order if k in run]  # forward order
            first = order.index(run_keys[0])
            base = [k for k in order[:first] if k in applied]
            dialect = self._dialect(connection_name(self.config, app))
            sql = _engine.render(migrations.history(base), migrations.history(run_keys),
                                 dialect, backward=backward)
            for key, statements in zip(run_keys, sql, strict=True):
                m = migrations.migrations[key]
                if backward:
                    m.backward_sql = statements
                else:
                    m.forward_sql = statements

    def _check_partial(self, m: Migration, progress: Progress) -> None:
        """An interrupted run is only resumed or undone with the file it ran."""
        if progress.checksum != m.checksum and not self.allow_changed:
            raise ChangedMigrationError(f"{m.path} was changed after it was partly applied",
                                        path=m.label, hint="undo the edit first")

    async def _undo_partial(self, m: Migration, applied: dict[Key, AppliedMigration]
                            ) -> list[Key]:
        """Reverts the operations an interrupted non-transactional run of ``m`` completed.
        Refuses when it stopped inside an operation: only finishing it is precise then."""
        progress = self._progress[m.key]
        self._check_partial(m, progress)
        self._render([m.key], applied, backward=False)
        steps = m.steps(backward=False)
        done_ops = {i for i, _ in steps[:progress.done]}
        pending_ops = {i for i, _ in steps[progress.done:]}
        inside = done_ops & pending_ops
        if inside:
            op = m.operations[min(inside)]
            raise MigrationFailed(
                f"{m.label} stopped inside operation {min(inside) + 1} ({op.describe()}) "
                f"after {progress.done} of {progress.total} steps", path=m.label,
                hint="run migrate to finish it, then rollback")
        count = max(done_ops) + 1 if done_ops else 0
        partial = type(m)(app=m.app, name=m.name, path=m.path, checksum=m.checksum)
        partial.operations = m.operations[:count]  # type: ignore[misc]
        if not partial.reversible:
            raise IrreversibleError(f"{m.label}: the operations it completed cannot be "
                                    "reverted", path=m.label)
        dialect = self._dialect(connection_name(self.config, m.app))
        order = self._set().app_order(m.app)
        base = [k for k in order[:order.index(m.key)] if k in applied]
        sql = _engine.render(self._set().history(base),
                             [(m.label, partial.ops_data())], dialect, backward=True)
        partial.backward_sql = sql[0]
        recorder = self._recorder(connection_name(self.config, m.app))
        self.progress(f"Reverting the {count} completed operation(s) of {m.label}...")
        partial.connection = recorder.client
        try:
            await partial.revert()
        except Exception as e:
            raise MigrationFailed(f"{m.label}: reverting its completed operations failed: "
                                  f"{_one_line(e)}", path=m.label) from e
        finally:
            partial.connection = None
        await recorder.clear_progress(recorder.client, m.app, m.name)
        self.report(f"Reverted the {count} completed operation(s) of {m.label}... OK")
        return [m.key]

    async def _run(self, m: Migration, backward: bool) -> None:
        conn = connection_name(self.config, m.app)
        recorder = self._recorder(conn)
        executor = Executor(recorder.client, recorder.dialect, recorder)
        verb = "Reverting" if backward else "Applying"
        progress = self._progress.get(m.key)
        if progress is not None:
            self._check_partial(m, progress)
            verb = "Resuming reverting" if backward else "Resuming"
            self.report(f"{m.label} stopped after {progress.done} of {progress.total} steps; "
                        "resuming after them")
        self.progress(f"{verb} {m.label}...")
        try:
            seconds = await executor.run(m, backward, progress)
        except PathwayError as e:
            self.report(f"{verb} {m.label}... FAILED")
            raise e
        self.report(f"{verb} {m.label}... OK ({seconds * 1000:.0f} ms)")

    # ---- status -------------------------------------------------------------------

    async def status(self, app: str | None = None) -> list[MigrationStatus]:
        """Every migration of the app(s) with whether it is applied, and applied rows whose
        file is missing or changed."""
        migrations = self._set()
        applied = await self._applied_rows()
        out: list[MigrationStatus] = []
        for a in self._apps(app):
            for key in migrations.app_order(a):
                row = applied.get(key)
                changed = bool(row and row.checksum != migrations.migrations[key].checksum)
                p = self._progress.get(key)
                out.append(MigrationStatus(a, key[1], row is not None, changed=changed,
                                           partial=(p.direction, p.done, p.total) if p
                                           else None))
            for key in sorted(k for k in applied if k[0] == a and k not in migrations.migrations):
                out.append(MigrationStatus(a, key[1], True, file_missing=True))
        return out

    # ---- makemigrations ----------------------------------------------------------------

    def make_migrations(self, app: str | None = None, name: str | None = None,
                        empty: bool = False, dry_run: bool = False,
                        questioner: Questioner | None = None) -> list[MadeMigration]:
        """Writes a migration per app whose models differ from what its migrations build.
        Renames are asked of ``questioner`` (default: none are assumed, so a renamed table or
        column becomes a drop and an add). Needs ``initialize(connect=False)`` (or
        ``initialize()``) first."""
        if questioner is not None and not questioner.field_names:
            questioner.field_names = introspect.field_classes()
        apps = self._apps(app)
        if empty:
            return [self._make_one(a, None, name, dry_run, None, None) for a in apps]
        targets = {a: _app_target(a) for a in apps}
        run = _Run(self._set(), targets, self._table_owners(targets))
        made: list[MadeMigration] = []
        again: list[str] = []
        for a in run.creation_order(apps):
            target, deferred = run.target_without_pending_fks(a)
            made.append(self._make_one(a, target, name, dry_run, questioner, run))
            run.done.add(a)
            if deferred:
                again.append(a)
        # The foreign keys left out above, now that the tables they point to are created.
        for a in again:
            target, _ = run.target_without_pending_fks(a)
            m = self._make_one(a, target, name, dry_run, questioner, run)
            if m.path is not None:
                made.append(m)
        return made

    def _make_one(self, a: str, target: dict[str, Any] | None, name: str | None,
                  dry_run: bool, questioner: Questioner | None,
                  run: _Run | None) -> MadeMigration:
        """Writes (or, with dry_run, only describes) app a's migration from its migrations'
        state to target (None: an empty migration, made without a run)."""
        migrations = self._set()
        pending = run.pending if run is not None else {}
        heads = migrations.heads(a)
        order = migrations.app_order(a)
        fill_warnings: list[str] = []
        if target is None:
            ops: list[dict[str, Any]] = []
        else:
            history = migrations.history(order) + pending.get(a, [])
            declared = _declared_renames(history, questioner) if questioner else []
            if declared:
                history = history + [("--rename", declared)]
            ops = declared + _engine.diff(history, target,
                                          questioner.ask_rename if questioner else None)
            if not ops:
                return MadeMigration(a, None)
            fill_warnings = _add_fills(a, ops, history, questioner)
        deps = [(a, h) for h in heads] + self._cross_app_deps(a, ops, run)
        slug = writer.slugify(name) if name else (
            "custom" if target is None else
            writer.suggest_name(ops, initial=not order and not pending.get(a)))
        stamp = writer.next_timestamp([k[1] for k in order] +
                                      [label for label, _ in pending.get(a, [])])
        file_name = f"{stamp}_{slug}"
        title = name or (f"Empty migration {file_name}." if target is None else
                         "Generated by tortoise-pathway.")
        text = writer.render(ops, deps, title)
        path = self.migrations_dir / a / f"{file_name}.py"
        if dry_run:
            pending.setdefault(a, []).append((file_name, ops))
        else:
            writer.write(self.migrations_dir / a, file_name, text)
            migration, d = loader.load_file(path, a)
            migrations.migrations[migration.key] = migration
            migrations.deps[migration.key] = d
            migrations.__init__(migrations.migrations, migrations.deps)  # type: ignore[misc]
        return MadeMigration(a, path, [writer.describe(op) for op in ops],
                             data_loss_warnings(ops) + (fill_warnings if target else []))

    def _table_owners(self, targets: dict[str, dict[str, Any]]) -> dict[str, str]:
        """Table name -> the app whose models define it, for every app of the config (an
        app whose models cannot be read owns nothing here)."""
        owners: dict[str, str] = {}
        for other in select_apps(self.config, None):
            try:
                schema = targets.get(other) or introspect.app_schema(other)
            except Exception:  # reported when that app itself is made
                continue
            for t in schema["tables"]:
                owners.setdefault(t["name"], other)
        return owners

    def _cross_app_deps(self, app: str, ops: list[dict[str, Any]], run: _Run | None
                        ) -> list[Key]:
        """Dependencies on the latest migration of other apps whose tables the new
        operations reference through foreign keys, and of other apps whose foreign keys
        pointed at tables the operations delete (their latest migration dropped them)."""
        if run is None:
            return []
        referenced: set[str] = set()
        for op in ops:
            cols = op["table"]["columns"] if op["op"] == "create_model" else (
                [op["column"]] if op["op"] in ("add_field", "alter_field") else [])
            for c in cols:
                if c.get("fk") and run.owners.get(c["fk"]["table"], app) != app:
                    referenced.add(c["fk"]["table"])
        deleted = {op["table"] for op in ops if op["op"] == "delete_model"}
        deps: list[Key] = []
        migrations = self._set()
        for other in select_apps(self.config, None):
            if other == app:
                continue
            owned = {t for t, owner in run.owners.items() if owner == other}
            if owned & referenced or run.referenced(other) & deleted:
                deps += [(other, h) for h in migrations.heads(other)]
        return sorted(set(deps))


def _app_target(app: str) -> dict[str, Any]:
    """The schema of an app's models; ModelError when they cannot be read."""
    try:
        return introspect.app_schema(app)
    except PathwayError:
        raise
    except Exception as e:
        raise ModelError(f"app {app}: the models cannot be read: {e}", path=app) from e


class _Run:
    """One makemigrations run over several apps whose foreign keys may point at each other's
    tables. A migration can only depend on migrations that exist, and the tables of apps
    that reference each other cannot all be created first, so (as Django does) an app's
    migration leaves out the foreign-key constraints to tables that no migration creates
    yet, and a second migration of that app, made after the other apps', adds them. An app
    that deletes a table comes after the apps whose foreign keys to it go, and depends on
    their migrations."""

    def __init__(self, migrations: MigrationSet, targets: dict[str, dict[str, Any]],
                 owners: dict[str, str]) -> None:
        self.migrations = migrations
        self.targets = targets
        self.owners = owners
        #: apps whose migration this run has made (their new tables exist from now on)
        self.done: set[str] = set()
        #: per app, (name, operations) of migrations made but not written (dry run)
        self.pending: dict[str, list[Any]] = {}
        self._states: dict[str, dict[str, Any]] = {}
        self._referenced: dict[str, set[str]] = {}

    def _state(self, app: str) -> dict[str, Any]:
        """The schema the migrations of app build (before this run)."""
        if app not in self._states:
            history = self.migrations.history(self.migrations.app_order(app))
            self._states[app] = _engine.replay(history)
        return self._states[app]

    def _existing(self, app: str) -> set[str]:
        """The tables the migrations of app create (before this run)."""
        return {t["name"] for t in self._state(app)["tables"]}

    def referenced(self, app: str) -> set[str]:
        """The tables the foreign keys of app's migrations point at (before this run)."""
        if app not in self._referenced:
            self._referenced[app] = {c["fk"]["table"] for t in self._state(app)["tables"]
                                     for c in t["columns"] if c.get("fk")}
        return self._referenced[app]

    def _dropped(self, app: str) -> set[str]:
        return self._existing(app) - {t["name"] for t in self.targets[app]["tables"]}

    def _pending_owner(self, app: str, table: str) -> str | None:
        """The other app that will create table, when no migration creates it yet."""
        owner = self.owners.get(table)
        if owner is None or owner == app or owner in self.done:
            return None
        return None if table in self._existing(owner) else owner

    def _needs(self, app: str, apps: list[str]) -> set[str]:
        """The apps of this run whose migration app's should follow: those that create
        tables app references, and those whose foreign keys point at tables app deletes."""
        needs = {o for t in self.targets[app]["tables"] for c in t["columns"]
                 if c.get("fk") and (o := self._pending_owner(app, c["fk"]["table"]))}
        dropped = self._dropped(app)
        if dropped:
            needs |= {o for o in apps if o != app and self.referenced(o) & dropped}
        return needs

    def creation_order(self, apps: list[str]) -> list[str]:
        """apps, each after the apps whose new tables it references and the apps that stop
        referencing tables it deletes, where that is possible (in config order otherwise: a
        cycle is broken at the first app left)."""
        if len(apps) < 2:  # nothing to order: skip replaying the history for it
            return list(apps)
        left = list(apps)
        out: list[str] = []
        while left:
            placed = set(out)
            ready = [a for a in left if not (self._needs(a, apps) & (set(left) - placed - {a}))]
            a = ready[0] if ready else left[0]
            out.append(a)
            left.remove(a)
        return out

    def target_without_pending_fks(self, app: str) -> tuple[dict[str, Any], bool]:
        """app's target schema without the foreign keys to tables no migration creates yet,
        and whether any was left out."""
        deferred = False
        tables = []
        for t in self.targets[app]["tables"]:
            columns = []
            for c in t["columns"]:
                if c.get("fk") and self._pending_owner(app, c["fk"]["table"]):
                    c = dict(c, fk=None)
                    deferred = True
                columns.append(c)
            tables.append(dict(t, columns=columns))
        return {"tables": tables}, deferred


def _needs_fill(column: dict[str, Any]) -> bool:
    return not column["null"] and column.get("default") is None and not column.get(
        "autoincrement")


def _add_fills(app: str, ops: list[dict[str, Any]], history: list[Any],
               questioner: Questioner | None) -> list[str]:
    """Gives each column that becomes NOT NULL without a database default a one-off value
    for the rows that exist (``fill``): --fill, the model's Python default, or the user's
    answer. Returns a warning for each that has none."""
    candidates = [op for op in ops if op["op"] in ("add_field", "alter_field")
                  and _needs_fill(op["column"])]
    if not candidates:
        return []
    if any(op["op"] == "alter_field" for op in candidates):
        state = _engine.replay(history)
        before = {(t["name"], c["name"]): c for t in state["tables"] for c in t["columns"]}
    else:
        before = {}
    python_defaults = introspect.python_defaults(app)
    warnings = []
    for op in candidates:
        table, column = op["table"], op["column"]["name"]
        if op["op"] == "alter_field":
            old = before.get((table, column))
            if old is None or not old["null"]:
                continue  # it was NOT NULL already: its rows have values
        value = (questioner.ask_fill(table, column, python_defaults.get((table, column)))
                 if questioner else python_defaults.get((table, column)))
        if value is None:
            warnings.append(
                f"column {table}.{column} becomes NOT NULL without a default: the migration "
                f"fails if {table} has rows (NULLs); pass --fill {table}.{column}=VALUE or "
                "give the field a default")
        else:
            op["fill"] = value
    return warnings


def _declared_renames(history: list[Any], questioner: Questioner) -> list[dict[str, Any]]:
    """The operations for renames the user declared (``--rename``) that concern the tables
    this history builds: they go first, so the diff sees the tables and columns under their
    new names whatever else changed."""
    if not questioner.tables and not questioner.columns:
        return []
    state = _engine.replay(history)
    columns = {t["name"]: {c["name"] for c in t["columns"]} for t in state["tables"]}
    ops: list[dict[str, Any]] = []
    new_name = {}
    for old, new in sorted(questioner.tables):
        if old in columns:
            ops.append({"op": "rename_model", "table": old, "new_name": new})
            new_name[old] = new
    renamed = {v: k for k, v in new_name.items()}
    for table, old, new in sorted(questioner.columns):
        current = new_name.get(table, table)
        if old in columns.get(renamed.get(current, current), set()):
            ops.append({"op": "rename_field", "table": current, "column": old,
                        "new_name": new})
    return ops


class _CheckedRecorder(Recorder):
    """A Recorder whose first use turns connection failures into one clear DatabaseError."""

    def __init__(self, client: Any, dialect: str, conn: str, config: dict[str, Any]) -> None:
        super().__init__(client, dialect)
        self.client = client
        self.conn = conn
        self.config = config

    async def ensure_table(self) -> None:
        try:
            await super().ensure_table()
        except Exception as e:
            raise DatabaseError(
                f"cannot use database connection {self.conn!r} ({self.dialect}): "
                f"{_one_line(e)}", path=self.conn,
                hint="check that the database server runs, the database exists and the "
                     "credentials in the config are right") from e


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _tortoise_error(e: Exception) -> PathwayError:
    from tortoise.exceptions import ConfigurationError

    if isinstance(e, ConfigurationError):
        return ModelError(f"Tortoise rejected the models or config: {_one_line(e)}")
    if isinstance(e, ModuleNotFoundError):
        return ConfigError(f"a models module cannot be imported: {_one_line(e)}")
    if isinstance(e, SyntaxError):
        return ModelError(f"{e.filename}:{e.lineno}: syntax error in models: {e.msg}",
                          path=e.filename)
    return ModelError(f"Tortoise failed to initialise: {type(e).__name__}: {_one_line(e)}")


async def setup_and_migrate(config: dict[str, Any], migrations_dir: str | Path = "migrations",
                            app: str | None = None) -> list[Key]:
    """Initialises, applies every pending migration, and closes the connections."""
    integrator = TortoisePathwayIntegrator(config, migrations_dir=migrations_dir, app=app)
    try:
        await integrator.initialize()
        return await integrator.migrate()
    finally:
        await integrator.close()
