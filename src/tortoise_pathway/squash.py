"""squashmigrations APP [FROM] TO: a run of an app's migrations written as one migration whose
operations are the run's, folded by the engine's optimizer (optimize.c), with ``replaces``
naming the migrations it stands for.

The loader (MigrationSet) then uses it on every database as Django does: where none of the
replaced migrations is applied it runs instead of them; where all are it counts as applied;
where some are the replaced ones are used until they all are. Once every database has it,
the replaced files can be deleted and it becomes a migration like any other.

Python code cannot be moved into another file: a RunPython (unless ``elidable=True``, which
squashing drops) or a hand-written apply() in the run stops the squash, named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import _engine, writer
from .context import Context
from .exceptions import ConfigError, UnsupportedError
from .loader import Key, MigrationSet
from .ops import RunPython


@dataclass
class Squashed:
    """One squash: the file written, the migrations it replaces and the operations it has
    (``before``: the operations of the replaced migrations)."""

    app: str
    path: Path
    replaced: list[Key]
    before: int
    after: int


def squash(ctx: Context, app: str, end: str, start: str | None = None,
           name: str | None = None) -> Squashed:
    """Writes the squashed migration of app's migrations from ``start`` (default: its first)
    to ``end`` (names or unique prefixes), in the app's order."""
    migrations = ctx.set()
    ctx.project.select(app)
    order = migrations.app_order(app)
    last = migrations.find(app, end).key
    first = migrations.find(app, start).key if start else (order[0] if order else last)
    if order.index(first) > order.index(last):
        raise ConfigError(f"{first[1]} comes after {last[1]} in app {app}",
                          hint="give the earlier migration first: squashmigrations APP FROM TO")
    keys = order[order.index(first):order.index(last) + 1]
    if len(keys) < 2:
        raise ConfigError(f"nothing to squash: the range {first[1]}..{last[1]} of app {app} "
                          "holds one migration", path=f"{app}.{last[1]}")
    _refuse_code(ctx, keys)
    base = [k for k in migrations.plan([], [first]) if k != first]
    start_state = _engine.replay(migrations.history(base))
    ops = [op for k in keys for op in migrations.migrations[k].ops_data()]
    folded = _engine.optimize(ops, start_state)
    deps: list[Key] = []
    for k in keys:
        deps += [d for d in migrations.deps[k] if d not in keys and d not in deps]
    _refuse_cycle(migrations, keys, deps)
    stamp = first[1].split("_", 1)[0]
    file_name = f"{stamp}_{writer.slugify(name)}" if name else f"{stamp}_squashed_{last[1]}"
    title = f"Squashed {len(keys)} migrations of {app}: {first[1]} to {last[1]}."
    text = writer.render(folded, deps, title, replaces=keys, **_carried(migrations, keys))
    path = writer.write(ctx.migrations_dir / app, file_name, text)
    return Squashed(app, path, keys, len(ops), len(folded))


def _carried(migrations: MigrationSet, keys: list[Key]) -> dict[str, Any]:
    """What the squashed migration takes over from the ones it replaces, so that it runs
    their operations as they ran: not in a transaction if one of them was not (``atomic``),
    lock-aware if one of them was (``safe``: True over False, False over the project's
    setting), and every finding of lint one of them accepted (``allow``)."""
    ms = [migrations.migrations[k] for k in keys]
    safes = {m.safe for m in ms} - {None}
    return {"atomic": all(m.atomic for m in ms),
            "safe": (True in safes) if safes else None,
            "allow": list(dict.fromkeys(a for m in ms for a in m.allow))}


def _refuse_cycle(migrations: MigrationSet, keys: list[Key], deps: list[Key]) -> None:
    """One migration standing for the range depends on all the range's outside dependencies;
    one of them that itself depends on a migration of the range would close a cycle (another
    app's migration between two of the range's)."""
    inside = set(keys)
    for d in deps:
        back = [k for k in migrations.plan([], [d]) if k in inside]
        if back:
            raise UnsupportedError(
                f"cannot squash {keys[0][1]}..{keys[-1][1]}: {d[0]}.{d[1]} depends on "
                f"{back[-1][0]}.{back[-1][1]} of the range while the range depends on it, "
                "so one migration standing for the range would make a dependency cycle",
                path=f"{keys[0][0]}.{keys[-1][1]}",
                hint=f"squash the migrations before {d[0]}.{d[1]} is needed, or after it")


def _refuse_code(ctx: Context, keys: list[Key]) -> None:
    migrations = ctx.set()
    found = []
    for k in keys:
        m = migrations.migrations[k]
        if m.replaced_rows:
            found.append(f"{m.label} is itself a squashed migration whose replaced files are "
                         "still there")
        if m.overrides_apply() or m.overrides_revert():
            found.append(f"{m.label} has a hand-written apply() or revert()")
        found += [f"{m.label} runs Python code ({op.describe()})" for op in m.operations
                  if isinstance(op, RunPython) and not getattr(op, "elidable", False)]
    if found:
        raise UnsupportedError(
            "cannot squash: " + "; ".join(found),
            hint="squash the migrations before or after it, or mark data steps that a fresh "
                 "database does not need elidable=True")
