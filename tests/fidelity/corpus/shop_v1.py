"""History "shop", version 1: customers, products, orders."""

from tortoise import fields, models


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100, unique=True)
    phone = fields.CharField(max_length=20, null=True)


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=80)
    price = fields.DecimalField(max_digits=8, decimal_places=2, null=True)
    stock = fields.IntField(db_default=0)


class Order(models.Model):
    id = fields.BigIntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="orders")
    created = fields.DatetimeField(auto_now_add=True)
    note = fields.TextField(null=True)

    class Meta:
        table = "orders"
