"""The Migration base class every migration file subclasses.

A generated migration lists ``dependencies`` and ``operations``; the executor renders the
operations' SQL for the connection's dialect and ``apply()`` / ``revert()`` run it. A
hand-written migration may override ``async def apply(self)`` and ``async def revert(self)``
and use ``self.connection`` (the connection, inside the migration's transaction where the
database allows one) or ``self.execute(sql, values)``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, ClassVar

from .exceptions import IrreversibleError
from .ops import Operation, RunPython


class StatementFailed(Exception):
    """A statement of a migration failed; carries the SQL and the database's error."""

    def __init__(self, sql: str, error: BaseException) -> None:
        super().__init__(f"{error}")
        self.sql = sql
        self.error = error


class Migration:
    dependencies: ClassVar[list[Any]] = []
    operations: ClassVar[list[Operation]] = []
    #: False for migrations whose statements cannot run inside a transaction.
    atomic: ClassVar[bool] = True

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
        try:
            await self.connection.execute_query(sql, values)
        except Exception as e:
            raise StatementFailed(sql, e) from e

    async def _run_python(self, code: Any) -> None:
        result = code(self.connection)
        if inspect.isawaitable(result):
            await result

    async def apply(self) -> None:
        """Runs every operation forward."""
        for op, statements in zip(self.operations, self.forward_sql, strict=False):
            if isinstance(op, RunPython):
                await self._run_python(op.forward)
            for sql in statements:
                await self.execute(sql)

    async def revert(self) -> None:
        """Runs every operation backward, last first."""
        for op, statements in reversed(list(zip(self.operations, self.backward_sql, strict=False))):
            if isinstance(op, RunPython):
                if op.backward is None:
                    raise IrreversibleError(
                        f"{self.label}: {op.describe()} has no backward code", path=self.label)
                await self._run_python(op.backward)
            for sql in statements:
                await self.execute(sql)
