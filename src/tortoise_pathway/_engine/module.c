/*
 * module.c - the Python module tortoise_pathway._engine: module init, the
 * method table, the module state (exception classes), and the one function
 * that turns a core pw_error into the matching exception.
 *
 * Owns: argument parsing, arena lifetime per call (created on entry, freed on
 * return after results are copied out), the rename callback bridge. Does not
 * own: data conversion (convert.c) or any schema logic (core/).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdarg.h>

#include "catalog.h"
#include "compare.h"
#include "convert.h"
#include "diff.h"
#include "graph.h"
#include "merge.h"
#include "module.h"
#include "ops.h"
#include "optimize.h"
#include "render.h"
#include "risk.h"
#include "sql.h"

typedef struct {
    PyObject *pathway_error;
    PyObject *schema_error;
    PyObject *irreversible_error;
    PyObject *unsupported_error;
    PyObject *graph_error;
    PyObject *cycle_error;
    PyObject *missing_dependency_error;
    PyObject *multiple_heads_error;
} module_state;

static struct PyModuleDef engine_module;

static module_state *get_state(void) {
    PyObject *m = PyState_FindModule(&engine_module);
    return m ? (module_state *)PyModule_GetState(m) : NULL;
}

static PyObject *class_for(module_state *st, pw_status code) {
    switch (code) {
    case PW_ERR_INVALID:
    case PW_ERR_NOT_FOUND:
    case PW_ERR_EXISTS:
        return st->schema_error;
    case PW_ERR_IRREVERSIBLE:
        return st->irreversible_error;
    case PW_ERR_UNSUPPORTED:
        return st->unsupported_error;
    case PW_ERR_CYCLE:
        return st->cycle_error;
    case PW_ERR_MISSING_DEP:
        return st->missing_dependency_error;
    case PW_ERR_MULTIPLE_HEADS:
        return st->multiple_heads_error;
    case PW_OK:
    case PW_ERR_NOMEM:
    case PW_ERR_CALLBACK:
        return st->pathway_error;
    }
    return st->pathway_error;
}

PyObject *pw_raise(const pw_error *err) {
    if (err->code == PW_ERR_CALLBACK && PyErr_Occurred()) return NULL;
    if (err->code == PW_ERR_NOMEM) return PyErr_NoMemory();
    module_state *st = get_state();
    if (st == NULL) {
        PyErr_SetString(PyExc_RuntimeError, err->message);
        return NULL;
    }
    PyObject *cls = class_for(st, err->code);
    PyObject *exc = PyObject_CallFunction(cls, "ss", err->message, err->path);
    if (exc != NULL) {
        PyErr_SetObject(cls, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

int pw_raise_invalid(const char *path, const char *fmt, ...) {
    pw_error err;
    va_list ap;
    err.code = PW_ERR_INVALID;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof err.message, fmt, ap);
    va_end(ap);
    snprintf(err.path, sizeof err.path, "%s", path ? path : "");
    pw_raise(&err);
    return -1;
}

static int dialect_arg(const char *name) {
    int d = pw_dialect_from_name(name);
    if (d < 0)
        pw_raise_invalid(name, "unknown dialect '%s' (expected sqlite, postgres or mysql)", name);
    return d;
}

/* Replays history into a fresh schema. The first entry of history may be (label, schema):
 * a state snapshot (a schema as replay returns it) to start from instead of the empty schema,
 * the rest being applied on top of it. 0, or -1 with an exception set. */
static int replay_into(pw_arena *a, PyObject *history, pw_schema **out) {
    pw_migration_ops *migs;
    size_t n;
    pw_error err;
    pw_schema *s = NULL;
    PyObject *rest = NULL;
    if (PyList_Check(history) && PyList_GET_SIZE(history) > 0) {
        PyObject *first = PyList_GET_ITEM(history, 0);
        if (PyTuple_Check(first) && PyTuple_GET_SIZE(first) == 2 &&
            PyDict_Check(PyTuple_GET_ITEM(first, 1))) {
            if (pw_from_py_schema(a, PyTuple_GET_ITEM(first, 1), &s)) return -1;
            rest = PyList_GetSlice(history, 1, PyList_GET_SIZE(history));
            if (rest == NULL) return -1;
            history = rest;
        }
    }
    int failed = pw_from_py_history(a, history, &migs, &n);
    Py_XDECREF(rest); /* the operations read from it live in the arena */
    if (failed) return -1;
    if (s == NULL) s = pw_schema_new(a);
    if (s == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (pw_ops_apply_all(a, s, migs[i].ops, migs[i].nops, &err)) {
            pw_error wrapped;
            pw_error_set(&wrapped, err.code, err.path, "%.200s: %.800s", migs[i].label,
                         err.message);
            pw_raise(&wrapped);
            return -1;
        }
    }
    *out = s;
    return 0;
}

