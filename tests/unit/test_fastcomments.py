"""fastcomments: the fast ``#:`` comment reader gives exactly what Tortoise's
``_get_comments`` gives, class by class, on a corpus (the fidelity corpus, generated benchmark
models, Tortoise's own test models when its sdist can be had, tricky cases); it falls back
where it cannot be sure; only the command line installs it.

The corpus is imported in a subprocess (hundreds of model classes, and the reader replaced in
``tortoise.models``): with the fast reader installed, every class Tortoise's metaclass asks
about is recorded with the answer it got, then compared with Tortoise's own function; every
class of the imported modules (nested ones, Meta, plain classes) is compared as well, and
where the fast reader finds the source itself its text must be ``inspect.getsource``'s.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tarfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tortoise_pathway
from tests.conftest import Database, Project
from tortoise_pathway import fastcomments

ROOT = Path(__file__).resolve().parents[2]
SRC = Path(tortoise_pathway.__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "fastcomments_corpus"
FIDELITY = ROOT / "tests" / "fidelity" / "corpus"
#: where the reader finds classes itself (fastcomments.parses)
FAST_PYTHON = (3, 10) <= sys.version_info[:2] < (3, 13)
#: where it is installed (3.13: it only skips modules without ``#:``)
INSTALLS = (3, 10) <= sys.version_info[:2] <= (3, 13)

COMPARE = r'''
import importlib, importlib.util, inspect, json, sys

spec = json.loads(sys.argv[1])
sys.path[:0] = spec["path"]
import tortoise.models as tm
from tortoise_pathway import fastcomments as fc

original = tm._get_comments
installed = fc.install()
seen = []


def spy(cls):
    got = fc.get_comments(cls)
    seen.append((cls, got))
    return got


if not installed:  # a Python not checked: compared all the same, through Tortoise's function
    fc._original = original
tm._get_comments = spy
failed = {}
modules = []
for name in spec["modules"]:
    try:
        modules.append(importlib.import_module(name))
    except Exception as e:
        failed[name] = f"{type(e).__name__}: {e}"
for i, path in enumerate(spec["files"]):
    name = f"_fastcomments_corpus_{i}"
    try:
        s = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(s)
        sys.modules[name] = module
        s.loader.exec_module(module)
        modules.append(module)
    except Exception as e:
        failed[path] = f"{type(e).__name__}: {e}"
tm._get_comments = fc.get_comments if installed else original


def classes(namespace, module, out):
    for value in list(vars(namespace).values()):
        if isinstance(value, type) and value.__module__ == module and value not in out:
            out.append(value)
            classes(value, module, out)
    return out


every = [(cls, None) for m in modules for cls in classes(m, m.__name__, [])]
report = {"installed": installed, "failed": failed, "created": len(seen), "created_fast": 0,
          "classes": len(every), "texts": 0, "with_comments": 0, "comments": 0,
          "mismatches": []}
for i, (cls, got) in enumerate(seen + every):
    want = original(cls)
    if got is None:
        got = fc.get_comments(cls)
    if list(got.items()) != list(want.items()):
        report["mismatches"].append([cls.__module__, cls.__qualname__, got, want])
    try:
        source = fc.class_source(cls)
    except Exception:  # get_comments falls back then
        source = None
    if source is not None:
        report["texts"] += 1
        report["created_fast"] += i < len(seen)
        if source != inspect.getsource(cls):
            report["mismatches"].append([cls.__module__, cls.__qualname__, "text differs"])
    report["with_comments"] += bool(want)
    report["comments"] += len(want)
print(json.dumps(report))
'''


def compare(path: list[Path] | None = None, modules: list[str] | None = None,
            files: list[Path] | None = None, cwd: Path | None = None) -> dict[str, Any]:
    spec = {"path": [str(p) for p in path or []], "modules": modules or [],
            "files": [str(f) for f in files or []]}
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), *spec["path"]]))
    env.pop(fastcomments.DISABLE, None)
    proc = subprocess.run([sys.executable, "-c", COMPARE, json.dumps(spec)], env=env,
                          cwd=cwd or ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["installed"] == INSTALLS
    assert report["mismatches"] == []
    return report


# ---- the corpus ------------------------------------------------------------------------------


def test_tricky_cases(tmp_path: Path) -> None:
    # the same files with Windows line ends, and a copy that is changed after being read
    crlf = tmp_path / "tricky_crlf.py"
    crlf.write_bytes((CORPUS / "tricky.py").read_bytes().replace(b"\n", b"\r\n"))
    report = compare(files=[CORPUS / "tricky.py", CORPUS / "other.py", crlf])
    assert report["failed"] == {}
    assert report["created"] == 2 * 24 + 3
    assert report["with_comments"] >= 80
    if FAST_PYTHON:
        # read by the fast reader itself: all but Dup (twice), Local, Deep, Wrapped and
        # FromString, in tricky.py and its copy
        assert report["created_fast"] == 2 * 18 + 3


def test_fidelity_corpus() -> None:
    files = sorted(p for p in FIDELITY.glob("*.py") if p.name != "__init__.py")
    assert len(files) > 40
    report = compare(files=files)
    assert report["failed"] == {}
    assert report["created"] >= 100
    if FAST_PYTHON:
        assert report["created_fast"] == report["created"]


def _benchmark_project(out: Path, n_models: int, n_migrations: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("_bench_generate",
                                                  ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    sys.modules["_bench_generate"] = generate
    try:
        spec.loader.exec_module(generate)
        evolution = generate.Evolution(n_models, n_migrations, 1)
        for _ in range(n_migrations):
            evolution.advance()
        (out / generate.PACKAGE).mkdir(parents=True)
        (out / generate.PACKAGE / "__init__.py").write_text("", encoding="utf-8")
        (out / generate.PACKAGE / "enums.py").write_text(generate.ENUMS_SOURCE,
                                                         encoding="utf-8")
        names = generate._write_models(out, evolution.models)
        return [f"{generate.MODELS_PACKAGE}.{n}" for n in names]
    finally:
        del sys.modules["_bench_generate"]


def test_benchmark_models(tmp_path: Path) -> None:
    modules = _benchmark_project(tmp_path, 120, 10)
    report = compare(path=[tmp_path], modules=modules)
    assert report["failed"] == {}
    assert report["created"] == 120
    if FAST_PYTHON:
        assert report["created_fast"] == 120


def _tortoise_sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unpacked sdist of the installed Tortoise (its tests are not installed):
    $PATHWAY_TORTOISE_SDIST (a .tar.gz or a folder), else downloaded with pip."""
    from importlib import metadata

    version = metadata.version("tortoise-orm")
    given = os.environ.get("PATHWAY_TORTOISE_SDIST")
    target = tmp_path_factory.mktemp("tortoise-sdist")
    if given and Path(given).is_dir():
        return Path(given)
    archive = Path(given) if given else None
    if archive is None:
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--no-binary", ":all:", f"tortoise-orm=={version}", "-d", str(target)],
                capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            pytest.skip("no Tortoise sdist: pip download timed out")
        found = sorted(target.glob("tortoise_orm-*.tar.gz"))
        if proc.returncode != 0 or not found:
            pytest.skip(f"no Tortoise sdist (pip download failed: {proc.stderr[-200:]})")
        archive = found[0]
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/tests/" in m.name and m.isfile()]
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, members=members, filter="data")
        else:  # an older patch release without extraction filters
            tar.extractall(target, members=members)  # noqa: S202 (Tortoise's own sdist)
    return next(target.glob("tortoise_orm-*"))


