"""Index kinds on each database beyond what the fidelity corpus shows: a kind the app's database
lacks stops makemigrations with the index named and nothing written, and check sees an index
whose kind differs from what the migrations made. (That every kind is made as
generate_schemas makes it, forward and back with rows, is tests/fidelity: the partial, pgindex
and myindex sets and histories.)"""

from __future__ import annotations

from tests.conftest import Project

KINDS = """
from tortoise.contrib.mysql.indexes import FullTextIndex
from tortoise.contrib.postgres.indexes import GinIndex
from tortoise.indexes import PartialIndex


class Doc(models.Model):
    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=50)
    body = fields.TextField()
    tags = fields.JSONField()

    class Meta:
        table = "doc"
        indexes = [{index}]
"""

#: per database, an index it lacks and the words of the refusal
REFUSED = {
    "sqlite": ('GinIndex(fields=("tags",), name="doc_tags")',
               "index doc_tags on table doc is a GIN index, which only postgres has; sqlite "
               "cannot make it"),
    "postgres": ('FullTextIndex(fields=("body",), name="doc_body")',
                 "index doc_body on table doc is a FULLTEXT index, which only mysql has; "
                 "postgres cannot make it"),
    "mysql": ('PartialIndex(fields=("title",), condition={"id": 1}, name="doc_title")',
              "index doc_title on table doc has a condition (a partial index), which mysql "
              "cannot make"),
}


def test_a_kind_the_database_lacks_is_refused_by_name(project: Project) -> None:
    index, words = REFUSED[project.db.dialect]
    project.models(KINDS.format(index=index))
    proc = project.run("makemigrations", ok=False)
    assert proc.returncode == 1
    assert words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"the app's connection is {project.db.dialect}" in proc.stderr
    assert project.migration_files() == []


def test_check_sees_an_index_of_another_kind(project: Project) -> None:
    dialect = project.db.dialect
    index = {"sqlite": 'PartialIndex(fields=("title",), condition={"id": 1}, name="doc_ix")',
             "postgres": 'GinIndex(fields=("tags",), name="doc_ix")',
             "mysql": 'FullTextIndex(fields=("body",), name="doc_ix")'}[dialect]
    project.models(KINDS.format(index=index))
    project.run("makemigrations")
    project.run("migrate")
    assert "Clean" in project.run("check").stdout
    # the same name, a plain index in the database
    column = {"sqlite": "title", "postgres": "tags", "mysql": "body"}[dialect]
    if dialect == "mysql":  # a TEXT column takes a B-tree index on a prefix only
        project.db.query("DROP INDEX `doc_ix` ON `doc`")
        project.db.query("CREATE INDEX `doc_ix` ON `doc` (`title`)")
        column = "title"
    else:
        project.db.query('DROP INDEX "doc_ix"')
        project.db.query(f'CREATE INDEX "doc_ix" ON "doc" ("{column}")')
    out = project.run("check", ok=False).stdout
    assert "index doc_ix: on doc" in out, out
    assert f"({column}) in the database" in out, out
    # and the SQL that puts it back
    sql = project.run("check", "--sql", ok=False).stdout
    made = {"sqlite": "WHERE id = 1", "postgres": "USING GIN", "mysql": "CREATE FULLTEXT INDEX"}
    assert made[dialect] in sql, sql
