"""Generates a benchmark project: N Tortoise models and, for each tool, an M-migration history.

    python benchmarks/generate.py --models 200 --migrations 100 --out benchmarks/out/n200_m100

The models. They evolve in M steps (seeded: the same arguments always give the same project).
Step 1 creates a quarter of the models; every later step creates the models scheduled for it
(spread evenly) and adds one to three nullable fields (scalar, foreign key or many-to-many) to
models that exist already; after step M there are exactly N models. Every field kind is used
(Int, BigInt, SmallInt, Char, Text, Boolean, Decimal, Datetime, Date, Time, TimeDelta, Float,
JSON, UUID, Binary, IntEnum, CharEnum) with null / unique / db_index / defaults / descriptions
varied; primary keys are Int, BigInt or UUID; foreign keys point to earlier models or to the
model itself (CASCADE, SET NULL, RESTRICT); there are many-to-many fields, unique_together and
composite indexes. db_index is only set on fields of new models: Tortoise 1.1.9's AddField
never creates the index of an added db_index field, which the benchmark's schema check would
flag. The models live in modules of 25 (``benchapp/models/m000.py``, ...), as a large project
splits them: Tortoise reads every model class's source with ``inspect.getsource``, which on
Python < 3.13 parses the class's whole module once per class, so one module of 1000 models
would make every command of both tools spend minutes there.

The histories. Each tool's makemigrations runs once per step, in this process, on the models
of that step (running each command line M times would take hours at N=M=1000):

- tortoise-pathway: ``introspect`` -> ``_engine.diff(history, target)`` -> ``writer.render``
  -> ``writer.write``, as ``TortoisePathwayIntegrator.make_migrations`` does for one app; the
  history given to the engine is the operations of the files written so far, each read back
  with ``loader.load_file``. Timestamps count from 2024-01-01 00:00:00 UTC, one second apart.
- Tortoise's built-in tool: ``MigrationAutodetector.changes()`` -> ``MigrationWriter.write()``,
  as ``tortoise makemigrations`` does, with its clock fixed at 2024-01-01 00:00.

Two modes feed them the models:

- ``--mode full``: at every step every model module is executed and Tortoise initialised on
  all models; pathway introspects the whole app; Tortoise's autodetector reads the whole app
  and its "state of the migrations" is the previous state with the new file applied to it
  (the incremental form of the full replay that ``tortoise makemigrations`` does). Exactly
  the tools' own paths, but it creates O(N * M) model classes and Tortoise's state replay
  re-renders every related model per operation: fine for small sizes, hours at N=M=1000.
- ``--mode incremental`` (the default): at every step only the models that change (created,
  or given a field) are executed, next to stubs (primary key only) of the models they point
  to, and Tortoise is initialised on those. Pathway's per-model tables (``model_table``) and
  Tortoise's per-model states (``ModelState.make_from_model``) of unchanged models are kept
  from earlier steps; Tortoise's "state of the migrations" before a step is the models' state
  after the previous one.

Both modes write byte-identical histories (checked for small sizes; ``--mode full`` is kept
to check again). And whatever the mode, the benchmark checks the result with the real command
lines: ``makemigrations`` on the final models must find no changes and ``migrate`` from empty
must build the schema that Tortoise's own ``generate_schemas`` builds (``reference.sqlite3``).

Layout of ``--out``::

    benchconfig.py                      TORTOISE_ORM (SQLite file from $BENCH_DB)
    aerich.toml                         Aerich's config ([tool.aerich]: benchconfig's TORTOISE_ORM)
    benchapp/models/m000.py ...         the final models; benchapp/enums.py their enums
    benchapp/tortoise_migrations/       Tortoise's history (0001_initial.py, ...)
    pathway_migrations/models/          tortoise-pathway's history
    reference.sqlite3                   generate_schemas() of the final models
    manifest.json                       parameters, counts, timings
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib
import json
import random
import shutil
import sys
import time
import types
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

APP = "models"
PACKAGE = "benchapp"
MODELS_PACKAGE = f"{PACKAGE}.models"
TORTOISE_MIGRATIONS = f"{PACKAGE}.tortoise_migrations"
PATHWAY_DIR = "pathway_migrations"
CONFIG_MODULE = "benchconfig"
#: Aerich's config file (run.py's ``aerich`` tool: ``aerich -c aerich.toml``) and the folder
#: of its migrations; neither is read by pathway or Tortoise's own tool
AERICH_CONFIG = "aerich.toml"
AERICH_DIR = "aerich_migrations"
REFERENCE_DB = "reference.sqlite3"
MANIFEST = "manifest.json"
PER_MODULE = 25
#: bump when the generated project changes shape, so that old outputs are regenerated
FORMAT = 3
BASE_TIME = datetime(2024, 1, 1, tzinfo=timezone.utc)

SCALAR_KINDS = ("int", "bigint", "smallint", "char", "text", "bool", "decimal", "datetime",
                "date", "time", "timedelta", "float", "json", "uuid", "binary", "intenum",
                "charenum")
FIELD_CLASS = {
    "int": "IntField", "bigint": "BigIntField", "smallint": "SmallIntField",
    "char": "CharField", "text": "TextField", "bool": "BooleanField",
    "decimal": "DecimalField", "datetime": "DatetimeField", "date": "DateField",
    "time": "TimeField", "timedelta": "TimeDeltaField", "float": "FloatField",
    "json": "JSONField", "uuid": "UUIDField", "binary": "BinaryField",
    "intenum": "IntEnumField", "charenum": "CharEnumField",
    "fk": "ForeignKeyField", "m2m": "ManyToManyField",
}
INDEXABLE = {"int", "bigint", "smallint", "char", "bool", "decimal", "datetime", "date", "time",
             "float", "uuid", "intenum", "charenum"}
UNIQUE_OK = {"int", "bigint", "smallint", "char", "uuid"}
PK_KINDS = ("int", "int", "int", "int", "int", "int", "bigint", "bigint", "uuid")
DEFAULTS = {"int": "0", "bigint": "0", "smallint": "0", "bool": "False", "char": '""',
            "text": '""', "float": "0.0", "intenum": "Priority.LOW", "charenum": "Color.RED"}

ENUMS_SOURCE = '''"""Enums of the benchmark models (their own module: migrations import it)."""

from enum import Enum, IntEnum


class Priority(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Color(str, Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"
'''

CONFIG_SOURCE = '''"""TORTOISE_ORM of the benchmark project; the SQLite file is $BENCH_DB."""

import os

MODULES = {modules!r}

TORTOISE_ORM = {{
    "connections": {{
        "default": {{
            "engine": "tortoise.backends.sqlite",
            "credentials": {{"file_path": os.environ.get("BENCH_DB", "db.sqlite3")}},
        }},
    }},
    "apps": {{
        "models": {{
            "models": [f"benchapp.models.{{m}}" for m in MODULES],
            "default_connection": "default",
            "migrations": "benchapp.tortoise_migrations",
        }},
    }},
    "use_tz": False,
}}
'''

#: Aerich's [tool.aerich] section: the same TORTOISE_ORM as the other tools (with one app,
#: Aerich adds its own model, ``aerich.models``, to it by itself)
AERICH_SOURCE = f'''# Aerich's config for the benchmark project (benchmarks/run.py --tools aerich)
[tool.aerich]
tortoise_orm = "{CONFIG_MODULE}.TORTOISE_ORM"
location = "./{AERICH_DIR}"
'''

HEADER = ['"""Benchmark models (generated by benchmarks/generate.py)."""', "",
          "from tortoise import fields", "from tortoise.models import Model", "",
          f"from {PACKAGE}.enums import Color, Priority", "", "", ""]


# ---- the models -----------------------------------------------------------------------------


@dataclass
class FieldSpec:
    name: str
    kind: str
    null: bool = False
    unique: bool = False
    index: bool = False
    default: str | None = None  # Python source of a (Python-side) default
    description: str | None = None
    extra: list[str] = field(default_factory=list)  # further keyword arguments, as source
    target: int | None = None  # model number of a fk / m2m
    related_name: str | None = None
    on_delete: str | None = None

    def source(self) -> str:
        args: list[str] = []
        if self.target is not None:
            args += [f'"{APP}.{model_name(self.target)}"', f'related_name="{self.related_name}"']
            if self.on_delete:
                args.append(f"on_delete=fields.{self.on_delete}")
        elif self.kind == "intenum":
            args.append("Priority")
        elif self.kind == "charenum":
            args.append("Color")
        args += self.extra
        if self.null:
            args.append("null=True")
        if self.unique:
            args.append("unique=True")
        if self.index:
            args.append("db_index=True")
        if self.default is not None:
            args.append(f"default={self.default}")
        if self.description is not None:
            args.append(f'description="{self.description}"')
        return f"    {self.name} = fields.{FIELD_CLASS[self.kind]}({', '.join(args)})"


def model_name(number: int) -> str:
    return f"Model{number:04d}"


def module_name(number: int) -> str:
    return f"m{number // PER_MODULE:03d}"


@dataclass
class ModelSpec:
    number: int
    pk_kind: str
    fields: list[FieldSpec] = field(default_factory=list)
    unique_together: list[tuple[str, str]] = field(default_factory=list)
    indexes: list[tuple[str, str]] = field(default_factory=list)
    description: str | None = None

    @property
    def name(self) -> str:
        return model_name(self.number)

    def source(self, stub: bool = False) -> str:
        """The class; a stub has the primary key only (enough to be pointed to)."""
        lines = [f"class {self.name}(Model):",
                 f"    id = fields.{FIELD_CLASS[self.pk_kind]}(primary_key=True)"]
        if stub:
            return "\n".join(lines)
        lines += [f.source() for f in self.fields]
        meta = []
        if self.description:
            meta.append(f'        table_description = "{self.description}"')
        if self.unique_together:
            meta.append(f"        unique_together = {tuple(self.unique_together)!r}")
        if self.indexes:
            meta.append(f"        indexes = {tuple(self.indexes)!r}")
        if meta:
            lines += ["", "    class Meta:"] + meta
        return "\n".join(lines)


def models_source(models: list[ModelSpec], stubs: list[ModelSpec] | None = None) -> str:
    classes = [m.source() for m in models] + [m.source(stub=True) for m in stubs or []]
    return "\n".join(HEADER) + "\n\n\n".join(classes) + "\n"


class Evolution:
    """The models of every step, built one step at a time from a seeded random source."""

    def __init__(self, n_models: int, n_migrations: int, seed: int) -> None:
        if n_models < 1 or n_migrations < 1:
            raise ValueError("--models and --migrations must be at least 1")
        self.n_models = n_models
        self.n_migrations = n_migrations
        self.rng = random.Random(seed)
        self.models: list[ModelSpec] = []
        self.step = 0
        self.added = 0
        initial = n_models if n_migrations == 1 else max(1, n_models // 4)
        later = n_models - initial
        # the step (1-based) that creates each model: 1, then spread evenly over 2..M
        self.created_at = [1] * initial + [
            2 + (i * (n_migrations - 1)) // later for i in range(later)]

    def advance(self) -> list[ModelSpec]:
        """Moves to the next step; returns the models it creates or changes."""
        self.step += 1
        existing = len(self.models)
        touched: dict[int, ModelSpec] = {}
        for number in range(existing, self.n_models):
            if self.created_at[number] != self.step:
                break
            self.models.append(self._new_model(number))
            touched[number] = self.models[-1]
        if self.step > 1 and existing:
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                model = self.models[self.rng.randrange(existing)]
                self._add_field(model)
                touched[model.number] = model
        return [touched[n] for n in sorted(touched)]

    def _scalar(self, kind: str, name: str, added: bool) -> FieldSpec:
        rng = self.rng
        f = FieldSpec(name, kind, null=added or rng.random() < 0.3)
        if kind in UNIQUE_OK and rng.random() < (0.05 if added else 0.12):
            f.unique = True
        elif kind in INDEXABLE and not added and rng.random() < 0.2:
            # Not on added fields: Tortoise 1.1.9's AddField never creates their index.
            f.index = True
        if kind == "char":
            f.extra.append(f"max_length={rng.choice((16, 64, 255))}")
        elif kind == "charenum":
            f.extra.append("max_length=16")
        elif kind == "decimal":
            f.extra += ["max_digits=12", "decimal_places=2"]
        elif kind == "datetime" and rng.random() < 0.3:
            f.extra.append("auto_now_add=True")
        if not f.unique and rng.random() < 0.25:
            f.default = DEFAULTS.get(kind)
        if rng.random() < 0.1:
            f.description = f"{kind} field {name}"
        return f

    def _relation(self, model: ModelSpec, kind: str, name: str, added: bool) -> FieldSpec | None:
        rng = self.rng
        related_name = f"rev_{model.number:04d}_{name}"
        if kind == "fk":
            self_ref = rng.random() < 0.1
            if model.number == 0 and not self_ref:
                return None
            target = model.number if self_ref else rng.randrange(model.number)
            on_delete = "SET_NULL" if self_ref else rng.choice(("CASCADE", "SET_NULL",
                                                                  "RESTRICT"))
            null = added or on_delete == "SET_NULL" or rng.random() < 0.2
            return FieldSpec(name, "fk", null=null, target=target, related_name=related_name,
                             on_delete=on_delete,
                             description=f"link {name}" if rng.random() < 0.1 else None)
        taken = {f.target for f in model.fields if f.kind == "m2m"}
        choices = [n for n in range(model.number) if n not in taken]
        if not choices:
            return None
        return FieldSpec(name, "m2m", target=rng.choice(choices), related_name=related_name)

    def _new_model(self, number: int) -> ModelSpec:
        rng = self.rng
        model = ModelSpec(number, rng.choice(PK_KINDS))
        start = rng.randrange(len(SCALAR_KINDS))
        for k in range(rng.randint(8, 16)):
            kind = SCALAR_KINDS[(start + k) % len(SCALAR_KINDS)]
            model.fields.append(self._scalar(kind, f"{kind}_{k}", added=False))
        for k in range(rng.choice((0, 1, 1, 2))):
            fk = self._relation(model, "fk", f"fk_{k}", added=False)
            if fk:
                model.fields.append(fk)
        if rng.random() < 0.25:
            m2m = self._relation(model, "m2m", "tags", added=False)
            if m2m:
                model.fields.append(m2m)
        plain = [f.name for f in model.fields
                 if f.kind in INDEXABLE and not (f.unique or f.null or f.index)]
        if len(plain) >= 2 and rng.random() < 0.12:
            model.unique_together.append((plain[0], plain[1]))
        elif len(plain) >= 2 and rng.random() < 0.12:
            model.indexes.append((plain[-2], plain[-1]))
        if rng.random() < 0.1:
            model.description = f"Table of model {number}"
        return model

    def _add_field(self, model: ModelSpec) -> None:
        self.added += 1
        roll = self.rng.random()
        kind = "fk" if roll < 0.12 else "m2m" if roll < 0.17 else self.rng.choice(SCALAR_KINDS)
        name = f"added_{self.added}_{kind}"
        spec = (self._relation(model, kind, name, added=True) if kind in ("fk", "m2m")
                else self._scalar(kind, name, added=True))
        model.fields.append(spec or self._scalar("int", f"added_{self.added}_int", added=True))


# ---- the histories ---------------------------------------------------------------------------


def _exec_module(name: str, source: str) -> types.ModuleType:
    """Executes a models source as module ``name`` (a fresh module object every time)."""
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def _tortoise_config(db: str, modules: list[str]) -> dict[str, Any]:
    return {"connections": {"default": {"engine": "tortoise.backends.sqlite",
                                        "credentials": {"file_path": db}}},
            "apps": {APP: {"models": modules, "default_connection": "default"}},
            "use_tz": False}


class PathwayHistory:
    """tortoise-pathway's makemigrations for one app, its history kept between steps."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.history: list[tuple[str, list[dict[str, Any]]]] = []
        self.names: list[str] = []
        self.tables: dict[str, list[dict[str, Any]]] = {}  # model -> its tables (incremental)

    def target(self, changed: list[Any] | None, all_tables: set[str]) -> dict[str, Any]:
        """The app's schema: from every model, or from the changed ones plus those kept."""
        from tortoise_pathway import introspect

        if changed is None:
            return introspect.app_schema(APP)
        for model in changed:
            self.tables[model.__name__] = introspect.model_table(model, all_tables)
        tables = [t for ts in self.tables.values() for t in ts]
        return {"tables": sorted(tables, key=lambda t: t["name"])}

    def step(self, target: dict[str, Any]) -> str:
        from tortoise_pathway import _engine, loader, writer

        ops = _engine.diff(self.history, target)
        if not ops:
            raise RuntimeError("tortoise-pathway found no changes in a step that has some")
        deps = [(APP, self.names[-1])] if self.names else []
        slug = writer.suggest_name(ops, initial=not self.names)
        stamp = writer.next_timestamp(self.names, now=BASE_TIME)
        text = writer.render(ops, deps, "Generated by tortoise-pathway.")
        path = writer.write(self.directory, f"{stamp}_{slug}", text)
        migration, _ = loader.load_file(path, APP)
        self.history.append((f"{APP}.{migration.name}", migration.ops_data()))
        self.names.append(migration.name)
        return migration.name


