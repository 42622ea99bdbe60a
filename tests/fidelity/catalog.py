"""A database's catalog, read into a normalized structure that two databases can be compared by.

``read(db)`` returns ``{table: Table}`` for every table but tortoise-pathway's own; ``diff(a, b)``
lists the differences as readable lines. What a table holds:

- ``columns``: ``{name: {"type", "null", "default", "autoincrement", "comment", ...}}`` with the
  type as the database reports it (SQLite: the declared text; PostgreSQL: ``format_type``;
  MySQL: ``COLUMN_TYPE``), the default as the database keeps its expression, and on MySQL the
  column's collation and ``EXTRA`` too.
  A generated column has ``generated``: its expression as the database gives it back
  (SQLite: the text between the parentheses of its ``AS (...)``), and ``stored``.
- ``order``: the column names in table order (compared only when asked, see ``diff``).
- ``pk``: the primary key's columns.
- ``unique``: the unique coverage: the column tuples of every unique constraint and unique index
  but the primary key, as a sorted list of distinct tuples.
- ``indexes``: the column tuples of the other indexes (sorted, duplicates kept). An index of
  another kind carries it after its columns (``"USING gin"``, ``"WHERE (active = true)"``);
  an expression key reads as the database writes it back (PostgreSQL: ``"<lower(...)>"``);
  SQLite, which keeps only a partial or expression index's statement, gives that statement's
  text after the index's name.
- ``fks``: ``(columns, referenced table, referenced columns, on delete)``, sorted.
- ``checks``: check constraint expressions, sorted (SQLite: the text of each named
  ``CHECK``).
- ``comment``: the table's comment; ``options`` (MySQL): engine and collation.
- ``schema`` (PostgreSQL): the schema the table is in when it is not ``public`` (a model's
  ``Meta.schema``); tables are read from every schema but the system's. Table names are
  unique across schemas in the corpus, so a table is known by its name.

Normalizations, each applied to both sides alike:

- Names of indexes and constraints are not compared, only what they cover: Tortoise and
  PostgreSQL name some of them (inline ``UNIQUE`` and ``REFERENCES``), and which name a
  database picks is no part of the schema's meaning.
- PostgreSQL: a ``nextval('...'::regclass)`` default (what ``SERIAL`` makes) reads as
  ``"autoincrement"`` and sets ``autoincrement``; the sequence's name is a name, its type
  (what it can count up to) is kept as the column's ``sequence``.
- MySQL: a non-unique index whose columns are exactly a foreign key's columns is dropped.
  InnoDB creates such an index by itself for every foreign key that has no index leading with
  its columns, and may drop it again when another index takes over, so its presence depends on
  the order of statements, not on the schema; every foreign-key column is indexed either way.
- PostgreSQL comments: Tortoise escapes comments with MySQL's backslash table (``\\n``, ``\\\\``,
  ``\\'``...) inside a standard PostgreSQL string, where backslashes are literal, so
  ``generate_schemas`` stores a newline of a description (every enum field's automatic
  description has them) as the two characters ``\\n``. We store the description itself, which
  we consider right and deliberately do not match; the comparison decodes those escapes on both
  sides (a comment that really holds a backslash sequence would read the same either way).
- SQLite keeps no comments (Tortoise writes them as ``/* */`` inside the CREATE TABLE text,
  which is no catalog); they are not compared there.
- Column order is compared for a schema one ``migrate`` builds from nothing. After a later
  step or a rollback it is not: ``ALTER TABLE ... ADD COLUMN`` puts a column last, where
  ``generate_schemas`` puts it in model order (PostgreSQL cannot place a column).
- The columns of one-to-one keys are compared in name order among the places they take (see
  ``_order``): generate_schemas itself orders them differently from one run to the next.

What generate_schemas gets wrong, which we deliberately do not match (so the corpus stays
clear of it), and what it cannot do at all:

- Float defaults: generate_schemas writes ``%.15g``, which loses digits (``0.1 + 0.2``
  becomes ``0.3``); we write the fewest digits that read back as the same double, the same
  text whenever 15 digits suffice, as for every value in the corpus.
- String defaults (and a JSON object's) are escaped with backslashes on every database: a
  quote or a backslash in one is a syntax error on SQLite and PostgreSQL. We write standard
  literals. The corpus has no such default.
- A ``BinaryField`` ``db_default`` has no encoder in generate_schemas; ``Index(fields=...)``
  naming a field with a ``source_field`` indexes a column of the field's name, which does not
  exist; names longer than 64 characters fail on MySQL; foreign-key cycles between tables are
  refused (a self-reference is fine). None of these are in the corpus.
- ``db_index=True`` on a generated field: generate_schemas makes no index (Tortoise's own
  migrations do); we make it. The corpus indexes its generated columns through
  ``Meta.indexes``.
- ``managed = False`` models are created by generate_schemas and left alone by
  tortoise-pathway, by design; not in the corpus.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from tests.conftest import Database
from tortoise_pathway.recorder import PROGRESS_TABLE, TABLE

#: tortoise-pathway's own tables: the history, and where a migration run outside a
#: transaction keeps its progress
OWN_TABLES = {TABLE, PROGRESS_TABLE}

Catalog = dict[str, dict[str, Any]]


def read(db: Database) -> Catalog:
    """The normalized catalog of db, without tortoise-pathway's own tables."""
    if db.dialect == "sqlite":
        cat = _sqlite(db)
    elif db.dialect == "postgres":
        cat = _postgres(db)
    else:
        cat = _mysql(db)
    for own in OWN_TABLES:
        cat.pop(own, None)
    for t in cat.values():
        t["unique"] = sorted(set(t["unique"]))
        t["indexes"] = sorted(t["indexes"])
        t["fks"] = sorted(t["fks"])
        t["checks"] = sorted(t["checks"])
    return dict(sorted(cat.items()))


