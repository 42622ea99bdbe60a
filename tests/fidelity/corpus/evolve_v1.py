"""History "evolve", version 1: authors, publishers and books."""

from tortoise import fields, models


class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100, null=True)

    class Meta:
        table = "author"


class Publisher(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)

    class Meta:
        table = "publisher"


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=100, db_index=True)
    pages = fields.IntField(null=True)
    author = fields.ForeignKeyField("models.Author", related_name="books", null=True,
                                    on_delete=fields.SET_NULL)

    class Meta:
        table = "book"
