"""The per-app cache of migration files (statecache.py, loader.Migrations / MigrationSet.state):
files whose content it knows are not executed until needed, the replayed state is reused and
extended, and anything stale, damaged or unexpected is ignored and rewritten."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from tortoise_pathway import _engine, loader, statecache, writer
from tortoise_pathway.migration import Migration

COUNTER = "_pathway_test_executions"


def table(name: str, *columns: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "columns": [{"name": "id", "type": "INT", "pk": True,
                                       "autoincrement": True}, *columns],
            "comment": f"the {name}"}


def add(tmp: Path, name: str, ops: list[dict[str, Any]], deps: list[tuple[str, str]],
        app: str = "models") -> Path:
    """A migration file as makemigrations writes it, counting its executions."""
    text = writer.render(ops, deps, f"Test {name}.")
    text += (f"\nimport builtins as _b\n_b.{COUNTER} = getattr(_b, {COUNTER!r}, 0) + 1\n")
    return writer.write(tmp / app, name, text)


def executions() -> int:
    return int(getattr(builtins, COUNTER, 0))


@pytest.fixture(autouse=True)
def _cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATHWAY_CACHE", raising=False)
    setattr(builtins, COUNTER, 0)


def history(tmp: Path) -> list[Path]:
    """Three migrations: two tables with a foreign key, a column, an index, a rename."""
    users = table("users", {"name": "email", "type": {"sqlite": "VARCHAR(200)",
                                                      "postgres": "VARCHAR(200)",
                                                      "mysql": "VARCHAR(200)"},
                            "null": True, "default": "it's", "comment": "mail"})
    posts = table("posts", {"name": "author_id", "type": "INT",
                            "fk": {"table": "users", "column": "id", "on_delete": "CASCADE",
                                   "name": "fk_posts_users"}},
                  {"name": "score", "type": "REAL", "default": 1.5})
    return [
        add(tmp, "0001_initial", [{"op": "create_model", "table": users},
                                  {"op": "create_model", "table": posts}], []),
        add(tmp, "0002_more", [
            {"op": "add_field", "table": "users",
             "column": {"name": "age", "type": "INT", "null": True, "default": -3}},
            {"op": "add_index", "table": "users",
             "index": {"name": "idx_users_age", "columns": ["age"]}}],
            [("models", "0001_initial")]),
        add(tmp, "0003_rename", [
            {"op": "rename_field", "table": "users", "column": "email", "new_name": "mail"},
            {"op": "alter_model", "table": "posts", "comment": "the articles"}],
            [("models", "0002_more")]),
    ]


def full_replay(mset: loader.MigrationSet, app: str = "models") -> dict[str, Any]:
    return _engine.replay(mset.history(mset.app_order(app)))


def test_a_second_load_executes_no_unchanged_file(tmp_path: Path) -> None:
    history(tmp_path)
    first = loader.load(tmp_path, ["models"])
    assert executions() == 3
    assert (tmp_path / "models" / ".pathway_cache" / ".gitignore").read_text().endswith("*\n")
    second = loader.load(tmp_path, ["models"])
    assert executions() == 3
    assert second.order() == first.order()
    assert second.nodes == first.nodes
    for key in first.migrations:
        peeked = second.migrations.peek(key)
        assert isinstance(peeked, loader.Unloaded)
        assert peeked.checksum == first.migrations[key].checksum
        assert peeked.schema_only is True
    # what needs more of a file executes it, once
    m = second.migrations[("models", "0002_more")]
    assert isinstance(m, Migration) and [op["op"] for op in m.ops_data()] == [
        "add_field", "add_index"]
    assert second.migrations[("models", "0002_more")] is m
    assert second.loaded[("models", "0002_more")] is m
    assert executions() == 4


def test_a_changed_file_is_executed_again(tmp_path: Path) -> None:
    paths = history(tmp_path)
    loader.load(tmp_path, ["models"])
    paths[1].write_text(paths[1].read_text() + "# edited\n")
    mset = loader.load(tmp_path, ["models"])
    assert executions() == 4
    assert isinstance(mset.migrations.peek(("models", "0002_more")), Migration)
    assert isinstance(mset.migrations.peek(("models", "0001_initial")), loader.Unloaded)


def test_the_state_is_the_replay_and_is_kept_for_the_next_run(tmp_path: Path) -> None:
    history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    expected = full_replay(mset)
    assert mset.state("models") == expected
    again = loader.load(tmp_path, ["models"])
    assert again.state("models") == expected
    assert executions() == 3  # the state came from the cache: no file executed


def test_a_new_migration_is_replayed_on_the_cached_state(tmp_path: Path) -> None:
    history(tmp_path)
    loader.load(tmp_path, ["models"]).state("models")
    add(tmp_path, "0004_drop", [{"op": "remove_field", "table": "posts", "column": "score"}],
        [("models", "0003_rename")])
    mset = loader.load(tmp_path, ["models"])
    state = mset.state("models")
    assert executions() == 4  # only the new file
    assert state == full_replay(mset)
    assert [c["name"] for c in state["tables"][1]["columns"]] == ["id", "author_id"]


def test_a_state_of_another_order_is_not_used(tmp_path: Path) -> None:
    paths = history(tmp_path)
    loader.load(tmp_path, ["models"]).state("models")
    paths[2].unlink()  # the cached order is no prefix of this one
    mset = loader.load(tmp_path, ["models"])
    assert mset.state("models") == full_replay(mset)
    assert "email" in {c["name"] for c in mset.state("models")["tables"][0]["columns"]}


@pytest.mark.parametrize("damage", [
    b"", b"{not json", b"[]", b'{"engine": "another engine"}',
    b'{"engine": "FP", "files": {"0001_initial.py": [1, 2]}}',
    b'{"engine": "FP", "order": "x", "state": {}}',
    b'{"engine": "FP", "order": [], "state": {"tables": "no"}}',
])
def test_a_damaged_or_stale_cache_is_ignored_and_rewritten(tmp_path: Path,
                                                           damage: bytes) -> None:
    history(tmp_path)
    expected = full_replay(loader.load(tmp_path, ["models"]))
    cache = tmp_path / "models" / ".pathway_cache"
    for name in (statecache.FILES, statecache.STATE):
        (cache / name).write_bytes(damage.replace(b"FP", statecache.fingerprint().encode()))
    mset = loader.load(tmp_path, ["models"])
    assert mset.state("models") == expected
    assert json.loads((cache / statecache.FILES).read_bytes())["engine"] == (
        statecache.fingerprint())
    assert json.loads((cache / statecache.STATE).read_bytes())["engine"] == (
        statecache.fingerprint())


def test_a_cached_state_the_engine_refuses_is_replayed(tmp_path: Path) -> None:
    paths = history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    expected = full_replay(mset)
    first = [("0001_initial", mset.migrations.peek(("models", "0001_initial")).checksum)]
    bad = {"tables": [{"name": "users", "columns": [{"name": "id"}]}]}  # no type
    statecache.write_state(paths[0].parent, first, bad)
    assert loader.load(tmp_path, ["models"]).state("models") == expected


def test_no_cache_when_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHWAY_CACHE", "0")
    history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    mset.state("models")
    loader.load(tmp_path, ["models"])
    assert executions() == 6
    assert not (tmp_path / "models" / ".pathway_cache").exists()


def test_a_cache_that_cannot_be_written_is_done_without(tmp_path: Path) -> None:
    history(tmp_path)
    (tmp_path / "models" / ".pathway_cache").write_text("a file where the cache would go")
    mset = loader.load(tmp_path, ["models"])
    assert mset.state("models") == full_replay(mset)
    loader.load(tmp_path, ["models"])
    assert executions() == 6


def test_a_squashed_migration_is_always_executed(tmp_path: Path) -> None:
    history(tmp_path)
    text = writer.render([], [], "Squashed.", replaces=[("models", "0001_initial")])
    writer.write(tmp_path / "models", "0001_squashed", text)
    loader.load(tmp_path, ["models"])
    mset = loader.load(tmp_path, ["models"])
    assert isinstance(mset.loaded.peek(("models", "0001_squashed")), Migration)
    assert mset.replaced_by == {("models", "0001_initial"): ("models", "0001_squashed")}


def test_a_migration_with_code_of_its_own_is_known_as_such(tmp_path: Path) -> None:
    history(tmp_path)
    add(tmp_path, "0004_sql", [{"op": "run_sql", "forward": "SELECT 1", "backward": None}],
        [("models", "0003_rename")])
    loader.load(tmp_path, ["models"])
    mset = loader.load(tmp_path, ["models"])
    assert mset.migrations.peek(("models", "0004_sql")).schema_only is False
    assert mset.migrations.peek(("models", "0003_rename")).schema_only is True


def test_the_state_survives_json_exactly(tmp_path: Path) -> None:
    history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    state = full_replay(mset)
    again = json.loads(json.dumps(state))
    assert _engine.replay([("snapshot", again)]) == state
    target = {"tables": [table("users")]}
    assert _engine.diff([("snapshot", again)], target) == _engine.diff(
        mset.history(mset.app_order("models")), target)


def initial_of(mset: loader.MigrationSet, dialect: str) -> list[list[str]]:
    operations = _engine.diff([], full_replay(mset))
    return _engine.render([], [("the initial schema", operations)], dialect)[0]


def test_the_initial_sql_is_the_engines_and_is_kept_per_dialect(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    keys = mset.app_order("models")
    expected = {d: initial_of(mset, d) for d in ("sqlite", "postgres")}
    for dialect in ("sqlite", "postgres"):
        assert mset.initial_sql(keys, dialect) == expected[dialect]
    again = loader.load(tmp_path, ["models"])

    def refused(*args: Any) -> Any:
        raise AssertionError("the engine was asked again")

    monkeypatch.setattr(_engine, "diff", refused)
    monkeypatch.setattr(_engine, "render", refused)
    for dialect in ("sqlite", "postgres"):
        assert again.initial_sql(keys, dialect) == expected[dialect]
    assert executions() == 3  # neither file nor engine: the cache alone


def test_the_initial_sql_of_another_order_or_part_of_it_is_not_cached(
        tmp_path: Path) -> None:
    paths = history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    keys = mset.app_order("models")
    mset.initial_sql(keys, "sqlite")
    assert mset.initial_sql(keys[:2], "sqlite") != mset.initial_sql(keys, "sqlite")
    text = paths[2].read_text()
    assert text.count('"mail"') == 1
    paths[2].write_text(text.replace('"mail"', '"contact"'))  # the rename's new name
    changed = loader.load(tmp_path, ["models"])
    sql = changed.initial_sql(keys, "sqlite")
    assert sql == initial_of(changed, "sqlite")
    assert any('"contact"' in s for op in sql for s in op)


def test_a_damaged_initial_sql_cache_is_ignored(tmp_path: Path) -> None:
    history(tmp_path)
    mset = loader.load(tmp_path, ["models"])
    keys = mset.app_order("models")
    expected = mset.initial_sql(keys, "sqlite")
    path = tmp_path / "models" / ".pathway_cache" / statecache.INITIAL
    data = json.loads(path.read_bytes())
    for bad in ({"sqlite": [["CREATE ..."], [3]]}, {"sqlite": "CREATE"}, []):
        path.write_text(json.dumps(dict(data, sql=bad)))
        assert loader.load(tmp_path, ["models"]).initial_sql(keys, "sqlite") == expected
