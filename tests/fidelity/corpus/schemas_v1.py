"""Tables in schemas of their own (Meta.schema), version 1: a PostgreSQL schema per area,
keys and M2M tables across them; SQLite has no schemas (generate_schemas leaves them out)."""

from tortoise import fields, models


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=30, unique=True)

    class Meta:
        table = "tag"
        schema = "crm"


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100, unique=True)
    name = fields.CharField(max_length=50, null=True, db_index=True)
    tags = fields.ManyToManyField("models.Tag", related_name="customers", through="customer_tag")

    class Meta:
        table = "customer"
        schema = "crm"
        table_description = "People who buy"
        unique_together = (("name", "email"),)


class Invoice(models.Model):
    id = fields.BigIntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="invoices")
    total = fields.DecimalField(max_digits=10, decimal_places=2, default=0)
    number = fields.CharField(max_length=20, unique=True)

    class Meta:
        table = "invoice"


class Ledger(models.Model):
    id = fields.IntField(primary_key=True)
    invoice = fields.ForeignKeyField("models.Invoice", related_name="entries",
                                     on_delete=fields.SET_NULL, null=True)
    parent = fields.ForeignKeyField("models.Ledger", related_name="children", null=True)
    amount = fields.IntField()

    class Meta:
        table = "ledger"
        schema = "billing"
