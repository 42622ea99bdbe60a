"""sqlmigrate and migrate --sql without any database: the config points at a PostgreSQL server
that does not exist (port 1), so a command that tried to connect would fail. Expected texts
are checked byte for byte on the three dialects; prefixes, Python code, option mistakes and
irreversible migrations give one-line errors."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Database, Project
from tests.unit.test_cli import cli, one_error

USER = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "users"
"""

INITIAL = '''\
from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    dependencies: list = []
    operations = [
        ops.CreateModel("users", columns=[
            ops.Column("id", "INT", pk=True, autoincrement=True),
            ops.Column("name", "VARCHAR(50)"),
        ]),
    ]
'''

EMAIL = '''\
from tortoise_pathway import migration, ops


class Migration(migration.Migration):
    dependencies = [("models", "0001_initial")]
    operations = [
        ops.AddField("users", ops.Column("email", "VARCHAR(100)", null=True)),
        ops.AddIndex("users", ops.Index("idx_users_email", ["email"])),
        ops.RunSQL("UPDATE users SET name = 'it''s' WHERE name = '';",
                   backward="UPDATE users SET name = '' WHERE name = 'it''s'"),
    ]
'''

BACKFILL = '''\
from tortoise_pathway import migration, ops


def fill_emails(connection):
    pass


class Migration(migration.Migration):
    dependencies = [("models", "0002_email")]
    operations = [
        ops.RunSQL("DELETE FROM users WHERE name = ''"),
        ops.RunPython(fill_emails),
    ]
'''

SQLMIGRATE_0002 = {
    "sqlite": '''\
PRAGMA foreign_keys = OFF;
BEGIN;
ALTER TABLE "users" ADD COLUMN "email" VARCHAR(100);
CREATE INDEX "idx_users_email" ON "users" ("email");
UPDATE users SET name = 'it''s' WHERE name = '';
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
''',
    "postgres": '''\
BEGIN;
ALTER TABLE "users" ADD COLUMN "email" VARCHAR(100);
CREATE INDEX "idx_users_email" ON "users" ("email");
UPDATE users SET name = 'it''s' WHERE name = '';
COMMIT;
''',
    "mysql": '''\
ALTER TABLE `users` ADD COLUMN `email` VARCHAR(100) NULL;
CREATE INDEX `idx_users_email` ON `users` (`email`);
UPDATE users SET name = 'it''s' WHERE name = '';
''',
}

SQLMIGRATE_0002_BACKWARD_POSTGRES = '''\
BEGIN;
UPDATE users SET name = '' WHERE name = 'it''s';
DROP INDEX "idx_users_email";
ALTER TABLE "users" DROP COLUMN "email";
COMMIT;
'''

SQLMIGRATE_0003 = {
    "postgres": '''\
BEGIN;
DELETE FROM users WHERE name = '';
-- RunPython: fill_emails (not SQL)
COMMIT;
''',
    "mysql": '''\
DELETE FROM users WHERE name = '';
-- RunPython: fill_emails (not SQL)
''',
}


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


SCRIPT_SQLITE = f'''\
-- tortoise-pathway: 2 migration(s) of models for sqlite, from an empty database
-- each migration writes its row in the history table; run the script once
CREATE TABLE IF NOT EXISTS "pathway_migrations" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT \
NULL, "app" VARCHAR(100) NOT NULL, "name" VARCHAR(191) NOT NULL, "checksum" VARCHAR(64) NOT \
NULL, "applied_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT \
"pathway_migrations_app_name_key" UNIQUE ("app", "name"));
CREATE TABLE IF NOT EXISTS "pathway_progress" ("app" VARCHAR(100) NOT NULL, "name" \
VARCHAR(191) NOT NULL, "checksum" VARCHAR(64) NOT NULL, "direction" VARCHAR(8) NOT NULL, \
"done" INT NOT NULL, "total" INT NOT NULL, "pending" VARCHAR(64) NULL, CONSTRAINT \
"pathway_progress_pkey" PRIMARY KEY ("app", "name"));

-- models.0001_initial
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" VARCHAR(50) \
NOT NULL);
INSERT INTO "pathway_migrations" ("app", "name", "checksum") VALUES ('models', '0001_initial', \
'{checksum(INITIAL)}');
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;

-- models.0002_email
PRAGMA foreign_keys = OFF;
BEGIN;
ALTER TABLE "users" ADD COLUMN "email" VARCHAR(100);
CREATE INDEX "idx_users_email" ON "users" ("email");
UPDATE users SET name = 'it''s' WHERE name = '';
INSERT INTO "pathway_migrations" ("app", "name", "checksum") VALUES ('models', '0002_email', \
'{checksum(EMAIL)}');
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
'''

