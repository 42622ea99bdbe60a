"""Alterations with rows in the table: NOT NULL columns added or tightened (a one-off value
for existing rows from the model's default, --fill, or a warning), widening and narrowing
types, a foreign key turned into a one-to-one; forward and back, rows intact."""

from __future__ import annotations

from tests.conftest import Project

BASE = """
class Team(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "teams"


class Player(models.Model):
    id = fields.IntField(primary_key=True)
    team = fields.ForeignKeyField("models.Team", related_name="players")
    nick = fields.CharField(max_length=50)
    bio = fields.CharField(max_length=100, null=True)
    points = fields.IntField()

    class Meta:
        table = "players"
"""

# 1: a NOT NULL column whose model has a Python default; one with --fill; bio tightened
STEP1 = BASE.replace(
    "    points = fields.IntField()\n",
    "    points = fields.IntField()\n"
    "    level = fields.IntField(default=3)\n"
    "    rank = fields.CharField(max_length=10)\n").replace(
    "bio = fields.CharField(max_length=100, null=True)",
    "bio = fields.CharField(max_length=100)")
# 2: widening types: Char(50) -> Char(200), Int -> BigInt, Char -> Text
STEP2 = STEP1.replace("nick = fields.CharField(max_length=50)",
                      "nick = fields.CharField(max_length=200)").replace(
    "points = fields.IntField()", "points = fields.BigIntField()").replace(
    "bio = fields.CharField(max_length=100)", "bio = fields.TextField()")
# 3: narrowing a type the data fits in; the foreign key becomes a one-to-one
STEP3 = STEP2.replace("nick = fields.CharField(max_length=200)",
                      "nick = fields.CharField(max_length=20)").replace(
    'team = fields.ForeignKeyField("models.Team", related_name="players")',
    'team = fields.OneToOneField("models.Team", related_name="player")')


def players(project: Project) -> list[tuple]:
    return project.db.query("SELECT id, team_id, nick, points FROM players ORDER BY id")


def test_not_null_and_type_changes_keep_rows(project: Project) -> None:
    db = project.db
    project.models(BASE)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO teams (name) VALUES ('red')")
    db.query("INSERT INTO teams (name) VALUES ('blue')")
    db.query("INSERT INTO players (team_id, nick, bio, points) VALUES (1, 'ada', NULL, 10)")
    db.query("INSERT INTO players (team_id, nick, bio, points) VALUES (2, 'bob', 'hi', 20)")
    rows = players(project)

    project.models(STEP1)
    # without a value for rank and bio: a warning each, and migrate would fail on these rows
    dry = project.run("makemigrations", "--app", "models", "--no-input", "--dry-run")
    assert "warning: column players.rank becomes NOT NULL without a default" in dry.stderr
    assert "warning: column players.bio becomes NOT NULL without a default" in dry.stderr
    assert "players.level becomes" not in dry.stderr  # its model default fills it
    project.run("makemigrations", "--app", "models", "--no-input",
                "--fill", "players.rank=rookie", "--fill", "players.bio=''")
    text = project.migration_files()[-1].read_text()
    assert 'fill="rookie"' in text and "fill=3" in text and 'fill=""' in text
    project.run("migrate", "--app", "models")
    assert players(project) == rows
    assert db.query("SELECT level, rank, bio FROM players ORDER BY id") == [
        (3, "rookie", ""), (3, "rookie", "hi")]
    assert "No changes" in project.run("makemigrations", "--app", "models").stdout

    for source in (STEP2, STEP3):
        project.models(source)
        project.run("makemigrations", "--app", "models", "--no-input")
        project.run("migrate", "--app", "models")
        assert players(project) == rows
        assert "No changes" in project.run("makemigrations", "--app", "models").stdout
    # one-to-one: a second player for team 1 is refused now
    try:
        db.query("INSERT INTO players (team_id, nick, bio, points, level, rank) "
                 "VALUES (1, 'cy', '', 1, 1, 'x')")
        accepted = True
    except Exception:
        accepted = False
    assert not accepted

    for _ in range(3):
        project.run("rollback", "--app", "models")
        assert players(project) == rows
    assert "level" not in db.columns("players")


def test_tightening_without_a_value_fails_cleanly_on_rows(project: Project) -> None:
    db = project.db
    project.models(BASE)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO teams (name) VALUES ('red')")
    db.query("INSERT INTO players (team_id, nick, bio, points) VALUES (1, 'ada', NULL, 10)")
    project.models(BASE.replace("bio = fields.CharField(max_length=100, null=True)",
                                "bio = fields.CharField(max_length=100)"))
    project.run("makemigrations", "--app", "models", "--no-input")
    proc = project.run("migrate", "--app", "models", ok=False)
    assert "error: models." in proc.stderr and "Traceback" not in proc.stderr
    assert db.query("SELECT bio FROM players") == [(None,)]
