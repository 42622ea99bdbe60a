"""History "shop", version 2: columns added (nullable, and NOT NULL with a default), dropped,
widened and indexed; a foreign key's on_delete changed; a new self-referencing model with a
many-to-many to it; an index and a unique_together added."""

from enum import Enum

from tortoise import fields, models


class Status(str, Enum):
    NEW = "new"
    PAID = "paid"


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, db_index=True)
    email = fields.CharField(max_length=100, unique=True)
    phone = fields.CharField(max_length=20, null=True)
    vip = fields.BooleanField(db_default=False)


class Category(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=40, unique=True)
    parent = fields.ForeignKeyField("models.Category", related_name="children", null=True,
                                    on_delete=fields.SET_NULL)


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=80)
    sku = fields.CharField(max_length=20, unique=True, null=True)
    stock = fields.IntField(db_default=0)
    categories = fields.ManyToManyField("models.Category", related_name="products")


class Order(models.Model):
    id = fields.BigIntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="orders",
                                      on_delete=fields.RESTRICT)
    created = fields.DatetimeField(auto_now_add=True)
    note = fields.TextField(null=True)
    status = fields.CharEnumField(Status, db_default=Status.NEW)
    total = fields.DecimalField(max_digits=10, decimal_places=2, null=True)

    class Meta:
        table = "orders"
        indexes = (("customer", "status"),)
        unique_together = (("customer", "created"),)
