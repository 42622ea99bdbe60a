"""fleet.py without a database: tenant lists (file, callable, list, config key), their
errors, the connection a tenant re-points, grouping for showmigrations, the report; the
CLI's refusals and summary (cli/fleet.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tortoise_pathway import fleet
from tortoise_pathway.cli import fleet as cli_fleet
from tortoise_pathway.cli import main
from tortoise_pathway.config import resolve
from tortoise_pathway.exceptions import ConfigError

CONFIG = {"connections": {"default": "postgres://u:secret@h:5432/db"},
          "apps": {"models": {"models": ["x"]}}}


def load(source: object) -> list[fleet.Tenant]:
    return asyncio.run(fleet.load_tenants(source))


def test_a_tenant_is_a_url_or_a_schema_and_the_password_is_hidden() -> None:
    t = fleet.Tenant.parse(" postgres://u:secret@h/db ")
    assert (t.name, t.url, t.schema) == ("postgres://u:***@h/db", "postgres://u:secret@h/db",
                                         None)
    assert fleet.Tenant.parse("mysql://root:@h/db").name == "mysql://root:@h/db"
    assert fleet.Tenant.parse("acme").schema == "acme"
    with pytest.raises(ConfigError, match="neither a database URL"):
        fleet.Tenant.parse("x" * 64)


def test_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "tenants.txt"
    f.write_text("# comment\nacme\n\n  globex  \nsqlite:///tmp/a.db\n")
    assert [t.name for t in load(str(f))] == ["acme", "globex", "sqlite:///tmp/a.db"]
    assert [t.name for t in load("a, b,c")] == ["a", "b", "c"]
    assert [t.name for t in load(["a", "b"])] == ["a", "b"]

    (tmp_path / "tenantmod.py").write_text(
        "def sync():\n    return ['s1', 's2']\n"
        "async def coro():\n    return ('c1',)\n"
        "def broken():\n    raise RuntimeError('no directory')\n"
        "def text():\n    return 'one'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [t.name for t in load("tenantmod:sync")] == ["s1", "s2"]
    assert [t.name for t in load("tenantmod:coro")] == ["c1"]
    with pytest.raises(ConfigError, match="tenantmod:broken failed: RuntimeError: no dir"):
        load("tenantmod:broken")
    with pytest.raises(ConfigError, match="returned str, not a list"):
        load("tenantmod:text")
    with pytest.raises(ConfigError, match="has no function 'nope'"):
        load("tenantmod:nope")
    with pytest.raises(ConfigError, match="module 'nomodule' cannot be imported"):
        load("nomodule:f")


def test_source_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="tenant a is listed twice"):
        load("a,b,a")
    with pytest.raises(ConfigError, match="no tenants given"):
        load(None)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody\n")
    with pytest.raises(ConfigError, match="empty.txt holds no tenant"):
        load(str(empty))
    with pytest.raises(ConfigError, match="a tenant must be a URL or a schema name, not int"):
        load(["a", 3])
    with pytest.raises(ConfigError, match="not dict"):
        load({"a": 1})


def test_config_key_and_connection() -> None:
    assert fleet.tenant_setting({**CONFIG, "tenants": "t.txt"}) == ("t.txt", None)
    assert fleet.tenant_setting(
        {**CONFIG, "tenants": {"from": ["a"], "connection": "default"}}) == (["a"], "default")
    with pytest.raises(ConfigError, match="takes 'from'"):
        fleet.tenant_setting({**CONFIG, "tenants": {"list": ["a"]}})
    two = {"connections": {"a": "sqlite://:memory:", "b": "sqlite://:memory:"},
           "apps": {"x": {"models": ["x"], "default_connection": "a"},
                    "y": {"models": ["y"], "default_connection": "b"}}}
    with pytest.raises(ConfigError, match="several connections"):
        fleet.tenant_connection(resolve(two), None)
    assert fleet.tenant_connection(resolve(two), "b") == "b"
    with pytest.raises(ConfigError, match="'c' is not in 'connections'"):
        fleet.tenant_connection(resolve(two), "c")


def test_schema_tenant_sets_the_quoted_search_path() -> None:
    project = resolve(CONFIG)
    info = fleet.db_info(project, "default", fleet.Tenant.parse('Acme"Corp'))
    assert info["credentials"]["server_settings"]["search_path"] == '"Acme""Corp"'
    assert info["credentials"]["password"] == "secret"
    sqlite = resolve({**CONFIG, "connections": {"default": "sqlite://:memory:"}})
    with pytest.raises(ConfigError, match="a schema tenant needs a PostgreSQL connection"):
        fleet.db_info(sqlite, "default", fleet.Tenant.parse("acme"))


def test_grouping_and_report() -> None:
    states = [fleet.TenantState("a", {"m": "0002"}, {"m": 0}),
              fleet.TenantState("b", {"m": "0001"}, {"m": 1}),
              fleet.TenantState("c", {"m": "0002"}, {"m": 0}),
              fleet.TenantState("d", {"m": None}, {"m": 2}),
              fleet.TenantState("e", error="cannot open tenant e: refused")]
    groups, failed = fleet.group_states(states, ["m"])
    assert [(g.migration, g.tenants, g.pending) for g in groups] == [
        ("0002", ["a", "c"], 0), ("0001", ["b"], 1), (None, ["d"], 2)]
    assert failed == ["e: cannot open tenant e: refused"]

    outcomes = [fleet.TenantOutcome("a", fleet.MIGRATED, ["m.0001"], seconds=0.01234),
                fleet.TenantOutcome("b", fleet.FAILED, error="m.0001: applying failed",
                                    failed_at="m.0001"),
                fleet.TenantOutcome("c", fleet.UP_TO_DATE)]
    data = fleet.report_data("migrate", outcomes, 1.23456)
    assert data["counts"] == {"migrated": 1, "up to date": 1, "failed": 1}
    assert data["failed"] == ["b"] and data["seconds"] == 1.235
    assert data["outcomes"][0]["seconds"] == 0.012
    lines = cli_fleet.summary(outcomes, 1.0)
    assert lines[-2:] == ["failed tenants:", "  b  m.0001: applying failed"]


@pytest.mark.parametrize("args, message", [
    (["migrate", "--tenants", "a", "--sql"], "--tenants cannot be combined with --sql"),
    (["migrate", "--tenants", "a", "--fake"], "--tenants cannot be combined with --fake"),
    (["rollback", "--tenants", "a", "--plan"], "--tenants cannot be combined with --plan"),
    (["migrate", "--report", "r.json"], "--report goes with --tenants"),
    (["migrate", "--tenants", "a", "--concurrency", "0"], "--concurrency must be 1 or more"),
])
def test_cli_refusals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    (tmp_path / "fleetcfg.py").write_text(
        "TORTOISE_ORM = {'connections': {'default': 'sqlite://:memory:'}, "
        "'apps': {'models': {'models': ['fleetcfg']}}}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["--config", "fleetcfg", *args]) == 1
    assert f"error: {message}" in capsys.readouterr().err


def test_live_display_redraws_in_place() -> None:
    import io

    out = io.StringIO()
    display = cli_fleet.LiveDisplay(3, out, interval=0)  # every event redraws
    a, b = fleet.Tenant.parse("a"), fleet.Tenant.parse("b")
    display.started(a)
    display.started(b)
    display.working(a, "Applying models.0002_x")
    display.finished(b, fleet.TenantOutcome("b", fleet.FAILED, error="boom"))
    display.finished(a, fleet.TenantOutcome("a", fleet.MIGRATED, ["models.0002_x"]))
    display.close()
    text = out.getvalue()
    assert text.startswith(f"[{'-' * 20}] 0/3  done 0  failed 0  running 1  pending 2\n"
                           "  a: starting\n\x1b[2F\x1b[J")
    assert "running 2  pending 1\n  a: Applying models.0002_x\n  b: starting\n" in text
    # the block is erased (cursor up, clear) before the failure is printed above it
    assert "\x1b[3F\x1b[Jb: FAILED: boom (0 ms)\n" in text
    assert "] 2/3  done 1  failed 1  running 0  pending 1\n" in text
    assert text.endswith("\x1b[1F\x1b[J")  # nothing left drawn at the end


def test_failures_from_a_report(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    outcomes = [fleet.TenantOutcome("a", fleet.FAILED, error="boom"),
                fleet.TenantOutcome("b", fleet.MIGRATED)]
    report.write_text(__import__("json").dumps(fleet.report_data("migrate", outcomes, 1.0)))
    assert cli_fleet._failures(str(report)) == {"a": "boom"}
    report.write_text("[]")
    with pytest.raises(ConfigError, match="not a --report file"):
        cli_fleet._failures(str(report))


def test_what_fails_alike_fails_once_before_any_tenant(tmp_path: Path) -> None:
    from tortoise_pathway.exceptions import MigrationFileError

    config = {"connections": {"default": "sqlite://:memory:"},
              "apps": {"a": {"models": ["x"]}, "b": {"models": ["y"]}}}
    never = [f"sqlite://{tmp_path / 'never' / 'opened.db'}"]
    with pytest.raises(ConfigError, match="rollback needs --app"):
        asyncio.run(fleet.migrate_tenants(config, never, rollback=True,
                                          migrations_dir=tmp_path))
    with pytest.raises(ConfigError, match="a target migration needs --app"):
        asyncio.run(fleet.migrate_tenants(config, never, target="0001",
                                          migrations_dir=tmp_path))
    with pytest.raises(MigrationFileError):
        asyncio.run(fleet.migrate_tenants(config, never, app="a", target="0001",
                                          migrations_dir=tmp_path))
    assert not (tmp_path / "never").exists()
