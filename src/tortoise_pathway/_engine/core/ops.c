/*
 * ops.c - the operations of ops.h: their names, applying them to a schema
 * state, and computing their reverses.
 *
 * Owns: how each operation kind changes a pw_schema (and one pw_table for the
 * table-local kinds), the checks that keep the state valid while doing so,
 * and the reverse of each kind. Every apply validates everything first and
 * allocates before it mutates, so on error the state is unchanged. Does not
 * own: the schema data structure and its invariant (schema.c), finding
 * operations (diff.c), folding them (optimize.c) or their SQL (sql*.c).
 */
#include "ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KIND_NAMES[PW_OP_KIND_COUNT] = {
    "create_model", "delete_model", "rename_model", "alter_model",
    "add_field",    "remove_field", "alter_field",  "rename_field",
    "add_index",    "remove_index", "add_constraint", "remove_constraint",
    "run_sql",      "run_python"};

int pw_op_kind_from_name(const char *name) {
    if (name == NULL) return -1;
    for (int i = 0; i < PW_OP_KIND_COUNT; i++)
        if (strcmp(name, KIND_NAMES[i]) == 0) return i;
    return -1;
}

const char *pw_op_kind_name(pw_op_kind k) {
    switch (k) {
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_ADD_FIELD:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_ALTER_FIELD:
    case PW_OP_RENAME_FIELD:
    case PW_OP_ADD_INDEX:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return KIND_NAMES[k];
    }
    return "?";
}

int pw_oplist_push(pw_arena *a, pw_oplist *l, const pw_op *op, pw_error *err) {
    if (pw_arena_grow(a, (void **)&l->items, &l->cap, l->len + 1, sizeof *l->items))
        return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    l->items[l->len++] = *op;
    return 0;
}

const char *pw_op_table(const pw_op *op) {
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        return op->model != NULL ? op->model->name : NULL;
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_ADD_FIELD:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_ALTER_FIELD:
    case PW_OP_RENAME_FIELD:
    case PW_OP_ADD_INDEX:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
        return op->table;
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return NULL;
    }
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

static int nomem(pw_error *err) { return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory"); }

static bool name_ok(const char *s) { return s != NULL && *s != '\0'; }

static bool str_is(const char *x, const char *y) {
    return x != NULL && y != NULL && strcmp(x, y) == 0;
}

/* Writes "table.column" into buf (PW_ERR_PATH_MAX bytes); returns buf. */
static const char *col_path(char *buf, const char *table, const char *column) {
    snprintf(buf, PW_ERR_PATH_MAX, "%s.%s", table ? table : "?", column ? column : "?");
    return buf;
}

/* True when c's foreign key points at column `column` of table `table`. */
static bool fk_points_at(const pw_column *c, const char *table, const char *column) {
    return c->fk.table != NULL && strcmp(c->fk.table, table) == 0 && str_is(c->fk.column, column);
}

/* Arena copy of s, which must be non-NULL; NULL out of memory. */
static const char *dup(pw_arena *a, const char *s) { return pw_arena_strdup(a, s); }

/* Arena copy of s that may be NULL. Returns false out of memory. */
static bool dup_opt(pw_arena *a, const char **dst, const char *src) {
    if (src == NULL) {
        *dst = NULL;
        return true;
    }
    *dst = pw_arena_strdup(a, src);
    return *dst != NULL;
}

/* The op's table name must be given: 0 or PW_ERR_INVALID. */
static int need_table(const pw_op *op, pw_error *err) {
    if (!name_ok(op->table))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "%s operation names no table",
                            pw_op_kind_name(op->kind));
    return 0;
}

/* For a column c about to be in table t (ADD_FIELD / ALTER_FIELD): at most
 * one primary key (other than the column named c->name itself), and a
 * foreign key to t itself must name a column of t or c itself. 0 or
 * PW_ERR_INVALID. */
