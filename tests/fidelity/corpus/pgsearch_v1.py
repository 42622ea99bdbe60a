"""PostgreSQL's own fields (tortoise.contrib.postgres.fields): a generated TSVectorField over
two fields with a configuration and weights, GIN-indexed; one over one field; a plain
(stored=False) one; arrays of integers, text, varchar, uuid, double precision and
booleans."""

from tortoise import fields, models
from tortoise.contrib.postgres.fields import ArrayField, TSVectorField
from tortoise.contrib.postgres.indexes import GinIndex


class Article(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    search = TSVectorField(source_fields=("title", "body"), config="english",
                           weights=("A", "B"))
    title_vec = TSVectorField(source_fields="title", config="simple")
    manual = TSVectorField(stored=False, null=True)
    scores = ArrayField(element_type="int", null=True)
    tags = ArrayField(element_type="text")
    codes = ArrayField(element_type="varchar(20)", null=True)
    keys = ArrayField(element_type="uuid", null=True)
    weights = ArrayField(element_type="double precision", null=True)
    flags = ArrayField(element_type="bool", null=True)

    class Meta:
        indexes = [GinIndex(fields=("search",))]
