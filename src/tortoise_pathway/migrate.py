"""migrate, rollback and showmigrations: plans over the migration graph, the SQL of each
migration rendered by the engine, and the executor running them under the migration lock.

What a command runs is worked out before anything runs (``migrate_plan``, ``rollback_plan``)
and rendered by ``render``; preview.py prints the same plans and SQL without running them
(``--plan``, ``sqlmigrate``, ``migrate --sql``).

``fake`` records (or removes) history rows without running anything; ``fake_initial`` records
an app's first migration as applied when the database already holds exactly the tables it
creates (adopt.py compares them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import _engine, adopt
from .context import Context, one_line
from .exceptions import (
    ChangedMigrationError,
    ConfigError,
    IrreversibleError,
    MigrationFailed,
    NothingToDo,
    PathwayError,
)
from .executor import Executor
from .loader import Key, MigrationSet
from .migration import Migration
from .recorder import AppliedMigration, Progress

T = TypeVar("T")


@dataclass
class MigrationStatus:
    app: str
    name: str
    applied: bool
    file_missing: bool = False
    changed: bool = False
    #: (direction, steps done, steps in all) of an interrupted non-transactional run
    partial: tuple[str, int, int] | None = None
    #: a squashed migration in use: how many migrations it stands for
    replaces: int = 0
    #: the stage the migration says it belongs to (``stage = "contract"``), else None
    stage: str | None = None


@dataclass
class Plan:
    """What migrate or rollback runs, worked out before anything runs (``--plan`` prints it)."""

    #: the migrations in the order they run
    keys: list[Key] = field(default_factory=list)
    backward: bool = False
    #: what is said when there is nothing to run
    nothing: str = ""
    #: rollback of an interrupted run without a transaction: only the operations it completed
    #: are reverted (``keys`` holds that one migration)
    partial: bool = False


async def migrate(ctx: Context, apps: list[str], target: str | None = None, fake: bool = False,
                  fake_initial: bool = False, stage: str | None = None) -> list[Key]:
    """Applies pending migrations of ``apps``; with ``target`` (one app), brings the app
    exactly to that migration (reverting later ones if needed). ``stage`` "expand" applies
    only the expand migrations that come before any pending contract one (expand_only);
    "contract" (or None) every pending one. Returns the keys run (or recorded, with
    ``fake``)."""
    async with ctx.locked():
        return await _migrate(ctx, apps, target, fake, fake_initial, stage)


async def rollback(ctx: Context, apps: list[str], target: str | None = None,
                   fake: bool = False) -> list[Key]:
    """Reverts the latest applied migration of the app, or every migration after ``target``.
    Migrations of other apps that depend on them are reverted first."""
    async with ctx.locked():
        return await _rollback(ctx, apps, target, fake)


def expand_only(ctx: Context, keys: list[Key]) -> tuple[list[Key], list[Key]]:
    """A forward plan's migrations that ``migrate --stage expand`` runs (expand ones whose
    dependencies in the plan all run too), and those it leaves for ``--stage contract``."""
    from .lint import stages_of

    migrations = ctx.set()
    stages = stages_of(ctx, keys)
    run: list[Key] = []
    left: set[Key] = set()
    for key in keys:
        if stages[key] == "contract" or any(d in left for d in migrations.deps[key]):
            left.add(key)
        else:
            run.append(key)
    return run, [k for k in keys if k in left]


def check_stage(stage: str | None, target: str | None) -> None:
    if stage not in (None, "expand", "contract"):
        raise ConfigError(f"unknown stage {stage!r}; use expand or contract", path=str(stage))
    if stage is not None and target is not None:
        raise ConfigError("--stage cannot be combined with a target migration")


def migrate_plan(ctx: Context, apps: list[str], target: str | None,
                 applied: Collection[Key], fake: bool = False,
                 stage: str | None = None) -> Plan:
    """What migrate runs given the applied migrations: the pending ones of ``apps``, or with
    ``target`` (one app) the ones that bring the app exactly to it (backward when it is
    applied). Raises what the run would raise before it changes anything."""
    migrations = ctx.set()
    if target is not None and len(apps) != 1:
        raise ConfigError("a target migration needs --app")
    if target is not None:
        m = migrations.find(apps[0], target)
        if m.key in applied:
            order = migrations.app_order(apps[0])
            later = [k for k in order[order.index(m.key) + 1:] if k in applied]
            if not later:
                return Plan(nothing=f"{m.label} is already the latest applied migration.")
            return _revert_plan(ctx, later, applied, fake)
        targets = [m.key]
    else:
        targets = memo(ctx, ("heads", frozenset(applied), tuple(apps)), _heads, migrations,
                       apps)
    for key, p in sorted(ctx.progress_rows.items()):
        if p.direction == "backward" and key[0] in apps:
            raise MigrationFailed(
                f"{key[0]}.{key[1]} was being reverted and stopped after {p.done} of "
                f"{p.total} steps", path=f"{key[0]}.{key[1]}",
                hint="run rollback again to finish reverting it, then migrate")
    pending = list(memo(ctx, ("plan", frozenset(applied), tuple(targets)), migrations.plan,
                        applied, targets))
    if stage == "expand":
        run, left = expand_only(ctx, pending)
        note = f" ({len(left)} left for --stage contract)" if left else ""
        return Plan(run, nothing=f"No expand migrations to apply{note}.")
    return Plan(pending, nothing="No migrations to apply.")


def _heads(migrations: MigrationSet, apps: list[str]) -> list[Key]:
    return [(a, h) for a in apps for h in migrations.heads(a)]


def memo(ctx: Context, key: tuple[Any, ...], compute: Callable[..., T], *args: Any) -> T:
    """compute(*args), or what it returned for ``key`` in this fleet run (``ctx.memo``: the
    contexts of a fleet's tenants share the graph, so alike tenants get one engine call)."""
    if ctx.memo is None:
        return compute(*args)
    if key not in ctx.memo:
        ctx.memo[key] = compute(*args)
    value: T = ctx.memo[key]
    return value


def rollback_plan(ctx: Context, apps: list[str], target: str | None,
                  applied: Collection[Key], fake: bool = False) -> Plan:
    """What rollback runs given the applied migrations (see rollback)."""
    migrations = ctx.set()
    if len(apps) != 1:
        raise ConfigError("rollback needs --app (the config has several apps: "
                          f"{', '.join(apps)})")
    order = migrations.app_order(apps[0])
    done = [k for k in order if k in applied]
    partial = [k for k in order if ctx.progress_rows.get(k) and
               ctx.progress_rows[k].direction == "forward"]
    if partial and target is None and not fake:
        return Plan([partial[-1]], backward=True, partial=True)
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
    return _revert_plan(ctx, roots, applied, fake)


def _revert_plan(ctx: Context, roots: list[Key], applied: Collection[Key],
                 fake: bool) -> Plan:
    """Reverting ``roots`` and what depends on them; refuses a migration without a way back
    (unless only its row goes, ``fake``)."""
    migrations = ctx.set()
    plan = migrations.plan(applied, roots, backward=True)
    if not fake:
        for key in plan:
            check_reversible(migrations.migrations[key])
    return Plan(plan, backward=True)


def check_reversible(m: Migration) -> None:
    if not m.reversible:
        raise IrreversibleError(
            f"{m.label} cannot be reverted (it has an operation without a backward "
            "step, or a custom apply() without revert()); nothing was changed",
            path=m.label)


async def _migrate(ctx: Context, apps: list[str], target: str | None, fake: bool,
                   fake_initial: bool, stage: str | None = None) -> list[Key]:
    check_stage(stage, target)
    migrations = ctx.set()
    applied = await ctx.applied_rows()
    ctx.check_files(applied)
    plan = migrate_plan(ctx, apps, target, applied, fake, stage)
    if not plan.keys:
        ctx.report(plan.nothing)
        return []
    if plan.backward:
        return await _revert(ctx, plan.keys, applied, fake)
    keys = plan.keys
    if fake:
        return await _fake(ctx, keys, applied, backward=False)
    faked: list[Key] = []
    if fake_initial:
        faked = await adopt.fake_initial(ctx, keys, applied)
        keys = [k for k in keys if k not in faked]
        for k in faked:  # the rest is rendered on top of them
            applied[k] = AppliedMigration(k[0], k[1], migrations.migrations[k].checksum, None)
    runs = await fitting_runs(ctx, initial_runs(ctx, keys, applied))
    at_once = {k for _, run in runs for k in run}
    rest = [k for k in keys if k not in at_once]
    # only the migrations run one by one may run Python code
    await _models_for(ctx, [migrations.migrations[k] for k in rest], backward=False)
    await _initial_schema(ctx, runs, applied)
    render(ctx, rest, applied, backward=False)
    for key in rest:
        await _run(ctx, migrations.migrations[key], backward=False)
    return faked + keys


def initial_runs(ctx: Context, plan: list[Key], applied: Collection[Key]
                 ) -> list[tuple[str, list[Key]]]:
    """The migrations of the plan that migrate creates at once, per connection: on a database
    where nothing of its apps is applied yet (and no run was interrupted) and that rolls DDL
    back (SQLite, PostgreSQL), the plan's leading run of two or more migrations that only
    change the schema. Their combined effect is one schema the engine already knows (the
    replay of their operations): its tables are created directly, in one transaction with
    the history rows of them all, instead of one migration after another (each ALTER of
    which SQLite, for one, pays by re-reading its whole schema)."""
    migrations = ctx.set()
    runs = []
    for conn in ctx.project.connections(list(dict.fromkeys(k[0] for k in plan))):
        conn_apps = set(ctx.project.apps_on(conn))
        if ctx.dialect(conn) not in ("sqlite", "postgres") or any(
                k[0] in conn_apps for k in [*applied, *ctx.progress_rows]):
            continue
        lead: list[Key] = []
        for k in plan:
            if k[0] not in conn_apps:
                continue
            if not migrations.migrations.peek(k).schema_only:
                break
            lead.append(k)
        if len(lead) >= 2:
            runs.append((conn, lead))
    return runs


async def fitting_runs(ctx: Context, runs: list[tuple[str, list[Key]]]
                       ) -> list[tuple[str, list[Key]]]:
    """The runs of ``initial_runs`` whose creation at once the database can hold in one
    transaction. PostgreSQL keeps a lock on every relation a transaction creates (a table, its
    sequence, TOAST table and indexes, the tables its foreign keys point at) until the commit,
    in a lock table of ``max_locks_per_transaction`` x (``max_connections`` +
    ``max_prepared_transactions``) entries shared by every session: a schema of a few hundred
    tables at once overflows the default ("out of shared memory"). A run whose estimate
    (``locks_needed``) passes four fifths of it is applied one migration after another (each
    in its own transaction), and the user is told."""
    out = []
    for conn, keys in runs:
        dialect = ctx.dialect(conn)
        if dialect == "postgres":
            sql = initial_batch(ctx, keys, dialect).forward_sql
            needed = locks_needed([s for op in sql for s in op])
            capacity = await _lock_capacity(ctx.recorder(conn).client)
            if capacity is not None and needed > capacity * 4 // 5:
                ctx.report(f"note: creating the schema of {len(keys)} migrations at once would "
                           f"take about {needed} locks, more than PostgreSQL's lock table holds "
                           f"for one transaction (connection {conn!r}: {capacity} in all, "
                           "max_locks_per_transaction x connections); applying them one by one")
                continue
        out.append((conn, keys))
    return out


_REFERENCES = re.compile(r"\bREFERENCES\b")
_UNIQUE = re.compile(r"\bUNIQUE\b")


def locks_needed(statements: list[str]) -> int:
    """An upper estimate of the locks PostgreSQL holds at the commit of a transaction that runs
    these statements (measured on the benchmark's schema, 300 tables: 5,606 locks held, this
    says 6,250): a created table takes up to 8 for itself (its sequence, TOAST table and
    index, primary key index, ...), 3 for each foreign key and 2 for each unique constraint;
    another statement (an index, a comment) 1."""
    total = 0
    for sql in statements:
        if sql.startswith("CREATE TABLE"):
            total += 8 + 3 * len(_REFERENCES.findall(sql)) + 2 * len(_UNIQUE.findall(sql))
        else:
            total += 1
    return total


async def _lock_capacity(client: Any) -> int | None:
    """PostgreSQL's lock table size (None when the server does not say)."""
    try:
        rows = await client.execute_query_dict(
            "SELECT current_setting('max_locks_per_transaction')::int * "
            "(current_setting('max_connections')::int + "
            "current_setting('max_prepared_transactions')::int) AS capacity")
        return int(rows[0]["capacity"])
    except Exception:
        return None


class InitialSchema(Migration):
    """The migration migrate runs instead of ``initial_runs``' migrations on an empty
    database: not in the graph, writing no row of its own (``recorded``) but theirs
    (``replaced_rows``); its steps are the SQL that creates at once the schema they end with
    (``MigrationSet.initial_sql``), which has no operations of its own."""

    def steps(self, backward: bool = False) -> list[tuple[int, str | Callable[..., Any]]]:
        assert not backward, "the initial schema is never reverted as one"
        return [(i, sql) for i, statements in enumerate(self.forward_sql) for sql in statements]


def initial_batch(ctx: Context, keys: list[Key], dialect: str) -> Migration:
    """The InitialSchema that creates the schema the migrations ``keys`` (from an empty
    database) end with, and records their rows."""
    migrations = ctx.set()
    # the tables the replay ends with, in an order that creates each key's target first (a
    # cycle of keys: one of them added after)
    sql = memo(ctx, ("initial", dialect, tuple(keys)), migrations.initial_sql, keys, dialect)
    first, last = migrations.migrations.peek(keys[0]), migrations.migrations.peek(keys[-1])
    batch = InitialSchema(app=first.app, name=f"{first.name}..{last.name}")
    batch.forward_sql = sql
    batch.recorded = False
    batch.writes_rows = False  # only CREATE statements, and history rows
    batch.replaced_rows = [(k[0], k[1], migrations.migrations.peek(k).checksum) for k in keys]
    return batch


def initial_label(ctx: Context, keys: list[Key]) -> str:
    first, last = ctx.set().migrations.peek(keys[0]), ctx.set().migrations.peek(keys[-1])
    return f"the schema of {len(keys)} migrations ({first.label} to {last.label}) at once"


async def _initial_schema(ctx: Context, runs: list[tuple[str, list[Key]]],
                          applied: dict[Key, AppliedMigration]) -> None:
    """Creates the schema of each of ``initial_runs`` at once and records their rows."""
    migrations = ctx.set()
    for conn, keys in runs:
        recorder = ctx.recorder(conn)
        batch = initial_batch(ctx, keys, recorder.dialect)
        what = initial_label(ctx, keys)
        ctx.progress(f"Creating {what}...")
        executor = Executor(recorder.client, recorder.dialect, recorder,
                            ctx.project.settings, ctx.report)
        try:
            seconds = await executor.run(batch, backward=False)
        except PathwayError:
            ctx.report(f"Creating {what}... FAILED")
            raise
        ctx.report(f"Creating {what}... OK ({seconds * 1000:.0f} ms)")
        for k in keys:
            applied[k] = AppliedMigration(k[0], k[1], migrations.migrations.peek(k).checksum,
                                          None)


async def _rollback(ctx: Context, apps: list[str], target: str | None,
                    fake: bool) -> list[Key]:
    applied = await ctx.applied_rows()
    ctx.check_files(applied)
    plan = rollback_plan(ctx, apps, target, applied, fake)
    if plan.partial:
        return await _undo_partial(ctx, ctx.set().migrations[plan.keys[0]], applied)
    return await _revert(ctx, plan.keys, applied, fake)


async def _revert(ctx: Context, plan: list[Key], applied: dict[Key, AppliedMigration],
                  fake: bool = False) -> list[Key]:
    """Runs (or, ``fake``, only removes the rows of) a backward plan (``_revert_plan``)."""
    migrations = ctx.set()
    if fake:
        return await _fake(ctx, plan, applied, backward=True)
    render(ctx, plan, applied, backward=True)
    await _models_for(ctx, [migrations.migrations[k] for k in plan], backward=True)
    for key in plan:
        await _run(ctx, migrations.migrations[key], backward=True)
    return plan


async def _models_for(ctx: Context, plan: list[Migration], backward: bool) -> None:
    """Loads the models before the plan runs when one of its migrations runs Python code (a
    RunPython, a custom apply() / revert()), which may use the ORM; otherwise they are not
    imported (the migrations themselves need them not). Before anything runs: models that
    cannot be loaded stop the command with nothing changed."""
    needs = [m for m in plan if m.runs_python(backward)]
    if needs:
        await ctx.load_models(needed_by=needs[0].label)


async def _fake(ctx: Context, plan: list[Key], applied: dict[Key, AppliedMigration],
                backward: bool) -> list[Key]:
    """Records (or, backward, removes) the history rows of the plan without running anything;
    a progress row of an interrupted run goes with it."""
    migrations = ctx.set()
    verb = "unapplied" if backward else "applied"
    for key in plan:
        m = migrations.migrations[key]
        recorder = ctx.app_recorder(m.app)
        if backward:
            await recorder.record_reverted(recorder.client, m.app, m.name)
        else:
            await recorder.record_applied(recorder.client, m.app, m.name, m.checksum)
        if key in ctx.progress_rows:
            await recorder.clear_progress(recorder.client, m.app, m.name)
        ctx.report(f"warning: {m.label} marked as {verb} without running it (--fake)")
    return plan


def render(ctx: Context, plan: list[Key], applied: Collection[Key], backward: bool,
           dialect: str | None = None) -> None:
    """Sets the SQL of the plan's migrations (``forward_sql`` or ``backward_sql``), rendered
    as migrate runs them on top of ``applied``. Asks the engine once per connection:
    the run (the plan's migrations on it, in the order they apply) against the state of every
    app's migrations applied there and not in the plan, so that keys of one app pointing at
    another's tables are seen (MySQL drops and re-adds them around a change of the column
    they point at). ``dialect`` renders for that dialect instead of the connection's (no
    database is needed then)."""
    migrations = ctx.set()
    in_plan = set(plan)
    for conn in ctx.project.connections(list(dict.fromkeys(k[0] for k in plan))):
        conn_apps = set(ctx.project.apps_on(conn))
        keys = [k for k in plan if k[0] in conn_apps]
        if not keys:
            continue
        run_keys = keys[::-1] if backward else keys  # the order they were / are applied
        base = [k for k in migrations.order()
                if k in applied and k[0] in conn_apps and k not in in_plan]
        conn_dialect = dialect or ctx.dialect(conn)
        safe = [is_safe(ctx, migrations.migrations[k]) for k in run_keys]
        sql, plain = memo(ctx, ("render", conn_dialect, tuple(base), tuple(run_keys), backward,
                                tuple(safe)),
                          _render_run, migrations, base, run_keys, conn_dialect, backward, safe)
        for key, statements, plain_statements in zip(run_keys, sql, plain, strict=True):
            m = migrations.migrations[key]
            m.outside_transaction = statements != plain_statements
            if backward:
                m.backward_sql = statements
            else:
                m.forward_sql = statements
        if conn_dialect in ("postgres", "mysql") or not all(
                migrations.migrations[k].in_transaction for k in run_keys):
            # the tables of each step: for a resumed run, and for the sessions a lock timeout
            # names
            touched = memo(ctx, ("touched", tuple(base), tuple(run_keys)), _touched, migrations,
                           base, run_keys)
            for key, tables in zip(run_keys, touched, strict=True):
                migrations.migrations[key].touched = tables


def _render_run(migrations: MigrationSet, base: list[Key], run_keys: list[Key], dialect: str,
                backward: bool, safe: list[bool]
                ) -> tuple[list[list[list[str]]], list[list[list[str]]]]:
    """The engine's SQL of a run on top of base, and the plain SQL it would be without
    lock-aware rendering (the same list when nothing differs)."""
    history, run = migrations.history(base), migrations.history(run_keys)
    sql = _engine.render(history, run, dialect, backward=backward,
                         safe=safe if any(safe) else None)
    plain = sql
    if dialect == "postgres" and any(safe):
        # lock-aware SQL that differs from the plain SQL (CONCURRENTLY, NOT VALID then
        # VALIDATE) gains nothing in a transaction, or cannot run in one: step by step
        plain = _engine.render(history, run, dialect, backward=backward)
    return sql, plain


def _touched(migrations: MigrationSet, base: list[Key], run_keys: list[Key]
             ) -> list[list[list[str]]]:
    return _engine.touched(migrations.history(base), migrations.history(run_keys))


def is_safe(ctx: Context, m: Migration) -> bool:
    """Whether m's SQL is lock-aware: its own ``safe``, else the project's setting."""
    return ctx.project.settings.safe if m.safe is None else bool(m.safe)


def render_migration(ctx: Context, m: Migration, applied: Collection[Key],
                     backward: bool) -> None:
    """Sets m's SQL for its app's database, against the state the migrations before it that
    are applied describe."""
    render(ctx, [m.key], applied, backward)


def _check_partial(ctx: Context, m: Migration, progress: Progress) -> None:
    """An interrupted run is only resumed or undone with the file it ran."""
    if progress.checksum != m.checksum and not ctx.allow_changed:
        raise ChangedMigrationError(f"{m.path} was changed after it was partly applied",
                                    path=m.label, hint="undo the edit first")


def partial_undo(ctx: Context, m: Migration, applied: Collection[Key]
                 ) -> tuple[Migration, int]:
    """The operations an interrupted non-transactional run of ``m`` completed, as a migration
    whose ``backward_sql`` reverts them, and their count. Refuses when the run stopped inside
    an operation: only finishing it is precise then."""
    progress = ctx.progress_rows[m.key]
    _check_partial(ctx, m, progress)
    render(ctx, [m.key], applied, backward=False)
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
    conn_apps = set(ctx.project.apps_on(ctx.project.connection(m.app)))
    base = [k for k in ctx.set().order() if k in applied and k[0] in conn_apps]
    sql = _engine.render(ctx.set().history(base), [(m.label, partial.ops_data())],
                         ctx.app_dialect(m.app), backward=True, safe=[is_safe(ctx, m)])
    partial.backward_sql = sql[0]
    # framed as the lock-aware run it undoes (a script must not wrap CONCURRENTLY in BEGIN)
    partial.outside_transaction = m.outside_transaction
    return partial, count


async def _undo_partial(ctx: Context, m: Migration, applied: dict[Key, AppliedMigration]
                        ) -> list[Key]:
    """Reverts the operations an interrupted non-transactional run of ``m`` completed."""
    partial, count = partial_undo(ctx, m, applied)
    await _models_for(ctx, [partial], backward=True)
    recorder = ctx.app_recorder(m.app)
    ctx.progress(f"Reverting the {count} completed operation(s) of {m.label}...")
    partial.connection = recorder.client
    try:
        await partial.revert()
    except Exception as e:
        raise MigrationFailed(f"{m.label}: reverting its completed operations failed: "
                              f"{one_line(e)}", path=m.label) from e
    finally:
        partial.connection = None
    await recorder.clear_progress(recorder.client, m.app, m.name)
    ctx.report(f"Reverted the {count} completed operation(s) of {m.label}... OK")
    return [m.key]


async def _run(ctx: Context, m: Migration, backward: bool) -> None:
    recorder = ctx.app_recorder(m.app)
    executor = Executor(recorder.client, recorder.dialect, recorder, ctx.project.settings,
                        ctx.report)
    verb = "Reverting" if backward else "Applying"
    progress = ctx.progress_rows.get(m.key)
    if progress is not None:
        _check_partial(ctx, m, progress)
        verb = "Resuming reverting" if backward else "Resuming"
        ctx.report(f"{m.label} stopped after {progress.done} of {progress.total} steps; "
                   "resuming after them")
    ctx.progress(f"{verb} {m.label}...")
    try:
        seconds = await executor.run(m, backward, progress)
    except PathwayError as e:
        ctx.report(f"{verb} {m.label}... FAILED")
        raise e
    ctx.report(f"{verb} {m.label}... OK ({seconds * 1000:.0f} ms)")
    if executor.resumed_past is not None:
        ctx.report(f"  step {executor.resumed_past} had run before the interruption (the "
                   "database's catalog shows it): it was not run again")


async def status(ctx: Context, apps: list[str]) -> list[MigrationStatus]:
    """Every migration of the apps with whether it is applied, and applied rows whose file is
    missing or changed."""
    migrations = ctx.set()
    applied = await ctx.applied_rows()
    out: list[MigrationStatus] = []
    for a in apps:
        for key in migrations.app_order(a):
            row = applied.get(key)
            m = migrations.migrations.peek(key)
            changed = bool(row and row.checksum != m.checksum)
            p = ctx.progress_rows.get(key)
            out.append(MigrationStatus(a, key[1], row is not None, changed=changed,
                                       partial=(p.direction, p.done, p.total) if p else None,
                                       replaces=len(m.replaced_rows), stage=m.stage))
        for key in sorted(k for k in applied if k[0] == a and not migrations.accounted(k)):
            out.append(MigrationStatus(a, key[1], True, file_missing=True))
    return out
