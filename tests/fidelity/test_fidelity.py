"""Fidelity: for any models, ``makemigrations`` + ``migrate`` on an empty database yields the
schema Tortoise's own ``generate_schemas`` creates for them, on SQLite, PostgreSQL and MariaDB.

Database A gets ``generate_schemas`` (in a subprocess), database B our CLI; their catalogs
(tests/fidelity/catalog.py) must be equal. ``Meta.constraints``, which ``generate_schemas``
leaves out, are added to database A as Tortoise's own migrations add them (its schema
editor's ``add_constraint``). Histories apply each version in turn, compare with
``generate_schemas`` of that version, then roll back one step at a time and compare with the
earlier versions again, with rows put in at each step that must survive every step.

``check`` reads each database back (live.py) and must find it holding what its migrations
describe, at every step; each whole history on an empty database (created at once, where
migrate does so) and squashed into one migration (squashmigrations, the engine's optimizer)
must build the last step's schema; and database A,
made by ``generate_schemas``, is taken over by ``adopt`` and ``migrate``, after which its
catalog is unchanged and ``check`` is clean.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DIALECTS, Database, Project, drop_database, make_database
from tests.fidelity import catalog, corpus
from tests.fidelity.rows import Rows

GENERATE = """\
import asyncio

from tortoise import Tortoise
from tortoise.migrations.constraints import CheckConstraint
from tortoise.migrations.schema_editor.asyncpg import AsyncpgSchemaEditor
from tortoise.migrations.schema_editor.mysql import MySQLSchemaEditor
from tortoise.migrations.schema_editor.sqlite import SqliteSchemaEditor

from proj.config import TORTOISE_ORM


def editor(connection):
    module = type(connection).__module__
    for word, cls in (("sqlite", SqliteSchemaEditor), ("asyncpg", AsyncpgSchemaEditor),
                      ("mysql", MySQLSchemaEditor)):
        if word in module:
            return cls(connection)
    raise RuntimeError(module)


async def add_constraints():
    # generate_schemas leaves Meta.constraints out: added as Tortoise's migrations add them
    # (checks first: SQLite's remake of the table keeps no index)
    for app in Tortoise.apps.values():
        for model in app.values():
            constraints = list(getattr(model._meta, "constraints", None) or ())
            constraints.sort(key=lambda c: not isinstance(c, CheckConstraint))
            for constraint in constraints:
                await editor(model._meta.db).add_constraint(model, constraint)


async def main():
    await Tortoise.init(config=TORTOISE_ORM)
    try:
        await Tortoise.generate_schemas(safe=False)
        await add_constraints()
    finally:
        await Tortoise.close_connections()


asyncio.run(main())
"""


class Databases:
    """The databases a test made, dropped at its end."""

    def __init__(self, dialect: str, tmp_path: Path) -> None:
        self.dialect = dialect
        self.tmp_path = tmp_path
        self.made: list[Database] = []
        #: statements run on every new database first
        self.setup: tuple[str, ...] = ()

    def new(self) -> Database:
        db = make_database(self.dialect, self.tmp_path)
        self.made.append(db)
        for sql in self.setup:
            db.query(sql)
        return db

    def drop(self) -> None:
        for db in self.made:
            drop_database(db)


@pytest.fixture(params=DIALECTS)
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    made = Databases(request.param, tmp_path)
    yield made
    made.drop()


def project(root: Path, db: Database, apps: dict[str, str]) -> Project:
    """A project whose apps hold the given corpus modules."""
    p = Project(root, db, tuple(apps))
    for app, module in apps.items():
        write_models(p, app, module)
    return p


def write_models(p: Project, app: str, module: str) -> None:
    (p.root / "proj" / f"{app}.py").write_text(corpus.source(module), encoding="utf-8")


def generate_schemas(p: Project) -> None:
    """Tortoise's generate_schemas for the project's models, in a fresh interpreter."""
    script = p.root / "generate.py"
    script.write_text(GENERATE)
    proc = subprocess.run([sys.executable, str(script)], cwd=p.root, capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    if proc.returncode != 0:
        raise AssertionError(f"generate_schemas failed:\n{proc.stdout}\n{proc.stderr}")


def reference(dbs: Databases, root: Path, apps: dict[str, str]) -> catalog.Catalog:
    """The catalog generate_schemas gives for apps, on a database of its own."""
    return reference_project(dbs, root, apps)[1]


def reference_project(dbs: Databases, root: Path, apps: dict[str, str]
                      ) -> tuple[Project, catalog.Catalog]:
    """A project whose database generate_schemas made for apps, and its catalog."""
    p = project(root, dbs.new(), apps)
    generate_schemas(p)
    return p, catalog.read(p.db)


def assert_clean(p: Project, what: str) -> None:
    """check finds the database holding what its migrations describe."""
    try:
        out = p.run("check").stdout
    except AssertionError as e:
        raise AssertionError(f"{what}: check is not clean: {e}") from None
    assert "Clean" in out, out


def assert_same(expected: catalog.Catalog, actual: catalog.Catalog, what: str,
                order: bool = True) -> None:
    lines = catalog.diff(expected, actual, order=order)
    if lines:
        raise AssertionError(f"{what}: the schema differs from generate_schemas "
                             f"({len(lines)} difference(s)):\n  " + "\n  ".join(lines))


def assert_no_changes(p: Project) -> None:
    """makemigrations finds the migrations' state equal to the models."""
    out = p.run("makemigrations", "--no-input").stdout
    assert out.count("No changes detected") == len(p.apps), out


def table_renames(step: corpus.Step) -> dict[str, str]:
    """The tables a step renames with --rename OLD=NEW."""
    specs = [b for a, b in zip(step.args, step.args[1:], strict=False) if a == "--rename"]
    return dict(spec.split("=", 1) for spec in specs if "." not in spec.split("=", 1)[0])


