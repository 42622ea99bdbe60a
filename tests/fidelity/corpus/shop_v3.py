"""History "shop", version 3: a model and its many-to-many dropped, a column dropped, unique
turned into an index, defaults, comments and nullability changed, an index removed, a new
model with a one-to-one."""

from enum import Enum

from tortoise import fields, models


class Status(str, Enum):
    NEW = "new"
    PAID = "paid"
    SHIPPED = "shipped"


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120, db_index=True, description="Full name")
    email = fields.CharField(max_length=100, db_index=True)
    vip = fields.BooleanField(db_default=True)

    class Meta:
        table_description = "People who buy"


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=80)
    sku = fields.CharField(max_length=30, unique=True, null=True)
    stock = fields.BigIntField(db_default=10)


class Order(models.Model):
    id = fields.BigIntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="orders", null=True,
                                      on_delete=fields.SET_NULL)
    created = fields.DatetimeField(auto_now_add=True)
    note = fields.TextField(null=True)
    status = fields.CharEnumField(Status, db_default=Status.PAID)
    total = fields.DecimalField(max_digits=12, decimal_places=2, null=True)

    class Meta:
        table = "orders"
        unique_together = (("customer", "created"),)


class Shipment(models.Model):
    id = fields.IntField(primary_key=True)
    order = fields.OneToOneField("models.Order", related_name="shipment")
    sent = fields.DateField(null=True)
