"""makemigrations --merge: an app whose migrations were made on separate branches has two or
more heads (latest migrations); a merge migration depends on all of them, with no operations,
and the graph has one head again.

Branches that change the same objects cannot be merged by a migration without operations: the
order they run in would decide the schema. The engine (merge.c) lists the operations of the
branches that collide (both change one column, index, check or table, or one changes what the
other reads); any collision stops the merge, naming each pair, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from . import _engine, loader, writer
from .context import Context
from .exceptions import MergeConflictError
from .loader import Key, MigrationSet


@dataclass
class Merged:
    """One app's merge: the heads it merges and the file written (None: a dry run)."""

    app: str
    heads: list[str] = field(default_factory=list)
    path: Path | None = None


def merge(ctx: Context, apps: list[str], name: str | None = None,
          dry_run: bool = False) -> list[Merged]:
    """Writes a merge migration for each of ``apps`` that has several heads; raises
    MergeConflictError (naming every collision) when their branches change the same objects.
    Apps with one head are left out of the result."""
    migrations = ctx.set()
    merges = [(app, migrations.heads(app)) for app in apps]
    merges = [(app, heads) for app, heads in merges if len(heads) > 1]
    for app, heads in merges:  # every app is checked before any file is written
        _check(migrations, app, heads)
    made = []
    for app, heads in merges:
        made.append(Merged(app, heads, None if dry_run else _write(ctx, app, heads, name)))
    return made


def _check(migrations: MigrationSet, app: str, heads: list[str]) -> None:
    ancestry = {h: set(migrations.plan([], [(app, h)])) for h in heads}
    lines: list[str] = []
    for a, b in combinations(heads, 2):
        left = [k for k in migrations.order() if k in ancestry[a] - ancestry[b]]
        right = [k for k in migrations.order() if k in ancestry[b] - ancestry[a]]
        for table, obj, lm, lo, rm, ro in _engine.merge_conflicts(
                migrations.history(left), migrations.history(right)):
            lines.append(f"{_object(table, obj)}: {_op(migrations, left[lm], lo)} and "
                         f"{_op(migrations, right[rm], ro)}")
    if lines:
        raise MergeConflictError(
            f"app {app}: the branches ending in {', '.join(heads)} change the same objects, "
            "so no merge migration can join them", details=lines, path=app,
            hint="make one of these migrations depend on the other and adapt its operations, "
                 "then run again")


def _object(table: str, obj: str | None) -> str:
    if obj is None:
        return f"table {table}"
    if obj == "options":
        return f"table {table} (comment, schema)"
    if obj.startswith(("index ", "check ")):
        return f"{obj} on {table}"
    return f"{table}.{obj}"


def _op(migrations: MigrationSet, key: Key, index: int) -> str:
    m = migrations.migrations[key]
    return f"{m.label} ({writer.describe(m.ops_data()[index])})"


def _write(ctx: Context, app: str, heads: list[str], name: str | None) -> Path:
    migrations = ctx.set()
    stamp = writer.next_timestamp([k[1] for k in migrations.app_order(app)])
    file_name = f"{stamp}_{writer.slugify(name) if name else 'merge'}"
    text = writer.render([], [(app, h) for h in heads], f"Merge of {', '.join(heads)}.")
    path = writer.write(ctx.migrations_dir / app, file_name, text)
    migration, deps = loader.load_file(path, app)
    migrations.add(migration, deps)
    return path
