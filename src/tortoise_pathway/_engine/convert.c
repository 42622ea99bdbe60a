/*
 * convert.c - Python builtins <-> core structs, as declared in convert.h.
 *
 * Owns: shape checks of the boundary data and their error paths. Does not
 * own: any schema logic (core/) or the method table (module.c).
 */
#include "convert.h"

#include <string.h>

#include "module.h"

/* ---- reading ---------------------------------------------------------- */

static int raise_err(const pw_error *err) {
    pw_raise(err);
    return -1;
}

/* Arena copy of a str object; -1 with an exception when it is not a str or
 * holds a NUL. */
static int read_str(pw_arena *a, PyObject *obj, const char *path, const char **out) {
    if (!PyUnicode_Check(obj))
        return pw_raise_invalid(path, "%s must be a string, not %s", path, Py_TYPE(obj)->tp_name);
    Py_ssize_t len;
    const char *s = PyUnicode_AsUTF8AndSize(obj, &len);
    if (s == NULL) return -1;
    if ((size_t)len != strlen(s)) return pw_raise_invalid(path, "%s contains a NUL character", path);
    char *copy = pw_arena_strndup(a, s, (size_t)len);
    if (copy == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *out = copy;
    return 0;
}

/* d[key] as a borrowed reference, or NULL when missing or None. -1 when d is
 * not a dict. */
static int get_opt(PyObject *d, const char *key, const char *path, PyObject **out) {
    if (!PyDict_Check(d)) return pw_raise_invalid(path, "%s must be a dict", path);
    PyObject *v = PyDict_GetItemString(d, key);
    *out = (v == Py_None) ? NULL : v;
    return 0;
}

static int get_req(PyObject *d, const char *key, const char *path, PyObject **out) {
    if (get_opt(d, key, path, out)) return -1;
    if (*out == NULL) return pw_raise_invalid(path, "%s needs '%s'", path, key);
    return 0;
}

/* read_str of v, the value of d[key]; the path "path.key" its errors name is only made
 * for an error (a schema of thousands of columns reads hundreds of thousands of strings). */
static int read_str_of(pw_arena *a, PyObject *v, const char *path, const char *key,
                       const char **out) {
    if (PyUnicode_Check(v)) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(v, &len);
        if (s != NULL && (size_t)len == strlen(s)) {
            char *copy = pw_arena_strndup(a, s, (size_t)len);
            if (copy == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            *out = copy;
            return 0;
        }
        if (s == NULL) return -1;
    }
    char sub[PW_ERR_PATH_MAX];
    snprintf(sub, sizeof sub, "%s.%s", path, key);
    return read_str(a, v, sub, out);
}

static int read_req_str(pw_arena *a, PyObject *d, const char *key, const char *path,
                        const char **out) {
    PyObject *v;
    if (get_req(d, key, path, &v)) return -1;
    return read_str_of(a, v, path, key, out);
}

static int read_opt_str(pw_arena *a, PyObject *d, const char *key, const char *path,
                        const char **out) {
    PyObject *v;
    *out = NULL;
    if (get_opt(d, key, path, &v)) return -1;
    if (v == NULL) return 0;
    return read_str_of(a, v, path, key, out);
}

static int read_bool(PyObject *d, const char *key, const char *path, bool *out) {
    PyObject *v;
    if (get_opt(d, key, path, &v)) return -1;
    if (v == NULL) {
        *out = false;
        return 0;
    }
    if (!PyBool_Check(v)) return pw_raise_invalid(path, "%s.%s must be True or False", path, key);
    *out = (v == Py_True);
    return 0;
}

static int read_type(pw_arena *a, PyObject *col, const char *path, pw_column *c) {
    PyObject *v;
    char sub[PW_ERR_PATH_MAX];
    snprintf(sub, sizeof sub, "%s.type", path);
    if (get_req(col, "type", path, &v)) return -1;
    if (PyUnicode_Check(v)) {
        const char *t;
        if (read_str(a, v, sub, &t)) return -1;
        for (int d = 0; d < PW_DIALECT_COUNT; d++) c->type[d] = t;
        return 0;
    }
    if (!PyDict_Check(v))
        return pw_raise_invalid(sub, "%s must be a string or a dict of dialect -> type", sub);
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (read_req_str(a, v, pw_dialect_name((pw_dialect)d), sub, &c->type[d])) return -1;
    return 0;
}

/* {"expr": str} or {"expr": {"sqlite": str, "postgres": str, "mysql": str}}: def->s
 * is the SQLite text, dialect_s[d] is set only where dialect d's text differs. */
static int read_expr(pw_arena *a, PyObject *v, const char *path, pw_default *def) {
    PyObject *e;
    char sub[PW_ERR_PATH_MAX];
    snprintf(sub, sizeof sub, "%s.expr", path);
    if (get_req(v, "expr", path, &e)) return -1;
    if (PyUnicode_Check(e)) return read_str(a, e, sub, &def->s);
    if (!PyDict_Check(e))
        return pw_raise_invalid(sub, "%s must be a string or a dict of dialect -> expression",
                                sub);
    const char *texts[PW_DIALECT_COUNT];
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (read_req_str(a, e, pw_dialect_name((pw_dialect)d), sub, &texts[d])) return -1;
    def->s = texts[0];
    for (int d = 1; d < PW_DIALECT_COUNT; d++)
        if (strcmp(texts[d], texts[0]) != 0) def->dialect_s[d] = texts[d];
    return 0;
}

/* obj[key] as a default value (None, bool, int, float, str, {"expr": ...}). */
static int read_value(pw_arena *a, PyObject *obj, const char *key, const char *path,
                      pw_default *def) {
    PyObject *v;
    char sub[PW_ERR_PATH_MAX];
    snprintf(sub, sizeof sub, "%s.%s", path, key);
    memset(def, 0, sizeof *def);
    if (get_opt(obj, key, path, &v)) return -1;
    if (v == NULL) return 0;
    if (PyBool_Check(v)) {
        def->kind = PW_DEFAULT_BOOL;
        def->i = (v == Py_True);
    } else if (PyLong_Check(v)) {
        int overflow = 0;
        def->i = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow) return pw_raise_invalid(sub, "%s does not fit in 64 bits", sub);
        if (def->i == -1 && PyErr_Occurred()) return -1;
        def->kind = PW_DEFAULT_INT;
    } else if (PyFloat_Check(v)) {
        def->kind = PW_DEFAULT_FLOAT;
        def->f = PyFloat_AsDouble(v);
    } else if (PyUnicode_Check(v)) {
        def->kind = PW_DEFAULT_STRING;
        if (read_str(a, v, sub, &def->s)) return -1;
    } else if (PyDict_Check(v)) {
        def->kind = PW_DEFAULT_EXPR;
        return read_expr(a, v, sub, def);
    } else {
        return pw_raise_invalid(sub, "%s must be None, a bool, int, float, str or {'expr': str}",
                                sub);
    }
    return 0;
}

