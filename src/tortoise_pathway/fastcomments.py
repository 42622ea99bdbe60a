"""Tortoise's ``#:`` field comments, read faster: for the command line's own process only.

Tortoise's model metaclass calls ``tortoise.models._get_comments(cls)`` for every model class
it creates; that calls ``inspect.getsource(cls)``, which on Python 3.10 to 3.12 joins and
parses (``ast.parse``) the class's whole module to find the class, once per class: a module of
25 models is parsed 25 times, and at 1000 models that is most of ``Tortoise.init``. (Python
3.13 finds a class from its ``__firstlineno__`` and parses nothing, but still cuts every
class's text with the tokenizer; there this module only skips the modules without ``#:``.)

``install()`` puts a function in its place that gives the same answer with one parse per
module file: the class's first line comes from an index of the module's class definitions
(qualified name -> the line of the first decorator, else of ``class``, exactly as
``inspect``'s ``_ClassFinder`` reports it), built once per file from the very lines
``inspect`` reads (``linecache``, checked for changes by modification time and size as
``inspect`` does, so the index is rebuilt when the file changes); the class's block is then
cut by ``inspect.getblock`` itself, and Tortoise's own extraction (its regular expression and
clean-up, copied verbatim below) runs on that text. So the text is ``inspect.getsource``'s,
character for character, and the comments are Tortoise's. A module whose text holds no ``#:``
at all is not parsed: its classes have no comments (Tortoise's expression matches nothing
without ``#:``, in whatever part of the text the class's block is).

Whenever it cannot be sure it calls Tortoise's own function instead:

- not installed at all: a Tortoise whose ``_get_comments`` is not,
  to the character, a function checked here (its source is hashed; a Tortoise without source
  files is not checked and so not replaced), an ``inspect`` whose class lookup (3.10 to 3.12)
  or whose reading of a class's file (later) is not the one reproduced here (hashed the same
  way: a new Python is not sped up until checked), a metaclass that does not look
  ``_get_comments`` up by name;
- on Python 3.13 and later, every class of a module that holds ``#:`` (the class lookup is
  left to ``inspect``);
- for one class: it has no source file (``getsourcefile`` finds none: built in, ``__main__``
  run from a string, ...), its ``__qualname__`` has ``<locals>`` (defined in a function), its
  qualified name occurs more than once in the module (two classes of the same name: ``inspect``
  takes the first, whatever the class), it has ``__wrapped__`` (``getsource`` would follow
  it), or anything raises (a file that no longer parses: Tortoise's function then raises or
  answers as it always did).

Never called at import: ``cli.main()`` installs it before the config and the models are
imported (``PATHWAY_TORTOISE_COMMENTS=1`` in the environment keeps Tortoise's own reader). An
application that imports tortoise_pathway (or calls ``setup_and_migrate``) keeps Tortoise
exactly as it is.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import linecache
import os
import re
import sys
from collections.abc import Callable
from typing import Any

#: set in the environment to keep Tortoise's own comment reader in the command line
DISABLE = "PATHWAY_TORTOISE_COMMENTS"

#: sha256 of ``inspect.getsource(tortoise.models._get_comments)`` for the texts checked
#: against this module's reader (tests/unit/test_fastcomments.py): Tortoise 1.1.9
VERIFIED_TORTOISE = frozenset({
    "61ebf65689b142fb0194210143a3249d031e7fe7eb04276c68f311c616605eaf",
})

#: sha256 of the sources of ``inspect.findsource``, ``getsourcelines``, ``getsource`` and
#: ``_ClassFinder``'s visitors, joined: the class lookup this module reproduces (CPython
#: 3.10.13, 3.11.7 and 3.12.1 have the same text)
VERIFIED_INSPECT = frozenset({
    "cd1b76e83f293469f21197edeef734d73a1e97620ee7aa8141e6249146b40690",
})

#: sha256 of ``inspect.findsource``, ``getsourcelines`` and ``getsource``, joined, on the
#: Pythons after 3.12 checked here (CPython 3.13.0): how ``getsource`` reads a class's file,
#: which ``_lines`` follows; there the reader only skips modules without ``#:``
VERIFIED_LINES = frozenset({
    "de544d7a7e9e2300116a9cb91f0efc024e6326c6a4d3bf7816865dba4e0fc15a",
})

_Comments = Callable[[type], dict[str, str]]

#: Tortoise's function, while ours is installed
_original: _Comments | None = None
#: file -> (the linecache lines it was built from, qualified name -> first line or None when
#: the name is not unique in the file)
_index: dict[str, tuple[list[str], dict[str, int | None]]] = {}
#: file -> (the linecache lines, whether they hold ``#:``)
_marks: dict[str, tuple[list[str], bool]] = {}


def _sha(*texts: str) -> str:
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def tortoise_fingerprint(function: Any) -> str:
    return _sha(inspect.getsource(function))


def lines_fingerprint() -> str:
    return _sha(*(inspect.getsource(f) for f in (
        inspect.findsource, inspect.getsourcelines, inspect.getsource)))


def inspect_fingerprint() -> str:
    finder = inspect._ClassFinder  # type: ignore[attr-defined]
    return _sha(*(inspect.getsource(f) for f in (
        inspect.findsource, inspect.getsourcelines, inspect.getsource,
        finder.visit_FunctionDef, finder.visit_ClassDef)))


def parses() -> bool:
    """Whether the reader finds classes itself (one parse per module): on Python 3.10 to
    3.12, where ``inspect`` parses the whole module for each class. Later Pythons find a class
    from its ``__firstlineno__``; there only modules without ``#:`` are skipped and every
    other class goes to Tortoise's function."""
    return sys.version_info[:2] < (3, 13)


