"""locks.py without a database: which driver errors are a lock timeout or a refused
algorithm (the errors as the drivers raise them, wrapped as Tortoise and the executor wrap
them), and the message when a statement gives up."""

from __future__ import annotations

import pytest

from tortoise_pathway import _engine, locks
from tortoise_pathway.statements import StatementFailed


class PgError(Exception):
    """asyncpg's errors carry their SQLSTATE as ``sqlstate``."""

    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class OperationalError(Exception):
    """What Tortoise raises, from the driver's error."""


def wrapped(driver_error: Exception) -> StatementFailed:
    try:
        try:
            raise driver_error
        except Exception as e:
            raise OperationalError(str(e)) from e
    except OperationalError as outer:
        return StatementFailed("CREATE INDEX ...", outer)


def test_lock_timeouts_are_recognised_through_the_wrappers() -> None:
    pg = PgError("canceling statement due to lock timeout", "55P03")
    assert locks.is_lock_timeout("postgres", wrapped(pg))
    assert locks.is_lock_timeout("postgres", pg)
    assert not locks.is_lock_timeout("postgres", PgError("deadlock detected", "40P01"))
    my = Exception(1205, "Lock wait timeout exceeded; try restarting transaction")
    assert locks.is_lock_timeout("mysql", wrapped(my))
    assert not locks.is_lock_timeout("mysql", Exception(1213, "Deadlock found"))
    assert not locks.is_lock_timeout("postgres", my)
    # Tortoise's wrapper alone, its text being the driver's
    assert locks.is_lock_timeout("mysql", OperationalError(
        "(1205, 'Lock wait timeout exceeded; try restarting transaction')"))


@pytest.mark.parametrize("code", [1845, 1846, 1800, 1801])
def test_refused_algorithms(code: int) -> None:
    assert locks.is_algorithm_refused(wrapped(Exception(code, "LOCK=NONE is not supported")))


def test_other_errors_are_not_a_refused_algorithm() -> None:
    assert not locks.is_algorithm_refused(Exception(1064, "You have an error in your SQL"))
    assert not locks.is_algorithm_refused(Exception("no code"))


def test_gave_up_message_names_tries_tables_and_holders() -> None:
    e = locks.LockGaveUp(3, 2.0, ["orders"], ["pid 4242"], "CREATE INDEX ...")
    assert e.describe() == "waited 3 x 2 s for a lock on orders held by pid 4242"
    e = locks.LockGaveUp(2, 0.5, [], [], "ALTER TABLE ...")
    assert e.describe() == "waited 2 x 0.5 s for a lock"
    assert locks.table_label("billing\x1finvoice") == "billing.invoice"
    assert locks.table_label("orders") == "orders"


def test_strip_algorithm_is_the_engines() -> None:
    assert _engine.strip_algorithm("ALTER TABLE `t` ADD COLUMN `a` INT, ALGORITHM=INSTANT") == \
        "ALTER TABLE `t` ADD COLUMN `a` INT"
    assert _engine.strip_algorithm("CREATE INDEX `i` ON `t` (`a`) ALGORITHM=INPLACE LOCK=NONE"
                                   ) == "CREATE INDEX `i` ON `t` (`a`)"
    assert _engine.strip_algorithm("DROP TABLE `t`") == "DROP TABLE `t`"
