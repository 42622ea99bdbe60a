"""Key moves, version 3: the key is retyped (longer) while a foreign key points at it, and
another table's integer key becomes a big integer."""

from tortoise import fields, models


class Tag(models.Model):
    label = fields.CharField(max_length=40, primary_key=True)

    class Meta:
        table = "tag"


class Post(models.Model):
    id = fields.BigIntField(primary_key=True)
    title = fields.CharField(max_length=50)
    tag = fields.ForeignKeyField("models.Tag", related_name="posts", null=True)

    class Meta:
        table = "post"
