"""Tortoise models -> the target schema, as plain data (docs/engine-format.md).

The one module that reads Tortoise internals. Column types come from each field's own
per-dialect SQL type (what ``generate_schemas`` uses), so custom fields and every Tortoise
version are read the same way; index and foreign-key names follow Tortoise's naming scheme.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import re
import uuid
from hashlib import sha256
from typing import Any

from .exceptions import ModelError

DIALECTS = ("sqlite", "postgres", "mysql")


def _hash(*args: str, length: int) -> str:
    return sha256(";".join(args).encode("utf-8")).hexdigest()[:length]


def index_name(prefix: str, table: str, columns: list[str]) -> str:
    """Tortoise's index name: ``{prefix}_{table[:11]}_{first column[:7]}_{hash6}``."""
    return f"{prefix}_{table[:11]}_{columns[0][:7]}_{_hash(table, *columns, length=6)}"


def fk_name(table: str, column: str, ref_table: str, ref_column: str) -> str:
    """Tortoise's foreign key name: ``fk_{table[:8]}_{ref[:8]}_{hash8}``."""
    return f"fk_{table[:8]}_{ref_table[:8]}_{_hash(table, column, ref_table, ref_column, length=8)}"


def _types(field: Any, where: str) -> Any:
    types = {}
    for d in DIALECTS:
        t = field.get_for_dialect(d, "SQL_TYPE")
        if not isinstance(t, str) or not t:
            raise ModelError(f"{where}: Tortoise gives no SQL type for {d}", path=where)
        types[d] = t
    if len(set(types.values())) == 1:
        return types["sqlite"]
    return types


def _generated(field: Any, where: str) -> dict[str, str] | None:
    """The clause that makes a field's column generated, for each dialect where Tortoise
    gives one (its GENERATED_SQL, as generate_schemas writes it after the type), or None.
    A primary key's GENERATED_SQL is its auto-increment, not this."""
    if field.pk or not getattr(field, "generated", False):
        return None
    clauses = {}
    for d in DIALECTS:
        try:
            sql = field.get_for_dialect(d, "GENERATED_SQL")
        except Exception as exc:  # TSVectorField names a source field the model lacks
            raise ModelError(f"{where}: {exc}", path=where) from None
        if isinstance(sql, str) and sql.strip():
            clauses[d] = sql.strip()
    return clauses or None


def _pk_types(model: Any, where: str) -> Any:
    from tortoise.fields.relational import OneToOneFieldInstance

    pk = model._meta.pk
    while isinstance(pk, OneToOneFieldInstance):
        pk = pk.related_model._meta.pk
    return _types(pk, where)


def _db_default(field: Any, model: Any, where: str) -> Any:
    if not getattr(field, "has_db_default", lambda: False)():
        return None
    value = field.db_default
    if hasattr(value, "get_sql"):
        # What generate_schemas writes for each dialect (Now() is CURRENT_TIMESTAMP(6) on
        # MySQL, RandomHex() a different function everywhere).
        sqls = {d: value.get_sql(dialect=d) for d in DIALECTS}
        if len(set(sqls.values())) != 1:
            return {"expr": sqls}
        return {"expr": sqls["sqlite"]}
    return _as_data(field.to_db_value(value, model), "db_default", where)


