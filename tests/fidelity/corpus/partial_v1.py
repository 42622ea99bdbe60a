"""Partial and expression indexes (PostgreSQL and SQLite): PartialIndex with conditions on a
boolean and on a string, Index on an expression, named and not."""

from tortoise import fields, models
from tortoise.functions import Lower
from tortoise.indexes import Index, PartialIndex


class Member(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100)
    active = fields.BooleanField(default=True)
    team = fields.CharField(max_length=30)
    joined = fields.IntField()

    class Meta:
        indexes = [
            PartialIndex(fields=("email",), condition={"active": True}),
            PartialIndex(fields=("team", "joined"), condition={"team": "core"},
                         name="member_core"),
            Index(Lower("email"), name="member_email_lower"),
        ]
