"""App "alpha" of a pair of apps that reference each other's tables (alpha.Review ->
beta.Book -> alpha.Writer), with a many-to-many across the two apps."""

from tortoise import fields, models


class Writer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)


class Review(models.Model):
    id = fields.IntField(primary_key=True)
    book = fields.ForeignKeyField("beta.Novel", related_name="reviews")
    stars = fields.SmallIntField()
    readers = fields.ManyToManyField("beta.Reader", related_name="reviews")
