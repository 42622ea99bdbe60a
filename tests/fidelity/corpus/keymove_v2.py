"""Key moves, version 2: the key moves from id (dropped) to label, and a new foreign key
points at the new key."""

from tortoise import fields, models


class Tag(models.Model):
    label = fields.CharField(max_length=20, primary_key=True)

    class Meta:
        table = "tag"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)
    tag = fields.ForeignKeyField("models.Tag", related_name="posts", null=True)

    class Meta:
        table = "post"
