"""The seed's workflow end to end through the CLI, on SQLite, PostgreSQL and MariaDB:
makemigrations, migrate, showmigrations, rollback, with rows kept across every change."""

from __future__ import annotations

from tests.conftest import Project
from tortoise_pathway.recorder import PROGRESS_TABLE, TABLE

#: tortoise-pathway's own tables (history, progress of non-transactional runs)
OWN_TABLES = {TABLE, PROGRESS_TABLE}

USER_V1 = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=255)
    email = fields.CharField(max_length=255, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"
"""

USER_V2 = USER_V1.replace(
    "    created_at = fields.DatetimeField(auto_now_add=True)\n",
    "    created_at = fields.DatetimeField(auto_now_add=True)\n"
    "    age = fields.IntField(null=True)\n")


def insert_user(project: Project, name: str, email: str) -> None:
    project.db.query(
        f"INSERT INTO users (name, email, created_at) VALUES ('{name}', '{email}', "
        "CURRENT_TIMESTAMP)")


def test_seed_user_model_end_to_end(project: Project) -> None:
    db = project.db
    project.models(USER_V1)
    out = project.run("makemigrations", "--app", "models").stdout
    files = project.migration_files()
    assert len(files) == 1
    assert files[0].name.endswith("_initial.py") and files[0].name[:14].isdigit()
    assert "Create table users" in out
    text = files[0].read_text()
    assert "from tortoise_pathway import migration, ops" in text
    assert "proj" not in text  # self-contained: never imports the user's models

    out = project.run("migrate", "--app", "models").stdout
    assert "Applying models." in out and "OK (" in out
    assert "users" in db.tables()
    status = project.run("showmigrations", "--app", "models").stdout
    assert f"[X] {files[0].stem}" in status

    insert_user(project, "ada", "ada@example.com")
    project.models(USER_V2)
    out = project.run("makemigrations", "--app", "models").stdout
    assert "Add column users.age" in out
    assert len(project.migration_files()) == 2
    project.run("migrate", "--app", "models")
    assert "age" in db.columns("users")
    assert db.query("SELECT name, email FROM users") == [("ada", "ada@example.com")]

    out = project.run("makemigrations", "--app", "models").stdout
    assert "No changes detected in app 'models'" in out
    assert len(project.migration_files()) == 2

    project.run("rollback", "--app", "models")
    assert "age" not in db.columns("users")
    assert db.query("SELECT name FROM users") == [("ada",)]
    project.run("rollback", "--app", "models")
    assert "users" not in db.tables()
    status = project.run("showmigrations", "--app", "models").stdout
    assert "[X]" not in status and status.count("[ ]") == 2

    # and forward again from empty
    project.run("migrate", "--app", "models")
    assert "age" in db.columns("users")


STEPS = [
    # 1: users only
    USER_V1,
    # 2: a post table with a foreign key and an index; a new nullable column on users
    USER_V2 + """
class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=50, db_index=True)

    class Meta:
        table = "posts"
""",
    # 3: alter fields: title widened and nullable, index dropped; age dropped; body added
    USER_V1 + """
class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=200, null=True)
    body = fields.TextField(null=True)

    class Meta:
        table = "posts"
""",
    # 4: unique turned on, an index added back under unique_together
    USER_V1 + """
class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=200, null=True, unique=True)
    body = fields.TextField(null=True)

    class Meta:
        table = "posts"
        unique_together = (("author", "body"),)
""",
    # 5: the post table dropped
    USER_V1,
]


def test_history_of_changes_forward_and_back(project: Project) -> None:
    db = project.db
    snapshots: list[tuple[set[str], dict[str, list[str]]]] = []
    #: the last migration of each step (a step that adds and drops writes two: expand, then
    #: contract)
    lasts: list[str] = []
    for i, source in enumerate(STEPS):
        project.models(source)
        project.run("makemigrations", "--app", "models")
        lasts.append(project.migration_files()[-1].stem)
        project.run("migrate", "--app", "models")
        tables = db.tables() - OWN_TABLES
        snapshots.append((tables, {t: db.columns(t) for t in sorted(tables)}))
        if i == 0:
            insert_user(project, "ada", "ada@example.com")
        if i == 1:
            db.query("INSERT INTO posts (author_id, title) VALUES (1, 'hello')")
        assert db.query("SELECT name FROM users") == [("ada",)]
        if "posts" in tables:
            assert db.query("SELECT title FROM posts") == [("hello",)]
        assert "No changes" in project.run("makemigrations", "--app", "models").stdout

    assert snapshots[1][1]["posts"] == ["id", "title", "author_id"]
    assert "age" not in snapshots[2][1]["users"] and "body" in snapshots[2][1]["posts"]
    assert "posts" not in snapshots[4][0]

    # roll back one step at a time, checking the schema and the rows at each step
    for i in range(len(STEPS) - 2, -1, -1):
        project.run("rollback", "--app", "models", lasts[i])
        tables = db.tables() - OWN_TABLES
        assert tables == snapshots[i][0], i
        assert {t: db.columns(t) for t in sorted(tables)} == snapshots[i][1], i
        assert db.query("SELECT name FROM users") == [("ada",)]
        if i == len(STEPS) - 2:
            # the table came back from a drop: its rows could not; give it one again
            assert db.query("SELECT count(*) FROM posts") == [(0,)]
            db.query("INSERT INTO posts (author_id, title) VALUES (1, 'hello')")
        if i >= 1:
            assert db.query("SELECT title FROM posts") == [("hello",)]
    project.run("rollback", "--app", "models")
    assert db.tables() - OWN_TABLES == set()
    project.run("rollback", "--app", "models", ok=False)


def test_foreign_key_cycle_and_self_reference(project: Project) -> None:
    db = project.db
    project.models("""
class Team(models.Model):
    id = fields.IntField(primary_key=True)
    captain = fields.ForeignKeyField("models.Player", related_name="captain_of", null=True,
                                     on_delete=fields.SET_NULL)

class Player(models.Model):
    id = fields.IntField(primary_key=True)
    team = fields.ForeignKeyField("models.Team", related_name="players", null=True,
                                  on_delete=fields.SET_NULL)
    mentor = fields.ForeignKeyField("models.Player", related_name="mentees", null=True,
                                    on_delete=fields.SET_NULL)
""")
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    assert {"team", "player"} <= db.tables()
    db.query("INSERT INTO team (captain_id) VALUES (NULL)")
    db.query("INSERT INTO player (team_id, mentor_id) VALUES (1, NULL)")
    db.query("UPDATE team SET captain_id = 1")
    project.run("rollback", "--app", "models")
    assert db.tables() - OWN_TABLES == set()


def test_migrate_to_target_and_rollback_to_target(project: Project) -> None:
    db = project.db
    project.models(USER_V1)
    project.run("makemigrations", "--app", "models", "--name", "first")
    project.models(USER_V2)
    project.run("makemigrations", "--app", "models", "--name", "second")
    first, second = project.migration_files()
    assert first.stem.endswith("_first") and second.stem.endswith("_second")
    project.run("migrate", "--app", "models", first.stem)
    assert "users" in db.tables() and "age" not in db.columns("users")
    project.run("migrate", "--app", "models")
    assert "age" in db.columns("users")
    project.run("rollback", "--app", "models", first.stem)
    assert "age" not in db.columns("users")
    status = project.run("showmigrations", "--app", "models").stdout
    assert f"[X] {first.stem}" in status and f"[ ] {second.stem}" in status
