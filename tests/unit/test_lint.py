"""lint's Python side without a database: the engine's findings through the binding (every
class and code, on every dialect where its rule applies), server versions, the ``allow`` list
(checked by the loader), and the command line with --dialect on a config whose database does
not exist (nothing is opened)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tortoise_pathway import _engine, lint, loader, writer
from tortoise_pathway.exceptions import MigrationFileError, SchemaError

DIALECTS = ("sqlite", "postgres", "mysql")


def col(name: str, type: str = "INT", **kw: Any) -> dict[str, Any]:
    return {"name": name, "type": type, **kw}


USERS = {"name": "users", "columns": [col("id", pk=True, autoincrement=True),
                                      col("email", "VARCHAR(50)", null=True), col("n"),
                                      col("team_id", null=True)], "indexes": []}
TEAMS = {"name": "teams", "columns": [col("id", pk=True, autoincrement=True)], "indexes": []}
HISTORY = [("models.0001", [{"op": "create_model", "table": TEAMS},
                            {"op": "create_model", "table": USERS}])]

#: one operation per rule, each on the state HISTORY builds
CASES: dict[str, dict[str, Any]] = {
    "delete": {"op": "delete_model", "table": "users"},
    "drop": {"op": "remove_field", "table": "users", "column": "n"},
    "narrow": {"op": "alter_field", "table": "users", "column": col("email", "VARCHAR(20)",
                                                                    null=True)},
    "bigint": {"op": "alter_field", "table": "users", "column": col("n", "BIGINT")},
    "tighten": {"op": "alter_field", "table": "users",
                "column": col("email", "VARCHAR(50)", default="")},
    "not_null": {"op": "add_field", "table": "users", "column": col("age")},
    "index": {"op": "add_index", "table": "users",
              "index": {"name": "idx_users_n", "columns": ["n"]}},
    "fulltext": {"op": "add_index", "table": "users",
                 "index": {"name": "ft_users_email", "columns": ["email"],
                           "method": "FULLTEXT"}},
    "fk": {"op": "alter_field", "table": "users",
           "column": col("team_id", null=True, fk={"name": "fk_users_team", "table": "teams",
                                                   "column": "id",
                                                   "on_delete": "CASCADE"})},
    "check": {"op": "add_constraint", "table": "users",
              "constraint": {"name": "users_n_positive", "check": '"n" > 0'}},
    "rename_table": {"op": "rename_model", "table": "users", "new_name": "members"},
    "rename_column": {"op": "rename_field", "table": "users", "column": "n",
                      "new_name": "count"},
    "sql": {"op": "run_sql", "forward": "UPDATE users SET n = 1"},
}

#: what each case finds on each dialect (class:code, in the engine's order)
EXPECTED: dict[str, dict[str, list[str]]] = {
    "delete": {d: ["data-loss:drop-table", "breaking:drop-table-in-use"] for d in DIALECTS},
    "drop": {"postgres": ["data-loss:drop-column", "breaking:drop-column-in-use"],
             "mysql": ["data-loss:drop-column", "breaking:drop-column-in-use"],
             "sqlite": ["data-loss:drop-column", "breaking:drop-column-in-use",
                        "blocking:table-rewrite"]},
    "narrow": {"postgres": ["data-loss:narrow-type", "blocking:table-rewrite"],
               "mysql": ["data-loss:narrow-type", "blocking:table-rewrite"],
               "sqlite": ["blocking:table-rewrite"]},
    "bigint": {"postgres": ["blocking:table-rewrite"], "mysql": ["blocking:table-rewrite"],
               "sqlite": ["blocking:table-rewrite"]},
    "tighten": {"postgres": ["blocking:not-null-scan"], "mysql": [],
                "sqlite": ["blocking:table-rewrite"]},
    "not_null": {"postgres": ["breaking:not-null-no-default"],
                 "mysql": ["breaking:not-null-no-default"],
                 "sqlite": ["breaking:not-null-no-default", "blocking:table-rewrite"]},
    "index": {"postgres": ["blocking:index-build-blocks-writes"], "mysql": [],
              "sqlite": ["blocking:index-build-blocks-writes"]},
    "fulltext": {"mysql": ["blocking:index-build-blocks-writes"]},
    "fk": {"postgres": ["blocking:fk-validation"], "mysql": ["blocking:fk-validation"],
           "sqlite": ["blocking:table-rewrite"]},
    "check": {"postgres": ["blocking:check-validation"], "mysql": ["blocking:check-validation"],
              "sqlite": ["blocking:table-rewrite"]},
    "rename_table": {d: ["breaking:rename-table"] for d in DIALECTS},
    "rename_column": {d: ["breaking:rename-column"] for d in DIALECTS},
    "sql": {d: ["unknown:data-step"] for d in DIALECTS},
}


def found(case: str, dialect: str, **server: Any) -> list[str]:
    result = _engine.lint(HISTORY, [("models.0002", [CASES[case]])], dialect, **server)
    assert len(result) == 1 and len(result[0]) == 1
    for f in result[0][0]:
        assert set(f) == {"class", "code", "reason", "alternative"}
        assert f["reason"] and f["alternative"]
    return [f"{f['class']}:{f['code']}" for f in result[0][0]]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_findings_per_dialect(case: str) -> None:
    for dialect, want in EXPECTED[case].items():
        assert found(case, dialect) == want, (case, dialect)


def test_every_code_is_known_and_reachable() -> None:
    seen = {tuple(x.split(":")) for case in EXPECTED for d in EXPECTED[case]
            for x in found(case, d)}
    assert {(cls, code) for cls, code in seen if cls != "unknown"} == {
        (cls, code) for code, cls in lint.CODES.items()}


def test_server_versions_change_the_rules() -> None:
    # int -> bigint: COPY on MySQL, instant on MariaDB 10.4.3+
    assert found("bigint", "mysql", version=80036) == ["blocking:table-rewrite"]
    assert found("bigint", "mysql", version=100611, mariadb=True) == []
    assert found("bigint", "mysql", version=100302, mariadb=True) == ["blocking:table-rewrite"]
    # ADD COLUMN with a constant default: instant since PostgreSQL 11, a rewrite before
    op = {"op": "add_field", "table": "users", "column": col("age", default=0)}
    run = [("models.0002", [op])]
    assert _engine.lint(HISTORY, run, "postgres", version=110000) == [[[]]]
    assert [f["code"] for f in _engine.lint(HISTORY, run, "postgres", version=100005)[0][0]] \
        == ["table-rewrite"]


def test_a_table_is_new_only_in_its_own_migration() -> None:
    create = {"op": "create_model", "table": {**USERS, "name": "orders"}}
    index = {"op": "add_index", "table": "orders", "index": {"name": "ix_o", "columns": ["n"]}}
    index2 = {**index, "index": {"name": "ix_o2", "columns": ["n"]}}
    result = _engine.lint([], [("a.1", [create, index]), ("a.2", [index2])], "postgres")
    assert result == [[[], []], [[{**result[1][0][0], "code": "index-build-blocks-writes"}]]]


def test_lint_errors_name_the_operation() -> None:
    bad = {"op": "remove_field", "table": "nowhere", "column": "x"}
    with pytest.raises(SchemaError, match=r"models.0002: operation 1 \(remove_field\)"):
        _engine.lint(HISTORY, [("models.0002", [bad])], "postgres")
    with pytest.raises(SchemaError, match="unknown dialect"):
        _engine.lint(HISTORY, [], "oracle")


@pytest.mark.parametrize(("text", "want"), [
    ("16.2", (160200, False)),
    ("16.2 (Debian 16.2-1.pgdg120+2)", (160200, False)),
    ("9.6.24", (90624, False)),
    ("8.0.36", (80036, False)),
    ("10.11.6-MariaDB-0+deb12u1", (101106, True)),
    ("5.5.5-10.6.12-MariaDB", (100612, True)),
    ("unknown", (0, False)),
])
def test_parse_version(text: str, want: tuple[int, bool]) -> None:
    assert lint.parse_version(text) == want


def test_server_names_itself() -> None:
    assert str(lint.Server("postgres")) == "postgres"
    assert str(lint.Server("postgres", 160200)) == "postgres 16.2.0"
    assert str(lint.Server("mysql", 101106, mariadb=True)) == "mariadb 10.11.6"


def _migration_file(tmp_path: Path, allow: str | None) -> Path:
    text = writer.render([CASES["drop"]], [], "x")
    if allow is not None:
        text = text.replace("    dependencies", f"    # why: the column is unused\n"
                                               f"    allow = {allow}\n    dependencies")
    path = tmp_path / "0002_drop.py"
    path.write_text(text)
    return path


def test_loader_reads_and_checks_allow(tmp_path: Path) -> None:
    m, _ = loader.load_file(_migration_file(tmp_path, '["data-loss", "drop-column-in-use"]'),
                            "models")
    assert m.allow == ["data-loss", "drop-column-in-use"]
    m, _ = loader.load_file(_migration_file(tmp_path, None), "models")
    assert m.allow == []
    with pytest.raises(MigrationFileError, match=r"0002_drop.py: allow names 'dataloss'"):
        loader.load_file(_migration_file(tmp_path, '["dataloss"]'), "models")
    with pytest.raises(MigrationFileError, match="allow must be a list"):
        loader.load_file(_migration_file(tmp_path, '"data-loss"'), "models")


# ---- the command line, without a database -----------------------------------------------

#: a PostgreSQL server that is not there: --dialect must not need it
NOWHERE = "postgres://postgres@127.0.0.1:1/nowhere"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "proj").mkdir(parents=True)
    (root / "proj" / "__init__.py").write_text("")
    (root / "proj" / "models.py").write_text("from tortoise import fields, models\n")
    (root / "proj" / "config.py").write_text(
        f'TORTOISE_ORM = {{"connections": {{"default": {NOWHERE!r}}}, '
        '"apps": {"models": {"models": ["proj.models"]}}}\n')
    d = root / "migrations" / "models"
    d.mkdir(parents=True)
    (d / "0001_initial.py").write_text(writer.render(HISTORY[0][1], [], "initial"))
    (d / "0002_change.py").write_text(writer.render(
        [{"op": "add_field", "table": "users", "column": col("age", null=True)},
         CASES["index"], CASES["sql"]], [("models", "0001_initial")], "change"))
    return root


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env.pop("TORTOISE_ORM", None)
    return subprocess.run([sys.executable, "-m", "tortoise_pathway", "--config", "proj.config",
                           "lint", *args], cwd=root, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def test_cli_dialect_needs_no_database(tmp_path: Path) -> None:
    root = _project(tmp_path)
    proc = cli(root, "--dialect", "postgres")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "Linted 2 migration(s) for postgres.",
        "models.0002_change",
        "  operation 2: Add index idx_users_n on users",
        "    blocking index-build-blocks-writes: CREATE INDEX idx_users_n holds a SHARE lock "
        "on users for the whole build: writes wait",
        "      safe alternative: mark the migration safe = True to build the index "
        "CONCURRENTLY",
        "  operation 3: Run SQL",
        "    note, unknown risk (data-step): runs SQL the engine does not read: its locks and "
        "changes are unknown",
        "      safe alternative: review it by hand; update large tables in batches, outside "
        "the schema change",
        "1 finding(s) not allowed, 0 allowed, 1 note(s).",
    ]
    assert proc.stderr.startswith("error: lint found risks no migration allows")
    assert "Traceback" not in proc.stderr
    # MySQL builds the index in place: only the note, exit 0
    proc = cli(root, "--dialect", "mysql")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1] == "No findings, 1 note(s)."
    # the same command, the same output
    assert cli(root, "--dialect", "postgres").stdout == cli(root, "--dialect", "postgres").stdout


def test_cli_allow_and_one_migration(tmp_path: Path) -> None:
    root = _project(tmp_path)
    path = root / "migrations" / "models" / "0002_change.py"
    path.write_text(path.read_text().replace(
        "    dependencies", "    # the table is small: a short write stall is fine\n"
                           "    allow = [\"index-build-blocks-writes\"]\n    dependencies"))
    proc = cli(root, "--dialect", "postgres", "--app", "models", "0002")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "    blocking index-build-blocks-writes (allowed): " in proc.stdout
    assert proc.stdout.splitlines()[0] == "Linted 1 migration(s) for postgres."
    assert proc.stdout.splitlines()[-1] == "1 finding(s), all allowed, 1 note(s)."
    # with one app, --app may be left out; an unknown migration is one error line
    assert cli(root, "--dialect", "postgres", "0002").stdout == proc.stdout
    proc = cli(root, "--dialect", "postgres", "--app", "models", "0009")
    assert proc.returncode == 1 and proc.stderr.startswith(
        "error: app models has no migration named 0009")
    assert "Traceback" not in proc.stderr


# ---- expand / contract --------------------------------------------------------------------


def test_stages_through_the_binding() -> None:
    add = {"op": "add_field", "table": "users", "column": col("phone", "VARCHAR(20)",
                                                              null=True)}
    drop = CASES["drop"]
    phone = {"op": "add_index", "table": "users",
             "index": {"name": "idx_users_phone", "columns": ["phone"]}}
    assert _engine.stages(HISTORY, [("m.2", [drop, add, phone])]) == [
        ["contract", "expand", "expand"]]
    # each migration on the state the ones before it leave
    assert _engine.stages(HISTORY, [("m.2", [add]), ("m.3", [CASES["rename_column"]])]) == [
        ["expand"], ["contract"]]
    # an index on a column renamed just before cannot move ahead of the rename
    index = {"op": "add_index", "table": "users",
             "index": {"name": "idx_users_count", "columns": ["count"]}}
    assert _engine.stages(HISTORY, [("m.2", [CASES["rename_column"], index])]) == [
        ["contract", "contract"]]


def test_writer_marks_the_contract_half(tmp_path: Path) -> None:
    text = writer.render([CASES["drop"]], [("models", "0002_add")], "x", stage="contract")
    assert '    stage = "contract"\n' in text
    path = tmp_path / "0003_drop.py"
    path.write_text(text)
    m, _ = loader.load_file(path, "models")
    assert m.stage == "contract"
    assert "stage" not in writer.render([CASES["drop"]], [], "x")
    path.write_text(text.replace('stage = "contract"', 'stage = "soon"'))
    with pytest.raises(MigrationFileError, match="stage must be"):
        loader.load_file(path, "models")


def test_lock_aware_migrations_are_judged_by_their_sql(tmp_path: Path) -> None:
    run = [("models.0002", [CASES["index"], CASES["check"], CASES["fk"], CASES["bigint"]])]
    plain = _engine.lint(HISTORY, run, "postgres")[0]
    safe = _engine.lint(HISTORY, run, "postgres", safe=[True])[0]
    assert [[f["code"] for f in op] for op in plain] == [
        ["index-build-blocks-writes"], ["check-validation"], ["fk-validation"],
        ["table-rewrite"]]
    # CONCURRENTLY, NOT VALID + VALIDATE; a rewrite stays one
    assert [[f["code"] for f in op] for op in safe] == [[], [], [], ["table-rewrite"]]
    with pytest.raises(ValueError, match="lint: safe needs one value per migration"):
        _engine.lint(HISTORY, run, "postgres", safe=[True, False])
    # the command line reads the migration's safe
    root = _project(tmp_path)
    path = root / "migrations" / "models" / "0002_change.py"
    path.write_text(path.read_text().replace("    dependencies", "    safe = True\n"
                                                               "    dependencies"))
    proc = cli(root, "--dialect", "postgres")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1] == "No findings, 1 note(s)."