SCRIPT_MYSQL_FROM_0001 = f'''\
-- tortoise-pathway: 1 migration(s) of models for mysql, after models.0001_initial
-- each migration writes its row in the history table; run the script once
CREATE TABLE IF NOT EXISTS `pathway_migrations` (`id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT, \
`app` VARCHAR(100) NOT NULL, `name` VARCHAR(191) NOT NULL, `checksum` VARCHAR(64) NOT NULL, \
`applied_at` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), CONSTRAINT \
`pathway_migrations_app_name_key` UNIQUE (`app`, `name`)) CHARACTER SET utf8mb4;
CREATE TABLE IF NOT EXISTS `pathway_progress` (`app` VARCHAR(100) NOT NULL, `name` \
VARCHAR(191) NOT NULL, `checksum` VARCHAR(64) NOT NULL, `direction` VARCHAR(8) NOT NULL, \
`done` INT NOT NULL, `total` INT NOT NULL, `pending` VARCHAR(64) NULL, PRIMARY KEY (`app`, \
`name`)) CHARACTER SET utf8mb4;

-- models.0002_email
ALTER TABLE `users` ADD COLUMN `email` VARCHAR(100) NULL;
CREATE INDEX `idx_users_email` ON `users` (`email`);
UPDATE users SET name = 'it''s' WHERE name = '';
INSERT INTO `pathway_migrations` (`app`, `name`, `checksum`) VALUES ('models', '0002_email', \
'{checksum(EMAIL)}');
'''


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A project whose database cannot be reached: nothing here may connect."""
    p = Project(tmp_path / "project", Database("postgres", "postgres://u:p@127.0.0.1:1/db",
                                               "db"))
    p.models(USER)
    d = p.root / "migrations" / "models"
    d.mkdir(parents=True)
    (d / "0001_initial.py").write_text(INITIAL)
    (d / "0002_email.py").write_text(EMAIL)
    return p


def with_backfill(project: Project) -> Project:
    (project.root / "migrations" / "models" / "0003_backfill.py").write_text(BACKFILL)
    return project


def _proc(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(project.root, "--config", "proj.config", *args)


def ok(project: Project, *args: str) -> str:
    proc = _proc(project, *args)
    assert proc.returncode == 0 and proc.stderr == "", proc.stdout + proc.stderr
    return proc.stdout


# ---- sqlmigrate ----------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["sqlite", "postgres", "mysql"])
def test_sqlmigrate_prints_the_framed_sql(project: Project, dialect: str) -> None:
    out = ok(project, "sqlmigrate", "models", "0002", "--dialect", dialect)
    assert out == SQLMIGRATE_0002[dialect]
    # byte-stable: the full name and a second run give the same bytes
    assert ok(project, "sqlmigrate", "models", "0002_email", "--dialect", dialect) == out


def test_sqlmigrate_backward(project: Project) -> None:
    assert ok(project, "sqlmigrate", "models", "0002", "--backward", "--dialect",
              "postgres") == SQLMIGRATE_0002_BACKWARD_POSTGRES


def test_sqlmigrate_without_dialect_reads_it_from_the_config(project: Project) -> None:
    # the connection's server does not exist: the dialect comes from the config alone
    assert ok(project, "sqlmigrate", "models", "0002") == SQLMIGRATE_0002["postgres"]


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_sqlmigrate_shows_python_code_as_a_comment(project: Project, dialect: str) -> None:
    with_backfill(project)
    assert ok(project, "sqlmigrate", "models", "0003", "--dialect", dialect) == \
        SQLMIGRATE_0003[dialect]


def test_sqlmigrate_prefix_errors_name_the_candidates(project: Project) -> None:
    one_error(_proc(project, "sqlmigrate", "models", "000"),
              "000 matches several migrations of models: 0001_initial, 0002_email")
    one_error(_proc(project, "sqlmigrate", "models", "0009"),
              "app models has no migration named 0009",
              "its migrations are: 0001_initial, 0002_email")
    one_error(_proc(project, "sqlmigrate", "zzz", "0001"),
              "unknown app 'zzz'; the config has: models")


def test_sqlmigrate_backward_of_an_irreversible_migration(project: Project) -> None:
    with_backfill(project)
    one_error(_proc(project, "sqlmigrate", "models", "0003", "--backward", "--dialect",
                    "sqlite"),
              r"models\.0003_backfill cannot be reverted .*; nothing was changed")


# ---- migrate --sql -------------------------------------------------------------------


def test_migrate_sql_script_from_an_empty_database(project: Project) -> None:
    out = ok(project, "migrate", "--sql", "--dialect", "sqlite")
    assert out == SCRIPT_SQLITE
    assert ok(project, "migrate", "--sql", "--dialect", "sqlite", "--app", "models") == out


def test_migrate_sql_script_from_a_migration(project: Project) -> None:
    out = ok(project, "migrate", "--sql", "--dialect", "mysql", "--app", "models",
             "--from", "0001")
    assert out == SCRIPT_MYSQL_FROM_0001


def test_migrate_sql_script_up_to_a_target(project: Project) -> None:
    out = ok(project, "migrate", "--sql", "--app", "models", "0001")  # dialect of the config
    assert "-- tortoise-pathway: 1 migration(s) of models for postgres" in out
    assert "-- models.0001_initial\nBEGIN;\nCREATE TABLE \"users\"" in out
    assert "0002_email" not in out
    out = ok(project, "migrate", "--sql", "--app", "models", "--from", "0002")
    assert out.endswith(";\n\n-- No migrations to apply.\n")


def test_migrate_sql_refuses_python_code(project: Project) -> None:
    with_backfill(project)
    one_error(_proc(project, "migrate", "--sql", "--dialect", "sqlite"),
              re.escape("a script cannot run Python code: models.0003_backfill (RunPython "
                        "fill_emails)"),
              "apply these migrations with migrate, or start the script after them (--from)")
    # starting after it, there is no Python code left to refuse
    assert "No migrations to apply" in ok(project, "migrate", "--sql", "--dialect", "sqlite",
                                          "--app", "models", "--from", "0003")


@pytest.mark.parametrize("args, message", [
    (("migrate", "--sql", "--fake"), "--sql cannot be combined with --fake"),
    (("migrate", "--sql", "--plan"), "--sql cannot be combined with --plan"),
    (("migrate", "--dialect", "mysql"), "--dialect goes with --sql"),
    (("migrate", "--from", "0001"), "--from goes with --sql"),
    (("migrate", "--plan", "--fake-initial"), "--plan cannot be combined with --fake-initial"),
    (("rollback", "--app", "models", "--dry-run", "--fake"),
     "--plan cannot be combined with --fake"),
    (("migrate", "--sql", "--app", "models", "--from", "0002", "0001"),
     "--sql writes scripts that apply migrations; 0001 is applied already after "
     "models.0002_email"),
])
def test_option_mistakes_are_one_line(project: Project, args: tuple[str, ...],
                                      message: str) -> None:
    one_error(_proc(project, *args), re.escape(message))


# ---- help ----------------------------------------------------------------------------


def test_help_of_the_new_options(tmp_path: Path) -> None:
    top = cli(tmp_path, "--help").stdout
    assert re.search(r"^\s+sqlmigrate\s+print the SQL of one migration", top, re.M)
    sq = cli(tmp_path, "sqlmigrate", "--help")
    assert sq.returncode == 0 and sq.stderr == ""
    assert sq.stdout.startswith("usage: tortoise-pathway sqlmigrate")
    for word in ("APP", "MIGRATION", "--backward", "--dialect", "{sqlite,postgres,mysql}",
                 "examples:", "--config"):
        assert word in sq.stdout, word
    mg = cli(tmp_path, "migrate", "--help").stdout
    for word in ("--plan, --dry-run", "--sql", "--dialect", "--from MIGRATION", "examples:"):
        assert word in mg, word
    rb = cli(tmp_path, "rollback", "--help").stdout
    assert "--plan, --dry-run" in rb

