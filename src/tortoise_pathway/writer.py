"""Operations -> migration file text, byte for byte deterministic.

The text depends only on the operations, the dependencies and the name: no date, no
environment. A generated file imports only ``tortoise_pathway``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .ops import DIALECTS, describe_alter_model

INDENT = "    "


def _str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _value(v: Any) -> str:
    if v is None or isinstance(v, bool):
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return _str(v)
    if isinstance(v, Mapping) and set(v) == {"expr"}:
        return f"ops.Expr({_value(v['expr'])})"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_str(k)}: {_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {v!r} into a migration file")


def _column(c: Mapping[str, Any]) -> str:
    args = [_str(c["name"]), _value(c["type"])]
    for key in ("null", "pk", "autoincrement", "unique"):
        if c.get(key):
            args.append(f"{key}=True")
    if c.get("unique_name") is not None:
        args.append(f"unique_name={_str(c['unique_name'])}")
    if c.get("default") is not None:
        args.append(f"default={_value(c['default'])}")
    if c.get("comment") is not None:
        args.append(f"comment={_str(c['comment'])}")
    fk = c.get("fk")
    if fk:
        fk_args = [_str(fk["table"]), _str(fk["column"])]
        if fk.get("on_delete", "CASCADE") != "CASCADE":
            fk_args.append(f"on_delete={_str(fk['on_delete'])}")
        fk_args.append(f"name={_str(fk['name'])}")
        args.append(f"fk=ops.ForeignKey({', '.join(fk_args)})")
    generated = c.get("generated")
    if generated:
        same = set(generated) == set(DIALECTS) and len(set(generated.values())) == 1
        args.append(f"generated={_value(generated['sqlite'] if same else dict(generated))}")
    return f"ops.Column({', '.join(args)})"


def _index(ix: Mapping[str, Any]) -> str:
    args = [_str(ix["name"])]
    if ix.get("columns") or not ix.get("expressions"):
        args.append(_value(list(ix.get("columns") or ())))
    if ix.get("unique"):
        args.append("unique=True")
    if ix.get("expressions"):
        args.append(f"expressions={_value(list(ix['expressions']))}")
    for key in ("method", "condition", "options"):
        if ix.get(key) is not None:
            args.append(f"{key}={_str(ix[key])}")
    return f"ops.Index({', '.join(args)})"


def _check(c: Mapping[str, Any]) -> str:
    return f"ops.Check({_str(c['name'])}, {_str(c['check'])})"


def _operation(op: Mapping[str, Any], depth: int) -> str:
    pad = INDENT * depth
    kind = op["op"]
    if kind == "create_model":
        t = op["table"]
        lines = [f"{pad}ops.CreateModel(", f"{pad}{INDENT}{_str(t['name'])},"]
        if t.get("schema") is not None:
            lines.append(f"{pad}{INDENT}schema={_str(t['schema'])},")
        if t.get("model") is not None:
            lines.append(f"{pad}{INDENT}model={_str(t['model'])},")
        lines.append(f"{pad}{INDENT}columns=[")
        lines += [f"{pad}{INDENT * 2}{_column(c)}," for c in t["columns"]]
        lines.append(f"{pad}{INDENT}],")
        if t.get("indexes"):
            lines.append(f"{pad}{INDENT}indexes=[")
            lines += [f"{pad}{INDENT * 2}{_index(i)}," for i in t["indexes"]]
            lines.append(f"{pad}{INDENT}],")
        if t.get("comment") is not None:
            lines.append(f"{pad}{INDENT}comment={_str(t['comment'])},")
        if t.get("checks"):
            lines.append(f"{pad}{INDENT}checks=[")
            lines += [f"{pad}{INDENT * 2}{_check(c)}," for c in t["checks"]]
            lines.append(f"{pad}{INDENT}],")
        lines.append(f"{pad}),")
        return "\n".join(lines)
    if kind == "run_sql":
        backward = "" if op.get("backward") is None else f", backward={_str(op['backward'])}"
        elidable = ", elidable=True" if op.get("elidable") else ""
        return f"{pad}ops.RunSQL({_str(op['forward'])}{backward}{elidable}),"
    table = _str(op["table"]) if "table" in op else ""
    if kind == "delete_model":
        return f"{pad}ops.DeleteModel({table}),"
    if kind == "rename_model":
        return f"{pad}ops.RenameModel({table}, {_str(op['new_name'])}),"
    if kind == "alter_model":
        comment = "None" if op.get("comment") is None else _str(op["comment"])
        schema = "" if op.get("schema") is None else f", schema={_str(op['schema'])}"
        return f"{pad}ops.AlterModel({table}, comment={comment}{schema}),"
    if kind in ("add_field", "alter_field"):
        cls = "AddField" if kind == "add_field" else "AlterField"
        fill = "" if op.get("fill") is None else f", fill={_value(op['fill'])}"
        return f"{pad}ops.{cls}({table}, {_column(op['column'])}{fill}),"
    if kind == "remove_field":
        return f"{pad}ops.RemoveField({table}, {_str(op['column'])}),"
    if kind == "rename_field":
        return (f"{pad}ops.RenameField({table}, {_str(op['column'])}, "
                f"{_str(op['new_name'])}),")
    if kind == "add_index":
        return f"{pad}ops.AddIndex({table}, {_index(op['index'])}),"
    if kind == "remove_index":
        return f"{pad}ops.RemoveIndex({table}, {_str(op['index'])}),"
    if kind == "add_constraint":
        return f"{pad}ops.AddConstraint({table}, {_check(op['constraint'])}),"
    if kind == "remove_constraint":
        return f"{pad}ops.RemoveConstraint({table}, {_str(op['constraint'])}),"
    raise ValueError(f"the writer cannot write operation {kind!r}")


def describe(op: Mapping[str, Any]) -> str:
    """One line for the terminal: what an operation does."""
    kind = op["op"]
    if kind == "create_model":
        return f"Create table {op['table']['name']}"
    column = op.get("column")
    col_name = column["name"] if isinstance(column, Mapping) else column
    return {
        "delete_model": f"Delete table {op.get('table')}",
        "rename_model": f"Rename table {op.get('table')} to {op.get('new_name')}",
        "alter_model": describe_alter_model(str(op.get("table")), op.get("schema")),
        "add_field": f"Add column {op.get('table')}.{col_name}",
        "remove_field": f"Remove column {op.get('table')}.{col_name}",
        "alter_field": f"Alter column {op.get('table')}.{col_name}",
        "rename_field": f"Rename column {op.get('table')}.{col_name} to {op.get('new_name')}",
        "add_index": f"Add index {(op.get('index') or {}).get('name')} on {op.get('table')}"
        if isinstance(op.get("index"), Mapping) else "",
        "remove_index": f"Remove index {op.get('index')} from {op.get('table')}",
        "add_constraint": f"Add check {(op.get('constraint') or {}).get('name')} on "
        f"{op.get('table')}" if isinstance(op.get("constraint"), Mapping) else "",
        "remove_constraint": f"Remove check {op.get('constraint')} from {op.get('table')}",
        "run_sql": "Run SQL",
    }.get(kind, kind)


def render(operations: Sequence[Mapping[str, Any]], dependencies: Sequence[tuple[str, str]],
           title: str, replaces: Sequence[tuple[str, str]] = (),
           stage: str | None = None, atomic: bool = True, safe: bool | None = None,
           allow: Sequence[str] = ()) -> str:
    """The text of a migration file (``replaces``: of a squashed migration; ``stage``:
    "contract" for the second half of a change split in two stages; ``atomic``, ``safe``,
    ``allow``: the Migration attributes, written when not the default)."""
    # A title with a quote, a backslash or a control character (e.g. from --name) is written
    # as an escaped one-line string: inside triple quotes it could end the string early.
    plain = '"' not in title and "\\" not in title and title.replace("\n", "").isprintable()
    doc = f'"""{title}"""' if plain else _str(title)
    out = [doc, "",
           "from tortoise_pathway import migration, ops", "", "",
           "class Migration(migration.Migration):"]
    if dependencies:
        out.append(f"{INDENT}dependencies = [")
        out += [f"{INDENT * 2}({_str(a)}, {_str(n)})," for a, n in dependencies]
        out.append(f"{INDENT}]")
    else:
        out.append(f"{INDENT}dependencies: list = []")
    if stage is not None:
        out.append(f"{INDENT}# run by migrate --stage contract, once the new release is deployed")
        out.append(f"{INDENT}stage = {_str(stage)}")
    if not atomic:
        out.append(f"{INDENT}atomic = False")
    if safe is not None:
        out.append(f"{INDENT}safe = {safe!r}")
    if allow:
        out.append(f"{INDENT}allow = [{', '.join(_str(a) for a in allow)}]")
    if replaces:
        out.append(f"{INDENT}replaces = [")
        out += [f"{INDENT * 2}({_str(a)}, {_str(n)})," for a, n in replaces]
        out.append(f"{INDENT}]")
    if operations:
        out.append(f"{INDENT}operations = [")
        out += [_operation(op, 2) for op in operations]
        out.append(f"{INDENT}]")
    else:
        out.append(f"{INDENT}operations: list = [")
        out.append(f'{INDENT * 2}# ops.RunSQL("UPDATE ...", backward="UPDATE ..."),')
        out.append(f"{INDENT * 2}# ops.RunPython(forward_function, backward_function),")
        out.append(f"{INDENT}]")
    return "\n".join(out) + "\n"


_SLUG_RE = re.compile(r"[^a-z0-9_]+")


def slugify(text: str) -> str:
    slug = _SLUG_RE.sub("_", text.lower()).strip("_")
    return slug[:60].rstrip("_") or "auto"


def suggest_name(operations: Sequence[Mapping[str, Any]], initial: bool) -> str:
    """A readable slug for generated operations (Django's style)."""
    if initial:
        return "initial"
    parts: list[str] = []
    for op in operations:
        kind = op["op"]
        if kind == "create_model":
            parts.append(f"create_{op['table']['name']}")
        elif kind == "delete_model":
            parts.append(f"delete_{op['table']}")
        elif kind in ("add_field", "alter_field"):
            parts.append(f"{kind.split('_')[0]}_{op['table']}_{op['column']['name']}")
        elif kind == "remove_field":
            parts.append(f"remove_{op['table']}_{op['column']}")
        elif kind.startswith("rename"):
            parts.append(f"rename_{op['table']}")
        else:
            parts.append(kind)
    if len(parts) > 3:
        return "auto"
    return slugify("_".join(dict.fromkeys(parts)))


_STAMP_RE = re.compile(r"^(\d{14})_")


def next_timestamp(existing: Sequence[str], now: datetime | None = None) -> str:
    """YYYYMMDDHHMMSS of now (UTC), or one second after the newest existing one, so that
    names stay ordered even when two migrations are made within a second."""
    now = now or datetime.now(timezone.utc)
    stamp = int(now.strftime("%Y%m%d%H%M%S"))
    for name in existing:
        m = _STAMP_RE.match(name)
        if m and int(m.group(1)) >= stamp:
            stamp = _add_second(int(m.group(1)))
    return str(stamp)


def _add_second(stamp: int) -> int:
    from datetime import timedelta

    t = datetime.strptime(str(stamp), "%Y%m%d%H%M%S") + timedelta(seconds=1)
    return int(t.strftime("%Y%m%d%H%M%S"))


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    if path.exists():
        raise FileExistsError(path)
    path.write_text(text, encoding="utf-8")
    return path
