"""Primary keys that move and change type on every database, with the foreign keys that point
at them (of the same app and of another app) following, rows kept, forward and back; the
schema is generate_schemas' at each end."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Database, Project
from tests.fidelity import catalog
from tests.fidelity.test_fidelity import generate_schemas

COUNTRY_V1 = """
class Country(models.Model):
    id = fields.IntField(primary_key=True)
    code = fields.IntField(unique=True)
    name = fields.CharField(max_length=20)

    class Meta:
        table = "country"


class City(models.Model):
    id = fields.IntField(primary_key=True)
    country = fields.ForeignKeyField("models.Country", related_name="cities")

    class Meta:
        table = "city"
"""

# the key moves from id (dropped) to code; city's key follows it
COUNTRY_V2 = """
class Country(models.Model):
    code = fields.IntField(primary_key=True, generated=False)
    name = fields.CharField(max_length=20)

    class Meta:
        table = "country"


class City(models.Model):
    id = fields.IntField(primary_key=True)
    country = fields.ForeignKeyField("models.Country", related_name="cities")

    class Meta:
        table = "city"
"""


def reference(db_dialect: str, root: Path, apps: dict[str, str], make: object) -> catalog.Catalog:
    p = Project(root, make(db_dialect, root), tuple(apps))  # type: ignore[operator]
    for app, source in apps.items():
        p.models(source, app=app)
    generate_schemas(p)
    return catalog.read(p.db)


def schema(db: Database) -> catalog.Catalog:
    return catalog.read(db)


def rows(db: Database) -> list[tuple[object, ...]]:
    return (db.query("SELECT code, name FROM country ORDER BY code")
            + db.query("SELECT id, country_id FROM city ORDER BY id"))


def test_primary_key_moves_with_a_table_pointing_at_it(project: Project, tmp_path: Path) -> None:
    from tests.conftest import drop_database, make_database

    db = project.db
    made = []

    def make(dialect: str, root: Path) -> Database:
        d = make_database(dialect, root)
        made.append(d)
        return d

    try:
        v1 = reference(db.dialect, tmp_path / "ref1", {"models": COUNTRY_V1}, make)
        v2 = reference(db.dialect, tmp_path / "ref2", {"models": COUNTRY_V2}, make)
        project.models(COUNTRY_V1)
        project.run("makemigrations")
        project.run("migrate")
        # the codes equal the ids: the references stay right when they follow the key
        db.query("INSERT INTO country (id, code, name) VALUES (1, 1, 'a'), (2, 2, 'b')")
        db.query("INSERT INTO city (id, country_id) VALUES (10, 1), (11, 2), (12, 2)")
        before = rows(db)
        project.models(COUNTRY_V2)
        project.run("makemigrations", "--no-input")
        project.run("migrate")
        assert catalog.diff(v2, schema(db), order=False) == []
        assert rows(db) == before
        assert "Clean" in project.run("check").stdout
        # the key is enforced on its new column
        with pytest.raises(Exception):  # noqa: B017 - each driver raises its own class
            db.query("INSERT INTO city (id, country_id) VALUES (13, 99)")
        project.run("rollback", "--app", "models")
        assert catalog.diff(v1, schema(db), order=False) == []
        assert db.query("SELECT id, country_id FROM city ORDER BY id") == [
            (10, 1), (11, 2), (12, 2)]
        assert sorted(r[0] for r in db.query("SELECT id FROM country")) == [1, 2]
    finally:
        for d in made:
            drop_database(d)


GEO_V1 = """
class Country(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=20)

    class Meta:
        table = "country"
"""

GEO_V2 = GEO_V1.replace("id = fields.IntField(primary_key=True)",
                        "id = fields.BigIntField(primary_key=True)")

TRIPS = """
class Trip(models.Model):
    id = fields.IntField(primary_key=True)
    country = fields.ForeignKeyField("geo.Country", related_name="trips")

    class Meta:
        table = "trip"
"""


def test_a_key_other_apps_point_at_changes_type(db: Database, tmp_path: Path) -> None:
    """An integer key made a big integer while another app's foreign key points at it (on
    MySQL, InnoDB refuses while that key exists: it is dropped around the change, and comes
    back once the other app's column has the new type too)."""
    from tests.conftest import drop_database, make_database

    p = Project(tmp_path / "p", db, apps=("geo", "trips"))
    p.models(GEO_V1, app="geo")
    p.models(TRIPS, app="trips")
    p.run("makemigrations")
    p.run("migrate")
    db.query("INSERT INTO country (id, name) VALUES (1, 'a'), (2, 'b')")
    db.query("INSERT INTO trip (id, country_id) VALUES (5, 1), (6, 2)")
    ref_db = make_database(db.dialect, tmp_path)
    try:
        ref = Project(tmp_path / "ref", ref_db, apps=("geo", "trips"))
        ref.models(GEO_V2, app="geo")
        ref.models(TRIPS, app="trips")
        generate_schemas(ref)
        v2 = catalog.read(ref_db)
    finally:
        drop_database(ref_db)
    p.models(GEO_V2, app="geo")
    p.run("makemigrations", "--no-input")
    p.run("migrate")
    assert catalog.diff(v2, catalog.read(db), order=False) == []
    assert db.query("SELECT id, country_id FROM trip ORDER BY id") == [(5, 1), (6, 2)]
    assert "Clean" in p.run("check").stdout
    p.run("rollback", "--app", "geo")
    assert db.query("SELECT id, country_id FROM trip ORDER BY id") == [(5, 1), (6, 2)]
    assert "Clean" in p.run("check").stdout