def _as_data(value: Any, what: str, where: str) -> Any:
    """A database value as migration data (None, bool, int, float, str, {"expr": ...})."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ModelError(f"{where}: {what} {value!r} is not a finite number", path=where)
        # A numeric literal, as generate_schemas writes it: exact, where a float is not, and
        # stored as a number (a string literal would be text in SQLite's VARCHAR decimal).
        return {"expr": str(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    raise ModelError(f"{where}: {what} {value!r} cannot be written as data", path=where)


def python_defaults(app: str) -> dict[tuple[str, str], Any]:
    """(table, column) -> the field's Python-side ``default`` as data, for the fields whose
    default is a plain value (not a callable): what existing rows get when such a column
    becomes NOT NULL, unless the user says otherwise."""
    out: dict[tuple[str, str], Any] = {}
    for model in app_models(app):
        meta = model._meta
        for field_name, column in meta.fields_db_projection.items():
            field = meta.fields_map[field_name]
            default = getattr(field, "default", None)
            if default is None or callable(default):
                continue
            try:
                out[(meta.db_table, column)] = _as_data(
                    field.to_db_value(default, model), "default",
                    f"{model.__name__}.{field_name}")
            except Exception:  # a default the database cannot take as a literal: ask instead
                continue
    return out


def _column(model: Any, field_name: str, column: str) -> tuple[dict[str, Any], bool]:
    """The column dict of one field, and whether it wants a single-column index."""
    meta = model._meta
    table = meta.db_table
    field = meta.fields_map[field_name]
    where = f"{model.__name__}.{field_name}"
    col: dict[str, Any] = {
        "name": column,
        "type": _types(field, where),
        "null": bool(field.null),
        "pk": bool(field.pk),
        "autoincrement": bool(field.pk and getattr(field, "generated", False)),
        "unique": bool(field.unique and not field.pk),
        "default": _db_default(field, model, where),
        "comment": field.description or None,
        "fk": None,
    }
    generated = _generated(field, where)
    if generated:
        col["generated"] = generated
    reference = getattr(field, "reference", None)
    if reference is not None:
        if reference.description:
            col["comment"] = reference.description
        if reference.db_constraint:
            to_field = reference.to_field_instance
            ref_column = to_field.source_field or to_field.model_field_name
            ref_table = reference.related_model._meta.db_table
            col["fk"] = {
                "name": fk_name(table, column, ref_table, ref_column),
                "table": ref_table,
                "column": ref_column,
                "on_delete": str(getattr(reference.on_delete, "value", reference.on_delete)),
            }
    wants_index = bool(field.index and not field.pk)
    return col, wants_index


def model_identity(model: Any) -> str:
    """The identity of a model's table: ``app.ClassName`` (``models.Customer``). The diff
    takes a table whose identity stays while its name changes (a new ``Meta.table``) for a
    certain rename."""
    return f"{model._meta.app}.{model.__name__}"


def _m2m_tables(model: Any, model_tables: set[str]) -> list[dict[str, Any]]:
    meta = model._meta
    tables = []
    for name in sorted(meta.m2m_fields):
        field = meta.fields_map[name]
        if field._generated or field.through in model_tables:
            continue
        where = f"{model.__name__}.{name}"
        related = field.related_model
        own_pk = meta.db_pk_column
        rel_pk = related._meta.db_pk_column
        through = field.through
        columns = []
        for key, target, pk_col, types in (
            (field.backward_key, meta.db_table, own_pk, _pk_types(model, where)),
            (field.forward_key, related._meta.db_table, rel_pk, _pk_types(related, where)),
        ):
            fk = None
            if field.db_constraint:
                fk = {"name": fk_name(through, key, target, pk_col), "table": target,
                      "column": pk_col,
                      "on_delete": str(getattr(field.on_delete, "value", field.on_delete))}
            columns.append({"name": key, "type": types, "null": False, "pk": False,
                            "autoincrement": False, "unique": False, "default": None,
                            "comment": None, "fk": fk})
        indexes = []
        if field.unique:
            cols = [field.backward_key, field.forward_key]
            indexes.append({"name": index_name("uidx", through, cols), "columns": cols,
                            "unique": True})
        # the through table Tortoise makes is the owning model's field's: renamed with it
        # (its default name follows the model's table)
        tables.append({"name": through, "model": f"{model_identity(model)}.{name}",
                       "comment": field.description or None,
                       "columns": columns, "indexes": indexes})
    return tables


def _index_columns(model: Any, names: list[str]) -> list[str]:
    meta = model._meta
    cols = []
    for n in names:
        if n in meta.fields_db_projection:
            cols.append(meta.fields_db_projection[n])
        elif n in meta.fields_map and getattr(meta.fields_map[n], "source_field", None):
            # a relation: its source_field names the id field, whose column may differ
            source = meta.fields_map[n].source_field
            cols.append(meta.fields_db_projection.get(source, source))
        else:
            cols.append(n)
    return cols


def _is_expression(text: str) -> bool:
    """Tortoise's test of an index entry that is SQL, not a column name."""
    return any(token in text for token in ("(", ")", " ", '"', ".", ":"))


