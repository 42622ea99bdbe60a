"""A live database's catalog -> the engine's schema form (docs/engine-format.md).

``read(client, dialect)`` asks the database (through the app's own Tortoise connection) for
its tables, columns, keys, indexes, foreign keys and comments, and returns them as the
engine's schema: types in Tortoise's spelling and defaults as values, through the engine's
``catalog_type`` / ``catalog_default`` (so that a database and the migrations that built it
compare equal), unique constraints of one column as the column's ``unique`` (with its own
``unique_name`` when it is not the derived one). The bookkeeping tables of every migration
tool are left out. Indexes come with their kind: a method other than a B-tree, a partial
index's condition and the keys of an expression index, in the database's own spelling (the
engine compares their shape, not that text); so do generated columns, whose clause is
rebuilt as ``GENERATED ALWAYS AS (<expression>) STORED|VIRTUAL`` (the engine compares
generated or plain, not the expression), and named check constraints (compared by name,
not by their condition). What the engine cannot describe yet (unnamed check constraints on
SQLite, prefix indexes, composite foreign keys) is listed in ``notes`` instead of being
compared.

``fingerprint(client, dialect, tables)`` is a digest of what the catalog says of some tables:
a run without a transaction records it before each step, so that after a crash it can tell
whether the step it had not recorded happened.

The one module that runs catalog queries; the comparison itself is the engine's
(``_engine.compare``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import _engine
from .introspect import fk_name
from .recorder import PROGRESS_TABLE, TABLE

#: history and bookkeeping tables of tortoise-pathway, Aerich and Tortoise's own migrations
BOOKKEEPING = frozenset({TABLE, PROGRESS_TABLE, "aerich", "tortoise_migrations"})

_ON_DELETE_PG = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL",
                 "d": "SET DEFAULT"}
_SAFE_TYPE = re.compile(r"[^A-Za-z0-9_ (),.\[\]]")


@dataclass
class Live:
    """What ``read`` found: the engine schema, the bookkeeping tables present (which tools
    managed this database), and the objects it could not describe (not compared)."""

    schema: dict[str, Any]
    bookkeeping: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def table_names(self) -> list[str]:
        return [t["name"] for t in self.schema["tables"]]


async def read(client: Any, dialect: str, tables: Iterable[str] | None = None,
               schemas: Iterable[str] = ()) -> Live:
    """The schema of the database behind ``client`` (only ``tables`` when given): the tables
    of the connection's own schema and, on PostgreSQL and MySQL, those of ``schemas`` (the
    Meta.schema of models: PostgreSQL schemas, MySQL databases), which carry their schema.
    Table names are one namespace, as in the engine: where two schemas hold one name, the
    connection's own table is read and the other is noted."""
    wanted = set(tables) if tables is not None else None
    if dialect == "sqlite":  # no schemas there
        raw = await _read_sqlite(client, wanted)
    else:
        reader = _read_postgres if dialect == "postgres" else _read_mysql
        raw = await reader(client, wanted, sorted(set(schemas)))
    return _finish(raw, dialect)


def schemas_of(schema: dict[str, Any]) -> list[str]:
    """The schemas (Meta.schema) an engine schema's tables live in, besides the connection's
    own: what ``read`` must look at to see them."""
    return sorted({t["schema"] for t in schema["tables"] if t.get("schema")})


# ---- the shape every reader fills ------------------------------------------------------------