static PyObject *engine_replay(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *history, *result = NULL;
    if (!PyArg_ParseTuple(args, "O:replay", &history)) return NULL;
    pw_arena *a = pw_arena_new();
    pw_schema *s;
    if (a == NULL) return PyErr_NoMemory();
    if (replay_into(a, history, &s) == 0) result = pw_to_py_schema(s);
    pw_arena_free(a);
    return result;
}

typedef struct {
    PyObject *callback;
} rename_ctx;

static int rename_bridge(void *ctx, pw_rename_kind kind, const char *table, const char *old_name,
                         const char *new_name, const pw_column *column, bool *yes) {
    rename_ctx *rc = ctx;
    PyObject *col = NULL;
    if (column != NULL) {
        pw_op tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.kind = PW_OP_ADD_FIELD;
        tmp.table = table;
        tmp.column = (pw_column *)column;
        PyObject *ops = pw_to_py_ops(&tmp, 1);
        if (ops == NULL) return 1;
        col = PyDict_GetItemString(PyList_GET_ITEM(ops, 0), "column");
        Py_XINCREF(col);
        Py_DECREF(ops);
    } else {
        col = Py_None;
        Py_INCREF(col);
    }
    PyObject *res = PyObject_CallFunction(rc->callback, "ssssO",
                                          kind == PW_RENAME_TABLE ? "table" : "column", table,
                                          old_name, new_name, col);
    Py_XDECREF(col);
    if (res == NULL) return 1;
    int truth = PyObject_IsTrue(res);
    Py_DECREF(res);
    if (truth < 0) return 1;
    *yes = truth != 0;
    return 0;
}

