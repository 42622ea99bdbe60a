"""History "league", version 1."""

from tortoise import fields, models


class Team(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    code = fields.CharField(max_length=5, unique=True)


class Player(models.Model):
    id = fields.IntField(primary_key=True)
    team = fields.ForeignKeyField("models.Team", related_name="players")
    nick = fields.CharField(max_length=30, unique=True)
    score = fields.IntField(db_index=True, db_default=0)
    matches = fields.ManyToManyField("models.Team", related_name="opponents",
                                     through="player_match")
