"""SQL scripts for people to run by hand: statements framed the way the executor runs them.

The executor runs a migration's statements in one transaction where the database can roll
DDL back (SQLite, PostgreSQL), and on SQLite with foreign keys off around it (a table rebuild
drops and re-creates a table that other tables point at; with foreign keys on, the drop would
cascade into them) and ``PRAGMA foreign_key_check`` before the commit. A script printed for a
DBA (``check --sql``, ``sqlmigrate``, ``migrate --sql``) must be just as safe when it is
pasted into a shell.
"""

from __future__ import annotations


def statement(sql: str) -> str:
    """One statement as a script line: ended by exactly one ';' (a RunSQL text may carry its
    own)."""
    return sql.rstrip().rstrip(";").rstrip() + ";"


def frame(lines: list[str], dialect: str, atomic: bool = True) -> list[str]:
    """Script lines (statements ended by ';', comments) framed as the executor runs them for
    dialect: SQLite turns foreign keys off, runs them in one transaction, checks the keys and
    turns them on again; PostgreSQL runs them in one transaction; MySQL commits each DDL
    statement by itself, and a migration with ``atomic = False`` runs without a transaction
    anywhere, so there they are bare."""
    if not lines:
        return []
    if atomic and dialect == "sqlite":
        return ["PRAGMA foreign_keys = OFF;", "BEGIN;", *lines, "PRAGMA foreign_key_check;",
                "COMMIT;", "PRAGMA foreign_keys = ON;"]
    if atomic and dialect == "postgres":
        return ["BEGIN;", *lines, "COMMIT;"]
    return list(lines)


def framed(statements: list[str], dialect: str, atomic: bool = True) -> list[str]:
    """The statements (without ';') as framed script lines (see frame)."""
    return frame([statement(s) for s in statements], dialect, atomic)
