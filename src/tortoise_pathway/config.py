"""Finding TORTOISE_ORM: ``--config MODULE`` (holding ``TORTOISE_ORM``), ``MODULE.VARIABLE``,
``MODULE:VARIABLE``, or ``[tool.tortoise-pathway] config = "..."`` in ./pyproject.toml.

Every failure is a ConfigError that names the module or key at fault.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from pathlib import Path
from typing import Any

from .exceptions import ConfigError

DEFAULT_VARIABLE = "TORTOISE_ORM"


class _ModuleNotFound(ConfigError):
    """The config module itself does not exist (as opposed to failing when imported)."""


def _import(module_name: str) -> Any:
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and (module_name == e.name or module_name.startswith(e.name + ".")):
            raise _ModuleNotFound(
                f"cannot import config module {module_name!r}: no module named {e.name!r}",
                path=module_name,
                hint="run from the directory that contains it, or fix --config") from None
        raise ConfigError(f"config module {module_name!r} failed to import: {e}",
                          path=module_name) from e
    except SyntaxError as e:
        raise ConfigError(f"{e.filename}:{e.lineno}: syntax error in config module: {e.msg}",
                          path=module_name) from e
    except Exception as e:
        where = ""
        frames = traceback.extract_tb(e.__traceback__)
        if frames:
            where = f" ({frames[-1].filename}:{frames[-1].lineno})"
        raise ConfigError(
            f"config module {module_name!r} raised {type(e).__name__}: {e}{where}",
            path=module_name) from e


def _from_pyproject() -> str | None:
    path = Path("pyproject.toml")
    if not path.is_file():
        return None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except Exception as e:
        raise ConfigError(f"pyproject.toml cannot be read: {e}", path="pyproject.toml") from e
    value = data.get("tool", {}).get("tortoise-pathway", {}).get("config")
    return value if isinstance(value, str) else None


def load_config(spec: str | None) -> dict[str, Any]:
    """The TORTOISE_ORM dict named by spec (see module docstring), validated."""
    if not spec:
        spec = _from_pyproject()
    if not spec:
        raise ConfigError("no config given",
                          hint="pass --config MODULE (a module holding TORTOISE_ORM), or set "
                               "[tool.tortoise-pathway] config in pyproject.toml")
    module_name, variable = spec, DEFAULT_VARIABLE
    if ":" in spec:
        module_name, variable = spec.split(":", 1)
    module = None
    try:
        module = _import(module_name)
    except _ModuleNotFound:
        # MODULE.VARIABLE; only when MODULE.VARIABLE is not itself a module. A module that
        # exists but fails to import (syntax error, exception) is reported as such.
        if ":" in spec or "." not in spec:
            raise
        head, _, tail = spec.rpartition(".")
        try:
            module = _import(head)
        except ConfigError:
            raise
        if not hasattr(module, tail):
            raise ConfigError(f"config module {head!r} has no variable {tail!r}",
                              path=spec) from None
        module_name, variable = head, tail
    if not hasattr(module, variable):
        raise ConfigError(f"config module {module_name!r} has no {variable}",
                          path=module_name,
                          hint=f"define {variable} = {{...}} there, or pass MODULE.VARIABLE")
    config = getattr(module, variable)
    validate(config, f"{module_name}.{variable}")
    return config


def validate(config: Any, where: str = "TORTOISE_ORM") -> None:
    if not isinstance(config, dict):
        raise ConfigError(f"{where} must be a dict, not {type(config).__name__}", path=where)
    for key in ("connections", "apps"):
        if not isinstance(config.get(key), dict) or not config[key]:
            raise ConfigError(f"{where} needs a non-empty {key!r} dict", path=f"{where}.{key}")
    for app, app_conf in config["apps"].items():
        if not isinstance(app_conf, dict) or not app_conf.get("models"):
            raise ConfigError(f"{where}: app {app!r} needs a 'models' list",
                              path=f"{where}.apps.{app}")
        conn = app_conf.get("default_connection", "default")
        if conn not in config["connections"]:
            raise ConfigError(
                f"{where}: app {app!r} uses connection {conn!r}, which is not in 'connections'",
                path=f"{where}.apps.{app}")


def app_names(config: dict[str, Any]) -> list[str]:
    """Apps with migrations: every app but Tortoise's own aerich/migration apps."""
    return [a for a in config["apps"] if a not in ("aerich",)]


def select_apps(config: dict[str, Any], app: str | None) -> list[str]:
    apps = app_names(config)
    if app is None:
        return apps
    if app not in config["apps"]:
        raise ConfigError(f"unknown app {app!r}; the config has: {', '.join(apps)}", path=app)
    return [app]


def connection_name(config: dict[str, Any], app: str) -> str:
    return str(config["apps"][app].get("default_connection", "default"))