@dataclass
class _RawTable:
    name: str
    comment: str | None = None
    schema: str | None = None  # None: the connection's own
    #: name -> {"type", "null", "default" (text), "autoincrement", "comment", "generated"
    #: (the clause, for a generated column)}, in table order
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    pk: list[str] = field(default_factory=list)
    #: (name, columns, unique, column-unique: True / False / None = decide by name, and the
    #: index's kind: "method", "condition", "expressions" when it has them)
    indexes: list[tuple[str, list[str], bool, bool | None, dict[str, Any]]] = field(
        default_factory=list)
    #: column -> (constraint name, table, column, on delete)
    fks: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)
    #: check constraints: (name, condition as the database spells it)
    checks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Raw:
    tables: dict[str, _RawTable] = field(default_factory=dict)
    bookkeeping: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    mariadb: bool = True

    def table(self, name: str) -> _RawTable:
        return self.tables.setdefault(name, _RawTable(name))

    def placed(self, name: str, schema: str | None, own: bool) -> bool:
        """Whether the table ``name`` found in ``schema`` (``own``: the connection's) is the
        one read under that name: the first seen, the connection's own first (the queries
        order it so); another of the same name is noted and skipped."""
        t = self.tables.get(name)
        if t is not None and t.schema != (None if own else schema):
            self.notes.append(f"table {name} in schema {schema}: a table of that name is "
                              f"already read in {t.schema or 'the connection schema'}; "
                              "not compared")
            return False
        self.table(name).schema = None if own else schema
        return True


def _keep(name: str, raw: _Raw, wanted: set[str] | None) -> bool:
    if name in BOOKKEEPING:
        raw.bookkeeping.add(name)
        return False
    return wanted is None or name in wanted


def _finish(raw: _Raw, dialect: str) -> Live:
    tables = []
    index_names: set[str] = set()
    notes = list(raw.notes)
    for t in sorted(raw.tables.values(), key=lambda t: t.name):
        columns = []
        for name, c in t.columns.items():
            ctype = _engine.catalog_type(_safe_type(c["type"]), dialect)
            auto = bool(c.get("autoincrement")) and t.pk == [name]
            default = None
            if not auto:
                default = _engine.catalog_default(c.get("default"), dialect, ctype)
            fk = t.fks.get(name)
            generated = c.get("generated")
            if generated:
                default = None
            columns.append({
                "name": name, "type": ctype, "null": bool(c["null"]) and name not in t.pk,
                "pk": t.pk == [name], "autoincrement": auto, "unique": False,
                "default": default, "comment": c.get("comment") or None,
                "fk": {"name": fk[0], "table": fk[1], "column": fk[2], "on_delete": fk[3]}
                if fk else None,
                **({"generated": {dialect: generated}} if generated else {}),
            })
        by_name = {c["name"]: c for c in columns}
        indexes = []
        if len(t.pk) > 1:
            notes.append(f"table {t.name}: primary key on several columns ({', '.join(t.pk)}) "
                         "is compared as a unique index")
            t.indexes.insert(0, (f"{t.name}_pkey", list(t.pk), True, False, {}))
        for ix_name, cols, unique, column_unique, kind in t.indexes:
            if unique and len(cols) == 1 and cols[0] in by_name and not kind:
                col = by_name[cols[0]]
                derived = _engine.unique_name(t.name, cols[0])
                if column_unique is None:
                    column_unique = ix_name == derived or (
                        dialect == "mysql" and re.fullmatch(
                            re.escape(cols[0]) + r"(_\d+)?", ix_name) is not None)
                if column_unique and not col["unique"] and not col["pk"]:
                    col["unique"] = True
                    if dialect != "sqlite" and ix_name != derived:
                        col["unique_name"] = ix_name
                    continue
                if col["pk"]:
                    continue  # the key's own index
            if ix_name in index_names:
                notes.append(f"index {ix_name} on {t.name}: a second index of that name is "
                             "not compared")
                continue
            index_names.add(ix_name)
            if "condition" in kind:
                kind["condition"] = _fragment(kind["condition"])
            if "expressions" in kind:
                kind["expressions"] = [_fragment(e) for e in kind["expressions"]]
            indexes.append({"name": ix_name, "columns": cols, "unique": unique, **kind})
        entry: dict[str, Any] = {"name": t.name, "comment": t.comment or None,
                                 "columns": columns, "indexes": indexes}
        if t.schema is not None:
            entry["schema"] = t.schema
        if t.checks:
            entry["checks"] = [{"name": n, "check": _fragment(c)} for n, c in t.checks]
        tables.append(entry)
    return Live({"tables": tables}, raw.bookkeeping, notes)


