"""Generates a benchmark project: N Tortoise models and, for each tool, an M-migration history.

    python benchmarks/generate.py --models 200 --migrations 100 --out benchmarks/out/n200_m100

The models evolve in M steps (seeded, so the same arguments always give the same project):
step 1 creates an initial quarter of the models, every later step creates the models scheduled
for it and adds one to three fields (scalar, foreign key or many-to-many, all nullable) to
models that already exist. The final step holds exactly N models. Every field kind is used
(Int, BigInt, SmallInt, Char, Text, Boolean, Decimal, Datetime, Date, Time, TimeDelta, Float,
JSON, UUID, Binary, IntEnum, CharEnum), with null / unique / db_index / defaults / comments
varied, integer, big-integer and UUID primary keys, foreign keys (to earlier models and to the
model itself, CASCADE / SET NULL / RESTRICT), many-to-many fields, unique_together and
composite indexes.

How the histories are produced (in one process, not with M runs of each command line):
for every step the models module of that step is executed as ``benchapp.models`` and Tortoise
is initialised on it once; then both tools make their migration from those same models.

- tortoise-pathway: ``introspect.app_schema`` -> ``_engine.diff(history, target)`` ->
  ``writer.render`` -> ``writer.write``, as ``TortoisePathwayIntegrator.make_migrations`` does
  for one app. The history given to the engine is the operations of the files written so
  far, each read back with ``loader.load_file``. Timestamps start at 2024-01-01 00:00:00 UTC
  (one second apart) so file names are deterministic.
- Tortoise's built-in tool: ``MigrationAutodetector.changes()`` -> ``MigrationWriter.write()``,
  as ``tortoise makemigrations`` does, with the clock fixed at 2024-01-01 00:00. The only
  change is that the "state of the migrations" is not rebuilt from the whole history at every
  step (which makes generation quadratic): each new file is imported and applied to a running
  state, exactly as the full replay would apply it.

The benchmark then checks each history with the real command lines (``makemigrations`` on the
final models must find no changes; ``migrate`` must build the schema that Tortoise's own
``generate_schemas`` builds), so a generation shortcut that diverged from the tools would show.

Layout of ``--out``::

    benchconfig.py                      TORTOISE_ORM (SQLite file from $BENCH_DB)
    benchapp/models.py                  the final models; benchapp/enums.py its enums
    benchapp/tortoise_migrations/       Tortoise's history (0001_initial.py, ...)
    pathway_migrations/models/          tortoise-pathway's history
    reference.sqlite3                   generate_schemas() of the final models
    manifest.json                       parameters, counts, timings
"""

from __future__ import annotations

import argparse
import asyncio
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
MODELS_MODULE = f"{PACKAGE}.models"
TORTOISE_MIGRATIONS = f"{PACKAGE}.tortoise_migrations"
PATHWAY_DIR = "pathway_migrations"
CONFIG_MODULE = "benchconfig"
REFERENCE_DB = "reference.sqlite3"
MANIFEST = "manifest.json"
#: bump when the generated project changes shape, so old outputs are regenerated
FORMAT = 1
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

ENUMS_SOURCE = '''"""Enums of the benchmark models (a module of their own, imported by migrations)."""

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

CONFIG_SOURCE = '''"""TORTOISE_ORM of the benchmark project; the SQLite file comes from $BENCH_DB."""

import os

