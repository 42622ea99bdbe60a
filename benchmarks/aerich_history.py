"""Can Aerich replay the benchmark's M-step history on SQLite? Makes it and tries.

    python benchmarks/aerich_history.py --models 50 --migrations 20
    python benchmarks/aerich_history.py --models 50 --migrations 20 --allow-self-fk

Why ``run.py`` times Aerich on the final models only (README: "Aerich"). The project is
``run.py``'s (``generate.ensure``, the same ``--out``). Aerich's history is made the way
``generate.py --mode full`` makes the other tools': one step at a time in this process, every
model of the step executed and Tortoise initialised on them, then Aerich's own machinery: step
1 as ``aerich init-migrations`` (``Command.init_migrations``), every later step as ``aerich
migrate --offline --no-input`` (``Migrate.init(..., offline=True)`` then ``Migrate.migrate``),
which diffs the models against the last file's ``MODELS_STATE``. The files go to
``aerich_history/models`` in the project (its own config, ``aerich_history.toml``; run.py's
``aerich_migrations`` is left alone). Then Aerich's command line applies them to a fresh SQLite
file (``python -m aerich -c aerich_history.toml --app models upgrade``, no standard input),
and on success the schema is compared with ``generate_schemas``' (``reference.sqlite3``, as
run.py compares) and ``aerich migrate`` must find no change.

What it found with Aerich 0.10.1 (N=50, M=20, seed 1):

- step 11 fails in Aerich's diff: the step's new models with a foreign key to themselves
  (``Model0030.fk_0``, ``Model0031.fk_0``) are taken for a cycle: ``ConfigurationError: Can't
  create schema due to cyclic fk references`` (``Migrate._handle_add_models``; the 10 files
  before it are made; at N=20, M=8 it is step 2, ``Model0007``). Not SQLite's doing: the
  check is Aerich's, for every database;
- with that check patched in this process (``--allow-self-fk``: a new model's reference to
  itself no longer counts; an experiment, not Aerich), the 20 files are made, but ``aerich
  upgrade`` applies 6 and stops at the first foreign key added to an existing table (step 7,
  ``6_..._step7.py``): Aerich writes
  ``ALTER TABLE "model0020" ADD CONSTRAINT "fk_..." FOREIGN KEY ("added_9_fk_id") REFERENCES
  "model0006" ("id") ...``, which SQLite has no syntax for: ``OperationalError: near
  "CONSTRAINT": syntax error``.

The exit status is 0 only when the whole history was made, applied and checked.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import shutil
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import run  # noqa: E402

HERE = Path(__file__).resolve().parent
LOCATION = "aerich_history"
CONFIG = "aerich_history.toml"
DB = "aerich_history.sqlite3"


def allow_self_fk() -> None:
    """Patches Aerich's ordering of new tables (this process only) so that a new model's
    foreign key to itself is not taken for a cycle."""
    from aerich.migrate import Migrate

    source = textwrap.dedent(inspect.getsource(Migrate._handle_add_models.__func__))
    old = "fk_model_names - simple_or_exists - ordered_table_models"
    if old not in source:
        raise RuntimeError("Aerich's _handle_add_models changed: cannot patch it")
    source = source.replace(old, old + " - {new_model_str}").replace("@classmethod\n", "", 1)
    import aerich.migrate

    namespace = dict(vars(aerich.migrate))
    exec(compile(source, "<patched _handle_add_models>", "exec"), namespace)
    Migrate._handle_add_models = classmethod(namespace["_handle_add_models"])


def _config(modules: list[str]) -> dict[str, Any]:
    return {"connections": {"default": {"engine": "tortoise.backends.sqlite",
                                        "credentials": {"file_path": ":memory:"}}},
            "apps": {generate.APP: {"models": [*modules, "aerich.models"],
                                    "default_connection": "default"}},
            "use_tz": False}


def _reset(migrate: Any) -> None:
    """Aerich's Migrate keeps a run's operations in class attributes (one command, one
    process): emptied before every step here."""
    for name in ("upgrade_operators", "downgrade_operators", "_upgrade_fk_m2m_index_operators",
                 "_downgrade_fk_m2m_index_operators", "_upgrade_m2m", "_downgrade_m2m"):
        setattr(migrate, name, [])
    migrate._rename_fields = {}
    migrate._rename_models = {}


async def make_history(project: Path, n_models: int, n_migrations: int, seed: int
                       ) -> tuple[int, str | None]:
    """Aerich's history of the generated evolution; (steps made, the error that stopped it)."""
    import types

    from aerich import Command
    from aerich.migrate import Migrate
    from tortoise import Tortoise

    location = str(project / LOCATION)
    shutil.rmtree(location, ignore_errors=True)
    evolution = generate.Evolution(n_models, n_migrations, seed)
    sys.path.insert(0, str(project))
    sys.modules[generate.MODELS_PACKAGE] = types.ModuleType(generate.MODELS_PACKAGE)
    made = 0
    try:
        for step in range(1, n_migrations + 1):
            evolution.advance()
            by_module: dict[str, list[Any]] = {}
            for m in evolution.models:
                by_module.setdefault(generate.module_name(m.number), []).append(m)
            modules = [f"{generate.MODELS_PACKAGE}.{name}" for name in by_module]
            for name, models in by_module.items():
                generate._exec_module(f"{generate.MODELS_PACKAGE}.{name}",
                                      generate.models_source(models))
            config = _config(modules)
            _reset(Migrate)
            try:
                if step == 1:  # aerich init-migrations
                    await Command(config, generate.APP, location).init_migrations(safe=True)
                else:  # aerich migrate --offline --no-input
                    await Tortoise.init(config=config)
                    await Migrate.init(config, generate.APP, location, offline=True)
                    if not await Migrate.migrate(f"step{step}", False, no_input=True,
                                                 offline=True):
                        raise RuntimeError(f"Aerich found no change in step {step}")
            except Exception as exc:  # noqa: BLE001 (reported: that is the finding)
                last = traceback.extract_tb(exc.__traceback__)[-1]
                return made, (f"step {step}: {type(exc).__name__}: {exc} "
                              f"({Path(last.filename).name}:{last.lineno} {last.name})")
            finally:
                await Tortoise.close_connections()
                for name in modules:
                    del sys.modules[name]
            made += 1
    finally:
        sys.path.remove(str(project))
        sys.modules.pop(generate.MODELS_PACKAGE, None)
    return made, None


