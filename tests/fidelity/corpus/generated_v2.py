"""Generated columns changing: another expression (an indexed column), a generated column
turned plain (it keeps its values), a plain one turned generated, one added."""

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
    total = Computed('"qty" + "price"')
    note = fields.CharField(max_length=20, null=True)
    bonus = Computed('"qty" - 1')
    twice = Computed('"qty" * 2')

    class Meta:
        indexes = [Index(fields=("total",))]


class Counter(models.Model):
    id = fields.IntField(primary_key=True)
    n = fields.IntField()
    double = fields.IntField(null=True)
