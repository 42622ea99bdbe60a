"""The causes of the mismatches the fidelity suite (tests/fidelity) found, pinned without a
database: per-dialect default expressions (Tortoise's Now() and RandomHex()), Decimal and
float defaults written as generate_schemas writes them, and one-to-one columns in a
deterministic order."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from tortoise_pathway import _engine, introspect, ops, writer
from tortoise_pathway.exceptions import SchemaError

NOW = {"sqlite": "CURRENT_TIMESTAMP", "postgres": "CURRENT_TIMESTAMP",
       "mysql": "CURRENT_TIMESTAMP(6)"}


def column(name: str, type_: str = "INT", **kw: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **kw}


def create(columns: list[dict[str, Any]]) -> dict[str, Any]:
    return {"op": "create_model", "table": {
        "name": "t", "columns": [column("id", pk=True, autoincrement=True), *columns],
        "indexes": []}}


def test_expression_default_per_dialect_round_trips_and_renders() -> None:
    op = create([column("at", "TIMESTAMP", default={"expr": NOW}),
                 column("n", default={"expr": {"sqlite": "1", "postgres": "1", "mysql": "1"}})])
    cols = _engine.replay([[op]])["tables"][0]["columns"]
    assert cols[1]["default"] == {"expr": NOW}
    assert cols[2]["default"] == {"expr": "1"}  # one string when the dialects agree
    sql = {d: _engine.render([], [[op]], d)[0][0][0] for d in NOW}
    assert '"at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,' in sql["sqlite"]
    assert '"at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,' in sql["postgres"]
    assert "`at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP(6)," in sql["mysql"]
    # the same text for every dialect is the same default; another one for one dialect is not
    same = create([column("at", "TIMESTAMP", default={"expr": NOW}),
                   column("n", default={"expr": "1"})])
    assert _engine.diff([[op]], {"tables": [same["table"]]}) == []
    other = create([column("at", "TIMESTAMP", default={"expr": "CURRENT_TIMESTAMP"}),
                    column("n", default={"expr": "1"})])
    (change,) = _engine.diff([[op]], {"tables": [other["table"]]})
    assert change["op"] == "alter_field" and change["column"]["default"] == {
        "expr": "CURRENT_TIMESTAMP"}


def test_expression_default_per_dialect_is_checked_for_every_dialect() -> None:
    bad = dict(NOW, mysql="1; DROP TABLE t")
    with pytest.raises(SchemaError, match="unsafe default expression"):
        _engine.replay([[create([column("at", "TIMESTAMP", default={"expr": bad})])]])
    with pytest.raises(SchemaError, match="default.expr needs 'postgres'"):
        _engine.replay([[create([column("at", default={"expr": {"sqlite": "1"}})])]])


def test_float_default_uses_the_fewest_digits_that_read_back() -> None:
    op = create([column("r", "REAL", default=0.1), column("s", "REAL", default=0.1 + 0.2)])
    sql = _engine.render([], [[op]], "sqlite")[0][0][0]
    assert '"r" REAL NOT NULL DEFAULT 0.1,' in sql
    assert '"s" REAL NOT NULL DEFAULT 0.30000000000000004)' in sql


def test_per_dialect_expr_in_a_migration_file() -> None:
    expr = ops.Expr(NOW)
    assert expr.for_dialect("mysql") == "CURRENT_TIMESTAMP(6)"
    assert ops.Expr(dict.fromkeys(NOW, "1")) == ops.Expr("1")
    with pytest.raises(ValueError):
        ops.Expr({"sqlite": "1"})
    op = create([column("at", "TIMESTAMP", default={"expr": NOW})])
    text = writer.render([op], [], "Generated.")
    assert ('default=ops.Expr({"sqlite": "CURRENT_TIMESTAMP", "postgres": "CURRENT_TIMESTAMP", '
            '"mysql": "CURRENT_TIMESTAMP(6)"})') in text
    namespace: dict[str, Any] = {}
    exec(compile(text, "migration.py", "exec"), namespace)  # noqa: S102 - our own output
    (loaded,) = namespace["Migration"].operations
    assert loaded.to_dict()["table"]["columns"][1]["default"] == {"expr": NOW}


MODELS = """\
from decimal import Decimal

from tortoise import fields, models


class Person(models.Model):
    id = fields.IntField(primary_key=True)


class Badge(models.Model):
    id = fields.IntField(primary_key=True)
    zulu = fields.OneToOneField("models.Person", related_name="z")
    alpha = fields.OneToOneField("models.Person", related_name="a")
    mike = fields.OneToOneField("models.Person", related_name="m")
    price = fields.DecimalField(max_digits=6, decimal_places=2, db_default=Decimal("1.50"))
    when = fields.DatetimeField(db_default=fields.Now())
    hex = fields.CharField(max_length=32, db_default=fields.RandomHex())
"""


@pytest.fixture
def badge(tmp_path: Path) -> Any:
    name = f"pw_fidelity_{uuid.uuid4().hex[:12]}"
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(MODELS))
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    try:
        with TortoiseContext():
            Tortoise.init_models([name], "models")
            yield Tortoise.apps["models"]["Badge"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_one_to_one_columns_sorted_by_field_name(badge: Any) -> None:
    # Tortoise adds one-to-one columns while iterating a set: whatever order they come in,
    # the schema has them in field-name order, in the places they take
    meta = badge._meta
    o2o = ["zulu_id", "mike_id", "alpha_id"]
    rest = [(k, v) for k, v in meta.fields_db_projection.items() if k not in o2o]
    meta.fields_db_projection = dict(rest[:1] + [(k, k) for k in o2o] + rest[1:])
    table = next(t for t in introspect.app_schema("models")["tables"] if t["name"] == "badge")
    names = [c["name"] for c in table["columns"]]
    assert names[:4] == ["id", "alpha_id", "mike_id", "zulu_id"]


def test_defaults_as_generate_schemas_writes_them(badge: Any) -> None:
    table = next(t for t in introspect.app_schema("models")["tables"] if t["name"] == "badge")
    defaults = {c["name"]: c["default"] for c in table["columns"]}
    assert defaults["price"] == {"expr": "1.50"}
    assert defaults["when"] == {"expr": NOW}
    assert defaults["hex"] == {"expr": {"sqlite": "(lower(hex(randomblob(16))))",
                                        "postgres": "md5(random()::text)",
                                        "mysql": "(LOWER(HEX(RANDOM_BYTES(16))))"}}