_UNSAFE_FRAGMENT = re.compile(r"[;#\\\x00-\x1f\x7f]|--|/\*|\*/")


def _fragment(text: str) -> str:
    """SQL text read from a catalog as the engine can hold it (pw_sql_fragment_is_safe):
    as it is, or ``(unreadable)`` when it has what the engine never writes into SQL (it is
    then only compared by its shape, never written)."""
    if _UNSAFE_FRAGMENT.search(text) or text.count("(") != text.count(")") or \
            text.count("'") % 2 or text.count('"') % 2 or text.count("`") % 2:
        return "(unreadable)"
    return text


def _generated(expression: str, stored: bool) -> str:
    kind = "STORED" if stored else "VIRTUAL"
    return _fragment(f"GENERATED ALWAYS AS ({expression}) {kind}")


def _safe_type(text: str) -> str:
    """A type the engine can hold: a catalog may spell one with quotes (an enum's values, a
    quoted type name); they are dropped (the type is then only compared, never written)."""
    return _SAFE_TYPE.sub("", text or "") or "UNKNOWN"


# ---- SQLite ----------------------------------------------------------------------------------

#: a name as SQLite keeps it in a statement: "quoted", `quoted`, [bracketed] or bare
_SQLITE_NAME = r'("(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|\w+)'
_CONSTRAINT_UNIQUE = re.compile(r"CONSTRAINT\s+" + _SQLITE_NAME + r"\s+UNIQUE\s*\(([^)]*)\)",
                                re.IGNORECASE)


def _sqlite_ident(text: str) -> str:
    text = text.strip()
    if text[:1] in ('"', "`") and text[-1:] == text[:1]:
        q = text[0]
        return text[1:-1].replace(q * 2, q)
    if text[:1] == "[" and text[-1:] == "]":
        return text[1:-1]
    return text


_SQLITE_TABLES = """SELECT name, sql FROM sqlite_master WHERE type = 'table'
AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"""
_SQLITE_COLUMNS = """SELECT m.name AS t, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk,
p.hidden FROM sqlite_master m, pragma_table_xinfo(m.name) p WHERE m.type = 'table'
ORDER BY m.name, p.cid"""
_SQLITE_INDEXES = """SELECT m.name AS t, il.name AS ix, il."unique", il.origin, il.partial,
ii.seqno, ii.name AS col FROM sqlite_master m, pragma_index_list(m.name) il,
pragma_index_info(il.name) ii WHERE m.type = 'table' ORDER BY m.name, il.name, ii.seqno"""
_SQLITE_FKS = """SELECT m.name AS t, f.id, f.seq, f."table" AS ref, f."from" AS col,
f."to" AS ref_col, f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f
WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq"""


