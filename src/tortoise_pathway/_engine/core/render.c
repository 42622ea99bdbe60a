/*
 * render.c - rendering a run of migrations to SQL, forward or backward.
 *
 * Owns: the walk over a run (migrations, then their operations) that keeps
 * the schema state in step with the SQL, so each operation is rendered
 * against the state the database has when its statements execute; the
 * tables each operation's statements touch; and the migration/operation
 * prefix of error messages. Does not own: the SQL of one
 * operation (sql.c and the dialect files), applying or reversing one
 * operation (ops.c), or replaying the base history (the caller).
 *
 * Backward does not copy the schema per operation: one forward pass applies
 * the run while it computes each operation's reverse against the state
 * before it; the reverses are then rendered and applied from the last
 * operation of the last migration to the first of the first.
 */
#include "render.h"

#include <string.h>

#include "sql.h"

static int nomem(pw_error *err) { return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory"); }

/* Re-sets err (already filled by a callee) with its message prefixed by
 * "<label>: operation N (kind): ", N counting from 1 as pw_ops_apply_all does.
 * The path stays the callee's (the object at fault), or becomes the label
 * when the callee gave none. Returns the callee's code. */
int pw_locate_error(pw_error *err, const pw_migration_ops *m, size_t j) {
    char msg[PW_ERR_MESSAGE_MAX], path[PW_ERR_PATH_MAX];
    const char *label = m->label ? m->label : "(migration)";
    memcpy(msg, err->message, sizeof msg);
    memcpy(path, err->path, sizeof path);
    msg[sizeof msg - 1] = '\0';
    path[sizeof path - 1] = '\0';
    return pw_error_set(err, err->code, path[0] ? path : label, "%s: operation %zu (%s): %s",
                        label, j + 1, pw_op_kind_name(m->ops[j].kind), msg);
}

/* Renders op against state into sql, then applies it to state. */
static int render_apply(pw_arena *a, pw_schema *state, const pw_op *op, pw_dialect d, bool safe,
                        pw_op_sql *sql, pw_error *err) {
    int rc = pw_sql_render_op_safe(a, state, op, d, safe, &sql->statements, err);
    if (rc == 0) rc = pw_op_apply(a, state, op, err);
    return rc;
}

/* Contract in render.h. */
int pw_render_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                  pw_dialect d, bool backward, pw_op_sql ***out, pw_error *err) {
    int rc = 0;
    pw_op **rev = NULL;
    pw_op_sql **res = pw_arena_calloc(a, n ? n : 1, sizeof *res);
    *out = NULL;
    if (res == NULL) {
        rc = nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        res[i] = pw_arena_calloc(a, migs[i].nops ? migs[i].nops : 1, sizeof **res);
        if (res[i] == NULL) {
            rc = nomem(err);
            goto done;
        }
    }

    if (!backward) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < migs[i].nops; j++)
                if ((rc = render_apply(a, state, &migs[i].ops[j], d, migs[i].safe, &res[i][j], err)) != 0) {
                    rc = pw_locate_error(err, &migs[i], j);
                    goto done;
                }
        *out = res;
        goto done;
    }

    /* Backward, pass 1: apply the run, keeping the reverse of each operation. */
    rev = pw_arena_calloc(a, n ? n : 1, sizeof *rev);
    if (rev == NULL) {
        rc = nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        rev[i] = pw_arena_calloc(a, migs[i].nops ? migs[i].nops : 1, sizeof **rev);
        if (rev[i] == NULL) {
            rc = nomem(err);
            goto done;
        }
        for (size_t j = 0; j < migs[i].nops; j++) {
            rc = pw_op_reverse(a, state, &migs[i].ops[j], &rev[i][j], err);
            if (rc == 0) rc = pw_op_apply(a, state, &migs[i].ops[j], err);
            if (rc) {
                rc = pw_locate_error(err, &migs[i], j);
                goto done;
            }
        }
    }
    /* Pass 2: render and apply the reverses, last operation first. */
    for (size_t i = n; i-- > 0;)
        for (size_t j = migs[i].nops; j-- > 0;)
            if ((rc = render_apply(a, state, &rev[i][j], d, migs[i].safe, &res[i][j], err)) != 0) {
                rc = pw_locate_error(err, &migs[i], j);
                goto done;
            }
    *out = res;
done:
    return rc;
}

/* Appends name to l unless it is there. 0 or PW_ERR_NOMEM. */
static int add_name(pw_arena *a, pw_strlist *l, const char *name, pw_error *err) {
    if (name == NULL) return 0;
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], name) == 0) return 0;
    return pw_strlist_push(a, l, name) ? nomem(err) : 0;
}

/* Appends table `name`, in schema `schema` (NULL: the connection's own), as
 * pw_touched_run names it. 0 or PW_ERR_NOMEM. */
static int add_table(pw_arena *a, pw_strlist *l, const char *schema, const char *name,
                     pw_error *err) {
    if (name == NULL || schema == NULL) return add_name(a, l, name, err);
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_appendf(&sb, "%s%c%s", schema, PW_TOUCHED_SEP, name);
    const char *located = pw_sb_finish(&sb);
    return located == NULL ? nomem(err) : add_name(a, l, located, err);
}

/* The tables of state whose foreign keys point at table (itself excluded). */
static int add_referencing(pw_arena *a, const pw_schema *state, const char *table,
                           pw_strlist *l, pw_error *err) {
    for (size_t i = 0; i < state->ntables; i++) {
        const pw_table *t = state->tables[i];
        for (size_t k = 0; k < t->ncolumns; k++) {
            const pw_column *c = t->columns[k];
            if (c->fk.table == NULL || strcmp(c->fk.table, table) != 0) continue;
            int rc = add_table(a, l, t->schema, t->name, err);
            if (rc) return rc;
            break;
        }
    }
    return 0;
}

int pw_touched_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                   pw_strlist ***out, pw_error *err) {
    int rc;
    pw_strlist **res = pw_arena_calloc(a, n ? n : 1, sizeof *res);
    *out = NULL;
    if (res == NULL) return nomem(err);
    for (size_t i = 0; i < n; i++) {
        res[i] = pw_arena_calloc(a, migs[i].nops ? migs[i].nops : 1, sizeof **res);
        if (res[i] == NULL) return nomem(err);
        for (size_t j = 0; j < migs[i].nops; j++) {
            const pw_op *op = &migs[i].ops[j];
            const char *table = pw_op_table(op);
            pw_strlist *l = &res[i][j];
            const pw_table *t = table != NULL ? pw_schema_find_table(state, table) : NULL;
            /* the table's schema: as it is before the operation, and after it */
            const char *schema = op->kind == PW_OP_CREATE_MODEL ? op->model->schema
                                 : t != NULL                     ? t->schema
                                                                 : NULL;
            const char *new_name = op->kind == PW_OP_RENAME_MODEL ? op->new_name : NULL;
            bool moves = op->kind == PW_OP_ALTER_MODEL && !pw_str_eq(schema, op->schema);
            if (table != NULL &&
                ((rc = add_table(a, l, schema, table, err)) ||
                 (rc = add_table(a, l, schema, new_name, err)) ||
                 (rc = add_table(a, l, op->schema, moves ? table : NULL, err)) ||
                 (rc = add_referencing(a, state, table, l, err))))
                return rc;
            if ((rc = pw_op_apply(a, state, op, err))) return pw_locate_error(err, &migs[i], j);
        }
    }
    *out = res;
    return 0;
}
