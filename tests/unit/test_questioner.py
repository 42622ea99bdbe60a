"""Rename questions: --rename specs, interactive answers, --no-input, data-loss warnings."""

from __future__ import annotations

import io

import pytest

from tortoise_pathway.questioner import (
    Questioner,
    RenameSpecError,
    data_loss_warnings,
    parse_renames,
)


def test_parse_renames() -> None:
    tables, columns = parse_renames(["users=accounts", "posts.title=headline",
                                     "posts.body=posts.text"])
    assert tables == {("users", "accounts")}
    assert columns == {("posts", "title", "headline"), ("posts", "body", "text")}
    assert parse_renames([]) == (set(), set())


@pytest.mark.parametrize("spec, message", [
    ("users", "--rename 'users': write OLD=NEW, e.g. users=accounts or users.name=full_name"),
    ("=accounts", "--rename '=accounts': write OLD=NEW, e.g. users=accounts or "
                  "users.name=full_name"),
    ("users=", "--rename 'users=': write OLD=NEW, e.g. users=accounts or users.name=full_name"),
    ("posts.title=other.headline", "--rename 'posts.title=other.headline': a column rename "
                                   "stays in its table"),
    ("posts.=x", "--rename 'posts.=x': write TABLE.COLUMN=NEW_COLUMN"),
    (".title=x", "--rename '.title=x': write TABLE.COLUMN=NEW_COLUMN"),
    ("users=a.b", "--rename 'users=a.b': a table renames to a table name"),
])
def test_parse_renames_rejects_bad_specs(spec: str, message: str) -> None:
    with pytest.raises(RenameSpecError) as e:
        parse_renames([spec])
    assert str(e.value) == message


def test_declared_renames_are_answered_yes_without_asking() -> None:
    q = Questioner(interactive=False, renames=["users=accounts", "posts.title=headline"])
    assert q.ask_rename("table", "accounts", "users", "accounts", None) is True
    assert q.ask_rename("column", "posts", "title", "headline", {"type": "TEXT"}) is True
    assert q.asked == []


def test_no_input_answers_no_and_remembers_the_question() -> None:
    q = Questioner(interactive=False)
    assert q.ask_rename("table", "accounts", "users", "accounts", None) is False
    assert q.ask_rename("column", "posts", "title", "headline",
                        {"type": {"sqlite": "INT", "postgres": "BOOL", "mysql": "BOOL"}}) is False
    assert q.asked == ["Did you rename table users to accounts?",
                       "Did you rename field posts.title to posts.headline (BOOL)?"]


def test_a_declared_rename_of_another_pair_does_not_answer() -> None:
    q = Questioner(interactive=False, renames=["posts.title=headline"])
    assert q.ask_rename("column", "posts", "title", "caption", {"type": "TEXT"}) is False
    assert q.ask_rename("column", "other", "title", "headline", {"type": "TEXT"}) is False


def test_field_class_names_are_shown_when_known() -> None:
    q = Questioner(field_names={("posts", "headline"): "CharField"})
    q.ask_rename("column", "posts", "title", "headline", {"type": "VARCHAR(50)"})
    assert q.asked == ["Did you rename field posts.title to posts.headline (CharField)?"]


@pytest.mark.parametrize("answers, expected", [
    ("y\n", True),
    ("YES\n", True),
    (" n \n", False),
    ("\n", False),
    ("", False),
    ("maybe\ny\n", True),
    ("what\nno\n", False),
])
def test_interactive_answers(answers: str, expected: bool) -> None:
    out = io.StringIO()
    q = Questioner(interactive=True, stdin=io.StringIO(answers), stdout=out)
    assert q.ask_rename("table", "accounts", "users", "accounts", None) is expected
    prompt = "Did you rename table users to accounts? [y/N] "
    assert out.getvalue().startswith(prompt)
    if answers.startswith(("maybe", "what")):
        assert out.getvalue() == prompt + "Please answer y or n.\n" + prompt
    if answers == "":
        assert out.getvalue() == prompt + "\n"


def test_callback_is_ask_rename() -> None:
    q = Questioner()
    assert q.callback() == q.ask_rename


def test_data_loss_warnings() -> None:
    ops = [
        {"op": "delete_model", "table": "users"},
        {"op": "add_field", "table": "posts", "column": {"name": "x"}},
        {"op": "remove_field", "table": "posts", "column": "body"},
        {"op": "rename_field", "table": "posts", "column": "a", "new_name": "b"},
    ]
    assert data_loss_warnings(ops) == [
        "table users is dropped: its rows will be lost",
        "column posts.body is dropped: its data will be lost",
    ]
    assert data_loss_warnings([]) == []


def test_fill_values_from_flags_model_default_and_answers() -> None:
    import io

    from tortoise_pathway.questioner import Questioner, parse_fills, parse_value

    assert parse_value("0") == 0 and parse_value("'x'") == "x" and parse_value("True") is True
    assert parse_value("rookie") == "rookie"  # not a literal: the text itself
    assert parse_fills(["users.age=18", "users.nick='a=b'"]) == {
        ("users", "age"): 18, ("users", "nick"): "a=b"}
    q = Questioner(fills=["users.age=18"])
    assert q.ask_fill("users", "age", 3) == 18  # the flag wins over the model default
    assert q.ask_fill("users", "rank", 3) == 3
    assert q.ask_fill("users", "rank") is None  # not interactive: no answer
    out = io.StringIO()
    q = Questioner(interactive=True, stdin=io.StringIO("42\n\n"), stdout=out)
    assert q.ask_fill("users", "score") == 42
    assert "Column users.score becomes NOT NULL" in out.getvalue()
    assert q.ask_fill("users", "other") is None  # empty answer


def test_bad_fill_specs_are_refused() -> None:
    import pytest

    from tortoise_pathway.questioner import RenameSpecError, parse_fills

    for spec in ("users=1", "age", ".x=1", "users.age=[1]"):
        with pytest.raises(RenameSpecError):
            parse_fills([spec])
