"""Meta.constraints changing: a check with another condition, a check dropped, a check
added to a table that had none, a unique constraint dropped and another added."""

from tortoise import fields, models
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=20)
    price = fields.IntField()
    stock = fields.IntField()

    class Meta:
        constraints = [
            CheckConstraint(check="price >= 0", name="product_price_positive"),
            UniqueConstraint(fields=("sku", "price")),
            UniqueConstraint(fields=("price", "stock"), name="product_price_stock"),
        ]


class Purchase(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.IntField()
    note = fields.CharField(max_length=30, null=True)

    class Meta:
        constraints = [
            CheckConstraint(check="qty > 0", name="purchase_qty_positive"),
            CheckConstraint(check="note <> ''", name="purchase_note_not_empty"),
        ]
