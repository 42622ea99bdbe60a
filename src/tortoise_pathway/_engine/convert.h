/*
 * convert.h - Python builtins <-> core structs (see docs/engine-format.md).
 *
 * Owns: reading schemas, tables, columns, indexes and operations from plain
 * dicts and lists into arena structs, and writing them back. Every string is
 * copied into the arena, so the structs never point into Python objects.
 * Does not own: the engine's functions themselves (module.c).
 *
 * Readers return 0, or -1 with a Python exception set (SchemaError naming
 * the path of the bad value, e.g. "users.email.type").
 */
#ifndef PW_CONVERT_H
#define PW_CONVERT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "arena.h"
#include "compare.h"
#include "graph.h"
#include "ops.h"
#include "render.h"
#include "schema.h"
#include "strbuf.h"

int pw_from_py_schema(pw_arena *a, PyObject *obj, pw_schema **out);
int pw_from_py_ops(pw_arena *a, PyObject *list, const char *label, pw_oplist *out);
/* history: a list of lists of operations -> migs (labels "migration N"). */
int pw_from_py_history(pw_arena *a, PyObject *history, pw_migration_ops **migs, size_t *n);
/* nodes: [(app, name, [(app, name), ...]), ...] */
int pw_from_py_nodes(pw_arena *a, PyObject *nodes, pw_node_in **out, size_t *n);
/* a list of (app, name) -> keys */
int pw_from_py_keys(pw_arena *a, PyObject *list, pw_key **out, size_t *n);

/* New references, NULL with an exception set on failure. */
PyObject *pw_to_py_schema(const pw_schema *s);
PyObject *pw_to_py_ops(const pw_op *ops, size_t n);
PyObject *pw_to_py_strlist(const pw_strlist *l);
PyObject *pw_to_py_key(const pw_key *k);
/* A default as data (None, bool, int, float, str, {"expr": ...}). */
PyObject *pw_to_py_default(const pw_default *def);
/* [{"object": str, "message": str, "name_only": bool}, ...] */
PyObject *pw_to_py_differences(const pw_difflist *l);

#endif
