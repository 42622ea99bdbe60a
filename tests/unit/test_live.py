"""live.py's reading rules, without a database: how what a catalog lists becomes the engine's
schema (which unique index is a column's own constraint, which index InnoDB made for a foreign
key, composite keys, bookkeeping tables). The queries themselves run against real databases
in tests/integration (test_check.py, test_adopt.py) and tests/fidelity."""

from __future__ import annotations

from tortoise_pathway import live


def raw(*tables: live._RawTable) -> live._Raw:
    r = live._Raw()
    for t in tables:
        r.tables[t.name] = t
    return r


def users(**extra: object) -> live._RawTable:
    t = live._RawTable("users")
    t.columns = {"id": {"type": "integer", "null": False, "default": None,
                        "autoincrement": True},
                 "email": {"type": "character varying(100)", "null": False,
                           "default": "'x'::character varying"},
                 "team_id": {"type": "integer", "null": True, "default": None}}
    t.pk = ["id"]
    for k, v in extra.items():
        setattr(t, k, v)
    return t


def columns(result: live.Live, table: str = "users") -> dict[str, dict[str, object]]:
    t = next(t for t in result.schema["tables"] if t["name"] == table)
    return {c["name"]: c for c in t["columns"]}


def test_types_defaults_and_the_key_in_tortoise_spelling() -> None:
    result = live._finish(raw(users()), "postgres")
    c = columns(result)
    assert c["id"] == {"name": "id", "type": "INT", "null": False, "pk": True,
                       "autoincrement": True, "unique": False, "default": None,
                       "comment": None, "fk": None}
    assert (c["email"]["type"], c["email"]["default"]) == ("VARCHAR(100)", "x")


def test_unique_constraint_named_as_the_renderers_do_is_the_columns_own() -> None:
    result = live._finish(raw(users(indexes=[("users_email_key", ["email"], True, None, {})])),
                          "postgres")
    t = result.schema["tables"][0]
    assert columns(result)["email"]["unique"] is True
    assert "unique_name" not in columns(result)["email"]
    assert t["indexes"] == []


def test_mysql_inline_unique_keeps_its_name() -> None:
    result = live._finish(raw(users(indexes=[("email", ["email"], True, None, {})])), "mysql")
    assert columns(result)["email"]["unique"] is True
    assert columns(result)["email"]["unique_name"] == "email"


def test_other_unique_index_stays_an_index() -> None:
    result = live._finish(raw(users(indexes=[("uid_users_email", ["email"], True, None, {})])),
                          "postgres")
    assert columns(result)["email"]["unique"] is False
    assert result.schema["tables"][0]["indexes"] == [
        {"name": "uid_users_email", "columns": ["email"], "unique": True}]


def test_composite_primary_key_is_compared_as_a_unique_index() -> None:
    t = users()
    t.pk = ["id", "email"]
    result = live._finish(raw(t), "postgres")
    assert not any(c["pk"] for c in columns(result).values())
    assert result.schema["tables"][0]["indexes"][0] == {
        "name": "users_pkey", "columns": ["id", "email"], "unique": True}
    assert "primary key on several columns" in result.notes[0]


def test_innodb_index_of_a_foreign_key() -> None:
    fks = {("fk_users_team", "team_id")}
    assert live._innodb_fk_index("fk_users_team", "team_id", fks)
    assert live._innodb_fk_index("team_id", "team_id", fks)
    assert live._innodb_fk_index("team_id_2", "team_id", fks)
    assert not live._innodb_fk_index("idx_users_team", "team_id", fks)
    assert not live._innodb_fk_index("team_id", "team_id", set())


def test_unsafe_type_spelling_is_kept_comparable() -> None:
    assert live._safe_type('"MyEnum"') == "MyEnum"
    assert live._safe_type("enum('a','b')") == "enum(a,b)"


def test_bookkeeping_tables_are_never_read() -> None:
    r = live._Raw()
    for name in ("pathway_migrations", "aerich", "tortoise_migrations", "users"):
        assert live._keep(name, r, None) == (name == "users")
    assert r.bookkeeping == {"pathway_migrations", "aerich", "tortoise_migrations"}


def test_sqlite_index_statement_split_into_keys_and_condition() -> None:
    assert live._split_index_sql(
        'CREATE INDEX "a(b" ON "t, u" ((LOWER("x")), "y") WHERE x = \'a, (b\'') == (
        ['(LOWER("x"))', '"y"'], "x = 'a, (b'")
    assert live._split_index_sql('CREATE UNIQUE INDEX "i" ON "t" ("a")') == (['"a"'], None)
    assert live._split_index_sql('CREATE INDEX i ON t (a) where a > 1') == (["a"], "a > 1")


def test_index_kinds_are_read_as_they_are() -> None:
    kinds = {"method": "GIN", "condition": "(active = true)"}
    result = live._finish(raw(users(indexes=[("ix", ["email"], True, False, kinds)])),
                          "postgres")
    assert columns(result)["email"]["unique"] is False
    assert result.schema["tables"][0]["indexes"] == [
        {"name": "ix", "columns": ["email"], "unique": True, **kinds}]


def test_sqlite_generation_reads_the_expression_of_a_column() -> None:
    sql = ('CREATE TABLE "t" ("id" INT, "b c" INT GENERATED ALWAYS AS (a * (2 + 1)) STORED '
           "NOT NULL, d TEXT AS ('x,' || a), e INT)")
    assert live._sqlite_generation(sql, "b c") == "a * (2 + 1)"
    assert live._sqlite_generation(sql, "d") == "'x,' || a"
    assert live._sqlite_generation(sql, "e") is None
    assert live._sqlite_generation(sql, "missing") is None


def test_fragment_keeps_what_the_engine_can_hold() -> None:
    assert live._fragment('"a" * 2') == '"a" * 2'
    for bad in ("a; b", "a -- b", "a /* b", "f(a", "'open", "a # b", "a\\b", "a\nb"):
        assert live._fragment(bad) == "(unreadable)", bad
    assert live._generated("a + 1", True) == "GENERATED ALWAYS AS (a + 1) STORED"
    assert live._generated("a + 1", False) == "GENERATED ALWAYS AS (a + 1) VIRTUAL"


def test_sqlite_checks_reads_named_and_unnamed_checks() -> None:
    sql = ('CREATE TABLE "t" ("id" INT, "p" INT CHECK (p > 0), CONSTRAINT "pos" '
           'CHECK ("p" > (0)), CHECK (id > 1), CONSTRAINT [b] CHECK (p <> \',\'))')
    assert live._sqlite_checks(sql) == [("pos", '"p" > (0)'), (None, "id > 1"),
                                        ("b", "p <> ','")]
