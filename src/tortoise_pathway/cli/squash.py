"""squashmigrations: a run of an app's migrations as one migration, its operations folded."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from . import output

DESCRIPTION = """\
write one migration that stands for the app's migrations from FROM (default: its first) to
TO: their operations folded by the engine's optimizer (a table created then changed is
created as it ends up, a column added then dropped is gone, ...), with replaces = [...] naming
them. A database where none of them is applied runs the squashed migration instead; one where
all are counts it as applied; one where some are keeps using them until all are. Once every
database has applied it, delete the replaced files. A RunPython (unless elidable=True) or a
hand-written apply() in the range stops the squash."""

EPILOG = """\
examples:
  tortoise-pathway --config myapp.config squashmigrations models 20240601000000
  tortoise-pathway --config myapp.config squashmigrations models 20240101 20240601 --name base"""


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    sq = add("squashmigrations", "squash a run of an app's migrations into one", DESCRIPTION,
             app_option=False)
    sq.epilog = EPILOG
    sq.add_argument("app", metavar="APP", help="app label from TORTOISE_ORM['apps']")
    sq.add_argument("names", metavar="[FROM] TO", nargs="+",
                    help="the last migration to squash, after the first one (default: the "
                         "app's first); names or prefixes only they start with")
    sq.add_argument("--name", "-n", help="the squashed migration's name (default: "
                                         "<first timestamp>_squashed_<TO>)")
    sq.set_defaults(handler=run)


async def run(args: argparse.Namespace, integrator: Any) -> int:
    from ..exceptions import ConfigError

    if len(args.names) > 2:
        raise ConfigError("squashmigrations takes APP, then [FROM] TO: "
                          f"{len(args.names)} migration names given")
    start, end = (None, args.names[0]) if len(args.names) == 1 else args.names
    await integrator.initialize(connect=False, models=False)
    s = integrator.squash_migrations(args.app, end, start=start, name=args.name)
    output.line(f"Squashed {len(s.replaced)} migrations of '{s.app}' into:")
    output.line(f"  {s.path}")
    output.line(f"  {s.before} operations folded into {s.after}")
    output.note("Apply it everywhere (migrate counts it as applied where its migrations are), "
                "then the replaced files can be deleted.")
    return 0
