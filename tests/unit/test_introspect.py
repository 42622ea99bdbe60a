"""Tortoise models -> the engine's target schema.

Each test writes its models into a module with a name of its own, initialises them in a fresh
``TortoiseContext`` (Tortoise 1.x keeps its state in a context variable, so nothing leaks
between tests) and removes the module afterwards. Names and types are checked against what
Tortoise's own schema generator writes for the same models.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.context import TortoiseContext
from tortoise.utils import get_schema_sql

from tortoise_pathway import _engine, introspect
from tortoise_pathway.exceptions import ModelError

HEADER = """\
import datetime
import decimal
import enum
import uuid

from tortoise import fields, models
from tortoise.fields.db_defaults import Now, SqlDefault
from tortoise.indexes import Index

"""

URLS = {"sqlite": "sqlite://:memory:", "postgres": "postgres://u:p@127.0.0.1:1/x",
        "mysql": "mysql://u:p@127.0.0.1:1/x"}


class Models:
    """Writes model modules under tmp_path, each under a fresh name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: list[str] = []

    def module(self, source: str) -> str:
        name = f"pw_models_{uuid.uuid4().hex[:12]}"
        (self.root / f"{name}.py").write_text(HEADER + textwrap.dedent(source))
        importlib.invalidate_caches()
        self.names.append(name)
        return name

    def schema(self, source: str, app: str = "models") -> dict[str, Any]:
        """app_schema of the models, initialised without a connection (init_models)."""
        name = self.module(source)
        with TortoiseContext():
            Tortoise.init_models([name], app)
            return introspect.app_schema(app)

    def tables(self, source: str) -> dict[str, dict[str, Any]]:
        return {t["name"]: t for t in self.schema(source)["tables"]}

    def schema_on(self, source: str, dialect: str, app: str = "models") -> dict[str, Any]:
        """app_schema of the models initialised with a connection of dialect (not opened):
        what an index expression needs to be resolved."""
        name = self.module(source)

        async def run() -> dict[str, Any]:
            await Tortoise.init(config={"connections": {"default": URLS[dialect]},
                                        "apps": {app: {"models": [name]}}})
            try:
                return introspect.app_schema(app)
            finally:
                await Tortoise.close_connections()

        return asyncio.run(run())

    def tortoise_sql(self, source: str, dialect: str) -> str:
        """What Tortoise's generate_schemas would run for the same models on dialect."""
        name = self.module(source)

        async def run() -> str:
            await Tortoise.init(config={"connections": {"default": URLS[dialect]},
                                        "apps": {"models": {"models": [name]}}})
            try:
                return get_schema_sql(Tortoise.get_connection("default"), safe=False)
            finally:
                await Tortoise.close_connections()

        return asyncio.run(run())


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Models]:
    monkeypatch.syspath_prepend(str(tmp_path))
    m = Models(tmp_path)
    yield m
    for name in m.names:
        sys.modules.pop(name, None)
    assert Tortoise.apps is None  # no context left behind


def columns(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in table["columns"]}


USERS = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=255, unique=True, description="the mail")
    name = fields.CharField(max_length=50, db_index=True)
    active = fields.BooleanField(db_default=True)
    score = fields.IntField(db_default=7)
    title = fields.CharField(max_length=20, db_default="it's")
    created = fields.DatetimeField(auto_now_add=True)
    seen = fields.DatetimeField(db_default=Now())
    calc = fields.IntField(db_default=SqlDefault("1 + 1"))
    bio = fields.TextField(null=True)
    groups = fields.ManyToManyField("models.Group", related_name="users", through="user_group",
                                    description="memberships")

    class Meta:
        table = "users"
        table_description = "All users"
        unique_together = (("name", "score"),)
        indexes = [Index(fields=("title",), name="ix_title"), ("bio", "score")]


