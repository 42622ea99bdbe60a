"""PostgreSQL's index methods (tortoise.contrib.postgres.indexes): GIN on JSONB, BRIN on a
timestamp, HASH on a string, SP-GiST on text, GiST on a point (a field of the project's own),
Bloom (the bloom extension) on two integers, and GIN with a condition."""

from tortoise import fields, models
from tortoise.contrib.postgres.indexes import (
    BloomIndex,
    BrinIndex,
    GinIndex,
    GistIndex,
    HashIndex,
    SpGistIndex,
)


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
            BrinIndex(fields=("taken",)),
            HashIndex(fields=("station",), name="reading_station_hash"),
            SpGistIndex(fields=("note",)),
            GistIndex(fields=("spot",)),
            BloomIndex(fields=("a", "b")),
            GinIndex(fields=("flags",), condition={"station": "north"}, name="reading_flags"),
        ]
