"""lint on real databases (SQLite, PostgreSQL, MariaDB): the migrations not applied yet, for
the server's dialect and version; every class of finding (data loss, blocking, breaking) on
every dialect with its exit code; ``allow`` in the migration file; --dialect without opening
the database; makemigrations and migrate --plan show the same findings.
"""

from __future__ import annotations

import re

from tests.conftest import Project

MODELS = """
class Team(models.Model):
    id = fields.IntField(primary_key=True)

    class Meta:
        table = "teams"


class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    bio = fields.TextField(null=True)
    n = fields.IntField()

    class Meta:
        table = "users"
"""

# drops bio (data loss, breaking), narrows name (data loss; a rewrite on PostgreSQL and
# MySQL, a rebuild on SQLite), adds a NOT NULL column without a default (breaking), an index
# (blocks writes on PostgreSQL and SQLite) and a foreign key (validated: blocking on
# PostgreSQL and MySQL)
MODELS_V2 = """
class Team(models.Model):
    id = fields.IntField(primary_key=True)

    class Meta:
        table = "teams"


class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    n = fields.IntField(db_index=True)
    age = fields.IntField()
    team = fields.ForeignKeyField("models.Team", null=True, related_name="users")

    class Meta:
        table = "users"
"""

SERVER = {"sqlite": r"sqlite", "postgres": r"postgres \d+\.\d+\.\d+",
          "mysql": r"(mysql|mariadb) \d+\.\d+\.\d+"}

#: the findings of the second migration on each dialect (class code), in order
EXPECTED = {
    "sqlite": {"breaking not-null-no-default", "blocking table-rewrite",
               "data-loss drop-column", "breaking drop-column-in-use",
               "blocking index-build-blocks-writes"},
    "postgres": {"breaking not-null-no-default", "data-loss narrow-type",
                 "blocking table-rewrite", "data-loss drop-column",
                 "breaking drop-column-in-use", "blocking index-build-blocks-writes",
                 "blocking fk-validation"},
    "mysql": {"breaking not-null-no-default", "data-loss narrow-type", "blocking table-rewrite",
              "data-loss drop-column", "breaking drop-column-in-use", "blocking fk-validation"},
}


def _findings(stdout: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^    (\S+ \S+?)(?: \(allowed\))?: ", stdout,
                                            re.M)}


def test_lint_pending_migrations(project: Project) -> None:
    d = project.db.dialect
    project.models(MODELS)
    project.run("makemigrations", "--no-input")
    project.run("migrate")
    # everything applied: nothing to lint, for this server
    out = project.run("lint").stdout
    assert re.fullmatch(rf"No migrations to lint \({SERVER[d]}\)\.\n", out), out

    project.models(MODELS_V2)
    made = project.run("makemigrations", "--no-input", "--fill", "users.age=0")
    warned = {m.group(1) for m in re.finditer(r"^warning: lint: operation \d+ \([^)]*\): "
                                              r"(\S+ \S+?): ", made.stderr, re.M)}
    # makemigrations lints for the config's dialect (no server version): the same rules here
    assert warned == EXPECTED[d], made.stderr
    assert made.returncode == 0

    proc = project.run("lint", ok=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert re.fullmatch(rf"Linted 1 migration\(s\) for {SERVER[d]}\.", lines[0]), lines[0]
    assert _findings(proc.stdout) == EXPECTED[d], proc.stdout
    # each finding has its safe alternative
    assert proc.stdout.count("safe alternative: ") == len(
        re.findall(r"^    \S+ \S+?: ", proc.stdout, re.M))
    assert {"data-loss", "blocking", "breaking"} == {f.split()[0] for f in EXPECTED[d]}
    assert proc.stderr.startswith("error: lint found risks no migration allows")
    assert "Traceback" not in proc.stderr

    # migrate --plan shows them beside the migration (nothing is run)
    plan = project.run("migrate", "--plan").stdout
    assert {m.group(1) for m in re.finditer(r"^    -- lint: operation \d+ \([^)]*\): "
                                            r"(\S+ \S+?)(?: \(allowed\))?: ", plan,
                                            re.M)} == EXPECTED[d], plan
    assert "age" not in project.db.columns("users")

    # the migration allows some: still 1 while one class is not allowed
    path = project.migration_files()[-1]
    text = path.read_text()
    path.write_text(text.replace("    dependencies", "    # reviewed: users is small and the "
                                 "old release never reads bio\n    allow = [\"data-loss\", "
                                 "\"breaking\"]\n    dependencies"))
    proc = project.run("lint", ok=False)
    rows = re.findall(r"^    (\S+) \S+?( \(allowed\))?: ", proc.stdout, re.M)
    assert rows and all(bool(allowed) == (cls in ("data-loss", "breaking"))
                        for cls, allowed in rows), proc.stdout
    bad = sum(1 for _, allowed in rows if not allowed)
    assert proc.stdout.splitlines()[-1] == (f"{bad} finding(s) not allowed, {len(rows) - bad} "
                                            "allowed."), proc.stdout
    assert "    data-loss drop-column (allowed): " in proc.stdout
    # ... and exit 0 once every class is allowed
    path.write_text(text.replace("    dependencies", "    # reviewed: a maintenance window\n"
                                 "    allow = [\"data-loss\", \"breaking\", \"blocking\"]\n"
                                 "    dependencies"))
    proc = project.run("lint")
    assert proc.stdout.splitlines()[-1] == f"{len(rows)} finding(s), all allowed."

    # --dialect opens no database and lints every migration; the first creates tables only
    for other in ("sqlite", "postgres", "mysql"):
        out = project.run("lint", "--dialect", other).stdout
        assert out.splitlines()[0] == f"Linted 2 migration(s) for {other}."

    project.run("migrate")
    assert "age" in project.db.columns("users")
    assert project.run("lint").stdout.startswith("No migrations to lint")
    # one applied migration named: linted all the same
    one = project.run("lint", "--app", "models", path.stem[:14]).stdout
    assert one.splitlines()[-1] == f"{len(rows)} finding(s), all allowed."


def test_lint_data_steps_are_notes(project: Project) -> None:
    project.models(MODELS)
    project.run("makemigrations", "--no-input")
    project.run("migrate")
    project.run("makemigrations", "--empty", "--name", "backfill")
    path = project.migration_files()[-1]
    text = path.read_text()
    assert "operations: list = [\n" in text
    step = '        ops.RunSQL("UPDATE users SET n = 1"),\n'
    path.write_text(text.replace("operations: list = [\n", "operations: list = [\n" + step))
    proc = project.run("lint")
    assert "    note, unknown risk (data-step): runs SQL" in proc.stdout, proc.stdout
    assert proc.stdout.splitlines()[-1] == "No findings, 1 note(s)."
    # the plan shows the step's SQL, not the note
    assert "-- lint" not in project.run("migrate", "--plan").stdout
