"""Key moves, version 1: a serial key, a unique label beside it."""

from tortoise import fields, models


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20, unique=True)

    class Meta:
        table = "tag"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)

    class Meta:
        table = "post"
