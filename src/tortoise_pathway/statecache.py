"""The per-app cache of what the migration files hold, so that a command does not execute a
thousand files and replay them on every run.

It lives in ``<migrations>/<app>/.pathway_cache/`` (ignored by git through its own
``.gitignore``, as pytest's and mypy's caches are) and holds three files:

- ``files.json``: per migration file name, the sha256 of its content and what the graph and
  the plans need of it (its dependencies; whether it replaces others; whether it only changes
  the schema, ``Migration.schema_only``; its ``stage``). loader.load builds the graph from it
  without executing the files whose content is the same, and executes a file only when
  something needs more of it (its operations, its class); see loader.MigrationSet.
- ``state.json``: the engine's replayed state (``_engine.replay``) of the app's migrations in
  graph order, with that order as (name, sha256) pairs. MigrationSet.state replays only the
  migrations after the longest prefix of the current order that the cache holds.
- ``initial.json``: per dialect, the SQL that creates that state at once on an empty database
  (what migrate runs there: ``MigrationSet.initial_sql``), with the order it stands for.

All carry the engine fingerprint: the package version and the bytes of the engine and of the
modules that turn a file into operations. A different fingerprint, a file that cannot be read
or parsed, or content of an unexpected shape, and the cache is ignored and rewritten: it is
never trusted beyond the exact file contents it names. Writes are atomic (a temporary file
renamed) and their failures ignored, so a read-only checkout just runs without a cache.
``PATHWAY_CACHE=0`` in the environment switches it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 2
DIRECTORY = ".pathway_cache"
FILES = "files.json"
STATE = "state.json"
INITIAL = "initial.json"

_fingerprint: str | None = None


def enabled() -> bool:
    return os.environ.get("PATHWAY_CACHE", "1").strip().lower() not in ("0", "false", "no", "off")


def fingerprint() -> str:
    """What the cached content depends on besides the migration files: this package's version,
    its engine binary and the Python modules that read files into operations."""
    global _fingerprint
    if _fingerprint is None:
        from . import __version__, _engine

        here = Path(__file__).parent
        digest = hashlib.sha256(f"{FORMAT} {__version__}".encode())
        for path in [Path(_engine.__file__ or "")] + [
                here / n for n in ("ops.py", "migration.py", "loader.py", "statecache.py")]:
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(f"unreadable {path}".encode())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def _read(app_dir: Path, name: str) -> dict[str, Any] | None:
    """The cache file's content when it is ours and current, else None."""
    try:
        data = json.loads((app_dir / DIRECTORY / name).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("engine") != fingerprint():
        return None
    return data


def _write(app_dir: Path, name: str, data: dict[str, Any]) -> None:
    directory = app_dir / DIRECTORY
    try:
        directory.mkdir(exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# tortoise-pathway's cache (see statecache.py): not for git\n*\n",
                              encoding="utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(dict(data, engine=fingerprint()), f, separators=(",", ":"))
            os.replace(tmp, directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # no cache where it cannot be written


#: per file name: (sha256 of its content, its dependencies as (app, name) pairs, whether it
#: replaces other migrations, whether it only changes the schema, its ``stage``)
FileEntries = dict[str, tuple[str, list[tuple[str, str]], bool, bool, str | None]]


def read_files(app_dir: Path) -> FileEntries:
    """What files.json knows of app_dir's files ({} when it is missing, stale or damaged)."""
    data = _read(app_dir, FILES)
    out: FileEntries = {}
    if data is None or not isinstance(data.get("files"), dict):
        return out
    for name, entry in data["files"].items():
        try:
            checksum, deps, replaces, schema_only, stage = entry
            pairs = [(str(a), str(n)) for a, n in deps]
        except (TypeError, ValueError):
            return {}
        if not isinstance(checksum, str) or not isinstance(replaces, bool) or not isinstance(
                schema_only, bool) or stage not in (None, "expand", "contract"):
            return {}
        out[name] = (checksum, pairs, replaces, schema_only, stage)
    return out


def write_files(app_dir: Path, entries: FileEntries) -> None:
    _write(app_dir, FILES, {"files": {n: [c, [list(d) for d in deps], r, so, st]
                                      for n, (c, deps, r, so, st) in sorted(entries.items())}})


#: the app's migrations in graph order, as (file name, sha256) pairs
Order = list[tuple[str, str]]


def _order(data: dict[str, Any]) -> Order | None:
    """The order a cache file stands for (None when it has none of the right shape)."""
    try:
        return [(str(n), str(c)) for n, c in data["order"]]
    except (KeyError, TypeError, ValueError):
        return None


def read_state(app_dir: Path) -> tuple[Order, dict[str, Any]] | None:
    """The cached order and the state it replays to (None when missing, stale or damaged)."""
    data = _read(app_dir, STATE)
    order = None if data is None else _order(data)
    if data is None or order is None:
        return None
    state = data.get("state")
    if not isinstance(state, dict) or not isinstance(state.get("tables"), list):
        return None
    return order, state


def write_state(app_dir: Path, order: Order, state: dict[str, Any]) -> None:
    _write(app_dir, STATE, {"order": [list(p) for p in order], "state": state})


def read_initial(app_dir: Path, order: Order, dialect: str) -> list[list[str]] | None:
    """The cached SQL (statements per operation) that creates at once, in ``dialect``, the
    schema the app's migrations in ``order`` build (None when not cached for that order)."""
    data = _read(app_dir, INITIAL)
    if data is None or _order(data) != order or not isinstance(data.get("sql"), dict):
        return None
    sql = data["sql"].get(dialect)
    if not isinstance(sql, list) or not all(
            isinstance(op, list) and all(isinstance(s, str) for s in op) for op in sql):
        return None
    return sql


def write_initial(app_dir: Path, order: Order, dialect: str, sql: list[list[str]]) -> None:
    """Keeps ``sql`` for ``dialect`` beside what is cached for the same order."""
    data = _read(app_dir, INITIAL)
    known: dict[str, Any] = {}
    if data is not None and isinstance(data.get("sql"), dict) and _order(data) == order:
        known = data["sql"]
    _write(app_dir, INITIAL, {"order": [list(p) for p in order],
                              "sql": dict(known, **{dialect: sql})})
