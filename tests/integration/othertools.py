"""Databases built the way other migration tools build them, for the tests of ``adopt``.

``tortoise-pathway adopt`` takes over a database whose schema some other tool made. To test it
on what those tools really leave behind (not on what we believe they leave behind), this module
runs them: each ``build_with_*`` function makes a throwaway project (package ``proj`` with
``config.py`` and ``models.py``, like ``tests/conftest.py``'s ``Project``) in an empty directory
and drives the tool's own command line in subprocesses (``python -m aerich`` is the ``aerich``
command, ``python -m tortoise`` the ``tortoise`` one), as a user would, through a history of
model versions, against a real database. Both need the tool importable by ``sys.executable``
(``pip install "aerich>=0.10,<0.11"``; Tortoise's own CLI comes with tortoise-orm >= 1.0).

- ``build_with_aerich``: Aerich 0.10 (``aerich init``, ``init-db``, then ``migrate`` and
  ``upgrade`` per later version). History table ``aerich`` (rows ``0_<timestamp>_init.py``,
  ``1_<timestamp>_step2.py``, ...); it writes ``pyproject.toml`` with a ``[tool.tortoise]``
  section (``tortoise_orm``, ``location``, ``src_folder``: Aerich uses Tortoise's section when
  tortoise-orm >= 1.0) and its migrations into ``migrations/models/``.
- ``build_with_tortoise``: Tortoise ORM 1.x's built-in migrations (``init``, then
  ``makemigrations`` and ``migrate`` per version). History table ``tortoise_migrations`` (rows
  ``0001_step1``, ...); migrations in the package ``proj/migrations/``.

What they leave behind for ``VERSIONS`` differs from ``Tortoise.generate_schemas()`` of the last
version, and that is the point: ``adopt`` has to cope with what is there. Observed with Aerich
0.10.1, tortoise-orm 1.1.9, SQLite 3.40, PostgreSQL 15, MariaDB 10.11 (index and constraint
names are the same as generate_schemas' everywhere):

- Aerich, PostgreSQL and MariaDB: ``posts.author_id`` keeps ``ON DELETE CASCADE`` (``aerich
  migrate`` prints "Ignore 'on_delete' changes ... (You may need to do it in db manually)");
  nothing else differs.
- Aerich, SQLite: ``VERSIONS`` cannot be built (``aerich migrate`` of v2 fails: Aerich cannot
  change a column's nullability or type there); ``SQLITE_AERICH_VERSIONS`` can, and then only
  the same ``ON DELETE CASCADE`` differs.
- Tortoise, PostgreSQL and MariaDB: the same ``ON DELETE CASCADE`` (its ``AlterField`` changes
  only the column's nullability); nothing else differs.
- Tortoise, SQLite: the foreign key is right (the table is rebuilt), but the index on
  ``users.name`` is missing (the rebuild made for ``AlterField(db_index=True)`` creates no
  index), and ``posts``' columns are in the order ``id, author_id, title``.

Every command runs with stdin closed (a prompt reads end-of-file and fails instead of waiting)
and with ``--no-input`` where the tool has it (Aerich's ``migrate``, which then takes a field
dropped and one of the same type added for a rename; ``VERSIONS`` has none); a command that
fails, or that does not report having done its work, raises ``AssertionError`` with its output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

__all__ = ["SQLITE_AERICH_VERSIONS", "VERSIONS", "build_with_aerich", "build_with_tortoise"]

#: The timeout of one command, in seconds.
TIMEOUT = 300

_V1 = '''\
from tortoise import fields, models


class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100, unique=True)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts",
                                    on_delete=fields.CASCADE)
    title = fields.CharField(max_length=200)
    tags = fields.ManyToManyField("models.Tag", related_name="posts")

    class Meta:
        table = "posts"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30)

    class Meta:
        table = "tags"
'''

_V2 = '''\
from tortoise import fields, models


class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50)
    email = fields.CharField(max_length=100, unique=True)
    bio = fields.TextField(null=True)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts",
                                    on_delete=fields.SET_NULL, null=True)
    title = fields.CharField(max_length=300)
    tags = fields.ManyToManyField("models.Tag", related_name="posts")

    class Meta:
        table = "posts"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30)

    class Meta:
        table = "tags"
'''

_V3 = '''\
from tortoise import fields, models


class User(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, db_index=True)
    email = fields.CharField(max_length=100, unique=True)
    bio = fields.TextField(null=True)

    class Meta:
        table = "users"


class Post(models.Model):
    id = fields.IntField(primary_key=True)
    author = fields.ForeignKeyField("models.User", related_name="posts",
                                    on_delete=fields.SET_NULL, null=True)
    title = fields.CharField(max_length=300)
    tags = fields.ManyToManyField("models.Tag", related_name="posts")

    class Meta:
        table = "posts"


class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=30)

    class Meta:
        table = "tags"


class Comment(models.Model):
    id = fields.IntField(primary_key=True)
    post = fields.ForeignKeyField("models.Post", related_name="comments",
                                  on_delete=fields.CASCADE)
    body = fields.TextField()

    class Meta:
        table = "comments"
'''

#: A three-version history of app "models" (tables users, posts, tags, posts_tags, and
#: comments from v3 on). v1: User, Post (author FK CASCADE), Tag, Post.tags M2M. v2: the author
#: FK becomes ``on_delete=SET_NULL, null=True``, ``users.bio`` (TEXT NULL) is added,
#: ``posts.title`` grows to 300. v3: model Comment (FK to Post, CASCADE) and an index on
#: ``users.name``.
VERSIONS: list[str] = [_V1, _V2, _V3]


def _replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


#: VERSIONS as far as Aerich can take them on SQLite, where it refuses to change a column's
#: type or nullability ("Modify column is unsupported in SQLite.", "Alter column null is
#: unsupported in SQLite.": ``aerich migrate`` of VERSIONS[1] fails there): posts.author_id is
#: nullable and posts.title 300 long from v1 on, so that v2 only changes the author key's
#: on_delete (CASCADE to SET NULL) and adds users.bio. v2 and v3 are VERSIONS' own, so the last
#: version's models are the same.
SQLITE_AERICH_VERSIONS: list[str] = [
    _replaced(_replaced(_V1, "on_delete=fields.CASCADE)", "on_delete=fields.CASCADE, null=True)"),
              "max_length=200", "max_length=300"),
    _V2,
    _V3,
]


def _write_project(root: Path, db_url: str, *, aerich: bool) -> None:
    """The package ``proj`` with its config module (models.py is written per version)."""
    pkg = root / "proj"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    if aerich:  # Aerich's docs: its own models go into the app
        app = '"models": ["proj.models", "aerich.models"]'
    else:  # Tortoise's docs: name the migrations package ("migrate" does not infer it)
        app = '"models": ["proj.models"], "migrations": "proj.migrations"'
    (pkg / "config.py").write_text(textwrap.dedent(f"""\
        TORTOISE_ORM = {{
            "connections": {{"default": {db_url!r}}},
            "apps": {{
                "models": {{{app}, "default_connection": "default"}},
            }},
            "use_tz": False,
        }}
        """))


def _write_models(root: Path, source: str) -> None:
    (root / "proj" / "models.py").write_text(source)


def _run(root: Path, *args: str, expect: str) -> str:
    """Runs ``python -m ARGS`` in root and returns its output; AssertionError when it fails or
    its output lacks ``expect`` (what the tool prints when it did its work)."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", AERICH_NO_TORTOISE_V1_WARNING="1")
    # Both tools fall back to these for their configuration; ours is given explicitly.
    env.pop("TORTOISE_ORM", None)
    env.pop("TORTOISE_ORM_SRC", None)
    cmd = [sys.executable, "-m", *args]
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        raise AssertionError(f"{' '.join(args)} timed out after {TIMEOUT}s in {root}:\n"
                             f"{e.stdout!r}\n{e.stderr!r}") from None
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or expect not in out:
        raise AssertionError(f"{' '.join(args)} failed (exit status {proc.returncode}, "
                             f"expected {expect!r} in its output) in {root}:\n{out}")
    return out


