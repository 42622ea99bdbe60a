"""The command line in a subprocess, on SQLite files in tmp_path: help, the one-line errors
(no traceback, exit status 1), --traceback, and the output of the commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Database, Project
from tortoise_pathway import loader

USER = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "users"
"""

USER_V2 = USER.replace("    class Meta:", "    age = fields.IntField(null=True)\n\n    class Meta:")

COMMANDS = ("makemigrations", "migrate", "rollback", "showmigrations", "check", "lint", "adopt")


def sqlite_db(tmp_path: Path) -> Database:
    path = tmp_path / "db.sqlite3"
    return Database("sqlite", f"sqlite://{path}", "db", path)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path / "project", sqlite_db(tmp_path))
    p.models(USER)
    return p


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("TORTOISE_ORM", None)
    return subprocess.run([sys.executable, "-m", "tortoise_pathway", *args], cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(project.root, "--config", "proj.config", *args)


def ok(project: Project, *args: str) -> str:
    proc = run(project, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == "" or "Traceback" not in proc.stderr
    return proc.stdout


def one_error(proc: subprocess.CompletedProcess[str], message: str,
              hint: str | None = None) -> str:
    """Checks the failure shape: exit status 1, no traceback anywhere, stderr is exactly
    'error: <message>' (a regular expression) and, if given, 'hint: <hint>'. Returns the
    error line."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr
    lines = proc.stderr.splitlines()
    assert 1 <= len(lines) <= 2, proc.stderr
    assert lines[0].startswith("error: "), proc.stderr
    assert re.fullmatch(message, lines[0][len("error: "):]), lines[0]
    if hint is None:
        assert len(lines) == 1 or lines[1].startswith("hint: "), proc.stderr
    else:
        assert lines[1:] == [f"hint: {hint}"], proc.stderr
    return lines[0]


def write_migration(project: Project, name: str, deps: str = "[]", body: str | None = None,
                    app: str = "models") -> Path:
    d = project.root / "migrations" / app
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{name}.py"
    path.write_text(body if body is not None else (
        "from tortoise_pathway import migration, ops\n\n\n"
        "class Migration(migration.Migration):\n"
        f"    dependencies = {deps}\n"
        "    operations: list = []\n"))
    return path


# ---- help ---------------------------------------------------------------------------


def test_help_lists_every_command(tmp_path: Path) -> None:
    proc = cli(tmp_path, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s+\S", proc.stdout, re.M), command
    assert "--config" in proc.stdout and "--traceback" in proc.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(tmp_path: Path, command: str) -> None:
    proc = cli(tmp_path, command, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith(f"usage: tortoise-pathway {command}")
    assert "--app" in proc.stdout and "--config" in proc.stdout


def test_no_command_is_a_usage_error(tmp_path: Path) -> None:
    proc = cli(tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "required: COMMAND" in proc.stderr


# ---- configuration errors -------------------------------------------------------------


def test_missing_config_module(project: Project) -> None:
    proc = cli(project.root, "--config", "nope.config", "migrate")
    one_error(proc, "cannot import config module 'nope': no module named 'nope'",
              "run from the directory that contains it, or fix --config")


def test_config_module_without_tortoise_orm(project: Project) -> None:
    (project.root / "proj" / "empty.py").write_text("X = 1\n")
    proc = cli(project.root, "--config", "proj.empty", "showmigrations")
    one_error(proc, "config module 'proj.empty' has no TORTOISE_ORM",
              "define TORTOISE_ORM = {...} there, or pass MODULE.VARIABLE")


def test_config_module_with_a_syntax_error(project: Project) -> None:
    (project.root / "proj" / "config.py").write_text("TORTOISE_ORM = {\n")
    proc = run(project, "migrate")
    one_error(proc, r".*proj/config\.py:1: syntax error in config module: .*")


def test_no_config_at_all(project: Project) -> None:
    proc = cli(project.root, "migrate")
    one_error(proc, "no config given",
              "pass --config MODULE (a module holding TORTOISE_ORM), or set "
              "[tool.tortoise-pathway] config in pyproject.toml (TORTOISE_ORM in the "
              "environment, [tool.tortoise] or [tool.aerich] tortoise_orm work too)")


def test_config_from_pyproject(project: Project) -> None:
    (project.root / "pyproject.toml").write_text(
        '[tool.tortoise-pathway]\nconfig = "proj.config"\n')
    proc = cli(project.root, "showmigrations")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "No migrations.\n"


@pytest.mark.parametrize("command", ["makemigrations", "migrate", "showmigrations"])
def test_unknown_app(project: Project, command: str) -> None:
    one_error(run(project, command, "--app", "zzz"),
              "unknown app 'zzz'; the config has: models")


def test_models_that_fail_to_import(project: Project) -> None:
    (project.root / "proj" / "models.py").write_text("from tortoise import models\n1/0\n")
    line = one_error(run(project, "makemigrations"), r"Tortoise failed to initialise: .*")
    assert "ZeroDivisionError" in line or "division by zero" in line


# ---- migration file errors ------------------------------------------------------------


def test_syntax_error_in_a_migration_file(project: Project) -> None:
    path = write_migration(project, "20240101000000_bad",
                           body="from tortoise_pathway import migration\n\nx = (\n")
    for command in ("migrate", "showmigrations", "makemigrations"):
        one_error(run(project, command),
                  re.escape(f"migrations/models/{path.name}:3: syntax error: "
                            "'(' was never closed"),
                  "fix the file, or delete it if it was never applied")


def test_exception_in_a_migration_file(project: Project) -> None:
    path = write_migration(project, "20240101000000_bad",
                           body="from tortoise_pathway import ops\n\nops.Expr('')\n")
    one_error(run(project, "migrate"),
              re.escape(f"migrations/models/{path.name}:3: TypeError: Expr needs a non-empty "
                        "SQL string"))


def test_dependency_on_a_missing_migration(project: Project) -> None:
    write_migration(project, "20240101000000_a", deps='["20230101000000_gone"]')
    one_error(run(project, "migrate"),
              "migration models.20240101000000_a depends on models.20230101000000_gone, which "
              "does not exist",
              "restore the missing migration file or fix the dependencies list")


def test_a_dependency_cycle(project: Project) -> None:
    write_migration(project, "20240101000000_a", deps='["20240102000000_b"]')
    write_migration(project, "20240102000000_b", deps='["20240101000000_a"]')
    one_error(run(project, "migrate"),
              "dependency cycle: models.20240101000000_a -> models.20240102000000_b -> "
              "models.20240101000000_a",
              "remove one of the dependencies that close the cycle")


def test_two_heads_in_one_app(project: Project) -> None:
    write_migration(project, "20240101000000_a")
    write_migration(project, "20240102000000_b", deps='["20240101000000_a"]')
    write_migration(project, "20240102000001_c", deps='["20240101000000_a"]')
    for command in ("migrate", "makemigrations"):
        one_error(run(project, command),
                  "app models has 2 heads: 20240102000000_b, 20240102000001_c; make one depend "
                  "on the other",
                  ("run makemigrations --merge to write a migration that merges them (or make "
                  "the newer migration depend on the other one)"))


def test_a_bad_rename_spec(project: Project) -> None:
    one_error(run(project, "makemigrations", "--rename", "users"),
              "--rename 'users': write OLD=NEW, e.g. users=accounts or users.name=full_name")
    assert project.migration_files() == []


# ---- database and target errors ---------------------------------------------------------


def test_rollback_with_nothing_applied(project: Project) -> None:
    one_error(run(project, "rollback", "--app", "models"),
              "app models has no applied migration to roll back")
    ok(project, "makemigrations")
    one_error(run(project, "rollback", "--app", "models"),
              "app models has no applied migration to roll back")


def test_unreachable_database(project: Project) -> None:
    (project.root / "proj" / "config.py").write_text(
        'TORTOISE_ORM = {"connections": {"default": "postgres://u:p@127.0.0.1:1/db"}, '
        '"apps": {"models": {"models": ["proj.models"]}}}\n')
    for command in ("migrate", "showmigrations"):
        one_error(run(project, command),
                  r"cannot use database connection 'default' \(postgres\): .*",
                  "check that the database server runs, the database exists and the "
                  "credentials in the config are right")
    # makemigrations needs no database
    assert "Migrations for 'models':" in ok(project, "makemigrations")


def test_sqlite_file_that_cannot_be_opened(project: Project) -> None:
    """aiosqlite stops the thread of a connection that failed to open without waiting for
    it; ended after the event loop, it used to print a traceback under the error (a race:
    run a few times)."""
    (project.root / "proj" / "config.py").write_text(
        'TORTOISE_ORM = {"connections": {"default": "sqlite:///no/such/dir/db.sqlite3"}, '
        '"apps": {"models": {"models": ["proj.models"]}}}\n')
    for _ in range(4):
        one_error(run(project, "migrate"),
                  r"cannot use database connection 'default' \(sqlite\): unable to open "
                  "database file",
                  "check that the database server runs, the database exists and the "
                  "credentials in the config are right")


def test_target_migration_that_does_not_exist(project: Project) -> None:
    ok(project, "makemigrations")
    one_error(run(project, "migrate", "--app", "models", "20990101"),
              "app models has no migration named 20990101")
    ok(project, "migrate")
    one_error(run(project, "rollback", "--app", "models", "nope"),
              "app models has no migration named nope")


def test_traceback_flag_adds_the_stack(project: Project) -> None:
    write_migration(project, "20240101000000_a", deps='["20230101000000_gone"]')
    for args in (("--traceback", "migrate"), ("migrate", "--traceback"), ("-v", "migrate")):
        proc = run(project, *args)
        assert proc.returncode == 1
        assert proc.stderr.startswith("Traceback (most recent call last):\n"), proc.stderr
        assert "MissingDependencyError" in proc.stderr
        lines = proc.stderr.splitlines()
        assert lines[-2].startswith("error: migration models.20240101000000_a depends on")
        assert lines[-1].startswith("hint: ")


# ---- the commands' output -------------------------------------------------------------


def test_makemigrations_empty_with_a_name_writes_a_loadable_template(project: Project) -> None:
    out = ok(project, "makemigrations", "--empty", "--name", "Fill data")
    [path] = project.migration_files()
    assert re.fullmatch(r"\d{14}_fill_data\.py", path.name)
    assert out == (f"Migrations for 'models':\n  migrations/models/{path.name}\n")
    text = path.read_text()
    assert text.startswith('"""Fill data"""\n')
    assert "# ops.RunSQL(" in text and "# ops.RunPython(" in text
    migration, deps = loader.load_file(path, "models")
    assert migration.ops_data() == [] and deps == []
    # the next migration depends on it
    ok(project, "makemigrations", "--name", "second")
    second = project.migration_files()[1]
    _, deps = loader.load_file(second, "models")
    assert deps == [("models", path.stem)]


def test_makemigrations_name_with_quotes_still_loads(project: Project) -> None:
    ok(project, "makemigrations", "--empty", "--name", 'say "hi" \\ there')
    [path] = project.migration_files()
    assert path.name.endswith("_say_hi_there.py")
    loader.load_file(path, "models")
    assert "Applying models." in ok(project, "migrate")


def test_makemigrations_dry_run_writes_nothing(project: Project) -> None:
    out = ok(project, "makemigrations", "--dry-run")
    assert out.startswith("Would write 'models':\n  migrations/models/")
    assert out.endswith("_initial.py\n    - Create table users\n")
    assert not (project.root / "migrations").exists() or project.migration_files() == []
    assert not project.db.path or not project.db.path.exists()


def test_makemigrations_with_no_changes(project: Project) -> None:
    ok(project, "makemigrations")
    assert ok(project, "makemigrations") == "No changes detected in app 'models'.\n"
    assert len(project.migration_files()) == 1


def test_migrate_lists_each_migration_with_its_time(project: Project) -> None:
    ok(project, "makemigrations", "--name", "first")
    project.models(USER_V2)
    ok(project, "makemigrations", "--name", "second")
    first, second = project.migration_files()
    out = ok(project, "migrate", "--app", "models", first.stem)
    assert re.fullmatch(rf"Applying models\.{first.stem}\.\.\. OK \(\d+ ms\)\n", out), out
    out = ok(project, "migrate")
    assert re.fullmatch(rf"Applying models\.{second.stem}\.\.\. OK \(\d+ ms\)\n", out), out
    assert project.db.columns("users") == ["id", "name", "age"]
    assert ok(project, "migrate") == "No migrations to apply.\n"
    status = ok(project, "showmigrations")
    assert status == f"models\n [X] {first.stem}\n [X] {second.stem}\n"
    out = ok(project, "rollback", "--app", "models")
    assert re.fullmatch(rf"Reverting models\.{second.stem}\.\.\. OK \(\d+ ms\)\n", out), out
    assert project.db.columns("users") == ["id", "name"]
    assert ok(project, "showmigrations") == f"models\n [X] {first.stem}\n [ ] {second.stem}\n"
    # both at once on an empty database
    ok(project, "rollback", "--app", "models")
    out = ok(project, "migrate")
    assert re.fullmatch(rf"Creating the schema of 2 migrations \(models\.{first.stem} to "
                        rf"models\.{second.stem}\) at once\.\.\. OK \(\d+ ms\)\n", out), out
    assert project.db.columns("users") == ["id", "name", "age"]


def test_showmigrations_with_none(project: Project) -> None:
    assert ok(project, "showmigrations") == "No migrations.\n"


# ---- the end of the process ------------------------------------------------------------------

EXIT_MARKS = '''
import atexit
import os

MARKS = os.path.join(os.path.dirname(__file__), "marks.txt")


def mark(what, _open=open, _path=MARKS):  # still callable late in the teardown
    with _open(_path, "a") as f:
        f.write(what + "\\n")


class Teardown:
    def __del__(self, _mark=mark):
        _mark("teardown")


KEPT = Teardown()  # freed only by the interpreter's teardown
atexit.register(mark, "atexit")
'''


def marks(project: Project) -> list[str]:
    path = project.root / "proj" / "marks.txt"
    found = path.read_text().split() if path.exists() else []
    path.unlink(missing_ok=True)
    return found


def test_the_process_ends_without_teardown_but_with_atexit(project: Project) -> None:
    project.models(USER + EXIT_MARKS)
    out = ok(project, "makemigrations")
    assert out.rstrip().endswith("- Create table users"), out  # the output came through whole
    assert marks(project) == ["atexit"]  # the handlers ran; the teardown did not
    proc = run(project, "migrate", "--app", "nosuchapp")
    assert proc.returncode == 1 and "nosuchapp" in proc.stderr  # the exit status is kept
    env = dict(os.environ, PATHWAY_FULL_EXIT="1", PYTHONDONTWRITEBYTECODE="1")
    full = subprocess.run([sys.executable, "-m", "tortoise_pathway", "--config", "proj.config",
                           "check"], cwd=project.root, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert full.returncode == 0, full.stdout + full.stderr
    assert sorted(marks(project)) == ["atexit", "teardown"]


def test_a_migration_that_ran_its_code_ends_the_ordinary_way(project: Project) -> None:
    project.models(USER + EXIT_MARKS)
    ok(project, "makemigrations")
    ok(project, "makemigrations", "--empty", "--name", "code")
    code = project.migration_files()[-1]
    code.write_text(code.read_text().replace(
        '        # ops.RunSQL("UPDATE ...", backward="UPDATE ..."),',
        "        ops.RunPython(keep),").replace(
        "class Migration(", "import builtins\n\n\ndef keep(connection):\n"
        "    from proj.models import Teardown\n"
        "    builtins._pathway_kept = Teardown()\n\n\nclass Migration(", 1))
    marks(project)
    ok(project, "migrate")
    assert "teardown" in marks(project)
