"""Custom primary keys (UUID, Char, BigInt, SmallInt, a plain Int) and the relations that
point at them: foreign keys, one-to-ones and many-to-manys take the key's type."""

from tortoise import fields, models


class Account(models.Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=50)


class Country(models.Model):
    code = fields.CharField(max_length=2, primary_key=True)
    name = fields.CharField(max_length=80, unique=True)


class Event(models.Model):
    id = fields.BigIntField(primary_key=True)
    country = fields.ForeignKeyField("models.Country", related_name="events")
    account = fields.ForeignKeyField("models.Account", related_name="events", null=True,
                                     on_delete=fields.SET_NULL)


class Flag(models.Model):
    id = fields.SmallIntField(primary_key=True)
    label = fields.CharField(max_length=20)
    countries = fields.ManyToManyField("models.Country", related_name="flags")
    accounts = fields.ManyToManyField("models.Account", related_name="flags",
                                      through="flag_accounts")


class Manual(models.Model):
    number = fields.IntField(primary_key=True, generated=False)
    event = fields.OneToOneField("models.Event", related_name="manual")


class Ticket(models.Model):
    serial = fields.BigIntField(primary_key=True, generated=False)
    code = fields.CharField(max_length=12, unique=True)
    country_by_name = fields.ForeignKeyField("models.Country", to_field="name",
                                             related_name="tickets_by_name")


class Profile(models.Model):
    account = fields.OneToOneField("models.Account", primary_key=True, related_name="profile")
    bio = fields.TextField(null=True)
    friends = fields.ManyToManyField("models.Profile", related_name="friend_of")
