"""A unique constraint with a condition (a partial unique index, PostgreSQL only in
Tortoise's migrations) beside a check."""

from tortoise import fields, models
from tortoise.migrations.constraints import CheckConstraint, UniqueConstraint


class Seat(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10)
    taken = fields.BooleanField()
    row = fields.IntField()

    class Meta:
        constraints = [
            UniqueConstraint(fields=("code",), condition="taken", name="seat_code_taken"),
            CheckConstraint(check="row > 0", name="seat_row_positive"),
        ]
