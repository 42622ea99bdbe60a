"""Questions makemigrations asks: was this a rename? Interactive on a terminal, answered by
flags (``--rename``) otherwise; with ``--no-input`` it never guesses. Renames the model
identity makes certain (a model's new ``Meta.table``) are never asked: the engine does them.

A rename answered no (or not asked) becomes a drop and an add; the command then warns that the
dropped data will be lost.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from .exceptions import PathwayError


class RenameSpecError(PathwayError):
    """A --rename value that cannot be read."""


def parse_renames(specs: Sequence[str]) -> tuple[set[tuple[str, str]], set[tuple[str, str, str]]]:
    """``users=accounts`` (a table) and ``users.name=full_name`` or
    ``users.name=users.full_name`` (a column) -> (table renames, column renames)."""
    tables: set[tuple[str, str]] = set()
    columns: set[tuple[str, str, str]] = set()
    for spec in specs:
        old, sep, new = spec.partition("=")
        if not sep or not old or not new:
            raise RenameSpecError(f"--rename {spec!r}: write OLD=NEW, e.g. users=accounts or "
                                  "users.name=full_name")
        if "." in old:
            table, _, column = old.partition(".")
            new_table, dot, new_column = new.rpartition(".")
            if dot and new_table != table:
                raise RenameSpecError(f"--rename {spec!r}: a column rename stays in its table")
            if not table or not column or not new_column:
                raise RenameSpecError(f"--rename {spec!r}: write TABLE.COLUMN=NEW_COLUMN")
            columns.add((table, column, new_column))
        else:
            if "." in new:
                raise RenameSpecError(f"--rename {spec!r}: a table renames to a table name")
            tables.add((old, new))
    return tables, columns


def parse_value(text: str) -> Any:
    """A one-off value typed by the user: a Python literal (0, 1.5, True, 'x'), else the
    text itself as a string."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise RenameSpecError(f"{text!r}: a one-off value is a number, a string, True or False")


def parse_fills(specs: Sequence[str]) -> dict[tuple[str, str], Any]:
    """``users.age=0`` -> {("users", "age"): 0}."""
    out: dict[tuple[str, str], Any] = {}
    for spec in specs:
        target, sep, value = spec.partition("=")
        table, dot, column = target.partition(".")
        if not sep or not dot or not table or not column:
            raise RenameSpecError(f"--fill {spec!r}: write TABLE.COLUMN=VALUE, e.g. users.age=0")
        out[(table, column)] = parse_value(value)
    return out


def _type_text(column: Mapping[str, Any] | None) -> str:
    if not column:
        return ""
    t = column.get("type")
    if isinstance(t, Mapping):
        return str(t.get("postgres") or next(iter(t.values())))
    return str(t)


class Questioner:
    """Answers the engine's rename questions.

    ``field_names`` maps (table, column) to the model field class name, to show the user
    ``CharField`` rather than a SQL type when it is known; ``field_names_from``, when set, gives
    that map the first time a question needs it (reading every model costs, asking is rare).
    """

    def __init__(self, interactive: bool = False, renames: Sequence[str] = (),
                 field_names: Mapping[tuple[str, str], str] | None = None,
                 stdin: TextIO | None = None, stdout: TextIO | None = None,
                 fills: Sequence[str] = ()) -> None:
        self.interactive = interactive
        self.tables, self.columns = parse_renames(renames)
        self.fills = parse_fills(fills)
        self.field_names = dict(field_names or {})
        self.field_names_from: Callable[[], Mapping[tuple[str, str], str]] | None = None
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.asked: list[str] = []

    def ask_rename(self, kind: str, table: str, old: str, new: str,
                   column: Mapping[str, Any] | None) -> bool:
        if kind == "table":
            if (old, new) in self.tables:
                return True
            question = f"Did you rename table {old} to {new}?"
        else:
            if (table, old, new) in self.columns:
                return True
            if self.field_names_from is not None:
                self.field_names = {**self.field_names_from(), **self.field_names}
                self.field_names_from = None
            what = self.field_names.get((table, new)) or _type_text(column)
            question = f"Did you rename field {table}.{old} to {table}.{new} ({what})?"
        self.asked.append(question)
        if not self.interactive:
            return False
        return self._yes_no(question)

    def ask_fill(self, table: str, column: str, default: Any = None) -> Any:
        """The one-off value for rows of ``table`` when ``column`` becomes NOT NULL without a
        database default: --fill, else the model's own Python default, else the user's
        answer on a terminal; None when there is none."""
        if (table, column) in self.fills:
            return self.fills[(table, column)]
        if default is not None:
            return default
        if not self.interactive:
            return None
        self.stdout.write(
            f"Column {table}.{column} becomes NOT NULL and has no database default; rows that "
            "exist need a value.\nOne-off value for them (a number, 'text', True/False), or "
            "empty to leave it: ")
        self.stdout.flush()
        line = self.stdin.readline()
        text = line.strip()
        if not text:
            return None
        return parse_value(text)

    def _yes_no(self, question: str) -> bool:
        while True:
            self.stdout.write(f"{question} [y/N] ")
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:  # end of input: the safe answer
                self.stdout.write("\n")
                return False
            answer = line.strip().lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("", "n", "no"):
                return False
            self.stdout.write("Please answer y or n.\n")

    def callback(self) -> Callable[[str, str, str, str, Any], bool]:
        return self.ask_rename


def data_loss_warnings(operations: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per operation that drops stored data."""
    out = []
    for op in operations:
        if op["op"] == "delete_model":
            out.append(f"table {op['table']} is dropped: its rows will be lost")
        elif op["op"] == "remove_field":
            out.append(f"column {op['table']}.{op['column']} is dropped: its data will be lost")
    return out
