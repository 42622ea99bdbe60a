"""History "evolve", version 2: renames (declared with --rename) and retypes: the author
table becomes "writer", book.title becomes headline, pages widens to BIGINT, name to 200."""

from tortoise import fields, models


class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "writer"


class Publisher(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)

    class Meta:
        table = "publisher"


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    headline = fields.CharField(max_length=100, db_index=True)
    pages = fields.BigIntField(null=True)
    author = fields.ForeignKeyField("models.Author", related_name="books", null=True,
                                    on_delete=fields.SET_NULL)

    class Meta:
        table = "book"
