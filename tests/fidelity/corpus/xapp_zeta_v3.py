"""History "xapp", app zeta, version 3: the foreign key to beta.Reader goes, with the
table it points at (deleted by app beta)."""

from tortoise import fields, models


class Writer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)


class Editor(models.Model):
    id = fields.IntField(primary_key=True)
    writer = fields.OneToOneField("zeta.Writer", related_name="editor")


class Review(models.Model):
    id = fields.IntField(primary_key=True)
    novel = fields.ForeignKeyField("beta.Novel", related_name="reviews")