static int read_fk(pw_arena *a, PyObject *col, const char *path, pw_fk *fk) {
    PyObject *v;
    char sub[PW_ERR_PATH_MAX];
    snprintf(sub, sizeof sub, "%s.fk", path);
    memset(fk, 0, sizeof *fk);
    if (get_opt(col, "fk", path, &v)) return -1;
    if (v == NULL) return 0;
    const char *action = NULL;
    if (read_req_str(a, v, "name", sub, &fk->name) || read_req_str(a, v, "table", sub, &fk->table) ||
        read_req_str(a, v, "column", sub, &fk->column) ||
        read_opt_str(a, v, "on_delete", sub, &action))
        return -1;
    int act = action ? pw_fk_action_from_name(action) : PW_FK_CASCADE;
    if (act < 0)
        return pw_raise_invalid(sub, "%s.on_delete must be CASCADE, RESTRICT, SET NULL, SET DEFAULT"
                                     " or NO ACTION, not %s", sub, action);
    fk->on_delete = (pw_fk_action)act;
    return 0;
}

/* col["generated"]: absent or None (a plain column), a string (the clause on
 * every dialect) or a dict of dialect -> clause for the dialects that have
 * one (a None value: none there). */
static int read_generated(pw_arena *a, PyObject *col, const char *path, pw_column *c) {
    PyObject *v;
    char sub[PW_ERR_PATH_MAX];
    snprintf(sub, sizeof sub, "%s.generated", path);
    if (get_opt(col, "generated", path, &v)) return -1;
    if (v == NULL) return 0;
    if (PyUnicode_Check(v)) {
        const char *g;
        if (read_str(a, v, sub, &g)) return -1;
        for (int d = 0; d < PW_DIALECT_COUNT; d++) c->generated[d] = g;
        return 0;
    }
    if (!PyDict_Check(v))
        return pw_raise_invalid(sub, "%s must be a string or a dict of dialect -> clause", sub);
    PyObject *key, *val;
    Py_ssize_t pos = 0;
    while (PyDict_Next(v, &pos, &key, &val)) {
        const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        int d = k != NULL ? pw_dialect_from_name(k) : -1;
        if (d < 0) {
            PyErr_Clear();
            return pw_raise_invalid(sub, "%s: keys must be sqlite, postgres or mysql", sub);
        }
        if (val != Py_None && read_str(a, val, sub, &c->generated[d])) return -1;
    }
    return 0;
}

