"""Every error tortoise-pathway raises on purpose.

Each carries one clear message for the user, ``path`` (the object at fault: a file, a
migration ``app.name``, a table or ``table.column``) and an optional ``hint`` saying what to do
next. The CLI prints them as one line (plus the hint) and exits non-zero. The C engine raises
the schema and graph classes below.
"""

from __future__ import annotations


class PathwayError(Exception):
    """Base class: a failure the user can act on."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path or None
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(PathwayError):
    """The config module, TORTOISE_ORM, an app or a connection is missing or malformed."""


class ModelError(PathwayError):
    """The models cannot be read or turned into a schema."""


class SchemaError(PathwayError):
    """An operation does not fit the schema (unknown table, duplicate column, bad type...)."""


class IrreversibleError(PathwayError):
    """A migration that cannot be reverted was asked to be."""


class UnsupportedError(PathwayError):
    """A change the database's dialect cannot make."""


class GraphError(PathwayError):
    """The migration graph is inconsistent."""


class CycleError(GraphError):
    """Migrations depend on each other in a cycle."""


class MissingDependencyError(GraphError):
    """A migration depends on one that does not exist."""


class MultipleHeadsError(GraphError):
    """An app has two or more latest migrations."""


class MergeConflictError(GraphError):
    """The branches of an app change the same objects: no merge migration can join them;
    ``details`` names each pair of operations that collide, one line each."""

    def __init__(self, message: str, details: list[str], path: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, path=path, hint=hint)
        self.details = details


class MigrationFileError(PathwayError):
    """A migration file cannot be loaded: syntax error, exception, no Migration class."""


class MigrationFailed(PathwayError):
    """A migration's SQL or code failed while it was applied or reverted."""


class DatabaseError(PathwayError):
    """The database cannot be reached or refused the connection."""


class NothingToDo(PathwayError):
    """The command has nothing to act on (e.g. rollback with nothing applied)."""


class LockTimeout(PathwayError):
    """Another migration command held the database's migration lock for too long."""


class ChangedMigrationError(PathwayError):
    """An applied migration's file was edited or deleted since it was applied."""


class DriftError(PathwayError):
    """A database differs from what it should hold for the command to go on (--fake-initial,
    adopt); ``details`` lists the differences, one line each."""

    def __init__(self, message: str, details: list[str], path: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, path=path, hint=hint)
        self.details = details
