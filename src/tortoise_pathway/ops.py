"""The operations a migration file writes, as plain validated data.

A migration file builds these; ``to_dict()`` gives the engine's boundary format
(docs/engine-format.md). Nothing here refers to the user's models, so history stays valid when
models change. Column types are written as SQL text, one string when every dialect agrees,
else a dict ``{"sqlite": ..., "postgres": ..., "mysql": ...}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

DIALECTS = ("sqlite", "postgres", "mysql")
ON_DELETE = ("CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION")

SqlType = str | Mapping[str, str]


class Expr:
    """A database default that is an SQL expression, e.g. ``Expr("CURRENT_TIMESTAMP")``, or
    one spelled per dialect: ``Expr({"sqlite": ..., "postgres": ..., "mysql": ...})`` (kept as
    one string when the three agree)."""

    __slots__ = ("sql",)

    sql: str | dict[str, str]

    def __init__(self, sql: str | Mapping[str, str]) -> None:
        if isinstance(sql, Mapping):
            missing = [d for d in DIALECTS if not isinstance(sql.get(d), str) or not sql[d]]
            if missing:
                raise ValueError(f"Expr needs a non-empty SQL string for {', '.join(missing)}")
            texts = {d: sql[d] for d in DIALECTS}
            self.sql = texts["sqlite"] if len(set(texts.values())) == 1 else texts
        elif isinstance(sql, str) and sql:
            self.sql = sql
        else:
            raise TypeError("Expr needs a non-empty SQL string")

    def for_dialect(self, dialect: str) -> str:
        return self.sql if isinstance(self.sql, str) else self.sql[dialect]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and other.sql == self.sql

    def __hash__(self) -> int:
        key = self.sql if isinstance(self.sql, str) else tuple(sorted(self.sql.items()))
        return hash(("Expr", key))

    def __repr__(self) -> str:
        return f"Expr({self.sql!r})"


Default = None | bool | int | float | str | Expr


def _default_to_data(value: Default) -> Any:
    if isinstance(value, Expr):
        return {"expr": value.sql if isinstance(value.sql, str) else dict(value.sql)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a default must be None, bool, int, float, str or Expr, not {value!r}")


def _default_from_data(value: Any) -> Default:
    if isinstance(value, dict):
        return Expr(value["expr"])
    return value


class ForeignKey:
    """The foreign key of a column: ``ForeignKey("users", "id", on_delete="CASCADE", name=...)``."""

    __slots__ = ("table", "column", "on_delete", "name")

    def __init__(self, table: str, column: str = "id", *, on_delete: str = "CASCADE",
                 name: str) -> None:
        if on_delete not in ON_DELETE:
            raise ValueError(f"on_delete must be one of {', '.join(ON_DELETE)}, not {on_delete!r}")
        self.table = table
        self.column = column
        self.on_delete = on_delete
        self.name = name

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "table": self.table, "column": self.column,
                "on_delete": self.on_delete}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ForeignKey:
        return cls(d["table"], d["column"], on_delete=d["on_delete"], name=d["name"])


class Column:
    """One column: ``Column("email", "VARCHAR(255)", unique=True)``.

    ``unique_name`` names the column's unique constraint when it is not the derived
    ``<table>_<column>_key`` (a database adopted from another tool keeps its own names).
    ``generated`` makes it a generated column: the clause written after its type, for each
    dialect that has one (``{"postgres": "GENERATED ALWAYS AS (...) STORED"}``), or one
    string for every dialect."""

    __slots__ = ("name", "type", "null", "pk", "autoincrement", "unique", "unique_name",
                 "default", "comment", "fk", "generated")

    def __init__(self, name: str, type: SqlType, *, null: bool = False, pk: bool = False,
                 autoincrement: bool = False, unique: bool = False,
                 unique_name: str | None = None, default: Default = None,
                 comment: str | None = None, fk: ForeignKey | None = None,
                 generated: str | Mapping[str, str] | None = None) -> None:
        if isinstance(type, Mapping):
            missing = [d for d in DIALECTS if d not in type]
            if missing:
                raise ValueError(f"column {name}: type needs a value for {', '.join(missing)}")
            type = {d: type[d] for d in DIALECTS}
        self.name = name
        self.type = type
        self.null = null
        self.pk = pk
        self.autoincrement = autoincrement
        self.unique = unique
        self.unique_name = unique_name
        self.default = default
        self.comment = comment
        self.fk = fk
        if isinstance(generated, str):
            generated = {d: generated for d in DIALECTS}
        elif generated is not None:
            unknown = [d for d in generated if d not in DIALECTS]
            if unknown:
                raise ValueError(f"column {name}: generated names unknown dialects: "
                                 f"{', '.join(map(str, unknown))}")
            generated = {d: generated[d] for d in DIALECTS if generated.get(d)}
        self.generated: dict[str, str] | None = dict(generated) if generated else None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "name": self.name,
            "type": dict(self.type) if isinstance(self.type, Mapping) else self.type,
            "null": self.null,
            "pk": self.pk,
            "autoincrement": self.autoincrement,
            "unique": self.unique,
            "default": _default_to_data(self.default),
            "comment": self.comment,
            "fk": self.fk.to_dict() if self.fk else None,
        }
        if self.unique_name is not None:
            d["unique_name"] = self.unique_name
        if self.generated:
            d["generated"] = dict(self.generated)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Column:
        fk = d.get("fk")
        return cls(d["name"], d["type"], null=d.get("null", False), pk=d.get("pk", False),
                   autoincrement=d.get("autoincrement", False), unique=d.get("unique", False),
                   unique_name=d.get("unique_name"),
                   default=_default_from_data(d.get("default")), comment=d.get("comment"),
                   fk=ForeignKey.from_dict(fk) if fk else None,
                   generated=d.get("generated"))


class Index:
    """A named index, or a multi-column unique constraint with ``unique=True``.

    On ``columns`` or on ``expressions`` (SQL written into the key list as it is, as
    Tortoise writes ``Index(Lower("name"))``: ``'(LOWER("name"))'``), never both.
    ``method`` is the index kind: a PostgreSQL access method (``"GIN"``, ``"GIST"``,
    ``"BRIN"``, ``"HASH"``, ``"BLOOM"``, ``"SPGIST"`` or an extension's) or MySQL's
    ``"FULLTEXT"`` / ``"SPATIAL"``; a kind is refused, by name, on a database that lacks it.
    ``condition`` makes a partial index (PostgreSQL, SQLite): ``"active = true"``.
    ``options`` is written after the key list: ``"WITH PARSER ngram"``.
    """

    __slots__ = ("name", "columns", "unique", "expressions", "method", "condition", "options")

    def __init__(self, name: str, columns: Sequence[str] = (), *, unique: bool = False,
                 expressions: Sequence[str] = (), method: str | None = None,
                 condition: str | None = None, options: str | None = None) -> None:
        if isinstance(columns, str) or isinstance(expressions, str):
            raise TypeError(f"index {name}: columns and expressions are lists of strings")
        self.name = name
        self.columns = list(columns)
        self.unique = unique
        self.expressions = list(expressions)
        self.method = method
        self.condition = condition
        self.options = options

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "columns": list(self.columns),
                             "unique": self.unique}
        if self.expressions:
            d["expressions"] = list(self.expressions)
        for key in ("method", "condition", "options"):
            if getattr(self, key) is not None:
                d[key] = getattr(self, key)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Index:
        return cls(d["name"], d.get("columns") or (), unique=d.get("unique", False),
                   expressions=d.get("expressions") or (), method=d.get("method"),
                   condition=d.get("condition"), options=d.get("options"))


class Check:
    """A named CHECK constraint: ``Check("price_positive", "price > 0")``; the condition is
    SQL written as it is (Tortoise's ``CheckConstraint``)."""

    __slots__ = ("name", "check")

    def __init__(self, name: str, check: str) -> None:
        self.name = name
        self.check = check

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "check": self.check}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Check:
        return cls(d["name"], d["check"])


class Operation:
    """Base class. ``reversible`` is False for an operation that has no way back."""

    reversible = True

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def describe(self) -> str:
        return type(self).__name__

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.to_dict() == self.to_dict()

    def __repr__(self) -> str:
        return f"<{self.describe()}>"


class CreateModel(Operation):
    """Creates a table; ``schema`` is Tortoise's Meta.schema (a PostgreSQL schema, a MySQL
    database; SQLite has none), None for the connection's own. ``model`` is the identity of
    the model the table belongs to (``"models.Customer"``; ``"models.Customer.tags"`` for the
    through table of a ManyToManyField): no SQL, but a later change of the model's table
    name is then a certain rename. None (files written before it was recorded): unknown."""

    def __init__(self, table: str, columns: Sequence[Column], *, indexes: Sequence[Index] = (),
                 comment: str | None = None, checks: Sequence[Check] = (),
                 schema: str | None = None, model: str | None = None) -> None:
        if model is not None and (not isinstance(model, str) or not model):
            raise ValueError(f"table {table}: model is a non-empty identity such as "
                             "'models.Customer'")
        self.table = table
        self.columns = list(columns)
        self.indexes = list(indexes)
        self.comment = comment
        self.checks = list(checks)
        self.schema = schema
        self.model = model

    def to_dict(self) -> dict[str, Any]:
        table: dict[str, Any] = {
            "name": self.table, "comment": self.comment,
            "columns": [c.to_dict() for c in self.columns],
            "indexes": [i.to_dict() for i in self.indexes]}
        if self.checks:
            table["checks"] = [c.to_dict() for c in self.checks]
        if self.schema is not None:
            table["schema"] = self.schema
        if self.model is not None:
            table["model"] = self.model
        return {"op": "create_model", "table": table}

    def describe(self) -> str:
        return f"Create table {self.table}"


class DeleteModel(Operation):
    def __init__(self, table: str) -> None:
        self.table = table

    def to_dict(self) -> dict[str, Any]:
        return {"op": "delete_model", "table": self.table}

    def describe(self) -> str:
        return f"Delete table {self.table}"


class RenameModel(Operation):
    def __init__(self, table: str, new_name: str) -> None:
        self.table = table
        self.new_name = new_name

    def to_dict(self) -> dict[str, Any]:
        return {"op": "rename_model", "table": self.table, "new_name": self.new_name}

    def describe(self) -> str:
        return f"Rename table {self.table} to {self.new_name}"


class AlterModel(Operation):
    """Sets a table's options: its comment, and the schema it lives in (Meta.schema; None:
    the connection's own), moving it there when that changes."""

    def __init__(self, table: str, comment: str | None = None, *,
                 schema: str | None = None) -> None:
        self.table = table
        self.comment = comment
        self.schema = schema

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": "alter_model", "table": self.table, "comment": self.comment}
        if self.schema is not None:
            d["schema"] = self.schema
        return d

    def describe(self) -> str:
        return describe_alter_model(self.table, self.schema)


class _ColumnOperation(Operation):
    """An operation carrying a whole column definition (AddField, AlterField).

    ``fill``: a one-off value for the rows that exist when the column becomes NOT NULL
    without a database default (it is not kept as the column's default)."""

    kind = ""
    verb = ""

    def __init__(self, table: str, column: Column, *, fill: Default = None) -> None:
        self.table = table
        self.column = column
        self.fill = fill
        _default_to_data(fill)  # validates

    def to_dict(self) -> dict[str, Any]:
        d = {"op": self.kind, "table": self.table, "column": self.column.to_dict()}
        if self.fill is not None:
            d["fill"] = _default_to_data(self.fill)
        return d

    def describe(self) -> str:
        return f"{self.verb} column {self.table}.{self.column.name}"


class AddField(_ColumnOperation):
    kind = "add_field"
    verb = "Add"


class RemoveField(Operation):
    def __init__(self, table: str, column: str) -> None:
        self.table = table
        self.column = column

    def to_dict(self) -> dict[str, Any]:
        return {"op": "remove_field", "table": self.table, "column": self.column}

    def describe(self) -> str:
        return f"Remove column {self.table}.{self.column}"


class AlterField(_ColumnOperation):
    kind = "alter_field"
    verb = "Alter"


class RenameField(Operation):
    def __init__(self, table: str, column: str, new_name: str) -> None:
        self.table = table
        self.column = column
        self.new_name = new_name

    def to_dict(self) -> dict[str, Any]:
        return {"op": "rename_field", "table": self.table, "column": self.column,
                "new_name": self.new_name}

    def describe(self) -> str:
        return f"Rename column {self.table}.{self.column} to {self.new_name}"


class AddIndex(Operation):
    def __init__(self, table: str, index: Index) -> None:
        self.table = table
        self.index = index

    def to_dict(self) -> dict[str, Any]:
        return {"op": "add_index", "table": self.table, "index": self.index.to_dict()}

    def describe(self) -> str:
        return f"Add index {self.index.name} on {self.table}"


class RemoveIndex(Operation):
    def __init__(self, table: str, index: str) -> None:
        self.table = table
        self.index = index

    def to_dict(self) -> dict[str, Any]:
        return {"op": "remove_index", "table": self.table, "index": self.index}

    def describe(self) -> str:
        return f"Remove index {self.index} from {self.table}"


class AddConstraint(Operation):
    """Adds a check constraint: ``AddConstraint("item", Check("price_positive", "price > 0"))``
    (SQLite rebuilds the table)."""

    def __init__(self, table: str, constraint: Check) -> None:
        self.table = table
        self.constraint = constraint

    def to_dict(self) -> dict[str, Any]:
        return {"op": "add_constraint", "table": self.table,
                "constraint": self.constraint.to_dict()}

    def describe(self) -> str:
        return f"Add check {self.constraint.name} on {self.table}"


class RemoveConstraint(Operation):
    def __init__(self, table: str, constraint: str) -> None:
        self.table = table
        self.constraint = constraint

    def to_dict(self) -> dict[str, Any]:
        return {"op": "remove_constraint", "table": self.table, "constraint": self.constraint}

    def describe(self) -> str:
        return f"Remove check {self.constraint} from {self.table}"


class RunSQL(Operation):
    """Raw SQL: ``RunSQL("UPDATE ...", backward="UPDATE ...")``; no backward: irreversible.

    ``elidable=True`` (as in Django) marks SQL that only matters to databases that ran it
    as it came (a data fix, a backfill): folding a history for a squash drops it. Otherwise
    it is kept, and no operation is moved across it."""

    def __init__(self, forward: str, backward: str | None = None, *,
                 elidable: bool = False) -> None:
        self.forward = forward
        self.backward = backward
        self.reversible = backward is not None
        self.elidable = elidable

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": "run_sql", "forward": self.forward, "backward": self.backward}
        if self.elidable:
            d["elidable"] = True
        return d

    def describe(self) -> str:
        return "Run SQL"


PythonCode = Callable[..., Any]


class RunPython(Operation):
    """Python code: ``RunPython(forward, backward=None)``; each callable gets the connection
    and may be sync or async. No backward: irreversible. ``elidable=True``: dropped when a
    history is folded for a squash (see RunSQL)."""

    def __init__(self, forward: PythonCode, backward: PythonCode | None = None, *,
                 elidable: bool = False) -> None:
        if not callable(forward) or (backward is not None and not callable(backward)):
            raise TypeError("RunPython needs callables")
        self.forward = forward
        self.backward = backward
        self.reversible = backward is not None
        self.elidable = elidable

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": "run_python", "reversible": self.reversible}
        if self.elidable:
            d["elidable"] = True
        return d

    def describe(self) -> str:
        return f"Run Python {getattr(self.forward, '__name__', 'code')}"


def describe_alter_model(table: str, schema: str | None) -> str:
    """What an AlterModel says it does (the schema is named when the table has one)."""
    if schema is None:
        return f"Alter comment of table {table}"
    return f"Alter comment and schema ({schema}) of table {table}"


_FROM_DICT: dict[str, Callable[[dict[str, Any]], Operation]] = {
    "create_model": lambda d: CreateModel(
        d["table"]["name"], [Column.from_dict(c) for c in d["table"]["columns"]],
        indexes=[Index.from_dict(i) for i in d["table"].get("indexes", [])],
        comment=d["table"].get("comment"),
        checks=[Check.from_dict(c) for c in d["table"].get("checks", [])],
        schema=d["table"].get("schema"), model=d["table"].get("model")),
    "delete_model": lambda d: DeleteModel(d["table"]),
    "rename_model": lambda d: RenameModel(d["table"], d["new_name"]),
    "alter_model": lambda d: AlterModel(d["table"], d.get("comment"), schema=d.get("schema")),
    "add_field": lambda d: AddField(d["table"], Column.from_dict(d["column"]),
                                    fill=_default_from_data(d.get("fill"))),
    "remove_field": lambda d: RemoveField(d["table"], d["column"]),
    "alter_field": lambda d: AlterField(d["table"], Column.from_dict(d["column"]),
                                        fill=_default_from_data(d.get("fill"))),
    "rename_field": lambda d: RenameField(d["table"], d["column"], d["new_name"]),
    "add_index": lambda d: AddIndex(d["table"], Index.from_dict(d["index"])),
    "remove_index": lambda d: RemoveIndex(d["table"], d["index"]),
    "add_constraint": lambda d: AddConstraint(d["table"], Check.from_dict(d["constraint"])),
    "remove_constraint": lambda d: RemoveConstraint(d["table"], d["constraint"]),
    "run_sql": lambda d: RunSQL(d["forward"], d.get("backward"),
                                elidable=d.get("elidable", False)),
}


def from_dict(d: dict[str, Any]) -> Operation:
    """The operation object for an engine operation dict (not run_python)."""
    return _FROM_DICT[d["op"]](d)