static int read_column(pw_arena *a, PyObject *obj, const char *table, pw_column **out) {
    char path[PW_ERR_PATH_MAX];
    snprintf(path, sizeof path, "%s.<column>", table);
    if (!PyDict_Check(obj)) return pw_raise_invalid(path, "a column of %s must be a dict", table);
    pw_column *c = pw_arena_alloc(a, sizeof *c);
    if (c == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (read_req_str(a, obj, "name", path, &c->name)) return -1;
    snprintf(path, sizeof path, "%s.%s", table, c->name);
    if (read_type(a, obj, path, c) || read_bool(obj, "null", path, &c->null) ||
        read_bool(obj, "pk", path, &c->pk) ||
        read_bool(obj, "autoincrement", path, &c->autoincrement) ||
        read_bool(obj, "unique", path, &c->unique) ||
        read_opt_str(a, obj, "unique_name", path, &c->unique_name) ||
        read_value(a, obj, "default", path, &c->def) ||
        read_opt_str(a, obj, "comment", path, &c->comment) || read_fk(a, obj, path, &c->fk) ||
        read_generated(a, obj, path, c))
        return -1;
    *out = c;
    return 0;
}

/* A list of strings under key of obj into *out / *n; an absent key or None
 * is an empty list. */
static int read_str_list(pw_arena *a, PyObject *obj, const char *key, const char *path,
                         const char ***out, size_t *n) {
    PyObject *v;
    if (get_opt(obj, key, path, &v)) return -1;
    if (v != NULL && !PyList_Check(v) && !PyTuple_Check(v))
        return pw_raise_invalid(path, "%s.%s must be a list", path, key);
    Py_ssize_t len = v != NULL ? PySequence_Fast_GET_SIZE(v) : 0;
    *out = pw_arena_calloc(a, (size_t)(len ? len : 1), sizeof **out);
    if (*out == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject **items = v != NULL ? PySequence_Fast_ITEMS(v) : NULL;
    for (Py_ssize_t i = 0; i < len; i++)
        if (read_str(a, items[i], path, &(*out)[i])) return -1;
    *n = (size_t)len;
    return 0;
}

static int read_index(pw_arena *a, PyObject *obj, const char *table, pw_index **out) {
    char path[PW_ERR_PATH_MAX];
    snprintf(path, sizeof path, "%s.<index>", table);
    if (!PyDict_Check(obj)) return pw_raise_invalid(path, "an index of %s must be a dict", table);
    pw_index *ix = pw_arena_alloc(a, sizeof *ix);
    if (ix == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (read_req_str(a, obj, "name", path, &ix->name)) return -1;
    snprintf(path, sizeof path, "%s", ix->name);
    if (read_bool(obj, "unique", path, &ix->unique) ||
        read_str_list(a, obj, "columns", path, &ix->columns, &ix->ncolumns) ||
        read_str_list(a, obj, "expressions", path, &ix->expressions, &ix->nexpressions) ||
        read_opt_str(a, obj, "method", path, &ix->method) ||
        read_opt_str(a, obj, "condition", path, &ix->condition) ||
        read_opt_str(a, obj, "options", path, &ix->options))
        return -1;
    if (ix->ncolumns == 0 && ix->nexpressions == 0)
        return pw_raise_invalid(path, "%s needs 'columns' or 'expressions'", path);
    *out = ix;
    return 0;
}

static int fast_list(PyObject *obj, const char *path, const char *what) {
    if (!PyList_Check(obj) && !PyTuple_Check(obj))
        return pw_raise_invalid(path, "%s must be a list", what);
    return 0;
}

/* {"name": str, "check": str}: a check constraint of table. */
static int read_check(pw_arena *a, PyObject *obj, const char *table, pw_check **out) {
    char path[PW_ERR_PATH_MAX];
    snprintf(path, sizeof path, "%s.<check>", table);
    if (!PyDict_Check(obj)) return pw_raise_invalid(path, "a check of %s must be a dict", table);
    pw_check *c = pw_arena_alloc(a, sizeof *c);
    if (c == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (read_req_str(a, obj, "name", path, &c->name) ||
        read_req_str(a, obj, "check", path, &c->check))
        return -1;
    *out = c;
    return 0;
}

static int read_table(pw_arena *a, PyObject *obj, pw_table **out) {
    if (!PyDict_Check(obj)) return pw_raise_invalid("<table>", "a table must be a dict");
    pw_table *t = pw_arena_alloc(a, sizeof *t);
    pw_error err;
    if (t == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (read_req_str(a, obj, "name", "<table>", &t->name) ||
        read_opt_str(a, obj, "comment", t->name, &t->comment) ||
        read_opt_str(a, obj, "schema", t->name, &t->schema) ||
        read_opt_str(a, obj, "model", t->name, &t->model))
        return -1;
    PyObject *cols, *idx, *checks;
    if (get_req(obj, "columns", t->name, &cols) || fast_list(cols, t->name, "columns") ||
        get_opt(obj, "indexes", t->name, &idx) || get_opt(obj, "checks", t->name, &checks))
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(cols);
    PyObject **items = PySequence_Fast_ITEMS(cols);
    for (Py_ssize_t i = 0; i < n; i++) {
        pw_column *c;
        if (read_column(a, items[i], t->name, &c)) return -1;
        if (pw_table_add_column(a, t, c, &err)) return raise_err(&err);
    }
    if (idx != NULL) {
        if (fast_list(idx, t->name, "indexes")) return -1;
        n = PySequence_Fast_GET_SIZE(idx);
        items = PySequence_Fast_ITEMS(idx);
        for (Py_ssize_t i = 0; i < n; i++) {
            pw_index *ix;
            if (read_index(a, items[i], t->name, &ix)) return -1;
            if (pw_table_add_index(a, t, ix, &err)) return raise_err(&err);
        }
    }
    if (checks != NULL) {
        if (fast_list(checks, t->name, "checks")) return -1;
        n = PySequence_Fast_GET_SIZE(checks);
        items = PySequence_Fast_ITEMS(checks);
        for (Py_ssize_t i = 0; i < n; i++) {
            pw_check *c;
            if (read_check(a, items[i], t->name, &c)) return -1;
            if (pw_table_add_check(a, t, c, &err)) return raise_err(&err);
        }
    }
    *out = t;
    return 0;
}

int pw_from_py_schema(pw_arena *a, PyObject *obj, pw_schema **out) {
    PyObject *tables;
    pw_error err;
    if (get_req(obj, "tables", "schema", &tables) || fast_list(tables, "schema", "schema.tables"))
        return -1;
    pw_schema *s = pw_schema_new(a);
    if (s == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(tables);
    PyObject **items = PySequence_Fast_ITEMS(tables);
    for (Py_ssize_t i = 0; i < n; i++) {
        pw_table *t;
        if (read_table(a, items[i], &t)) return -1;
        if (pw_schema_add_table(a, s, t, &err)) return raise_err(&err);
    }
    if (pw_schema_check(s, &err)) return raise_err(&err);
    *out = s;
    return 0;
}

static int read_op(pw_arena *a, PyObject *obj, const char *label, size_t pos, pw_op *op) {
    char path[PW_ERR_PATH_MAX];
    snprintf(path, sizeof path, "%s: operation %zu", label, pos + 1);
    memset(op, 0, sizeof *op);
    const char *kind_name;
    if (!PyDict_Check(obj)) return pw_raise_invalid(path, "%s must be a dict", path);
    if (read_req_str(a, obj, "op", path, &kind_name)) return -1;
    int kind = pw_op_kind_from_name(kind_name);
    if (kind < 0) return pw_raise_invalid(path, "%s: unknown operation '%s'", path, kind_name);
    op->kind = (pw_op_kind)kind;
    PyObject *v;
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        if (get_req(obj, "table", path, &v) || read_table(a, v, &op->model)) return -1;
        op->table = op->model->name;
        return 0;
    case PW_OP_DELETE_MODEL:
        return read_req_str(a, obj, "table", path, &op->table);
    case PW_OP_RENAME_MODEL:
        return read_req_str(a, obj, "table", path, &op->table) ||
                       read_req_str(a, obj, "new_name", path, &op->new_name)
                   ? -1
                   : 0;
    case PW_OP_ALTER_MODEL:
        return read_req_str(a, obj, "table", path, &op->table) ||
                       read_opt_str(a, obj, "comment", path, &op->comment) ||
                       read_opt_str(a, obj, "schema", path, &op->schema)
                   ? -1
                   : 0;
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        if (read_req_str(a, obj, "table", path, &op->table) || get_req(obj, "column", path, &v) ||
            read_column(a, v, op->table, &op->column) ||
            read_value(a, obj, "fill", path, &op->fill))
            return -1;
        return 0;
    case PW_OP_REMOVE_FIELD:
        return read_req_str(a, obj, "table", path, &op->table) ||
                       read_req_str(a, obj, "column", path, &op->name)
                   ? -1
                   : 0;
    case PW_OP_RENAME_FIELD:
        return read_req_str(a, obj, "table", path, &op->table) ||
                       read_req_str(a, obj, "column", path, &op->name) ||
                       read_req_str(a, obj, "new_name", path, &op->new_name)
                   ? -1
                   : 0;
    case PW_OP_ADD_INDEX:
        if (read_req_str(a, obj, "table", path, &op->table) || get_req(obj, "index", path, &v) ||
            read_index(a, v, op->table, &op->index))
            return -1;
        return 0;
    case PW_OP_REMOVE_INDEX:
        return read_req_str(a, obj, "table", path, &op->table) ||
                       read_req_str(a, obj, "index", path, &op->name)
                   ? -1
                   : 0;
    case PW_OP_ADD_CONSTRAINT:
        if (read_req_str(a, obj, "table", path, &op->table) ||
            get_req(obj, "constraint", path, &v) || read_check(a, v, op->table, &op->check))
            return -1;
        return 0;
    case PW_OP_REMOVE_CONSTRAINT:
        return read_req_str(a, obj, "table", path, &op->table) ||
                       read_req_str(a, obj, "constraint", path, &op->name)
                   ? -1
                   : 0;
    case PW_OP_RUN_SQL:
        return read_req_str(a, obj, "forward", path, &op->sql_forward) ||
                       read_opt_str(a, obj, "backward", path, &op->sql_backward) ||
                       read_bool(obj, "elidable", path, &op->elidable)
                   ? -1
                   : 0;
    case PW_OP_RUN_PYTHON:
        return read_bool(obj, "reversible", path, &op->reversible) ||
                       read_bool(obj, "elidable", path, &op->elidable)
                   ? -1
                   : 0;
    }
    return pw_raise_invalid(path, "%s: unknown operation", path);
}

int pw_from_py_ops(pw_arena *a, PyObject *list, const char *label, pw_oplist *out) {
    pw_error err;
    if (fast_list(list, label, "operations")) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(list);
    PyObject **items = PySequence_Fast_ITEMS(list);
    for (Py_ssize_t i = 0; i < n; i++) {
        pw_op op;
        if (read_op(a, items[i], label, (size_t)i, &op)) return -1;
        if (pw_oplist_push(a, out, &op, &err)) return raise_err(&err);
    }
    return 0;
}

int pw_from_py_history(pw_arena *a, PyObject *history, pw_migration_ops **migs, size_t *n) {
    if (fast_list(history, "history", "history")) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(history);
    PyObject **items = PySequence_Fast_ITEMS(history);
    pw_migration_ops *m = pw_arena_calloc(a, (size_t)(len ? len : 1), sizeof *m);
    if (m == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        char label[64];
        snprintf(label, sizeof label, "migration %zd", i + 1);
        pw_oplist ops = {0};
        PyObject *entry = items[i];
        /* An entry is either a list of operations or (label, operations). */
        if (PyTuple_Check(entry) && PyTuple_GET_SIZE(entry) == 2) {
            const char *l;
            if (read_str(a, PyTuple_GET_ITEM(entry, 0), "history", &l)) return -1;
            m[i].label = l;
            entry = PyTuple_GET_ITEM(entry, 1);
        } else {
            m[i].label = pw_arena_strdup(a, label);
            if (m[i].label == NULL) {
                PyErr_NoMemory();
                return -1;
            }
        }
        if (pw_from_py_ops(a, entry, m[i].label, &ops)) return -1;
        m[i].ops = ops.items;
        m[i].nops = ops.len;
    }
    *migs = m;
    *n = (size_t)len;
    return 0;
}

static int read_key(pw_arena *a, PyObject *obj, const char *path, pw_key *k) {
    if (!PyTuple_Check(obj) && !PyList_Check(obj))
        return pw_raise_invalid(path, "%s: a migration key must be (app, name)", path);
    if (PySequence_Fast_GET_SIZE(obj) != 2)
        return pw_raise_invalid(path, "%s: a migration key must be (app, name)", path);
    PyObject **it = PySequence_Fast_ITEMS(obj);
    return read_str(a, it[0], path, &k->app) || read_str(a, it[1], path, &k->name) ? -1 : 0;
}

int pw_from_py_keys(pw_arena *a, PyObject *list, pw_key **out, size_t *n) {
    if (fast_list(list, "keys", "keys")) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(list);
    PyObject **items = PySequence_Fast_ITEMS(list);
    pw_key *keys = pw_arena_calloc(a, (size_t)(len ? len : 1), sizeof *keys);
    if (keys == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++)
        if (read_key(a, items[i], "keys", &keys[i])) return -1;
    *out = keys;
    *n = (size_t)len;
    return 0;
}

int pw_from_py_nodes(pw_arena *a, PyObject *nodes, pw_node_in **out, size_t *n) {
    if (fast_list(nodes, "nodes", "nodes")) return -1;
    Py_ssize_t len = PySequence_Fast_GET_SIZE(nodes);
    PyObject **items = PySequence_Fast_ITEMS(nodes);
    pw_node_in *ns = pw_arena_calloc(a, (size_t)(len ? len : 1), sizeof *ns);
    if (ns == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *it = items[i];
        if (!PyTuple_Check(it) || PyTuple_GET_SIZE(it) != 3)
            return pw_raise_invalid("nodes", "a node must be (app, name, dependencies)");
        if (read_str(a, PyTuple_GET_ITEM(it, 0), "nodes", &ns[i].key.app) ||
            read_str(a, PyTuple_GET_ITEM(it, 1), "nodes", &ns[i].key.name))
            return -1;
        pw_key *deps;
        size_t nd;
        if (pw_from_py_keys(a, PyTuple_GET_ITEM(it, 2), &deps, &nd)) return -1;
        ns[i].deps = deps;
        ns[i].ndeps = nd;
    }
    *out = ns;
    *n = (size_t)len;
    return 0;
}

/* ---- writing ---------------------------------------------------------- */

/* Sets d[key] = v, stealing the reference to v. -1 on failure. */
static int set_steal(PyObject *d, const char *key, PyObject *v) {
    if (v == NULL) return -1;
    int rc = PyDict_SetItemString(d, key, v);
    Py_DECREF(v);
    return rc;
}

static PyObject *str_or_none(const char *s) {
    if (s == NULL) Py_RETURN_NONE;
    return PyUnicode_FromString(s);
}

static PyObject *type_to_py(const pw_column *c) {
    bool same = true;
    for (int d = 1; d < PW_DIALECT_COUNT; d++)
        if (strcmp(c->type[d], c->type[0]) != 0) same = false;
    if (same) return PyUnicode_FromString(c->type[0]);
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    for (int i = 0; i < PW_DIALECT_COUNT; i++)
        if (set_steal(d, pw_dialect_name((pw_dialect)i), PyUnicode_FromString(c->type[i]))) {
            Py_DECREF(d);
            return NULL;
        }
    return d;
}

/* The text of an expression default: a str when every dialect has the same,
 * else {"sqlite": ..., "postgres": ..., "mysql": ...}. New reference or NULL. */
static PyObject *expr_to_py(const pw_default *def) {
    bool same = true;
    for (int d = 1; d < PW_DIALECT_COUNT; d++)
        if (strcmp(pw_default_expr(def, (pw_dialect)d), def->s) != 0) same = false;
    if (same) return PyUnicode_FromString(def->s);
    PyObject *out = PyDict_New();
    if (out == NULL) return NULL;
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (set_steal(out, pw_dialect_name((pw_dialect)d),
                      PyUnicode_FromString(pw_default_expr(def, (pw_dialect)d)))) {
            Py_DECREF(out);
            return NULL;
        }
    return out;
}

static PyObject *default_to_py(const pw_default *def) {
    switch (def->kind) {
    case PW_DEFAULT_NONE:
        Py_RETURN_NONE;
    case PW_DEFAULT_INT:
        return PyLong_FromLongLong(def->i);
    case PW_DEFAULT_FLOAT:
        return PyFloat_FromDouble(def->f);
    case PW_DEFAULT_BOOL:
        return PyBool_FromLong((long)def->i);
    case PW_DEFAULT_STRING:
        return PyUnicode_FromString(def->s);
    case PW_DEFAULT_EXPR: {
        PyObject *d = PyDict_New();
        if (d == NULL || set_steal(d, "expr", expr_to_py(def))) {
            Py_XDECREF(d);
            return NULL;
        }
        return d;
    }
    }
    Py_RETURN_NONE;
}

static PyObject *fk_to_py(const pw_fk *fk) {
    if (fk->table == NULL) Py_RETURN_NONE;
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    if (set_steal(d, "name", PyUnicode_FromString(fk->name)) ||
        set_steal(d, "table", PyUnicode_FromString(fk->table)) ||
        set_steal(d, "column", PyUnicode_FromString(fk->column)) ||
        set_steal(d, "on_delete", PyUnicode_FromString(pw_fk_action_name(fk->on_delete)))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* {dialect: clause} for the dialects where c is generated. */
static PyObject *generated_to_py(const pw_column *c) {
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    for (int k = 0; k < PW_DIALECT_COUNT; k++)
        if (c->generated[k] != NULL &&
            set_steal(d, pw_dialect_name((pw_dialect)k), PyUnicode_FromString(c->generated[k]))) {
            Py_DECREF(d);
            return NULL;
        }
    return d;
}

/* The column as a dict; "unique_name" and "generated" only when set. */
static PyObject *column_to_py(const pw_column *c) {
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    if (set_steal(d, "name", PyUnicode_FromString(c->name)) ||
        set_steal(d, "type", type_to_py(c)) || set_steal(d, "null", PyBool_FromLong(c->null)) ||
        set_steal(d, "pk", PyBool_FromLong(c->pk)) ||
        set_steal(d, "autoincrement", PyBool_FromLong(c->autoincrement)) ||
        set_steal(d, "unique", PyBool_FromLong(c->unique)) ||
        (c->unique_name != NULL &&
         set_steal(d, "unique_name", PyUnicode_FromString(c->unique_name))) ||
        set_steal(d, "default", default_to_py(&c->def)) ||
        set_steal(d, "comment", str_or_none(c->comment)) || set_steal(d, "fk", fk_to_py(&c->fk)) ||
        (pw_column_is_generated(c) && set_steal(d, "generated", generated_to_py(c)))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *str_list_to_py(const char *const *items, size_t n) {
    PyObject *l = PyList_New((Py_ssize_t)n);
    if (l == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *s = PyUnicode_FromString(items[i]);
        if (s == NULL) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, (Py_ssize_t)i, s);
    }
    return l;
}

/* {"name", "columns", "unique"} and, only when set, "expressions", "method",
 * "condition" and "options". */
static PyObject *index_to_py(const pw_index *ix) {
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    if (set_steal(d, "name", PyUnicode_FromString(ix->name)) ||
        set_steal(d, "columns", str_list_to_py(ix->columns, ix->ncolumns)) ||
        set_steal(d, "unique", PyBool_FromLong(ix->unique)) ||
        (ix->nexpressions > 0 &&
         set_steal(d, "expressions", str_list_to_py(ix->expressions, ix->nexpressions))) ||
        (ix->method != NULL && set_steal(d, "method", PyUnicode_FromString(ix->method))) ||
        (ix->condition != NULL && set_steal(d, "condition", PyUnicode_FromString(ix->condition))) ||
        (ix->options != NULL && set_steal(d, "options", PyUnicode_FromString(ix->options)))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *check_to_py(const pw_check *c) {
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    if (set_steal(d, "name", PyUnicode_FromString(c->name)) ||
        set_steal(d, "check", PyUnicode_FromString(c->check))) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

/* The table as a dict; "checks" only when it has check constraints. */
static PyObject *table_to_py(const pw_table *t) {
    PyObject *d = PyDict_New();
    PyObject *cols = PyList_New((Py_ssize_t)t->ncolumns);
    PyObject *idx = PyList_New((Py_ssize_t)t->nindexes);
    if (d == NULL || cols == NULL || idx == NULL) goto fail;
    for (size_t i = 0; i < t->ncolumns; i++) {
        PyObject *c = column_to_py(t->columns[i]);
        if (c == NULL) goto fail;
        PyList_SET_ITEM(cols, (Py_ssize_t)i, c);
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        PyObject *x = index_to_py(t->indexes[i]);
        if (x == NULL) goto fail;
        PyList_SET_ITEM(idx, (Py_ssize_t)i, x);
    }
    if (set_steal(d, "name", PyUnicode_FromString(t->name)) ||
        (t->schema != NULL && set_steal(d, "schema", PyUnicode_FromString(t->schema))) ||
        (t->model != NULL && set_steal(d, "model", PyUnicode_FromString(t->model))) ||
        set_steal(d, "comment", str_or_none(t->comment)))
        goto fail;
    int rc1 = set_steal(d, "columns", cols);
    cols = NULL;
    int rc2 = rc1 ? -1 : set_steal(d, "indexes", idx);
    if (!rc1) idx = NULL;
    if (rc1 || rc2) goto fail;
    if (t->nchecks > 0) {
        PyObject *checks = PyList_New((Py_ssize_t)t->nchecks);
        if (checks == NULL) goto fail;
        for (size_t i = 0; i < t->nchecks; i++) {
            PyObject *c = check_to_py(t->checks[i]);
            if (c == NULL) {
                Py_DECREF(checks);
                goto fail;
            }
            PyList_SET_ITEM(checks, (Py_ssize_t)i, c);
        }
        if (set_steal(d, "checks", checks)) goto fail;
    }
    return d;
fail:
    Py_XDECREF(d);
    Py_XDECREF(cols);
    Py_XDECREF(idx);
    return NULL;
}

PyObject *pw_to_py_schema(const pw_schema *s) {
    PyObject *tables = PyList_New((Py_ssize_t)s->ntables);
    if (tables == NULL) return NULL;
    for (size_t i = 0; i < s->ntables; i++) {
        PyObject *t = table_to_py(s->tables[i]);
        if (t == NULL) {
            Py_DECREF(tables);
            return NULL;
        }
        PyList_SET_ITEM(tables, (Py_ssize_t)i, t);
    }
    PyObject *d = PyDict_New();
    if (d == NULL || set_steal(d, "tables", tables)) {
        Py_XDECREF(d);
        return NULL;
    }
    return d;
}

static PyObject *op_to_py(const pw_op *op) {
    PyObject *d = PyDict_New();
    if (d == NULL) return NULL;
    if (set_steal(d, "op", PyUnicode_FromString(pw_op_kind_name(op->kind)))) goto fail;
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        if (set_steal(d, "table", table_to_py(op->model))) goto fail;
        break;
    case PW_OP_DELETE_MODEL:
        if (set_steal(d, "table", PyUnicode_FromString(op->table))) goto fail;
        break;
    case PW_OP_RENAME_MODEL:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "new_name", PyUnicode_FromString(op->new_name)))
            goto fail;
        break;
    case PW_OP_ALTER_MODEL:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "comment", str_or_none(op->comment)) ||
            (op->schema != NULL && set_steal(d, "schema", PyUnicode_FromString(op->schema))))
            goto fail;
        break;
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "column", column_to_py(op->column)))
            goto fail;
        if (op->fill.kind != PW_DEFAULT_NONE && set_steal(d, "fill", default_to_py(&op->fill)))
            goto fail;
        break;
    case PW_OP_REMOVE_FIELD:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "column", PyUnicode_FromString(op->name)))
            goto fail;
        break;
    case PW_OP_RENAME_FIELD:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "column", PyUnicode_FromString(op->name)) ||
            set_steal(d, "new_name", PyUnicode_FromString(op->new_name)))
            goto fail;
        break;
    case PW_OP_ADD_INDEX:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "index", index_to_py(op->index)))
            goto fail;
        break;
    case PW_OP_REMOVE_INDEX:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "index", PyUnicode_FromString(op->name)))
            goto fail;
        break;
    case PW_OP_ADD_CONSTRAINT:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "constraint", check_to_py(op->check)))
            goto fail;
        break;
    case PW_OP_REMOVE_CONSTRAINT:
        if (set_steal(d, "table", PyUnicode_FromString(op->table)) ||
            set_steal(d, "constraint", PyUnicode_FromString(op->name)))
            goto fail;
        break;
    case PW_OP_RUN_SQL:
        if (set_steal(d, "forward", PyUnicode_FromString(op->sql_forward)) ||
            set_steal(d, "backward", str_or_none(op->sql_backward)))
            goto fail;
        if (op->elidable && set_steal(d, "elidable", PyBool_FromLong(1))) goto fail;
        break;
    case PW_OP_RUN_PYTHON:
        if (set_steal(d, "reversible", PyBool_FromLong(op->reversible))) goto fail;
        if (op->elidable && set_steal(d, "elidable", PyBool_FromLong(1))) goto fail;
        break;
    }
    return d;