def _table(comment: str | None = None) -> dict[str, Any]:
    return {"comment": comment, "columns": {}, "order": [], "pk": (), "unique": [],
            "indexes": [], "fks": [], "checks": []}


def _column(t: dict[str, Any], name: str, **info: Any) -> None:
    t["columns"][name] = info
    t["order"].append(name)


# ---- SQLite ---------------------------------------------------------------------------------

_AUTOINCREMENT = re.compile(r"\bAUTOINCREMENT\b", re.IGNORECASE)


def _sqlite(db: Database) -> Catalog:
    assert db.path is not None
    cat: Catalog = {}
    with sqlite3.connect(db.path) as conn:
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='table' AND "
                              "name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
        for name, sql in tables:
            t = cat[name] = _table()
            auto = bool(_AUTOINCREMENT.search(sql or ""))
            pk: list[tuple[int, str]] = []
            for _cid, col, type_, notnull, default, pkpos, hidden in conn.execute(
                    f"PRAGMA table_xinfo({_sq(name)})"):
                if pkpos:
                    pk.append((pkpos, col))
                _column(t, col, type=type_, null=not notnull, default=default,
                        autoincrement=bool(pkpos) and auto, comment=None)
                if hidden in (2, 3):  # generated: 2 virtual, 3 stored
                    t["columns"][col].update(generated=_sqlite_expression(sql, col),
                                             stored=hidden == 3)
            t["pk"] = tuple(c for _, c in sorted(pk))
            for _seq, ix, unique, origin, partial in conn.execute(
                    f"PRAGMA index_list({_sq(name)})"):
                if origin == "pk":
                    continue
                cols = tuple(r[2] or "<expr>" for r in sorted(conn.execute(
                    f"PRAGMA index_info({_sq(ix)})")))
                if partial or "<expr>" in cols:
                    # SQLite keeps the statement's text: what follows the index's name
                    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' "
                                          "AND name = ?", (ix,)).fetchone()
                    cols = (_INDEX_BODY.sub("", sql),)
                (t["unique"] if unique else t["indexes"]).append(cols)
            t["checks"] = _sqlite_checks(sql or "")
            fks: dict[int, list[Any]] = {}
            for fid, seq, ref, frm, to, _upd, on_delete, _match in conn.execute(
                    f"PRAGMA foreign_key_list({_sq(name)})"):
                fks.setdefault(fid, []).append((seq, frm, ref, to, on_delete))
            for rows in fks.values():
                rows.sort()
                t["fks"].append((tuple(r[1] for r in rows), rows[0][2],
                                 tuple(r[3] for r in rows), rows[0][4].upper()))
    return cat


