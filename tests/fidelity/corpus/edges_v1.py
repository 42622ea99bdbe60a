"""History "edges", version 1: a character primary key with a foreign key to it, a
unique_together that is also the foreign key's index, defaults of several kinds, comments and
a many-to-many."""

from decimal import Decimal
from enum import IntEnum

from tortoise import fields, models


class Kind(IntEnum):
    A = 1
    B = 2


class Owner(models.Model):
    code = fields.CharField(max_length=4, primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table_description = "Owners"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20, unique=True, description="Tag name")


class Item(models.Model):
    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("models.Owner", related_name="items", null=True,
                                   on_delete=fields.SET_NULL)
    label = fields.TextField(null=True)
    kind = fields.IntEnumField(Kind, db_default=Kind.A)
    price = fields.DecimalField(max_digits=8, decimal_places=2, db_default=Decimal("0.00"))
    stamp = fields.DatetimeField(null=True)
    tags = fields.ManyToManyField("models.Tag", related_name="items")

    class Meta:
        unique_together = (("owner", "kind"),)


class Note(models.Model):
    id = fields.IntField(primary_key=True)
    item = fields.ForeignKeyField("models.Item", related_name="notes")
    body = fields.CharField(max_length=100)
