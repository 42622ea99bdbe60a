"""History "xapp", app beta, version 3: Reader deleted while zeta's Review pointed at it."""

from tortoise import fields, models


class Novel(models.Model):
    id = fields.IntField(primary_key=True)
    writer = fields.ForeignKeyField("zeta.Writer", related_name="novels")
