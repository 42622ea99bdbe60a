/*
 * merge.c - whether two branches of an app's migrations can be merged
 * (merge.h): the objects each operation changes or reads, and the pairs of
 * operations that collide on one.
 */
#include "merge.h"

#include <stdbool.h>
#include <string.h>

#include "schema.h"
#include "strbuf.h"

/* One object an operation changes (write) or only reads. */
typedef struct {
    const char *table;
    const char *object; /* NULL: the table as a whole */
    bool write;
} touch;

typedef struct {
    pw_arena *a;
    touch *items;
    size_t len, cap;
    bool nomem;
} touches;

static void add(touches *t, const char *table, const char *object, bool write) {
    if (table == NULL || t->nomem) return;
    if (t->len == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        touch *items = pw_arena_alloc(t->a, cap * sizeof *items);
        if (items == NULL) {
            t->nomem = true;
            return;
        }
        if (t->len) memcpy(items, t->items, t->len * sizeof *items);
        t->items = items;
        t->cap = cap;
    }
    t->items[t->len++] = (touch){table, object, write};
}

/* "<what> <name>" in the arena (NULL when out of memory: t->nomem). */
static const char *named(touches *t, const char *what, const char *name) {
    pw_strbuf sb;
    pw_sb_init(&sb, t->a);
    pw_sb_appendf(&sb, "%s %s", what, name ? name : "");
    const char *s = pw_sb_finish(&sb);
    if (s == NULL) t->nomem = true;
    return s;
}

/* The column written, and the table and column its foreign key reads. */
static void column(touches *t, const char *table, const pw_column *c) {
    if (c == NULL) return;
    add(t, table, c->name, true);
    if (c->fk.table != NULL) add(t, c->fk.table, c->fk.column, false);
}

/* What op changes and reads. */
static void op_touches(touches *t, const pw_op *op) {
    switch (op->kind) {
    case PW_OP_CREATE_MODEL:
        if (op->model == NULL) return;
        add(t, op->model->name, NULL, true);
        for (size_t i = 0; i < op->model->ncolumns; i++) {
            const pw_fk *fk = &op->model->columns[i]->fk;
            if (fk->table != NULL && strcmp(fk->table, op->model->name) != 0)
                add(t, fk->table, fk->column, false);
        }
        return;
    case PW_OP_DELETE_MODEL:
        add(t, op->table, NULL, true);
        return;
    case PW_OP_RENAME_MODEL:
        add(t, op->table, NULL, true);
        add(t, op->new_name, NULL, true);
        return;
    case PW_OP_ALTER_MODEL:
        add(t, op->table, "options", true);
        return;
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        column(t, op->table, op->column);
        return;
    case PW_OP_REMOVE_FIELD:
        add(t, op->table, op->name, true);
        return;
    case PW_OP_RENAME_FIELD:
        add(t, op->table, op->name, true);
        add(t, op->table, op->new_name, true);
        return;
    case PW_OP_ADD_INDEX:
        if (op->index == NULL) return;
        add(t, op->table, named(t, "index", op->index->name), true);
        for (size_t i = 0; i < op->index->ncolumns; i++)
            add(t, op->table, op->index->columns[i], false);
        return;
    case PW_OP_REMOVE_INDEX:
        add(t, op->table, named(t, "index", op->name), true);
        return;
    case PW_OP_ADD_CONSTRAINT:
        if (op->check != NULL) add(t, op->table, named(t, "check", op->check->name), true);
        return;
    case PW_OP_REMOVE_CONSTRAINT:
        add(t, op->table, named(t, "check", op->name), true);
        return;
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return;
    }
}

/* Whether x and y collide: one of them writes, on one table, the same object
 * or the table as a whole. */
static bool collide(const touch *x, const touch *y) {
    if (!(x->write || y->write) || strcmp(x->table, y->table) != 0) return false;
    return x->object == NULL || y->object == NULL || strcmp(x->object, y->object) == 0;
}

/* The first collision between xs[0..nx) and ys[0..ny), its table and object
 * (NULL: the table as a whole) in *c. */
static bool first_collision(const touch *xs, size_t nx, const touch *ys, size_t ny,
                            pw_conflict *c) {
    for (size_t i = 0; i < nx; i++)
        for (size_t j = 0; j < ny; j++)
            if (collide(&xs[i], &ys[j])) {
                c->table = xs[i].table;
                c->object = xs[i].object != NULL && ys[j].object != NULL ? xs[i].object : NULL;
                return true;
            }
    return false;
}

static int nomem(pw_error *err) {
    return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory while checking a merge");
}

int pw_merge_conflicts(pw_arena *a, const pw_migration_ops *left, size_t nl,
                       const pw_migration_ops *right, size_t nr, pw_conflict **out,
                       size_t *nout, pw_error *err) {
    *out = NULL;
    *nout = 0;
    /* every operation of right with the range of its touches in rt */
    size_t nright = 0;
    for (size_t i = 0; i < nr; i++) nright += right[i].nops;
    touches rt = {.a = a};
    size_t *start = pw_arena_calloc(a, nright + 1, sizeof *start);
    if (start == NULL) return nomem(err);
    size_t k = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < right[i].nops; j++) {
            start[k++] = rt.len;
            op_touches(&rt, &right[i].ops[j]);
        }
    start[k] = rt.len;
    if (rt.nomem) return nomem(err);
    pw_conflict *res = NULL;
    size_t len = 0, cap = 0;
    for (size_t li = 0; li < nl; li++)
        for (size_t lj = 0; lj < left[li].nops; lj++) {
            touches lt = {.a = a};
            op_touches(&lt, &left[li].ops[lj]);
            if (lt.nomem) return nomem(err);
            k = 0;
            for (size_t ri = 0; ri < nr; ri++)
                for (size_t rj = 0; rj < right[ri].nops; rj++, k++) {
                    if (start[k + 1] == start[k] || lt.len == 0) continue;
                    pw_conflict c = {.left_mig = li, .left_op = lj, .right_mig = ri,
                                     .right_op = rj};
                    if (!first_collision(lt.items, lt.len, rt.items + start[k],
                                         start[k + 1] - start[k], &c))
                        continue;
                    if (len == cap) {
                        size_t ncap = cap ? 2 * cap : 4;
                        pw_conflict *n = pw_arena_alloc(a, ncap * sizeof *n);
                        if (n == NULL) return nomem(err);
                        if (len) memcpy(n, res, len * sizeof *n);
                        res = n;
                        cap = ncap;
                    }
                    res[len++] = c;
                }
        }
    *out = res;
    *nout = len;
    return 0;
}