static int check_column_in_table(const pw_table *t, const pw_column *c, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    col_path(path, t->name, c->name);
    if (c->pk) {
        for (size_t i = 0; i < t->ncolumns; i++) {
            const pw_column *o = t->columns[i];
            if (o->pk && strcmp(o->name, c->name) != 0)
                return pw_error_set(err, PW_ERR_INVALID, path,
                                    "column %s cannot be a primary key: table %s already has "
                                    "primary key %s",
                                    path, t->name, o->name);
        }
    }
    if (c->fk.table != NULL && str_is(c->fk.table, t->name) &&
        strcmp(c->fk.column, c->name) != 0 && pw_table_find_column(t, c->fk.column) == NULL)
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "foreign key of %s points to %s.%s, which does not exist", path,
                            c->fk.table, c->fk.column);
    return 0;
}

/* A foreign key of column c (of table `table`) that points at another table
 * of s must name a column that table has. 0 or PW_ERR_INVALID. */
static int check_fk_target(const pw_schema *s, const char *table, const pw_column *c,
                           pw_error *err) {
    if (c->fk.table == NULL || strcmp(c->fk.table, table) == 0) return 0;
    const pw_table *ref = pw_schema_find_table(s, c->fk.table);
    if (ref != NULL && pw_table_find_column(ref, c->fk.column) == NULL) {
        char path[PW_ERR_PATH_MAX];
        col_path(path, table, c->name);
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "foreign key of %s points to %s.%s, which does not exist", path,
                            c->fk.table, c->fk.column);
    }
    return 0;
}

/* Columns of s whose foreign key names table `name` (not in s: a table of
 * another app, or a dangling name) must find their column in t, which is
 * about to be known as `name`. 0 or PW_ERR_INVALID. */