def test_tortoise_test_models(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = _tortoise_sdist(tmp_path_factory)
    tests = root / "tests"
    modules = []
    for path in sorted(tests.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "Model)" not in text or "conftest" in path.name:
            continue
        modules.append(".".join(path.relative_to(root).with_suffix("").parts))
    report = compare(path=[root], modules=modules, cwd=root)
    assert "tests.testmodels" in modules and "tests.testmodels" not in report["failed"]
    assert report["created"] >= 100
    assert report["with_comments"] >= 1
    if FAST_PYTHON:
        assert report["created_fast"] >= 100


# ---- falling back ----------------------------------------------------------------------------


def _installed(needed: bool, why: str) -> Any:
    if not needed:
        pytest.skip(why)
    assert fastcomments.install()
    yield fastcomments
    fastcomments.uninstall()


@pytest.fixture
def fast() -> Any:
    yield from _installed(FAST_PYTHON, "the fast reader finds classes itself on 3.10 to 3.12")


@pytest.fixture
def reader() -> Any:
    yield from _installed(INSTALLS, "the reader is installed on the Pythons checked: 3.10 to 3.13")


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def _models_file(tmp_path: Path, name: str, classes: str) -> Iterator[tuple[Any, Path]]:
    """A model module of these classes, written and imported (then forgotten)."""
    path = tmp_path / f"{name}.py"
    path.write_text("from tortoise import fields\nfrom tortoise.models import Model\n\n\n"
                    + textwrap.dedent(classes), encoding="utf-8")
    try:
        yield _load(path, name), path
    finally:
        del sys.modules[name]


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_falls_back_where_unsure(fast: Any, tmp_path: Path, monkeypatch: Any) -> None:
    import tortoise.models as tm

    calls: list[str] = []
    original = fast._original

    def counting(cls: type) -> dict[str, str]:
        calls.append(cls.__qualname__)
        return original(cls)  # type: ignore[no-any-return]

    monkeypatch.setattr(fast, "_original", counting)
    path = tmp_path / "fallback_models.py"
    path.write_text((CORPUS / "tricky.py").read_text(encoding="utf-8"), encoding="utf-8")
    try:
        module = _load(path, "fallback_models")
    finally:
        del sys.modules["fallback_models"]
    assert tm._get_comments is fast.get_comments
    # the classes it cannot be sure about, and only those, went to Tortoise's function
    assert set(calls) == {"Dup", "FromString", "Wrapped", "make.<locals>.Local",
                          "Holder.build.<locals>.Deep"}
    assert module.Decorated._meta.fields_map["name"].docstring == "Multi-line\ncomment of Decorated"
    assert module.Child._meta.fields_map["created"].description == "created, in AbstractBase"
    assert module.Child._meta.fields_map["name"].description == "the child's name, in Child"


def test_a_changed_file_is_read_again(fast: Any, tmp_path: Path) -> None:
    with _models_file(tmp_path, "changing_models", """\
        class Changing(Model):
            #: before
            a = fields.IntField(null=True)
        """) as (module, path):
        assert fast.get_comments(module.Changing) == {"a": "before"}
        _edit(path, "before", "after, longer")
        assert fast.get_comments(module.Changing) == {"a": "after, longer"}
        assert fast.get_comments(module.Changing) == fast._original(module.Changing)


def test_not_installed_for_an_unknown_tortoise(monkeypatch: Any) -> None:
    import tortoise.models as tm

    monkeypatch.setattr(fastcomments, "VERIFIED_TORTOISE", frozenset())
    assert fastcomments.applies() is not None
    assert not fastcomments.install()
    assert tm._get_comments.__module__ == "tortoise.models"


def test_not_installed_for_an_unknown_inspect(monkeypatch: Any) -> None:
    monkeypatch.setattr(fastcomments, "VERIFIED_INSPECT", frozenset())
    monkeypatch.setattr(fastcomments, "VERIFIED_LINES", frozenset())
    assert fastcomments.applies() is not None
    assert not fastcomments.install()


def test_not_installed_when_disabled(monkeypatch: Any) -> None:
    monkeypatch.setenv(fastcomments.DISABLE, "1")
    assert not fastcomments.install()


@pytest.mark.skipif(not INSTALLS, reason="the reader is checked on Python 3.10 to 3.13")
def test_this_tortoise_and_python_are_verified() -> None:
    # the Tortoise and the Pythons of this project's CI: a new one must be checked (this
    # test file) and its fingerprint added, or the command line silently loses the speed
    from importlib import metadata

    if metadata.version("tortoise-orm") != "1.1.9":
        pytest.skip("only Tortoise 1.1.9 is checked")
    assert fastcomments.applies() is None


def test_extraction_is_tortoises_verbatim() -> None:
    import inspect

    import tortoise.models as tm

    if fastcomments.tortoise_fingerprint(tm._get_comments) not in \
            fastcomments.VERIFIED_TORTOISE:
        pytest.skip("another Tortoise: the fast reader is not installed with it")
    theirs = inspect.getsource(tm._get_comments)
    ours = inspect.getsource(fastcomments._extract)
    tail = theirs[theirs.index("    comments = {}"):]
    assert tail in ours


# ---- only in the command line's process ------------------------------------------------------


def _reader_in(code: str, **env: str) -> str:
    environ = dict(os.environ, PYTHONPATH=str(SRC), **env)
    proc = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_importing_the_package_installs_nothing() -> None:
    out = _reader_in("import tortoise_pathway, tortoise_pathway.cli, tortoise_pathway.integrator\n"
                     "import tortoise.models as tm\n"
                     "print(tm._get_comments.__module__)")
    assert out == "tortoise.models"


def _cli_project(tmp_path: Path) -> Project:
    db = Database("sqlite", f"sqlite://{tmp_path / 'db.sqlite3'}", "db", tmp_path / "db.sqlite3")
    p = Project(tmp_path / "project", db)
    p.models(textwrap.dedent("""
        import tortoise.models as _tm
        print("reader:", _tm._get_comments.__module__)


        class User(models.Model):
            #: the name
            name = fields.CharField(max_length=50)
        """))
    return p


@pytest.mark.parametrize("disabled", [False, True])
def test_the_command_line_installs_it(tmp_path: Path, disabled: bool) -> None:
    p = _cli_project(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(SRC))
    env.pop("TORTOISE_ORM", None)
    env.pop(fastcomments.DISABLE, None)
    if disabled:
        env[fastcomments.DISABLE] = "1"
    proc = subprocess.run([sys.executable, "-m", "tortoise_pathway", "--config", "proj.config",
                           "makemigrations"], cwd=p.root, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fast = INSTALLS and not disabled
    reader = "tortoise_pathway.fastcomments" if fast else "tortoise.models"
    assert f"reader: {reader}" in proc.stdout
    (migration,) = p.migration_files()
    assert "the name" in migration.read_text(encoding="utf-8")


def test_a_module_without_marks_is_not_parsed(reader: Any, tmp_path: Path) -> None:
    fast = reader
    with _models_file(tmp_path, "unmarked_models", """\
        class Plain(Model):
            # a comment, not a description
            a = fields.IntField(null=True, description="set by hand")
        """) as (module, path):
        assert fast.get_comments(module.Plain) == {} == fast._original(module.Plain)
        assert str(path) not in fast._index  # no parse: nothing to find
        assert module.Plain._meta.fields_map["a"].description == "set by hand"
        _edit(path, "# a comment", "#: now one")
        assert fast.get_comments(module.Plain) == {"a": "now one, not a description"}
        assert fast.get_comments(module.Plain) == fast._original(module.Plain)
