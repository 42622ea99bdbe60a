"""The C engine through its Python binding: replay, diff, render, the migration graph,
boundary shape checks and identifier / literal quoting. Pure: no database, except SQLite
in memory to run what the SQLite renderer produces."""

from __future__ import annotations

import copy
import sqlite3
from typing import Any

import pytest

from tortoise_pathway import _engine
from tortoise_pathway.exceptions import (
    CycleError,
    GraphError,
    IrreversibleError,
    MissingDependencyError,
    MultipleHeadsError,
    PathwayError,
    SchemaError,
)

DIALECTS = ("sqlite", "postgres", "mysql")

FULL_COLUMN_DEFAULTS = {"null": False, "pk": False, "autoincrement": False, "unique": False,
                        "default": None, "comment": None, "fk": None}


def col(name: str, type: Any = "INT", **kw: Any) -> dict[str, Any]:
    """A column in the engine's output shape: every key present."""
    return {"name": name, "type": type, **FULL_COLUMN_DEFAULTS, **kw}


def pk(name: str = "id") -> dict[str, Any]:
    return col(name, "INT", pk=True, autoincrement=True)


def fk(name: str, table: str, column: str = "id", on_delete: str = "CASCADE") -> dict[str, Any]:
    return {"name": name, "table": table, "column": column, "on_delete": on_delete}


def table(name: str, columns: list[dict[str, Any]], indexes: list[dict[str, Any]] | None = None,
          comment: str | None = None) -> dict[str, Any]:
    return {"name": name, "comment": comment, "columns": columns, "indexes": indexes or []}


def index(name: str, columns: list[str], unique: bool = False) -> dict[str, Any]:
    return {"name": name, "columns": columns, "unique": unique}


def users() -> dict[str, Any]:
    return table("users", [pk(), col("email", "VARCHAR(255)", unique=True)],
                 [index("idx_users_email", ["email"])])


def posts() -> dict[str, Any]:
    return table("posts", [pk(), col("author_id", fk=fk("fk_posts_users", "users"))])


def create(t: dict[str, Any]) -> dict[str, Any]:
    return {"op": "create_model", "table": t}


HISTORY = [("models.0001_initial", [create(users()), create(posts())])]


