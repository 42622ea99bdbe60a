"""makemigrations: the models (or a given schema) against the state the migration files
describe, one new migration file per app that changed.

A run over several apps orders them so that each app's migration can depend on the migrations
that create the tables its foreign keys point at (``_Run``), leaves out the keys that cannot
come yet and adds them in a second migration, asks renames and one-off fills through the
questioner, and writes the files (writer.py), byte for byte deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _engine, introspect, loader, writer
from . import lint as _lint
from .context import Context
from .exceptions import ModelError, PathwayError, UnsupportedError
from .loader import Key, MigrationSet
from .questioner import Questioner, data_loss_warnings


@dataclass
class MadeMigration:
    app: str
    path: Path | None
    operations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the engine operations (for callers that look further than the descriptions)
    ops: list[dict[str, Any]] = field(default_factory=list)
    #: what the migration risks on the app's database (lint's findings; shown, not enforced)
    findings: list[_lint.Finding] = field(default_factory=list)
    #: "contract" for the second half of a change split in two stages, else None
    stage: str | None = None


def make_migrations(ctx: Context, apps: list[str], name: str | None = None,
                    empty: bool = False, dry_run: bool = False,
                    questioner: Questioner | None = None,
                    targets: dict[str, dict[str, Any]] | None = None,
                    title: str | None = None, stages: bool = False) -> list[MadeMigration]:
    """Writes a migration per app whose models differ from what its migrations build.
    Renames are asked of ``questioner`` (default: none are assumed, so a renamed table or
    column becomes a drop and an add), but for the certain ones the engine finds by model
    identity (a model's table whose name changed). ``targets`` (app -> schema) replaces the models'
    schema of those apps (adopt writes a database's baseline so); ``title`` is the first line
    of the files. ``stages`` splits a change that mixes operations the running release
    survives (expand) with ones it breaks on (contract) into two migrations, the second
    marked ``stage = "contract"``. Needs the context initialised (models loaded) first."""
    if questioner is not None and not questioner.field_names:
        questioner.field_names_from = introspect.field_classes
    if empty:
        return [m for a in apps for m in _make_one(ctx, a, None, name, dry_run, None, None)]
    targets = {a: (targets or {}).get(a) or _app_target(a) for a in apps}
    run = _Run(ctx.set(), targets, _table_owners(ctx, targets), title)
    made: list[MadeMigration] = []
    again: list[str] = []
    for a in run.creation_order(apps):
        target, deferred = run.target_without_pending_fks(a)
        made += _make_one(ctx, a, target, name, dry_run, questioner, run, stages)
        run.done.add(a)
        if deferred:
            again.append(a)
    # The foreign keys left out above, now that the tables they point to are created.
    for a in again:
        target, _ = run.target_without_pending_fks(a)
        made += [m for m in _make_one(ctx, a, target, name, dry_run, questioner, run, stages)
                 if m.path is not None]
    return made


def _make_one(ctx: Context, a: str, target: dict[str, Any] | None, name: str | None,
              dry_run: bool, questioner: Questioner | None,
              run: _Run | None, stages: bool = False) -> list[MadeMigration]:
    """Writes (or, with dry_run, only describes) app a's migration from its migrations'
    state to target (None: an empty migration, made without a run); with ``stages``, two
    when the change mixes expand and contract operations (see _split)."""
    migrations = ctx.set()
    pending = run.pending if run is not None else {}
    heads = migrations.heads(a)
    order = migrations.app_order(a)
    fill_warnings: list[str] = []
    base: list[Any] = []
    if target is None:
        ops: list[dict[str, Any]] = []
    else:
        base = history = migrations.history_of(order) + pending.get(a, [])
        declared = _declared_renames(history, questioner) if questioner else []
        if declared:
            history = history + [("--rename", declared)]
        ops = declared + _engine.diff(history, target,
                                      questioner.ask_rename if questioner else None)
        if not ops:
            return [MadeMigration(a, None)]
        fill_warnings = _add_fills(a, ops, history, questioner)
        _check_renders(ctx, a, base, ops)
    parts: list[tuple[list[dict[str, Any]], str | None]] = [(ops, None)]
    if target is not None and stages:
        parts = _split(base, ops, f"{a}.(new)")
    made: list[MadeMigration] = []
    for i, (part, stage) in enumerate(parts):
        if i == 0:
            deps = [(a, h) for h in heads]
        else:  # the contract part after the expand one
            deps = [(a, made[-1].path.stem)] if made[-1].path is not None else []
        deps += _cross_app_deps(ctx, a, part, run)
        slug = writer.slugify(name) if name else (
            "custom" if target is None else
            writer.suggest_name(part, initial=not order and not pending.get(a)))
        if stage == "contract" and name:
            slug = f"{slug}_contract"
        stamp = writer.next_timestamp([k[1] for k in order] +
                                      [label for label, _ in pending.get(a, [])] +
                                      [m.path.stem for m in made if m.path is not None])
        file_name = f"{stamp}_{slug}"
        title = (run.title if run is not None else None) or name or (
            f"Empty migration {file_name}." if target is None else
            "Generated by tortoise-pathway.")
        text = writer.render(part, deps, title, stage=stage)
        path = ctx.migrations_dir / a / f"{file_name}.py"
        history = base + [(m.path.stem, m.ops) for m in made if m.path is not None]
        if dry_run:
            pending.setdefault(a, []).append((file_name, part))
        else:
            writer.write(ctx.migrations_dir / a, file_name, text)
            migration, d = loader.load_file(path, a)
            migrations.add(migration, d)
        findings = _findings(ctx, a, history, part, f"{a}.{file_name}") if target else []
        # a drop lint reports as data loss is said once, by lint
        said = {f.operation - 1 for f in findings if f.cls == "data-loss"}
        unsaid = [op for j, op in enumerate(part) if j not in said]
        made.append(MadeMigration(
            a, path, [writer.describe(op) for op in part],
            data_loss_warnings(unsaid) + (fill_warnings if target and i == 0 else []), part,
            findings, stage))
    return made


def _split(base: list[Any], ops: list[dict[str, Any]], label: str
           ) -> list[tuple[list[dict[str, Any]], str | None]]:
    """Expand / contract: ``ops`` as one part, or, when they mix both stages (the engine's
    ``stages``: the contract ones are what the running release breaks on), as the expand
    operations, then the contract ones (marked ``stage = "contract"``)."""
    stages = _engine.stages(base, [(label, ops)])[0]
    if "expand" not in stages or "contract" not in stages:
        return [(ops, None)]
    return [([op for op, s in zip(ops, stages, strict=True) if s == "expand"], None),
            ([op for op, s in zip(ops, stages, strict=True) if s == "contract"], "contract")]


def _findings(ctx: Context, a: str, history: list[Any], ops: list[dict[str, Any]],
              label: str) -> list[_lint.Finding]:
    """Lint's findings of the new operations on the dialect of the app's connection (from
    the config; a current server version), none when the config names no usable one."""
    try:
        dialect = ctx.app_dialect(a)
    except PathwayError:
        return []
    safe = ctx.project.settings.safe  # a new migration has no safe of its own
    return [f for f in _lint.lint_ops(history, ops, _lint.Server(dialect), label, safe)
            if not f.note]


def _check_renders(ctx: Context, a: str, history: list[Any], ops: list[dict[str, Any]]) -> None:
    """Refuses operations the app's database cannot run (a GIN index on MySQL, a partial
    index on MySQL, a FULLTEXT index on PostgreSQL), naming the object, before a file that
    ``migrate`` would stop on is written."""
    try:
        dialect = ctx.app_dialect(a)
    except PathwayError:
        return  # no usable connection here: migrate says so where it runs
    try:
        _engine.render(history, [("the new migration", ops)], dialect)
    except UnsupportedError as e:
        raise ModelError(
            f"app {a}: {e.message}", path=e.path,
            hint=f"the app's connection is {dialect}: change the model to what {dialect} has; "
                 "nothing was written") from None


def _table_owners(ctx: Context, targets: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Table name -> the app whose models define it, for every app of the config (an
    app whose models cannot be read owns nothing here)."""
    owners: dict[str, str] = {}
    for other in ctx.project.apps:
        try:
            schema = targets.get(other) or introspect.app_schema(other)
        except Exception:  # reported when that app itself is made
            continue
        for t in schema["tables"]:
            owners.setdefault(t["name"], other)
    return owners


def _cross_app_deps(ctx: Context, app: str, ops: list[dict[str, Any]], run: _Run | None
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
    migrations = ctx.set()
    for other in ctx.project.apps:
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
                 owners: dict[str, str], title: str | None = None) -> None:
        self.migrations = migrations
        self.targets = targets
        self.owners = owners
        #: the first line of the files this run writes (default: per file)
        self.title = title
        #: apps whose migration this run has made (their new tables exist from now on)
        self.done: set[str] = set()
        #: per app, (name, operations) of migrations made but not written (dry run)
        self.pending: dict[str, list[Any]] = {}
        self._states: dict[str, dict[str, Any]] = {}
        self._referenced: dict[str, set[str]] = {}

    def _state(self, app: str) -> dict[str, Any]:
        """The schema the migrations of app build (before this run)."""
        if app not in self._states:
            self._states[app] = self.migrations.state(app)
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
    """A NOT NULL column without a database default (nor one whose values the database
    makes: an auto-increment key, a generated column)."""
    return not column["null"] and column.get("default") is None and not column.get(
        "autoincrement") and not column.get("generated")


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