def _ids(value: object) -> str:
    return value if isinstance(value, str) else value.name  # type: ignore[attr-defined]


@pytest.mark.parametrize(("model_set", "dbs"), corpus.with_dialects(corpus.SETS),
                         indirect=["dbs"], ids=_ids)
def test_models_match_generate_schemas(model_set: corpus.ModelSet, dbs: Databases,
                                       tmp_path: Path) -> None:
    dbs.setup = model_set.setup
    generated, expected = reference_project(dbs, tmp_path / "generated", model_set.apps)
    p = project(tmp_path / "pathway", dbs.new(), model_set.apps)
    p.run("makemigrations")
    p.run("migrate")
    actual = catalog.read(p.db)
    assert_same(expected, actual, f"{model_set.name} on {dbs.dialect}")
    assert_clean(p, f"{model_set.name} on {dbs.dialect}")
    # the database generate_schemas made, taken over
    generated.run("adopt", "--no-input")
    generated.run("migrate")
    assert_same(expected, catalog.read(generated.db),
                f"{model_set.name} on {dbs.dialect}, adopted")
    assert_clean(generated, f"{model_set.name} on {dbs.dialect}, adopted")
    if dbs.dialect == "sqlite":  # the engine's part, the same on every database
        assert_no_changes(p)
    rows = Rows(p.db)
    rows.insert_everywhere(actual)
    rows.check(actual, "after inserting")


@pytest.mark.parametrize(("history", "dbs"), corpus.with_dialects(corpus.HISTORIES),
                         indirect=["dbs"], ids=_ids)
def test_history_matches_generate_schemas_forward_and_back(
        history: corpus.History, dbs: Databases, tmp_path: Path) -> None:
    dbs.setup = history.setup
    expected = [reference(dbs, tmp_path / f"generated_{i}", step.modules())
                for i, step in enumerate(history.steps)]
    p = project(tmp_path / "pathway", dbs.new(), history.steps[0].modules())
    rows = Rows(p.db)
    heads: list[dict[str, str]] = []
    for i, step in enumerate(history.steps):
        for app, module in step.modules().items():
            write_models(p, app, module)
        p.run("makemigrations", "--no-input", *step.args)
        if dbs.dialect == "sqlite":  # the engine's part, the same on every database
            assert_no_changes(p)
        p.run("migrate")
        heads.append({app: p.migration_files(app)[-1].stem for app in p.apps})
        rows.rename(table_renames(step))
        what = f"{history.name} step {i + 1} on {dbs.dialect}"
        actual = catalog.read(p.db)
        assert_same(expected[i], actual, what, order=i == 0)
        rows.check(actual, f"{what}, forward")
        assert_clean(p, what)
        rows.insert_everywhere(actual)
    for i in range(len(history.steps) - 2, -1, -1):
        if p.apps == ("models",):  # a step may have written two (expand, contract)
            p.run("rollback", "--app", "models", heads[i]["models"])
        else:  # each app back to where it was (dependent apps' migrations go first)
            for app in p.apps:
                p.run("migrate", "--app", app, heads[i][app])
        rows.rename({new: old for old, new in table_renames(history.steps[i + 1]).items()})
        what = f"{history.name} rolled back to step {i + 1} on {dbs.dialect}"
        actual = catalog.read(p.db)
        # A column that comes back by a rollback comes back last (ADD COLUMN).
        assert_same(expected[i], actual, what, order=False)
        rows.check(actual, what)
    assert_clean(p, f"{history.name} rolled back to step 1 on {dbs.dialect}")
    assert_at_once_same(dbs, p, history, expected[-1], tmp_path / "at_once")
    assert_squashed_same(dbs, p, history, expected[-1], tmp_path / "squashed")


def assert_at_once_same(dbs: Databases, p: Project, history: corpus.History,
                        expected: catalog.Catalog, root: Path) -> None:
    """The whole history on an empty database: SQLite and PostgreSQL create the schema its
    migrations end with at once (MySQL replays them); either way what generate_schemas
    builds for the last step, and check is clean."""
    q = project(root, dbs.new(), history.steps[-1].modules())
    shutil.copytree(p.root / "migrations", q.root / "migrations")
    out = q.run("migrate").stdout
    assert ("at once" in out) == (dbs.dialect != "mysql"), out
    what = f"{history.name} at once on {dbs.dialect}"
    # tables are created with their columns in the order the history gave them
    assert_same(expected, catalog.read(q.db), what, order=False)
    assert_clean(q, what)


def assert_squashed_same(dbs: Databases, p: Project, history: corpus.History,
                         expected: catalog.Catalog, root: Path) -> None:
    """Each app's whole history squashed into one migration (the optimizer folds it), the
    replaced files deleted: migrate on an empty database builds what generate_schemas builds
    for the last step."""
    q = project(root, dbs.new(), history.steps[-1].modules())
    shutil.copytree(p.root / "migrations", q.root / "migrations")
    for app in q.apps:
        files = q.migration_files(app)
        if len(files) < 2:
            continue
        proc = q.run("squashmigrations", app, files[-1].stem,
                     ok=None if len(q.apps) > 1 else True)
        if proc.returncode != 0:  # apps whose migrations interleave: refused, named
            assert "would make a dependency cycle" in proc.stderr, proc.stderr
            continue
        for f in files:
            f.unlink()
    q.run("migrate")
    what = f"{history.name} squashed on {dbs.dialect}"
    # a squashed table is created with its columns in the order the history gave them
    assert_same(expected, catalog.read(q.db), what, order=False)
    assert_clean(q, what)
