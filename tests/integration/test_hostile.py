"""Hostile names and values on all three databases.

Tables named with reserved words (``order``, ``user``, ``group``, ``select``), in mixed case,
with spaces and quotes; columns with a single quote, a double quote, a backtick, a space; foreign
keys, an M2M table, indexes and unique_together on such columns; db_default strings and
descriptions holding quotes, backslashes, newlines, ``%``, ``?``, ``$1``, ``$$``, ``--``,
``/*``. Everything goes through makemigrations, migrate, rows written by Tortoise itself and by
raw SQL, renames (``--rename``), type changes, an added unique constraint, and rollback to
nothing. No value may reach the database as SQL: a default or a comment like
``x'); DROP TABLE users; --`` must leave the (hand-made) ``users`` table and its row alone.

Left out, because Tortoise itself cannot use them (pypika writes an identifier between quotes
without doubling a quote inside it, so its own INSERT/SELECT are broken): a table or column whose
name holds the connection's own identifier quote (``"`` on SQLite/PostgreSQL, a backtick on
MySQL). Such names are still migrated, written and read here, with raw SQL only
(table ``we"ird tab``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.conftest import Database, Project

# Every character that could end a literal, an identifier or a statement, or be read as a
# driver placeholder: ' " ` \ newline tab % %s ? $1 $$ -- /* */ ;
NASTY = ("it's \"q\" `b` \\ back\\\\slash\nnew line\ttab % %s ? $1 $$ -- /* c */ "
         "x'); DROP TABLE users; --")
NASTY2 = "*/ DROP TABLE users; /* \\' $$ ' $body$ ; --"
INJECT = "x'); DROP TABLE users; --"
INJECT_BS = "x\\'); DROP TABLE users; -- \\"  # MySQL: a backslash before the quote
INJECT_DOLLAR = "$$; DROP TABLE users; --"  # PostgreSQL dollar quoting (DO blocks)
INJECT_IDENT = 'x"); DROP TABLE users; --'
QUOTED = "it's a table"
WEIRD = 'we"ird tab'

CONSTANTS = f"""
NASTY = {NASTY!r}
NASTY2 = {NASTY2!r}
INJECT = {INJECT!r}
INJECT_BS = {INJECT_BS!r}
INJECT_DOLLAR = {INJECT_DOLLAR!r}
"""

MODELS_V1 = CONSTANTS + '''

class Order(models.Model):
    id = fields.IntField(primary_key=True)
    select = fields.CharField(max_length=200, db_default=NASTY, description=NASTY)
    where = fields.IntField(db_default=3, db_index=True, description=INJECT_BS)

    class Meta:
        table = "order"
        table_description = INJECT


class User(models.Model):
    id = fields.IntField(primary_key=True)
    group = fields.CharField(max_length=30, description=INJECT_DOLLAR)
    order = fields.ForeignKeyField("models.Order", related_name="users", source_field="order")

    class Meta:
        table = "user"
        unique_together = (("group", "order"),)  # the relation's name: its column is "order"


class Group(models.Model):
    id = fields.IntField(primary_key=True)
    from_ = fields.CharField(max_length=100, source_field="from", db_default="--")
    users = fields.ManyToManyField("models.User", related_name="groups", through="select",
                                   forward_key="user", backward_key="group")

    class Meta:
        table = "group"


class MixedCase(models.Model):
    Id = fields.IntField(primary_key=True, source_field="Id")
    CamelName = fields.CharField(max_length=20, source_field="CamelName", unique=True)

    class Meta:
        table = "MixedCase"


class Quoted(models.Model):
    id = fields.IntField(primary_key=True)
    squote = fields.CharField(max_length=20, source_field="it's", db_default="a'b")
    spaced = fields.CharField(max_length=20, source_field="with space", db_index=True)
    mixed = fields.ForeignKeyField("models.MixedCase", related_name="quoted", null=True,
                                   source_field="Mixed Ref")

    class Meta:
        table = "it's a table"
        unique_together = (("squote", "spaced"),)


class Weird(models.Model):
    id = fields.IntField(primary_key=True)
    dquote = fields.CharField(max_length=20, source_field='say "hi"', null=True)
    btick = fields.CharField(max_length=20, source_field="back`tick", null=True)
    inject = fields.CharField(max_length=60, source_field='x"); DROP TABLE users; --',
                              db_default=INJECT_BS, description=NASTY2)
    owner = fields.ForeignKeyField("models.Quoted", related_name="weirds", null=True,
                                   source_field="owner's")

    class Meta:
        table = 'we"ird tab'
        unique_together = (("dquote", "btick"),)
        indexes = (("btick",),)
'''

# Renames (a column to another reserved word, a table with an FK into it to a name with a
# space, a column with a quote), type changes (an indexed reserved-word column, a column in
# unique_together, an auto-increment key that an FK points at), unique added, a new default and
# new comments.
MODELS_V2 = (
    MODELS_V1
    .replace("select = fields.CharField(max_length=200, db_default=NASTY, description=NASTY)",
             'select = fields.CharField(max_length=200, db_default=NASTY, description=INJECT,'
             ' source_field="desc")')
    .replace("where = fields.IntField(db_default=3, db_index=True, description=INJECT_BS)",
             "where = fields.BigIntField(db_default=3, db_index=True, description=NASTY)")
    .replace('group = fields.CharField(max_length=30, description=INJECT_DOLLAR)',
             'group = fields.CharField(max_length=60, description=INJECT_DOLLAR)')
    .replace('source_field="from", db_default="--")',
             'source_field="from", db_default=NASTY2)')
    .replace('table = "MixedCase"', 'table = "Mixed Case"')
    .replace('''class Quoted(models.Model):
    id = fields.IntField(primary_key=True)''', '''class Quoted(models.Model):
    id = fields.BigIntField(primary_key=True)''')
    .replace('source_field="it\'s", db_default="a\'b")',
             'source_field="it\'s new", db_default="a\'b")')
    .replace('source_field="with space", db_index=True)',
             'source_field="with space", db_index=True, unique=True)')
    .replace("dquote = fields.CharField(max_length=20,", "dquote = fields.CharField(max_length=80,")
    .replace('source_field="back`tick", null=True)', 'source_field="back`tick", null=True, '
             'unique=True)')
)
RENAMES = ["order.select=desc", "MixedCase=Mixed Case", "it's a table.it's=it's new"]

# Tortoise itself, in a subprocess: create rows (defaults filled by the database), follow the
# reserved-word foreign key and the M2M table, read everything back.
PROBE = '''
import asyncio, json, sys
from tortoise import Tortoise
from proj.config import TORTOISE_ORM
from proj.models import Group, MixedCase, Order, Quoted, User

async def main():
    await Tortoise.init(config=TORTOISE_ORM)
    try:
        out, tag = {}, sys.argv[1]
        o = await Order.create()
        o = await Order.get(id=o.id)
        out["order"] = [o.select, o.where]
        u = await User.create(group="g'1 -- %s " + tag, order=o)
        g = await Group.create()
        g = await Group.get(id=g.id)
        out["group_from"] = g.from_
        await g.users.add(u)
        out["m2m"] = await g.users.all().values_list("group", flat=True)
        out["via_fk"] = await User.filter(order__select=o.select, groups__id=g.id).count()
        mc = await MixedCase.create(CamelName="Camel %s " + tag)
        q = await Quoted.create(spaced="s p %s " + tag, mixed=mc)
        q = await Quoted.get(id=q.id).prefetch_related("mixed")
        out["quoted"] = [q.squote, q.spaced, q.mixed.CamelName]
        out["counts"] = [await M.all().count() for M in (Order, User, Group, MixedCase, Quoted)]
        print(json.dumps(out))
    finally:
        await Tortoise.close_connections()

asyncio.run(main())
'''


def probe(project: Project, tag: str) -> dict[str, Any]:
    """Runs PROBE; tag makes the values of unique columns differ from one run to the next."""
    (project.root / "probe.py").write_text(PROBE)
    proc = subprocess.run([sys.executable, "probe.py", tag], cwd=project.root, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ident(db: Database, name: str) -> str:
    quote = "`" if db.dialect == "mysql" else '"'
    return quote + name.replace(quote, quote * 2) + quote


def lit(db: Database, value: str) -> str:
    if db.dialect == "mysql":
        value = value.replace("\\", "\\\\")
    return "'" + value.replace("'", "''") + "'"


def insert_defaults(db: Database, table: str) -> None:
    """A row with every column at its default."""
    if db.dialect == "mysql":
        db.query(f"INSERT INTO {ident(db, table)} () VALUES ()")
    else:
        db.query(f"INSERT INTO {ident(db, table)} DEFAULT VALUES")


def make_victim(db: Database) -> None:
    """The table every injection attempt names, outside the migrations."""
    db.query("CREATE TABLE users (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL)")
    db.query("INSERT INTO users (id, name) VALUES (1, 'ada')")


def assert_victim_intact(db: Database) -> None:
    assert "users" in db.tables()
    assert db.query("SELECT id, name FROM users") == [(1, "ada")]


def columns(db: Database, table: str) -> list[str]:
    """db.columns, for names with quotes in them."""
    if db.dialect == "sqlite":
        return [r[1] for r in db.query(f"PRAGMA table_info({ident(db, table)})")]
    schema = lit(db, db.name) if db.dialect == "mysql" else "'public'"
    return [r[0] for r in db.query(
        "SELECT column_name FROM information_schema.columns WHERE "
        f"table_schema = {schema} AND table_name = {lit(db, table)} ORDER BY ordinal_position")]


def user_tables(db: Database) -> set[str]:
    return db.tables() - {"pathway_migrations", "pathway_progress", "users"}


def column_comment(db: Database, table: str, column: str) -> str | None:
    if db.dialect == "postgres":
        rows = db.query(
            "SELECT col_description(c.oid, a.attnum) FROM pg_class c JOIN pg_attribute a "
            f"ON a.attrelid = c.oid WHERE c.relname = {lit(db, table)} "
            f"AND c.relnamespace = 'public'::regnamespace AND a.attname = {lit(db, column)}")
    else:
        rows = db.query(
            "SELECT column_comment FROM information_schema.columns WHERE "
            f"table_schema = {lit(db, db.name)} AND table_name = {lit(db, table)} "
            f"AND column_name = {lit(db, column)}")
    assert len(rows) == 1, (table, column)
    return rows[0][0] or None


def table_comment(db: Database, table: str) -> str | None:
    if db.dialect == "postgres":
        rows = db.query(f"SELECT obj_description(c.oid, 'pg_class') FROM pg_class c WHERE "
                        f"c.relname = {lit(db, table)} AND "
                        "c.relnamespace = 'public'::regnamespace")
    else:
        rows = db.query(f"SELECT table_comment FROM information_schema.tables WHERE "
                        f"table_schema = {lit(db, db.name)} AND table_name = {lit(db, table)}")
    assert len(rows) == 1, table
    return rows[0][0] or None


def stored_comment(db: Database, value: str) -> str:
    """What the database keeps of a comment: MariaDB keeps its metadata in utf8mb3, where a
    character outside the BMP becomes '?' (a limit of the server, not of the migration)."""
    if db.dialect == "mysql":
        return "".join("?" if ord(ch) > 0xFFFF else ch for ch in value)
    return value


def rejected(db: Database, sql: str) -> bool:
    try:
        db.query(sql)
    except Exception:
        return True
    return False


V1_TABLES = {"order", "user", "group", "select", "MixedCase", QUOTED, WEIRD}
V2_TABLES = V1_TABLES - {"MixedCase"} | {"Mixed Case"}
DQ, BT, OWNER, INJ_COL = 'say "hi"', "back`tick", "owner's", INJECT_IDENT
SQ_NEW = "it's new"


def test_hostile_names_and_values_through_their_whole_life(project: Project) -> None:
    db = project.db
    i = lambda name: ident(db, name)  # noqa: E731
    make_victim(db)
    project.models(MODELS_V1)
    project.run("makemigrations", "--app", "models")
    assert "No changes" in project.run("makemigrations", "--app", "models").stdout
    project.run("migrate", "--app", "models")
    assert user_tables(db) == V1_TABLES
    assert columns(db, WEIRD) == ["id", DQ, BT, INJ_COL, OWNER]
    assert columns(db, QUOTED) == ["id", "it's", "with space", "Mixed Ref"]
    assert columns(db, "select") == ["group", "user"]
    assert columns(db, "user") == ["id", "group", "order"]
    assert_victim_intact(db)

    # rows through Tortoise: database defaults come back byte for byte
    out = probe(project, "v1")
    assert out["order"] == [NASTY, 3]
    assert out["group_from"] == "--"
    assert out["m2m"] == ["g'1 -- %s v1"]
    assert out["via_fk"] == 1
    assert out["quoted"] == ["a'b", "s p %s v1", "Camel %s v1"]

    # rows through raw SQL, also into the table Tortoise cannot query
    w, qt, order = i(WEIRD), i(QUOTED), i("order")
    db.query(f"INSERT INTO {w} ({i(DQ)}, {i(BT)}, {i(OWNER)}) VALUES ('d1', 'b1', 1)")
    insert_defaults(db, WEIRD)
    assert db.query(f"SELECT {i(INJ_COL)} FROM {w} ORDER BY id") == [(INJECT_BS,)] * 2
    insert_defaults(db, "order")
    assert db.query(f"SELECT {i('select')} FROM {order} ORDER BY id") == [(NASTY,)] * 2
    # unique_together on quoted names, and the FK between hostile tables, hold
    assert rejected(db, f"INSERT INTO {w} ({i(DQ)}, {i(BT)}) VALUES ('d1', 'b1')")
    assert rejected(db, f"INSERT INTO {w} ({i(OWNER)}) VALUES (99)")
    db.query(f"INSERT INTO {qt} ({i('with space')}) VALUES ('s p %s')")
    assert rejected(db, f"INSERT INTO {qt} ({i('with space')}) VALUES ('s p %s')")
    if db.dialect != "sqlite":  # SQLite keeps no comments
        assert table_comment(db, "order") == INJECT
        assert column_comment(db, "order", "select") == NASTY
        assert column_comment(db, "order", "where") == INJECT_BS
        assert column_comment(db, "user", "group") == INJECT_DOLLAR
        assert column_comment(db, WEIRD, INJ_COL) == NASTY2
    assert_victim_intact(db)

    # renames, type changes, unique constraints added, a new default and new comments
    project.models(MODELS_V2)
    args = [a for r in RENAMES for a in ("--rename", r)]
    # one migration (not expand + contract): rollback goes back to V1 in one step
    made = project.run("makemigrations", "--app", "models", "--no-input", "--one-migration",
                       *args).stdout
    assert "Rename table MixedCase to Mixed Case" in made
    assert "Rename column order.select to desc" in made
    assert "Rename column it's a table.it's to it's new" in made
    assert "Delete" not in made and "Remove column" not in made
    assert "No changes" in project.run("makemigrations", "--app", "models").stdout
    project.run("migrate", "--app", "models")
    assert user_tables(db) == V2_TABLES
    assert columns(db, "order") == ["id", "desc", "where"]
    assert columns(db, QUOTED) == ["id", "it's new", "with space", "Mixed Ref"]
    assert db.query(f"SELECT {i('desc')} FROM {order} ORDER BY id") == [(NASTY,)] * 2
    assert db.query(f"SELECT {i('CamelName')} FROM {i('Mixed Case')}") == [("Camel %s v1",)]
    assert db.query(f"SELECT {i(DQ)}, {i(INJ_COL)} FROM {w} ORDER BY id") == [
        ("d1", INJECT_BS), (None, INJECT_BS)]
    insert_defaults(db, "group")
    assert db.query(f"SELECT {i('from')} FROM {i('group')} ORDER BY id")[-1] == (NASTY2,)
    # the added unique constraints hold; the wider column takes a longer value
    assert rejected(db, f"INSERT INTO {w} ({i(BT)}) VALUES ('b1')")
    assert rejected(db, f"INSERT INTO {qt} ({i(SQ_NEW)}, {i('with space')}) "
                        "VALUES ('other', 's p %s')")
    db.query(f"INSERT INTO {w} (id, {i(DQ)}) VALUES (100, '{'x' * 80}')")
    db.query(f"DELETE FROM {w} WHERE id = 100")  # it would not fit when reverted
    if db.dialect != "sqlite":
        assert column_comment(db, "order", "desc") == INJECT
        assert column_comment(db, "order", "where") == NASTY
        schema = f" AND table_schema = {lit(db, db.name)}" if db.dialect == "mysql" else ""
        types = db.query("SELECT table_name, column_name, data_type FROM "
                         "information_schema.columns WHERE column_name IN ('where', 'id', "
                         f"'owner''s'){schema} AND table_name IN ('order', {lit(db, QUOTED)}, "
                         f"{lit(db, WEIRD)}) ORDER BY 1, 2")
        assert types == [(QUOTED, "id", "bigint"), ("order", "id", "integer" if db.dialect ==
                         "postgres" else "int"), ("order", "where", "bigint"),
                         (WEIRD, "id", "integer" if db.dialect == "postgres" else "int"),
                         (WEIRD, OWNER, "bigint")]
    # Tortoise again, on the renamed columns and tables
    out = probe(project, "v2")
    assert out["order"] == [NASTY, 3]
    assert out["group_from"] == NASTY2
    assert out["quoted"] == ["a'b", "s p %s v2", "Camel %s v2"]
    assert out["counts"] == [3, 2, 3, 2, 3]
    assert_victim_intact(db)

    # back to V1: names, defaults and comments as they were, rows kept
    project.run("rollback", "--app", "models")
    assert user_tables(db) == V1_TABLES
    assert columns(db, QUOTED) == ["id", "it's", "with space", "Mixed Ref"]
    assert db.query(f"SELECT {i('select')} FROM {order} ORDER BY id") == [(NASTY,)] * 3
    assert db.query(f"SELECT {i('CamelName')} FROM {i('MixedCase')} ORDER BY 1") == [
        ("Camel %s v1",), ("Camel %s v2",)]
    insert_defaults(db, "group")
    assert db.query(f"SELECT {i('from')} FROM {i('group')} ORDER BY id")[-1] == ("--",)
    if db.dialect != "sqlite":
        assert column_comment(db, "order", "select") == NASTY
        assert column_comment(db, "order", "where") == INJECT_BS
    assert_victim_intact(db)

    project.run("rollback", "--app", "models")
    assert user_tables(db) == set()
    assert_victim_intact(db)


VALUES = [INJECT, INJECT_BS, INJECT_DOLLAR, NASTY2, "\\", "'", "''", "\\'", "%s%%?$1:x",
          "a\nb\r\nc\x01", "é ✓ 🐢"]


def test_values_never_run_as_sql(project: Project) -> None:
    """Defaults and comments set, changed and reverted: each stays data, byte for byte."""
    db = project.db
    make_victim(db)
    body = "\n".join(f"    c{n} = fields.CharField(max_length=100, db_default=V[{n}], "
                     f"description=V[{n}])" for n in range(len(VALUES)))
    source = f"""