async def _read_sqlite(client: Any, wanted: set[str] | None) -> _Raw:
    """Four queries whatever the number of tables (SQLite's table-valued pragmas)."""
    raw = _Raw()
    sql_of: dict[str, str] = {}
    for row in await client.execute_query_dict(_SQLITE_TABLES):
        if _keep(row["name"], raw, wanted):
            raw.table(row["name"])
            sql_of[row["name"]] = row["sql"] or ""
    if not sql_of:
        return raw
    for name, sql in sql_of.items():
        for check in _sqlite_checks(sql):
            if check[0] is None:
                raw.notes.append(f"table {name}: a check constraint without a name is not "
                                 "compared")
            else:
                raw.tables[name].checks.append((check[0], check[1]))
    auto = {name: re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE) is not None
            for name, sql in sql_of.items()}
    pk: dict[str, list[tuple[int, str]]] = {}
    for c in await client.execute_query_dict(_SQLITE_COLUMNS):
        name = c["t"]
        if name not in sql_of:
            continue
        column = {"type": c["type"], "null": not c["notnull"], "default": c["dflt_value"],
                  "autoincrement": auto[name]}
        if c["hidden"] in (2, 3):  # a generated column: 2 virtual, 3 stored
            column["generated"] = _generated(
                _sqlite_generation(sql_of[name], c["name"]) or "unreadable", c["hidden"] == 3)
        raw.tables[name].columns[c["name"]] = column
        if c["pk"]:
            pk.setdefault(name, []).append((c["pk"], c["name"]))
    for name, keys in pk.items():
        raw.tables[name].pk = [n for _, n in sorted(keys)]
    indexes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ix in await client.execute_query_dict(_SQLITE_INDEXES):
        if ix["t"] in sql_of and ix["origin"] != "pk":
            indexes.setdefault((ix["t"], ix["ix"]), []).append(ix)
    special = [ix_name for (_, ix_name), parts in indexes.items()
               if parts[0]["partial"] or any(p["col"] is None for p in parts)]
    index_sql: dict[str, str] = {}
    if special:
        marks = ", ".join("?" * len(special))
        for row in await client.execute_query_dict(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})",
                special):
            index_sql[row["name"]] = row["sql"] or ""
    named_uniques: dict[str, dict[tuple[str, ...], str]] = {}  # per table, parsed once
    for (name, ix_name), parts in indexes.items():
        t = raw.tables[name]
        cols = [p["col"] for p in parts]
        if ix_name in index_sql:
            key_texts, condition = _split_index_sql(index_sql[ix_name])
            shape: dict[str, Any] = {}
            if None in cols:
                shape["expressions"] = key_texts
                cols = []
            if condition:
                shape["condition"] = condition
            t.indexes.append((ix_name, cols, bool(parts[0]["unique"]), False, shape))
            continue
        column_unique: bool | None = None
        if parts[0]["origin"] == "u":
            if name not in named_uniques:
                named_uniques[name] = {
                    tuple(_sqlite_ident(c) for c in m.group(2).split(",")):
                    _sqlite_ident(m.group(1)) for m in _CONSTRAINT_UNIQUE.finditer(sql_of[name])}
            named = named_uniques[name]
            if tuple(cols) in named:
                ix_name, column_unique = named[tuple(cols)], False
            elif len(cols) == 1:
                column_unique = True
        t.indexes.append((ix_name, cols, bool(parts[0]["unique"]), column_unique, {}))
    fks: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for fk in await client.execute_query_dict(_SQLITE_FKS):
        if fk["t"] in sql_of:
            fks.setdefault((fk["t"], fk["id"]), []).append(fk)
    for (name, _), parts in fks.items():
        if len(parts) > 1:
            raw.notes.append(f"table {name}: a foreign key on several columns is not compared")
            continue
        fk = parts[0]
        to = fk["ref_col"] or await _sqlite_pk(client, fk["ref"])
        raw.tables[name].fks[fk["col"]] = (fk_name(name, fk["col"], fk["ref"], to), fk["ref"],
                                           to, str(fk["on_delete"]).upper())
    return raw


def _top_level(sql: str, sep: str = ",") -> list[tuple[int, int]]:
    """The spans of sql's parts at parenthesis depth 1 (inside the first parenthesis),
    split at sep outside quotes."""
    depth, quote, start, spans = 0, "", -1, []
    for i, ch in enumerate(sql):
        if quote:
            if ch == quote:
                quote = ""  # a doubled quote closes and reopens: the same
            continue
        if ch in "\"'`[":
            quote = "]" if ch == "[" else ch
        elif ch == "(":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                spans.append((start, i))
                break
        elif ch == sep and depth == 1:
            spans.append((start, i))
            start = i + 1
    return spans


def _inside_parentheses(text: str) -> str | None:
    """The text up to the parenthesis that closes one just before ``text`` (quotes and
    nested parentheses skipped), stripped; None when it never closes."""
    spans = _top_level("(" + text, sep="\0")
    return text[:spans[0][1] - 1].strip() if spans else None


_SQLITE_AS = re.compile(r"\b(?:GENERATED\s+ALWAYS\s+)?AS\s*\(", re.IGNORECASE)


def _sqlite_generation(sql: str, column: str) -> str | None:
    """The expression of generated column ``column`` in a CREATE TABLE statement as SQLite
    keeps it, or None."""
    for start, end in _top_level(sql):
        part = sql[start:end].strip()
        m = re.match(_SQLITE_NAME, part)
        if not m or _sqlite_ident(m.group(1)) != column:
            continue
        a = _SQLITE_AS.search(part, m.end())
        return _inside_parentheses(part[a.end():]) if a else None
    return None


