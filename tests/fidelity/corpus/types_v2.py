"""History "types", version 2: types widened, defaults and uniqueness added."""

from tortoise import fields, models


class Measure(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.IntField()
    label = fields.CharField(max_length=40, db_default="none")
    ratio = fields.FloatField(db_default=1.5)
    amount = fields.DecimalField(max_digits=10, decimal_places=3)
    flag = fields.BooleanField(db_default=True)
    seen = fields.DatetimeField(null=True)
    code = fields.UUIDField(null=True, unique=True)


class Sample(models.Model):
    id = fields.UUIDField(primary_key=True)
    measure = fields.ForeignKeyField("models.Measure", related_name="samples", db_index=True)
    weight = fields.FloatField(null=True)
