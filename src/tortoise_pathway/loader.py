"""Migration files -> Migration objects and the graph input.

Reads ``<migrations_dir>/<app>/*.py`` (files starting with ``_`` are skipped), executes each
as an isolated module, finds its one ``Migration`` subclass and checks its dependencies'
shape. Every error names the file and, where there is one, the line.

Aerich keeps its migration files in the same default place (``migrations/<app>/``). Such a
file (module-level ``async def upgrade`` and ``downgrade``, no ``Migration`` class) is not
ours: it is neither executed nor counted, only listed in ``MigrationSet.foreign``, so a
project that switches from Aerich keeps its old history where it was.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from . import _engine
from .exceptions import GraphError, MigrationFileError, MultipleHeadsError
from .migration import Migration

Key = tuple[str, str]


_AERICH_UPGRADE = re.compile(rb"^async def upgrade\(", re.M)
_AERICH_DOWNGRADE = re.compile(rb"^async def downgrade\(", re.M)
_MIGRATION_CLASS = re.compile(rb"^class \w+\([\w.]*Migration\)", re.M)


def is_aerich_migration(source: bytes) -> bool:
    """Whether a file's text is an Aerich migration (not one of ours)."""
    return (_AERICH_UPGRADE.search(source) is not None and
            _AERICH_DOWNGRADE.search(source) is not None and
            _MIGRATION_CLASS.search(source) is None)


