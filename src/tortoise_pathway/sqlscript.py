"""SQL scripts for people to run by hand: statements framed the way the executor runs them.

The executor runs a migration's statements in one transaction where the database can roll
DDL back (SQLite, PostgreSQL), and on SQLite with foreign keys off around it (a table rebuild
drops and re-creates a table that other tables point at; with foreign keys on, the drop would
cascade into them) and ``PRAGMA foreign_key_check`` before the commit. A script printed for a
DBA (``check --sql``) must be just as safe when it is pasted into a shell.
"""

from __future__ import annotations


def framed(statements: list[str], dialect: str) -> list[str]:
    """The statements (without ';') as script lines (with ';'), framed for dialect: SQLite
    turns foreign keys off, runs them in one transaction, checks the keys and turns them on
    again; PostgreSQL runs them in one transaction; MySQL commits each DDL statement by
    itself, so there they are bare."""
    if not statements:
        return []
    body = [f"{s};" for s in statements]
    if dialect == "sqlite":
        return ["PRAGMA foreign_keys = OFF;", "BEGIN;", *body, "PRAGMA foreign_key_check;",
                "COMMIT;", "PRAGMA foreign_keys = ON;"]
    if dialect == "postgres":
        return ["BEGIN;", *body, "COMMIT;"]
    return body
