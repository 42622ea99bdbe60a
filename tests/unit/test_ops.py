"""The operation classes a migration file builds: their boundary data and validation."""

from __future__ import annotations

from typing import Any

import pytest

from tortoise_pathway import _engine, ops

BOOL = {"sqlite": "INT", "postgres": "BOOL", "mysql": "BOOL"}


def full_column(name: str, type: Any, **kw: Any) -> dict[str, Any]:
    base = {"name": name, "type": type, "null": False, "pk": False, "autoincrement": False,
            "unique": False, "default": None, "comment": None, "fk": None}
    base.update(kw)
    return base


# ---- Expr ---------------------------------------------------------------------------


def test_expr_equality_hash_and_repr() -> None:
    assert ops.Expr("CURRENT_TIMESTAMP") == ops.Expr("CURRENT_TIMESTAMP")
    assert ops.Expr("CURRENT_TIMESTAMP") != ops.Expr("NOW()")
    assert ops.Expr("1") != "1"
    assert len({ops.Expr("a"), ops.Expr("a"), ops.Expr("b")}) == 2
    assert repr(ops.Expr("it's")) == "Expr(\"it's\")"


@pytest.mark.parametrize("bad", ["", None, 5])
def test_expr_needs_a_non_empty_string(bad: Any) -> None:
    with pytest.raises(TypeError, match="Expr needs a non-empty SQL string"):
        ops.Expr(bad)


@pytest.mark.parametrize("default, data", [
    (None, None),
    (0, 0),
    (-7, -7),
    (1.5, 1.5),
    (True, True),
    (False, False),
    ("", ""),
    ("it's", "it's"),
    (ops.Expr("CURRENT_TIMESTAMP"), {"expr": "CURRENT_TIMESTAMP"}),
])
def test_column_defaults_to_data_and_back(default: Any, data: Any) -> None:
    c = ops.Column("c", "INT", default=default)
    d = c.to_dict()
    assert d["default"] == data
    assert type(d["default"]) is type(data)
    back = ops.Column.from_dict(d)
    assert back.default == default
    assert type(back.default) is type(default)


