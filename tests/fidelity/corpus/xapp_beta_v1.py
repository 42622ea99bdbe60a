"""History "xapp" (two apps), app beta, version 1: a foreign key into zeta."""

from tortoise import fields, models


class Novel(models.Model):
    id = fields.IntField(primary_key=True)
    writer = fields.ForeignKeyField("zeta.Writer", related_name="novels")
