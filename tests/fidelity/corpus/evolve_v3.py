"""History "evolve", version 3: tightened nullability: writer.email NOT NULL (a one-off
--fill for existing rows), book.pages NOT NULL (the model's Python default fills them)."""

from tortoise import fields, models


class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=100)

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
    author = fields.ForeignKeyField("models.Author", related_name="books", null=True,
                                    on_delete=fields.SET_NULL)

    class Meta:
        table = "book"
