"""MySQL's index kinds (tortoise.contrib.mysql.indexes): FULLTEXT on one and on two columns,
SPATIAL on a GeometryField (tortoise.contrib.mysql.fields)."""

from tortoise import fields, models
from tortoise.contrib.mysql.fields import GeometryField
from tortoise.contrib.mysql.indexes import FullTextIndex, SpatialIndex


class Article(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    place = GeometryField()

    class Meta:
        indexes = [
            FullTextIndex(fields=("body",)),
            FullTextIndex(fields=("title", "body"), name="article_text"),
            SpatialIndex(fields=("place",)),
        ]
