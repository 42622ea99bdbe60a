"""App "beta": see cross_alpha."""

from tortoise import fields, models


class Novel(models.Model):
    id = fields.IntField(primary_key=True)
    writer = fields.ForeignKeyField("alpha.Writer", related_name="novels")
    title = fields.CharField(max_length=100)


class Reader(models.Model):
    id = fields.UUIDField(primary_key=True)
    favourite = fields.ForeignKeyField("alpha.Writer", related_name="fans", null=True,
                                       on_delete=fields.SET_NULL)
