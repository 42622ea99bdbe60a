"""Generated columns on each database, through a model's whole life: added to a table with
rows (the database computes them), given another expression, turned into a plain column that
keeps its values, and rolled back; check is clean after every step and sees a generated
column the database lacks. (That they are made as generate_schemas makes them is
tests/fidelity: the generated set and history.)"""

from __future__ import annotations

from tests.conftest import Project

#: a field Tortoise makes generated with the clause it gives for each database (MySQL reads
#: "x" as a string, so its clause names the columns in backquotes)
FIELD = '''
class Computed(fields.Field[int]):
    SQL_TYPE = "INT"
    allows_generated = True
    field_type = int
    GENERATED_SQL = 'GENERATED ALWAYS AS ({sql}) STORED'

    class _db_mysql:
        GENERATED_SQL = 'GENERATED ALWAYS AS ({my}) STORED'

    def __init__(self, **kwargs):
        super().__init__(generated=True, null=True, **kwargs)

'''

LINE = '''
class Line(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.IntField()
    price = fields.IntField()
{total}
    class Meta:
        table = "line"
'''

TIMES = FIELD.format(sql='"qty" * "price"', my="`qty` * `price`")
PLUS = FIELD.format(sql='"qty" + "price"', my="`qty` + `price`")


def _totals(project: Project) -> list[tuple[int, ...]]:
    return [tuple(r) for r in project.db.query("SELECT qty, price, total FROM line ORDER BY id")]


def test_a_generated_column_through_its_life(project: Project) -> None:
    project.models(LINE.format(total=""))
    project.run("makemigrations")
    project.run("migrate")
    project.db.query("INSERT INTO line (id, qty, price) VALUES (1, 2, 5), (2, 3, 7)")

    # added to a table with rows: computed, with an index on it; no fill asked
    project.models(TIMES + LINE.format(total="    total = Computed(db_index=True)\n"))
    made = project.run("makemigrations")
    assert "fill" not in made.stdout + made.stderr
    text = project.migration_files()[-1].read_text()
    assert 'generated={"sqlite": "GENERATED ALWAYS AS (\\"qty\\" * \\"price\\") STORED"' in text
    project.run("migrate")
    assert _totals(project) == [(2, 5, 10), (3, 7, 21)]
    assert "Clean" in project.run("check").stdout
    assert "No changes" in project.run("makemigrations", "--check").stdout

    # another expression: the values follow it
    project.models(PLUS + LINE.format(total="    total = Computed(db_index=True)\n"))
    project.run("makemigrations")
    project.run("migrate")
    assert _totals(project) == [(2, 5, 7), (3, 7, 10)]
    assert "Clean" in project.run("check").stdout

    # a plain column: it keeps the values it had and takes writes
    project.models(LINE.format(total="    total = fields.IntField(null=True, db_index=True)\n"))
    project.run("makemigrations")
    project.run("migrate")
    assert _totals(project) == [(2, 5, 7), (3, 7, 10)]
    project.db.query("UPDATE line SET total = 99 WHERE id = 1")
    assert _totals(project)[0] == (2, 5, 99)
    assert "Clean" in project.run("check").stdout

    # rolled back to the first expression: generated again, computed again
    project.run("rollback", "--app", "models", project.migration_files()[1].stem)
    assert _totals(project) == [(2, 5, 10), (3, 7, 21)]
    assert "Clean" in project.run("check").stdout


def test_check_sees_a_generated_column_the_database_lacks(project: Project) -> None:
    project.models(TIMES + LINE.format(total="    total = Computed()\n"))
    project.run("makemigrations")
    project.run("migrate")
    q = "`" if project.db.dialect == "mysql" else '"'
    if project.db.dialect == "sqlite":  # SQLite drops no generated column: a plain table
        project.db.query("DROP TABLE line")
        project.db.query('CREATE TABLE line ("id" INT NOT NULL PRIMARY KEY, "qty" INT NOT '
                         'NULL, "price" INT NOT NULL, "total" INT)')
    else:
        project.db.query(f"ALTER TABLE line DROP COLUMN {q}total{q}")
        project.db.query(f"ALTER TABLE line ADD COLUMN {q}total{q} INT")
    out = project.run("check", ok=False).stdout
    assert "line.total: a plain column in the database, GENERATED ALWAYS AS" in out, out
