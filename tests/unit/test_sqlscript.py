"""Scripts for people to run by hand, framed per dialect as the executor runs migrations."""

from __future__ import annotations

from tortoise_pathway.sqlscript import frame, framed, statement


def test_sqlite_turns_foreign_keys_off_around_one_transaction() -> None:
    assert framed(["DROP TABLE x"], "sqlite") == [
        "PRAGMA foreign_keys = OFF;", "BEGIN;", "DROP TABLE x;", "PRAGMA foreign_key_check;",
        "COMMIT;", "PRAGMA foreign_keys = ON;"]


def test_postgres_one_transaction_mysql_bare() -> None:
    assert framed(["A", "B"], "postgres") == ["BEGIN;", "A;", "B;", "COMMIT;"]
    assert framed(["A", "B"], "mysql") == ["A;", "B;"]


def test_nothing_to_run_is_an_empty_script() -> None:
    assert framed([], "sqlite") == []


def test_a_migration_without_a_transaction_is_bare_everywhere() -> None:
    for dialect in ("sqlite", "postgres", "mysql"):
        assert framed(["A", "B"], dialect, atomic=False) == ["A;", "B;"]


def test_comment_lines_are_framed_with_the_statements() -> None:
    assert frame(["-- RunPython: fill (not SQL)", "A;"], "postgres") == [
        "BEGIN;", "-- RunPython: fill (not SQL)", "A;", "COMMIT;"]


def test_a_statement_ends_with_exactly_one_semicolon() -> None:
    assert statement("UPDATE t SET a = 1;  \n") == "UPDATE t SET a = 1;"
    assert framed(["A;"], "mysql") == ["A;"]
