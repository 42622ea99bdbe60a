"""Renames that keep the model's identity: a model that keeps its class and gets a new
``Meta.table`` is renamed without a question (also with ``--no-input``); the fields renamed in
the same change are asked on a terminal or declared with ``--rename``, the foreign keys named
after the table among them (customer_id -> client_id), and so are the columns of the
ManyToManyField's through table, renamed with it. Rows kept forward and back, on SQLite,
PostgreSQL and MariaDB."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.conftest import Project

V1 = """
class Tag(models.Model):
    id = fields.IntField(primary_key=True)
    label = fields.CharField(max_length=20)


class Customer(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)
    tags = fields.ManyToManyField("models.Tag", related_name="customers")

    class Meta:
        table = "customers"


class Order(models.Model):
    id = fields.IntField(primary_key=True)
    customer = fields.ForeignKeyField("models.Customer", related_name="orders")
    total = fields.IntField()

    class Meta:
        table = "orders"
"""

#: only the table's name changes (its through table's follows)
V2_TABLE = V1.replace('table = "customers"', 'table = "clients"')

#: the table, a field of it, and the foreign key to it (named after it) are renamed
V2 = (V2_TABLE
      .replace("name = fields.CharField(max_length=50, unique=True)",
               "full_name = fields.CharField(max_length=50, unique=True)")
      .replace('customer = fields.ForeignKeyField("models.Customer"',
               'client = fields.ForeignKeyField("models.Customer"'))

RENAMED = ["Rename table customers to clients", "Rename table customers_tag to clients_tag",
           "Rename column clients.name to full_name",
           "Rename column clients_tag.customers_id to clients_id",
           "Rename column orders.customer_id to client_id"]

#: the through table's key, which Tortoise names after the table as it names the through
#: table, follows without a question
QUESTIONS = ["Did you rename field clients.name to clients.full_name (CharField)?",
             "Did you rename field orders.customer_id to orders.client_id (ForeignKeyField)?"]


def set_up(project: Project) -> None:
    db = project.db
    project.models(V1)
    project.run("makemigrations", "--app", "models")
    project.run("migrate", "--app", "models")
    db.query("INSERT INTO tag (label) VALUES ('vip')")
    db.query("INSERT INTO customers (name) VALUES ('ada')")
    db.query("INSERT INTO customers (name) VALUES ('bob')")
    db.query("INSERT INTO customers_tag (customers_id, tag_id) VALUES (1, 1)")
    db.query("INSERT INTO orders (customer_id, total) VALUES (2, 30)")
    db.query("INSERT INTO orders (customer_id, total) VALUES (1, 10)")


def on_terminal(project: Project, *args: str, answers: str) -> tuple[int, str]:
    """Runs the CLI with a terminal as its standard input, answers typed there in advance;
    returns the exit code and what it printed."""
    master, slave = pty.openpty()
    try:
        os.write(master, answers.encode())
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.run(
            [sys.executable, "-m", "tortoise_pathway", "--config", "proj.config", *args],
            cwd=project.root, env=env, stdin=slave, capture_output=True, text=True,
            timeout=120)
    finally:
        os.close(slave)
        os.close(master)
    return proc.returncode, proc.stdout + proc.stderr


def check_renamed(project: Project) -> None:
    db = project.db
    project.run("migrate", "--app", "models")
    assert {"clients", "clients_tag", "orders", "tag"} <= db.tables()
    assert not {"customers", "customers_tag"} & db.tables()
    assert sorted(db.query("SELECT id, full_name FROM clients")) == [(1, "ada"), (2, "bob")]
    assert db.query("SELECT clients_id, tag_id FROM clients_tag") == [(1, 1)]
    assert sorted(db.query("SELECT client_id, total FROM orders")) == [(1, 10), (2, 30)]
    assert "No changes" in project.run("makemigrations", "--app", "models",
                                       "--no-input").stdout
    # the foreign keys follow the renamed table, the unique constraint its column
    for bad in ("INSERT INTO orders (client_id, total) VALUES (99, 1)",
                "INSERT INTO clients_tag (clients_id, tag_id) VALUES (99, 1)",
                "INSERT INTO clients (full_name) VALUES ('ada')"):
        try:
            db.query(bad)
            accepted = True
        except Exception:
            accepted = False
        assert not accepted, bad

    project.run("rollback", "--app", "models")
    assert not {"clients", "clients_tag"} & db.tables()
    assert sorted(db.query("SELECT id, name FROM customers")) == [(1, "ada"), (2, "bob")]
    assert db.query("SELECT customers_id, tag_id FROM customers_tag") == [(1, 1)]
    assert sorted(db.query("SELECT customer_id, total FROM orders")) == [(1, 10), (2, 30)]


def test_table_and_field_renames_answered_on_a_terminal(project: Project) -> None:
    set_up(project)
    project.models(V2)
    code, out = on_terminal(project, "makemigrations", "--app", "models",
                            answers="y\n" * len(QUESTIONS))
    assert code == 0, out
    # the table is never asked about; its fields and the keys named after it are
    assert "rename table" not in out
    positions = [out.index(q) for q in QUESTIONS]
    assert positions == sorted(positions), out
    for line in RENAMED:
        assert line in out, out
    assert "Delete" not in out and "Remove column" not in out, out
    # the only warnings are lint's (renames break the running code), none of a drop
    assert all(line.startswith("warning: lint: ") for line in out.splitlines()
               if line.startswith("warning")), out
    text = project.migration_files()[-1].read_text()
    assert 'ops.RenameModel("customers", "clients")' in text
    check_renamed(project)


def test_table_and_field_renames_declared_with_rename(project: Project) -> None:
    set_up(project)
    project.models(V2)
    out = project.run("makemigrations", "--app", "models", "--no-input",
                      "--rename", "clients.name=full_name",
                      "--rename", "orders.customer_id=client_id")
    for line in RENAMED:
        assert line in out.stdout, out.stdout
    assert "Delete" not in out.stdout and "Remove column" not in out.stdout
    assert all(line.startswith("warning: lint: ")
               for line in out.stderr.splitlines()), out.stderr
    check_renamed(project)


def test_no_input_renames_the_table_only(project: Project) -> None:
    db = project.db
    set_up(project)
    project.models(V2)
    # the table renames are certain (and the through table's key named after the table);
    # the field renames are not, so they are drops and adds
    dry = project.run("makemigrations", "--app", "models", "--no-input", "--dry-run")
    assert "Rename table customers to clients" in dry.stdout
    assert "Rename table customers_tag to clients_tag" in dry.stdout
    assert "Rename column clients_tag.customers_id to clients_id" in dry.stdout
    assert "Rename column clients.name" not in dry.stdout
    assert "Rename column orders" not in dry.stdout and "Delete table" not in dry.stdout
    assert "Remove column clients.name" in dry.stdout
    assert "Remove column orders.customer_id" in dry.stdout
    assert "data-loss drop-column: drops column clients.name" in dry.stderr
    assert len(project.migration_files()) == 1

    # only Meta.table changed: migrated with --no-input, every row kept
    project.models(V2_TABLE)
    out = project.run("makemigrations", "--app", "models", "--no-input").stdout
    assert "Rename table customers to clients" in out
    assert "Rename table customers_tag to clients_tag" in out
    assert "Rename column clients_tag.customers_id to clients_id" in out
    assert "Create table" not in out and "Delete" not in out and "Remove column" not in out, out
    project.run("migrate", "--app", "models")
    assert sorted(db.query("SELECT id, name FROM clients")) == [(1, "ada"), (2, "bob")]
    assert db.query("SELECT clients_id, tag_id FROM clients_tag") == [(1, 1)]
    assert sorted(db.query("SELECT customer_id, total FROM orders")) == [(1, 10), (2, 30)]
    assert "No changes" in project.run("makemigrations", "--app", "models",
                                       "--no-input").stdout
    project.run("rollback", "--app", "models")
    assert sorted(db.query("SELECT id, name FROM customers")) == [(1, "ada"), (2, "bob")]
    assert db.query("SELECT customers_id, tag_id FROM customers_tag") == [(1, 1)]
