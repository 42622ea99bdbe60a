"""Loading migration files: errors name the file and line; the graph is checked with hints."""

from __future__ import annotations

import hashlib
import sys
import textwrap
from pathlib import Path

import pytest

from tortoise_pathway import loader, ops
from tortoise_pathway.exceptions import (
    CycleError,
    MigrationFileError,
    MissingDependencyError,
    MultipleHeadsError,
)
from tortoise_pathway.migration import Migration

HEADER = "from tortoise_pathway import migration, ops\n\n\n"


def migration_source(deps: str = "[]", operations: str = "[]") -> str:
    return HEADER + textwrap.dedent(f"""\
        class Migration(migration.Migration):
            dependencies = {deps}
            operations = {operations}
        """)


def write(directory: Path, name: str, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(source, encoding="utf-8")
    return path


# ---- load_file ----------------------------------------------------------------------


def test_load_file_gives_the_migration_and_its_dependencies(tmp_path: Path) -> None:
    source = migration_source(
        deps='[("models", "0001_initial"), "0002_more", ["other", "0001_x"]]',
        operations='[ops.AddField("users", ops.Column("age", "INT", null=True))]')
    path = write(tmp_path / "models", "0003_age.py", source)
    m, deps = loader.load_file(path, "models")
    assert isinstance(m, Migration)
    assert (m.app, m.name, m.path, m.key, m.label) == (
        "models", "0003_age", path, ("models", "0003_age"), "models.0003_age")
    assert m.checksum == hashlib.sha256(source.encode()).hexdigest()
    assert deps == [("models", "0001_initial"), ("models", "0002_more"), ("other", "0001_x")]
    assert m.operations == [ops.AddField("users", ops.Column("age", "INT", null=True))]
    assert m.ops_data()[0]["column"]["name"] == "age"


def test_load_file_leaves_no_module_behind(tmp_path: Path) -> None:
    path = write(tmp_path / "models", "0001_initial.py", migration_source())
    before = set(sys.modules)
    loader.load_file(path, "models")
    assert set(sys.modules) - before == set()


def test_two_apps_with_the_same_file_name_stay_apart(tmp_path: Path) -> None:
    a = write(tmp_path / "a", "0001_initial.py",
              migration_source(operations='[ops.DeleteModel("x")]'))
    b = write(tmp_path / "b", "0001_initial.py",
              migration_source(operations='[ops.DeleteModel("y")]'))
    ma, _ = loader.load_file(a, "a")
    mb, _ = loader.load_file(b, "b")
    assert ma.ops_data() == [{"op": "delete_model", "table": "x"}]
    assert mb.ops_data() == [{"op": "delete_model", "table": "y"}]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "models", "0001_bad.py",
                 HEADER + "class Migration(migration.Migration):\n    operations = [\n")
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == f"{path}:5: syntax error: '[' was never closed"
    assert e.value.path == str(path)
    assert e.value.hint == "fix the file, or delete it if it was never applied"


def test_exception_at_import_names_file_and_line(tmp_path: Path) -> None:
    source = HEADER + textwrap.dedent("""\
        class Migration(migration.Migration):
            dependencies = []
            operations = [
                ops.ForeignKey("users", on_delete="EXPLODE", name="fk"),
            ]
        """)
    path = write(tmp_path / "models", "0001_bad.py", source)
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    # the error is raised inside ops.py; the line is the migration file's own
    assert str(e.value) == (
        f"{path}:7: ValueError: on_delete must be one of CASCADE, RESTRICT, SET NULL, "
        "SET DEFAULT, NO ACTION, not 'EXPLODE'")
    assert e.value.path == str(path)
    assert isinstance(e.value.__cause__, ValueError)


def test_name_error_at_import(tmp_path: Path) -> None:
    path = write(tmp_path / "models", "0001_bad.py", HEADER + "x = 1\ny = undefined_name\n")
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == f"{path}:5: NameError: name 'undefined_name' is not defined"


def test_import_of_the_users_code_failing(tmp_path: Path) -> None:
    path = write(tmp_path / "models", "0001_bad.py", "import no_such_module_for_pathway\n")
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == (f"{path}:1: ModuleNotFoundError: No module named "
                            "'no_such_module_for_pathway'")


def test_no_migration_class(tmp_path: Path) -> None:
    path = write(tmp_path / "models", "0001_x.py",
                 "from tortoise_pathway.migration import Migration\n\nOPS = []\n")
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == (f"{path}: a migration file defines exactly one Migration subclass; "
                            "found no")