def names(ops: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(op, table name) of each operation."""
    out = []
    for op in ops:
        t = op.get("table")
        out.append((op["op"], t["name"] if isinstance(t, dict) else t))
    return out


# ---- replay -----------------------------------------------------------------------


def test_replay_of_nothing_is_the_empty_schema() -> None:
    assert _engine.replay([]) == {"tables": []}


def test_replay_fills_every_optional_key_and_keeps_creation_order() -> None:
    minimal = {"name": "posts", "columns": [{"name": "id", "type": "INT", "pk": True}]}
    schema = _engine.replay([[create(users())], [create(minimal)]])
    assert schema == {"tables": [users(), table("posts", [col("id", pk=True)])]}


def test_replay_applies_every_operation_kind_in_order() -> None:
    history = [
        ("models.0001", [create(users()), create(posts())]),
        ("models.0002", [
            {"op": "add_field", "table": "users", "column": {"name": "age", "type": "INT",
                                                             "null": True}},
            {"op": "alter_field", "table": "users",
             "column": col("email", "VARCHAR(300)", null=True)},
            {"op": "rename_field", "table": "users", "column": "email", "new_name": "mail"},
            {"op": "remove_index", "table": "users", "index": "idx_users_email"},
            {"op": "add_index", "table": "users", "index": index("uid_age", ["age", "mail"],
                                                                 unique=True)},
            {"op": "alter_model", "table": "users", "comment": "people"},
            {"op": "rename_model", "table": "users", "new_name": "accounts"},
            {"op": "remove_field", "table": "posts", "column": "author_id"},
            {"op": "run_sql", "forward": "SELECT 1", "backward": None},
            {"op": "run_python", "reversible": False},
        ]),
        ("models.0003", [{"op": "delete_model", "table": "posts"}]),
    ]
    assert _engine.replay(history) == {"tables": [
        table("accounts", [pk(), col("mail", "VARCHAR(300)", null=True),
                           col("age", null=True)],
              [index("uid_age", ["age", "mail"], unique=True)], comment="people"),
    ]}


def test_replay_keeps_per_dialect_types_and_folds_equal_ones() -> None:
    t = table("flags", [pk(), col("on", {"sqlite": "INT", "postgres": "BOOL", "mysql": "BOOL"}),
                        col("n", {"sqlite": "INT", "postgres": "INT", "mysql": "INT"})])
    got = _engine.replay([[create(t)]])["tables"][0]["columns"]
    assert got[1]["type"] == {"sqlite": "INT", "postgres": "BOOL", "mysql": "BOOL"}
    assert got[2]["type"] == "INT"


def test_replay_keeps_default_kinds() -> None:
    t = table("d", [pk(), col("i", default=-3), col("f", "REAL", default=1.5),
                    col("b", "BOOL", default=False), col("s", "TEXT", default="it's"),
                    col("e", "TIMESTAMP", default={"expr": "CURRENT_TIMESTAMP"})])
    got = _engine.replay([[create(t)]])["tables"][0]["columns"]
    assert [c["default"] for c in got] == [None, -3, 1.5, False, "it's",
                                           {"expr": "CURRENT_TIMESTAMP"}]
    assert got[3]["default"] is False


def test_replay_error_names_the_migration_and_the_object() -> None:
    history = HISTORY + [("models.0002_more", [create(users())])]
    with pytest.raises(SchemaError) as e:
        _engine.replay(history)
    assert str(e.value) == ("models.0002_more: operation 1 (create_model): "
                            "table users already exists")
    assert e.value.path == "users"


@pytest.mark.parametrize("op, message, path", [
    ({"op": "add_field", "table": "users", "column": col("email")},
     "operation 1 (add_field): column users.email already exists", "users.email"),
    ({"op": "remove_field", "table": "users", "column": "nope"},
     "operation 1 (remove_field): column users.nope does not exist", "users.nope"),
    ({"op": "remove_field", "table": "nope", "column": "x"},
     "operation 1 (remove_field): table nope does not exist", "nope"),
    ({"op": "add_index", "table": "users", "index": index("i", ["zzz"])},
     "operation 1 (add_index): index i names column users.zzz, which does not exist",
     "users.zzz"),
])
def test_replay_rejects_operations_that_do_not_fit(op: dict[str, Any], message: str,
                                                   path: str) -> None:
    with pytest.raises(SchemaError) as e:
        _engine.replay(HISTORY + [("models.0002", [op])])
    assert str(e.value) == f"models.0002: {message}"
    assert e.value.path == path


# ---- bad shapes ---------------------------------------------------------------------


def test_a_column_without_type_names_its_path() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.replay([[create({"name": "x", "columns": [{"name": "a"}]})]])
    assert str(e.value) == "x.a needs 'type'"
    assert e.value.path == "x.a"


@pytest.mark.parametrize("bad_type", [
    "INT; DROP TABLE x",
    "INT); DROP TABLE x; --",
    "INT -- comment",
    "VARCHAR(10) /* x */",
    "",
])
def test_an_unsafe_type_is_rejected_with_its_path(bad_type: str) -> None:
    t = {"name": "x", "columns": [{"name": "a", "type": bad_type}]}
    with pytest.raises(SchemaError) as e:
        _engine.replay([[create(t)]])
    assert "column x.a has a missing or unsafe SQL type for sqlite" in str(e.value)
    assert e.value.path == "x.a"
    with pytest.raises(SchemaError) as e:
        _engine.diff([], {"tables": [t]})
    assert e.value.path == "x.a"


def test_an_unsafe_type_in_one_dialect_names_that_dialect() -> None:
    t = {"name": "x", "columns": [{"name": "a", "type": {
        "sqlite": "INT", "postgres": "INT", "mysql": "INT;DROP TABLE x"}}]}
    with pytest.raises(SchemaError) as e:
        _engine.replay([[create(t)]])
    assert "column x.a has a missing or unsafe SQL type for mysql" in str(e.value)
    assert e.value.path == "x.a"


@pytest.mark.parametrize("safe_type", ["NUMERIC(10, 2)", "DOUBLE PRECISION", "VARCHAR(20)",
                                       "TIMESTAMPTZ", "DECIMAL(10,2)", "CHAR(36)"])
def test_ordinary_types_are_accepted(safe_type: str) -> None:
    schema = _engine.replay([[create(table("x", [col("a", safe_type)]))]])
    assert schema["tables"][0]["columns"][0]["type"] == safe_type


def test_an_unsafe_default_expression_is_rejected() -> None:
    t = {"name": "x", "columns": [{"name": "a", "type": "INT",
                                   "default": {"expr": "1); DROP TABLE x; --"}}]}
    with pytest.raises(SchemaError) as e:
        _engine.replay([[create(t)]])
    assert "column x.a has an unsafe default expression" in str(e.value)
    assert e.value.path == "x.a"


def test_a_type_dict_missing_a_dialect_names_the_key() -> None:
    op = {"op": "add_field", "table": "users",
          "column": {"name": "x", "type": {"sqlite": "INT", "postgres": "INT"}}}
    with pytest.raises(SchemaError) as e:
        _engine.replay(HISTORY + [[op]])
    assert str(e.value) == "users.x.type needs 'mysql'"
    assert e.value.path == "users.x.type"


def test_an_unknown_operation_names_its_position() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.replay([("models.0001_x", [{"op": "frobnicate"}])])
    assert str(e.value) == "models.0001_x: operation 1: unknown operation 'frobnicate'"
    assert e.value.path == "models.0001_x: operation 1"


@pytest.mark.parametrize("column, message, path", [
    ({"name": "x", "type": "INT", "null": "yes"}, "users.x.null must be True or False",
     "users.x"),
    ({"name": "x", "type": "INT", "fk": {"name": "f", "table": "users", "column": "id",
                                         "on_delete": "EXPLODE"}},
     "users.x.fk.on_delete must be CASCADE, RESTRICT, SET NULL, SET DEFAULT or NO ACTION, "
     "not EXPLODE", "users.x.fk"),
    ({"name": "x", "type": 5}, "users.x.type must be a string or a dict of dialect -> type",
     "users.x.type"),
    ({"name": "x", "type": "INT", "default": [1]},
     "users.x.default must be None, a bool, int, float, str or {'expr': str}",
     "users.x.default"),
    ({"name": "x", "type": "INT", "default": 2 ** 70}, "users.x.default does not fit in 64 bits",
     "users.x.default"),
])
def test_bad_column_shapes(column: dict[str, Any], message: str, path: str) -> None:
    with pytest.raises(SchemaError) as e:
        _engine.replay(HISTORY + [[{"op": "add_field", "table": "users", "column": column}]])
    assert str(e.value) == message
    assert e.value.path == path


def test_bad_top_level_shapes() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.replay("not a list")  # type: ignore[arg-type]
    assert (str(e.value), e.value.path) == ("history must be a list", "history")
    with pytest.raises(SchemaError) as e:
        _engine.diff([], {})
    assert (str(e.value), e.value.path) == ("schema needs 'tables'", "schema")
    with pytest.raises(SchemaError) as e:
        _engine.diff([], {"tables": [table("x", [col("a"), col("a")])]})
    assert (str(e.value), e.value.path) == ("column x.a appears twice", "x.a")


def test_a_nul_character_is_rejected() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.replay([[create(table("x", [col("a\x00b")]))]])
    assert "contains a NUL character" in str(e.value)


def test_an_unknown_dialect_is_rejected() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.render([], [], "oracle")
    assert str(e.value) == "unknown dialect 'oracle' (expected sqlite, postgres or mysql)"
    assert e.value.path == "oracle"
    for fn in (_engine.quote_ident, _engine.string_literal):
        with pytest.raises(SchemaError) as e:
            fn("x", "oracle")
        assert e.value.path == "oracle"


def test_errors_are_pathway_errors() -> None:
    assert issubclass(SchemaError, PathwayError)
    for cls in (CycleError, MissingDependencyError, MultipleHeadsError):
        assert issubclass(cls, GraphError)


# ---- diff ----------------------------------------------------------------------------


def test_diff_from_nothing_creates_tables_referenced_first() -> None:
    ops = _engine.diff([], {"tables": [posts(), users()]})
    assert ops == [create(users()), create(posts())]


def test_diff_of_an_unchanged_schema_is_empty() -> None:
    assert _engine.diff(HISTORY, {"tables": [posts(), users()]}) == []
    assert _engine.diff(HISTORY, _engine.replay(HISTORY)) == []
    assert _engine.diff([], {"tables": []}) == []


def test_diff_drops_referencing_tables_first() -> None:
    assert _engine.diff(HISTORY, {"tables": []}) == [
        {"op": "delete_model", "table": "posts"},
        {"op": "delete_model", "table": "users"},
    ]


def test_diff_adds_a_column() -> None:
    u = users()
    u["columns"].append(col("age", null=True, default=3))
    assert _engine.diff(HISTORY, {"tables": [posts(), u]}) == [
        {"op": "add_field", "table": "users", "column": col("age", null=True, default=3)}]


def test_diff_drops_a_column_and_its_index_first() -> None:
    u = table("users", [pk()])
    assert _engine.diff(HISTORY, {"tables": [posts(), u]}) == [
        {"op": "remove_index", "table": "users", "index": "idx_users_email"},
        {"op": "remove_field", "table": "users", "column": "email"},
    ]


def test_diff_alters_a_column() -> None:
    u = users()
    u["columns"][1] = col("email", "VARCHAR(300)", null=True, unique=True, comment="mail")
    assert _engine.diff(HISTORY, {"tables": [posts(), u]}) == [
        {"op": "alter_field", "table": "users", "column": u["columns"][1]}]


def test_diff_adds_and_drops_indexes() -> None:
    u = users()
    u["indexes"] = [index("uid_users_email", ["email", "id"], unique=True)]
    assert _engine.diff(HISTORY, {"tables": [posts(), u]}) == [
        {"op": "remove_index", "table": "users", "index": "idx_users_email"},
        {"op": "add_index", "table": "users", "index": u["indexes"][0]},
    ]


def test_diff_changes_a_table_comment() -> None:
    u = users()
    u["comment"] = "people"
    assert _engine.diff(HISTORY, {"tables": [posts(), u]}) == [
        {"op": "alter_model", "table": "users", "comment": "people"}]


def test_diff_breaks_a_foreign_key_cycle_with_a_later_add_field() -> None:
    a = table("a", [col("id", pk=True), col("b_id", null=True,
                                           fk=fk("fk_a_b", "b", on_delete="SET NULL"))])
    b = table("b", [col("id", pk=True), col("a_id", null=True,
                                           fk=fk("fk_b_a", "a", on_delete="SET NULL"))])
    ops = _engine.diff([], {"tables": [a, b]})
    assert ops == [
        create(table("a", [col("id", pk=True)])),
        create(b),
        {"op": "add_field", "table": "a", "column": a["columns"][1]},
    ]
    assert _engine.replay([ops]) == {"tables": [a, b]}
    back = _engine.diff([ops], {"tables": []})
    assert back == [{"op": "remove_field", "table": "a", "column": "b_id"},
                    {"op": "delete_model", "table": "b"},
                    {"op": "delete_model", "table": "a"}]


def test_diff_self_reference_is_created_inline() -> None:
    t = table("node", [pk(), col("parent_id", null=True, fk=fk("fk_node_node", "node"))])
    assert _engine.diff([], {"tables": [t]}) == [create(t)]


def test_diff_result_replays_to_the_target() -> None:
    u = users()
    u["columns"].append(col("age", null=True))
    u["indexes"].append(index("idx_age", ["age"]))
    target = {"tables": [table("tags", [pk(), col("label", "TEXT")]), u]}
    ops = _engine.diff(HISTORY, target)
    state = _engine.replay(HISTORY + [("models.0002", ops)])
    assert sorted(state["tables"], key=lambda t: t["name"]) == target["tables"]
    assert _engine.diff(HISTORY + [ops], target) == []


def test_diff_without_callback_never_renames() -> None:
    u = users()
    u["name"] = "accounts"
    ops = _engine.diff([[create(users())]], {"tables": [u]})
    # the index keeps its name, which the old table still holds: it comes after the drop
    assert ops == [
        create(table("accounts", u["columns"])),
        {"op": "delete_model", "table": "users"},
        {"op": "add_index", "table": "accounts", "index": index("idx_users_email", ["email"])},
    ]


def test_a_model_identity_makes_a_table_rename_certain() -> None:
    """The same "model" in the state and the target under another name: renamed without a
    callback and without a question; the state keeps the identity; without it on the state
    side, as before; an identity difference alone gives nothing."""
    old = dict(users(), model="models.User")
    new = dict(users(), model="models.User", name="accounts")
    ask = Recorder(False)
    for callback in (None, ask):
        ops = _engine.diff([[create(old)]], {"tables": [new]}, ask_rename=callback)
        assert ops == [{"op": "rename_model", "table": "users", "new_name": "accounts"}]
    assert ask.calls == []
    state = _engine.replay([[create(old)], ops])
    assert state["tables"][0]["model"] == "models.User"
    assert names(_engine.diff([[create(users())]], {"tables": [new]})) == [
        ("create_model", "accounts"), ("delete_model", "users"), ("add_index", "accounts")]
    assert _engine.diff([[create(old)]], {"tables": [dict(old, model="models.Account")]}) == []


# ---- rename questions ---------------------------------------------------------------

class Recorder:
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> bool:
        self.calls.append(args)
        return self.answer


def test_rename_column_question_and_yes() -> None:
    u = users()
    u["columns"][1]["name"] = "mail"
    u["indexes"] = [index("idx_users_mail", ["mail"])]
    ask = Recorder(True)
    ops = _engine.diff(HISTORY, {"tables": [posts(), u]}, ask_rename=ask)
    assert ask.calls == [("column", "users", "email", "mail", u["columns"][1])]
    assert ops == [
        {"op": "rename_field", "table": "users", "column": "email", "new_name": "mail"},
        {"op": "remove_index", "table": "users", "index": "idx_users_email"},
        {"op": "add_index", "table": "users", "index": index("idx_users_mail", ["mail"])},
    ]


def test_rename_column_question_and_no() -> None:
    u = users()
    u["columns"][1]["name"] = "mail"
    u["indexes"] = []
    ask = Recorder(False)
    ops = _engine.diff(HISTORY, {"tables": [posts(), u]}, ask_rename=ask)
    assert len(ask.calls) == 1
    assert ops == [
        {"op": "remove_index", "table": "users", "index": "idx_users_email"},
        {"op": "add_field", "table": "users", "column": u["columns"][1]},
        {"op": "remove_field", "table": "users", "column": "email"},
    ]


def test_rename_table_question_and_yes() -> None:
    u = users()
    u["name"] = "accounts"
    p = posts()
    p["columns"][1]["fk"]["table"] = "accounts"
    ask = Recorder(True)
    ops = _engine.diff(HISTORY, {"tables": [p, u]}, ask_rename=ask)
    assert ask.calls == [("table", "accounts", "users", "accounts", None)]
    assert ops == [{"op": "rename_model", "table": "users", "new_name": "accounts"}]


def test_rename_callback_truthiness_is_used() -> None:
    u = users()
    u["name"] = "accounts"
    ops = _engine.diff([[create(users())]], {"tables": [u]}, ask_rename=lambda *a: 1)
    assert ops == [{"op": "rename_model", "table": "users", "new_name": "accounts"}]
    ops = _engine.diff([[create(users())]], {"tables": [u]}, ask_rename=lambda *a: "")
    assert names(ops) == [("create_model", "accounts"), ("delete_model", "users"),
                          ("add_index", "accounts")]


def test_an_exception_in_the_rename_callback_propagates_unchanged() -> None:
    class Stop(Exception):
        pass

    stop = Stop("no thanks")

    def ask(*args: Any) -> bool:
        raise stop

    u = users()
    u["columns"][1]["name"] = "mail"
    u["indexes"] = []
    with pytest.raises(Stop) as e:
        _engine.diff(HISTORY, {"tables": [posts(), u]}, ask_rename=ask)
    assert e.value is stop
    with pytest.raises(KeyboardInterrupt):
        _engine.diff(HISTORY, {"tables": [posts(), u]},
                     ask_rename=lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))


def test_no_rename_question_when_types_differ() -> None:
    u = users()
    u["columns"][1] = col("mail", "INT")
    u["indexes"] = []
    ask = Recorder(True)
    ops = _engine.diff(HISTORY, {"tables": [posts(), u]}, ask_rename=ask)
    assert ask.calls == []
    assert ("add_field", "users") in names(ops) and ("remove_field", "users") in names(ops)


# ---- render -------------------------------------------------------------------------

CREATE_SQL = {
    "sqlite": [
        ['CREATE TABLE "users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
         '"email" VARCHAR(255) NOT NULL UNIQUE)',
         'CREATE INDEX "idx_users_email" ON "users" ("email")'],
        ['CREATE TABLE "posts" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
         '"author_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE)'],
    ],
    "postgres": [
        ['CREATE TABLE "users" (\n    "id" SERIAL NOT NULL PRIMARY KEY,\n'
         '    "email" VARCHAR(255) NOT NULL,\n'
         '    CONSTRAINT "users_email_key" UNIQUE ("email")\n)',
         'CREATE INDEX "idx_users_email" ON "users" ("email")'],
        ['CREATE TABLE "posts" (\n    "id" SERIAL NOT NULL PRIMARY KEY,\n'
         '    "author_id" INT NOT NULL,\n'
         '    CONSTRAINT "fk_posts_users" FOREIGN KEY ("author_id") REFERENCES "users" ("id") '
         'ON DELETE CASCADE\n)'],
    ],
    "mysql": [
        ['CREATE TABLE `users` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n'
         '    `email` VARCHAR(255) NOT NULL,\n    UNIQUE KEY `users_email_key` (`email`),\n'
         '    KEY `idx_users_email` (`email`)\n) CHARACTER SET utf8mb4'],
        ['CREATE TABLE `posts` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n'
         '    `author_id` INT NOT NULL,\n'
         '    CONSTRAINT `fk_posts_users` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) '
         'ON DELETE CASCADE\n) CHARACTER SET utf8mb4'],
    ],
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_render_create_tables(dialect: str) -> None:
    assert _engine.render([], [HISTORY[0][1]], dialect) == [CREATE_SQL[dialect]]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_render_backward_drops_each_table_in_its_operations_position(dialect: str) -> None:
    q = "`" if dialect == "mysql" else '"'
    assert _engine.render([], [HISTORY[0][1]], dialect, backward=True) == [[
        [f"DROP TABLE {q}users{q}"], [f"DROP TABLE {q}posts{q}"]]]


def test_render_keeps_one_list_per_migration_and_operation() -> None:
    run = [[create(users())], [], [create(posts()), {"op": "run_python", "reversible": True}]]
    out = _engine.render([], run, "postgres")
    assert [len(m) for m in out] == [1, 0, 2]
    assert out[2][1] == []


def test_render_starts_from_the_replayed_history() -> None:
    op = {"op": "add_field", "table": "users", "column": col("age", null=True)}
    assert _engine.render(HISTORY, [[op]], "postgres") == [[
        ['ALTER TABLE "users" ADD COLUMN "age" INT']]]
    with pytest.raises(SchemaError) as e:
        _engine.render([], [[op]], "postgres")
    assert e.value.path == "users"


OPS = [
    {"op": "add_field", "table": "users", "column": {"name": "age", "type": "INT", "null": True,
                                                     "default": 3}},
    {"op": "rename_field", "table": "users", "column": "email", "new_name": "mail"},
    {"op": "add_index", "table": "users", "index": index("idx_age", ["age"])},
    {"op": "remove_index", "table": "users", "index": "idx_age"},
    {"op": "alter_model", "table": "users", "comment": "It's users"},
    {"op": "rename_model", "table": "users", "new_name": "accounts"},
    {"op": "run_sql", "forward": "SELECT 1", "backward": "SELECT 2"},
    {"op": "run_python", "reversible": True},
    {"op": "remove_field", "table": "posts", "column": "author_id"},
    {"op": "delete_model", "table": "posts"},
]

EXPECTED_FORWARD = {
    "sqlite": [
        ['ALTER TABLE "users" ADD COLUMN "age" INT DEFAULT 3'],
        ['ALTER TABLE "users" RENAME COLUMN "email" TO "mail"'],
        ['CREATE INDEX "idx_age" ON "users" ("age")'],
        ['DROP INDEX "idx_age"'],
        [],
        ['ALTER TABLE "users" RENAME TO "accounts"'],
        ["SELECT 1"],
        [],
        None,  # a table rebuild, checked on its own
        ['DROP TABLE "posts"'],
    ],
    "postgres": [
        ['ALTER TABLE "users" ADD COLUMN "age" INT DEFAULT 3'],
        ['ALTER TABLE "users" RENAME COLUMN "email" TO "mail"',
         'ALTER TABLE "users" RENAME CONSTRAINT "users_email_key" TO "users_mail_key"'],
        ['CREATE INDEX "idx_age" ON "users" ("age")'],
        ['DROP INDEX "idx_age"'],
        ["COMMENT ON TABLE \"users\" IS 'It''s users'"],
        ['ALTER TABLE "users" RENAME TO "accounts"',
         'ALTER TABLE "accounts" RENAME CONSTRAINT "users_mail_key" TO "accounts_mail_key"'],
        ["SELECT 1"],
        [],
        ['ALTER TABLE "posts" DROP COLUMN "author_id"'],
        ['DROP TABLE "posts"'],
    ],
    "mysql": [
        ["ALTER TABLE `users` ADD COLUMN `age` INT NULL DEFAULT 3"],
        ["ALTER TABLE `users` RENAME COLUMN `email` TO `mail`",
         "ALTER TABLE `users` RENAME INDEX `users_email_key` TO `users_mail_key`"],
        ["CREATE INDEX `idx_age` ON `users` (`age`)"],
        ["DROP INDEX `idx_age` ON `users`"],
        ["ALTER TABLE `users` COMMENT = 'It''s users'"],
        ["ALTER TABLE `users` RENAME TO `accounts`",
         "ALTER TABLE `accounts` RENAME INDEX `users_mail_key` TO `accounts_mail_key`"],
        ["SELECT 1"],
        [],
        ["ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_users`",
         "ALTER TABLE `posts` DROP COLUMN `author_id`"],
        ["DROP TABLE `posts`"],
    ],
}

EXPECTED_BACKWARD = {
    "postgres": [
        ['ALTER TABLE "users" DROP COLUMN "age"'],
        ['ALTER TABLE "users" RENAME COLUMN "mail" TO "email"',
         'ALTER TABLE "users" RENAME CONSTRAINT "users_mail_key" TO "users_email_key"'],
        ['DROP INDEX "idx_age"'],
        ['CREATE INDEX "idx_age" ON "users" ("age")'],
        ['COMMENT ON TABLE "users" IS NULL'],
        ['ALTER TABLE "accounts" RENAME TO "users"',
         'ALTER TABLE "users" RENAME CONSTRAINT "accounts_mail_key" TO "users_mail_key"'],
        ["SELECT 2"],
        [],
        ['ALTER TABLE "posts" ADD COLUMN "author_id" INT NOT NULL',
         'ALTER TABLE "posts" ADD CONSTRAINT "fk_posts_users" FOREIGN KEY ("author_id") '
         'REFERENCES "accounts" ("id") ON DELETE CASCADE'],
        ['CREATE TABLE "posts" (\n    "id" SERIAL NOT NULL PRIMARY KEY\n)'],
    ],
    "mysql": [
        ["ALTER TABLE `users` DROP COLUMN `age`"],
        ["ALTER TABLE `users` RENAME COLUMN `mail` TO `email`",
         "ALTER TABLE `users` RENAME INDEX `users_mail_key` TO `users_email_key`"],
        ["DROP INDEX `idx_age` ON `users`"],
        ["CREATE INDEX `idx_age` ON `users` (`age`)"],
        ["ALTER TABLE `users` COMMENT = ''"],
        ["ALTER TABLE `accounts` RENAME TO `users`",
         "ALTER TABLE `users` RENAME INDEX `accounts_mail_key` TO `users_mail_key`"],
        ["SELECT 2"],
        [],
        ["ALTER TABLE `posts` ADD COLUMN `author_id` INT NOT NULL",
         "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_users` FOREIGN KEY (`author_id`) "
         "REFERENCES `accounts` (`id`) ON DELETE CASCADE"],
        ["CREATE TABLE `posts` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT\n"
         ") CHARACTER SET utf8mb4"],
    ],
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_render_each_operation_forward(dialect: str) -> None:
    [out] = _engine.render(HISTORY, [OPS], dialect)
    assert len(out) == len(OPS)
    for i, expected in enumerate(EXPECTED_FORWARD[dialect]):
        if expected is not None:
            assert out[i] == expected, OPS[i]["op"]


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_render_each_operation_backward(dialect: str) -> None:
    [out] = _engine.render(HISTORY, [OPS], dialect, backward=True)
    assert out == EXPECTED_BACKWARD[dialect]


def test_render_postgres_alter_field() -> None:
    op = {"op": "alter_field", "table": "users", "column": col("email", "VARCHAR(300)",
                                                                null=True)}
    assert _engine.render(HISTORY, [[op]], "postgres") == [[[
        'ALTER TABLE "users" DROP CONSTRAINT "users_email_key"',
        'ALTER TABLE "users" ALTER COLUMN "email" TYPE VARCHAR(300) USING "email"::VARCHAR(300)',
        'ALTER TABLE "users" ALTER COLUMN "email" DROP NOT NULL',
    ]]]
    assert _engine.render(HISTORY, [[op]], "postgres", backward=True) == [[[
        'ALTER TABLE "users" ALTER COLUMN "email" TYPE VARCHAR(255) USING "email"::VARCHAR(255)',
        'ALTER TABLE "users" ALTER COLUMN "email" SET NOT NULL',
        'ALTER TABLE "users" ADD CONSTRAINT "users_email_key" UNIQUE ("email")',
    ]]]


def test_render_mysql_alter_field() -> None:
    op = {"op": "alter_field", "table": "users", "column": col("email", "VARCHAR(300)",
                                                                null=True)}
    assert _engine.render(HISTORY, [[op]], "mysql") == [[[
        "ALTER TABLE `users` DROP INDEX `users_email_key`",
        "ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(300) NULL",
    ]]]


def test_render_sqlite_alter_field_rebuilds_the_table() -> None:
    op = {"op": "alter_field", "table": "users",
          "column": col("email", "VARCHAR(300)", null=True)}
    [[stmts]] = _engine.render(HISTORY, [[op]], "sqlite")
    assert stmts == [
        'CREATE TABLE "__pw_new_users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
        '"email" VARCHAR(300))',
        'INSERT INTO "__pw_new_users" ("id", "email") SELECT "id", "email" FROM "users"',
        "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_users'",
        "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_users', \"seq\" "
        "FROM \"sqlite_sequence\" WHERE \"name\" = 'users'",
        'DROP TABLE "users"',
        'ALTER TABLE "__pw_new_users" RENAME TO "users"',
        'CREATE INDEX "idx_users_email" ON "users" ("email")',
    ]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_render_literal_defaults_and_comments(dialect: str) -> None:
    t = table("t", [pk(), col("s", "VARCHAR(20)", default="it's \\ x"),
                    col("b", {"sqlite": "INT", "postgres": "BOOL", "mysql": "BOOL"},
                        default=True),
                    col("f", "REAL", default=1.5), col("n", default=-3),
                    col("e", "TIMESTAMP", default={"expr": "CURRENT_TIMESTAMP"}),
                    col("c", null=True, comment="a 'comment'")], comment="tbl 'c'")
    [[stmts]] = _engine.render([], [[create(t)]], dialect)
    expected = {
        "sqlite": ['CREATE TABLE "t" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
                   '"s" VARCHAR(20) NOT NULL DEFAULT \'it\'\'s \\ x\', '
                   '"b" INT NOT NULL DEFAULT 1, "f" REAL NOT NULL DEFAULT 1.5, '
                   '"n" INT NOT NULL DEFAULT -3, '
                   '"e" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "c" INT)'],
        "postgres": ['CREATE TABLE "t" (\n    "id" SERIAL NOT NULL PRIMARY KEY,\n'
                     '    "s" VARCHAR(20) NOT NULL DEFAULT \'it\'\'s \\ x\',\n'
                     '    "b" BOOL NOT NULL DEFAULT TRUE,\n    "f" REAL NOT NULL DEFAULT 1.5,\n'
                     '    "n" INT NOT NULL DEFAULT -3,\n'
                     '    "e" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    "c" INT\n)',
                     "COMMENT ON TABLE \"t\" IS 'tbl ''c'''",
                     "COMMENT ON COLUMN \"t\".\"c\" IS 'a ''comment'''"],
        "mysql": ["CREATE TABLE `t` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n"
                  "    `s` VARCHAR(20) NOT NULL DEFAULT 'it''s \\\\ x',\n"
                  "    `b` BOOL NOT NULL DEFAULT 1,\n    `f` REAL NOT NULL DEFAULT 1.5,\n"
                  "    `n` INT NOT NULL DEFAULT -3,\n"
                  "    `e` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
                  "    `c` INT NULL COMMENT 'a ''comment'''\n"
                  ") CHARACTER SET utf8mb4 COMMENT='tbl ''c'''"],
    }
    assert stmts == expected[dialect]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_render_backward_of_irreversible_operations(dialect: str) -> None:
    with pytest.raises(IrreversibleError) as e:
        _engine.render([], [("models.0002_data", [{"op": "run_sql", "forward": "SELECT 1"}])],
                       dialect, backward=True)
    assert str(e.value) == ("models.0002_data: operation 1 (run_sql): run_sql operation has no "
                            "backward SQL and cannot be reversed")
    with pytest.raises(IrreversibleError):
        _engine.render([], [[{"op": "run_python", "reversible": False}]], dialect,
                       backward=True)
    # forward is fine
    assert _engine.render([], [[{"op": "run_sql", "forward": "SELECT 1"}]], dialect) == [
        [["SELECT 1"]]]


# ---- SQLite: run what is rendered ------------------------------------------------------


def run_sqlite(conn: sqlite3.Connection, out: list[list[list[str]]],
               backward: bool = False) -> None:
    """Runs rendered SQL as the executor does: backward, last operation first."""
    for migration in (reversed(out) if backward else out):
        for statements in (reversed(migration) if backward else migration):
            for sql in statements:
                conn.execute(sql)


def test_sqlite_rendered_sql_runs_and_keeps_rows() -> None:
    conn = sqlite3.connect(":memory:")
    run_sqlite(conn, _engine.render([], [HISTORY[0][1]], "sqlite"))
    conn.execute("INSERT INTO users (email) VALUES ('a@x'), ('b@x')")
    conn.execute("INSERT INTO posts (author_id) VALUES (2)")
    u = users()
    u["columns"][1] = col("email", "VARCHAR(300)", null=True, unique=True)
    u["columns"].append(col("age", "BIGINT", default=0))
    ops = _engine.diff(HISTORY, {"tables": [posts(), u]})
    conn.execute("PRAGMA foreign_keys=OFF")
    run_sqlite(conn, _engine.render(HISTORY, [ops], "sqlite"))
    assert conn.execute("SELECT id, email, age FROM users ORDER BY id").fetchall() == [
        (1, "a@x", 0), (2, "b@x", 0)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert [r[1] for r in conn.execute('PRAGMA index_list("users")')
            if r[3] == "c"] == ["idx_users_email"]
    # the autoincrement counter survived the rebuild
    conn.execute("INSERT INTO users (email) VALUES ('c@x')")
    assert conn.execute("SELECT max(id) FROM users").fetchone() == (3,)
    # and back
    run_sqlite(conn, _engine.render(HISTORY, [ops], "sqlite", backward=True), backward=True)
    assert [r[1] for r in conn.execute('PRAGMA table_info("users")')] == ["id", "email"]


def test_sqlite_rendered_remove_field_keeps_other_columns() -> None:
    conn = sqlite3.connect(":memory:")
    run_sqlite(conn, _engine.render([], [HISTORY[0][1]], "sqlite"))
    conn.execute("INSERT INTO users (email) VALUES ('a@x')")
    conn.execute("INSERT INTO posts (author_id) VALUES (1)")
    op = {"op": "remove_field", "table": "posts", "column": "author_id"}
    run_sqlite(conn, _engine.render(HISTORY, [[op]], "sqlite"))
    assert [r[1] for r in conn.execute('PRAGMA table_info("posts")')] == ["id"]
    assert conn.execute("SELECT id FROM posts").fetchall() == [(1,)]


# ---- graph --------------------------------------------------------------------------

NODES = [
    ("a", "0002", [("a", "0001")]),
    ("a", "0001", []),
    ("b", "0001", [("a", "0001")]),
    ("b", "0002", [("b", "0001"), ("a", "0002")]),
]


def test_order_puts_dependencies_first() -> None:
    assert _engine.order(NODES) == [("a", "0001"), ("a", "0002"), ("b", "0001"), ("b", "0002")]
    assert _engine.order([]) == []


def test_heads_per_app() -> None:
    assert _engine.heads(NODES) == {"a": ["0002"], "b": ["0002"]}
    assert _engine.heads([("a", "1", []), ("a", "2", []), ("b", "1", [("a", "1")])]) == {
        "a": ["1", "2"], "b": ["1"]}


def test_plan_forward() -> None:
    assert _engine.plan(NODES, [], [("a", "0002")]) == [("a", "0001"), ("a", "0002")]
    assert _engine.plan(NODES, [], [("b", "0001")]) == [("a", "0001"), ("b", "0001")]
    assert _engine.plan(NODES, [("a", "0001")], [("b", "0002")]) == [
        ("a", "0002"), ("b", "0001"), ("b", "0002")]
    every = [("a", "0001"), ("a", "0002"), ("b", "0001"), ("b", "0002")]
    assert _engine.plan(NODES, every, [("b", "0002")]) == []


def test_plan_backward_reverts_dependents_first() -> None:
    every = [("a", "0001"), ("a", "0002"), ("b", "0001"), ("b", "0002")]
    assert _engine.plan(NODES, every, [("a", "0001")], backward=True) == [
        ("b", "0002"), ("b", "0001"), ("a", "0002"), ("a", "0001")]
    assert _engine.plan(NODES, every, [("a", "0002")], backward=True) == [
        ("b", "0002"), ("a", "0002")]
    # a migration that is not applied is not reverted
    assert _engine.plan(NODES, [("a", "0001")], [("a", "0002")], backward=True) == []


def test_plan_with_an_unknown_key() -> None:
    with pytest.raises(MissingDependencyError) as e:
        _engine.plan(NODES, [], [("a", "9999")])
    assert str(e.value) == "migration a.9999 does not exist"
    assert e.value.path == "a.9999"
    with pytest.raises(MissingDependencyError):
        _engine.plan(NODES, [("zz", "1")], [("a", "0001")])


def test_check_graph_accepts_a_good_graph() -> None:
    assert _engine.check_graph(NODES) is None
    assert _engine.check_graph([]) is None


def test_cycle() -> None:
    nodes = [("a", "1", [("a", "2")]), ("a", "2", [("a", "1")])]
    for fn in (_engine.check_graph, _engine.order, _engine.heads):
        with pytest.raises(CycleError) as e:
            fn(nodes)
        assert str(e.value) == "dependency cycle: a.1 -> a.2 -> a.1"
        assert e.value.path == "a.1"
    with pytest.raises(CycleError):
        _engine.plan(nodes, [], [("a", "1")])


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(CycleError) as e:
        _engine.check_graph([("a", "1", [("a", "1")])])
    assert str(e.value) == "dependency cycle: a.1 -> a.1"


def test_missing_dependency() -> None:
    with pytest.raises(MissingDependencyError) as e:
        _engine.check_graph([("a", "1", [("a", "0")])])
    assert str(e.value) == "migration a.1 depends on a.0, which does not exist"
    assert e.value.path == "a.1"


def test_multiple_heads() -> None:
    with pytest.raises(MultipleHeadsError) as e:
        _engine.check_graph([("a", "1", []), ("a", "2", []), ("b", "1", [])])
    assert str(e.value) == "app a has 2 heads: 1, 2; make one depend on the other"
    assert e.value.path == "a"


def test_duplicate_node() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.order([("a", "1", []), ("a", "1", [])])
    assert str(e.value) == "migration a.1 appears more than once"
    assert e.value.path == "a.1"


@pytest.mark.parametrize("nodes", [
    [("a", "1")],
    [("a", "1", [("a",)])],
    [("a", 1, [])],
    "nodes",
])
def test_bad_node_shapes(nodes: Any) -> None:
    with pytest.raises(SchemaError):
        _engine.check_graph(nodes)


def test_graph_calls_do_not_mutate_their_input() -> None:
    nodes = copy.deepcopy(NODES)
    _engine.order(nodes)
    _engine.plan(nodes, [], [("b", "0002")])
    assert nodes == NODES


# ---- quoting ------------------------------------------------------------------------


@pytest.mark.parametrize("dialect, name, expected", [
    ("sqlite", "users", '"users"'),
    ("sqlite", 'we"ird', '"we""ird"'),
    ("sqlite", "a`b\\c", '"a`b\\c"'),
    ("postgres", "users", '"users"'),
    ("postgres", 'we"ird', '"we""ird"'),
    ("postgres", "a`b\\c", '"a`b\\c"'),
    ("postgres", "ünï code", '"ünï code"'),
    ("mysql", "users", "`users`"),
    ("mysql", 'we"ird', '`we"ird`'),
    ("mysql", "a`b\\c", "`a``b\\c`"),
    ("mysql", "ünï code", "`ünï code`"),
])
def test_quote_ident(dialect: str, name: str, expected: str) -> None:
    assert _engine.quote_ident(name, dialect) == expected


@pytest.mark.parametrize("dialect, value, expected", [
    ("sqlite", "plain", "'plain'"),
    ("sqlite", "it's", "'it''s'"),
    ("sqlite", "back\\slash", "'back\\slash'"),
    ("sqlite", "", "''"),
    ("postgres", "it's", "'it''s'"),
    ("postgres", "back\\slash", "'back\\slash'"),
    ("postgres", "ünï\ncode", "'ünï\ncode'"),
    ("mysql", "it's", "'it''s'"),
    ("mysql", "back\\slash", "'back\\\\slash'"),
    ("mysql", "both '\\'", "'both ''\\\\'''"),
    ("mysql", "ünï\ncode", "'ünï\ncode'"),
])
def test_string_literal(dialect: str, value: str, expected: str) -> None:
    assert _engine.string_literal(value, dialect) == expected


def test_sqlite_literal_and_identifier_round_trip_through_sqlite() -> None:
    conn = sqlite3.connect(":memory:")
    name = 'odd "name" `x` \\ ü'
    value = "it's a \\ \"test\" ü\nline"
    conn.execute(f"CREATE TABLE {_engine.quote_ident(name, 'sqlite')} (v TEXT)")
    conn.execute(f"INSERT INTO {_engine.quote_ident(name, 'sqlite')} VALUES "
                 f"({_engine.string_literal(value, 'sqlite')})")
    assert conn.execute(f"SELECT v FROM {_engine.quote_ident(name, 'sqlite')}").fetchall() == [
        (value,)]


def test_quoting_rejects_nul() -> None:
    with pytest.raises(SchemaError) as e:
        _engine.quote_ident("a\x00b", "sqlite")
    assert e.value.path == "name"
    with pytest.raises(SchemaError) as e:
        _engine.string_literal("a\x00b", "mysql")
    assert e.value.path == "value"


# ---- reading databases: catalog spellings, comparison, adoption, touched tables ------------


def live_table(name: str, *columns: dict[str, Any], indexes: Any = ()) -> dict[str, Any]:
    return {"name": name, "comment": None, "columns": list(columns), "indexes": list(indexes)}


def created(*tables: dict[str, Any]) -> list[Any]:
    return [("a.0001", [{"op": "create_model", "table": t} for t in tables])]


def test_catalog_spellings() -> None:
    assert _engine.catalog_type("character varying(20)", "postgres") == "VARCHAR(20)"
    assert _engine.catalog_type("int(11)", "mysql") == "INT"
    assert _engine.catalog_default("'x'::character varying", "postgres", "VARCHAR(5)") == "x"
    assert _engine.catalog_default("NULL", "mysql", "INT") is None
    assert _engine.catalog_default(None, "sqlite") is None
    assert _engine.catalog_default("true", "postgres", "BOOL") is True
    assert _engine.catalog_default("current_timestamp(6)", "mysql", "DATETIME(6)") == \
        {"expr": "CURRENT_TIMESTAMP(6)"}
    assert _engine.unique_name("users", "email") == "users_email_key"


def test_compare_lists_differences_and_the_sql_that_repairs_them() -> None:
    history = created(live_table("users", pk(), col("email", "VARCHAR(255)", unique=True),
                            col("bio", "TEXT", null=True)))
    live = {"tables": [live_table("users", pk(), col("email", "VARCHAR(200)"),
                             indexes=[{"name": "email", "columns": ["email"],
                                       "unique": True}])]}
    result = _engine.compare(live, history, "mysql", sql=True)
    assert [d["message"] for d in result["differences"]] == [
        "users.bio: in the migrations, not in the database",
        "users.email: VARCHAR(200) in the database, VARCHAR(255) in the migrations",
        "users.email: unique constraint email in the database, users_email_key in the "
        "migrations"]
    assert [d["name_only"] for d in result["differences"]] == [False, False, True]
    assert result["sql"] == [
        "ALTER TABLE `users` ADD COLUMN `bio` TEXT NULL",
        "ALTER TABLE `users` RENAME INDEX `email` TO `users_email_key`",
        "ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(255) NOT NULL"]
    same = {"tables": [live_table("users", pk(), col("email", "VARCHAR(255)", unique=True),
                             col("bio", "TEXT", null=True))]}
    assert _engine.compare(same, history, "mysql") == {"differences": []}
    # only some tables
    assert _engine.compare(live, history, "mysql", tables=["other"]) == {"differences": []}


def test_adopt_baseline_keeps_the_database_and_the_models_types() -> None:
    target = {"tables": [live_table("users", pk(), col("flag", {"sqlite": "INT", "postgres": "BOOL",
                                                           "mysql": "BOOL"}))]}
    live = {"tables": [live_table("users", pk(), col("flag", "BOOL")),
                       live_table("legacy", pk())]}
    baseline, adopted = _engine.adopt_baseline(live, target, "postgres")
    assert adopted == ["users"]
    assert [t["name"] for t in baseline["tables"]] == ["users"]
    assert baseline["tables"][0]["columns"][1]["type"] == {"sqlite": "INT", "postgres": "BOOL",
                                                           "mysql": "BOOL"}


def test_touched_tables_per_operation() -> None:
    base = created(live_table("users", pk()), live_table("posts", pk(), col("author_id", "INT",
                                                              fk=fk("fk_a", "users"))))
    run = [[{"op": "alter_field", "table": "users", "column": col("id", "BIGINT", pk=True,
                                                                  autoincrement=True)},
            {"op": "rename_model", "table": "posts", "new_name": "articles"},
            {"op": "run_sql", "forward": "SELECT 1", "backward": None}]]
    assert _engine.touched(base, run) == [[["users", "posts"], ["posts", "articles"], []]]


def test_touched_tables_in_a_schema_carry_it() -> None:
    users = {**live_table("users", pk()), "schema": "crm"}
    base = created(users, live_table("posts", pk(), col("author_id", "INT",
                                                        fk=fk("fk_a", "users"))))
    run = [[{"op": "alter_model", "table": "posts", "comment": None, "schema": "blog"},
            {"op": "alter_field", "table": "users", "column": col("id", "BIGINT", pk=True,
                                                                  autoincrement=True)},
            {"op": "alter_model", "table": "users", "comment": None}]]
    assert _engine.touched(base, run) == [[
        ["posts", "blog\x1fposts"], ["crm\x1fusers", "blog\x1fposts"],
        ["crm\x1fusers", "users", "blog\x1fposts"]]]


def test_unique_name_round_trips_and_is_validated() -> None:
    t = live_table("users", pk(), col("email", "VARCHAR(9)", unique=True, unique_name="email"))
    assert _engine.replay(created(t))["tables"][0]["columns"][1]["unique_name"] == "email"
    bad = live_table("users", pk(), col("email", "VARCHAR(9)", unique_name="email"))
    with pytest.raises(SchemaError, match="names a unique constraint it does not have"):
        _engine.replay(created(bad))


def test_render_safe_per_migration_of_the_run() -> None:
    history = [("app.0001", [create(table("t", [pk(), col("a")]))])]
    run = [("app.0002", [{"op": "add_index", "table": "t", "index": index("idx_t_a", ["a"])}]),
           ("app.0003", [{"op": "remove_index", "table": "t", "index": "idx_t_a"}])]
    plain = _engine.render(history, run, "postgres")
    safe = _engine.render(history, run, "postgres", safe=[True, False])
    assert plain[0] == [['CREATE INDEX "idx_t_a" ON "t" ("a")']]
    assert safe[0] == [['CREATE INDEX CONCURRENTLY "idx_t_a" ON "t" ("a")']]
    assert safe[1] == plain[1] == [['DROP INDEX "idx_t_a"']]
    assert _engine.render(history, run, "mysql", safe=[True, True])[0] == [
        ["CREATE INDEX `idx_t_a` ON `t` (`a`) ALGORITHM=INPLACE LOCK=NONE"]]
    assert _engine.render(history, run, "sqlite", safe=[True, True]) == \
        _engine.render(history, run, "sqlite")
    with pytest.raises(ValueError, match="one value per migration"):
        _engine.render(history, run, "postgres", safe=[True])