def applies() -> str | None:
    """Why the fast reader cannot be installed here, or None when it can."""
    try:
        import tortoise.models as tm

        function = _original or tm._get_comments
        if tortoise_fingerprint(function) not in VERIFIED_TORTOISE:
            return "tortoise.models._get_comments is not a version checked here"
        if tm.inspect is not inspect or tm.re is not re:
            return "tortoise.models does not use the standard inspect and re"
        if "_get_comments" not in tm.ModelMeta.__new__.__code__.co_names:
            return "Tortoise's metaclass does not call _get_comments by name"
        if not parses():
            if lines_fingerprint() not in VERIFIED_LINES:
                return "inspect's reading of a class's file is not the one checked here"
            return None
        finder = inspect._ClassFinder  # type: ignore[attr-defined]
        if finder.visit_AsyncFunctionDef is not finder.visit_FunctionDef:
            return "inspect's class lookup is not the one checked here"
        if inspect_fingerprint() not in VERIFIED_INSPECT:
            return "inspect's class lookup is not the one checked here"
    except Exception as e:  # no source, no such attribute, ...: not sure, so not installed
        return f"cannot check Tortoise and inspect: {type(e).__name__}: {e}"
    return None


def install() -> bool:
    """Replaces ``tortoise.models._get_comments`` with the fast reader, where it is safe
    (see the module's docstring); True when the fast reader is (now) in place."""
    global _original
    if os.environ.get(DISABLE):
        return False
    if installed():
        return True
    if applies() is not None:
        return False
    import tortoise.models as tm

    _original = tm._get_comments
    tm._get_comments = get_comments
    return True


def uninstall() -> None:
    """Puts Tortoise's own function back."""
    global _original
    if _original is not None:
        import tortoise.models as tm

        if tm._get_comments is get_comments:
            tm._get_comments = _original  # type: ignore[assignment]
        _original = None
    _index.clear()
    _marks.clear()


def installed() -> bool:
    tm = sys.modules.get("tortoise.models")
    return tm is not None and getattr(tm, "_get_comments", None) is get_comments


def get_comments(cls: Any) -> dict[str, str]:
    """What ``tortoise.models._get_comments(cls)`` returns, with one parse per module; none
    at all for a module without ``#:`` (Tortoise finds no comment in any part of it)."""
    try:
        found = _lines(cls)
        if found is not None and not _marked(*found):
            return {}
        source = _source(found, cls.__qualname__)
    except Exception:
        source = None
    if source is None:
        return _tortoise(cls)
    return _extract(cls, source)


def _tortoise(cls: Any) -> dict[str, str]:
    if _original is not None:
        return _original(cls)
    import tortoise.models as tm

    original: _Comments = tm._get_comments
    if original is get_comments:  # cannot happen: _original is set while installed
        raise RuntimeError("fastcomments: Tortoise's function is lost")
    return original(cls)


