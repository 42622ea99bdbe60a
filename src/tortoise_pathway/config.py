"""Finding TORTOISE_ORM, and resolving it once into a typed ``Project``.

Where the config comes from, first found wins: ``--config MODULE`` (holding ``TORTOISE_ORM``),
``MODULE.VARIABLE`` or ``MODULE:VARIABLE``; else ``[tool.tortoise-pathway] config = "..."`` in
./pyproject.toml; else where the tool a project switches from finds it: the ``TORTOISE_ORM``
environment variable and ``[tool.tortoise] tortoise_orm`` (Tortoise's own CLI), then
``[tool.aerich] tortoise_orm`` (Aerich). ``find_config`` says which one it used.

``resolve(config)`` turns the dict into a ``Project``: its apps, each app's connection, in
one place instead of re-deriving them from the raw dict, and pathway's own settings
(``Settings``), read from the config's ``"pathway"`` key (Tortoise ignores it), so that they
travel with the config to the command line and the API alike::

    TORTOISE_ORM = {..., "pathway": {"safe": True, "lock_timeout": 2, "lock_retries": 3}}

Every failure is a ConfigError that names the module or key at fault.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .exceptions import ConfigError

DEFAULT_VARIABLE = "TORTOISE_ORM"
#: apps of other tools that a TORTOISE_ORM may hold; they have no migrations of ours
FOREIGN_APPS = ("aerich",)


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


def _pyproject() -> dict[str, Any] | None:
    """./pyproject.toml as data, or None when there is none."""
    path = Path("pyproject.toml")
    if not path.is_file():
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except Exception as e:
        raise ConfigError(f"pyproject.toml cannot be read: {e}", path="pyproject.toml") from e
    return data


def _discover() -> tuple[str, str] | None:
    """(spec, where it was found) from pyproject.toml or the environment, or None."""
    data = _pyproject()
    tool = (data or {}).get("tool", {})
    tool = tool if isinstance(tool, dict) else {}

    def setting(section: str, key: str) -> str | None:
        value = tool.get(section, {})
        value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, str) and value else None

    if (spec := setting("tortoise-pathway", "config")) is not None:
        return spec, "[tool.tortoise-pathway] config in pyproject.toml"
    if env := os.environ.get("TORTOISE_ORM", "").strip():
        return env, "the TORTOISE_ORM environment variable"
    if (spec := setting("tortoise", "tortoise_orm")) is not None:
        return spec, "[tool.tortoise] tortoise_orm in pyproject.toml"
    if (spec := setting("aerich", "tortoise_orm")) is not None:
        return spec, "[tool.aerich] tortoise_orm in pyproject.toml"
    return None


def load_config(spec: str | None) -> dict[str, Any]:
    """The TORTOISE_ORM dict named by spec (see module docstring), validated."""
    return find_config(spec)[0]


def find_config(spec: str | None) -> tuple[dict[str, Any], str]:
    """The TORTOISE_ORM dict named by spec, or found as the module docstring says, validated;
    and where it came from ("--config x.y", "[tool.aerich] tortoise_orm in pyproject.toml")."""
    source = f"--config {spec}"
    if not spec:
        found = _discover()
        if found is None:
            raise ConfigError(
                "no config given",
                hint="pass --config MODULE (a module holding TORTOISE_ORM), or set "
                     "[tool.tortoise-pathway] config in pyproject.toml (TORTOISE_ORM in the "
                     "environment, [tool.tortoise] or [tool.aerich] tortoise_orm work too)")
        spec, where = found
        source = f"{spec} (from {where})"
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
    return config, source


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
    """Apps with migrations: every app but other tools' own (Aerich's)."""
    return [a for a in config["apps"] if a not in FOREIGN_APPS]


def select_apps(config: dict[str, Any], app: str | None) -> list[str]:
    apps = app_names(config)
    if app is None:
        return apps
    if app not in config["apps"]:
        raise ConfigError(f"unknown app {app!r}; the config has: {', '.join(apps)}", path=app)
    return [app]


def connection_name(config: dict[str, Any], app: str) -> str:
    return str(config["apps"][app].get("default_connection", "default"))


#: the key of TORTOISE_ORM that holds pathway's settings
SETTINGS_KEY = "pathway"


@dataclass(frozen=True)
class Settings:
    """Pathway's settings (TORTOISE_ORM["pathway"]); every one has a default."""

    #: render every migration's SQL lock-aware (a migration's own ``safe`` wins): PostgreSQL
    #: builds indexes CONCURRENTLY (the migration then runs outside a transaction), adds keys
    #: and checks NOT VALID then VALIDATE; MySQL asks for ALGORITHM=INSTANT / INPLACE
    safe: bool = False
    #: seconds a DDL statement waits for its table's lock (PostgreSQL lock_timeout, MySQL
    #: lock_wait_timeout) before it gives up and is tried again; 0: wait as long as it takes
    lock_timeout: float = 2.0
    #: tries of a statement (or, in a transaction, of the migration) that waits in vain
    lock_retries: int = 3


def _settings(config: dict[str, Any]) -> Settings:
    raw = config.get(SETTINGS_KEY, {})
    where = f"TORTOISE_ORM[{SETTINGS_KEY!r}]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a dict, not {type(raw).__name__}", path=where)
    unknown = sorted(set(raw) - {"safe", "lock_timeout", "lock_retries"})
    if unknown:
        raise ConfigError(f"{where} has unknown setting(s): {', '.join(map(str, unknown))}",
                          path=where, hint="known: safe, lock_timeout, lock_retries")
    out = Settings()
    safe = raw.get("safe", out.safe)
    if not isinstance(safe, bool):
        raise ConfigError(f"{where}['safe'] must be true or false", path=f"{where}.safe")
    timeout = raw.get("lock_timeout", out.lock_timeout)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
        raise ConfigError(f"{where}['lock_timeout'] must be a number of seconds >= 0",
                          path=f"{where}.lock_timeout")
    retries = raw.get("lock_retries", out.lock_retries)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 1:
        raise ConfigError(f"{where}['lock_retries'] must be an integer >= 1",
                          path=f"{where}.lock_retries")
    return Settings(safe, float(timeout), retries)


@dataclass(frozen=True)
class Project:
    """A TORTOISE_ORM config, resolved once: its apps (in config order) and the connection
    each one migrates on."""

    config: dict[str, Any]
    #: app label -> connection name, apps with migrations only
    connections_of: dict[str, str]
    settings: Settings = Settings()

    @property
    def apps(self) -> list[str]:
        return list(self.connections_of)

    def select(self, app: str | None) -> list[str]:
        """Every app, or just ``app`` (ConfigError when the config has no such app)."""
        return select_apps(self.config, app)

    def connection(self, app: str) -> str:
        return self.connections_of.get(app) or connection_name(self.config, app)

    def connections(self, apps: list[str] | None = None) -> list[str]:
        """The connections of ``apps`` (default: every app), sorted, each once."""
        return sorted({self.connection(a) for a in (self.apps if apps is None else apps)})

    def apps_on(self, connection: str) -> list[str]:
        """The apps that migrate on ``connection``, in config order."""
        return [a for a, c in self.connections_of.items() if c == connection]


def resolve(config: dict[str, Any]) -> Project:
    """The validated config as a Project."""
    validate(config)
    return Project(config, {a: connection_name(config, a) for a in app_names(config)},
                   _settings(config))