V = {VALUES!r}


class Note(models.Model):
    id = fields.IntField(primary_key=True)
{body}

    class Meta:
        table = "notes"
        table_description = V[0]
"""
    names = [f"c{n}" for n in range(len(VALUES))]
    select = f"SELECT {', '.join(names)} FROM notes ORDER BY id"
    project.models(source)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    insert_defaults(db, "notes")
    assert db.query(select) == [tuple(VALUES)]
    if db.dialect != "sqlite":
        assert [column_comment(db, "notes", c) for c in names] == [
            stored_comment(db, v) for v in VALUES]
        assert table_comment(db, "notes") == VALUES[0]
    # changed: the new defaults and comments go through ALTER (SQLite: a table rebuild)
    project.models(source.replace("\nclass Note", "\nV = [v + '|' + v for v in V]\n\n\nclass Note"))
    project.run("makemigrations", "--app", "models")
    assert "No changes" in project.run("makemigrations", "--app", "models").stdout
    project.run("migrate", "--app", "models")
    insert_defaults(db, "notes")
    doubled = [v + "|" + v for v in VALUES]
    assert db.query(select) == [tuple(VALUES), tuple(doubled)]
    if db.dialect != "sqlite":
        assert [column_comment(db, "notes", c) for c in names] == [
            stored_comment(db, v) for v in doubled]
        assert table_comment(db, "notes") == doubled[0]
    assert_victim_intact(db)
    project.run("rollback", "--app", "models")
    insert_defaults(db, "notes")
    assert db.query(select)[-1] == tuple(VALUES)
    if db.dialect != "sqlite":
        assert [column_comment(db, "notes", c) for c in names] == [
            stored_comment(db, v) for v in VALUES]
        assert table_comment(db, "notes") == VALUES[0]
    project.run("rollback", "--app", "models")
    assert "notes" not in db.tables()
    assert_victim_intact(db)
