"""History "edges", version 3: a referenced model deleted (with the foreign key to it), a
table renamed while a many-to-many table (renamed too) points at it, a column renamed, a
column dropped."""

from decimal import Decimal

from tortoise import fields, models


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20, db_index=True)

    class Meta:
        table = "labels"


class Item(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200, db_default="")
    price = fields.DecimalField(max_digits=8, decimal_places=2, db_default=Decimal("1.25"))
    stamp = fields.DatetimeField(null=True, db_default=fields.Now())
    tags = fields.ManyToManyField("models.Tag", related_name="items", unique=False,
                                  description="Tags of an item")


class Note(models.Model):
    id = fields.IntField(primary_key=True)
    item = fields.ForeignKeyField("models.Item", related_name="notes", null=True,
                                  on_delete=fields.SET_NULL)
    tag = fields.ForeignKeyField("models.Tag", related_name="notes", null=True,
                                 on_delete=fields.CASCADE)
    body = fields.CharField(max_length=100)