def test_two_migration_classes(tmp_path: Path) -> None:
    source = migration_source() + "\n\nclass Another(migration.Migration):\n    pass\n"
    path = write(tmp_path / "models", "0001_x.py", source)
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == (f"{path}: a migration file defines exactly one Migration subclass; "
                            "found 2")


def test_a_subclass_with_any_name_is_found(tmp_path: Path) -> None:
    source = HEADER + "class AddThings(migration.Migration):\n    operations = []\n"
    m, deps = loader.load_file(write(tmp_path / "models", "0001_x.py", source), "models")
    assert type(m).__name__ == "AddThings" and deps == []


@pytest.mark.parametrize("deps, shown", [
    ('"0001_initial"', "dependencies must be a list"),
    ('{"models": "0001"}', "dependencies must be a list"),
    ("[(\"models\",)]", "dependency ('models',) must be (app, name) or a migration name"),
    ("[(\"models\", \"a\", \"b\")]",
     "dependency ('models', 'a', 'b') must be (app, name) or a migration name"),
    ("[(\"models\", \"\")]", "dependency ('models', '') must be (app, name) or a migration name"),
    ("[(\"models\", 1)]", "dependency ('models', 1) must be (app, name) or a migration name"),
    ("[None]", "dependency None must be (app, name) or a migration name"),
])
def test_bad_dependencies_shape(tmp_path: Path, deps: str, shown: str) -> None:
    path = write(tmp_path / "models", "0002_x.py", migration_source(deps=deps))
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == f"{path}: {shown}"
    assert e.value.path == str(path)


def test_an_invalid_operation_is_reported_when_loading(tmp_path: Path) -> None:
    path = write(tmp_path / "models", "0001_x.py",
                 migration_source(operations='[ops.AddField("t", ops.Column("c", "INT", '
                                             'default=[1]))]'))
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value) == (f"{path}: invalid operation: a default must be None, bool, int, "
                            "float, str or Expr, not [1]")


def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "models" / "0001_x.py"
    path.mkdir(parents=True)  # a directory named like a migration
    with pytest.raises(MigrationFileError) as e:
        loader.load_file(path, "models")
    assert str(e.value).startswith(f"{path}: cannot be read: ")


# ---- load and MigrationSet -------------------------------------------------------------


def test_migration_files_skips_private_and_other_files(tmp_path: Path) -> None:
    d = tmp_path / "models"
    for name in ("0002_b.py", "0001_a.py", "_helpers.py", "__init__.py", ".hidden.py",
                 "notes.txt", "0003_c.pyc"):
        write(d, name, "raise RuntimeError('must not be loaded')\n")
    (d / "__pycache__").mkdir()
    assert [p.name for p in loader.migration_files(d)] == ["0001_a.py", "0002_b.py"]
    assert loader.migration_files(tmp_path / "missing") == []


def test_load_skips_underscore_files(tmp_path: Path) -> None:
    d = tmp_path / "models"
    write(d, "0001_a.py", migration_source())
    write(d, "_broken.py", "this is not python(\n")
    write(d, "__init__.py", "raise RuntimeError('no')\n")
    mset = loader.load(tmp_path, ["models"])
    assert list(mset.migrations) == [("models", "0001_a")]


