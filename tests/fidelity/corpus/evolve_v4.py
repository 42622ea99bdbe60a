"""History "evolve", version 4: moved relations: a book now belongs to a publisher (its
author key is gone), and writers and books meet in a many-to-many table."""

from tortoise import fields, models


class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=100)
    books = fields.ManyToManyField("models.Book", related_name="writers",
                                   through="writer_book")

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
    pages = fields.BigIntField(default=0)
    publisher = fields.ForeignKeyField("models.Publisher", related_name="books", null=True,
                                       on_delete=fields.SET_NULL)

    class Meta:
        table = "book"
