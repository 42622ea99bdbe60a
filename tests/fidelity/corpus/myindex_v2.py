"""myindex_v1 changed: one FULLTEXT index dropped, the other on one column only, the SPATIAL
index dropped, a FULLTEXT index on the title added."""

from tortoise import fields, models
from tortoise.contrib.mysql.fields import GeometryField
from tortoise.contrib.mysql.indexes import FullTextIndex


class Article(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    place = GeometryField()

    class Meta:
        indexes = [
            FullTextIndex(fields=("title",), name="article_text"),
            FullTextIndex(fields=("title",)),
        ]
