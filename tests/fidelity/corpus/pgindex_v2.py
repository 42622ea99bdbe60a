"""pgindex_v1 changed: BRIN gains a condition, HASH and Bloom dropped, SP-GiST moves to the
station, and reading_flags, a GIN index with a condition, becomes a BRIN index on b."""

from tortoise import fields, models
from tortoise.contrib.postgres.indexes import BrinIndex, GinIndex, GistIndex, SpGistIndex


class PointField(fields.Field):
    SQL_TYPE = "POINT"


class Reading(models.Model):
    id = fields.IntField(primary_key=True)
    data = fields.JSONField()
    taken = fields.DatetimeField()
    station = fields.CharField(max_length=20)
    note = fields.TextField()
    spot = PointField()
    a = fields.IntField()
    b = fields.IntField()
    flags = fields.JSONField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=("data",)),
            BrinIndex(fields=("taken",), condition={"a": 1}),
            SpGistIndex(fields=("station",)),
            GistIndex(fields=("spot",)),
            BrinIndex(fields=("b",), name="reading_flags"),
        ]