_SQLITE_CHECK = re.compile(r"(?:CONSTRAINT\s+" + _SQLITE_NAME + r"\s+)?CHECK\s*\(",
                           re.IGNORECASE)


def _sqlite_checks(sql: str) -> list[tuple[str | None, str]]:
    """The table-level CHECK constraints of a CREATE TABLE statement: (name or None, the
    condition between its parentheses)."""
    checks: list[tuple[str | None, str]] = []
    for start, end in _top_level(sql):
        part = sql[start:end].strip()
        m = _SQLITE_CHECK.match(part)
        if not m:
            continue
        condition = _inside_parentheses(part[m.end():])
        if condition is not None:
            checks.append((_sqlite_ident(m.group(1)) if m.group(1) else None, condition))
    return checks


def _split_index_sql(sql: str) -> tuple[list[str], str | None]:
    """The key list of a CREATE INDEX statement as SQLite keeps it (its original text), one
    entry per key, and the text after WHERE, if any."""
    spans = _top_level(sql)
    end = spans[-1][1] + 1 if spans else len(sql)
    m = re.match(r"\s*WHERE\s+(.*?)\s*;?\s*$", sql[end:], re.IGNORECASE | re.DOTALL)
    return [sql[a:b].strip() for a, b in spans], (m.group(1) if m else None)


async def _sqlite_pk(client: Any, table: str) -> str:
    for c in await client.execute_query_dict(f"PRAGMA table_info({_sq(table)})"):
        if c["pk"]:
            return str(c["name"])
    return "rowid"


