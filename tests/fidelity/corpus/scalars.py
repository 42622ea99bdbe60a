"""Every data field type of tortoise.fields, with null, unique, db_index, db_default,
source_field and description, a Meta.table and a table_description; fields inherited from
an abstract model and a mixin."""

import datetime
import uuid
from decimal import Decimal
from enum import Enum, IntEnum

from tortoise import fields, models


class Color(str, Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Level(IntEnum):
    LOW = 1
    HIGH = 2


class Everything(models.Model):
    id = fields.IntField(primary_key=True)
    an_int = fields.IntField()
    a_bigint = fields.BigIntField()
    a_smallint = fields.SmallIntField()
    a_char = fields.CharField(max_length=50)
    a_text = fields.TextField()
    a_bool = fields.BooleanField()
    a_decimal = fields.DecimalField(max_digits=10, decimal_places=2)
    a_datetime = fields.DatetimeField()
    a_date = fields.DateField()
    a_time = fields.TimeField()
    a_timedelta = fields.TimeDeltaField()
    a_float = fields.FloatField()
    a_json = fields.JSONField()
    a_uuid = fields.UUIDField()
    a_binary = fields.BinaryField()
    an_int_enum = fields.IntEnumField(Level)
    a_char_enum = fields.CharEnumField(Color)

    class Meta:
        table = "everything"
        table_description = "One column of each type"


class Nullable(models.Model):
    id = fields.IntField(primary_key=True)
    an_int = fields.IntField(null=True)
    a_bigint = fields.BigIntField(null=True)
    a_smallint = fields.SmallIntField(null=True)
    a_char = fields.CharField(max_length=255, null=True)
    a_text = fields.TextField(null=True)
    a_bool = fields.BooleanField(null=True)
    a_decimal = fields.DecimalField(max_digits=12, decimal_places=4, null=True)
    a_datetime = fields.DatetimeField(null=True)
    a_date = fields.DateField(null=True)
    a_time = fields.TimeField(null=True)
    a_timedelta = fields.TimeDeltaField(null=True)
    a_float = fields.FloatField(null=True)
    a_json = fields.JSONField(null=True)
    a_uuid = fields.UUIDField(null=True)
    a_binary = fields.BinaryField(null=True)
    an_int_enum = fields.IntEnumField(Level, null=True)
    a_char_enum = fields.CharEnumField(Color, max_length=20, null=True)


class Stamps(models.Model):
    id = fields.IntField(primary_key=True)
    created = fields.DatetimeField(auto_now_add=True)
    modified = fields.DatetimeField(auto_now=True)
    at = fields.TimeField(auto_now=True)

    class Meta:
        table = "stamps"


class Unique(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    number = fields.BigIntField(unique=True)
    token = fields.UUIDField(unique=True, null=True)
    day = fields.DateField(unique=True, null=True)
    indexed = fields.CharField(max_length=40, db_index=True)
    indexed_int = fields.IntField(db_index=True, null=True)
    both = fields.CharField(max_length=30, unique=True, db_index=True)


class Defaults(models.Model):
    id = fields.IntField(primary_key=True)
    an_int = fields.IntField(db_default=7)
    a_negative = fields.IntField(db_default=-3)
    a_bigint = fields.BigIntField(db_default=10_000_000_000)
    a_smallint = fields.SmallIntField(db_default=0)
    a_char = fields.CharField(max_length=20, db_default="hello")
    an_empty = fields.CharField(max_length=20, db_default="")
    a_text = fields.TextField(db_default="long text", null=True)
    a_true = fields.BooleanField(db_default=True)
    a_false = fields.BooleanField(db_default=False)
    a_decimal = fields.DecimalField(max_digits=8, decimal_places=2, db_default=Decimal("1.50"))
    a_float = fields.FloatField(db_default=2.5)
    a_small_float = fields.FloatField(db_default=0.1)
    a_date = fields.DateField(db_default=datetime.date(2020, 1, 31))
    a_time = fields.TimeField(db_default=datetime.time(12, 30))
    a_datetime = fields.DatetimeField(db_default=datetime.datetime(2021, 6, 1, 8, 0, 0))
    a_timedelta = fields.TimeDeltaField(db_default=datetime.timedelta(hours=1))
    a_uuid = fields.UUIDField(db_default=uuid.UUID("12345678-1234-5678-1234-567812345678"))
    an_int_enum = fields.IntEnumField(Level, db_default=Level.HIGH)
    a_char_enum = fields.CharEnumField(Color, db_default=Color.GREEN)
    a_json = fields.JSONField(db_default=[], null=True)
    a_now = fields.DatetimeField(db_default=fields.Now())
    raw_sql = fields.IntField(db_default=fields.SqlDefault("42"))
    an_expr = fields.IntField(db_default=fields.SqlDefault("(1 + 2)"))
    a_hex = fields.CharField(max_length=32, db_default=fields.RandomHex())
    python_default = fields.IntField(default=5)


class Described(models.Model):
    id = fields.IntField(primary_key=True, description="The key")
    name = fields.CharField(max_length=100, description="The user's name")
    plain = fields.IntField(description="A plain number")
    renamed = fields.CharField(max_length=10, source_field="db_renamed",
                               description="Stored under another name")
    other = fields.IntField(source_field="OtherCase", null=True, db_index=True)

    class Meta:
        table = "described_things"
        table_description = "A table with comments: it's described"


class TimestampMixin:
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True, db_default=fields.Now())


class AbstractNamed(models.Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=40, unique=True, db_default="unnamed")

    class Meta:
        abstract = True


class Inherited(AbstractNamed, TimestampMixin):
    extra = fields.SmallIntField(null=True)

    class Meta:
        table_description = "Fields from an abstract model and a mixin"
