"""Finding and checking TORTOISE_ORM: --config MODULE, MODULE.VARIABLE, MODULE:VARIABLE,
pyproject.toml, and where Tortoise's CLI and Aerich look for it; the resolved Project. Each
test imports modules with names of its own and removes them after."""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tortoise_pathway import config
from tortoise_pathway.exceptions import ConfigError

GOOD = ('TORTOISE_ORM = {"connections": {"default": "sqlite://:memory:"}, '
        '"apps": {"models": {"models": ["x.models"]}}}\n')

Maker = Callable[..., str]


@pytest.fixture
def make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Maker]:
    """Writes modules into a fresh package under tmp_path (the working directory) and returns
    their dotted names; every module imported during the test is removed afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TORTOISE_ORM", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))  # load_config adds the cwd
    package = f"pw_cfg_{uuid.uuid4().hex[:10]}"
    (tmp_path / package).mkdir()
    (tmp_path / package / "__init__.py").write_text("")
    before = set(sys.modules)

    def make_module(source: str, name: str = "settings") -> str:
        (tmp_path / package / f"{name}.py").write_text(textwrap.dedent(source))
        importlib.invalidate_caches()
        return f"{package}.{name}"

    yield make_module
    for name in set(sys.modules) - before:
        del sys.modules[name]


def conf(**apps: Any) -> dict[str, Any]:
    return {"connections": {"default": "sqlite://:memory:"}, "apps": apps}


# ---- specs --------------------------------------------------------------------------


def test_module(make: Maker) -> None:
    mod = make(GOOD)
    cfg = config.load_config(mod)
    assert cfg["apps"] == {"models": {"models": ["x.models"]}}
    assert cfg is sys.modules[mod].TORTOISE_ORM


def test_module_dot_variable(make: Maker) -> None:
    mod = make(GOOD.replace("TORTOISE_ORM", "DB_CONFIG"))
    cfg = config.load_config(f"{mod}.DB_CONFIG")
    assert cfg is sys.modules[mod].DB_CONFIG


def test_module_colon_variable(make: Maker) -> None:
    mod = make(GOOD + "OTHER = dict(TORTOISE_ORM, apps={'shop': {'models': ['s']}})\n")
    cfg = config.load_config(f"{mod}:OTHER")
    assert list(cfg["apps"]) == ["shop"]
    assert config.load_config(mod)["apps"] == {"models": {"models": ["x.models"]}}


def test_module_dot_missing_variable(make: Maker) -> None:
    mod = make(GOOD)
    with pytest.raises(ConfigError) as e:
        config.load_config(f"{mod}.NOPE")
    assert str(e.value) == f"config module {mod!r} has no variable 'NOPE'"
    assert e.value.path == f"{mod}.NOPE"


def test_module_colon_missing_variable(make: Maker) -> None:
    mod = make(GOOD)
    with pytest.raises(ConfigError) as e:
        config.load_config(f"{mod}:NOPE")
    assert str(e.value) == f"config module {mod!r} has no NOPE"
    assert e.value.hint == "define NOPE = {...} there, or pass MODULE.VARIABLE"


def test_missing_module(make: Maker) -> None:
    with pytest.raises(ConfigError) as e:
        config.load_config("pw_no_such_module_anywhere")
    assert str(e.value) == ("cannot import config module 'pw_no_such_module_anywhere': "
                            "no module named 'pw_no_such_module_anywhere'")
    assert e.value.path == "pw_no_such_module_anywhere"
    assert e.value.hint == "run from the directory that contains it, or fix --config"


def test_missing_package(make: Maker) -> None:
    with pytest.raises(ConfigError) as e:
        config.load_config("pw_no_such_pkg.settings")
    assert str(e.value) == ("cannot import config module 'pw_no_such_pkg': no module named "
                            "'pw_no_such_pkg'")


def test_module_colon_variable_in_missing_module(make: Maker) -> None:
    with pytest.raises(ConfigError) as e:
        config.load_config("pw_no_such_module:CONF")
    assert str(e.value).startswith("cannot import config module 'pw_no_such_module'")


def test_module_without_tortoise_orm(make: Maker) -> None:
    mod = make("OTHER = 1\n")
    with pytest.raises(ConfigError) as e:
        config.load_config(mod)
    assert str(e.value) == f"config module {mod!r} has no TORTOISE_ORM"
    assert e.value.path == mod
    assert e.value.hint == "define TORTOISE_ORM = {...} there, or pass MODULE.VARIABLE"


def test_module_raising_at_import(make: Maker, tmp_path: Path) -> None:
    mod = make("A = 1\nraise RuntimeError('no database settings')\n")
    with pytest.raises(ConfigError) as e:
        config.load_config(mod)
    path = tmp_path / mod.split(".")[0] / "settings.py"
    assert str(e.value) == (f"config module {mod!r} raised RuntimeError: no database settings "
                            f"({path}:2)")
    assert e.value.path == mod
    assert isinstance(e.value.__cause__, RuntimeError)


def test_module_importing_something_missing(make: Maker) -> None:
    mod = make("import pw_missing_dependency_xyz\n")
    with pytest.raises(ConfigError) as e:
        config.load_config(mod)
    assert str(e.value) == (f"config module {mod!r} failed to import: No module named "
                            "'pw_missing_dependency_xyz'")


def test_syntax_error(make: Maker, tmp_path: Path) -> None:
    mod = make("TORTOISE_ORM = {\n    'connections': {\n")
    with pytest.raises(ConfigError) as e:
        config.load_config(mod)
    path = tmp_path / mod.split(".")[0] / "settings.py"
    assert str(e.value) == f"{path}:2: syntax error in config module: '{{' was never closed"
    assert e.value.path == mod


def test_a_broken_module_is_not_mistaken_for_module_dot_variable(make: Maker) -> None:
    # "pkg.settings" fails to import: the error is about that, not "pkg has no variable
    # 'settings'"
    mod = make("TORTOISE_ORM = (\n")
    with pytest.raises(ConfigError) as e:
        config.load_config(mod)
    assert "syntax error in config module" in str(e.value)
    mod2 = make("raise ValueError('bad')\n", name="other")
    with pytest.raises(ConfigError) as e:
        config.load_config(mod2)
    assert str(e.value).startswith(f"config module {mod2!r} raised ValueError: bad")


def test_no_config_at_all(make: Maker) -> None:
    with pytest.raises(ConfigError) as e:
        config.load_config(None)
    assert str(e.value) == "no config given"
    assert e.value.hint == (
        "pass --config MODULE (a module holding TORTOISE_ORM), or set [tool.tortoise-pathway] "
        "config in pyproject.toml (TORTOISE_ORM in the environment, [tool.tortoise] or "
        "[tool.aerich] tortoise_orm work too)")


# ---- pyproject.toml -------------------------------------------------------------------


def test_pyproject_fallback(make: Maker, tmp_path: Path) -> None:
    mod = make(GOOD)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.tortoise-pathway]\nconfig = "{mod}"\n')
    assert config.load_config(None) is sys.modules[mod].TORTOISE_ORM
    assert config.load_config("") is sys.modules[mod].TORTOISE_ORM


def test_pyproject_fallback_with_variable(make: Maker, tmp_path: Path) -> None:
    mod = make(GOOD.replace("TORTOISE_ORM", "CONF"))
    (tmp_path / "pyproject.toml").write_text(f'[tool.tortoise-pathway]\nconfig = "{mod}:CONF"\n')
    assert config.load_config(None) is sys.modules[mod].CONF


def test_explicit_config_wins_over_pyproject(make: Maker, tmp_path: Path) -> None:
    mod = make(GOOD)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tortoise-pathway]\nconfig = "pw_no_such_module"\n')
    assert config.load_config(mod) is sys.modules[mod].TORTOISE_ORM


@pytest.mark.parametrize("content", [
    '[project]\nname = "x"\n',
    '[tool.tortoise-pathway]\nconfig = 5\n',
    '[tool.other]\nconfig = "x"\n',
])
def test_pyproject_without_a_config(make: Maker, tmp_path: Path, content: str) -> None:
    (tmp_path / "pyproject.toml").write_text(content)
    with pytest.raises(ConfigError) as e:
        config.load_config(None)
    assert str(e.value) == "no config given"


# ---- where the tools a project switches from look ------------------------------------------


def test_tortoise_orm_environment_variable(make: Maker, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = make(GOOD)
    monkeypatch.setenv("TORTOISE_ORM", f"{mod}.TORTOISE_ORM")
    cfg, source = config.find_config(None)
    assert cfg is sys.modules[mod].TORTOISE_ORM
    assert source == f"{mod}.TORTOISE_ORM (from the TORTOISE_ORM environment variable)"


def test_tool_tortoise_and_tool_aerich(make: Maker, tmp_path: Path) -> None:
    mod = make(GOOD)
    other = make(GOOD.replace("x.models", "y.models"), name="other")
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.aerich]\ntortoise_orm = "{other}.TORTOISE_ORM"\n')
    cfg, source = config.find_config(None)
    assert cfg is sys.modules[other].TORTOISE_ORM
    assert source == f"{other}.TORTOISE_ORM (from [tool.aerich] tortoise_orm in pyproject.toml)"
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.aerich]\ntortoise_orm = "{other}.TORTOISE_ORM"\n\n'
        f'[tool.tortoise]\ntortoise_orm = "{mod}.TORTOISE_ORM"\n')
    cfg, source = config.find_config(None)
    assert cfg is sys.modules[mod].TORTOISE_ORM
    assert source.endswith("(from [tool.tortoise] tortoise_orm in pyproject.toml)")


def test_discovery_order(make: Maker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """[tool.tortoise-pathway] first, then TORTOISE_ORM, [tool.tortoise], [tool.aerich];
    --config over everything."""
    ours, env, tortoise, aerich = (make(GOOD, name=n) for n in ("a", "b", "c", "d"))
    sections = {"tortoise-pathway": f'config = "{ours}"',
                "tortoise": f'tortoise_orm = "{tortoise}.TORTOISE_ORM"',
                "aerich": f'tortoise_orm = "{aerich}.TORTOISE_ORM"'}

    def write(*names: str) -> None:
        (tmp_path / "pyproject.toml").write_text(
            "".join(f"[tool.{n}]\n{sections[n]}\n\n" for n in names))

    monkeypatch.setenv("TORTOISE_ORM", f"{env}.TORTOISE_ORM")
    write("tortoise-pathway", "tortoise", "aerich")
    assert config.find_config(None)[0] is sys.modules[ours].TORTOISE_ORM
    write("tortoise", "aerich")
    assert config.find_config(None)[0] is sys.modules[env].TORTOISE_ORM
    monkeypatch.delenv("TORTOISE_ORM")
    assert config.find_config(None)[0] is sys.modules[tortoise].TORTOISE_ORM
    write("aerich")
    assert config.find_config(None)[0] is sys.modules[aerich].TORTOISE_ORM
    assert config.find_config(ours) == (sys.modules[ours].TORTOISE_ORM, f"--config {ours}")


def test_discovered_config_that_does_not_import(make: Maker, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.aerich]\ntortoise_orm = "pw_no_such_module_x.TORTOISE_ORM"\n')
    with pytest.raises(ConfigError) as e:
        config.find_config(None)
    assert "pw_no_such_module_x" in str(e.value)


def test_project_resolves_apps_and_connections() -> None:
    cfg = {"connections": {"default": "x", "other": "y"},
           "apps": {"a": {"models": ["m"]}, "aerich": {"models": ["aerich.models"]},
                    "b": {"models": ["m"], "default_connection": "other"},
                    "c": {"models": ["m"]}}}
    p = config.resolve(cfg)
    assert p.apps == ["a", "b", "c"]
    assert p.connection("b") == "other"
    assert p.connections() == ["default", "other"]
    assert p.connections(["a", "c"]) == ["default"]
    assert p.apps_on("default") == ["a", "c"]
    assert p.select("b") == ["b"]
    with pytest.raises(ConfigError):
        p.select("zzz")


def test_pyproject_that_is_not_toml(make: Maker, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tortoise-pathway\n")
    with pytest.raises(ConfigError) as e:
        config.load_config(None)
    assert str(e.value).startswith("pyproject.toml cannot be read: ")
    assert e.value.path == "pyproject.toml"


# ---- validation ---------------------------------------------------------------------


@pytest.mark.parametrize("value, message, path", [
    ([], "X must be a dict, not list", "X"),
    (None, "X must be a dict, not NoneType", "X"),
    ({}, "X needs a non-empty 'connections' dict", "X.connections"),
    ({"connections": {}, "apps": {"a": {"models": ["m"]}}},
     "X needs a non-empty 'connections' dict", "X.connections"),
    ({"connections": "sqlite://:memory:", "apps": {"a": {"models": ["m"]}}},
     "X needs a non-empty 'connections' dict", "X.connections"),
    ({"connections": {"default": "sqlite://:memory:"}},
     "X needs a non-empty 'apps' dict", "X.apps"),
    ({"connections": {"default": "sqlite://:memory:"}, "apps": {}},
     "X needs a non-empty 'apps' dict", "X.apps"),
    ({"connections": {"default": "sqlite://:memory:"}, "apps": {"a": ["m"]}},
     "X: app 'a' needs a 'models' list", "X.apps.a"),
    ({"connections": {"default": "sqlite://:memory:"}, "apps": {"a": {"models": []}}},
     "X: app 'a' needs a 'models' list", "X.apps.a"),
    ({"connections": {"default": "sqlite://:memory:"},
      "apps": {"a": {"models": ["m"], "default_connection": "other"}}},
     "X: app 'a' uses connection 'other', which is not in 'connections'", "X.apps.a"),
    ({"connections": {"main": "sqlite://:memory:"}, "apps": {"a": {"models": ["m"]}}},
     "X: app 'a' uses connection 'default', which is not in 'connections'", "X.apps.a"),
])
def test_validate_rejects_bad_shapes(value: Any, message: str, path: str) -> None:
    with pytest.raises(ConfigError) as e:
        config.validate(value, "X")
    assert str(e.value) == message
    assert e.value.path == path


def test_validate_accepts_a_good_config() -> None:
    config.validate(conf(a={"models": ["m"]}, b={"models": ["n"], "default_connection":
                                                 "default"}))


def test_load_config_validates(make: Maker) -> None:
    mod = make('TORTOISE_ORM = {"connections": {"default": "sqlite://:memory:"}, "apps": {}}\n')
    with pytest.raises(ConfigError) as e:
        config.load_config(mod)
    assert str(e.value) == f"{mod}.TORTOISE_ORM needs a non-empty 'apps' dict"
    assert e.value.path == f"{mod}.TORTOISE_ORM.apps"


# ---- apps ---------------------------------------------------------------------------


def test_select_apps() -> None:
    cfg = conf(models={"models": ["m"]}, shop={"models": ["s"]}, aerich={"models": ["a"]})
    assert config.app_names(cfg) == ["models", "shop"]
    assert config.select_apps(cfg, None) == ["models", "shop"]
    assert config.select_apps(cfg, "shop") == ["shop"]


def test_select_unknown_app() -> None:
    cfg = conf(models={"models": ["m"]}, shop={"models": ["s"]})
    with pytest.raises(ConfigError) as e:
        config.select_apps(cfg, "zzz")
    assert str(e.value) == "unknown app 'zzz'; the config has: models, shop"
    assert e.value.path == "zzz"


def test_connection_name() -> None:
    cfg = {"connections": {"default": "x", "other": "y"},
           "apps": {"a": {"models": ["m"]}, "b": {"models": ["m"], "default_connection": "other"}}}
    assert config.connection_name(cfg, "a") == "default"
    assert config.connection_name(cfg, "b") == "other"


def test_settings_default_and_from_the_pathway_key() -> None:
    base = {"connections": {"default": "sqlite://:memory:"},
            "apps": {"models": {"models": ["x.models"]}}}
    assert config.resolve(base).settings == config.Settings(False, 2.0, 3)
    got = config.resolve({**base, "pathway": {"safe": True, "lock_timeout": 0.5,
                                              "lock_retries": 5}}).settings
    assert got == config.Settings(True, 0.5, 5)
    assert config.resolve({**base, "pathway": {"lock_timeout": 0}}).settings.lock_timeout == 0


@pytest.mark.parametrize(("settings", "message"), [
    ("yes", "TORTOISE_ORM['pathway'] must be a dict, not str"),
    ({"safe": 1}, "TORTOISE_ORM['pathway']['safe'] must be true or false"),
    ({"lock_timeout": -1}, "['lock_timeout'] must be a number of seconds >= 0"),
    ({"lock_timeout": "2s"}, "['lock_timeout'] must be a number of seconds >= 0"),
    ({"lock_retries": 0}, "['lock_retries'] must be an integer >= 1"),
    ({"lock_retries": True}, "['lock_retries'] must be an integer >= 1"),
    ({"sfae": True}, "TORTOISE_ORM['pathway'] has unknown setting(s): sfae"),
])
def test_settings_errors_name_the_key(settings: Any, message: str) -> None:
    base = {"connections": {"default": "sqlite://:memory:"},
            "apps": {"models": {"models": ["x.models"]}}, "pathway": settings}
    with pytest.raises(ConfigError) as e:
        config.resolve(base)
    assert message in str(e.value)
