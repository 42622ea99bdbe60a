"""History "xapp", app beta, version 2."""

from tortoise import fields, models


class Novel(models.Model):
    id = fields.IntField(primary_key=True)
    writer = fields.ForeignKeyField("zeta.Writer", related_name="novels")


class Reader(models.Model):
    id = fields.IntField(primary_key=True)
    editor = fields.ForeignKeyField("zeta.Editor", related_name="readers")
