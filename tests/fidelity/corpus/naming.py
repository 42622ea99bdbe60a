"""Names that need quoting or are long, keys under other column names, and defaults whose
text needs care."""

from tortoise import fields, models


class Reserved(models.Model):
    """Reserved words and mixed case as table and column names."""

    id = fields.IntField(primary_key=True, source_field="Key")
    order = fields.IntField()
    group = fields.CharField(max_length=10, unique=True)
    select = fields.CharField(max_length=10, db_index=True)
    MixedCase = fields.IntField(null=True)

    class Meta:
        table = "Order Lines"
        unique_together = (("order", "select"),)


class LongNamesForAModelWhoseTableNameIsVeryLongIndeedMoreThanSixtyThree(models.Model):
    """Names of 64 characters: MySQL's limit; PostgreSQL cuts them to 63."""

    id = fields.BigIntField(primary_key=True)
    a_column_with_a_really_long_name_that_goes_on_and_on_for_a_while = fields.CharField(
        max_length=20, unique=True)
    other_column_with_a_really_long_name_that_goes_on_and_on_for_eve = fields.IntField(
        db_index=True)

    class Meta:
        table = "table_with_a_really_long_name_that_is_longer_than_sixtythree_chr"


class Referrer(models.Model):
    id = fields.IntField(primary_key=True)
    reserved = fields.ForeignKeyField("models.Reserved", related_name="referrers",
                                      source_field="reserved_key")
    long = fields.ForeignKeyField(
        "models.LongNamesForAModelWhoseTableNameIsVeryLongIndeedMoreThanSixtyThree",
        related_name="referrers", null=True, on_delete=fields.SET_NULL)
    tags = fields.ManyToManyField("models.Reserved", related_name="tagged_by",
                                  through="Referrer Tags")


class Texts(models.Model):
    id = fields.IntField(primary_key=True)
    accented = fields.CharField(max_length=20, db_default="héllo wörld")
    percent = fields.CharField(max_length=20, db_default="50% off")
    tiny = fields.FloatField(db_default=1e-05)
    huge = fields.FloatField(db_default=-2.5e+20)
    big = fields.DecimalField(max_digits=30, decimal_places=10, db_default=0)
    wide = fields.CharField(max_length=4000, null=True)
    comment = fields.CharField(max_length=5, description="Ünïcode, «quotes» and 100%")