TORTOISE_ORM = {
    "connections": {
        "default": {
            "engine": "tortoise.backends.sqlite",
            "credentials": {"file_path": os.environ.get("BENCH_DB", "db.sqlite3")},
        },
    },
    "apps": {
        "models": {
            "models": ["benchapp.models"],
            "default_connection": "default",
            "migrations": "benchapp.tortoise_migrations",
        },
    },
    "use_tz": False,
}
'''


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
    target: str | None = None  # model class name of a fk / m2m
    related_name: str | None = None
    on_delete: str | None = None

    def source(self) -> str:
        args: list[str] = []
        if self.kind in ("fk", "m2m"):
            args.append(f'"{APP}.{self.target}"')
            args.append(f'related_name="{self.related_name}"')
            if self.on_delete:
                args.append(f"on_delete=fields.{self.on_delete}")
        elif self.kind == "intenum":
            args.append("Priority")
        elif self.kind == "charenum":
            args.append("Color")
        args += self.extra
        if self.null and self.kind != "m2m":
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
        return f"Model{self.number:04d}"

    def source(self) -> str:
        pk = f"fields.{FIELD_CLASS[self.pk_kind]}(primary_key=True)"
        lines = [f"class {self.name}(Model):", f"    id = {pk}"]
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


def models_source(models: list[ModelSpec]) -> str:
    head = ['"""Benchmark models (generated by benchmarks/generate.py)."""', "",
            "from tortoise import fields", "from tortoise.models import Model", "",
            f"from {PACKAGE}.enums import Color, Priority", "", ""]
    return "\n".join(head) + "\n\n\n".join(m.source() for m in models) + "\n"


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
        self._added = 0
        initial = n_models if n_migrations == 1 else max(1, n_models // 4)
        later = n_models - initial
        # model number -> the step that creates it (1-based); spread evenly over steps 2..M
        self.created_at = [1] * initial + [
            2 + (i * (n_migrations - 1)) // later for i in range(later)]

    def advance(self) -> list[ModelSpec]:
        """Moves to the next step and returns every model of it."""
        self.step += 1
        existing = len(self.models)
        for number in range(existing, self.n_models):
            if self.created_at[number] != self.step:
                break
            self.models.append(self._new_model(number))
        if self.step > 1 and existing:
            for _ in range(self.rng.choice((1, 1, 2, 3))):
                self._add_field(self.models[self.rng.randrange(existing)])
        return self.models

    # -- fields --

    def _scalar(self, kind: str, name: str, added: bool) -> FieldSpec:
        rng = self.rng
        f = FieldSpec(name, kind, null=added or rng.random() < 0.3)
        if kind in UNIQUE_OK and rng.random() < (0.05 if added else 0.12):
            f.unique = True
        elif kind in INDEXABLE and rng.random() < 0.2:
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
            f.default = {"int": "0", "bigint": "0", "smallint": "0", "bool": "False",
                         "char": '""', "text": '""', "float": "0.0",
                         "intenum": "Priority.LOW", "charenum": "Color.RED"}.get(kind)
        if rng.random() < 0.1:
            f.description = f"{kind} field {name}"
        return f

    def _relation(self, model: ModelSpec, kind: str, name: str, added: bool) -> FieldSpec | None:
        rng = self.rng
        if kind == "fk":
            self_ref = rng.random() < 0.1
            if model.number == 0 and not self_ref:
                return None
            target = model.number if self_ref else rng.randrange(model.number)
            on_delete = "SET_NULL" if self_ref else rng.choice(("CASCADE", "SET_NULL",
                                                                  "RESTRICT"))
            null = added or self_ref or on_delete == "SET_NULL" or rng.random() < 0.2
            return FieldSpec(name, "fk", null=null, target=f"Model{target:04d}",
                             related_name=f"rev_{model.number:04d}_{name}", on_delete=on_delete,
                             description=f"link {name}" if rng.random() < 0.1 else None)
        taken = {f.target for f in model.fields if f.kind == "m2m"}
        choices = [n for n in range(model.number) if f"Model{n:04d}" not in taken]
        if not choices:
            return None
        target = rng.choice(choices)
        return FieldSpec(name, "m2m", target=f"Model{target:04d}",
                         related_name=f"rev_{model.number:04d}_{name}")

    def _new_model(self, number: int) -> ModelSpec:
        rng = self.rng
        model = ModelSpec(number, rng.choice(PK_KINDS))
        count = rng.randint(8, 16)
        start = rng.randrange(len(SCALAR_KINDS))
        for k in range(count):
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
                 if f.kind in INDEXABLE and not f.unique and not f.null and not f.index]
        if len(plain) >= 2 and rng.random() < 0.12:
            model.unique_together.append((plain[0], plain[1]))
        elif len(plain) >= 2 and rng.random() < 0.12:
            model.indexes.append((plain[-2], plain[-1]))
        if rng.random() < 0.1:
            model.description = f"Table of model {number}"
        return model

    def _add_field(self, model: ModelSpec) -> None:
        self._added += 1
        roll = self.rng.random()
        kind = "fk" if roll < 0.12 else "m2m" if roll < 0.17 else self.rng.choice(SCALAR_KINDS)
        name = f"added_{self._added}_{kind}"
        spec = (self._relation(model, kind, name, added=True) if kind in ("fk", "m2m")
                else self._scalar(kind, name, added=True))
        model.fields.append(spec or self._scalar("int", name, added=True))


# ---- the histories ---------------------------------------------------------------------------


def _load_models(source: str) -> types.ModuleType:
    """Executes a models source as ``benchapp.models`` (a fresh module every time)."""
    module = types.ModuleType(MODELS_MODULE)
    module.__file__ = f"<{MODELS_MODULE} step>"
    sys.modules[MODELS_MODULE] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


class PathwayHistory:
    """tortoise-pathway's makemigrations for one app, history kept in memory between steps."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.history: list[tuple[str, list[dict[str, Any]]]] = []
        self.names: list[str] = []

    def step(self) -> str:
        from tortoise_pathway import _engine, introspect, loader, writer

        target = introspect.app_schema(APP)
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
    """Tortoise's own makemigrations, with the migrations' state kept between steps."""

    def __init__(self, package_dir: Path) -> None:
        from tortoise.migrations.schema_generator.state import State
        from tortoise.migrations.schema_generator.state_apps import StateApps

        package_dir.mkdir(parents=True, exist_ok=True)
        (package_dir / "__init__.py").write_text("", encoding="utf-8")
        importlib.invalidate_caches()
        self.state = State(models={}, apps=StateApps())
        self.names: list[str] = []

    async def step(self, apps: Any) -> str:
        from tortoise.migrations.autodetector import MigrationAutodetector

        state = self.state

        class Autodetector(MigrationAutodetector):
            async def _project_state(self) -> Any:
                return state

        detector = Autodetector(apps, {APP: {"models": [MODELS_MODULE],
                                             "migrations": TORTOISE_MIGRATIONS}},
                                now=lambda: BASE_TIME.replace(tzinfo=None))
        writers = await detector.changes()
        if len(writers) != 1:
            raise RuntimeError(f"Tortoise made {len(writers)} migrations in a step that has "
                               "changes in one app")
        writers[0].write()
        importlib.invalidate_caches()
        name = writers[0].name
        module = importlib.import_module(f"{TORTOISE_MIGRATIONS}.{name}")
        await module.Migration(name, APP).apply(state, dry_run=True, schema_editor=None)
        self.names.append(name)
        return name


def _tortoise_config(db: str) -> dict[str, Any]:
    return {"connections": {"default": {"engine": "tortoise.backends.sqlite",
                                        "credentials": {"file_path": db}}},
            "apps": {APP: {"models": [MODELS_MODULE], "default_connection": "default"}},
            "use_tz": False}


async def _build(out: Path, evolution: Evolution, progress: bool) -> dict[str, float]:
    from tortoise.context import TortoiseContext

    pathway = PathwayHistory(out / PATHWAY_DIR / APP)
    tortoise = TortoiseHistory(out / PACKAGE / "tortoise_migrations")
    spent = {"models": 0.0, "pathway": 0.0, "tortoise": 0.0}
    source = ""
    started = time.perf_counter()
    for step in range(1, evolution.n_migrations + 1):
        t0 = time.perf_counter()
        source = models_source(evolution.advance())
        _load_models(source)
        async with TortoiseContext() as ctx:
            await ctx.init(config=_tortoise_config(":memory:"), init_connections=False)
            t1 = time.perf_counter()
            pathway.step()
            t2 = time.perf_counter()
            await tortoise.step(ctx.apps)
            t3 = time.perf_counter()
        spent["models"] += t1 - t0
        spent["pathway"] += t2 - t1
        spent["tortoise"] += t3 - t2
        if progress and (step % 50 == 0 or step == evolution.n_migrations):
            print(f"  step {step}/{evolution.n_migrations} "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)
    (out / PACKAGE / "models.py").write_text(source, encoding="utf-8")
    # The reference schema: what Tortoise itself creates for the final models.
    reference = out / REFERENCE_DB
    async with TortoiseContext() as ctx:
        await ctx.init(config=_tortoise_config(str(reference)))
        await ctx.generate_schemas()
    return spent


def generate(out: Path, n_models: int, n_migrations: int, seed: int = 1,
             progress: bool = True) -> dict[str, Any]:
    """Writes the project into ``out`` (which must not exist) and returns its manifest."""
    out = out.resolve()
    if out.exists():
        raise FileExistsError(out)
    (out / PACKAGE).mkdir(parents=True)
    (out / PACKAGE / "__init__.py").write_text("", encoding="utf-8")
    (out / PACKAGE / "enums.py").write_text(ENUMS_SOURCE, encoding="utf-8")
    (out / f"{CONFIG_MODULE}.py").write_text(CONFIG_SOURCE, encoding="utf-8")
    evolution = Evolution(n_models, n_migrations, seed)
    sys.path.insert(0, str(out))
    started = time.perf_counter()
    try:
        spent = asyncio.run(_build(out, evolution, progress))
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]
    fields = [f for m in evolution.models for f in m.fields]
    manifest = {
        "format": FORMAT, "models": n_models, "migrations": n_migrations, "seed": seed,
        "fields": len(fields) + len(evolution.models),
        "field_kinds": sorted({f.kind for f in fields}),
        "foreign_keys": sum(f.kind == "fk" for f in fields),
        "many_to_many": sum(f.kind == "m2m" for f in fields),
        "added_fields": evolution._added,
        "generation_seconds": round(time.perf_counter() - started, 2),
        "generation_split_seconds": {k: round(v, 2) for k, v in spent.items()},
        "app": APP, "config": CONFIG_MODULE, "pathway_migrations": PATHWAY_DIR,
        "tortoise_migrations": TORTOISE_MIGRATIONS, "reference_db": REFERENCE_DB,
        # a model to change in the "one change" scenario (the middle one)
        "change_model": evolution.models[len(evolution.models) // 2].name,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def ensure(out: Path, n_models: int, n_migrations: int, seed: int = 1,
           progress: bool = True) -> dict[str, Any]:
    """The project in ``out``: reused when its manifest matches, else (re)generated."""
    manifest_path = out / MANIFEST
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (manifest.get("format"), manifest.get("models"), manifest.get("migrations"),
                manifest.get("seed")) == (FORMAT, n_models, n_migrations, seed):
            return manifest
    if out.exists():
        shutil.rmtree(out)
    return generate(out, n_models, n_migrations, seed, progress)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", "-n", type=int, default=50, help="number of models")
    parser.add_argument("--migrations", "-m", type=int, default=20,
                        help="number of migrations (steps of the models' history)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="project directory to create")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    args = parser.parse_args(argv)
    if args.out.exists():
        if not args.force:
            parser.error(f"{args.out} exists (use --force to replace it)")
        shutil.rmtree(args.out)
    manifest = generate(args.out, args.models, args.migrations, args.seed)
    print(json.dumps(manifest, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
