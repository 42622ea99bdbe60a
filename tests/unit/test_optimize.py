"""The engine's optimizer through its Python binding: operations written as migration files
spell them, folded into fewer, with the same schema as ``_engine.replay`` builds."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tortoise_pathway import _engine, loader, ops, writer
from tortoise_pathway.exceptions import SchemaError

# Three migrations of one app, as their files write them.
HISTORY: list[list[ops.Operation]] = [
    [
        ops.CreateModel("users", [
            ops.Column("id", "INT", pk=True, autoincrement=True),
            ops.Column("email", "VARCHAR(255)", unique=True),
        ]),
        ops.CreateModel("posts", [
            ops.Column("id", "INT", pk=True, autoincrement=True),
            ops.Column("author_id", "INT",
                       fk=ops.ForeignKey("users", "id", name="fk_posts_users_1")),
        ]),
    ],
    [
        ops.AddField("users", ops.Column("age", "INT", null=True)),
        ops.RenameField("users", "email", "mail"),
        ops.RunSQL("UPDATE users SET age = 0", elidable=True),
        ops.AlterField("users", ops.Column("age", "SMALLINT"), fill=0),
        ops.AddIndex("users", ops.Index("idx_users_age", ["age"])),
        ops.AddField("posts", ops.Column("title", "VARCHAR(100)", default="")),
    ],
    [
        ops.RemoveIndex("users", "idx_users_age"),
        ops.RenameModel("posts", "articles"),
        ops.AlterField("articles", ops.Column("title", "TEXT", default="")),
        ops.AlterModel("users", "People"),
    ],
]


def flat(history: list[list[ops.Operation]]) -> list[dict[str, Any]]:
    return [op.to_dict() for migration in history for op in migration]


def test_folds_a_history_into_its_tables() -> None:
    data = flat(HISTORY)
    folded = _engine.optimize(data)
    # two tables made as they end up: everything else folded into their creations (the
    # rename of posts too, as no key of another table names posts)
    assert [op["op"] for op in folded] == ["create_model", "create_model"]
    users, articles = folded[0]["table"], folded[1]["table"]
    assert users["name"] == "users" and users["comment"] == "People"
    assert [(c["name"], c["type"]) for c in users["columns"]] == [
        ("id", "INT"), ("mail", "VARCHAR(255)"), ("age", "SMALLINT")]
    assert users["indexes"] == []
    assert articles["name"] == "articles"
    assert [(c["name"], c["type"]) for c in articles["columns"]] == [
        ("id", "INT"), ("author_id", "INT"), ("title", "TEXT")]
    # the invariant: the same schema, whatever the grouping into migrations
    assert _engine.replay([folded]) == _engine.replay([data])
    assert _engine.replay([folded]) == _engine.replay([[op.to_dict() for op in m] for m in HISTORY])


def test_folds_from_a_start_state() -> None:
    start = _engine.replay([flat(HISTORY[:1])])
    rest = flat(HISTORY[1:])
    folded = _engine.optimize(rest, start)
    assert _engine.replay([flat(HISTORY[:1]), folded]) == _engine.replay([flat(HISTORY)])
    # the tables of the start state are changed, not made: the elidable SQL is dropped, so
    # add_field folds with the alter_field after it (the rows get the fill the alter gave
    # them); the index comes and goes; renames stay, and so does an alter_field under the
    # table's new name (a rename is not folded into the operations after it)
    assert folded == [
        ops.AddField("users", ops.Column("age", "SMALLINT"), fill=0).to_dict(),
        ops.RenameField("users", "email", "mail").to_dict(),
        ops.AddField("posts", ops.Column("title", "VARCHAR(100)", default="")).to_dict(),
        ops.RenameModel("posts", "articles").to_dict(),
        ops.AlterField("articles", ops.Column("title", "TEXT", default="")).to_dict(),
        ops.AlterModel("users", "People").to_dict(),
    ]
    # keyword, and None for the empty schema
    assert _engine.optimize(flat(HISTORY), start_state=None) == _engine.optimize(flat(HISTORY))


def test_run_sql_and_run_python_are_barriers_unless_elidable() -> None:
    start = _engine.replay([flat(HISTORY[:1])])
    add = ops.AddField("users", ops.Column("x", "INT", null=True)).to_dict()
    remove = ops.RemoveField("users", "x").to_dict()
    sql = ops.RunSQL("UPDATE users SET x = 1").to_dict()
    assert _engine.optimize([add, sql, remove], start) == [add, sql, remove]
    py = ops.RunPython(print).to_dict()
    assert _engine.optimize([add, py, remove], start) == [add, py, remove]
    assert _engine.optimize([add, ops.RunSQL("UPDATE users SET x = 1", elidable=True).to_dict(),
                             remove], start) == []
    assert _engine.optimize([add, ops.RunPython(print, elidable=True).to_dict(), remove],
                            start) == []


def test_rows_of_an_existing_table_keep_their_values() -> None:
    start = _engine.replay([flat(HISTORY[:1])])
    # the rows get 7 from the default; a folded add_field with default 8 would give them 8
    data = [ops.AddField("users", ops.Column("n", "INT", default=7)).to_dict(),
            ops.AlterField("users", ops.Column("n", "INT", default=8)).to_dict()]
    assert _engine.optimize(data, start) == data
    # without a default of its own, the folded add_field fills them with 7
    data[1] = ops.AlterField("users", ops.Column("n", "BIGINT")).to_dict()
    assert _engine.optimize(data, start) == [
        ops.AddField("users", ops.Column("n", "BIGINT"), fill=7).to_dict()]


def test_a_foreign_key_in_between_keeps_a_rename_out_of_the_creation() -> None:
    data = [
        ops.CreateModel("users", [ops.Column("id", "INT", pk=True)]).to_dict(),
        ops.CreateModel("posts", [
            ops.Column("id", "INT", pk=True),
            ops.Column("author_id", "INT", fk=ops.ForeignKey("users", "id", name="fk_1")),
        ]).to_dict(),
        ops.RenameField("users", "id", "uid").to_dict(),
    ]
    assert _engine.optimize(data) == data
    assert _engine.replay([data])["tables"][1]["columns"][1]["fk"]["column"] == "uid"


def sqlite_catalog(history: list[list[dict[str, Any]]], run: list[dict[str, Any]],
                   rows: str = "") -> dict[str, Any]:
    """Runs the SQLite statements of `history` then `rows` then `run` in a new database;
    returns its catalog (columns, indexes, foreign keys per table) and rows."""
    conn = sqlite3.connect(":memory:")
    for per_op in _engine.render([], history, "sqlite")[0] if history else []:
        for sql in per_op:
            conn.execute(sql)
    if rows:
        conn.executescript(rows)
    for per_op in _engine.render(history, [run], "sqlite")[0]:
        for sql in per_op:
            conn.execute(sql)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out: dict[str, Any] = {}
    for t in tables:
        out[t] = {
            "columns": conn.execute(f'PRAGMA table_info("{t}")').fetchall(),
            "indexes": sorted(r[1:3] for r in conn.execute(f'PRAGMA index_list("{t}")')),
            "fks": conn.execute(f'PRAGMA foreign_key_list("{t}")').fetchall(),
            "rows": conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall(),
        }
    return out


def test_the_folded_sql_builds_the_same_sqlite_database() -> None:
    data = flat(HISTORY)
    folded = _engine.optimize(data)
    assert len(folded) < len(data)
    assert sqlite_catalog([], folded) == sqlite_catalog([], data)
    # from a start state whose tables have rows: the rows end the same
    first = flat(HISTORY[:1])
    rest = flat(HISTORY[1:])
    folded = _engine.optimize(rest, _engine.replay([first]))
    rows = ("INSERT INTO users (email) VALUES ('a@x'), ('b@x');"
            "INSERT INTO posts (author_id) VALUES (1), (2);")
    assert sqlite_catalog([first], folded, rows) == sqlite_catalog([first], rest, rows)


def test_the_result_writes_and_loads_back(tmp_path: Path) -> None:
    folded = _engine.optimize(flat(HISTORY))
    text = writer.render(folded, [], "Squashed.")
    path = writer.write(tmp_path / "models", "20240101000000_squashed", text)
    migration, deps = loader.load_file(path, "models")
    assert migration.ops_data() == folded and deps == []


def test_an_operation_that_does_not_apply_is_named() -> None:
    data = [ops.CreateModel("users", [ops.Column("id", "INT", pk=True)]).to_dict(),
            ops.RemoveField("users", "nope").to_dict()]
    with pytest.raises(SchemaError, match=r"operation 2 \(remove_field\): column users.nope "
                                          r"does not exist") as info:
        _engine.optimize(data)
    assert info.value.path == "users.nope"
    with pytest.raises(SchemaError, match="optimize: operation 1"):
        _engine.optimize([{"op": "drop_everything"}])
