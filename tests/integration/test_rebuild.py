"""Alterations of a table that foreign keys point into and out of, with an M2M table and
indexes: on SQLite these are table rebuilds; every row, index and foreign key must survive."""

from __future__ import annotations

from tests.conftest import Project

BASE = """
class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)

    class Meta:
        table = "users"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20, unique=True)

    class Meta:
        table = "tags"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts")
    title = fields.CharField(max_length=50, db_index=True)
    score = fields.IntField(null=True)
    tags = fields.ManyToManyField("models.Tag", related_name="posts", through="post_tags")

    class Meta:
        table = "posts"
"""

CHANGES = [
    # type change + null -> not null with a db default for existing rows
    BASE.replace("title = fields.CharField(max_length=50, db_index=True)",
                 "title = fields.CharField(max_length=200, db_index=True)")
        .replace("score = fields.IntField(null=True)", "score = fields.IntField(db_default=0)"),
    # a unique constraint added, and a column dropped
    BASE.replace("title = fields.CharField(max_length=50, db_index=True)",
                 "title = fields.CharField(max_length=200, db_index=True, unique=True)")
        .replace("    score = fields.IntField(null=True)\n", ""),
    # on_delete changed on the foreign key out of the table
    BASE.replace('related_name="posts")', 'related_name="posts", on_delete=fields.RESTRICT)')
        .replace("title = fields.CharField(max_length=50, db_index=True)",
                 "title = fields.CharField(max_length=200, db_index=True, unique=True)")
        .replace("    score = fields.IntField(null=True)\n", ""),
]


def fill(project: Project) -> None:
    q = project.db.query
    q("INSERT INTO users (name) VALUES ('ada')")
    q("INSERT INTO users (name) VALUES ('bob')")
    q("INSERT INTO tags (label) VALUES ('x')")
    q("INSERT INTO tags (label) VALUES ('y')")
    q("INSERT INTO posts (author_id, title) VALUES (1, 'first')")
    q("INSERT INTO posts (author_id, title, score) VALUES (2, 'second', 5)")
    q("INSERT INTO post_tags (posts_id, tag_id) VALUES (1, 1)")
    q("INSERT INTO post_tags (posts_id, tag_id) VALUES (1, 2)")
    q("INSERT INTO post_tags (posts_id, tag_id) VALUES (2, 2)")


def rows(project: Project) -> tuple[list[tuple], list[tuple]]:
    q = project.db.query
    return (q("SELECT id, author_id, title FROM posts ORDER BY id"),
            q("SELECT posts_id, tag_id FROM post_tags ORDER BY posts_id, tag_id"))


def test_alterations_keep_rows_indexes_and_foreign_keys(project: Project) -> None:
    db = project.db
    project.models(BASE)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    fill(project)
    before = rows(project)
    for source in CHANGES:
        project.models(source)
        project.run("makemigrations", "--app", "models")
        project.run("migrate", "--app", "models")
        assert rows(project) == before
        assert "No changes" in project.run("makemigrations", "--app", "models").stdout
    if db.dialect == "sqlite":
        fks = db.query("PRAGMA foreign_key_list(posts)")
        assert [(r[2], r[3], r[4], r[6]) for r in fks] == [("users", "author_id", "id",
                                                             "RESTRICT")]
        into = db.query("PRAGMA foreign_key_list(post_tags)")
        assert sorted((r[2], r[3]) for r in into) == [("posts", "posts_id"), ("tags", "tag_id")]
        indexes = {r[1] for r in db.query("PRAGMA index_list(posts)")}
        assert any(name.startswith("idx_posts_title") for name in indexes)
        assert db.query("PRAGMA foreign_key_check") == []
        assert not [t for t in db.tables() if t.startswith("__pw")]
    # the foreign key into posts still cascades: deleting a post removes its tag links
    db.query("DELETE FROM posts WHERE id = 2")
    assert rows(project)[1] == [(1, 1), (1, 2)]
    # RESTRICT now protects users that have posts
    try:
        db.query("DELETE FROM users WHERE id = 1")
    except Exception:
        pass
    assert db.query("SELECT count(*) FROM users WHERE id = 1") == [(1,)]
    # and all the way back, rows intact
    for _ in CHANGES:
        project.run("rollback", "--app", "models")
        assert rows(project)[0] == [(1, 1, "first")]
    assert rows(project)[1] == [(1, 1), (1, 2)]
