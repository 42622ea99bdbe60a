"""Meta.constraints (tortoise.migrations.constraints), which Tortoise's migrations make and
generate_schemas does not: check constraints on two tables, unique constraints named and
not."""

from tortoise import fields, models
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint


class Product(models.Model):
    id = fields.IntField(primary_key=True)
    sku = fields.CharField(max_length=20)
    price = fields.IntField()
    stock = fields.IntField()

    class Meta:
        constraints = [
            CheckConstraint(check="price > 0", name="product_price_positive"),
            CheckConstraint(check="stock >= 0", name="product_stock_nonneg"),
            UniqueConstraint(fields=("sku",), name="product_sku_unique"),
            UniqueConstraint(fields=("sku", "price")),
        ]


class Purchase(models.Model):
    id = fields.IntField(primary_key=True)
    qty = fields.IntField()

    class Meta:
        constraints = [CheckConstraint(check="qty > 0", name="purchase_qty_positive")]
