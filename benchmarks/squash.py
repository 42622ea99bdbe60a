"""Squashing a long history: ``migrate`` from empty with the original migrations, with the
squashed migration beside them, and with the squashed migration alone (the replaced files
deleted), on the same generated project.

    python benchmarks/squash.py --models 100 --migrations 200 --repeat 3

The project is generate.py's (reused from ``--out/project_n{N}_m{M}_s{SEED}``, as run.py does).
It is copied twice; in each copy ``squashmigrations models <last>`` folds the whole history
into one migration, and in the second copy the replaced files are deleted. Each ``migrate``
is a whole command line on a fresh SQLite file (interpreter start, imports, loading the
models and the migration files, the database work), repeated ``--repeat`` times, median
reported with its CPU time. Every run is checked: its schema must be the one
``generate_schemas`` builds for the final models (``reference.sqlite3``) and the history must
record the migrations (M originals, plus the squashed one where it ran). Exit status 1 on a
failed check.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

import generate
from run import TOOLS, compare_schemas, history_rows, run_command, sqlite_schema

HERE = Path(__file__).resolve().parent


def _copy(project: Path, name: str) -> Path:
    target = project.parent / f"{project.name}_{name}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("*.sqlite3*", "__pycache__"))
    shutil.copy(project / generate.REFERENCE_DB, target / generate.REFERENCE_DB)
    return target


def _pathway(verb: str, *args: str) -> list[str]:
    return [*TOOLS["pathway"].command(verb), *args]


def _env(db: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["BENCH_DB"] = str(db)
    env.pop("TORTOISE_ORM", None)
    return env


def _squash(project: Path, delete: bool, timeout: float) -> int:
    """Squashes the whole history of the copy; returns how many files it replaced."""
    files = sorted(TOOLS["pathway"].migrations_dir(project).glob("*.py"))
    run = run_command(_pathway("squashmigrations", "models", files[-1].stem), project,
                      _env(project / "unused.sqlite3"), timeout)
    if run.returncode != 0:
        raise RuntimeError(f"squashmigrations failed: {run.output.strip()[-500:]}")
    print("   ", " | ".join(line.strip() for line in run.output.strip().splitlines()[:3]),
          flush=True)
    if delete:
        for f in files:
            f.unlink()
    return len(files)


def _migrate(project: Path, reference: dict[str, object], expected_rows: int,
             timeout: float) -> tuple[float, float, list[str]]:
    db = project / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    run = run_command(_pathway("migrate"), project, _env(db), timeout)
    if run.returncode != 0 or run.seconds is None:
        return 0.0, 0.0, [f"migrate failed: {run.output.strip()[-300:]}"]
    problems = compare_schemas(sqlite_schema(db, "pathway_"), reference)
    rows = history_rows(db, "pathway_migrations")
    if rows != expected_rows:
        problems.append(f"{rows} history rows, expected {expected_rows}")
    return run.seconds, run.cpu_seconds, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", "-n", type=int, default=100)
    parser.add_argument("--migrations", "-m", type=int, default=200)
    parser.add_argument("--repeat", "-r", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args(argv)
    project = (args.out / f"project_n{args.models}_m{args.migrations}_s{args.seed}").resolve()
    manifest = generate.ensure(project, args.models, args.migrations, args.seed)
    m = manifest["migrations"]
    print(f"project: {project} ({manifest['models']} models, {m} migrations)", flush=True)
    reference = sqlite_schema(project / generate.REFERENCE_DB)
    kept = _copy(project, "squashed")
    print("squashing (replaced files kept):", flush=True)
    _squash(kept, delete=False, timeout=args.timeout)
    alone = _copy(project, "squashed_alone")
    print("squashing (replaced files deleted):", flush=True)
    _squash(alone, delete=True, timeout=args.timeout)
    cases = [("original history", project, m), ("squashed, replaced files kept", kept, m + 1),
             ("squashed alone", alone, 1)]
    failed = False
    print(f"\nmigrate from empty, SQLite, Python {sys.version.split()[0]}, median of "
          f"{args.repeat}:\n")
    print("| history | wall s | CPU s | files |\n|---|---:|---:|---:|")
    for label, path, rows in cases:
        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu, problems = _migrate(path, reference, rows, args.timeout)
            if problems:
                failed = True
                print(f"  {label}: " + "; ".join(problems), file=sys.stderr)
            walls.append(wall)
            cpus.append(cpu)
        files = len(list(TOOLS["pathway"].migrations_dir(path).glob("*.py")))
        print(f"| {label} | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} | "
              f"{files} |", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