def aerich(project: Path, verb: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BENCH_DB=str(project / DB))
    env.pop("TORTOISE_ORM", None)
    return subprocess.run([sys.executable, "-m", "aerich", "-c", CONFIG, "--app", generate.APP,
                           verb], cwd=project, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=1800)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Make Aerich's M-step history of the benchmark project and apply it.")
    parser.add_argument("--models", "-n", type=int, default=50)
    parser.add_argument("--migrations", "-m", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--allow-self-fk", action="store_true",
                        help="patch Aerich (in this process) so that a new model's foreign key "
                             "to itself is not a cycle, to see what fails next")
    args = parser.parse_args(argv)
    if args.allow_self_fk:
        allow_self_fk()
    project = (args.out / f"project_n{args.models}_m{args.migrations}_s{args.seed}").resolve()
    generate.ensure(project, args.models, args.migrations, args.seed)
    (project / CONFIG).write_text(generate.AERICH_SOURCE.replace(
        f'"./{generate.AERICH_DIR}"', f'"./{LOCATION}"'), encoding="utf-8")
    made, error = asyncio.run(make_history(project, args.models, args.migrations, args.seed))
    print(f"aerich history: {made} of {args.migrations} migrations made"
          + (" (Aerich patched: --allow-self-fk)" if args.allow_self_fk else ""))
    if error:
        print(f"  stopped at {error}")
        return 1
    db = project / DB
    db.unlink(missing_ok=True)
    done = aerich(project, "upgrade")
    try:  # each migration is its own transaction: the ones before a failure stay recorded
        applied = run.history_rows(db, "aerich")
    except Exception:  # noqa: BLE001 (no aerich table: none applied)
        applied = 0
    print(f"aerich upgrade on a fresh SQLite file: {applied} of {made} applied, exit status "
          f"{done.returncode}")
    if done.returncode != 0:
        last = (done.stdout + done.stderr).strip().splitlines()[-1:]
        print(f"  stopped at: {' '.join(last)}")
        failing = sorted((project / LOCATION / generate.APP).glob(f"{applied}_*.py"))
        for path in failing:
            statements = [line.strip() for line in path.read_text().splitlines()
                          if "ADD CONSTRAINT" in line]
            print(f"  in {path.name}: {statements[:2]}")
        return 1
    problems = run.compare_schemas(run.sqlite_schema(db, "aerich"),
                                   run.sqlite_schema(project / generate.REFERENCE_DB))
    print("schema against generate_schemas': " + ("equal" if not problems else
                                                   "; ".join(problems)))
    again = aerich(project, "migrate")
    no_change = "No changes detected" in again.stdout
    print(f"aerich migrate on the final models: {again.stdout.strip()[-200:]}")
    return 0 if not problems and no_change else 1


if __name__ == "__main__":
    sys.exit(main())
