"""The fidelity corpus: model modules (read as text and written into throwaway projects, never
imported by the tests) grouped into model sets and multi-step histories."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CORPUS_DIR = Path(__file__).parent


ALL = ("sqlite", "postgres", "mysql")


@dataclass(frozen=True)
class ModelSet:
    """Apps of one project: app label -> corpus module."""

    name: str
    apps: dict[str, str] = field(default_factory=dict)
    #: the databases that have what the models use (generate_schemas fails on the others)
    dialects: tuple[str, ...] = ALL
    #: statements run on every database made for the set first (an extension)
    setup: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """A version of the models (of app "models", or of each app in ``apps``), and
    makemigrations' extra arguments."""

    module: str = ""
    args: tuple[str, ...] = ()
    apps: dict[str, str] = field(default_factory=dict)

    def modules(self) -> dict[str, str]:
        """App label -> corpus module."""
        return self.apps or {"models": self.module}


@dataclass(frozen=True)
class History:
    """Versions of the models, applied one after another."""

    name: str
    steps: tuple[Step, ...]
    dialects: tuple[str, ...] = ALL
    #: statements run on every database made for the history first (an extension)
    setup: tuple[str, ...] = ()


SETS = [
    ModelSet("scalars", {"models": "scalars"}),
    ModelSet("naming", {"models": "naming"}),
    ModelSet("keys", {"models": "keys"}),
    ModelSet("relations", {"models": "relations"}),
    ModelSet("indexes", {"models": "indexes"}),
    ModelSet("cross_app", {"alpha": "cross_alpha", "beta": "cross_beta"}),
    ModelSet("partial", {"models": "partial_v1"}, ("sqlite", "postgres")),
    ModelSet("pgindex", {"models": "pgindex_v1"}, ("postgres",),
             ("CREATE EXTENSION IF NOT EXISTS bloom",)),
    ModelSet("myindex", {"models": "myindex_v1"}, ("mysql",)),
    ModelSet("generated", {"models": "generated_v1"}),
    ModelSet("pgsearch", {"models": "pgsearch_v1"}, ("postgres",)),
    ModelSet("constraints", {"models": "constraints_v1"}),
    ModelSet("pgconstraints", {"models": "pgconstraints_v1"}, ("postgres",)),
    # Meta.schema: another MySQL database is shared by every test database of the server;
    # tests/integration/test_schemas.py covers MySQL with databases of its own
    ModelSet("schemas", {"models": "schemas_v1"}, ("sqlite", "postgres")),
]

HISTORIES = [
    History("shop", (Step("shop_v1"), Step("shop_v2"), Step("shop_v3"))),
    History("types", (Step("types_v1"), Step("types_v2"), Step("types_v3"))),
    History("league", (
        Step("league_v1"),
        Step("league_v2", ("--rename", "team=clubs", "--rename", "player.nick=handle",
                           "--rename", "player.score=points")),
        Step("league_v3"))),
    History("edges", (
        Step("edges_v1"),
        Step("edges_v2"),
        Step("edges_v3", ("--rename", "tag=labels", "--rename", "item_tag=item_labels",
                          "--rename", "item.label=title")))),
    History("evolve", (
        Step("evolve_v1"),
        Step("evolve_v2", ("--rename", "author=writer", "--rename", "book.title=headline")),
        Step("evolve_v3", ("--fill", "writer.email=unknown@example.com")),
        Step("evolve_v4"))),
    History("keymove", (Step("keymove_v1"), Step("keymove_v2"), Step("keymove_v3"))),
    History("partial", (Step("partial_v1"), Step("partial_v2")), ("sqlite", "postgres")),
    History("pgindex", (Step("pgindex_v1"), Step("pgindex_v2")), ("postgres",),
            ("CREATE EXTENSION IF NOT EXISTS bloom",)),
    History("myindex", (Step("myindex_v1"), Step("myindex_v2")), ("mysql",)),
    History("generated", (Step("generated_v1"), Step("generated_v2"))),
    History("pgsearch", (Step("pgsearch_v1"), Step("pgsearch_v2")), ("postgres",)),
    History("constraints", (Step("constraints_v1"), Step("constraints_v2"))),
    History("pgconstraints", (Step("pgconstraints_v1"), Step("pgconstraints_v2")),
            ("postgres",)),
    History("schemas", (Step("schemas_v1"), Step("schemas_v2")), ("sqlite", "postgres")),
    History("xapp", tuple(
        Step(apps={"zeta": f"xapp_zeta_v{i}", "beta": f"xapp_beta_v{i}"}) for i in (1, 2, 3))),
]


def with_dialects(items: list, attr: str = "dialects") -> list[tuple[object, str]]:
    """(item, dialect) for every database each item is for, for a parametrization."""
    return [(item, d) for item in items for d in getattr(item, attr)]


def source(module: str) -> str:
    """The text of a corpus module."""
    return (CORPUS_DIR / f"{module}.py").read_text(encoding="utf-8")
