"""Models in a schema of their own (Meta.schema) on each database: a PostgreSQL schema
(made by the migration, as generate_schemas makes it), another MySQL database (which, as
for generate_schemas, must exist), nothing on SQLite (which has no schemas: generate_schemas
leaves Meta.schema out there). Tables are created there with keys across schemas, keep
their rows through a change and a move to another schema, check sees a table in the wrong
schema, and everything rolls back. (tests/fidelity compares the same against
generate_schemas on SQLite and PostgreSQL.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Project

MODELS = '''
class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100, unique=True)
{extra}
    class Meta:
        table = "customer"
        schema = "{crm}"


class Purchase(models.Model):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="purchases")
    total = fields.IntField()

    class Meta:
        table = "purchase"
{purchase_schema}
'''


@pytest.fixture
def crm(project: Project) -> Iterator[str]:
    """The schema's name, unique to the test; on MySQL a database made (and dropped) here."""
    name = f"{project.db.name}_crm"
    if project.db.dialect == "mysql":
        project.db.query(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    yield name
    if project.db.dialect == "mysql":
        project.db.query(f"DROP DATABASE IF EXISTS `{name}`")


def _models(project: Project, crm: str, v2: bool) -> None:
    project.models(MODELS.format(
        crm=crm, extra="    phone = fields.CharField(max_length=20, null=True)\n" if v2 else "",
        purchase_schema=f'        schema = "{crm}"' if v2 else ""))


def _q(project: Project, schema: str | None, table: str) -> str:
    q = "`" if project.db.dialect == "mysql" else '"'
    if schema is None or project.db.dialect == "sqlite":
        return f"{q}{table}{q}"
    return f"{q}{schema}{q}.{q}{table}{q}"


def _count(project: Project, schema: str | None, table: str) -> int:
    return int(project.db.query(f"SELECT count(*) FROM {_q(project, schema, table)}")[0][0])


def _where(project: Project, table: str) -> str | None:
    """The schema (database) table is in, None for the connection's own, "" when absent."""
    db = project.db
    if db.dialect == "sqlite":
        return None if table in db.tables() else ""
    if db.dialect == "postgres":
        rows = db.query(f"SELECT schemaname FROM pg_tables WHERE tablename = '{table}'")
    else:
        rows = db.query("SELECT table_schema FROM information_schema.tables WHERE table_schema "
                        f"LIKE '{db.name}%' AND table_name = '{table}'")
    if not rows:
        return ""
    schema = rows[0][0]
    return None if schema in ("public", db.name) else schema


def test_tables_in_a_schema_of_their_own(project: Project, crm: str) -> None:
    dialect = project.db.dialect
    other = None if dialect == "sqlite" else crm
    _models(project, crm, v2=False)
    project.run("makemigrations")
    text = project.migration_files()[0].read_text()
    assert f'ops.CreateModel(\n            "customer",\n            schema="{crm}",' in text, text
    project.run("migrate")
    assert _where(project, "customer") == other
    assert _where(project, "purchase") is None
    project.db.query(f"INSERT INTO {_q(project, crm, 'customer')} (id, email) VALUES (1, 'a@x')")
    project.db.query("INSERT INTO purchase (id, customer_id, total) VALUES (1, 1, 5)")
    try:  # the key across schemas holds
        project.db.query("INSERT INTO purchase (id, customer_id, total) VALUES (2, 9, 5)")
        taken = True
    except Exception:
        taken = False
    assert not taken
    assert "Clean" in project.run("check").stdout

    # a column added in the schema, the other table moved into it, rows kept
    _models(project, crm, v2=True)
    made = project.run("makemigrations", "--one-migration").stdout
    assert f"Alter comment and schema ({crm}) of table purchase" in made, made
    project.run("migrate")
    assert _where(project, "purchase") == other
    assert _count(project, crm, "purchase") == 1
    project.db.query(f"UPDATE {_q(project, crm, 'customer')} SET phone = '555' WHERE id = 1")
    assert "Clean" in project.run("check").stdout
    assert "No changes detected" in project.run("makemigrations").stdout

    if dialect != "sqlite":
        # check sees a table in the wrong schema
        if dialect == "postgres":
            project.db.query(f'ALTER TABLE "{crm}"."purchase" SET SCHEMA public')
        else:
            project.db.query(f"RENAME TABLE `{crm}`.`purchase` TO `{project.db.name}`.`purchase`")
        out = project.run("check", ok=False).stdout
        assert f"in the connection's schema in the database, in schema {crm} in the " \
               "migrations" in out, out
        if dialect == "postgres":
            project.db.query(f'ALTER TABLE "purchase" SET SCHEMA "{crm}"')
        else:
            project.db.query(f"RENAME TABLE `{project.db.name}`.`purchase` TO `{crm}`.`purchase`")
        assert "Clean" in project.run("check").stdout

    # back: the table returns to the connection's schema with its row, then both go
    project.run("rollback", "--app", "models")
    assert _where(project, "purchase") is None
    assert _count(project, None, "purchase") == 1
    assert "Clean" in project.run("check").stdout
    project.run("rollback", "--app", "models")
    assert _where(project, "purchase") == "" and _where(project, "customer") == ""
