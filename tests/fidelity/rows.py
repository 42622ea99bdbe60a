"""Rows for any table the catalog describes, and a check that they are all still there.

``Rows.insert_everywhere`` puts one row into every table (its foreign keys pointing at fresh
rows of their parents), with a value in every column but generated ones; ``Rows.check``
asserts every table holds exactly the rows put into it since it (last) appeared. Values
derive from a counter, so unique columns never collide.
"""

from __future__ import annotations

import datetime
import re
import uuid

from tests.conftest import Database
from tests.fidelity import catalog

_LENGTH = re.compile(r"\((\d+)")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
    return (out or "0")[-width:]


def literal(dialect: str, type_: str, n: int) -> str:
    """An SQL literal of a value of the column type type_ (as the catalog reports it),
    distinct for each n."""
    t = type_.lower()
    m = _LENGTH.search(t)
    if t.endswith("[]"):  # an array of any element type: an empty one
        return "'{}'"
    if dialect == "postgres" and t == "boolean" or t == "tinyint(1)" or (
            dialect == "sqlite" and t == "bool"):
        return "true" if dialect == "postgres" else "1"
    if t.startswith(("smallint", "int", "bigint", "integer")):
        return str(n % 30000)
    if t.startswith(("numeric", "decimal")):
        return f"{n % 9000}.25"
    if t.startswith(("double", "real", "float")):
        return f"{n}.5"
    if t.startswith(("timestamp", "datetime")):
        return f"'{datetime.datetime(2020, 1, 1) + datetime.timedelta(seconds=n)}'"
    if t == "date":
        return f"'{datetime.date(2000, 1, 1) + datetime.timedelta(days=n)}'"
    if t.startswith("time"):
        return f"'{datetime.time(n // 3600 % 24, n // 60 % 60, n % 60)}'"
    if t == "uuid" or (t in ("char(36)", "character(36)") and dialect != "postgres"):
        return f"'{uuid.UUID(int=n)}'"
    if t in ("bytea",):
        return f"decode('{n % 256:02x}', 'hex')"
    if t in ("blob", "longblob"):
        return f"X'{n % 256:02x}'"
    if t in ("text", "longtext", "json", "jsonb"):
        return f"'[{n}]'"
    if t.startswith(("varchar", "char", "character")):
        width = int(m.group(1)) if m else 8
        return f"'{_base36(n, width)}'"
    if t == "tsvector":
        return f"'w{n}'"
    if t == "point":
        return f"point({n}, {n + 1})"
    if t == "geometry":
        return f"ST_GeomFromText('POINT({n} {n + 1})')"
    raise AssertionError(f"no test value for type {type_!r} on {dialect}")


def _ident(dialect: str, name: str) -> str:
    return f"`{name}`" if dialect == "mysql" else f'"{name}"'


def _table(dialect: str, cat: catalog.Catalog, name: str) -> str:
    """A table of cat, qualified by its schema when it has one."""
    schema = cat[name].get("schema")
    return f"{_ident(dialect, schema)}.{_ident(dialect, name)}" if schema else \
        _ident(dialect, name)


class Rows:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.n = 0
        self.counts: dict[str, int] = {}

    def _insert(self, cat: catalog.Catalog, table: str) -> dict[str, str]:
        """Inserts one row into table, its foreign keys pointing at fresh rows of their
        parents (a self-reference stays NULL); returns the row's values by column, as
        literals."""
        t = cat[table]
        values: dict[str, str] = {}
        for cols, ref, ref_cols, _ in t["fks"]:
            if len(cols) != 1 or ref == table:
                continue
            parent = self._insert(cat, ref)
            values[cols[0]] = parent[ref_cols[0]]
        for name in t["order"]:
            col = t["columns"][name]
            if name in values or col["autoincrement"] or col.get("generated") is not None:
                continue  # the database makes the value
            if any(name in fk[0] for fk in t["fks"]):
                values[name] = "NULL"  # a self-reference
                continue
            self.n += 1
            values[name] = literal(self.db.dialect, col["type"], self.n)
        q = self.db.dialect
        cols = ", ".join(_ident(q, c) for c in values)
        qtable = _table(q, cat, table)
        if values:
            self.db.query(f"INSERT INTO {qtable} ({cols}) VALUES "
                          f"({', '.join(values.values())})")
        elif q == "mysql":
            self.db.query(f"INSERT INTO {qtable} () VALUES ()")
        else:
            self.db.query(f"INSERT INTO {qtable} DEFAULT VALUES")
        self.counts[table] = self.counts.get(table, 0) + 1
        for name in t["pk"]:
            if name not in values:
                (last,) = self.db.query(f"SELECT max({_ident(q, name)}) FROM "
                                        f"{qtable}")[0]
                values[name] = str(last)
        return values

    def insert_everywhere(self, cat: catalog.Catalog) -> None:
        for table in cat:
            self._insert(cat, table)

    def check(self, cat: catalog.Catalog, when: str) -> None:
        """Every table of cat holds the rows inserted into it; tables that went away forget
        their rows (a table that comes back by a rollback comes back empty)."""
        for table in list(self.counts):
            if table not in cat:
                del self.counts[table]
        q = self.db.dialect
        for table in cat:
            ((count,),) = self.db.query(f"SELECT count(*) FROM {_table(q, cat, table)}")
            assert count == self.counts.get(table, 0), (
                f"{when}: table {table} has {count} rows, expected "
                f"{self.counts.get(table, 0)}")

    def rename(self, tables: dict[str, str]) -> None:
        """Rows follow a renamed table (old -> new)."""
        self.counts = {tables.get(t, t): n for t, n in self.counts.items()}
