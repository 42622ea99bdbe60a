"""History "xapp", app zeta, version 2: new tables in both apps point at each other's new
tables (zeta.Review -> beta.Reader -> zeta.Editor), so neither app's migration can come
first with all its foreign keys."""

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
    reader = fields.ForeignKeyField("beta.Reader", related_name="reviews", null=True)
