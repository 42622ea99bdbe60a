"""Generated columns on every database: a field of the project's own that Tortoise makes
generated with a clause per database (MySQL names columns in backquotes), indexed, on a
table with other columns, and a second one on another table."""

from tortoise import fields, models
from tortoise.indexes import Index


class Computed(fields.Field[int]):
    SQL_TYPE = "INT"
    allows_generated = True
    field_type = int

    def __init__(self, expression: str, **kwargs):
        self.expression = expression
        super().__init__(generated=True, null=True, **kwargs)

    @property
    def GENERATED_SQL(self) -> str:
        return f"GENERATED ALWAYS AS ({self.expression}) STORED"

    class _db_mysql:
        def __init__(self, field: "Computed") -> None:
            self.field = field

        @property
        def GENERATED_SQL(self) -> str:
            expression = self.field.expression.replace('"', "`")
            return f"GENERATED ALWAYS AS ({expression}) STORED"


class Line(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.IntField()
    price = fields.IntField()
    total = Computed('"qty" * "price"')
    note = fields.CharField(max_length=20, null=True)
    bonus = fields.IntField(null=True)

    class Meta:
        indexes = [Index(fields=("total",))]


class Counter(models.Model):
    id = fields.IntField(primary_key=True)
    n = fields.IntField()
    double = Computed('"n" * 2')