class Group(models.Model):
    id = fields.BigIntField(primary_key=True)
    uuid = fields.UUIDField()
    owner = fields.ForeignKeyField("models.User", related_name="owned", on_delete=fields.SET_NULL,
                                   null=True, description="who owns it")
    editor = fields.ForeignKeyField("models.User", related_name="edited",
                                    on_delete=fields.RESTRICT, to_field="email")
    data = fields.JSONField(null=True)
    price = fields.DecimalField(max_digits=10, decimal_places=2, db_default=decimal.Decimal("1.50"))
    ratio = fields.FloatField(db_default=0.5)
"""


def test_tables_are_sorted_with_the_m2m_table(models: Models) -> None:
    schema = models.schema(USERS)
    assert [t["name"] for t in schema["tables"]] == ["group", "user_group", "users"]
    # the engine accepts it as a target as is
    assert _engine.diff([], schema) != []


def test_column_types_per_dialect(models: Models) -> None:
    t = models.tables(USERS)
    users, group = columns(t["users"]), columns(t["group"])
    assert users["email"]["type"] == "VARCHAR(255)"
    assert users["bio"]["type"] == {"sqlite": "TEXT", "postgres": "TEXT", "mysql": "LONGTEXT"}
    assert users["active"]["type"] == {"sqlite": "INT", "postgres": "BOOL", "mysql": "BOOL"}
    assert users["created"]["type"] == {"sqlite": "TIMESTAMP", "postgres": "TIMESTAMPTZ",
                                        "mysql": "DATETIME(6)"}
    assert group["uuid"]["type"] == {"sqlite": "CHAR(36)", "postgres": "UUID",
                                     "mysql": "CHAR(36)"}
    assert group["data"]["type"] == {"sqlite": "JSON", "postgres": "JSONB", "mysql": "JSON"}
    assert group["price"]["type"] == {"sqlite": "VARCHAR(40)", "postgres": "DECIMAL(10,2)",
                                      "mysql": "DECIMAL(10,2)"}
    assert group["id"]["type"] == "BIGINT"


@pytest.mark.parametrize("dialect", ["sqlite", "postgres", "mysql"])
def test_types_and_names_match_tortoises_own_schema(models: Models, dialect: str) -> None:
    schema = models.schema(USERS)
    sql = models.tortoise_sql(USERS, dialect)
    q = "`" if dialect == "mysql" else '"'
    for t in schema["tables"]:
        assert f"CREATE TABLE {q}{t['name']}{q}" in sql
        for c in t["columns"]:
            if c["pk"] and c["autoincrement"]:
                continue  # INTEGER PRIMARY KEY AUTOINCREMENT / SERIAL: rendered by the engine
            type_ = c["type"] if isinstance(c["type"], str) else c["type"][dialect]
            assert f"{q}{c['name']}{q} {type_}" in sql, (t["name"], c["name"])
        for ix in t["indexes"]:
            assert f"{q}{ix['name']}{q}" in sql, ix["name"]
    if dialect == "mysql":  # the one dialect where Tortoise names its foreign keys
        group = columns({t["name"]: t for t in schema["tables"]}["group"])
        assert f"CONSTRAINT `{group['owner_id']['fk']['name']}` FOREIGN KEY (`owner_id`)" in sql


def test_primary_keys(models: Models) -> None:
    t = models.tables("""
        class A(models.Model):
            id = fields.IntField(primary_key=True)
        class B(models.Model):
            id = fields.BigIntField(primary_key=True)
        class C(models.Model):
            code = fields.CharField(max_length=10, primary_key=True)
        class D(models.Model):
            id = fields.UUIDField(primary_key=True)
        class E(models.Model):
            id = fields.IntField(primary_key=True, generated=False)
        class F(models.Model):
            pass
    """)
    pks = {name: [c for c in t[name]["columns"] if c["pk"]] for name in t}
    assert {name: (c[0]["name"], c[0]["autoincrement"]) for name, c in pks.items()} == {
        "a": ("id", True), "b": ("id", True), "c": ("code", False), "d": ("id", False),
        "e": ("id", False), "f": ("id", True)}
    for name, c in pks.items():
        assert len(c) == 1
        assert c[0]["null"] is False and c[0]["unique"] is False, name


def test_foreign_keys(models: Models) -> None:
    t = models.tables(USERS)
    group = columns(t["group"])
    assert list(group) == ["id", "uuid", "data", "price", "ratio", "editor_id", "owner_id"]
    assert group["owner_id"]["fk"] == {
        "name": introspect.fk_name("group", "owner_id", "users", "id"),
        "table": "users", "column": "id", "on_delete": "SET NULL"}
    assert group["owner_id"]["fk"]["name"] == "fk_group_users_eb2cba90"
    assert group["owner_id"]["null"] is True
    assert group["owner_id"]["type"] == "INT"
    assert group["owner_id"]["comment"] == "who owns it"
    assert group["editor_id"]["fk"] == {
        "name": introspect.fk_name("group", "editor_id", "users", "email"),
        "table": "users", "column": "email", "on_delete": "RESTRICT"}
    assert group["editor_id"]["type"] == "VARCHAR(255)"
    assert group["editor_id"]["null"] is False


def test_foreign_key_without_constraint(models: Models) -> None:
    t = models.tables("""
        class A(models.Model):
            id = fields.IntField(primary_key=True)
        class B(models.Model):
            a = fields.ForeignKeyField("models.A", db_constraint=False)
            c = fields.ForeignKeyField("models.A", related_name="cs", on_delete=fields.NO_ACTION)
            d = fields.ForeignKeyField("models.A", related_name="ds",
                                       on_delete=fields.SET_DEFAULT, default=1)
    """)
    b = columns(t["b"])
    assert b["a_id"]["fk"] is None
    assert b["c_id"]["fk"]["on_delete"] == "NO ACTION"
    assert b["d_id"]["fk"]["on_delete"] == "SET DEFAULT"


def test_one_to_one_and_self_reference(models: Models) -> None:
    t = models.tables("""
        class User(models.Model):
            id = fields.IntField(primary_key=True)
            mentor = fields.ForeignKeyField("models.User", null=True, related_name="mentees")
        class Profile(models.Model):
            user = fields.OneToOneField("models.User", primary_key=True, related_name="profile")
        class Avatar(models.Model):
            user = fields.OneToOneField("models.User", related_name="avatar")
    """)
    assert columns(t["user"])["mentor_id"]["fk"]["table"] == "user"
    profile = columns(t["profile"])["user_id"]
    assert (profile["pk"], profile["autoincrement"], profile["type"]) == (True, False, "INT")
    assert profile["fk"]["table"] == "user"
    avatar = columns(t["avatar"])["user_id"]
    assert avatar["unique"] is True and avatar["pk"] is False


def test_unique_and_db_index(models: Models) -> None:
    t = models.tables(USERS)
    users = columns(t["users"])
    assert users["email"]["unique"] is True
    assert users["name"]["unique"] is False
    assert users["email"]["comment"] == "the mail"
    idx = introspect.index_name("idx", "users", ["name"])
    assert idx == "idx_users_name_6aafa3"
    assert {"name": idx, "columns": ["name"], "unique": False} in t["users"]["indexes"]


def test_indexes_in_order(models: Models) -> None:
    t = models.tables(USERS)
    assert t["users"]["indexes"] == [
        {"name": "idx_users_name_6aafa3", "columns": ["name"], "unique": False},
        {"name": "uid_users_name_53ca27", "columns": ["name", "score"], "unique": True},
        {"name": "ix_title", "columns": ["title"], "unique": False},
        {"name": introspect.index_name("idx", "users", ["bio", "score"]),
         "columns": ["bio", "score"], "unique": False},
    ]


def test_unique_together_on_a_foreign_key_uses_its_column(models: Models) -> None:
    t = models.tables("""
        class A(models.Model):
            id = fields.IntField(primary_key=True)
        class B(models.Model):
            a = fields.ForeignKeyField("models.A")
            n = fields.IntField(source_field="number")
            class Meta:
                unique_together = (("a", "n"),)
                indexes = (("n",),)
    """)
    assert t["b"]["indexes"] == [
        {"name": introspect.index_name("uid", "b", ["a_id", "number"]),
         "columns": ["a_id", "number"], "unique": True},
        {"name": introspect.index_name("idx", "b", ["number"]), "columns": ["number"],
         "unique": False},
    ]
    assert [c["name"] for c in t["b"]["columns"]] == ["id", "number", "a_id"]


def test_unique_together_on_a_renamed_foreign_key_column(models: Models) -> None:
    t = models.tables("""
        class A(models.Model):
            id = fields.IntField(primary_key=True)
        class B(models.Model):
            a = fields.ForeignKeyField("models.A", source_field="writer")
            n = fields.IntField()
            class Meta:
                unique_together = (("n", "a"),)
    """)
    assert t["b"]["indexes"][0]["columns"] == ["n", "writer"]


def test_m2m_through_table(models: Models) -> None:
    t = models.tables(USERS)
    through = t["user_group"]
    assert through["comment"] == "memberships"
    assert through["columns"] == [
        {"name": "users_id", "type": "INT", "null": False, "pk": False, "autoincrement": False,
         "unique": False, "default": None, "comment": None,
         "fk": {"name": introspect.fk_name("user_group", "users_id", "users", "id"),
                "table": "users", "column": "id", "on_delete": "CASCADE"}},
        {"name": "group_id", "type": "BIGINT", "null": False, "pk": False, "autoincrement": False,
         "unique": False, "default": None, "comment": None,
         "fk": {"name": introspect.fk_name("user_group", "group_id", "group", "id"),
                "table": "group", "column": "id", "on_delete": "CASCADE"}},
    ]
    assert through["indexes"] == [{"name": "uidx_user_group_users_i_51334d",
                                   "columns": ["users_id", "group_id"], "unique": True}]


def test_m2m_with_a_through_model_is_not_doubled(models: Models) -> None:
    t = models.tables("""
        class Tag(models.Model):
            id = fields.IntField(primary_key=True)
        class Post(models.Model):
            id = fields.IntField(primary_key=True)
            tags = fields.ManyToManyField("models.Tag", through="post_tag",
                                          forward_key="tag_id", backward_key="post_id")
        class PostTag(models.Model):
            post = fields.ForeignKeyField("models.Post")
            tag = fields.ForeignKeyField("models.Tag")
            class Meta:
                table = "post_tag"
    """)
    assert sorted(t) == ["post", "post_tag", "tag"]
    assert [c["name"] for c in t["post_tag"]["columns"]] == ["id", "post_id", "tag_id"]


def test_default_m2m_table_name_and_keys(models: Models) -> None:
    t = models.tables("""
        class Tag(models.Model):
            id = fields.IntField(primary_key=True)
        class Post(models.Model):
            id = fields.IntField(primary_key=True)
            tags = fields.ManyToManyField("models.Tag", related_name="posts",
                                          on_delete=fields.RESTRICT)
    """)
    assert sorted(t) == ["post", "post_tag", "tag"]
    cols = t["post_tag"]["columns"]
    assert [(c["name"], c["fk"]["table"], c["fk"]["on_delete"]) for c in cols] == [
        ("post_id", "post", "RESTRICT"), ("tag_id", "tag", "RESTRICT")]


def test_comments(models: Models) -> None:
    t = models.tables(USERS)
    assert t["users"]["comment"] == "All users"
    assert t["group"]["comment"] is None
    assert columns(t["users"])["name"]["comment"] is None


def test_db_defaults(models: Models) -> None:
    t = models.tables(USERS)
    users, group = columns(t["users"]), columns(t["group"])
    assert users["active"]["default"] is True
    assert users["score"]["default"] == 7
    assert users["title"]["default"] == "it's"
    # Now() as generate_schemas writes it: CURRENT_TIMESTAMP(6) for MySQL's DATETIME(6)
    assert users["seen"]["default"] == {"expr": {"sqlite": "CURRENT_TIMESTAMP",
                                                 "postgres": "CURRENT_TIMESTAMP",
                                                 "mysql": "CURRENT_TIMESTAMP(6)"}}
    assert users["calc"]["default"] == {"expr": "1 + 1"}
    assert users["created"]["default"] is None  # auto_now_add is Python-side
    assert users["bio"]["default"] is None
    assert group["price"]["default"] == {"expr": "1.50"}  # a numeric literal
    assert group["ratio"]["default"] == 0.5


def test_python_defaults_do_not_reach_the_schema(models: Models) -> None:
    t = models.tables("""
        class A(models.Model):
            n = fields.IntField(default=5)
            s = fields.CharField(max_length=5, default="x")
            u = fields.UUIDField(default=uuid.uuid4)
    """)
    assert [c["default"] for c in t["a"]["columns"]] == [None, None, None, None]


def test_db_defaults_of_other_kinds(models: Models) -> None:
    t = models.tables("""
        class Color(enum.IntEnum):
            RED = 1
            BLUE = 2

        class Size(str, enum.Enum):
            S = "small"
            L = "large"

        class A(models.Model):
            color = fields.IntEnumField(Color, db_default=Color.BLUE)
            size = fields.CharEnumField(Size, db_default=Size.L)
            day = fields.DateField(db_default=datetime.date(2024, 2, 29))
            key = fields.UUIDField(db_default=uuid.UUID("12345678-1234-5678-1234-567812345678"))
            off = fields.BooleanField(db_default=False)
            zero = fields.IntField(db_default=0)
    """)
    a = columns(t["a"])
    assert a["color"]["default"] == 2
    assert a["size"]["default"] == "large"
    assert a["day"]["default"] == "2024-02-29"
    assert a["key"]["default"] == "12345678-1234-5678-1234-567812345678"
    assert a["off"]["default"] is False
    assert a["zero"]["default"] == 0


def test_custom_field_type_per_dialect(models: Models) -> None:
    t = models.tables("""
        class Color(fields.Field[str]):
            SQL_TYPE = "CHAR(7)"
            field_type = str

            class _db_postgres:
                SQL_TYPE = "VARCHAR(7)"

        class A(models.Model):
            color = Color()
    """)
    assert columns(t["a"])["color"]["type"] == {"sqlite": "CHAR(7)", "postgres": "VARCHAR(7)",
                                                "mysql": "CHAR(7)"}


def test_abstract_models_are_left_out(models: Models) -> None:
    t = models.tables("""
        class Base(models.Model):
            created = fields.IntField(null=True)
            class Meta:
                abstract = True
        class Real(Base):
            id = fields.IntField(primary_key=True)
    """)
    assert sorted(t) == ["real"]
    assert [c["name"] for c in t["real"]["columns"]] == ["created", "id"]


def test_schema_of_an_unknown_app(models: Models) -> None:
    models.schema("class A(models.Model):\n    pass\n")
    with TortoiseContext():
        with pytest.raises(ModelError) as e:
            introspect.app_schema("models")
        assert str(e.value) == "app models has no models"
        assert e.value.path == "models"


def test_two_models_with_one_table(models: Models) -> None:
    with pytest.raises(ModelError) as e:
        models.schema("""
            class A(models.Model):
                class Meta:
                    table = "same"
            class B(models.Model):
                class Meta:
                    table = "same"
        """)
    assert str(e.value) == ("app models: two models use table same (in one schema or in two: "
                            "tables are known by their name)")
    assert e.value.path == "same"


def test_meta_schema_goes_with_the_table_and_its_m2m_tables(models: Models) -> None:
    schema = models.schema("""
        class Tag(models.Model):
            class Meta:
                table = "tag"
        class Post(models.Model):
            tags = fields.ManyToManyField("models.Tag", through="post_tag")
            class Meta:
                table = "post"
                schema = "blog"
    """)
    tables = {t["name"]: t for t in schema["tables"]}
    assert tables["post"]["schema"] == "blog"
    assert tables["post_tag"]["schema"] == "blog"  # as generate_schemas places it
    assert "schema" not in tables["tag"]


def test_full_schema_with_tortoise_init_on_sqlite_memory(models: Models) -> None:
    name = models.module(USERS)

    async def run() -> dict[str, Any]:
        await Tortoise.init(config={"connections": {"default": "sqlite://:memory:"},
                                    "apps": {"models": {"models": [name]}}})
        try:
            return introspect.app_schema("models")
        finally:
            await Tortoise.close_connections()

    schema = asyncio.run(run())
    assert schema == models.schema(USERS)


def test_state_does_not_leak_between_initialisations(models: Models) -> None:
    first = models.tables("class A(models.Model):\n    x = fields.IntField()\n")
    second = models.tables("class B(models.Model):\n    y = fields.IntField()\n")
    assert sorted(first) == ["a"] and sorted(second) == ["b"]


def test_field_classes(models: Models) -> None:
    name = models.module(USERS)
    with TortoiseContext():
        Tortoise.init_models([name], "models")
        classes = introspect.field_classes()
    assert classes[("users", "email")] == "CharField"
    assert classes[("users", "active")] == "BooleanField"
    assert classes[("group", "owner_id")] == "ForeignKeyField"


def test_the_diff_of_models_against_their_own_migration_is_empty(models: Models) -> None:
    schema = models.schema(USERS)
    ops = _engine.diff([], schema)
    assert _engine.diff([ops], schema) == []
    for dialect in ("sqlite", "postgres", "mysql"):
        assert len(_engine.render([], [ops], dialect)[0]) == len(ops)


INDEX_KINDS = """
from tortoise.contrib.mysql.indexes import FullTextIndex
from tortoise.contrib.postgres.indexes import GinIndex
from tortoise.functions import Lower
from tortoise.indexes import PartialIndex