static int check_incoming_fks(const pw_schema *s, const char *name, const pw_table *t,
                              pw_error *err) {
    for (size_t i = 0; i < s->ntables; i++) {
        const pw_table *o = s->tables[i];
        for (size_t k = 0; k < o->ncolumns; k++) {
            const pw_column *c = o->columns[k];
            if (c->fk.table == NULL || strcmp(c->fk.table, name) != 0) continue;
            if (pw_table_find_column(t, c->fk.column) == NULL) {
                char path[PW_ERR_PATH_MAX];
                col_path(path, o->name, c->name);
                return pw_error_set(err, PW_ERR_INVALID, name,
                                    "foreign key %s points to %s.%s, which table %s would not "
                                    "have",
                                    path, name, c->fk.column, name);
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Table-local application                                                  */

static int local_alter_model(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    const char *comment, *schema;
    if (op->schema != NULL && op->schema[0] == '\0')
        return pw_error_set(err, PW_ERR_INVALID, t->name,
                            "alter_model of table %s has an empty schema name", t->name);
    if (!dup_opt(a, &comment, op->comment) || !dup_opt(a, &schema, op->schema)) return nomem(err);
    t->comment = comment;
    t->schema = schema;
    return 0;
}

static int local_add_field(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    int rc = pw_column_check(t->name, op->column, err);
    if (rc) return rc;
    col_path(path, t->name, op->column->name);
    if (pw_table_find_column(t, op->column->name) != NULL)
        return pw_error_set(err, PW_ERR_EXISTS, path, "column %s already exists", path);
    rc = check_column_in_table(t, op->column, err);
    if (rc) return rc;
    pw_column *c = pw_column_copy(a, op->column);
    if (c == NULL) return nomem(err);
    return pw_table_add_column(a, t, c, err);
}

static int local_remove_field(pw_table *t, const pw_op *op, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    if (!name_ok(op->name))
        return pw_error_set(err, PW_ERR_INVALID, t->name,
                            "remove_field on table %s names no column", t->name);
    col_path(path, t->name, op->name);
    long pos = pw_table_column_index(t, op->name);
    if (pos < 0) return pw_error_set(err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    for (size_t i = 0; i < t->nindexes; i++) {
        const pw_index *ix = t->indexes[i];
        for (size_t k = 0; k < ix->ncolumns; k++)
            if (str_is(ix->columns[k], op->name))
                return pw_error_set(err, PW_ERR_INVALID, path,
                                    "column %s is used by index %s; remove index %s first", path,
                                    ix->name, ix->name);
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        const pw_column *c = t->columns[i];
        if ((long)i != pos && fk_points_at(c, t->name, op->name)) {
            char ref[PW_ERR_PATH_MAX];
            col_path(ref, t->name, c->name);
            return pw_error_set(err, PW_ERR_INVALID, path,
                                "column %s is referenced by foreign key %s; remove it first",
                                path, ref);
        }
    }
    pw_table_remove_column_at(t, (size_t)pos);
    return 0;
}

static int local_alter_field(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    int rc = pw_column_check(t->name, op->column, err);
    if (rc) return rc;
    col_path(path, t->name, op->column->name);
    long pos = pw_table_column_index(t, op->column->name);
    if (pos < 0) return pw_error_set(err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    rc = check_column_in_table(t, op->column, err);
    if (rc) return rc;
    pw_column *c = pw_column_copy(a, op->column);
    if (c == NULL) return nomem(err);
    t->columns[pos] = c;
    return 0;
}

static int local_rename_field(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    if (!name_ok(op->name))
        return pw_error_set(err, PW_ERR_INVALID, t->name,
                            "rename_field on table %s names no column", t->name);
    col_path(path, t->name, op->name);
    pw_column *col = pw_table_find_column(t, op->name);
    if (col == NULL)
        return pw_error_set(err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    if (!name_ok(op->new_name))
        return pw_error_set(err, PW_ERR_INVALID, path, "rename of column %s has no new name",
                            path);
    if (pw_table_find_column(t, op->new_name) != NULL) {
        col_path(path, t->name, op->new_name);
        return pw_error_set(err, PW_ERR_EXISTS, path, "column %s already exists", path);
    }
    const char *old = op->name;
    const char *nn = dup(a, op->new_name);
    if (nn == NULL) return nomem(err);
    /* Nothing below can fail. Compare against `old` (the caller's string),
     * which stays valid while pointers in t are reassigned. */
    for (size_t i = 0; i < t->nindexes; i++) {
        pw_index *ix = t->indexes[i];
        for (size_t k = 0; k < ix->ncolumns; k++)
            if (str_is(ix->columns[k], old)) ix->columns[k] = nn;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        pw_column *c = t->columns[i];
        if (fk_points_at(c, t->name, old)) c->fk.column = nn;
    }
    col->name = nn;
    return 0;
}

/* 0, or PW_ERR_INVALID naming the problem with the index definition ix of
 * table t (names, column list), or PW_ERR_NOT_FOUND for a missing column. */
static int check_index_def(const pw_table *t, const pw_index *ix, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    if (ix == NULL || !name_ok(ix->name))
        return pw_error_set(err, PW_ERR_INVALID, t->name, "an index of table %s has no name",
                            t->name);
    int rc = pw_index_check(ix, err);
    if (rc) return rc;
    for (size_t k = 0; k < ix->ncolumns; k++)
        if (pw_table_find_column(t, ix->columns[k]) == NULL) {
            col_path(path, t->name, ix->columns[k]);
            return pw_error_set(err, PW_ERR_NOT_FOUND, path,
                                "index %s names column %s, which does not exist", ix->name, path);
        }
    return 0;
}

static int local_add_index(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    int rc = check_index_def(t, op->index, err);
    if (rc) return rc;
    if (pw_table_find_index(t, op->index->name) != NULL)
        return pw_error_set(err, PW_ERR_EXISTS, op->index->name, "index %s already exists",
                            op->index->name);
    pw_index *ix = pw_index_copy(a, op->index);
    if (ix == NULL) return nomem(err);
    return pw_table_add_index(a, t, ix, err);
}

static int local_remove_index(pw_table *t, const pw_op *op, pw_error *err) {
    if (!name_ok(op->name))
        return pw_error_set(err, PW_ERR_INVALID, t->name,
                            "remove_index on table %s names no index", t->name);
    long pos = pw_table_index_index(t, op->name);
    if (pos < 0)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->name, "index %s of table %s does not exist",
                            op->name, t->name);
    pw_table_remove_index_at(t, (size_t)pos);
    return 0;
}

static int local_add_check(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    int rc = pw_check_validate(op->check, err);
    if (rc) return rc;
    if (pw_table_find_check(t, op->check->name) != NULL)
        return pw_error_set(err, PW_ERR_EXISTS, op->check->name,
                            "check constraint %s of table %s already exists", op->check->name,
                            t->name);
    pw_check *c = pw_check_copy(a, op->check);
    if (c == NULL) return nomem(err);
    return pw_table_add_check(a, t, c, err);
}

static int local_remove_check(pw_table *t, const pw_op *op, pw_error *err) {
    if (!name_ok(op->name))
        return pw_error_set(err, PW_ERR_INVALID, t->name,
                            "remove_constraint on table %s names no constraint", t->name);
    long pos = pw_table_check_index(t, op->name);
    if (pos < 0)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->name,
                            "check constraint %s of table %s does not exist", op->name, t->name);
    pw_table_remove_check_at(t, (size_t)pos);
    return 0;
}

/* The table-local kinds on t; others give PW_ERR_INVALID. Checks all before
 * changing t, so on error t is unchanged. */
static int apply_local(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    switch (op->kind) {
    case PW_OP_ALTER_MODEL:
        return local_alter_model(a, t, op, err);
    case PW_OP_ADD_FIELD:
        if (op->column == NULL)
            return pw_error_set(err, PW_ERR_INVALID, t->name,
                                "add_field on table %s has no column", t->name);
        return local_add_field(a, t, op, err);
    case PW_OP_REMOVE_FIELD:
        return local_remove_field(t, op, err);
    case PW_OP_ALTER_FIELD:
        if (op->column == NULL)
            return pw_error_set(err, PW_ERR_INVALID, t->name,
                                "alter_field on table %s has no column", t->name);
        return local_alter_field(a, t, op, err);
    case PW_OP_RENAME_FIELD:
        return local_rename_field(a, t, op, err);
    case PW_OP_ADD_INDEX:
        if (op->index == NULL)
            return pw_error_set(err, PW_ERR_INVALID, t->name,
                                "add_index on table %s has no index", t->name);
        return local_add_index(a, t, op, err);
    case PW_OP_REMOVE_INDEX:
        return local_remove_index(t, op, err);
    case PW_OP_ADD_CONSTRAINT:
        if (op->check == NULL)
            return pw_error_set(err, PW_ERR_INVALID, t->name,
                                "add_constraint on table %s has no constraint", t->name);
        return local_add_check(a, t, op, err);
    case PW_OP_REMOVE_CONSTRAINT:
        return local_remove_check(t, op, err);
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return pw_error_set(err, PW_ERR_INVALID, t->name,
                            "%s is not an operation on one table", pw_op_kind_name(op->kind));
    }
    return pw_error_set(err, PW_ERR_INVALID, t->name, "unknown operation kind %d", (int)op->kind);
}

int pw_op_apply_table(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err) {
    return apply_local(a, t, op, err);
}

/* ------------------------------------------------------------------------ */
/* Schema-wide application                                                  */

static int apply_create_model(pw_arena *a, pw_schema *s, const pw_op *op, pw_error *err) {
    const pw_table *m = op->model;
    if (m == NULL)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "create_model operation has no table");
    int rc = pw_table_check(m, err);
    if (rc) return rc;
    /* What ADD_FIELD and ADD_INDEX refuse beyond pw_table_check (a foreign
     * key to table "", an index naming a column twice), so that a state never
     * holds what its reverses could not re-add. */
    for (size_t i = 0; i < m->ncolumns; i++)
        if ((rc = pw_column_check(m->name, m->columns[i], err)) != 0) return rc;
    for (size_t i = 0; i < m->nindexes; i++)
        if ((rc = check_index_def(m, m->indexes[i], err)) != 0) return rc;
    if (pw_schema_find_table(s, m->name) != NULL)
        return pw_error_set(err, PW_ERR_EXISTS, m->name, "table %s already exists", m->name);
    for (size_t i = 0; i < m->nindexes; i++) {
        pw_table *owner = NULL;
        if (pw_schema_find_index(s, m->indexes[i]->name, &owner) != NULL)
            return pw_error_set(err, PW_ERR_EXISTS, m->indexes[i]->name,
                                "index %s already exists on table %s", m->indexes[i]->name,
                                owner->name);
    }
    for (size_t i = 0; i < m->ncolumns; i++) {
        const pw_column *c = m->columns[i];
        if (c->fk.table != NULL && strcmp(c->fk.table, m->name) == 0 &&
            pw_table_find_column(m, c->fk.column) == NULL) {
            char path[PW_ERR_PATH_MAX];
            col_path(path, m->name, c->name);
            return pw_error_set(err, PW_ERR_INVALID, path,
                                "foreign key of %s points to %s.%s, which does not exist", path,
                                c->fk.table, c->fk.column);
        }
        rc = check_fk_target(s, m->name, c, err);
        if (rc) return rc;
    }
    rc = check_incoming_fks(s, m->name, m, err);
    if (rc) return rc;
    pw_table *t = pw_table_copy(a, m);
    if (t == NULL) return nomem(err);
    return pw_schema_add_table(a, s, t, err);
}

static int apply_delete_model(pw_schema *s, const pw_op *op, pw_error *err) {
    long pos = pw_schema_table_index(s, op->table);
    if (pos < 0)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                            op->table);
    for (size_t i = 0; i < s->ntables; i++) {
        const pw_table *o = s->tables[i];
        if ((long)i == pos) continue;
        for (size_t k = 0; k < o->ncolumns; k++) {
            const pw_column *c = o->columns[k];
            if (c->fk.table != NULL && strcmp(c->fk.table, op->table) == 0) {
                char ref[PW_ERR_PATH_MAX];
                col_path(ref, o->name, c->name);
                return pw_error_set(err, PW_ERR_INVALID, op->table,
                                    "table %s is referenced by foreign key %s; remove it first",
                                    op->table, ref);
            }
        }
    }
    pw_schema_remove_table_at(s, (size_t)pos);
    return 0;
}

static int apply_rename_model(pw_arena *a, pw_schema *s, const pw_op *op, pw_error *err) {
    pw_table *t = pw_schema_find_table(s, op->table);
    if (t == NULL)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                            op->table);
    if (!name_ok(op->new_name))
        return pw_error_set(err, PW_ERR_INVALID, op->table, "rename of table %s has no new name",
                            op->table);
    if (pw_schema_find_table(s, op->new_name) != NULL)
        return pw_error_set(err, PW_ERR_EXISTS, op->new_name, "table %s already exists",
                            op->new_name);
    int rc = check_incoming_fks(s, op->new_name, t, err);
    if (rc) return rc;
    const char *nn = dup(a, op->new_name);
    if (nn == NULL) return nomem(err);
    /* Nothing below can fail. */
    const char *old = op->table;
    for (size_t i = 0; i < s->ntables; i++) {
        pw_table *o = s->tables[i];
        for (size_t k = 0; k < o->ncolumns; k++) {
            pw_column *c = o->columns[k];
            if (c->fk.table != NULL && strcmp(c->fk.table, old) == 0) c->fk.table = nn;
        }
    }
    t->name = nn;
    return 0;
}

/* The table-local kinds with their cross-table checks and updates. */
static int apply_on_table(pw_arena *a, pw_schema *s, const pw_op *op, pw_error *err) {
    pw_table *t = pw_schema_find_table(s, op->table);
    if (t == NULL)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                            op->table);
    int rc;
    /* Cross-table checks first: nothing is changed yet. */
    switch (op->kind) {
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        /* Only when the local step would otherwise pass its name check, so
         * NOT_FOUND / EXISTS come before a foreign-key complaint. */
        if (op->column != NULL && name_ok(op->column->name) &&
            (pw_table_find_column(t, op->column->name) != NULL) ==
                (op->kind == PW_OP_ALTER_FIELD)) {
            rc = pw_column_check(t->name, op->column, err);
            if (rc) return rc;
            rc = check_fk_target(s, t->name, op->column, err);
            if (rc) return rc;
        }
        break;
    case PW_OP_REMOVE_FIELD:
        if (name_ok(op->name) && pw_table_find_column(t, op->name) != NULL) {
            for (size_t i = 0; i < s->ntables; i++) {
                const pw_table *o = s->tables[i];
                if (o == t) continue;
                for (size_t k = 0; k < o->ncolumns; k++) {
                    if (!fk_points_at(o->columns[k], t->name, op->name)) continue;
                    char path[PW_ERR_PATH_MAX], ref[PW_ERR_PATH_MAX];
                    col_path(path, t->name, op->name);
                    col_path(ref, o->name, o->columns[k]->name);
                    return pw_error_set(err, PW_ERR_INVALID, path,
                                        "column %s is referenced by foreign key %s; remove it "
                                        "first",
                                        path, ref);
                }
            }
        }
        break;
    case PW_OP_ADD_INDEX:
        if (op->index != NULL && name_ok(op->index->name)) {
            pw_table *owner = NULL;
            if (pw_schema_find_index(s, op->index->name, &owner) != NULL && owner != t)
                return pw_error_set(err, PW_ERR_EXISTS, op->index->name,
                                    "index %s already exists on table %s", op->index->name,
                                    owner->name);
        }
        break;
    case PW_OP_ALTER_MODEL:
    case PW_OP_RENAME_FIELD:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        break;
    }
    const char *old = op->name; /* RENAME_FIELD: the caller's string, stays valid */
    rc = apply_local(a, t, op, err);
    if (rc) return rc;
    /* Cross-table updates: no allocation, cannot fail. */
    if (op->kind == PW_OP_RENAME_FIELD) {
        const char *nn = pw_table_find_column(t, op->new_name)->name;
        for (size_t i = 0; i < s->ntables; i++) {
            pw_table *o = s->tables[i];
            if (o == t) continue;
            for (size_t k = 0; k < o->ncolumns; k++)
                if (fk_points_at(o->columns[k], t->name, old)) o->columns[k]->fk.column = nn;
        }
    }
    return 0;
}

#ifdef PW_DEBUG
/* Debug builds: the schema invariant must hold after every operation. */
static void debug_check(const pw_schema *s, const pw_op *op) {
    pw_error e;
    pw_error_clear(&e);
    if (pw_schema_check(s, &e) != 0) {
        fprintf(stderr, "pw_op_apply: invariant broken after %s on %s: %s (%s)\n",
                pw_op_kind_name(op->kind), pw_op_table(op) ? pw_op_table(op) : "-", e.message,
                e.path);
        abort();
    }
}
#endif

static bool kind_known(pw_op_kind k) { return (unsigned)k < PW_OP_KIND_COUNT; }

int pw_op_apply(pw_arena *a, pw_schema *s, const pw_op *op, pw_error *err) {
    if (!kind_known(op->kind))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "unknown operation kind %d",
                            (int)op->kind);
    int rc = 0;
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        rc = apply_create_model(a, s, op, err);
        break;
    case PW_OP_DELETE_MODEL:
        rc = need_table(op, err);
        if (rc == 0) rc = apply_delete_model(s, op, err);
        break;
    case PW_OP_RENAME_MODEL:
        rc = need_table(op, err);
        if (rc == 0) rc = apply_rename_model(a, s, op, err);
        break;
    case PW_OP_ALTER_MODEL:
    case PW_OP_ADD_FIELD:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_ALTER_FIELD:
    case PW_OP_RENAME_FIELD:
    case PW_OP_ADD_INDEX:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
        rc = need_table(op, err);
        if (rc == 0) rc = apply_on_table(a, s, op, err);
        break;
    case PW_OP_RUN_SQL:
        if (op->sql_forward == NULL)
            rc = pw_error_set(err, PW_ERR_INVALID, NULL, "run_sql operation has no forward SQL");
        break;
    case PW_OP_RUN_PYTHON:
        break;
    }