static PyObject *engine_diff(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    static char *kwlist[] = {"history", "target", "ask_rename", NULL};
    PyObject *history, *target, *ask = Py_None, *result = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|O:diff", kwlist, &history, &target, &ask))
        return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *from, *to;
    pw_oplist ops = {0};
    pw_error err;
    rename_ctx ctx = {ask};
    if (replay_into(a, history, &from) || pw_from_py_schema(a, target, &to)) goto done;
    if (pw_diff(a, from, to, ask == Py_None ? NULL : rename_bridge, &ctx, &ops, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = pw_to_py_ops(ops.items, ops.len);
done:
    pw_arena_free(a);
    return result;
}

/* [[[str, ...] per operation] per migration] from the string lists that at()
 * gives for migration i, operation j of data. New reference or NULL. */
typedef const pw_strlist *(*strlist_at)(const void *data, size_t i, size_t j);

static PyObject *lists_per_op(const pw_migration_ops *migs, size_t n, strlist_at at,
                              const void *data) {
    PyObject *result = PyList_New((Py_ssize_t)n);
    if (result == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *mig = PyList_New((Py_ssize_t)migs[i].nops);
        if (mig == NULL) goto fail;
        PyList_SET_ITEM(result, (Py_ssize_t)i, mig);
        for (size_t j = 0; j < migs[i].nops; j++) {
            PyObject *list = pw_to_py_strlist(at(data, i, j));
            if (list == NULL) goto fail;
            PyList_SET_ITEM(mig, (Py_ssize_t)j, list);
        }
    }
    return result;
fail:
    Py_DECREF(result);
    return NULL;
}

static const pw_strlist *statements_at(const void *data, size_t i, size_t j) {
    pw_op_sql *const *out = data;
    return &out[i][j].statements;
}

static const pw_strlist *names_at(const void *data, size_t i, size_t j) {
    pw_strlist *const *out = data;
    return &out[i][j];
}

/* Sets migs[i].safe from safe (None: leave them false; else one truth value
 * per migration of the run). 0, or -1 with an exception set ("<fn>: ..."). */
static int safe_per_migration(PyObject *safe, pw_migration_ops *migs, size_t n,
                              const char *fn) {
    if (safe == Py_None) return 0;
    PyObject *seq = PySequence_Fast(safe, "safe must be a sequence of bools");
    if (seq == NULL) return -1;
    if ((size_t)PySequence_Fast_GET_SIZE(seq) != n) {
        Py_DECREF(seq);
        PyErr_Format(PyExc_ValueError, "%s: safe needs one value per migration", fn);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int t = PyObject_IsTrue(PySequence_Fast_GET_ITEM(seq, (Py_ssize_t)i));
        if (t < 0) {
            Py_DECREF(seq);
            return -1;
        }
        migs[i].safe = t != 0;
    }
    Py_DECREF(seq);
    return 0;
}

static PyObject *engine_render(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    static char *kwlist[] = {"history", "run", "dialect", "backward", "safe", NULL};
    PyObject *history, *run, *safe = Py_None, *result = NULL;
    const char *dialect;
    int backward = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOs|pO:render", kwlist, &history, &run,
                                     &dialect, &backward, &safe))
        return NULL;
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *state;
    pw_migration_ops *migs;
    size_t n;
    pw_op_sql **out;
    pw_error err;
    if (replay_into(a, history, &state) || pw_from_py_history(a, run, &migs, &n)) goto done;
    if (safe_per_migration(safe, migs, n, "render")) goto done;
    if (pw_render_run(a, state, migs, n, (pw_dialect)d, backward != 0, &out, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = lists_per_op(migs, n, statements_at, out);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_strip_algorithm(PyObject *self, PyObject *arg) {
    (void)self;
    const char *stmt = PyUnicode_AsUTF8(arg);
    if (stmt == NULL) return NULL;
    return PyUnicode_FromStringAndSize(stmt, (Py_ssize_t)pw_sql_strip_algorithm(stmt));
}

/* Builds the graph of nodes; 0 or -1 with an exception. */
static int build_graph(pw_arena *a, PyObject *nodes, pw_graph **g) {
    pw_node_in *ns;
    size_t n;
    pw_error err;
    if (pw_from_py_nodes(a, nodes, &ns, &n)) return -1;
    if (pw_graph_build(a, ns, n, g, &err)) {
        pw_raise(&err);
        return -1;
    }
    return 0;
}

static PyObject *keys_to_list(const pw_graph *g, const size_t *idx, size_t n) {
    PyObject *list = PyList_New((Py_ssize_t)n);
    if (list == NULL) return NULL;
    for (size_t i = 0; i < n; i++) {
        PyObject *k = pw_to_py_key(pw_graph_key(g, idx[i]));
        if (k == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, k);
    }
    return list;
}

/* Indexes of keys in g; a key that is not a node raises GraphError. */
static int keys_to_indexes(pw_arena *a, const pw_graph *g, PyObject *list, size_t **out,
                           size_t *n) {
    pw_key *keys;
    if (pw_from_py_keys(a, list, &keys, n)) return -1;
    size_t *idx = pw_arena_calloc(a, *n ? *n : 1, sizeof *idx);
    if (idx == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < *n; i++) {
        long k = pw_graph_find(g, keys[i].app, keys[i].name);
        if (k < 0) {
            pw_error err;
            char path[PW_ERR_PATH_MAX];
            snprintf(path, sizeof path, "%s.%s", keys[i].app, keys[i].name);
            pw_error_set(&err, PW_ERR_MISSING_DEP, path, "migration %s does not exist", path);
            pw_raise(&err);
            return -1;
        }
        idx[i] = (size_t)k;
    }
    *out = idx;
    return 0;
}

static PyObject *engine_plan(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    static char *kwlist[] = {"nodes", "applied", "targets", "backward", NULL};
    PyObject *nodes, *applied, *targets, *result = NULL;
    int backward = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOO|p:plan", kwlist, &nodes, &applied,
                                     &targets, &backward))
        return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_graph *g;
    size_t *tidx, nt, *aidx, na, *out, nout;
    pw_error err;
    if (build_graph(a, nodes, &g) || keys_to_indexes(a, g, targets, &tidx, &nt) ||
        keys_to_indexes(a, g, applied, &aidx, &na))
        goto done;
    size_t size = pw_graph_size(g);
    bool *is_applied = pw_arena_calloc(a, size ? size : 1, sizeof *is_applied);
    if (is_applied == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i < na; i++) is_applied[aidx[i]] = true;
    int rc = backward ? pw_graph_backward_plan(a, g, tidx, nt, is_applied, &out, &nout, &err)
                      : pw_graph_forward_plan(a, g, tidx, nt, is_applied, &out, &nout, &err);
    if (rc) {
        pw_raise(&err);
        goto done;
    }
    result = keys_to_list(g, out, nout);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_order(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *nodes, *result = NULL;
    if (!PyArg_ParseTuple(args, "O:order", &nodes)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_graph *g;
    size_t *out, n;
    pw_error err;
    if (build_graph(a, nodes, &g)) goto done;
    if (pw_graph_order(a, g, &out, &n, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = keys_to_list(g, out, n);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_heads(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *nodes, *result = NULL;
    if (!PyArg_ParseTuple(args, "O:heads", &nodes)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_graph *g;
    pw_error err;
    if (build_graph(a, nodes, &g)) goto done;
    result = PyDict_New();
    if (result == NULL) goto done;
    size_t n = pw_graph_size(g);
    for (size_t i = 0; i < n; i++) {
        const pw_key *k = pw_graph_key(g, i);
        PyObject *app = PyUnicode_FromString(k->app);
        if (app == NULL) goto fail;
        int have = PyDict_Contains(result, app);
        if (have != 0) {
            Py_DECREF(app);
            if (have < 0) goto fail;
            continue;
        }
        size_t *h, nh;
        if (pw_graph_heads(a, g, k->app, &h, &nh, &err)) {
            Py_DECREF(app);
            pw_raise(&err);
            goto fail;
        }
        PyObject *names = PyList_New((Py_ssize_t)nh);
        if (names == NULL) {
            Py_DECREF(app);
            goto fail;
        }
        for (size_t j = 0; j < nh; j++) {
            PyObject *s = PyUnicode_FromString(pw_graph_key(g, h[j])->name);
            if (s == NULL) {
                Py_DECREF(app);
                Py_DECREF(names);
                goto fail;
            }
            PyList_SET_ITEM(names, (Py_ssize_t)j, s);
        }
        int rc = PyDict_SetItem(result, app, names);
        Py_DECREF(app);
        Py_DECREF(names);
        if (rc) goto fail;
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_check_graph(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *nodes, *result = NULL;
    if (!PyArg_ParseTuple(args, "O:check_graph", &nodes)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_graph *g;
    pw_error err;
    if (build_graph(a, nodes, &g)) goto done;
    if (pw_graph_check_heads(a, g, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    pw_arena_free(a);
    return result;
}

/* Parses (text, dialect), then returns what write() appends for them: the
 * shared body of quote_ident and string_literal. */
static PyObject *quote_with(PyObject *args, const char *format, const char *path,
                            const char *what,
                            void (*write)(pw_strbuf *, pw_dialect, const char *)) {
    const char *text, *dialect;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, format, &text, &len, &dialect)) return NULL;
    if ((size_t)len != strlen(text)) {
        pw_raise_invalid(path, "%s cannot contain a NUL character", what);
        return NULL;
    }
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    write(&sb, (pw_dialect)d, text);
    const char *s = pw_sb_cstr(&sb);
    PyObject *result = s ? PyUnicode_FromString(s) : PyErr_NoMemory();
    pw_arena_free(a);
    return result;
}

static PyObject *engine_quote_ident(PyObject *self, PyObject *args) {
    (void)self;
    return quote_with(args, "s#s:quote_ident", "name", "an identifier", pw_sql_ident);
}

static PyObject *engine_string_literal(PyObject *self, PyObject *args) {
    (void)self;
    return quote_with(args, "s#s:string_literal", "value", "a string literal",
                      pw_sql_string_literal);
}

static PyObject *engine_unique_name(PyObject *self, PyObject *args) {
    (void)self;
    const char *table, *column;
    if (!PyArg_ParseTuple(args, "ss:unique_name", &table, &column)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    const char *name = pw_sql_unique_name(a, table, column);
    PyObject *result = name ? PyUnicode_FromString(name) : PyErr_NoMemory();
    pw_arena_free(a);
    return result;
}

static PyObject *engine_catalog_type(PyObject *self, PyObject *args) {
    (void)self;
    const char *text, *dialect;
    if (!PyArg_ParseTuple(args, "ss:catalog_type", &text, &dialect)) return NULL;
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    const char *t = pw_catalog_type(a, (pw_dialect)d, text);
    PyObject *result = t ? PyUnicode_FromString(t) : PyErr_NoMemory();
    pw_arena_free(a);
    return result;
}

static PyObject *engine_catalog_default(PyObject *self, PyObject *args) {
    (void)self;
    const char *text = NULL, *dialect, *type = NULL;
    if (!PyArg_ParseTuple(args, "zs|z:catalog_default", &text, &dialect, &type)) return NULL;
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_default def;
    pw_error err;
    PyObject *result = NULL;
    if (pw_catalog_default(a, (pw_dialect)d, text, type, &def, &err))
        pw_raise(&err);
    else
        result = pw_to_py_default(&def);
    pw_arena_free(a);
    return result;
}

/* A list of table names, or None; -1 with an exception. */
static int table_names(pw_arena *a, PyObject *obj, const char ***out, size_t *n) {
    *out = NULL;
    *n = 0;
    if (obj == Py_None) return 0;
    if (!PyList_Check(obj) && !PyTuple_Check(obj))
        return pw_raise_invalid("tables", "tables must be a list of names");
    Py_ssize_t len = PySequence_Fast_GET_SIZE(obj);
    const char **v = pw_arena_calloc(a, (size_t)(len ? len : 1), sizeof *v);
    if (v == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *item = PySequence_Fast_ITEMS(obj)[i];
        if (!PyUnicode_Check(item)) return pw_raise_invalid("tables", "a table name must be a str");
        v[i] = PyUnicode_AsUTF8(item);
        if (v[i] == NULL) return -1;
    }
    *out = v;
    *n = (size_t)len;
    return 0;
}

static PyObject *engine_compare(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    static char *kwlist[] = {"live", "history", "dialect", "tables", "sql", NULL};
    PyObject *live_obj, *history, *tables_obj = Py_None, *result = NULL;
    const char *dialect;
    int sql = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOs|Op:compare", kwlist, &live_obj, &history,
                                     &dialect, &tables_obj, &sql))
        return NULL;
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *live, *expected, *state;
    const char **tables;
    size_t ntables;
    pw_difflist diffs;
    pw_oplist fix;
    pw_error err;
    if (pw_from_py_schema(a, live_obj, &live) || replay_into(a, history, &expected) ||
        table_names(a, tables_obj, &tables, &ntables))
        goto done;
    if (pw_compare(a, live, expected, (pw_dialect)d, tables, ntables, &diffs, &fix, &state,
                   &err)) {
        pw_raise(&err);
        goto done;
    }
    result = PyDict_New();
    if (result == NULL) goto done;
    PyObject *list = pw_to_py_differences(&diffs);
    if (list == NULL || PyDict_SetItemString(result, "differences", list)) {
        Py_XDECREF(list);
        goto fail;
    }
    Py_DECREF(list);
    if (sql) {
        pw_migration_ops mig = {"check --sql", fix.items, fix.len, false};
        pw_op_sql **out;
        if (pw_render_run(a, state, &mig, 1, (pw_dialect)d, false, &out, &err)) {
            pw_raise(&err);
            goto fail;
        }
        PyObject *stmts = PyList_New(0);
        if (stmts == NULL) goto fail;
        for (size_t j = 0; j < fix.len; j++)
            for (size_t k = 0; k < out[0][j].statements.len; k++) {
                PyObject *s = PyUnicode_FromString(out[0][j].statements.items[k]);
                if (s == NULL || PyList_Append(stmts, s)) {
                    Py_XDECREF(s);
                    Py_DECREF(stmts);
                    goto fail;
                }
                Py_DECREF(s);
            }
        int rc = PyDict_SetItemString(result, "sql", stmts);
        Py_DECREF(stmts);
        if (rc) goto fail;
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_adopt_baseline(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *live_obj, *target_obj, *result = NULL;
    const char *dialect;
    if (!PyArg_ParseTuple(args, "OOs:adopt_baseline", &live_obj, &target_obj, &dialect))
        return NULL;
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *live, *target, *baseline;
    pw_strlist adopted = {0};
    pw_error err;
    if (pw_from_py_schema(a, live_obj, &live) || pw_from_py_schema(a, target_obj, &target))
        goto done;
    if (pw_adopt_baseline(a, live, target, (pw_dialect)d, &baseline, &adopted, &err)) {
        pw_raise(&err);
        goto done;
    }
    PyObject *schema = pw_to_py_schema(baseline), *names = pw_to_py_strlist(&adopted);
    if (schema != NULL && names != NULL) result = PyTuple_Pack(2, schema, names);
    Py_XDECREF(schema);
    Py_XDECREF(names);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_touched(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *history, *run, *result = NULL;
    if (!PyArg_ParseTuple(args, "OO:touched", &history, &run)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *state;
    pw_migration_ops *migs;
    size_t n;
    pw_strlist **out;
    pw_error err;
    if (replay_into(a, history, &state) || pw_from_py_history(a, run, &migs, &n)) goto done;
    if (pw_touched_run(a, state, migs, n, &out, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = lists_per_op(migs, n, names_at, out);
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_merge_conflicts(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *left_obj, *right_obj, *result = NULL;
    if (!PyArg_ParseTuple(args, "OO:merge_conflicts", &left_obj, &right_obj)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_migration_ops *left, *right;
    size_t nl, nr, n;
    pw_conflict *out;
    pw_error err;
    if (pw_from_py_history(a, left_obj, &left, &nl) ||
        pw_from_py_history(a, right_obj, &right, &nr))
        goto done;
    if (pw_merge_conflicts(a, left, nl, right, nr, &out, &n, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; result != NULL && i < n; i++) {
        PyObject *item = Py_BuildValue("(sznnnn)", out[i].table, out[i].object,
                                       (Py_ssize_t)out[i].left_mig, (Py_ssize_t)out[i].left_op,
                                       (Py_ssize_t)out[i].right_mig,
                                       (Py_ssize_t)out[i].right_op);
        if (item == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, (Py_ssize_t)i, item);
    }
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_optimize(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    static char *kwlist[] = {"ops", "start_state", NULL};
    PyObject *ops_obj, *start_obj = Py_None, *result = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:optimize", kwlist, &ops_obj, &start_obj))
        return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *start = NULL;
    pw_oplist ops = {0}, out = {0};
    pw_error err;
    if (pw_from_py_ops(a, ops_obj, "optimize", &ops)) goto done;
    if (start_obj != Py_None && pw_from_py_schema(a, start_obj, &start)) goto done;
    if (pw_optimize(a, start, ops.items, ops.len, &out, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = pw_to_py_ops(out.items, out.len);
done:
    pw_arena_free(a);
    return result;
}

/* [{"class", "code", "reason", "alternative"}, ...] of one operation. New
 * reference or NULL. */
static PyObject *findings_to_list(const pw_findings *f) {
    PyObject *list = PyList_New((Py_ssize_t)f->len);
    for (size_t i = 0; list != NULL && i < f->len; i++) {
        const pw_finding *x = &f->items[i];
        PyObject *item = Py_BuildValue("{s:s,s:s,s:s,s:s}", "class", pw_risk_class_name(x->cls),
                                       "code", x->code, "reason", x->reason, "alternative",
                                       x->alternative);
        if (item == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
    return list;
}

static PyObject *engine_lint(PyObject *self, PyObject *args, PyObject *kwargs) {
    (void)self;
    static char *kwlist[] = {"history", "run", "dialect", "version", "mariadb", "safe", NULL};
    PyObject *history, *run, *safe = Py_None, *result = NULL;
    const char *dialect;
    long version = 0;
    int mariadb = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OOs|lpO:lint", kwlist, &history, &run,
                                     &dialect, &version, &mariadb, &safe))
        return NULL;
    int d = dialect_arg(dialect);
    if (d < 0) return NULL;
    pw_server srv = {.dialect = (pw_dialect)d, .version = version < 0 ? 0 : version,
                     .mariadb = mariadb != 0, .safe = false};
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *state;
    pw_migration_ops *migs;
    size_t n;
    pw_findings **out;
    pw_error err;
    if (replay_into(a, history, &state) || pw_from_py_history(a, run, &migs, &n) ||
        safe_per_migration(safe, migs, n, "lint"))
        goto done;
    if (pw_risk_run(a, state, migs, n, &srv, &out, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; result != NULL && i < n; i++) {
        PyObject *mig = PyList_New((Py_ssize_t)migs[i].nops);
        if (mig == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, (Py_ssize_t)i, mig);
        for (size_t j = 0; j < migs[i].nops; j++) {
            PyObject *f = findings_to_list(&out[i][j]);
            if (f == NULL) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(mig, (Py_ssize_t)j, f);
        }
    }
done:
    pw_arena_free(a);
    return result;
}

static PyObject *engine_stages(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *history, *run, *result = NULL;
    if (!PyArg_ParseTuple(args, "OO:stages", &history, &run)) return NULL;
    pw_arena *a = pw_arena_new();
    if (a == NULL) return PyErr_NoMemory();
    pw_schema *state;
    pw_migration_ops *migs;
    size_t n;
    pw_stage **out;
    pw_error err;
    if (replay_into(a, history, &state) || pw_from_py_history(a, run, &migs, &n)) goto done;
    if (pw_risk_stages(a, state, migs, n, &out, &err)) {
        pw_raise(&err);
        goto done;
    }
    result = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; result != NULL && i < n; i++) {
        PyObject *mig = PyList_New((Py_ssize_t)migs[i].nops);
        if (mig == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, (Py_ssize_t)i, mig);
        for (size_t j = 0; j < migs[i].nops; j++) {
            PyObject *name = PyUnicode_FromString(pw_stage_name(out[i][j]));
            if (name == NULL) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(mig, (Py_ssize_t)j, name);
        }
    }
done:
    pw_arena_free(a);
    return result;
}

static PyMethodDef engine_methods[] = {
    {"replay", engine_replay, METH_VARARGS,
     "replay(history) -> schema: apply every migration's operations from an empty schema."},
    {"diff", (PyCFunction)(void (*)(void))engine_diff, METH_VARARGS | METH_KEYWORDS,
     "diff(history, target, ask_rename=None) -> operations from the replayed history to target."},
    {"render", (PyCFunction)(void (*)(void))engine_render, METH_VARARGS | METH_KEYWORDS,
     "render(history, run, dialect, backward=False, safe=None) -> SQL per operation per "
     "migration; safe: per migration of the run, whether its SQL is lock-aware."},
    {"strip_algorithm", engine_strip_algorithm, METH_O,
     "strip_algorithm(statement) -> the statement without the ALGORITHM / LOCK clause a "
     "lock-aware MySQL statement ends with."},
    {"plan", (PyCFunction)(void (*)(void))engine_plan, METH_VARARGS | METH_KEYWORDS,
     "plan(nodes, applied, targets, backward=False) -> migration keys in execution order."},
    {"order", engine_order, METH_VARARGS, "order(nodes) -> every key, dependencies first."},
    {"heads", engine_heads, METH_VARARGS, "heads(nodes) -> {app: [leaf names]}."},
    {"merge_conflicts", engine_merge_conflicts, METH_VARARGS,
     "merge_conflicts(left, right) -> [(table, object, left_mig, left_op, right_mig, "
     "right_op)]: the operations of two branches that collide."},
    {"check_graph", engine_check_graph, METH_VARARGS,
     "check_graph(nodes): raise on a missing dependency, a cycle or an app with two heads."},
    {"quote_ident", engine_quote_ident, METH_VARARGS, "quote_ident(name, dialect) -> str."},
    {"string_literal", engine_string_literal, METH_VARARGS,
     "string_literal(value, dialect) -> an escaped SQL string literal."},
    {"unique_name", engine_unique_name, METH_VARARGS,
     "unique_name(table, column) -> the derived name of a column's own unique constraint."},
    {"catalog_type", engine_catalog_type, METH_VARARGS,
     "catalog_type(text, dialect) -> the type a catalog reports, as Tortoise spells it."},
    {"catalog_default", engine_catalog_default, METH_VARARGS,
     "catalog_default(text, dialect, type=None) -> the default a catalog's text means."},
    {"compare", (PyCFunction)(void (*)(void))engine_compare, METH_VARARGS | METH_KEYWORDS,
     "compare(live, history, dialect, tables=None, sql=False) -> {'differences': [...], "
     "'sql': [...]}: a database against the state of the migrations applied to it."},
    {"adopt_baseline", engine_adopt_baseline, METH_VARARGS,
     "adopt_baseline(live, target, dialect) -> (the schema of the live tables the models "
     "name, the live names of those tables)."},
    {"touched", engine_touched, METH_VARARGS,
     "touched(history, run) -> per migration, per operation, the tables its statements touch."},
    {"optimize", (PyCFunction)(void (*)(void))engine_optimize, METH_VARARGS | METH_KEYWORDS,
     "optimize(ops, start_state=None) -> the operations folded into fewer with the same "
     "effect on the schema from start_state (a schema; None: the empty one)."},
    {"lint", (PyCFunction)(void (*)(void))engine_lint, METH_VARARGS | METH_KEYWORDS,
     "lint(history, run, dialect, version=0, mariadb=False, safe=None) -> per migration, per "
     "operation, the risk findings: [{'class', 'code', 'reason', 'alternative'}, ...]; safe: "
     "per migration of the run, whether its SQL is lock-aware."},
    {"stages", engine_stages, METH_VARARGS,
     "stages(history, run) -> per migration, per operation, 'expand' or 'contract'."},
    {NULL, NULL, 0, NULL}};

static int engine_traverse(PyObject *m, visitproc visit, void *arg) {
    module_state *st = PyModule_GetState(m);
    Py_VISIT(st->pathway_error);
    Py_VISIT(st->schema_error);
    Py_VISIT(st->irreversible_error);
    Py_VISIT(st->unsupported_error);
    Py_VISIT(st->graph_error);
    Py_VISIT(st->cycle_error);
    Py_VISIT(st->missing_dependency_error);
    Py_VISIT(st->multiple_heads_error);
    return 0;
}

static int engine_clear(PyObject *m) {
    module_state *st = PyModule_GetState(m);
    Py_CLEAR(st->pathway_error);
    Py_CLEAR(st->schema_error);
    Py_CLEAR(st->irreversible_error);
    Py_CLEAR(st->unsupported_error);
    Py_CLEAR(st->graph_error);
    Py_CLEAR(st->cycle_error);
    Py_CLEAR(st->missing_dependency_error);
    Py_CLEAR(st->multiple_heads_error);
    return 0;
}

static void engine_free(void *m) { engine_clear((PyObject *)m); }

static struct PyModuleDef engine_module = {
    PyModuleDef_HEAD_INIT, "_engine",
    "The tortoise-pathway C engine: schema state, diff, SQL rendering, migration graph.",
    sizeof(module_state), engine_methods, NULL, engine_traverse, engine_clear, engine_free};

PyMODINIT_FUNC PyInit__engine(void) {
    PyObject *m = PyModule_Create(&engine_module);
    if (m == NULL) return NULL;
    module_state *st = PyModule_GetState(m);
    PyObject *exc = PyImport_ImportModule("tortoise_pathway.exceptions");
    if (exc == NULL) goto fail;
    struct {
        PyObject **slot;
        const char *name;
    } names[] = {{&st->pathway_error, "PathwayError"},
                 {&st->schema_error, "SchemaError"},
                 {&st->irreversible_error, "IrreversibleError"},
                 {&st->unsupported_error, "UnsupportedError"},
                 {&st->graph_error, "GraphError"},
                 {&st->cycle_error, "CycleError"},
                 {&st->missing_dependency_error, "MissingDependencyError"},
                 {&st->multiple_heads_error, "MultipleHeadsError"}};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        *names[i].slot = PyObject_GetAttrString(exc, names[i].name);
        if (*names[i].slot == NULL) {
            Py_DECREF(exc);
            goto fail;
        }
    }
    Py_DECREF(exc);
    if (PyState_AddModule(m, &engine_module)) goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