def _sq(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# ---- PostgreSQL ------------------------------------------------------------------------------

_PG_TABLES = """
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class') AS comment, n.nspname,
       n.nspname = current_schema() AS own
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE (n.nspname = current_schema() OR n.nspname = ANY($1::text[])) AND c.relkind IN ('r', 'p')
ORDER BY own DESC, c.relname"""

_PG_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull, pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity,
       a.attgenerated::text AS generated,
       col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY($1::oid[])
ORDER BY a.attrelid, a.attnum"""

_PG_CONSTRAINTS = """
SELECT conrelid, conname, contype::text AS contype, conkey::int2[] AS conkey,
       confrelid, confkey::int2[] AS confkey, confdeltype::text AS confdeltype, conindid,
       CASE WHEN contype = 'c' THEN pg_get_constraintdef(oid) END AS def
FROM pg_constraint WHERE conrelid = ANY($1::oid[]) ORDER BY conrelid, conname"""

_PG_INDEXES = """
SELECT i.indrelid, ic.relname AS name, i.indisunique, i.indisprimary, i.indkey::int2[] AS keys,
       pg_get_expr(i.indpred, i.indrelid) AS pred,
       CASE WHEN i.indexprs IS NOT NULL THEN ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
            FROM generate_series(1, i.indnkeyatts) k ORDER BY k) END AS exprs,
       am.amname, i.indexrelid
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY($1::oid[]) AND i.indisvalid ORDER BY ic.relname"""

_PG_CHECK = re.compile(r"^CHECK\s*|\s*NOT VALID$")

_PG_REFS = """
SELECT c.oid, c.relname, a.attnum, a.attname FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.oid = ANY($1::oid[]) AND a.attnum > 0"""


async def _read_postgres(client: Any, wanted: set[str] | None, schemas: list[str]) -> _Raw:
    raw = _Raw()
    names: dict[int, str] = {}
    for row in await client.execute_query_dict(_PG_TABLES, [schemas]):
        if _keep(row["relname"], raw, wanted) and raw.placed(row["relname"], row["nspname"],
                                                             row["own"]):
            names[row["oid"]] = row["relname"]
            raw.table(row["relname"]).comment = row["comment"]
    if not names:
        return raw
    oids = sorted(names)
    attnames: dict[tuple[int, int], str] = {}
    for c in await client.execute_query_dict(_PG_COLUMNS, [oids]):
        attnames[(c["attrelid"], c["attnum"])] = c["attname"]
        default = c["def"]
        auto = c["attidentity"] in ("a", "d")
        if default is not None and default.startswith("nextval("):
            auto, default = True, None
        column = {"type": c["type"], "null": not c["attnotnull"], "default": default,
                  "autoincrement": auto, "comment": c["comment"]}
        if c["generated"] == "s" and default is not None:  # the expression is in pg_attrdef
            column["generated"], column["default"] = _generated(default, True), None
        raw.table(names[c["attrelid"]]).columns[c["attname"]] = column
    constraint_indexes: set[int] = set()
    constraints = await client.execute_query_dict(_PG_CONSTRAINTS, [oids])
    refs = sorted({c["confrelid"] for c in constraints if c["contype"] == "f"} - set(names))
    ref_names: dict[int, str] = {}
    if refs:
        for r in await client.execute_query_dict(_PG_REFS, [refs]):
            ref_names[r["oid"]] = r["relname"]
            attnames[(r["oid"], r["attnum"])] = r["attname"]
    for con in constraints:
        t = raw.table(names[con["conrelid"]])
        cols = [attnames[(con["conrelid"], k)] for k in con["conkey"] or []]
        kind = con["contype"]
        if con["conindid"]:
            constraint_indexes.add(con["conindid"])
        if kind == "p":
            t.pk = cols
        elif kind == "u":
            t.indexes.append((con["conname"], cols, True, None, {}))
        elif kind == "f":
            if len(cols) != 1:
                raw.notes.append(f"foreign key {con['conname']} on {t.name}: a key on several "
                                 "columns is not compared")
                continue
            ref = con["confrelid"]
            ref_table = names.get(ref) or ref_names.get(ref, str(ref))
            ref_col = attnames.get((ref, con["confkey"][0]), "?")
            t.fks[cols[0]] = (con["conname"], ref_table, ref_col,
                              _ON_DELETE_PG[con["confdeltype"]])
        elif kind == "c":
            t.checks.append((con["conname"], _PG_CHECK.sub("", con["def"] or "")))
        else:
            raw.notes.append(f"constraint {con['conname']} on {t.name}: not compared")
    for ix in await client.execute_query_dict(_PG_INDEXES, [oids]):
        if ix["indisprimary"] or ix["indexrelid"] in constraint_indexes:
            continue
        t = raw.table(names[ix["indrelid"]])
        shape: dict[str, Any] = {}
        if ix["amname"] != "btree":
            shape["method"] = str(ix["amname"]).upper()
        if ix["pred"] is not None:
            shape["condition"] = ix["pred"]
        if ix["exprs"]:
            shape["expressions"] = list(ix["exprs"])
            cols = []
        else:
            cols = [attnames[(ix["indrelid"], k)] for k in list(ix["keys"] or [])]
        t.indexes.append((ix["name"], cols, bool(ix["indisunique"]), False if shape else None,
                          shape))
    return raw


# ---- MySQL / MariaDB -------------------------------------------------------------------------

# {schemas}: the connection's database and the Meta.schema ones asked for (bound parameters)
_MY_TABLES = """SELECT TABLE_NAME AS name, TABLE_COMMENT AS comment, TABLE_SCHEMA AS s,
TABLE_SCHEMA = DATABASE() AS own FROM information_schema.TABLES
WHERE TABLE_SCHEMA IN ({schemas}) AND TABLE_TYPE = 'BASE TABLE'
ORDER BY own DESC, TABLE_NAME"""

_MY_COLUMNS = """SELECT TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type,
IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra, COLUMN_COMMENT AS comment,
GENERATION_EXPRESSION AS gen, TABLE_SCHEMA AS s FROM information_schema.COLUMNS
WHERE TABLE_SCHEMA IN ({schemas}) ORDER BY TABLE_NAME, ORDINAL_POSITION"""

_MY_INDEXES = """SELECT TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS non_unique,
SEQ_IN_INDEX AS seq, COLUMN_NAME AS col, SUB_PART AS sub_part, INDEX_TYPE AS kind{expr},
TABLE_SCHEMA AS s FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ({schemas})
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"""

_MY_FKS = """SELECT k.TABLE_NAME AS t, k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col,
k.REFERENCED_TABLE_NAME AS ref, k.REFERENCED_COLUMN_NAME AS ref_col, r.DELETE_RULE AS rule,
k.TABLE_SCHEMA AS s
FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA IN ({schemas}) AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"""

_MY_CHECKS = """SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause,
CONSTRAINT_SCHEMA AS s FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA IN ({schemas})"""

_JSON_VALID = re.compile(r"^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$", re.IGNORECASE)


async def _read_mysql(client: Any, wanted: set[str] | None, schemas: list[str]) -> _Raw:
    raw = _Raw()
    version = await client.execute_query_dict("SELECT VERSION() AS v, DATABASE() AS db")
    raw.mariadb = "mariadb" in str(version[0]["v"]).lower()
    own_db = str(version[0]["db"])
    where = ", ".join(["DATABASE()", *("%s" for _ in schemas)])

    async def rows(query: str, **fmt: str) -> list[dict[str, Any]]:
        return list(await client.execute_query_dict(query.format(schemas=where, **fmt),
                                                    list(schemas)))

    def mine(row: dict[str, Any]) -> bool:
        """Whether a catalog row is of a table read, in the schema it was read from."""
        t = raw.tables.get(row["t"])
        return t is not None and (t.schema or own_db) == row["s"]

    for row in await rows(_MY_TABLES):
        if _keep(row["name"], raw, wanted) and raw.placed(row["name"], row["s"],
                                                          bool(row["own"])):
            raw.table(row["name"]).comment = row["comment"] or None
    json_columns: set[tuple[str, str]] = set()
    try:
        checks = await rows(_MY_CHECKS)
    except Exception:  # MySQL before 8.0.16 has no CHECK_CONSTRAINTS
        checks = []
    for chk in checks:
        if not mine(chk):
            continue
        m = _JSON_VALID.match(chk["clause"] or "")
        if m:  # MariaDB's JSON: LONGTEXT with a json_valid() check
            json_columns.add((chk["t"], m.group(1).replace("``", "`")))
        else:
            raw.table(chk["t"]).checks.append((chk["name"], str(chk["clause"] or "")))
    for c in await rows(_MY_COLUMNS):
        if not mine(c):
            continue
        extra = str(c["extra"] or "").lower()
        ctype = str(c["type"])
        if (c["t"], c["name"]) in json_columns and ctype.lower() == "longtext":
            ctype = "JSON"
        default = c["def"]
        if default is not None and not raw.mariadb and "default_generated" not in extra:
            # MySQL reports a literal default without its quotes
            if not re.fullmatch(r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?", default):
                default = _engine.string_literal(default, "mysql")
        column = {"type": ctype, "null": c["nullable"] == "YES", "default": default,
                  "autoincrement": "auto_increment" in extra, "comment": c["comment"] or None}
        if "generated" in extra and "default_generated" not in extra and c["gen"]:
            column["generated"] = _generated(str(c["gen"]), "stored" in extra)
            column["default"] = None
        raw.table(c["t"]).columns[c["name"]] = column
    fk_rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for fk in await rows(_MY_FKS):
        if mine(fk):
            fk_rows.setdefault((fk["t"], fk["name"]), []).append(fk)
    fk_names: dict[str, set[tuple[str, str]]] = {}
    for (table, name), parts in fk_rows.items():
        if len(parts) > 1:
            raw.notes.append(f"foreign key {name} on {table}: a key on several columns is not "
                             "compared")
            continue
        fk = parts[0]
        raw.table(table).fks[fk["col"]] = (name, fk["ref"], fk["ref_col"], str(fk["rule"]))
        fk_names.setdefault(table, set()).add((name, fk["col"]))
    indexes: dict[tuple[str, str], list[dict[str, Any]]] = {}
    # MySQL 8 has functional key parts (EXPRESSION); MariaDB has neither
    for ix in await rows(_MY_INDEXES, expr="" if raw.mariadb else ", EXPRESSION AS expr"):
        if mine(ix):
            indexes.setdefault((ix["t"], ix["name"]), []).append(ix)
    for (table, name), parts in indexes.items():
        t = raw.table(table)
        cols = [p["col"] for p in parts]
        if name == "PRIMARY":
            t.pk = cols
            continue
        # MariaDB reports a SUB_PART on a SPATIAL index's key: no prefix of the user's
        if any(p["sub_part"] is not None for p in parts) and parts[0]["kind"] != "SPATIAL" or \
                parts[0]["kind"] not in ("BTREE", "FULLTEXT", "SPATIAL"):
            raw.notes.append(f"index {name} on {table}: a {parts[0]['kind'].lower()} or prefix "
                             "index is not compared")
            continue
        kind: dict[str, Any] = {}
        if parts[0]["kind"] != "BTREE":
            kind["method"] = parts[0]["kind"]
        if any(p["col"] is None for p in parts):
            kind["expressions"] = [p.get("expr") or f"`{p['col']}`" for p in parts]
            cols = []
        unique = not int(parts[0]["non_unique"])
        if not unique and not kind and len(cols) == 1 and _innodb_fk_index(
                name, cols[0], fk_names.get(table, set())):
            continue
        t.indexes.append((name, cols, unique, False if kind else None, kind))
    return raw


def _innodb_fk_index(name: str, column: str, fks: set[tuple[str, str]]) -> bool:
    """Whether a one-column index is the one InnoDB made for a foreign key that had none:
    named after the key, or, for a key made without a name (an inline REFERENCES), after
    its column. It is no part of the schema: InnoDB keeps it while the key needs it, and a
    key added on the column later takes it over under its own name."""
    if (name, column) in fks:
        return True
    return any(col == column for _, col in fks) and re.fullmatch(
        re.escape(column) + r"(_\d+)?", name) is not None


# ---- fingerprints ----------------------------------------------------------------------------

_AUTO_INCREMENT = re.compile(r" AUTO_INCREMENT=\d+")


#: between a table's schema and its name in the engine's touched tables (render.h)
TOUCHED_SEP = "\x1f"


async def fingerprint(client: Any, dialect: str, tables: Iterable[str]) -> str:
    """A digest of everything the catalog says of ``tables`` (absent ones included), equal
    for equal catalogs; "" for no tables. A table in a schema of its own (Meta.schema) is
    named ``schema + TOUCHED_SEP + name``, as the engine's ``touched`` names it."""
    located = sorted(set(tables))
    if not located:
        return ""
    names = sorted({t.rpartition(TOUCHED_SEP)[2] for t in located})
    parts: list[str] = []
    if dialect == "sqlite":  # no schemas there
        marks = ", ".join("?" for _ in names)
        rows = await client.execute_query_dict(
            f"SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "
            "ORDER BY type, name", names)
        parts = [f"{r['type']}|{r['name']}|{r['tbl_name']}|{r['sql']}" for r in rows]
    elif dialect == "mysql":
        for entry in located:
            schema, _, name = entry.rpartition(TOUCHED_SEP)
            q = _engine.quote_ident(name, "mysql")
            if schema:
                q = f"{_engine.quote_ident(schema, 'mysql')}.{q}"
            try:
                rows = await client.execute_query_dict(f"SHOW CREATE TABLE {q}")
            except Exception as e:
                if "1146" in str(e) or "doesn't exist" in str(e):
                    parts.append(f"absent:{entry}")
                    continue
                raise
            text = rows[0].get("Create Table") or str(list(rows[0].values())[-1])
            parts.append(_AUTO_INCREMENT.sub("", text))
    else:
        schemas = {t.rpartition(TOUCHED_SEP)[0] for t in located} - {""}
        live = await read(client, dialect, names, schemas)
        present = set(live.table_names())
        parts = [repr(live.schema), *(f"absent:{n}" for n in names if n not in present)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