def test_a_default_of_another_type_is_refused_when_turned_into_data() -> None:
    c = ops.Column("c", "INT", default=[1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a default must be None, bool, int, float, str or Expr"):
        c.to_dict()


# ---- Column, ForeignKey, Index ----------------------------------------------------------


def test_column_to_dict_has_every_key() -> None:
    assert ops.Column("email", "VARCHAR(255)").to_dict() == full_column("email", "VARCHAR(255)")


def test_column_full_round_trip() -> None:
    c = ops.Column("author_id", BOOL, null=True, pk=False, autoincrement=False, unique=True,
                   default=ops.Expr("0"), comment="who",
                   fk=ops.ForeignKey("users", "uid", on_delete="SET NULL", name="fk_x"))
    d = c.to_dict()
    assert d == full_column("author_id", BOOL, null=True, unique=True, default={"expr": "0"},
                            comment="who", fk={"name": "fk_x", "table": "users", "column": "uid",
                                               "on_delete": "SET NULL"})
    assert ops.Column.from_dict(d).to_dict() == d


def test_column_from_minimal_dict() -> None:
    c = ops.Column.from_dict({"name": "x", "type": "INT"})
    assert c.to_dict() == full_column("x", "INT")


def test_column_type_dict_is_normalised_to_the_three_dialects() -> None:
    c = ops.Column("x", {"mysql": "BOOL", "sqlite": "INT", "postgres": "BOOL", "oracle": "X"})
    assert c.to_dict()["type"] == BOOL
    assert list(c.to_dict()["type"]) == ["sqlite", "postgres", "mysql"]


@pytest.mark.parametrize("missing", ["sqlite", "postgres", "mysql"])
def test_column_type_dict_missing_a_dialect(missing: str) -> None:
    t = {d: "INT" for d in ("sqlite", "postgres", "mysql") if d != missing}
    with pytest.raises(ValueError) as e:
        ops.Column("flag", t)
    assert str(e.value) == f"column flag: type needs a value for {missing}"


def test_column_type_dict_missing_two_dialects() -> None:
    with pytest.raises(ValueError) as e:
        ops.Column("flag", {"sqlite": "INT"})
    assert str(e.value) == "column flag: type needs a value for postgres, mysql"


def test_column_to_dict_does_not_share_the_type_dict() -> None:
    c = ops.Column("x", BOOL)
    d = c.to_dict()
    d["type"]["sqlite"] = "CHANGED"
    assert c.to_dict()["type"]["sqlite"] == "INT"


@pytest.mark.parametrize("on_delete", ops.ON_DELETE)
def test_foreign_key_accepts_each_action(on_delete: str) -> None:
    f = ops.ForeignKey("users", on_delete=on_delete, name="fk_1")
    assert f.to_dict() == {"name": "fk_1", "table": "users", "column": "id",
                           "on_delete": on_delete}
    assert ops.ForeignKey.from_dict(f.to_dict()).to_dict() == f.to_dict()


@pytest.mark.parametrize("bad", ["cascade", "DELETE", "", "SET_NULL"])
def test_foreign_key_rejects_a_bad_on_delete(bad: str) -> None:
    with pytest.raises(ValueError) as e:
        ops.ForeignKey("users", on_delete=bad, name="fk_1")
    assert str(e.value) == ("on_delete must be one of CASCADE, RESTRICT, SET NULL, SET DEFAULT, "
                            f"NO ACTION, not {bad!r}")


def test_foreign_key_needs_a_name() -> None:
    with pytest.raises(TypeError):
        ops.ForeignKey("users")  # type: ignore[call-arg]


def test_index_round_trip() -> None:
    ix = ops.Index("uid_a_b", ("a", "b"), unique=True)
    assert ix.to_dict() == {"name": "uid_a_b", "columns": ["a", "b"], "unique": True}
    assert ops.Index.from_dict({"name": "i", "columns": ["a"]}).to_dict() == {
        "name": "i", "columns": ["a"], "unique": False}


# ---- operations ---------------------------------------------------------------------

COLUMN = ops.Column("email", "VARCHAR(255)", unique=True, comment="mail")

OPERATIONS: list[tuple[ops.Operation, dict[str, Any], str]] = [
    (ops.CreateModel("users", [ops.Column("id", "INT", pk=True, autoincrement=True), COLUMN],
                     indexes=[ops.Index("idx_users_email", ["email"])], comment="people"),
     {"op": "create_model", "table": {
         "name": "users", "comment": "people",
         "columns": [full_column("id", "INT", pk=True, autoincrement=True),
                     full_column("email", "VARCHAR(255)", unique=True, comment="mail")],
         "indexes": [{"name": "idx_users_email", "columns": ["email"], "unique": False}]}},
     "Create table users"),
    (ops.DeleteModel("users"), {"op": "delete_model", "table": "users"}, "Delete table users"),
    (ops.RenameModel("users", "accounts"),
     {"op": "rename_model", "table": "users", "new_name": "accounts"},
     "Rename table users to accounts"),
    (ops.AlterModel("users", "people"), {"op": "alter_model", "table": "users",
                                         "comment": "people"},
     "Alter comment of table users"),
    (ops.AlterModel("users", None), {"op": "alter_model", "table": "users", "comment": None},
     "Alter comment of table users"),
    (ops.AlterModel("users", None, schema="crm"),
     {"op": "alter_model", "table": "users", "comment": None, "schema": "crm"},
     "Alter comment and schema (crm) of table users"),
    (ops.AddField("users", COLUMN),
     {"op": "add_field", "table": "users",
      "column": full_column("email", "VARCHAR(255)", unique=True, comment="mail")},
     "Add column users.email"),
    (ops.RemoveField("users", "email"), {"op": "remove_field", "table": "users",
                                         "column": "email"},
     "Remove column users.email"),
    (ops.AlterField("users", COLUMN),
     {"op": "alter_field", "table": "users",
      "column": full_column("email", "VARCHAR(255)", unique=True, comment="mail")},
     "Alter column users.email"),
    (ops.RenameField("users", "email", "mail"),
     {"op": "rename_field", "table": "users", "column": "email", "new_name": "mail"},
     "Rename column users.email to mail"),
    (ops.AddIndex("users", ops.Index("i", ["email"], unique=True)),
     {"op": "add_index", "table": "users",
      "index": {"name": "i", "columns": ["email"], "unique": True}},
     "Add index i on users"),
    (ops.RemoveIndex("users", "i"), {"op": "remove_index", "table": "users", "index": "i"},
     "Remove index i from users"),
    (ops.AddConstraint("users", ops.Check("adult", "age >= 18")),
     {"op": "add_constraint", "table": "users",
      "constraint": {"name": "adult", "check": "age >= 18"}},
     "Add check adult on users"),
    (ops.RemoveConstraint("users", "adult"),
     {"op": "remove_constraint", "table": "users", "constraint": "adult"},
     "Remove check adult from users"),
    (ops.RunSQL("UPDATE x SET y = 1", backward="UPDATE x SET y = 0"),
     {"op": "run_sql", "forward": "UPDATE x SET y = 1", "backward": "UPDATE x SET y = 0"},
     "Run SQL"),
    (ops.RunSQL("UPDATE x SET y = 1"),
     {"op": "run_sql", "forward": "UPDATE x SET y = 1", "backward": None}, "Run SQL"),
    (ops.RunSQL("UPDATE x SET y = 1", elidable=True),
     {"op": "run_sql", "forward": "UPDATE x SET y = 1", "backward": None, "elidable": True},
     "Run SQL"),
]


@pytest.mark.parametrize("op, data, description", OPERATIONS,
                         ids=[f"{i}-{o[1]['op']}" for i, o in enumerate(OPERATIONS)])
def test_operation_to_dict_from_dict_round_trip(op: ops.Operation, data: dict[str, Any],
                                                description: str) -> None:
    assert op.to_dict() == data
    back = ops.from_dict(data)
    assert type(back) is type(op)
    assert back == op
    assert back.to_dict() == data
    assert op.describe() == description
    assert repr(op) == f"<{description}>"


def test_every_operation_kind_is_covered_and_accepted_by_the_engine() -> None:
    covered = {data["op"] for _, data, _ in OPERATIONS}
    assert covered == set(ops._FROM_DICT)
    # the data is exactly what the engine reads: it replays without complaint
    history = [[OPERATIONS[0][1]],
               [ops.AddField("users", ops.Column("age", "INT", null=True)).to_dict(),
                ops.RenameField("users", "email", "mail").to_dict(),
                ops.AddIndex("users", ops.Index("i", ["mail"])).to_dict(),
                ops.RemoveIndex("users", "i").to_dict(),
                ops.AlterField("users", ops.Column("age", "BIGINT", null=True)).to_dict(),
                ops.AlterModel("users", None).to_dict(),
                ops.RemoveField("users", "age").to_dict(),
                ops.RenameModel("users", "accounts").to_dict(),
                ops.RunSQL("SELECT 1").to_dict(),
                ops.RunPython(lambda conn: None).to_dict(),
                ops.DeleteModel("accounts").to_dict()]]
    assert _engine.replay(history) == {"tables": []}


def test_engine_output_loads_into_operation_objects() -> None:
    target = {"tables": [{"name": "t", "columns": [
        {"name": "id", "type": "INT", "pk": True, "autoincrement": True},
        {"name": "flag", "type": BOOL, "default": True},
        {"name": "at", "type": "TIMESTAMP", "default": {"expr": "CURRENT_TIMESTAMP"}}],
        "indexes": [{"name": "i", "columns": ["flag"]}]}]}
    diff = _engine.diff([], target)
    assert [ops.from_dict(d).to_dict() for d in diff] == diff


def test_operations_compare_by_type_and_data() -> None:
    assert ops.DeleteModel("a") == ops.DeleteModel("a")
    assert ops.DeleteModel("a") != ops.DeleteModel("b")
    assert ops.RemoveField("a", "b") != ops.RemoveIndex("a", "b")
    assert ops.DeleteModel("a") != "a"


def test_reversibility() -> None:
    assert ops.RunSQL("X").reversible is False
    assert ops.RunSQL("X", backward="Y").reversible is True
    assert ops.RunPython(print).reversible is False
    assert ops.RunPython(print, print).reversible is True
    assert ops.DeleteModel("x").reversible is True


def test_run_python() -> None:
    def fill(conn: Any) -> None:
        pass

    op = ops.RunPython(fill)
    assert op.to_dict() == {"op": "run_python", "reversible": False}
    assert op.describe() == "Run Python fill"
    assert ops.RunPython(fill, fill).to_dict() == {"op": "run_python", "reversible": True}
    assert ops.RunPython(fill, elidable=True).to_dict() == {
        "op": "run_python", "reversible": False, "elidable": True}
    assert ops.RunPython(fill).elidable is False and ops.RunSQL("X").elidable is False
    with pytest.raises(TypeError, match="RunPython needs callables"):
        ops.RunPython("UPDATE x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="RunPython needs callables"):
        ops.RunPython(fill, "UPDATE x")  # type: ignore[arg-type]


def test_from_dict_of_an_unknown_operation() -> None:
    with pytest.raises(KeyError):
        ops.from_dict({"op": "run_python", "reversible": True})


def test_operation_base_class() -> None:
    with pytest.raises(NotImplementedError):
        ops.Operation().to_dict()
    assert ops.Operation().describe() == "Operation"


def test_fill_round_trips_and_is_optional() -> None:
    from tortoise_pathway import ops

    col = ops.Column("age", "INT")
    assert "fill" not in ops.AddField("users", col).to_dict()
    d = ops.AddField("users", col, fill=18).to_dict()
    assert d["fill"] == 18
    assert ops.from_dict(d).to_dict() == d
    d = ops.AlterField("users", col, fill=ops.Expr("0")).to_dict()
    assert d["fill"] == {"expr": "0"}
    assert ops.from_dict(d).to_dict() == d
