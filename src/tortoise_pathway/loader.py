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

import copy
import hashlib
import importlib.util
import os
import re
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from . import _engine, statecache
from .exceptions import GraphError, MigrationFileError, MultipleHeadsError, PathwayError
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
    try:
        names = sorted(e.name for e in os.scandir(directory)
                       if e.name.endswith(".py") and not e.name.startswith(("_", "."))
                       and e.is_file())
    except OSError:  # no such directory (yet)
        return []
    return [directory / name for name in names]


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


def read_source(path: Path) -> bytes:
    """A migration file's bytes; MigrationFileError naming it when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise MigrationFileError(f"{path}: cannot be read: {e.strerror}", path=str(path)) from e


def load_file(path: Path, app: str, source: bytes | None = None
              ) -> tuple[Migration, list[Key]]:
    """Loads one migration file (whose content is ``source`` when given); returns the
    Migration instance and its dependencies."""
    if source is None:
        source = read_source(path)
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


class Unloaded:
    """A migration file whose content the cache knows (statecache.py): what the graph needs
    of it, without executing it. ``load()`` executes it (once) when more is needed."""

    __slots__ = ("app", "name", "path", "checksum", "schema_only", "stage", "replaced",
                 "replaced_rows",
                 "_migration")

    def __init__(self, app: str, path: Path, checksum: str, schema_only: bool,
                 stage: str | None = None) -> None:
        self.app = app
        self.name = path.stem
        self.path = path
        self.checksum = checksum
        self.schema_only = schema_only
        #: as Migration's: its ``stage`` class attribute
        self.stage = stage
        #: as Migration's: a file the cache stands for replaces no migration
        self.replaced: list[Key] = []
        self.replaced_rows: list[tuple[str, str, str]] = []
        self._migration: Migration | None = None

    @property
    def key(self) -> Key:
        return (self.app, self.name)

    @property
    def label(self) -> str:
        return f"{self.app}.{self.name}"

    def load(self) -> Migration:
        if self._migration is None:
            migration, _ = load_file(self.path, self.app)
            if migration.checksum != self.checksum:
                raise MigrationFileError(
                    f"{self.path} changed while the command ran", path=str(self.path),
                    hint="run the command again")
            self._migration = migration
        return self._migration


class Migrations:
    """Migrations by key, loading each file whose content the cache stood for on first use
    (``[key]``, ``get``, ``values``, ``items``); ``peek`` gives what is known without
    loading (``key``, ``label``, ``checksum``, ``path``, ``schema_only``, ``stage``, ``replaced``,
    ``replaced_rows``)."""

    def __init__(self, items: dict[Key, Migration | Unloaded] | None = None) -> None:
        self._items: dict[Key, Migration | Unloaded] = dict(items or {})

    def __getitem__(self, key: Key) -> Migration:
        m = self._items[key]
        if isinstance(m, Unloaded):
            m = self._items[key] = m.load()
        return m

    def __setitem__(self, key: Key, m: Migration | Unloaded) -> None:
        self._items[key] = m

    def __delitem__(self, key: Key) -> None:
        del self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[Key]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Key, default: Migration | None = None) -> Migration | None:
        return self[key] if key in self._items else default

    def peek(self, key: Key) -> Migration | Unloaded:
        return self._items[key]

    def pop(self, key: Key, default: Any = None) -> Any:
        return self._items.pop(key, default)

    def keys(self) -> Iterable[Key]:
        return self._items.keys()

    def values(self) -> list[Migration]:
        return [self[k] for k in self._items]

    def items(self) -> list[tuple[Key, Migration]]:
        return [(k, self[k]) for k in self._items]

    def copy(self) -> Migrations:
        return Migrations(self._items)


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

    def __init__(self, migrations: dict[Key, Migration] | Migrations,
                 deps: dict[Key, list[Key]], foreign: list[Path] | None = None,
                 directory: Path | None = None) -> None:
        #: every migration file loaded (or known from the cache), and its own dependencies
        self.loaded = (migrations.copy() if isinstance(migrations, Migrations)
                       else Migrations(dict(migrations)))
        self.loaded_deps = dict(deps)
        #: files of the migrations folders that are another tool's (Aerich's), left alone
        self.foreign: list[Path] = foreign if foreign is not None else []
        #: the migrations folder (its apps' caches of replayed states); None: no cache
        self.directory = directory
        self._states: dict[str, tuple[statecache.Order, dict[str, Any]]] = {}
        #: (keys, dialect) -> initial_sql's answer, for this process
        self._initial: dict[tuple[tuple[Key, ...], str], list[list[str]]] = {}
        self.migrations = Migrations()
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
        migrations, remap, complete = self.loaded.copy(), {}, []
        self.replaced_by = {}
        for key in sorted(self.loaded):
            m = self.loaded.peek(key)
            if not m.replaced:
                continue
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
            m.replaced_rows = [(r[0], r[1], self.loaded.peek(r).checksum) for r in present]
            if applied_now:
                complete.append(key)
        deps = {k: list(dict.fromkeys(remap.get(d, d) for d in self.loaded_deps[k]))
                for k in migrations}
        same = migrations.keys() == self.migrations.keys() and deps == self.deps
        self.migrations = migrations
        self.deps = deps
        if not same:  # the graph changed: its order is worked out again
            self._rebuild()
        return complete

    def fork(self) -> MigrationSet:
        """A copy with Migration objects of its own (shallow copies: the SQL, connection and
        progress a run sets on them are its own) and the same graph, for runs on several
        databases at once (fleet.py); no file is read again."""
        self.order()  # worked out once, shared
        # every file executed here, once for all the forks (a fork loading a file the cache
        # stood for would execute it once per database)
        loaded = {k: copy.copy(m) for k, m in self.loaded.items()}
        new = copy.copy(self)
        new.loaded = Migrations(dict(loaded))
        new.migrations = Migrations({k: loaded[k] for k in self.migrations})
        new.replaced_by = dict(self.replaced_by)
        new._applied = set(self._applied)
        return new

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

    def state(self, app: str) -> dict[str, Any]:
        """The schema app's migrations build, in graph order (``replay`` of its history):
        from the app's cache (statecache.py), replaying only the migrations after the part of
        the order it holds, and kept there for the next run. The caller must not change it."""
        order = self.app_order(app)
        pairs = [(k[1], self.migrations.peek(k).checksum) for k in order]
        memo = self._states.get(app)
        if memo is not None and memo[0] == pairs:
            return memo[1]
        cached = None
        app_dir = self.directory / app if self.directory is not None else None
        if app_dir is not None and statecache.enabled():
            cached = statecache.read_state(app_dir)
        state: dict[str, Any] | None = None
        if cached is not None and cached[0] == pairs[:len(cached[0])]:
            rest = order[len(cached[0]):]
            if not rest:
                state = cached[1]
            else:
                try:
                    state = _engine.replay([(f"{app} (cached state)", cached[1])] +
                                           self.history(rest))
                except PathwayError:
                    state = None  # a cached state the engine refuses: replay it all
        if state is None:
            state = _engine.replay(self.history(order))
        if app_dir is not None and statecache.enabled() and (
                cached is None or cached[0] != pairs):
            statecache.write_state(app_dir, pairs, state)
        self._states[app] = (pairs, state)
        return state

    def state_of(self, keys: list[Key]) -> dict[str, Any]:
        """The schema these migrations build, applied in this order from nothing: the app's
        state (see ``state``) when they are one app's migrations, all of them in graph order,
        else their replay. The caller must not change it."""
        apps = {k[0] for k in keys}
        if len(apps) == 1 and keys == self.app_order(next(iter(apps))):
            return self.state(keys[0][0])
        return _engine.replay(self.history(keys))

    def initial_sql(self, keys: list[Key], dialect: str) -> list[list[str]]:
        """The SQL (statements per operation) that creates in ``dialect``, on an empty
        database, the schema ``state_of(keys)`` is: the engine's diff from nothing to it,
        rendered. One app's whole order is kept in its cache (statecache.py) per dialect;
        every answer is kept for the process."""
        memo = (tuple(keys), dialect)
        if memo in self._initial:
            return self._initial[memo]
        apps = {k[0] for k in keys}
        app_dir = None
        if len(apps) == 1 and self.directory is not None and statecache.enabled() and \
                keys == self.app_order(keys[0][0]):
            app_dir = self.directory / keys[0][0]
        pairs = [(k[1], self.migrations.peek(k).checksum) for k in keys]
        sql = statecache.read_initial(app_dir, pairs, dialect) if app_dir is not None else None
        if sql is None:
            operations = _engine.diff([], self.state_of(keys))
            sql = _engine.render([], [("the initial schema", operations)], dialect)[0]
            if app_dir is not None:
                statecache.write_initial(app_dir, pairs, dialect, sql)
        self._initial[memo] = sql
        return sql

    def history_of(self, keys: list[Key]) -> list[tuple[str, Any]]:
        """Engine history input that builds what ``state_of(keys)`` is: that state as the
        history's starting point."""
        return [(f"{len(keys)} migrations", self.state_of(keys))]

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
    """Loads the migration files of every app in ``apps`` under ``migrations_dir``: a file
    whose content the app's cache knows (statecache.py) is read and hashed, not executed, until
    something needs it (see Migrations)."""
    migrations = Migrations()
    deps: dict[Key, list[Key]] = {}
    foreign: list[Path] = []
    cache = statecache.enabled()
    for app in apps:
        app_dir = migrations_dir / app
        files = migration_files(app_dir)
        known = statecache.read_files(app_dir) if cache and files else {}
        entries: statecache.FileEntries = {}
        for path in files:
            source = read_source(path)
            checksum = hashlib.sha256(source).hexdigest()
            entry = known.get(path.name)
            if (entry is None or entry[0] != checksum) and is_aerich_migration(source):
                foreign.append(path)  # the cache knows only files of ours
                continue
            key = (app, path.stem)
            if entry is not None and entry[0] == checksum and not entry[2]:
                migrations[key] = Unloaded(app, path, checksum, entry[3], entry[4])
                deps[key] = list(entry[1])
            else:
                migration, d = load_file(path, app, source)
                migrations[key] = migration
                deps[key] = d
                entry = (checksum, d, bool(migration.replaced), migration.schema_only,
                         migration.stage)
            entries[path.name] = entry
        if cache and entries != known:
            statecache.write_files(app_dir, entries)
    return MigrationSet(migrations, deps, foreign, migrations_dir)
