"""PostgreSQL's own fields changing: a TSVectorField over other weights and a configuration
of its own, a generated one turned plain, a plain one turned generated, an array of another
element type."""

from tortoise import fields, models
from tortoise.contrib.postgres.fields import ArrayField, TSVectorField
from tortoise.contrib.postgres.indexes import GinIndex


class Article(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    search = TSVectorField(source_fields=("title", "body"), config="simple",
                           weights=("B", "A"))
    title_vec = TSVectorField(stored=False, null=True)
    manual = TSVectorField(source_fields="body", config="english")
    scores = ArrayField(element_type="bigint", null=True)
    tags = ArrayField(element_type="text")
    codes = ArrayField(element_type="varchar(20)", null=True)
    keys = ArrayField(element_type="uuid", null=True)
    weights = ArrayField(element_type="double precision", null=True)
    flags = ArrayField(element_type="bool", null=True)

    class Meta:
        indexes = [GinIndex(fields=("search",))]