class Doc(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)
    tags = fields.JSONField()
    active = fields.BooleanField()

    class Meta:
        indexes = [
            GinIndex(fields=("tags",), condition={"active": True}),
            PartialIndex(fields=("title",), condition={"title": "x"}, name="doc_x"),
            Index(Lower("title")),
            FullTextIndex(fields=("title",), parser_name="ngram"),
        ]
"""


def test_index_kinds_as_generate_schemas_makes_them(models: Models) -> None:
    (doc,) = models.schema_on(INDEX_KINDS, "postgres")["tables"]
    gin, partial, lower, fulltext = doc["indexes"]
    assert gin == {"name": gin["name"], "columns": ["tags"], "unique": False, "method": "GIN",
                   "condition": "active = true"}
    assert partial == {"name": "doc_x", "columns": ["title"], "unique": False,
                       "condition": "title = 'x'"}
    assert lower == {"name": lower["name"], "columns": [], "unique": False,
                     "expressions": ['(LOWER("title"))']}
    assert fulltext == {"name": fulltext["name"], "columns": ["title"], "unique": False,
                        "method": "FULLTEXT", "options": "WITH PARSER ngram"}
    sql = models.tortoise_sql(INDEX_KINDS, "postgres")
    assert f'CREATE INDEX "{gin["name"]}" ON "doc" USING GIN ("tags") WHERE active = true;' \
        in sql
    assert f'CREATE INDEX "{lower["name"]}" ON "doc" ((LOWER("title")));' in sql


def test_index_mixing_columns_and_expressions_is_refused(models: Models) -> None:
    with pytest.raises(ModelError) as e:
        models.schema_on("""
            class A(models.Model):
                id = fields.IntField(primary_key=True)
                a = fields.CharField(max_length=5)

                class Meta:
                    indexes = [Index(fields=("a", "lower(a)"))]
            """, "sqlite")
    assert "A.Meta.indexes: Index mixes columns and expressions (a, lower(a))" in str(e.value)


GENERATED = """
from tortoise.contrib.postgres.fields import TSVectorField