class TortoiseHistory:
    """Tortoise's own makemigrations (its autodetector and writer), state kept between steps."""

    def __init__(self, package_dir: Path, full: bool) -> None:
        package_dir.mkdir(parents=True, exist_ok=True)
        (package_dir / "__init__.py").write_text("", encoding="utf-8")
        importlib.invalidate_caches()
        self.full = full
        self.state = self._state({})
        self.model_states: dict[tuple[str, str], Any] = {}
        self.names: list[str] = []

    @staticmethod
    def _state(models: dict[tuple[str, str], Any]) -> Any:
        from tortoise.migrations.schema_generator.state import State
        from tortoise.migrations.schema_generator.state_apps import StateApps

        return State(models=models, apps=StateApps())

    async def step(self, apps: Any, changed: list[Any] | None) -> str:
        from tortoise.migrations.autodetector import MigrationAutodetector
        from tortoise.migrations.schema_generator.state import ModelState

        old_state = self.state
        new_state = None
        if changed is not None:
            for model in changed:
                self.model_states[(APP, model.__name__)] = ModelState.make_from_model(APP, model)
            new_state = self._state(dict(self.model_states))

        class Autodetector(MigrationAutodetector):
            async def _project_state(self) -> Any:
                return old_state

            def _current_state(self) -> Any:
                return new_state if new_state is not None else super()._current_state()

        detector = Autodetector(apps, {APP: {"models": [], "migrations": TORTOISE_MIGRATIONS}},
                                now=lambda: BASE_TIME.replace(tzinfo=None))
        writers = await detector.changes()
        if len(writers) != 1:
            raise RuntimeError(f"Tortoise made {len(writers)} migrations in a step that changes "
                               "one app")
        writers[0].write()
        name = writers[0].name
        self.names.append(name)
        if self.full:
            # The next step's "state of the migrations": this one's, with the new file applied.
            importlib.invalidate_caches()
            module = importlib.import_module(f"{TORTOISE_MIGRATIONS}.{name}")
            await module.Migration(name, APP).apply(old_state, dry_run=True, schema_editor=None)
        else:
            self.state = new_state
        return name