#ifdef PW_DEBUG
    if (rc == 0) debug_check(s, op);
#endif
    return rc;
}

int pw_ops_apply_all(pw_arena *a, pw_schema *s, const pw_op *ops, size_t n, pw_error *err) {
    for (size_t i = 0; i < n; i++) {
        int rc = pw_op_apply(a, s, &ops[i], err);
        if (rc == 0) continue;
        char msg[PW_ERR_MESSAGE_MAX], path[PW_ERR_PATH_MAX];
        memcpy(msg, err->message, sizeof msg);
        memcpy(path, err->path, sizeof path);
        return pw_error_set(err, (pw_status)rc, path, "operation %zu (%s): %s", i + 1,
                            pw_op_kind_name(ops[i].kind), msg);
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Reverses                                                                 */

/* Sets *out to the table named op->table in before: 0, PW_ERR_INVALID
 * (no name) or PW_ERR_NOT_FOUND. */
static int before_table(const pw_schema *before, const pw_op *op, const pw_table **out,
                        pw_error *err) {
    int rc = need_table(op, err);
    if (rc) return rc;
    *out = pw_schema_find_table(before, op->table);
    if (*out == NULL)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                            op->table);
    return 0;
}

/* Sets *out to the column `name` of t: 0, PW_ERR_INVALID or PW_ERR_NOT_FOUND. */
static int before_column(const pw_table *t, const char *name, const pw_column **out,
                         pw_error *err) {
    if (!name_ok(name))
        return pw_error_set(err, PW_ERR_INVALID, t->name, "operation on table %s names no column",
                            t->name);
    *out = pw_table_find_column(t, name);
    if (*out == NULL) {
        char path[PW_ERR_PATH_MAX];
        col_path(path, t->name, name);
        return pw_error_set(err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    }
    return 0;
}

int pw_op_reverse(pw_arena *a, const pw_schema *before, const pw_op *op, pw_op *out,
                  pw_error *err) {
    if (!kind_known(op->kind))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "unknown operation kind %d",
                            (int)op->kind);
    pw_op r;
    memset(&r, 0, sizeof r);
    const pw_table *t = NULL;
    const pw_column *c = NULL;
    const pw_index *ix = NULL;
    char path[PW_ERR_PATH_MAX];
    int rc = 0;
    bool ok = true;
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        if (op->model == NULL || !name_ok(op->model->name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, NULL, "create_model operation has no table");
            goto done;
        }
        r.kind = PW_OP_DELETE_MODEL;
        ok = (r.table = dup(a, op->model->name)) != NULL;
        break;
    case PW_OP_DELETE_MODEL:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        r.kind = PW_OP_CREATE_MODEL;
        ok = (r.model = pw_table_copy(a, t)) != NULL;
        break;
    case PW_OP_RENAME_MODEL:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if (!name_ok(op->new_name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, t->name, "rename of table %s has no new name",
                              t->name);
            goto done;
        }
        r.kind = PW_OP_RENAME_MODEL;
        ok = (r.table = dup(a, op->new_name)) != NULL && (r.new_name = dup(a, t->name)) != NULL;
        break;
    case PW_OP_ALTER_MODEL:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        r.kind = PW_OP_ALTER_MODEL;
        ok = (r.table = dup(a, t->name)) != NULL && dup_opt(a, &r.comment, t->comment) &&
             dup_opt(a, &r.schema, t->schema);
        break;
    case PW_OP_ADD_FIELD:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if (op->column == NULL || !name_ok(op->column->name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, t->name, "add_field on table %s has no column",
                              t->name);
            goto done;
        }
        r.kind = PW_OP_REMOVE_FIELD;
        ok = (r.table = dup(a, t->name)) != NULL && (r.name = dup(a, op->column->name)) != NULL;
        break;
    case PW_OP_REMOVE_FIELD:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if ((rc = before_column(t, op->name, &c, err)) != 0) goto done;
        r.kind = PW_OP_ADD_FIELD;
        ok = (r.table = dup(a, t->name)) != NULL && (r.column = pw_column_copy(a, c)) != NULL;
        break;
    case PW_OP_ALTER_FIELD:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if ((rc = before_column(t, op->column ? op->column->name : NULL, &c, err)) != 0)
            goto done;
        r.kind = PW_OP_ALTER_FIELD;
        ok = (r.table = dup(a, t->name)) != NULL && (r.column = pw_column_copy(a, c)) != NULL;
        break;
    case PW_OP_RENAME_FIELD:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if ((rc = before_column(t, op->name, &c, err)) != 0) goto done;
        if (!name_ok(op->new_name)) {
            col_path(path, t->name, c->name);
            rc = pw_error_set(err, PW_ERR_INVALID, path, "rename of column %s has no new name",
                              path);
            goto done;
        }
        r.kind = PW_OP_RENAME_FIELD;
        ok = (r.table = dup(a, t->name)) != NULL && (r.name = dup(a, op->new_name)) != NULL &&
             (r.new_name = dup(a, c->name)) != NULL;
        break;
    case PW_OP_ADD_INDEX:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if (op->index == NULL || !name_ok(op->index->name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, t->name, "add_index on table %s has no index",
                              t->name);
            goto done;
        }
        r.kind = PW_OP_REMOVE_INDEX;
        ok = (r.table = dup(a, t->name)) != NULL && (r.name = dup(a, op->index->name)) != NULL;
        break;
    case PW_OP_REMOVE_INDEX:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if (!name_ok(op->name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, t->name,
                              "remove_index on table %s names no index", t->name);
            goto done;
        }
        if ((ix = pw_table_find_index(t, op->name)) == NULL) {
            rc = pw_error_set(err, PW_ERR_NOT_FOUND, op->name,
                              "index %s of table %s does not exist", op->name, t->name);
            goto done;
        }
        r.kind = PW_OP_ADD_INDEX;
        ok = (r.table = dup(a, t->name)) != NULL && (r.index = pw_index_copy(a, ix)) != NULL;
        break;
    case PW_OP_ADD_CONSTRAINT:
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if (op->check == NULL || !name_ok(op->check->name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, t->name,
                              "add_constraint on table %s has no constraint", t->name);
            goto done;
        }
        r.kind = PW_OP_REMOVE_CONSTRAINT;
        ok = (r.table = dup(a, t->name)) != NULL && (r.name = dup(a, op->check->name)) != NULL;
        break;
    case PW_OP_REMOVE_CONSTRAINT: {
        if ((rc = before_table(before, op, &t, err)) != 0) goto done;
        if (!name_ok(op->name)) {
            rc = pw_error_set(err, PW_ERR_INVALID, t->name,
                              "remove_constraint on table %s names no constraint", t->name);
            goto done;
        }
        const pw_check *ck = pw_table_find_check(t, op->name);
        if (ck == NULL) {
            rc = pw_error_set(err, PW_ERR_NOT_FOUND, op->name,
                              "check constraint %s of table %s does not exist", op->name,
                              t->name);
            goto done;
        }
        r.kind = PW_OP_ADD_CONSTRAINT;
        ok = (r.table = dup(a, t->name)) != NULL && (r.check = pw_check_copy(a, ck)) != NULL;
        break;
    }
    case PW_OP_RUN_SQL:
        if (op->sql_backward == NULL) {
            rc = pw_error_set(err, PW_ERR_IRREVERSIBLE, NULL,
                              "run_sql operation has no backward SQL and cannot be reversed");
            goto done;
        }
        r.kind = PW_OP_RUN_SQL;
        r.elidable = op->elidable;
        ok = dup_opt(a, &r.sql_forward, op->sql_backward) &&
             dup_opt(a, &r.sql_backward, op->sql_forward);
        break;
    case PW_OP_RUN_PYTHON:
        if (!op->reversible) {
            rc = pw_error_set(err, PW_ERR_IRREVERSIBLE, NULL,
                              "run_python operation has no backward code and cannot be reversed");
            goto done;
        }
        r.kind = PW_OP_RUN_PYTHON;
        r.reversible = true;
        r.elidable = op->elidable;
        break;
    }
    if (!ok) {
        rc = nomem(err);
        goto done;
    }
    *out = r;
done:
    return rc;
}