fail:
    Py_DECREF(d);
    return NULL;
}

PyObject *pw_to_py_ops(const pw_op *ops, size_t n) {
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *o = op_to_py(&ops[i]);
        if (o == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, o);
    }
    return list;
}

PyObject *pw_to_py_strlist(const pw_strlist *l) {
    PyObject *list = PyList_New((Py_ssize_t)l->len);
    if (list == NULL) return NULL;
    for (size_t i = 0; i < l->len; i++) {
        PyObject *s = PyUnicode_FromString(l->items[i]);
        if (s == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

PyObject *pw_to_py_key(const pw_key *k) { return Py_BuildValue("(ss)", k->app, k->name); }

PyObject *pw_to_py_default(const pw_default *def) { return default_to_py(def); }

PyObject *pw_to_py_differences(const pw_difflist *l) {
    PyObject *list = PyList_New((Py_ssize_t)l->len);
    if (list == NULL) return NULL;
    for (size_t i = 0; i < l->len; i++) {
        PyObject *d = PyDict_New();
        if (d == NULL || set_steal(d, "object", PyUnicode_FromString(l->items[i].object)) ||
            set_steal(d, "message", PyUnicode_FromString(l->items[i].message)) ||
            set_steal(d, "name_only", PyBool_FromLong(l->items[i].name_only))) {
            Py_XDECREF(d);
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, d);
    }
    return list;
}
