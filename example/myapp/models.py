"""The example app's models (the seed's User, plus a post with a foreign key and tags)."""

from tortoise import fields, models


class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    email = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=200, db_index=True)
    body = fields.TextField(null=True)
    tags = fields.ManyToManyField("models.Tag", related_name="posts")

    class Meta:
        table = "posts"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)

    class Meta:
        table = "tags"
