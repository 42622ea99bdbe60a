"""History "edges", version 2: the character primary key widened under its foreign key; the
unique_together that indexed the foreign key dropped; a nullable TEXT made a NOT NULL
VARCHAR with a default; defaults changed and an expression default added; comments added,
changed and removed; unique turned into an index; a many-to-many made non-unique with a
comment; on_delete and nullability of a foreign key changed; a foreign key added."""

from decimal import Decimal
from enum import IntEnum

from tortoise import fields, models


class Kind(IntEnum):
    A = 1
    B = 2


class Owner(models.Model):
    code = fields.CharField(max_length=8, primary_key=True)
    name = fields.CharField(max_length=50, description="Shown name")

    class Meta:
        table_description = "Owners of items"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20, db_index=True)


class Item(models.Model):
    id = fields.IntField(primary_key=True)
    owner = fields.ForeignKeyField("models.Owner", related_name="items", null=True,
                                   on_delete=fields.SET_NULL)
    label = fields.CharField(max_length=200, db_default="")
    kind = fields.IntEnumField(Kind, db_default=Kind.B)
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