def build_with_aerich(root: Path, db_url: str, versions: list[str]) -> None:
    """Creates the schema with Aerich 0.10 in the database at db_url: ``aerich init -t ...``,
    ``aerich init-db`` for versions[0] (the models module source text of app "models"),
    then for each later version: write it, ``aerich migrate --name stepN``, ``aerich upgrade``.
    root is an empty directory to build the project in. Raises AssertionError with the
    tool's output when a command fails. On SQLite use ``SQLITE_AERICH_VERSIONS`` (or another
    history without changes of a column's type or nullability).

    Aerich writes ``pyproject.toml`` (section ``[tool.tortoise]``, as it does with
    tortoise-orm >= 1.0) and ``migrations/models/``; its history table is ``aerich``.
    """
    if not versions:
        raise ValueError("versions is empty")
    _write_project(root, db_url, aerich=True)
    _write_models(root, versions[0])
    _run(root, "aerich", "init", "-t", "proj.config.TORTOISE_ORM",
         expect="Success writing aerich config")
    _run(root, "aerich", "init-db", expect="Success writing schemas to database")
    for n, source in enumerate(versions[1:], start=2):
        _write_models(root, source)
        _run(root, "aerich", "migrate", "--name", f"step{n}", "--no-input",
             expect="Success creating migration file")
        _run(root, "aerich", "upgrade", expect="Success upgrading to")


def build_with_tortoise(root: Path, db_url: str, versions: list[str]) -> None:
    """Creates the schema with Tortoise ORM 1.x's built-in migrations in the database at
    db_url: for each version (the models module source text of app "models"), write it,
    ``python -m tortoise -c proj.config.TORTOISE_ORM makemigrations --name stepN``, then
    ``... migrate``. root is an empty directory to build the project in. Raises AssertionError
    with the tool's output when a command fails.

    The config names the migrations package ``proj.migrations``, as Tortoise's docs do:
    ``makemigrations`` would infer it from ``proj.models``, but ``migrate`` does not, and
    without it applies nothing and exits 0 ("No migrations to apply"). ``tortoise init``
    creates the package; the history table is ``tortoise_migrations``.
    """
    if not versions:
        raise ValueError("versions is empty")
    _write_project(root, db_url, aerich=False)
    config = ("tortoise", "-c", "proj.config.TORTOISE_ORM")
    _run(root, *config, "init", expect="proj.migrations")
    for n, source in enumerate(versions, start=1):
        _write_models(root, source)
        _run(root, *config, "makemigrations", "--name", f"step{n}", expect="Created")
        _run(root, *config, "migrate", expect="Applying")
