"""The Migration base class every migration file subclasses.

A generated migration lists ``dependencies`` and ``operations``; the executor renders the
operations' SQL for the connection's dialect and ``apply()`` / ``revert()`` run it. A
hand-written migration may override ``async def apply(self)`` and ``async def revert(self)``
and use ``self.connection`` (the connection, inside the migration's transaction where the
database allows one) or ``self.execute(sql, values)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, ClassVar

from . import faults, statements
from .exceptions import IrreversibleError
from .ops import Operation, RunPython, RunSQL

#: whether a migration ran code of its author in this process (a RunPython, a custom
#: apply() / revert()): the command line then exits the ordinary way (cli.entry), so that
#: whatever that code leaves to the interpreter's teardown still happens
_user_code_ran = False


def user_code_ran() -> bool:
    return _user_code_ran


def mark_user_code() -> None:
    global _user_code_ran
    _user_code_ran = True


class Migration:
    dependencies: ClassVar[list[Any]] = []
    operations: ClassVar[list[Operation]] = []
    #: False for migrations whose statements cannot run inside a transaction.
    atomic: ClassVar[bool] = True
    #: lock-aware SQL for this migration (True / False); None: the project's setting
    #: (TORTOISE_ORM["pathway"]["safe"]). On PostgreSQL a migration whose lock-aware SQL
    #: differs from the plain one (CREATE INDEX CONCURRENTLY, NOT VALID + VALIDATE) runs
    #: outside a transaction, step by step.
    safe: ClassVar[bool | None] = None
    #: a squashed migration: the migrations it stands for, (app, name) or names of its app
    #: (squashmigrations writes it; the loader uses it or them, see MigrationSet)
    replaces: ClassVar[list[Any]] = []
    #: finding classes or codes of ``lint`` this migration accepts (``["data-loss"]``,
    #: ``["index-build-blocks-writes"]``), each with a comment saying why; users write it,
    #: makemigrations never does (lint.py)
    allow: ClassVar[list[str]] = []
    #: "contract": run by ``migrate --stage contract``, once the release that no longer needs
    #: what it drops is deployed (makemigrations writes it on the second half of a change
    #: it splits); "expand": by ``--stage expand``; None: its operations decide (lint.py)
    stage: ClassVar[str | None] = None

    def __init__(self, app: str = "", name: str = "", path: Path | None = None,
                 checksum: str = "") -> None:
        self.app = app
        self.name = name
        self.path = path
        self.checksum = checksum
        #: the connection while apply() / revert() run; set by the executor
        self.connection: Any = None
        #: statements per operation (same positions as ``operations``), set by the executor
        self.forward_sql: list[list[str]] = []
        self.backward_sql: list[list[str]] = []
        #: per operation, the tables its statements touch (set with the SQL, for runs without
        #: a transaction: a resumed run checks their catalog)
        self.touched: list[list[str]] = []
        #: set with the SQL: its statements are lock-aware and must run outside a transaction
        #: (PostgreSQL's CONCURRENTLY); see ``in_transaction``
        self.outside_transaction = False
        #: runs one SQL statement of the migration's own steps instead of ``execute`` (set by
        #: the executor: a session with a lock timeout, retries)
        self.statement_runner: Callable[[str], Awaitable[None]] | None = None
        #: steps already done by an interrupted run (set by the executor to resume)
        self.skip_steps = 0
        #: awaited with (steps done, steps in all) after each step (set by the executor)
        self.after_step: Callable[[int, int], Awaitable[None]] | None = None
        #: the migrations a squashed migration replaces (``replaces``, normalized)
        self.replaced: list[tuple[str, str]] = []
        #: whether running it writes (or deletes) its own history row: not for the schema
        #: migrate builds at once on an empty database (migrate.py), which records the rows
        #: of the migrations it stands for (``replaced_rows``)
        self.recorded = True
        #: a squashed migration in use: the (app, name, checksum) of the migrations it
        #: replaces whose files are there; their history rows come and go with its own
        self.replaced_rows: list[tuple[str, str, str]] = []
        #: whether it may write rows of the tables it changes (a table rebuild copies them,
        #: code inserts them): SQLite's foreign keys are then checked before the commit. Not
        #: the schema migrate creates at once on an empty database, which writes no row
        self.writes_rows = True

    @property
    def in_transaction(self) -> bool:
        """Whether it runs in one transaction where the database has them: ``atomic``, and
        its SQL is not lock-aware SQL that cannot (``outside_transaction``)."""
        return self.atomic and not self.outside_transaction

    @property
    def key(self) -> tuple[str, str]:
        return (self.app, self.name)

    @property
    def label(self) -> str:
        return f"{self.app}.{self.name}"

    def ops_data(self) -> list[dict[str, Any]]:
        """The operations in the engine's boundary format."""
        return [op.to_dict() for op in self.operations]

    @classmethod
    def overrides_apply(cls) -> bool:
        return cls.apply is not Migration.apply

    @classmethod
    def overrides_revert(cls) -> bool:
        return cls.revert is not Migration.revert

    def runs_python(self, backward: bool = False) -> bool:
        """Whether apply() (``backward``: revert()) runs code of the migration's author: a
        RunPython (the code of that direction), or an overridden apply() / revert(). Such code
        may use the ORM, so the models are loaded before it runs."""
        if self.overrides_revert() if backward else self.overrides_apply():
            return True
        return any(isinstance(op, RunPython) and
                   (op.backward if backward else op.forward) is not None
                   for op in self.operations)

    @property
    def schema_only(self) -> bool:
        """Whether it only changes the schema: no SQL or code of its own (RunSQL, RunPython,
        a custom apply()), inside a transaction. The engine knows all it does."""
        return self.atomic and not self.overrides_apply() and not any(
            isinstance(op, (RunSQL, RunPython)) for op in self.operations)

    @property
    def reversible(self) -> bool:
        if self.overrides_revert():
            return True
        if self.overrides_apply():
            return False
        return all(op.reversible for op in self.operations)

    async def execute(self, sql: str, values: list[Any] | None = None) -> None:
        """Runs one statement on this migration's connection (inside its transaction where
        the database has one). A failure raises StatementFailed naming the statement."""
        await statements.execute(self.connection, sql, values)

    async def _run_python(self, code: Any) -> None:
        mark_user_code()
        result = code(self.connection)
        if inspect.isawaitable(result):
            await result

    def steps(self, backward: bool = False) -> list[tuple[int, str | Callable[..., Any]]]:
        """What apply() (or revert()) runs, in order: (operation index, SQL statement or
        Python callable). Progress on databases without transactional DDL counts these."""
        sqls = self.backward_sql if backward else self.forward_sql
        pairs = list(enumerate(zip(self.operations, sqls, strict=False)))
        if backward:
            pairs.reverse()
        out: list[tuple[int, str | Callable[..., Any]]] = []
        for i, (op, op_sql) in pairs:
            if isinstance(op, RunPython):
                code = op.backward if backward else op.forward
                if code is None:
                    raise IrreversibleError(
                        f"{self.label}: {op.describe()} has no backward code", path=self.label)
                out.append((i, code))
            out.extend((i, sql) for sql in op_sql)
        return out

    def step_tables(self, backward: bool = False) -> list[list[str]]:
        """Per step of ``steps(backward)``, the tables it touches ([] for Python code and raw
        SQL, whose effect is not known)."""
        out: list[list[str]] = []
        for i, step in self.steps(backward):
            known = isinstance(step, str) and not isinstance(self.operations[i], RunSQL)
            out.append(list(self.touched[i]) if known and i < len(self.touched) else [])
        return out

    async def _run_steps(self, backward: bool) -> None:
        steps = self.steps(backward)
        if self.after_step is None and self.statement_runner is None and \
                type(self).execute is Migration.execute:
            # nothing to do between statements: each run of them in as few round trips as
            # the driver allows (statements.run_all)
            run: list[str] = []
            for _, step in steps[self.skip_steps:]:
                if isinstance(step, str):
                    run.append(step)
                    continue
                await statements.run_all(self.connection, run)
                run = []
                await self._run_python(step)
            await statements.run_all(self.connection, run)
            return
        fault = faults.kill_point() if self.after_step is not None else None
        for n, (_, step) in enumerate(steps):
            if n < self.skip_steps:
                continue
            if fault == ("before", n + 1):
                faults.kill()
            if isinstance(step, str) and self.statement_runner is not None:
                await self.statement_runner(step)
            elif isinstance(step, str):
                await self.execute(step)
            else:
                await self._run_python(step)
            if fault == ("after", n + 1):
                faults.kill()
            if self.after_step is not None:
                await self.after_step(n + 1, len(steps))

    async def apply(self) -> None:
        """Runs every operation forward."""
        await self._run_steps(backward=False)

    async def revert(self) -> None:
        """Runs every operation backward, last first."""
        await self._run_steps(backward=True)
