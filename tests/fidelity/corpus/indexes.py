"""unique_together, Meta.indexes as Index objects (named and not) and as tuples, on plain
columns, foreign keys and source_field columns."""

from tortoise import fields, models
from tortoise.indexes import Index


class Venue(models.Model):
    id = fields.IntField(primary_key=True)
    city = fields.CharField(max_length=50)
    name = fields.CharField(max_length=50)
    slug = fields.CharField(max_length=50, source_field="url_slug")
    capacity = fields.IntField(null=True)

    class Meta:
        unique_together = (("city", "name"), ("slug",))
        indexes = (("city", "capacity"), ("capacity",))


class Gig(models.Model):
    id = fields.IntField(primary_key=True)
    venue = fields.ForeignKeyField("models.Venue", related_name="gigs")
    day = fields.DateField()
    title = fields.CharField(max_length=100)
    rank = fields.IntField(source_field="gig_rank")

    class Meta:
        table = "gigs"
        unique_together = ("venue", "day")
        # A tuple maps field names to source_field columns; Index(fields=...) does not in
        # Tortoise (generate_schemas would index a column "rank" that does not exist).
        indexes = [
            Index(fields=("title",)),
            Index(fields=("day", "title"), name="gig_day_title"),
            ("rank", "venue"),
        ]


class Seat(models.Model):
    id = fields.IntField(primary_key=True)
    gig = fields.ForeignKeyField("models.Gig", related_name="seats", db_index=True)
    row = fields.CharField(max_length=3)
    number = fields.SmallIntField()

    class Meta:
        unique_together = (("gig", "row", "number"),)
        indexes = (("row", "number"),)
