"""Tables in schemas of their own, version 2: invoice moves into billing and ledger out of
it, customer gains a column and an index and loses one, a new table in a new schema points
at one in another."""

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
    phone = fields.CharField(max_length=20, default="", db_index=True)
    tags = fields.ManyToManyField("models.Tag", related_name="customers", through="customer_tag")

    class Meta:
        table = "customer"
        schema = "crm"
        table_description = "People who buy things"


class Invoice(models.Model):
    id = fields.BigIntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="invoices")
    total = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    number = fields.CharField(max_length=20, unique=True)

    class Meta:
        table = "invoice"
        schema = "billing"


class Ledger(models.Model):
    id = fields.IntField(primary_key=True)
    invoice = fields.ForeignKeyField("models.Invoice", related_name="entries",
                                     on_delete=fields.SET_NULL, null=True)
    parent = fields.ForeignKeyField("models.Ledger", related_name="children", null=True)
    amount = fields.IntField()

    class Meta:
        table = "ledger"


class Shipment(models.Model):
    id = fields.IntField(primary_key=True)
    invoice = fields.OneToOneField("models.Invoice", related_name="shipment")
    carrier = fields.CharField(max_length=20)

    class Meta:
        table = "shipment"
        schema = "logistics"
