"""History "types", version 1: a column of each kind whose type later changes."""

from tortoise import fields, models


class Measure(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.SmallIntField()
    label = fields.CharField(max_length=10)
    ratio = fields.FloatField()
    amount = fields.DecimalField(max_digits=6, decimal_places=2)
    flag = fields.BooleanField()
    seen = fields.DateField(null=True)
    code = fields.UUIDField(null=True)


class Sample(models.Model):
    id = fields.UUIDField(primary_key=True)
    measure = fields.ForeignKeyField("models.Measure", related_name="samples")
