"""Runs the example end to end on SQLite, in a scratch folder (the repository stays clean):

makemigrations -> migrate -> showmigrations -> rows through the models -> a model change ->
makemigrations -> migrate (rows kept) -> rollback twice -> showmigrations.

Usage, from the repository root:  python example/run_example.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def cli(workdir: Path, *args: str) -> None:
    cmd = [sys.executable, "-m", "tortoise_pathway", "--config", "myapp.config", *args]
    print("$ tortoise-pathway --config myapp.config " + " ".join(args), flush=True)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    subprocess.run(cmd, cwd=workdir, env=env, check=True)


def columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return [r[0] for r in rows]


def main() -> int:
    # Import the package the way a user would; fall back to the source tree.
    try:
        import tortoise_pathway  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(ROOT / "src"))
    workdir = Path(tempfile.mkdtemp(prefix="pathway-example-"))
    try:
        shutil.copytree(HERE / "myapp", workdir / "myapp",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(HERE / "example.py", workdir / "example.py")
        db = workdir / "db.sqlite3"
        print(f"working in {workdir}")

        step("makemigrations: the first migration")
        cli(workdir, "makemigrations", "--app", "models")
        step("migrate")
        cli(workdir, "migrate", "--app", "models")
        step("showmigrations")
        cli(workdir, "showmigrations", "--app", "models")
        print("tables:", ", ".join(tables(db)))

        step("rows through the models (setup_and_migrate, then Tortoise)")
        sys.path.insert(0, str(workdir))
        os.chdir(workdir)
        from myapp.config import TORTOISE_ORM

        from example import add_and_count_users

        print("users:", asyncio.run(add_and_count_users(TORTOISE_ORM)))

        step("a model change: User gets a nullable 'bio' column")
        models = workdir / "myapp" / "models.py"
        source = models.read_text()
        models.write_text(source.replace(
            "    created_at = fields.DatetimeField(auto_now_add=True)\n",
            "    created_at = fields.DatetimeField(auto_now_add=True)\n"
            "    bio = fields.TextField(null=True)\n", 1))
        cli(workdir, "makemigrations", "--app", "models", "--name", "add user bio")
        cli(workdir, "migrate", "--app", "models")
        cli(workdir, "makemigrations", "--app", "models")
        print("users columns:", ", ".join(columns(db, "users")))
        with sqlite3.connect(db) as conn:
            kept = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        print("users kept:", kept)
        assert kept == 1 and "bio" in columns(db, "users")

        step("rollback twice")
        cli(workdir, "rollback", "--app", "models")
        assert "bio" not in columns(db, "users")
        cli(workdir, "rollback", "--app", "models")
        cli(workdir, "showmigrations", "--app", "models")
        # what remains is tortoise-pathway's own bookkeeping (history and step progress)
        left = [t for t in tables(db) if t not in ("pathway_migrations", "pathway_progress")]
        print("tables left:", ", ".join(left) or "(none)")
        assert not left, left
        print("\nexample finished: OK")
        return 0
    finally:
        os.chdir(ROOT)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