_CHECK = re.compile(r'CONSTRAINT\s+"(?:[^"]|"")+"\s+CHECK\s*\(', re.IGNORECASE)


def _sqlite_checks(sql: str) -> list[str]:
    """The conditions of the named CHECK constraints in a CREATE TABLE statement."""
    out = []
    for m in _CHECK.finditer(sql):
        depth, i = 1, m.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            i += 1
        out.append(sql[m.end():i - 1].strip())
    return out


def _sqlite_expression(sql: str, column: str) -> str:
    """The text inside the parentheses of ``AS (...)`` in column's definition."""
    m = re.search(r'"' + re.escape(column) + r'"[^,]*?\bAS\s*\(', sql)
    assert m, f"no generation expression for {column} in {sql}"
    depth, i = 1, m.end()
    while depth:
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        i += 1
    return sql[m.end():i - 1].strip()


_INDEX_BODY = re.compile(r'^CREATE (UNIQUE )?INDEX (IF NOT EXISTS )?"(?:[^"]|"")+" ',
                         re.IGNORECASE)


def _sq(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# ---- PostgreSQL -----------------------------------------------------------------------------

_NEXTVAL = re.compile(r"^nextval\('.*'::regclass\)$")
_ON_DELETE_PG = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL",
                 "d": "SET DEFAULT"}
_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "Z": "\032", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\([0nrZ\"'\\])")


def _pg_comment(comment: str | None) -> str | None:
    """Decodes Tortoise's backslash escapes (see the module comment)."""
    if comment is None:
        return None
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], comment)