def migration_files(directory: Path) -> list[Path]:
    """The migration files of one app directory, sorted by name."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.py") if not p.name.startswith(("_", ".")))


def _exec_module(path: Path, app: str, source: bytes) -> ModuleType:
    module_name = f"_tortoise_pathway_migrations.{app}.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise MigrationFileError(f"{path}: cannot be loaded as a Python module", path=str(path))
    module = importlib.util.module_from_spec(spec)
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as e:
        raise MigrationFileError(
            f"{path}:{e.lineno}: syntax error: {e.msg}", path=str(path),
            hint="fix the file, or delete it if it was never applied") from e
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except Exception as e:
        line = ""
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename == str(path):
                line = f":{frame.lineno}"
                break
        raise MigrationFileError(
            f"{path}{line}: {type(e).__name__}: {e}", path=str(path)) from e
    finally:
        sys.modules.pop(module_name, None)
    return module


def _normalize_dependencies(raw: Any, app: str, path: Path) -> list[Key]:
    if not isinstance(raw, (list, tuple)):
        raise MigrationFileError(f"{path}: dependencies must be a list", path=str(path))
    deps: list[Key] = []
    for dep in raw:
        if isinstance(dep, str):
            deps.append((app, dep))
        elif (isinstance(dep, (list, tuple)) and len(dep) == 2
              and all(isinstance(x, str) and x for x in dep)):
            deps.append((dep[0], dep[1]))
        else:
            raise MigrationFileError(
                f"{path}: dependency {dep!r} must be (app, name) or a migration name",
                path=str(path))
    return deps


def load_file(path: Path, app: str) -> tuple[Migration, list[Key]]:
    """Loads one migration file; returns the Migration instance and its dependencies."""
    try:
        source = path.read_bytes()
    except OSError as e:
        raise MigrationFileError(f"{path}: cannot be read: {e.strerror}", path=str(path)) from e
    module = _exec_module(path, app, source)
    classes = [v for v in vars(module).values()
               if isinstance(v, type) and issubclass(v, Migration) and v is not Migration
               and v.__module__ == module.__name__]
    if len(classes) != 1:
        found = "no" if not classes else f"{len(classes)}"
        raise MigrationFileError(
            f"{path}: a migration file defines exactly one Migration subclass; found {found}",
            path=str(path))
    cls = classes[0]
    migration = cls(app=app, name=path.stem, path=path,
                    checksum=hashlib.sha256(source).hexdigest())
    deps = _normalize_dependencies(cls.dependencies, app, path)
    try:
        replaces = _normalize_dependencies(cls.replaces, app, path)
    except MigrationFileError:
        raise MigrationFileError(f"{path}: replaces must list (app, name) pairs or names",
                                 path=str(path)) from None
    migration.replaced = replaces
    from .lint import check_allow  # lint.py needs the loader: imported when used

    check_allow(cls.allow, str(path))
    if cls.stage not in (None, "expand", "contract"):
        raise MigrationFileError(f"{path}: stage must be \"expand\" or \"contract\", not "
                                 f"{cls.stage!r}", path=str(path))
    try:
        migration.ops_data()
    except Exception as e:
        raise MigrationFileError(f"{path}: invalid operation: {e}", path=str(path)) from e
    return migration, deps


class MigrationSet:
    """Every loaded migration of the apps asked for, and the graph over them.

    A squashed migration (``replaces``) and the migrations it replaces are never both in the
    graph (``migrations``, ``deps``, ``nodes``): where none of the replaced ones is applied,
    or all are, the squashed one stands for them (and counts as applied when they are), else
    the replaced ones are used until they all are (unless it is applied itself); once their
    files are gone it is a
    migration like any other. ``use_replacements`` decides, given what is applied
    (``load`` decides as for an empty database); dependencies on the side left out are moved
    to the side in use. ``loaded`` keeps every file."""

    def __init__(self, migrations: dict[Key, Migration], deps: dict[Key, list[Key]],
                 foreign: list[Path] | None = None) -> None:
        #: every migration file loaded, and its own dependencies
        self.loaded = dict(migrations)
        self.loaded_deps = dict(deps)
        #: files of the migrations folders that are another tool's (Aerich's), left alone
        self.foreign: list[Path] = foreign if foreign is not None else []
        self.migrations: dict[Key, Migration] = {}
        self.deps: dict[Key, list[Key]] = {}
        self.nodes: list[tuple[str, str, list[Key]]] = []
        self._order: list[Key] | None = None
        #: replaced migration -> the squashed migration that replaces it
        self.replaced_by: dict[Key, Key] = {}
        self._applied: set[Key] = set()
        self.use_replacements(())

    def use_replacements(self, applied: Iterable[Key]) -> list[Key]:
        """Puts in the graph each squashed migration or the migrations it replaces, as
        ``applied`` says (see the class); returns the squashed migrations in use whose
        replaced migrations are all applied (they count as applied)."""
        done = self._applied = set(applied)
        migrations, remap, complete = dict(self.loaded), {}, []
        self.replaced_by = {}
        for key in sorted(self.loaded):
            m = self.loaded[key]
            for r in m.replaced:
                self.replaced_by[r] = key
            present = [r for r in m.replaced if r in self.loaded]
            m.replaced_rows = []
            for r in m.replaced:
                if r not in self.loaded:  # deleted: a dependency on it means this one
                    remap[r] = key
            if not present:
                continue
            applied_now = [r for r in present if r in done]
            if applied_now and len(applied_now) < len(present) and key not in done:
                del migrations[key]  # the replaced ones until they all are applied
                remap[key] = present[-1]
                continue
            for r in present:
                migrations.pop(r, None)
                remap[r] = key
            m.replaced_rows = [(r[0], r[1], self.loaded[r].checksum) for r in present]
            if applied_now:
                complete.append(key)
        self.migrations = migrations
        self.deps = {k: list(dict.fromkeys(remap.get(d, d) for d in self.loaded_deps[k]))
                     for k in migrations}
        self._rebuild()
        return complete

    def accounted(self, key: Key) -> bool:
        """Whether an applied migration is known: in the graph, or replaced by a squashed
        migration in the graph (whose file may be all that is left)."""
        return key in self.migrations or self.replaced_by.get(key) in self.migrations

    def _rebuild(self) -> None:
        self.nodes = [(k[0], k[1], self.deps[k]) for k in sorted(self.migrations)]
        self._order = None

    def add(self, migration: Migration, deps: list[Key]) -> None:
        """Adds a migration just written (the graph is built anew)."""
        self.loaded[migration.key] = migration
        self.loaded_deps[migration.key] = deps
        self.use_replacements(self._applied)

    def check(self, heads_ok: bool = False) -> None:
        """Raises on a missing dependency, a cycle, or (unless ``heads_ok``: a merge is what
        is being made) an app with two heads."""
        try:
            _engine.check_graph(self.nodes)
        except GraphError as e:
            if heads_ok and isinstance(e, MultipleHeadsError):
                return
            raise type(e)(e.message, path=e.path, hint=_graph_hint(e)) from None

    def order(self) -> list[Key]:
        """Every migration, dependencies first (deterministic)."""
        if self._order is None:
            self._order = [tuple(k) for k in _engine.order(self.nodes)]  # type: ignore[misc]
        return self._order

    def app_order(self, app: str) -> list[Key]:
        return [k for k in self.order() if k[0] == app]

    def heads(self, app: str) -> list[str]:
        heads: dict[str, list[str]] = _engine.heads(self.nodes)
        return heads.get(app, [])

    def plan(self, applied: Iterable[Key], targets: list[Key], backward: bool = False
             ) -> list[Key]:
        applied = [k for k in applied if k in self.migrations]
        return [tuple(k) for k in _engine.plan(self.nodes, applied, targets,  # type: ignore[misc]
                                               backward=backward)]

    def history(self, keys: Iterable[Key]) -> list[tuple[str, list[dict[str, Any]]]]:
        """Engine history input for these migrations, labelled."""
        return [(f"{k[0]}.{k[1]}", self.migrations[k].ops_data()) for k in keys]

    def find(self, app: str, name: str) -> Migration:
        """The migration named ``name`` (or the unique one whose name starts with it)."""
        if (app, name) in self.migrations:
            return self.migrations[(app, name)]
        matches = [k for k in self.migrations if k[0] == app and k[1].startswith(name)]
        if len(matches) == 1:
            return self.migrations[matches[0]]
        if not matches:
            known = [k[1] for k in self.app_order(app)]
            shown = ", ".join(known[-5:])
            raise MigrationFileError(
                f"app {app} has no migration named {name}", path=f"{app}.{name}",
                hint=(f"its migrations{' end with' if len(known) > 5 else ' are'}: {shown}"
                      if known else f"app {app} has no migrations yet"))
        names = ", ".join(sorted(k[1] for k in matches))
        raise MigrationFileError(f"{name} matches several migrations of {app}: {names}",
                                 path=f"{app}.{name}")


def _graph_hint(e: GraphError) -> str | None:
    name = type(e).__name__
    if name == "MultipleHeadsError":
        return ("run makemigrations --merge to write a migration that merges them (or make "
                "the newer migration depend on the other one)")
    if name == "MissingDependencyError":
        return "restore the missing migration file or fix the dependencies list"
    if name == "CycleError":
        return "remove one of the dependencies that close the cycle"
    return None


def load(migrations_dir: Path, apps: Iterable[str]) -> MigrationSet:
    """Loads the migration files of every app in ``apps`` under ``migrations_dir``."""
    migrations: dict[Key, Migration] = {}
    deps: dict[Key, list[Key]] = {}
    foreign: list[Path] = []
    for app in apps:
        for path in migration_files(migrations_dir / app):
            try:
                if is_aerich_migration(path.read_bytes()):
                    foreign.append(path)
                    continue
            except OSError:
                pass  # load_file reports it
            migration, d = load_file(path, app)
            migrations[migration.key] = migration
            deps[migration.key] = d
    return MigrationSet(migrations, deps, foreign)