def _extract(cls: Any, source: str) -> dict[str, str]:
    # Tortoise 1.1.9's _get_comments after ``source = inspect.getsource(cls)``, verbatim.
    comments = {}

    for cls_ in reversed(cls.__mro__):
        if cls_ is object:
            continue
        matches = re.findall(r"((?:(?!\n|^)[^\w\n]*#:.*?\n)+?)[^\w\n]*(\w+)\s*[:=]", source)
        for match in matches:
            field_name = match[1]
            # Extract text
            comment = re.sub(r"(^\s*#:\s*|\s*$)", "", match[0], flags=re.MULTILINE)
            # Class name template
            comments[field_name] = comment.replace("{model}", cls_.__name__)

    return comments


def class_source(cls: Any) -> str | None:
    """``inspect.getsource(cls)`` on Python 3.10 to 3.12, with the module parsed once; None
    where this cannot be sure to give the same text (the caller then asks inspect)."""
    return _source(_lines(cls), cls.__qualname__)


def _source(found: tuple[str, list[str]] | None, qualname: str) -> str | None:
    """The class's text from ``_lines``' answer, where this module finds classes itself."""
    return None if found is None or not parses() else _block(*found, qualname)


def _lines(cls: Any) -> tuple[str, list[str]] | None:
    """The file and the lines ``inspect.findsource(cls)`` reads, or None where this module
    does not follow inspect (see the module's docstring)."""
    if not isinstance(cls, type):
        return None
    qualname = cls.__qualname__
    if not isinstance(qualname, str) or "<locals>" in qualname:
        return None
    if hasattr(cls, "__wrapped__"):  # getsource would unwrap it
        return None
    # inspect.findsource, step by step
    file = inspect.getsourcefile(cls)
    if not file:
        return None
    linecache.checkcache(file)
    module = inspect.getmodule(cls, file)
    if module:
        lines = linecache.getlines(file, module.__dict__)
    else:
        lines = linecache.getlines(file)
    if not lines:
        return None
    return file, lines


def _block(file: str, lines: list[str], qualname: str) -> str | None:
    """The class's text as inspect.getsourcelines and getsource cut it."""
    lnum = _classes(file, lines).get(qualname)
    if lnum is None:
        return None
    return "".join(inspect.getblock(lines[lnum:]))


def _marked(file: str, lines: list[str]) -> bool:
    """Whether the text holds ``#:`` anywhere. Tortoise's extraction matches nothing in a
    class's text without it, so such a module's classes have no comments, wherever the
    class's block starts and ends."""
    cached = _marks.get(file)
    if cached is not None and cached[0] is lines:
        return cached[1]
    marked = any("#:" in line for line in lines)
    _marks[file] = (lines, marked)
    return marked


def _classes(file: str, lines: list[str]) -> dict[str, int | None]:
    cached = _index.get(file)
    if cached is not None and cached[0] is lines:
        return cached[1]
    found: dict[str, int | None] = {}
    _walk(ast.parse("".join(lines)).body, [], found)
    _index[file] = (lines, found)
    return found


def _walk(statements: list[Any], stack: list[str], found: dict[str, int | None]) -> None:
    """inspect._ClassFinder for every class at once: qualified name -> the 0-based line
    _ClassFinder reports (the first decorator's, else the ``class`` line's), None for a name
    defined twice. The names are built as _ClassFinder builds them (a function adds its name
    and ``<locals>``, a class its name, nothing else adds anything); only statements are
    walked, as only statements can hold a class or a function."""
    for node in statements:
        if isinstance(node, ast.ClassDef):
            stack.append(node.name)
            qualname = ".".join(stack)
            if node.decorator_list:
                line_number = node.decorator_list[0].lineno
            else:
                line_number = node.lineno
            found[qualname] = None if qualname in found else line_number - 1
            _walk(node.body, stack, found)
            stack.pop()
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.append(node.name)
            stack.append("<locals>")
            _walk(node.body, stack, found)
            stack.pop()
            stack.pop()
        else:
            # if / for / while / with / try (and its handlers) / match (and its cases)
            for _, value in ast.iter_fields(node):
                if isinstance(value, list):
                    _walk([v for v in value if isinstance(v, _HOLDERS)], stack, found)


#: what can hold statements: statements, except clauses, match cases
_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case)
