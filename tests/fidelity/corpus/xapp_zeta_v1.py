"""History "xapp" (two apps), app zeta, version 1."""

from tortoise import fields, models


class Writer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
