"""History "types", version 3: more type changes, a default dropped, nullability relaxed,
uniqueness dropped, indexes added and removed."""

from tortoise import fields, models


class Measure(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.BigIntField(db_index=True)
    label = fields.TextField()
    ratio = fields.FloatField(db_default=2.25)
    amount = fields.DecimalField(max_digits=10, decimal_places=3, null=True)
    flag = fields.BooleanField(description="Set when checked")
    seen = fields.DatetimeField(null=True)
    code = fields.UUIDField(null=True)

    class Meta:
        indexes = (("ratio", "qty"),)


class Sample(models.Model):
    id = fields.UUIDField(primary_key=True)
    measure = fields.ForeignKeyField("models.Measure", related_name="samples",
                                     on_delete=fields.NO_ACTION)
    weight = fields.FloatField(null=True, db_index=True)
