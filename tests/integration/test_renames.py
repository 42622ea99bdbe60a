"""Renames: declared with --rename (never guessed with --no-input), applied with the rows,
indexes and foreign keys kept, and reverted. A table whose model keeps its class is renamed
for certain (tests/integration/test_model_renames.py); one created by a migration written
before model identities were recorded is not."""

from __future__ import annotations

from tests.conftest import Project

V1 = """
class Author(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)

    class Meta:
        table = "authors"


class Book(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.Author", related_name="books")
    title = fields.CharField(max_length=100)

    class Meta:
        table = "books"
"""

V2 = (V1.replace('table = "authors"', 'table = "writers"')
        .replace("name = fields.CharField(max_length=50, unique=True)",
                 "full_name = fields.CharField(max_length=50, unique=True)")
        .replace("title = fields.CharField(max_length=100)",
                 "headline = fields.CharField(max_length=100)"))


def test_declared_renames_keep_rows(project: Project) -> None:
    db = project.db
    project.models(V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO authors (name) VALUES ('ada')")
    db.query("INSERT INTO books (author_id, title) VALUES (1, 'notes')")
    project.models(V2)

    # without --rename and without a terminal: the table is renamed (the model keeps its
    # class: certain), the renamed columns are a drop + add, with a warning
    dry = project.run("makemigrations", "--app", "models", "--no-input", "--dry-run")
    assert "Rename table authors to writers" in dry.stdout
    assert "Delete table" not in dry.stdout and "Create table" not in dry.stdout
    assert "Remove column writers.name" in dry.stdout
    # said once, by lint (its data-loss finding), not twice
    assert "data-loss drop-column: drops column writers.name and its values" in dry.stderr
    assert "data-loss drop-column: drops column books.title and its values" in dry.stderr
    assert "is dropped: its data will be lost" not in dry.stderr
    assert len(project.migration_files()) == 1

    out = project.run("makemigrations", "--app", "models", "--no-input",
                      "--rename", "authors=writers", "--rename", "writers.name=full_name",
                      "--rename", "books.title=headline").stdout
    assert "Rename table authors to writers" in out
    assert "Rename column writers.name to full_name" in out
    assert "Rename column books.title to headline" in out
    assert "Delete" not in out and "Remove column" not in out
    project.run("migrate", "--app", "models")
    assert db.query("SELECT full_name FROM writers") == [("ada",)]
    assert db.query("SELECT author_id, headline FROM books") == [(1, "notes")]
    assert "No changes" in project.run("makemigrations", "--app", "models").stdout
    # the unique constraint and the foreign key followed the renames
    try:
        db.query("INSERT INTO writers (full_name) VALUES ('ada')")
        duplicate_accepted = True
    except Exception:
        duplicate_accepted = False
    assert not duplicate_accepted
    try:
        db.query("INSERT INTO books (author_id, headline) VALUES (99, 'orphan')")
        orphan_accepted = True
    except Exception:
        orphan_accepted = False
    assert not orphan_accepted

    project.run("rollback", "--app", "models")
    assert db.query("SELECT name FROM authors") == [("ada",)]
    assert db.query("SELECT title FROM books") == [("notes",)]


def test_a_table_without_identity_is_not_renamed_for_certain(project: Project) -> None:
    """A migration written before model identities were recorded (no ``model=``): a new
    Meta.table is a drop and a create without a question, as before."""
    project.models(V1)
    project.run("makemigrations", "--app", "models")
    initial = project.migration_files()[0]
    text = initial.read_text()
    assert 'model="models.Author",' in text
    initial.write_text("\n".join(line for line in text.splitlines()
                                 if not line.strip().startswith("model=")) + "\n")
    project.models(V1.replace('table = "authors"', 'table = "writers"'))
    dry = project.run("makemigrations", "--app", "models", "--no-input", "--dry-run")
    assert "Delete table authors" in dry.stdout and "Create table writers" in dry.stdout
    assert "data-loss drop-table: drops table authors" in dry.stderr
    assert "is dropped: its rows will be lost" not in dry.stderr