def _postgres(db: Database) -> Catalog:
    cat: Catalog = {}
    where = ("FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
             "n.nspname NOT LIKE 'pg\\_%' AND c.relkind IN ('r', 'p')")
    oids: dict[int, str] = {}
    for oid, name, comment, schema in db.query(
            f"SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class'), n.nspname {where}"):
        assert name not in cat, f"table {name} is in two schemas"
        oids[oid] = name
        cat[name] = _table(_pg_comment(comment))
        if schema != "public":
            cat[name]["schema"] = schema
    attnames: dict[tuple[int, int], str] = {}
    for oid, attnum, name, type_, notnull, default, comment, generated in db.query(
            "SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
            "a.attnotnull, pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, "
            "a.attnum), a.attgenerated::text FROM pg_attribute a LEFT JOIN pg_attrdef d "
            "ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attnum > 0 AND "
            "NOT a.attisdropped AND "
            f"a.attrelid IN (SELECT c.oid {where}) ORDER BY a.attrelid, a.attnum"):
        attnames[(oid, attnum)] = name
        auto = default is not None and bool(_NEXTVAL.match(default))
        _column(cat[oids[oid]], name, type=type_, null=not notnull,
                default="autoincrement" if auto else default, autoincrement=auto,
                comment=_pg_comment(comment))
        if generated == "s":  # the expression is what pg_attrdef holds
            cat[oids[oid]]["columns"][name].update(default=None, generated=default, stored=True)
    # The type of the sequence behind a SERIAL column: what it can count up to.
    for oid, attnum, seqtype in db.query(
            "SELECT d.refobjid, d.refobjsubid, format_type(s.seqtypid, NULL) FROM pg_depend d "
            "JOIN pg_sequence s ON s.seqrelid = d.objid WHERE d.classid = "
            "'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND "
            f"d.deptype IN ('a', 'i') AND d.refobjid IN (SELECT c.oid {where})"):
        cat[oids[oid]]["columns"][attnames[(oid, attnum)]]["sequence"] = seqtype
    for oid, contype, conkey, confrelid, confkey, deltype, expr in db.query(
            "SELECT conrelid, contype::text, conkey, confrelid, confkey, confdeltype::text, "
            "pg_get_constraintdef(oid) FROM pg_constraint WHERE contype IN ('p', 'f', 'c') "
            f"AND conrelid IN (SELECT c.oid {where})"):
        t = cat[oids[oid]]
        cols = tuple(attnames[(oid, k)] for k in conkey or ())
        if contype == "p":
            t["pk"] = cols
        elif contype == "f":
            ref = oids.get(confrelid, str(confrelid))
            t["fks"].append((cols, ref, tuple(attnames[(confrelid, k)] for k in confkey),
                             _ON_DELETE_PG[deltype]))
        else:
            t["checks"].append(expr)
    # Unique constraints are backed by unique indexes: pg_index alone gives the coverage.
    for oid, keys, unique, primary, method, extra, defs in db.query(
            "SELECT i.indrelid, i.indkey::int2[], i.indisunique, i.indisprimary, am.amname, "
            "pg_get_expr(i.indpred, i.indrelid), ARRAY(SELECT pg_get_indexdef(i.indexrelid, "
            "k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k) FROM pg_index i "
            "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
            f"WHERE i.indrelid IN (SELECT c.oid {where})"):
        if primary:
            continue
        cols: tuple[str, ...] = tuple(
            attnames[(oid, k)] if k else f"<{defs[n]}>" for n, k in enumerate(keys))
        if method != "btree":
            cols += (f"USING {method}",)
        if extra:
            cols += (f"WHERE {extra}",)
        (cat[oids[oid]]["unique"] if unique else cat[oids[oid]]["indexes"]).append(cols)
    return cat


# ---- MySQL / MariaDB ------------------------------------------------------------------------