async def _build(out: Path, evolution: Evolution, full: bool, progress: bool
                 ) -> dict[str, float]:
    from tortoise.context import TortoiseContext

    pathway = PathwayHistory(out / PATHWAY_DIR / APP)
    tortoise = TortoiseHistory(out / PACKAGE / "tortoise_migrations", full)
    all_tables: set[str] = set()
    spent = {"models": 0.0, "pathway": 0.0, "tortoise": 0.0}
    started = time.perf_counter()
    for step in range(1, evolution.n_migrations + 1):
        t0 = time.perf_counter()
        touched = evolution.advance()
        all_tables |= {m.name.lower() for m in touched}
        if full:
            by_module: dict[str, list[ModelSpec]] = {}
            for m in evolution.models:
                by_module.setdefault(module_name(m.number), []).append(m)
            modules = [f"{MODELS_PACKAGE}.{name}" for name in by_module]
            for name, models in by_module.items():
                _exec_module(f"{MODELS_PACKAGE}.{name}", models_source(models))
        else:
            numbers = {m.number for m in touched}
            targets = sorted({f.target for m in touched for f in m.fields
                              if f.target is not None and f.target not in numbers})
            stubs = [evolution.models[n] for n in targets]
            modules = [f"{MODELS_PACKAGE}._step"]
            _exec_module(modules[0], models_source(touched, stubs))
        async with TortoiseContext() as ctx:
            await ctx.init(config=_tortoise_config(":memory:", modules), init_connections=False)
            changed = None if full else [ctx.apps[APP][m.name] for m in touched]
            t1 = time.perf_counter()
            pathway.step(pathway.target(changed, all_tables))
            t2 = time.perf_counter()
            await tortoise.step(ctx.apps, changed)
            t3 = time.perf_counter()
        for name in modules:
            del sys.modules[name]
        spent["models"] += t1 - t0
        spent["pathway"] += t2 - t1
        spent["tortoise"] += t3 - t2
        if progress and (step % 100 == 0 or step == evolution.n_migrations):
            print(f"  step {step}/{evolution.n_migrations} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    return spent


def _write_models(out: Path, models: list[ModelSpec]) -> list[str]:
    """Writes the final models, one module per PER_MODULE models; returns the module names."""
    package = out / PACKAGE / "models"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    by_module: dict[str, list[ModelSpec]] = {}
    for m in models:
        by_module.setdefault(module_name(m.number), []).append(m)
    for name, ms in by_module.items():
        (package / f"{name}.py").write_text(models_source(ms), encoding="utf-8")
    return list(by_module)


async def _reference(out: Path, modules: list[str]) -> None:
    """reference.sqlite3: the schema Tortoise's generate_schemas() makes for the final models."""
    from tortoise.context import TortoiseContext

    names = [f"{MODELS_PACKAGE}.{m}" for m in modules]
    async with TortoiseContext() as ctx:
        await ctx.init(config=_tortoise_config(str(out / REFERENCE_DB), names))
        await ctx.generate_schemas()


def generate(out: Path, n_models: int, n_migrations: int, seed: int = 1, mode: str = "incremental",
             progress: bool = True) -> dict[str, Any]:
    """Writes the project into ``out`` (which must not exist) and returns its manifest."""
    out = out.resolve()
    if out.exists():
        raise FileExistsError(out)
    (out / PACKAGE).mkdir(parents=True)
    (out / PACKAGE / "__init__.py").write_text("", encoding="utf-8")
    (out / PACKAGE / "enums.py").write_text(ENUMS_SOURCE, encoding="utf-8")
    evolution = Evolution(n_models, n_migrations, seed)
    sys.path.insert(0, str(out))
    started = time.perf_counter()
    try:
        # benchapp.models is a package of the final models; empty while the steps run
        sys.modules[MODELS_PACKAGE] = types.ModuleType(MODELS_PACKAGE)
        spent = asyncio.run(_build(out, evolution, mode == "full", progress))
        del sys.modules[MODELS_PACKAGE]
        modules = _write_models(out, evolution.models)
        (out / f"{CONFIG_MODULE}.py").write_text(CONFIG_SOURCE.format(modules=modules),
                                                 encoding="utf-8")
        write_aerich_config(out)
        importlib.invalidate_caches()
        asyncio.run(_reference(out, modules))
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
    fields = [f for m in evolution.models for f in m.fields]
    changed = evolution.models[len(evolution.models) // 2]
    manifest = {
        "format": FORMAT, "models": n_models, "migrations": n_migrations, "seed": seed,
        "mode": mode, "tools": tools_fingerprint(), "model_modules": len(modules),
        "fields": len(fields) + len(evolution.models),
        "field_kinds": sorted({f.kind for f in fields}),
        "foreign_keys": sum(f.kind == "fk" for f in fields),
        "many_to_many": sum(f.kind == "m2m" for f in fields),
        "added_fields": evolution.added,
        "generation_seconds": round(time.perf_counter() - started, 2),
        "generation_split_seconds": {k: round(v, 2) for k, v in spent.items()},
        "app": APP, "config": CONFIG_MODULE, "pathway_migrations": PATHWAY_DIR,
        "tortoise_migrations": TORTOISE_MIGRATIONS, "reference_db": REFERENCE_DB,
        # the "one change" scenario adds a field to this model (the middle one)
        "change_model": changed.name,
        "change_module": f"{PACKAGE}/models/{module_name(changed.number)}.py",
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def write_aerich_config(out: Path) -> None:
    """``aerich.toml`` in the project (for run.py's ``aerich`` tool), written when missing or
    different; it changes nothing that pathway or Tortoise's own tool reads."""
    path = out / AERICH_CONFIG
    if not path.is_file() or path.read_text(encoding="utf-8") != AERICH_SOURCE:
        path.write_text(AERICH_SOURCE, encoding="utf-8")


def tools_fingerprint() -> str:
    """A hash of both tools' code (tortoise-pathway's package with its engine, and the
    Tortoise version): histories written by other code are regenerated, not reused."""
    import tortoise

    import tortoise_pathway

    digest = hashlib.sha256(f"tortoise {tortoise.__version__}".encode())
    package = Path(tortoise_pathway.__file__).parent
    for path in sorted(package.glob("*.py")) + sorted(package.glob("_engine*.so")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure(out: Path, n_models: int, n_migrations: int, seed: int = 1,
           progress: bool = True) -> dict[str, Any]:
    """The project in ``out``: reused when its manifest matches (same parameters, same code
    of both tools), else (re)generated."""
    manifest_path = out / MANIFEST
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (manifest.get("format"), manifest.get("models"), manifest.get("migrations"),
                manifest.get("seed"), manifest.get("tools")) == (
                    FORMAT, n_models, n_migrations, seed, tools_fingerprint()):
            return manifest
    if out.exists():
        shutil.rmtree(out)
    return generate(out, n_models, n_migrations, seed, progress=progress)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a benchmark project: N models and an M-migration history per tool.")
    parser.add_argument("--models", "-n", type=int, default=50, help="number of models")
    parser.add_argument("--migrations", "-m", type=int, default=20,
                        help="number of migrations (steps of the models' history)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=("incremental", "full"), default="incremental",
                        help="how the models reach the tools at each step (see the docstring)")
    parser.add_argument("--out", type=Path, required=True, help="project directory to create")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists (use --force to replace it)")
        shutil.rmtree(args.out)
    manifest = generate(args.out, args.models, args.migrations, args.seed, args.mode)
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
