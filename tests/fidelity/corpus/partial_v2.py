"""partial_v1 changed: a condition changed, an expression changed, a partial index dropped,
an index on two expressions added."""

from tortoise import fields, models
from tortoise.functions import Lower, Upper
from tortoise.indexes import Index, PartialIndex


class Member(models.Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=100)
    active = fields.BooleanField(default=True)
    team = fields.CharField(max_length=30)
    joined = fields.IntField()

    class Meta:
        indexes = [
            PartialIndex(fields=("email",), condition={"active": False}),
            Index(Upper("email"), name="member_email_lower"),
            Index(Lower("team"), Upper("email")),
        ]