def _mysql(db: Database) -> Catalog:
    cat: Catalog = {}
    schema = db.name.replace("'", "''")
    for name, comment, engine, collation in db.query(
            "SELECT TABLE_NAME, TABLE_COMMENT, ENGINE, TABLE_COLLATION FROM "
            f"information_schema.TABLES WHERE TABLE_SCHEMA = '{schema}' AND "
            "TABLE_TYPE = 'BASE TABLE'"):
        t = cat[name] = _table(comment or None)
        t["options"] = {"engine": engine, "collation": collation}
    for table, name, type_, nullable, default, extra, comment, collation, gen in db.query(
            "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
            "COLUMN_COMMENT, COLLATION_NAME, GENERATION_EXPRESSION FROM "
            "information_schema.COLUMNS WHERE "
            f"TABLE_SCHEMA = '{schema}' ORDER BY TABLE_NAME, ORDINAL_POSITION"):
        if table not in cat:
            continue
        extra = (extra or "").lower()
        _column(cat[table], name, type=type_, null=nullable == "YES", default=default,
                autoincrement="auto_increment" in extra, comment=comment or None,
                extra=extra, collation=collation)
        if gen:
            cat[table]["columns"][name].update(generated=gen, stored="stored" in extra)
    indexes: dict[tuple[str, str], list[Any]] = {}
    for table, ix, non_unique, seq, col, sub_part, kind in db.query(
            "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, "
            f"INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{schema}'"):
        part = col if sub_part is None else f"{col}({sub_part})"
        indexes.setdefault((table, ix), []).append((seq, part, int(non_unique), kind))
    fks: dict[tuple[str, str], list[Any]] = {}
    for table, cname, col, pos, ref, ref_col, rule in db.query(
            "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.ORDINAL_POSITION, "
            "k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE FROM "
            "information_schema.KEY_COLUMN_USAGE k JOIN "
            "information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = "
            "k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = "
            f"k.CONSTRAINT_NAME WHERE k.TABLE_SCHEMA = '{schema}' AND "
            "k.REFERENCED_TABLE_NAME IS NOT NULL"):
        fks.setdefault((table, cname), []).append((pos, col, ref, ref_col, rule))
    for (table, _), rows in fks.items():
        rows.sort()
        cat[table]["fks"].append((tuple(r[1] for r in rows), rows[0][2],
                                  tuple(r[3] for r in rows), rows[0][4]))
    for (table, ix), rows in indexes.items():
        rows.sort()
        t = cat[table]
        cols = tuple(r[1] for r in rows)
        if rows[0][3] != "BTREE":
            cols += (f"USING {rows[0][3]}",)
        if ix == "PRIMARY":
            t["pk"] = cols
        elif rows[0][2] == 0:
            t["unique"].append(cols)
        elif not any(cols == fk[0] for fk in t["fks"]):  # InnoDB's own index of a FK
            t["indexes"].append(cols)
    for table, clause in db.query(
            "SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            f"WHERE CONSTRAINT_SCHEMA = '{schema}'"):
        if table in cat:
            cat[table]["checks"].append(clause)
    return cat


# ---- comparison -----------------------------------------------------------------------------

def _order(t: dict[str, Any]) -> list[str]:
    """The column order, with the columns of one-to-one keys (a single-column foreign key
    that is unique or the primary key) sorted by name among the places they take: Tortoise
    adds them while iterating a set, so generate_schemas itself orders them differently from
    one run to the next. (tortoise-pathway sorts them by field name, deterministically.)"""
    fk_cols = {fk[0][0] for fk in t["fks"] if len(fk[0]) == 1}
    o2o = {c for c in fk_cols if (c,) in t["unique"] or t["pk"] == (c,)}
    order = list(t["order"])
    slots = [i for i, c in enumerate(order) if c in o2o]
    for i, c in zip(slots, sorted(order[i] for i in slots), strict=True):
        order[i] = c
    return order


def diff(a: Catalog, b: Catalog, *, a_name: str = "generate_schemas",
         b_name: str = "pathway", order: bool = True) -> list[str]:
    """The differences between two catalogs, one readable line each; empty when they agree.
    ``order=False`` leaves column order out (ALTER TABLE ADD COLUMN appends, where a table
    created from the models has the column in model order)."""
    out: list[str] = []

    def show(x: Any) -> str:
        return repr(x)

    for name in sorted(set(a) | set(b)):
        if name not in b:
            out.append(f"table {name}: only in {a_name}")
            continue
        if name not in a:
            out.append(f"table {name}: only in {b_name}")
            continue
        ta, tb = a[name], b[name]
        for col in list(dict.fromkeys([*ta["order"], *tb["order"]])):
            ca, cb = ta["columns"].get(col), tb["columns"].get(col)
            if ca is None or cb is None:
                out.append(f"{name}.{col}: only in {a_name if cb is None else b_name}")
                continue
            for key in sorted(set(ca) | set(cb)):
                if ca.get(key) != cb.get(key):
                    out.append(f"{name}.{col}: {key}: {show(ca.get(key))} ({a_name}) != "
                               f"{show(cb.get(key))} ({b_name})")
        keys = ["schema", "comment", "pk", "unique", "indexes", "fks", "checks", "options"]
        if order:
            keys.insert(0, "order")
        for key in keys:
            va, vb = (_order(ta), _order(tb)) if key == "order" else (ta.get(key), tb.get(key))
            if va == vb:
                continue
            if isinstance(va, list) and isinstance(vb, list) and key != "order":
                only_a = [x for x in va if x not in vb]
                only_b = [x for x in vb if x not in va]
                out.append(f"table {name}: {key}: only in {a_name}: {only_a}; only in "
                           f"{b_name}: {only_b}" if only_a or only_b else
                           f"table {name}: {key}: {va} ({a_name}) != {vb} ({b_name})")
            else:
                out.append(f"table {name}: {key}: {show(va)} ({a_name}) != {show(vb)} "
                           f"({b_name})")
    return out