class Computed(fields.Field):
    SQL_TYPE = "INT"
    allows_generated = True
    GENERATED_SQL = 'GENERATED ALWAYS AS ("a" * 2) STORED'

    class _db_mysql:
        GENERATED_SQL = "GENERATED ALWAYS AS (`a` * 2) STORED"

    def __init__(self, **kwargs):
        super().__init__(generated=True, null=True, **kwargs)


class Doc(models.Model):
    id = fields.IntField(primary_key=True)
    a = fields.IntField()
    title = fields.CharField(max_length=50)
    twice = Computed()
    search = TSVectorField(source_fields=("title",), config="english")
    manual = TSVectorField(stored=False, null=True)
"""


def test_generated_columns_carry_each_dialects_clause(models: Models) -> None:
    (doc,) = models.schema_on(GENERATED, "postgres")["tables"]
    by_name = {c["name"]: c for c in doc["columns"]}
    assert by_name["twice"]["generated"] == {
        "sqlite": 'GENERATED ALWAYS AS ("a" * 2) STORED',
        "postgres": 'GENERATED ALWAYS AS ("a" * 2) STORED',
        "mysql": "GENERATED ALWAYS AS (`a` * 2) STORED"}
    clause = by_name["search"]["generated"]["postgres"]
    assert by_name["search"]["generated"] == {"postgres": clause}  # plain elsewhere
    assert clause in models.tortoise_sql(GENERATED, "postgres")
    assert "generated" not in by_name["manual"] and "generated" not in by_name["id"]
    assert by_name["id"]["autoincrement"]


CONSTRAINTS = """
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint


