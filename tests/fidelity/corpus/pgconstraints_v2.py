"""Unique constraints with a condition changing: another condition, a second one added, the
table's check dropped."""

from tortoise import fields, models
from tortoise.migrations.constraints import UniqueConstraint


class Seat(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10)
    taken = fields.BooleanField()
    row = fields.IntField()

    class Meta:
        constraints = [
            UniqueConstraint(fields=("code",), condition="taken AND row > 0",
                             name="seat_code_taken"),
            UniqueConstraint(fields=("row", "code"), condition="NOT taken",
                             name="seat_row_free"),
        ]
