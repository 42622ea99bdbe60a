"""Meta.constraints on each database (tortoise.migrations.constraints): check constraints
and unique constraints with and without a condition, added with a table, added to a table
with rows, changed, dropped and rolled back; the database enforces each at every step and
check is clean after it. (SQLite's ALTER TABLE has no constraints: the table is rebuilt.)"""

from __future__ import annotations

import pytest

from tests.conftest import Project

MODELS = '''
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint


class Item(models.Model):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=20)
    price = fields.IntField()
    qty = fields.IntField()

    class Meta:
        table = "item"
        constraints = [{constraints}]
'''

V1 = 'CheckConstraint(check="price > 0", name="price_positive")'
V2 = ('CheckConstraint(check="price >= 0", name="price_positive"), '
      'CheckConstraint(check="qty < 1000", name="qty_small"), '
      'UniqueConstraint(fields=("sku",), name="item_sku")')
PARTIAL = 'UniqueConstraint(fields=("sku",), condition="qty > 0", name="item_sku_stocked")'


def _insert(project: Project, row_id: int, sku: str, price: int, qty: int) -> bool:
    """Whether the database takes the row."""
    try:
        project.db.query(f"INSERT INTO item (id, sku, price, qty) VALUES "
                         f"({row_id}, '{sku}', {price}, {qty})")
    except Exception:
        return False
    return True


def test_constraints_through_their_life(project: Project) -> None:
    project.models(MODELS.format(constraints=V1))
    project.run("makemigrations")
    text = project.migration_files()[0].read_text()
    assert 'checks=[\n                ops.Check("price_positive", "price > 0"),' in text, text
    project.run("migrate")
    assert _insert(project, 1, "a", 5, 1)
    assert not _insert(project, 2, "b", 0, 1)  # price > 0
    assert "Clean" in project.run("check").stdout

    # changed, added to a table with rows, a unique constraint too
    project.models(MODELS.format(constraints=V2))
    made = project.run("makemigrations")
    assert "Remove check price_positive from item" in made.stdout, made.stdout
    assert "Add check qty_small on item" in made.stdout
    project.run("migrate")
    assert _insert(project, 3, "c", 0, 1)  # price >= 0 now
    assert not _insert(project, 4, "d", 1, 5000)  # qty < 1000
    assert not _insert(project, 5, "a", 1, 1)  # sku unique
    assert "Clean" in project.run("check").stdout
    assert "No changes" in project.run("makemigrations", "--check").stdout

    # all dropped
    project.models(MODELS.format(constraints=""))
    project.run("makemigrations")
    project.run("migrate")
    assert _insert(project, 6, "a", -1, 5000)
    assert "Clean" in project.run("check").stdout
    project.db.query("DELETE FROM item WHERE id = 6")

    # rolled back to the first: price > 0 again (the rows that are there satisfy it)
    project.db.query("DELETE FROM item WHERE id = 3")
    project.run("rollback", "--app", "models", project.migration_files()[0].stem)
    assert not _insert(project, 7, "e", 0, 1)
    assert _insert(project, 8, "a", 1, 1)  # no unique sku any more
    assert "Clean" in project.run("check").stdout


def test_a_unique_constraint_with_a_condition(project: Project) -> None:
    project.models(MODELS.format(constraints=PARTIAL))
    if project.db.dialect == "mysql":
        proc = project.run("makemigrations", ok=False)
        assert "index item_sku_stocked on table item has a condition (a partial index), " \
               "which mysql cannot make" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        return
    project.run("makemigrations")
    project.run("migrate")
    assert _insert(project, 1, "a", 1, 0)
    assert _insert(project, 2, "a", 1, 0)  # not stocked: not unique
    assert _insert(project, 3, "a", 1, 5)
    assert not _insert(project, 4, "a", 1, 6)
    assert "Clean" in project.run("check").stdout


@pytest.mark.parametrize("db", ["postgres", "mysql"], indirect=True)
def test_check_sees_a_check_the_database_lacks(project: Project) -> None:
    project.models(MODELS.format(constraints=V1))
    project.run("makemigrations")
    project.run("migrate")
    q = "`" if project.db.dialect == "mysql" else '"'
    project.db.query(f"ALTER TABLE item DROP CONSTRAINT {q}price_positive{q}")
    project.db.query(f"ALTER TABLE item ADD CONSTRAINT {q}hotfix{q} CHECK (qty > 0)")
    out = project.run("check", ok=False).stdout
    assert "check price_positive: on item: CHECK (price > 0) in the migrations, not in the " \
           "database" in out, out
    assert "check hotfix: on item: CHECK (" in out and "in the database only" in out, out
    sql = project.run("check", "--sql", ok=False).stdout
    assert "CHECK (price > 0)" in sql and "DROP CONSTRAINT" in sql, sql