_WHERE = re.compile(r"^(.*?)\s*\bWHERE\b\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _model_index(model: Any, table: str, ix: Any) -> dict[str, Any]:
    """One ``Meta.indexes`` entry as ``generate_schemas`` makes it: its kind
    (``INDEX_TYPE``: GIN, FULLTEXT, ...), its columns or its expressions (resolved against the
    model, written as Tortoise writes them), and its ``extra`` (a ``PartialIndex``'s
    `` WHERE ...``, a ``FullTextIndex``'s `` WITH PARSER ...``) as condition and options."""
    where = f"{model.__name__}.Meta.indexes"
    try:
        ix.resolve_expressions(model)
        names = list(ix.field_names)
    except Exception as e:
        raise ModelError(f"{where}: {type(ix).__name__} cannot be resolved: {e}",
                         path=model.__name__) from e
    exprs = [n for n in names if _is_expression(n)]
    if exprs and len(exprs) != len(names):
        raise ModelError(f"{where}: {type(ix).__name__} mixes columns and expressions "
                         f"({', '.join(names)}); write each column as an expression too",
                         path=model.__name__)
    cols = [] if exprs else _index_columns(model, names)
    entry: dict[str, Any] = {"name": ix.name or index_name("idx", table, exprs or cols),
                             "columns": cols, "unique": False}
    if exprs:
        entry["expressions"] = exprs
    method = getattr(ix, "INDEX_TYPE", "") or ""
    if method:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", method):
            raise ModelError(f"{where}: {type(ix).__name__} has INDEX_TYPE {method!r}, which is "
                             "not an index method name", path=model.__name__)
        entry["method"] = method
    extra = (getattr(ix, "extra", "") or "").strip()
    m = _WHERE.match(extra)
    if m:
        extra = m.group(1).strip()
        entry["condition"] = m.group(2).strip()
    if extra:
        entry["options"] = extra
    return entry


def _projection(model: Any) -> list[tuple[str, str]]:
    """The model's (field name, column) pairs in table order: Tortoise's, except that the
    columns of one-to-one fields, which Tortoise adds while iterating a set (so their order
    changes from one interpreter to the next), are sorted by field name in the places they
    take, as Tortoise sorts foreign keys."""
    from tortoise.fields.relational import OneToOneFieldInstance

    meta = model._meta
    items = list(meta.fields_db_projection.items())

    def o2o_name(field_name: str) -> str | None:
        ref = getattr(meta.fields_map[field_name], "reference", None)
        return ref.model_field_name if isinstance(ref, OneToOneFieldInstance) else None

    slots = [i for i, (name, _) in enumerate(items) if o2o_name(name) is not None]
    ordered = sorted((items[i] for i in slots), key=lambda item: o2o_name(item[0]) or "")
    for i, item in zip(slots, ordered, strict=True):
        items[i] = item
    return items


def _constraint(model: Any, table: str, constraint: Any) -> dict[str, Any]:
    """One ``Meta.constraints`` entry (tortoise.migrations.constraints) as Tortoise's
    migrations make it: a ``UniqueConstraint`` is a unique index (partial with a
    ``condition``), named ``uid_...`` as ``unique_together`` when it has no name; a
    ``CheckConstraint`` is a check of its own."""
    from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint

    where = f"{model.__name__}.Meta.constraints"
    if isinstance(constraint, CheckConstraint):
        if not constraint.name or not constraint.check:
            raise ModelError(f"{where}: a CheckConstraint needs a name and a check", path=where)
        return {"name": constraint.name, "check": constraint.check}
    if isinstance(constraint, UniqueConstraint):
        cols = _index_columns(model, list(constraint.fields))
        ix: dict[str, Any] = {"name": constraint.name or index_name("uid", table, cols),
                              "columns": cols, "unique": True}
        if constraint.condition:
            ix["condition"] = constraint.condition
        return ix
    raise ModelError(f"{where}: {type(constraint).__name__} is not a constraint Tortoise "
                     "knows (UniqueConstraint, CheckConstraint from "
                     "tortoise.migrations.constraints)", path=where)


def model_table(model: Any, model_tables: set[str]) -> list[dict[str, Any]]:
    """The table of one model, followed by the M2M tables it owns."""
    from tortoise.indexes import Index

    meta = model._meta
    table = meta.db_table
    columns = []
    indexes: list[dict[str, Any]] = []
    for field_name, column in _projection(model):
        col, wants_index = _column(model, field_name, column)
        columns.append(col)
        if wants_index:
            indexes.append({"name": index_name("idx", table, [column]), "columns": [column],
                            "unique": False})
    for together in meta.unique_together or ():
        cols = _index_columns(model, list(together))
        indexes.append({"name": index_name("uid", table, cols), "columns": cols, "unique": True})
    for ix in meta.indexes or ():
        if isinstance(ix, Index):
            indexes.append(_model_index(model, table, ix))
        else:
            cols = _index_columns(model, list(ix))
            indexes.append({"name": index_name("idx", table, cols), "columns": cols,
                            "unique": False})
    checks: list[dict[str, Any]] = []
    for constraint in getattr(meta, "constraints", None) or ():
        item = _constraint(model, table, constraint)
        (checks if "check" in item else indexes).append(item)
    seen: set[str] = set()
    unique_indexes = []
    for ix in indexes:
        if ix["name"] not in seen:
            seen.add(ix["name"])
            unique_indexes.append(ix)
    entry: dict[str, Any] = {"name": table, "model": model_identity(model),
                             "comment": meta.table_description or None,
                             "columns": columns, "indexes": unique_indexes}
    if checks:
        entry["checks"] = checks
    result = [entry, *_m2m_tables(model, model_tables)]
    schema = getattr(meta, "schema", None)
    if schema:  # Meta.schema: the model's table and its M2M tables live there
        for t in result:
            t["schema"] = schema
    return result


#: modules of other migration tools' own models, which an app may list beside the user's
#: (Aerich's docs put "aerich.models" into the app): their tables are those tools' history
FOREIGN_MODEL_MODULES = ("aerich.",)


def app_models(app: str) -> list[Any]:
    """The concrete, managed models of an initialised Tortoise app (without other migration
    tools' own models)."""
    from tortoise import Tortoise

    apps = Tortoise.apps
    if not apps or app not in apps:
        raise ModelError(f"app {app} has no models", path=app)
    models = [m for m in apps[app].values() if not m._meta.abstract
              and not str(m.__module__).startswith(FOREIGN_MODEL_MODULES)]
    return [m for m in models if getattr(m._meta, "managed", True) is not False]


def app_schema(app: str) -> dict[str, Any]:
    """The target schema of an app's models, tables sorted by name."""
    models = app_models(app)
    model_tables = {m._meta.db_table for m in models}
    tables: list[dict[str, Any]] = []
    for model in models:
        tables += model_table(model, model_tables)
    tables.sort(key=lambda t: t["name"])
    names = [t["name"] for t in tables]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ModelError(f"app {app}: two models use table {dupes[0]} (in one schema or in "
                         "two: tables are known by their name)", path=dupes[0])
    return {"tables": tables}


def field_classes() -> dict[tuple[str, str], str]:
    """(table, column) -> the Tortoise field class name, for every initialised model."""
    from tortoise import Tortoise

    out: dict[tuple[str, str], str] = {}
    for models in (Tortoise.apps or {}).values():
        for model in models.values():
            meta = model._meta
            for field_name, column in meta.fields_db_projection.items():
                field = meta.fields_map[field_name]
                ref = getattr(field, "reference", None)
                out[(meta.db_table, column)] = type(ref or field).__name__.replace(
                    "Instance", "")
    return out