class Seat(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10)
    row = fields.IntField(source_field="row_no")

    class Meta:
        constraints = [
            CheckConstraint(check="row_no > 0", name="seat_row"),
            UniqueConstraint(fields=("code", "row")),
            UniqueConstraint(fields=("code",), condition="row_no > 1", name="seat_code"),
        ]
"""


def test_meta_constraints_are_checks_and_unique_indexes(models: Models) -> None:
    (seat,) = models.schema_on(CONSTRAINTS, "postgres")["tables"]
    assert seat["checks"] == [{"name": "seat_row", "check": "row_no > 0"}]
    together, partial = seat["indexes"]
    assert together == {"name": introspect.index_name("uid", "seat", ["code", "row_no"]),
                        "columns": ["code", "row_no"], "unique": True}
    assert partial == {"name": "seat_code", "columns": ["code"], "unique": True,
                       "condition": "row_no > 1"}


def test_an_unknown_constraint_is_refused(models: Models) -> None:
    with pytest.raises(ModelError) as e:
        models.schema_on("""
            class A(models.Model):
                id = fields.IntField(primary_key=True)

                class Meta:
                    constraints = ["a > 0"]
            """, "sqlite")
    assert "A.Meta.constraints: str is not a constraint Tortoise knows" in str(e.value)


def test_model_identity(models: Models) -> None:
    """Each model's table carries "app.ClassName", the through table of a ManyToManyField
    "app.ClassName.field" (the owning model's); other apps' names are their own."""
    t = models.tables(USERS)
    assert t["users"]["model"] == "models.User"
    assert t["group"]["model"] == "models.Group"
    assert t["user_group"]["model"] == "models.User.groups"
    shop = models.tables("""
        class Customer(models.Model):
            id = fields.IntField(primary_key=True)
            class Meta:
                table = "clients"
    """)
    assert shop["clients"]["model"] == "models.Customer"
    other = {x["name"]: x for x in models.schema("""
        class Item(models.Model):
            id = fields.IntField(primary_key=True)
    """, app="shop")["tables"]}
    assert other["item"]["model"] == "shop.Item"