def test_load_several_apps(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001_a.py", migration_source())
    write(tmp_path / "models", "0002_b.py", migration_source(deps='["0001_a"]'))
    write(tmp_path / "shop", "0001_a.py", migration_source(deps='[("models", "0002_b")]'))
    write(tmp_path / "ignored", "0001_a.py", "raise RuntimeError('not asked for')\n")
    mset = loader.load(tmp_path, ["models", "shop", "empty"])
    mset.check()
    assert mset.order() == [("models", "0001_a"), ("models", "0002_b"), ("shop", "0001_a")]
    assert mset.app_order("models") == [("models", "0001_a"), ("models", "0002_b")]
    assert mset.heads("models") == ["0002_b"]
    assert mset.heads("shop") == ["0001_a"]
    assert mset.heads("empty") == []
    assert mset.plan([], [("shop", "0001_a")]) == mset.order()
    assert mset.plan([("models", "0001_a"), ("gone", "x")], [("models", "0002_b")]) == [
        ("models", "0002_b")]
    every = mset.order()
    assert mset.plan(every, [("models", "0002_b")], backward=True) == [
        ("shop", "0001_a"), ("models", "0002_b")]
    assert mset.history([("models", "0001_a")]) == [("models.0001_a", [])]


def test_load_stops_at_the_first_bad_file(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001_a.py", migration_source())
    bad = write(tmp_path / "models", "0002_b.py", "1 +\n")
    with pytest.raises(MigrationFileError) as e:
        loader.load(tmp_path, ["models"])
    assert str(e.value).startswith(f"{bad}:1: syntax error")


def test_check_missing_dependency_with_hint(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001_a.py", migration_source(deps='["0000_gone"]'))
    mset = loader.load(tmp_path, ["models"])
    with pytest.raises(MissingDependencyError) as e:
        mset.check()
    assert str(e.value) == ("migration models.0001_a depends on models.0000_gone, which does "
                            "not exist")
    assert e.value.path == "models.0001_a"
    assert e.value.hint == "restore the missing migration file or fix the dependencies list"


def test_check_cycle_with_hint(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001_a.py", migration_source(deps='["0002_b"]'))
    write(tmp_path / "models", "0002_b.py", migration_source(deps='["0001_a"]'))
    mset = loader.load(tmp_path, ["models"])
    with pytest.raises(CycleError) as e:
        mset.check()
    assert str(e.value) == "dependency cycle: models.0001_a -> models.0002_b -> models.0001_a"
    assert e.value.hint == "remove one of the dependencies that close the cycle"


def test_check_multiple_heads_with_hint(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001_a.py", migration_source())
    write(tmp_path / "models", "0002_b.py", migration_source(deps='["0001_a"]'))
    write(tmp_path / "models", "0002_c.py", migration_source(deps='["0001_a"]'))
    mset = loader.load(tmp_path, ["models"])
    with pytest.raises(MultipleHeadsError) as e:
        mset.check()
    assert str(e.value) == "app models has 2 heads: 0002_b, 0002_c; make one depend on the other"
    assert e.value.path == "models"
    assert e.value.hint == ("run makemigrations --merge to write a migration that merges "
                            "them (or make the newer migration depend on the other one)")
    assert mset.heads("models") == ["0002_b", "0002_c"]


def test_check_accepts_a_merge(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001_a.py", migration_source())
    write(tmp_path / "models", "0002_b.py", migration_source(deps='["0001_a"]'))
    write(tmp_path / "models", "0002_c.py", migration_source(deps='["0001_a"]'))
    write(tmp_path / "models", "0003_merge.py", migration_source(deps='["0002_b", "0002_c"]'))
    mset = loader.load(tmp_path, ["models"])
    mset.check()
    assert mset.heads("models") == ["0003_merge"]


# ---- find ---------------------------------------------------------------------------


@pytest.fixture
def mset(tmp_path: Path) -> loader.MigrationSet:
    d = tmp_path / "models"
    write(d, "20240101000000_initial.py", migration_source())
    write(d, "20240102000000_add_age.py", migration_source(deps='["20240101000000_initial"]'))
    write(d, "20240102000001_add_name.py", migration_source(deps='["20240102000000_add_age"]'))
    write(tmp_path / "shop", "20240101000000_initial.py", migration_source())
    return loader.load(tmp_path, ["models", "shop"])


def test_find_by_full_name(mset: loader.MigrationSet) -> None:
    assert mset.find("models", "20240102000000_add_age").name == "20240102000000_add_age"
    assert mset.find("shop", "20240101000000_initial").key == ("shop", "20240101000000_initial")


def test_find_by_unique_prefix(mset: loader.MigrationSet) -> None:
    assert mset.find("models", "20240101").name == "20240101000000_initial"
    assert mset.find("models", "20240102000001").name == "20240102000001_add_name"


def test_find_unknown(mset: loader.MigrationSet) -> None:
    with pytest.raises(MigrationFileError) as e:
        mset.find("models", "2099")
    assert str(e.value) == "app models has no migration named 2099"
    assert e.value.path == "models.2099"
    # another app's migration is not found in this one
    with pytest.raises(MigrationFileError):
        mset.find("shop", "20240102")


def test_find_ambiguous_prefix(mset: loader.MigrationSet) -> None:
    with pytest.raises(MigrationFileError) as e:
        mset.find("models", "20240102")
    assert str(e.value) == ("20240102 matches several migrations of models: "
                            "20240102000000_add_age, 20240102000001_add_name")
    assert e.value.path == "models.20240102"


AERICH_FILE = '''from tortoise import BaseDBAsyncClient


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """CREATE TABLE x (id INT);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """DROP TABLE x;"""
'''


def test_aerich_files_are_left_alone(tmp_path: Path) -> None:
    """Aerich keeps its migrations in the same folder: they are listed, not executed."""
    d = tmp_path / "models"
    d.mkdir()
    (d / "0_20240101000000_init.py").write_text(AERICH_FILE + "raise SystemExit('executed')\n")
    (d / "20240102000000_initial.py").write_text(
        "from tortoise_pathway import migration\n\n\n"
        "class Migration(migration.Migration):\n    dependencies = []\n    operations = []\n")
    ms = loader.load(tmp_path, ["models"])
    assert list(ms.migrations) == [("models", "20240102000000_initial")]
    assert [p.name for p in ms.foreign] == ["0_20240101000000_init.py"]
    assert loader.is_aerich_migration(AERICH_FILE.encode())
    assert not loader.is_aerich_migration(
        AERICH_FILE.encode() + b"\nclass Migration(migration.Migration):\n    pass\n")


# ---- squashed migrations: which side of a replacement is in the graph ----------------------

def squashed_set(tmp_path: Path, originals: bool = True) -> loader.MigrationSet:
    """models: 0001 <- 0002 <- 0003, squashed by 0001_squashed (0001, 0002); 0003 depends on
    0002; app other's 0001 depends on models.0001."""
    d = tmp_path / "models"
    if originals:
        write(d, "0001.py", migration_source())
        write(d, "0002.py", migration_source('["0001"]'))
    write(d, "0003.py", migration_source('["0002"]'))
    write(d, "0001_squashed.py", HEADER + textwrap.dedent("""\
        class Migration(migration.Migration):
            dependencies: list = []
            replaces = ["0001", ("models", "0002")]
            operations: list = []
        """))
    write(tmp_path / "other", "0001.py", migration_source('[("models", "0001")]'))
    return loader.load(tmp_path, ["models", "other"])


def test_squashed_migration_stands_for_unapplied_ones(tmp_path: Path) -> None:
    s = squashed_set(tmp_path)
    s.check()
    assert s.app_order("models") == [("models", "0001_squashed"), ("models", "0003")]
    # dependencies on the replaced migrations move to it
    assert s.deps[("models", "0003")] == [("models", "0001_squashed")]
    assert s.deps[("other", "0001")] == [("models", "0001_squashed")]
    assert s.migrations[("models", "0001_squashed")].replaced_rows == [
        ("models", "0001", s.loaded[("models", "0001")].checksum),
        ("models", "0002", s.loaded[("models", "0002")].checksum)]
    assert s.accounted(("models", "0001")) and s.accounted(("models", "0002"))


def test_squashed_migration_counts_as_applied_when_all_replaced_are(tmp_path: Path) -> None:
    s = squashed_set(tmp_path)
    assert s.use_replacements([("models", "0001"), ("models", "0002")]) == [
        ("models", "0001_squashed")]
    assert ("models", "0002") not in s.migrations


def test_some_replaced_applied_keeps_the_originals(tmp_path: Path) -> None:
    s = squashed_set(tmp_path)
    assert s.use_replacements([("models", "0001")]) == []
    s.check()
    assert s.app_order("models") == [("models", "0001"), ("models", "0002"), ("models", "0003")]
    assert ("models", "0001_squashed") not in s.migrations
    assert s.deps[("other", "0001")] == [("models", "0001")]
    # unless the squashed migration itself is applied (its row is written first)
    s.use_replacements([("models", "0001"), ("models", "0001_squashed")])
    assert ("models", "0001") not in s.migrations
    assert ("models", "0001_squashed") in s.migrations


def test_squashed_migration_without_its_replaced_files(tmp_path: Path) -> None:
    s = squashed_set(tmp_path, originals=False)
    # other.0001 still names models.0001 (replaced): it now depends on the squashed one;
    # models.0003 names 0002, also replaced
    s.use_replacements([])
    s.check()
    assert s.deps[("other", "0001")] == [("models", "0001_squashed")]
    assert s.deps[("models", "0003")] == [("models", "0001_squashed")]
    assert s.migrations[("models", "0001_squashed")].replaced_rows == []
    assert s.accounted(("models", "0002"))
    assert not s.accounted(("models", "0009"))


def test_replaces_of_a_bad_shape(tmp_path: Path) -> None:
    write(tmp_path / "models", "0001.py", HEADER + textwrap.dedent("""\
        class Migration(migration.Migration):
            replaces = [42]
        """))
    with pytest.raises(MigrationFileError) as e:
        loader.load(tmp_path, ["models"])
    assert "replaces must list (app, name) pairs or names" in str(e.value)
