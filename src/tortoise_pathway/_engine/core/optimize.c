/*
 * optimize.c - the optimizer of optimize.h: what each operation touches, the
 * folding rules, and the passes that apply them to a fixed point.
 *
 * Owns: pw_op_refs (per kind, from the operation and the state before it),
 * pw_refs_overlap, the pair rules and the pass loop of pw_optimize, and the
 * check that the result gives the same schema as the input. Does not own:
 * applying operations (ops.c: a fold into create_model uses
 * pw_op_apply_table), the schema structure (schema.c), or squashing (the
 * Python shell).
 *
 * How a call runs: the input is applied once from start (an operation that
 * does not apply is the caller's error) to know the schema it must give.
 * Then passes: each replays the current list from start to learn every
 * operation's references and the few facts of the state some rules need
 * (a foreign key naming a table that is created or renamed to, the column
 * before an alter_field), then walks the list folding pairs. A fold's result
 * takes the union of both references, a superset of its own, so the rest of
 * the pass stays conservative; a pass that folds nothing ends the loop. Each
 * fold makes the list shorter, so there are at most n passes. Last, the
 * result is applied from start and compared with the input's schema.
 */
#include "optimize.h"

#include <string.h>

static int nomem(pw_error *err) { return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory"); }

static bool str_is(const char *x, const char *y) {
    return x != NULL && y != NULL && strcmp(x, y) == 0;
}

/* ------------------------------------------------------------------------ */
/* References                                                               */

static int push_ref(pw_arena *a, pw_reflist *l, pw_ref_kind kind, const char *table,
                    const char *name, pw_error *err) {
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].kind == kind && pw_str_eq(l->items[i].table, table) &&
            pw_str_eq(l->items[i].name, name))
            return 0;
    if (pw_arena_grow(a, (void **)&l->items, &l->cap, l->len + 1, sizeof *l->items))
        return nomem(err);
    l->items[l->len].kind = kind;
    l->items[l->len].table = table;
    l->items[l->len].name = name;
    l->len++;
    return 0;
}

/* What column c of table `table` touches beyond its own name: the primary
 * key when it is one, every column when it is generated (its clause may name
 * any), the target of its foreign key. */
static int column_refs(pw_arena *a, const char *table, const pw_column *c, pw_reflist *out,
                       pw_error *err) {
    int rc = 0;
    if (c == NULL) return 0;
    if (c->pk) rc = push_ref(a, out, PW_REF_PK, table, NULL, err);
    if (rc == 0 && pw_column_is_generated(c))
        rc = push_ref(a, out, PW_REF_COLUMNS_USE, table, NULL, err);
    if (rc == 0 && c->fk.table != NULL)
        rc = push_ref(a, out, PW_REF_COLUMN_USE, c->fk.table, c->fk.column, err);
    return rc;
}

/* Whether ix holds SQL text (expressions, a condition) that may name columns. */
static bool index_has_text(const pw_index *ix) {
    return ix->nexpressions > 0 || ix->condition != NULL;
}

/* The columns index ix of table `table` is on, and every column when it has
 * SQL text. */
static int index_refs(pw_arena *a, const char *table, const pw_index *ix, pw_reflist *out,
                      pw_error *err) {
    int rc = 0;
    if (ix == NULL) return 0;
    for (size_t k = 0; rc == 0 && k < ix->ncolumns; k++)
        rc = push_ref(a, out, PW_REF_COLUMN_USE, table, ix->columns[k], err);
    if (rc == 0 && index_has_text(ix))
        rc = push_ref(a, out, PW_REF_COLUMNS_USE, table, NULL, err);
    return rc;
}

static const pw_table *find_table(const pw_schema *s, const char *name) {
    return s != NULL && name != NULL ? pw_schema_find_table(s, name) : NULL;
}

static const pw_column *find_column(const pw_schema *s, const char *table, const char *name) {
    const pw_table *t = find_table(s, table);
    return t != NULL && name != NULL ? pw_table_find_column(t, name) : NULL;
}

int pw_op_refs(pw_arena *a, const pw_schema *before, const pw_op *op, pw_reflist *out,
               pw_error *err) {
    const char *t = op->table;
    const pw_table *bt = NULL;
    int rc = 0;
    switch (op->kind) {
    case PW_OP_CREATE_MODEL: {
        const pw_table *m = op->model;
        if (m == NULL) return 0;
        if ((rc = push_ref(a, out, PW_REF_TABLE, m->name, NULL, err)) ||
            (rc = push_ref(a, out, PW_REF_TABLE_ORDER, NULL, NULL, err)))
            return rc;
        for (size_t i = 0; i < m->nindexes; i++)
            if ((rc = push_ref(a, out, PW_REF_INDEX, NULL, m->indexes[i]->name, err))) return rc;
        for (size_t i = 0; i < m->ncolumns; i++) {
            const pw_column *c = m->columns[i];
            if (c->fk.table != NULL && !str_is(c->fk.table, m->name) &&
                (rc = push_ref(a, out, PW_REF_COLUMN_USE, c->fk.table, c->fk.column, err)))
                return rc;
        }
        return 0;
    }
    case PW_OP_DELETE_MODEL:
        if ((rc = push_ref(a, out, PW_REF_TABLE, t, NULL, err))) return rc;
        if ((bt = find_table(before, t)) == NULL) return 0;
        for (size_t i = 0; i < bt->nindexes; i++)
            if ((rc = push_ref(a, out, PW_REF_INDEX, NULL, bt->indexes[i]->name, err))) return rc;
        for (size_t i = 0; i < bt->ncolumns; i++) {
            const pw_column *c = bt->columns[i];
            if (c->fk.table != NULL && !str_is(c->fk.table, t) &&
                (rc = push_ref(a, out, PW_REF_COLUMN_USE, c->fk.table, c->fk.column, err)))
                return rc;
        }
        return 0;
    case PW_OP_RENAME_MODEL:
        if ((rc = push_ref(a, out, PW_REF_TABLE, t, NULL, err))) return rc;
        return push_ref(a, out, PW_REF_TABLE, op->new_name, NULL, err);
    case PW_OP_ALTER_MODEL:
        return push_ref(a, out, PW_REF_COMMENT, t, NULL, err);
    case PW_OP_ADD_FIELD:
        if (op->column == NULL) return push_ref(a, out, PW_REF_PART, t, NULL, err);
        if ((rc = push_ref(a, out, PW_REF_COLUMN, t, op->column->name, err)) ||
            (rc = push_ref(a, out, PW_REF_COLUMN_ORDER, t, NULL, err)))
            return rc;
        return column_refs(a, t, op->column, out, err);
    case PW_OP_REMOVE_FIELD:
        if ((rc = push_ref(a, out, PW_REF_COLUMN, t, op->name, err))) return rc;
        return column_refs(a, t, find_column(before, t, op->name), out, err);
    case PW_OP_ALTER_FIELD:
        if (op->column == NULL) return push_ref(a, out, PW_REF_PART, t, NULL, err);
        if ((rc = push_ref(a, out, PW_REF_COLUMN, t, op->column->name, err)) ||
            (rc = column_refs(a, t, op->column, out, err)))
            return rc;
        return column_refs(a, t, find_column(before, t, op->column->name), out, err);
    case PW_OP_RENAME_FIELD:
        if ((rc = push_ref(a, out, PW_REF_COLUMN, t, op->name, err))) return rc;
        return push_ref(a, out, PW_REF_COLUMN, t, op->new_name, err);
    case PW_OP_ADD_INDEX:
        if ((rc = push_ref(a, out, PW_REF_PART, t, NULL, err)) ||
            (rc = push_ref(a, out, PW_REF_INDEX_ORDER, t, NULL, err)))
            return rc;
        if (op->index == NULL) return 0;
        if ((rc = push_ref(a, out, PW_REF_INDEX, NULL, op->index->name, err))) return rc;
        return index_refs(a, t, op->index, out, err);
    case PW_OP_REMOVE_INDEX:
        if ((rc = push_ref(a, out, PW_REF_PART, t, NULL, err)) ||
            (rc = push_ref(a, out, PW_REF_INDEX, NULL, op->name, err)))
            return rc;
        if ((bt = find_table(before, t)) == NULL || op->name == NULL) return 0;
        return index_refs(a, t, pw_table_find_index(bt, op->name), out, err);
    case PW_OP_ADD_CONSTRAINT:
        if ((rc = push_ref(a, out, PW_REF_CHECK, t, op->check ? op->check->name : NULL, err)) ||
            (rc = push_ref(a, out, PW_REF_CHECK_ORDER, t, NULL, err)))
            return rc;
        return push_ref(a, out, PW_REF_COLUMNS_USE, t, NULL, err);
    case PW_OP_REMOVE_CONSTRAINT:
        if ((rc = push_ref(a, out, PW_REF_CHECK, t, op->name, err))) return rc;
        return push_ref(a, out, PW_REF_COLUMNS_USE, t, NULL, err);
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return push_ref(a, out, PW_REF_ALL, NULL, NULL, err);
    }
    return push_ref(a, out, PW_REF_ALL, NULL, NULL, err);
}

/* Whether reference u (a use) meets x, a change of a column. */
static bool use_meets(const pw_ref *u, const pw_ref *x) {
    if (x->kind != PW_REF_COLUMN || !str_is(u->table, x->table)) return false;
    return u->kind == PW_REF_COLUMNS_USE ||
           (u->kind == PW_REF_COLUMN_USE && str_is(u->name, x->name));
}

/* Whether references x and y (one each) keep two operations from changing
 * places. */
static bool ref_overlap(const pw_ref *x, const pw_ref *y) {
    if (x->kind == PW_REF_ALL || y->kind == PW_REF_ALL) return true;
    if (x->kind == PW_REF_TABLE && y->table != NULL && str_is(x->table, y->table)) return true;
    if (y->kind == PW_REF_TABLE && x->table != NULL && str_is(y->table, x->table)) return true;
    if (use_meets(x, y) || use_meets(y, x)) return true;
    if (x->kind == PW_REF_PART || x->kind == PW_REF_COLUMN_USE ||
        x->kind == PW_REF_COLUMNS_USE)
        return false;
    return x->kind == y->kind && pw_str_eq(x->table, y->table) && pw_str_eq(x->name, y->name);
}

bool pw_refs_overlap(const pw_reflist *x, const pw_reflist *y) {
    for (size_t i = 0; i < x->len; i++)
        for (size_t k = 0; k < y->len; k++)
            if (ref_overlap(&x->items[i], &y->items[k])) return true;
    return false;
}

bool pw_refs_name(const pw_reflist *r, const char *table, const char *column) {
    for (size_t i = 0; i < r->len; i++) {
        const pw_ref *x = &r->items[i];
        if (x->kind == PW_REF_ALL) return true;
        if (!str_is(x->table, table)) continue;
        if (column == NULL || x->kind == PW_REF_TABLE || x->kind == PW_REF_COLUMNS_USE)
            return true;
        if ((x->kind == PW_REF_COLUMN || x->kind == PW_REF_COLUMN_USE) &&
            str_is(x->name, column))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------------ */
/* The working list                                                         */

/* What a pass knows of one operation of the list. */
typedef struct {
    pw_reflist refs;
    /* CREATE_MODEL: some foreign key of the state before names its table;
     * RENAME_MODEL: ... names its new name. True when not known (a fold's
     * result), which forbids the folds that need it false. */
    bool fk_names_it;
    /* ALTER_FIELD: the column as it was before (an arena copy), or NULL when
     * not known. */
    const pw_column *old;
} op_info;

typedef struct {
    pw_op *ops;
    op_info *info;
    size_t len;
} work;

static void remove_at(work *w, size_t pos) {
    memmove(&w->ops[pos], &w->ops[pos + 1], (w->len - pos - 1) * sizeof *w->ops);
    memmove(&w->info[pos], &w->info[pos + 1], (w->len - pos - 1) * sizeof *w->info);
    w->len--;
}

/* Whether some column of s has a foreign key naming table `name`. */
static bool fk_names(const pw_schema *s, const char *name) {
    for (size_t i = 0; i < s->ntables; i++) {
        const pw_table *t = s->tables[i];
        for (size_t k = 0; k < t->ncolumns; k++)
            if (str_is(t->columns[k]->fk.table, name)) return true;
    }
    return false;
}

/* Replays w from start, filling w->info; *end receives the state after the
 * whole list. 0 or the first error (as pw_ops_apply_all words it). */
static int analyze(pw_arena *a, const pw_schema *start, work *w, pw_schema **end,
                   pw_error *err) {
    pw_schema *s = pw_schema_copy(a, start);
    if (s == NULL) return nomem(err);
    for (size_t i = 0; i < w->len; i++) {
        const pw_op *op = &w->ops[i];
        op_info *in = &w->info[i];
        memset(in, 0, sizeof *in);
        int rc = pw_op_refs(a, s, op, &in->refs, err);
        if (rc) return rc;
        if (op->kind == PW_OP_CREATE_MODEL && op->model != NULL)
            in->fk_names_it = fk_names(s, op->model->name);
        else if (op->kind == PW_OP_RENAME_MODEL)
            in->fk_names_it = fk_names(s, op->new_name);
        else if (op->kind == PW_OP_ALTER_FIELD && op->column != NULL) {
            const pw_column *c = find_column(s, op->table, op->column->name);
            if (c != NULL && (in->old = pw_column_copy(a, c)) == NULL) return nomem(err);
        }
        if ((rc = pw_ops_apply_all(a, s, op, 1, err)) != 0) return rc;
    }
    *end = s;
    return 0;
}

/* Whether every operation strictly between positions i and j can change
 * places with an operation that has references r. */
static bool passes_between(const work *w, size_t i, size_t j, const pw_reflist *r) {
    for (size_t k = i + 1; k < j; k++)
        if (pw_refs_overlap(r, &w->info[k].refs)) return false;
    return true;
}

/* ------------------------------------------------------------------------ */
/* Folding one pair                                                         */

typedef enum { FOLD_NONE = 0, FOLD_BOTH, FOLD_ONE } fold_kind;

typedef struct {
    fold_kind kind;
    pw_op op;     /* FOLD_ONE: what replaces the pair */
    op_info info; /* FOLD_ONE */
} fold_result;

/* Whether table t holds SQL text that may name its columns: check
 * constraints, indexes on expressions or with a condition, generated columns. */
static bool table_has_text(const pw_table *t) {
    if (t->nchecks > 0) return true;
    for (size_t i = 0; i < t->nindexes; i++)
        if (index_has_text(t->indexes[i])) return true;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (pw_column_is_generated(t->columns[i])) return true;
    return false;
}

/* Whether a NOT NULL change of column c fills NULLs with the operation's
 * one-off fill (what pw_sql_render_op does on every dialect). */
static bool takes_fill(const pw_column *c) {
    return !c->null && !c->pk && !pw_column_is_generated(c);
}

static bool same_generated(const pw_column *x, const pw_column *y) {
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (!pw_str_eq(x->generated[d], y->generated[d])) return false;
    return true;
}

/* add_field x (column c, fill fx) then alter_field y (column n, fill fy)
 * folded into add_field n with *fill: true when the rows a table has get the
 * values the two steps give them. Those get c's default, else fx, then fy
 * where still NULL; the folded step gives n's default, else the fill. A
 * generated n computes them either way; a generated c does not fold (what a
 * column turning plain keeps of computed values depends on the database). */
static bool add_alter_fill(const pw_op *x, const pw_op *y, pw_default *fill) {
    const pw_column *c = x->column, *n = y->column;
    pw_default v;
    memset(fill, 0, sizeof *fill);
    memset(&v, 0, sizeof v);
    if (pw_column_is_generated(n)) return true;
    if (pw_column_is_generated(c)) return false;
    if (c->def.kind != PW_DEFAULT_NONE) v = c->def;
    else if (takes_fill(c)) v = x->fill;
    if (v.kind == PW_DEFAULT_NONE && takes_fill(n)) v = y->fill;
    if (n->def.kind != PW_DEFAULT_NONE) return pw_default_equal(&n->def, &v);
    if (v.kind == PW_DEFAULT_NONE) return true;
    if (!takes_fill(n)) return false; /* the rows would lose v */
    *fill = v;
    return true;
}

/* alter_field x (c0 -> c1, fill fx) then alter_field y (c1 -> c2, fill fy)
 * folded into one from c0 to c2 with *fill: true when the rows get the same
 * values. Only NULLs of a nullable c0 are filled: by fx when c1 takes it
 * (then c2 must take the fold's fill, or the rows would lose fx), else by fy
 * when c2 takes it. A generated c1 unlike both c0 and c2 (values computed in
 * between, kept or not by the database) does not fold; c0 unknown neither. */
static bool alter_alter_fill(const pw_column *c0, const pw_op *x, const pw_op *y,
                             pw_default *fill) {
    const pw_column *c1 = x->column, *c2 = y->column;
    memset(fill, 0, sizeof *fill);
    if (c0 == NULL) return false;
    if (!same_generated(c1, c0) && !same_generated(c1, c2)) return false;
    if (!c0->null) return true;
    if (takes_fill(c1) && x->fill.kind != PW_DEFAULT_NONE) {
        if (!takes_fill(c2)) return false;
        *fill = x->fill;
    } else if (takes_fill(c2)) {
        *fill = y->fill;
    }
    return true;
}

/* info of a fold's result: the union of both references. */
static int union_info(pw_arena *a, const op_info *x, const op_info *y, op_info *out,
                      pw_error *err) {
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < x->refs.len; i++) {
        const pw_ref *r = &x->refs.items[i];
        int rc = push_ref(a, &out->refs, r->kind, r->table, r->name, err);
        if (rc) return rc;
    }
    for (size_t i = 0; i < y->refs.len; i++) {
        const pw_ref *r = &y->refs.items[i];
        int rc = push_ref(a, &out->refs, r->kind, r->table, r->name, err);
        if (rc) return rc;
    }
    out->fk_names_it = true;
    return 0;
}

/* Whether op works on one table only (the kinds pw_op_apply_table takes). */
static bool on_one_table(pw_op_kind k) {
    switch (k) {
    case PW_OP_ALTER_MODEL:
    case PW_OP_ADD_FIELD:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_ALTER_FIELD:
    case PW_OP_RENAME_FIELD:
    case PW_OP_ADD_INDEX:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
        return true;
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return false;
    }
    return false;
}

/* create_model x followed by y on its table. */
static int fold_into_create(pw_arena *a, const pw_op *x, const op_info *xi, const pw_op *y,
                            fold_result *r, pw_error *err) {
    const char *name = x->model->name;
    if (y->kind == PW_OP_DELETE_MODEL) {
        r->kind = FOLD_BOTH;
        return 0;
    }
    if (y->kind == PW_OP_RENAME_MODEL) {
        if (xi->fk_names_it || y->new_name == NULL) return 0;
        pw_table *m = pw_table_copy(a, x->model);
        const char *nn = pw_arena_strdup(a, y->new_name);
        if (m == NULL || nn == NULL) return nomem(err);
        for (size_t i = 0; i < m->ncolumns; i++)
            if (str_is(m->columns[i]->fk.table, name)) m->columns[i]->fk.table = nn;
        m->name = nn;
        r->op = *x;
        r->op.model = m;
        r->op.table = nn;
        r->kind = FOLD_ONE;
        return 0;
    }
    if (!on_one_table(y->kind)) return 0;
    if ((y->kind == PW_OP_RENAME_FIELD || y->kind == PW_OP_REMOVE_FIELD) &&
        table_has_text(x->model))
        return 0;
    if (y->kind == PW_OP_RENAME_FIELD && xi->fk_names_it) return 0;
    pw_table *m = pw_table_copy(a, x->model);
    if (m == NULL) return nomem(err);
    pw_error ignored;
    pw_error_clear(&ignored);
    /* y applied after x, so it applies to the model; if it does not (which
     * the replay rules out), the pair is left alone. */
    if (pw_op_apply_table(a, m, y, &ignored) != 0)
        return ignored.code == PW_ERR_NOMEM ? nomem(err) : 0;
    r->op = *x;
    r->op.model = m;
    r->op.table = m->name;
    r->kind = FOLD_ONE;
    return 0;
}

/* A copy of column c named `name`, its foreign key to its own column
 * (table.c) following the rename. */
static pw_column *renamed_column(pw_arena *a, const char *table, const pw_column *c,
                                 const char *name) {
    pw_column *n = pw_column_copy(a, c);
    const char *nn = pw_arena_strdup(a, name);
    if (n == NULL || nn == NULL) return NULL;
    if (str_is(n->fk.table, table) && str_is(n->fk.column, c->name)) n->fk.column = nn;
    n->name = nn;
    return n;
}

/* The rules of optimize.h for x followed by y (x before y, whatever lies
 * between). r->kind FOLD_NONE when no rule folds them. 0 or PW_ERR_NOMEM. */
static int fold(pw_arena *a, const pw_op *x, const op_info *xi, const pw_op *y,
                const op_info *yi, fold_result *r, pw_error *err) {
    memset(r, 0, sizeof *r);
    const char *xt = pw_op_table(x), *yt = pw_op_table(y);
    if (xt == NULL || yt == NULL) return 0;
    int rc = 0;
    if (x->kind == PW_OP_RENAME_MODEL) {
        /* y names the table by its new name */
        if (!str_is(x->new_name, yt) || xi->fk_names_it) return 0;
        if (y->kind == PW_OP_RENAME_MODEL) {
            if (str_is(y->new_name, x->table)) {
                r->kind = FOLD_BOTH;
                return 0;
            }
            r->op = *x;
            r->op.new_name = y->new_name;
            r->kind = FOLD_ONE;
        } else if (y->kind == PW_OP_DELETE_MODEL) {
            r->op = *y;
            r->op.table = x->table;
            r->kind = FOLD_ONE;
        }
        goto merged;
    }
    if (!str_is(xt, yt)) return 0;
    if (x->kind == PW_OP_CREATE_MODEL) {
        if (x->model == NULL) return 0;
        if ((rc = fold_into_create(a, x, xi, y, r, err)) != 0) return rc;
        if (r->kind != FOLD_ONE) return 0;
        if ((rc = union_info(a, xi, yi, &r->info, err)) != 0) return rc;
        /* still the same table name: what the replay knew of it holds */
        if (y->kind != PW_OP_RENAME_MODEL) r->info.fk_names_it = xi->fk_names_it;
        return 0;
    }
    if (y->kind == PW_OP_DELETE_MODEL) {
        if (!on_one_table(x->kind)) return 0;
        r->op = *y;
        r->kind = FOLD_ONE;
        goto merged;
    }
    switch (x->kind) {
    case PW_OP_ADD_FIELD:
        if (x->column == NULL) return 0;
        if (y->kind == PW_OP_REMOVE_FIELD && str_is(y->name, x->column->name)) {
            r->kind = FOLD_BOTH;
        } else if (y->kind == PW_OP_ALTER_FIELD && y->column != NULL &&
                   str_is(y->column->name, x->column->name)) {
            r->op = *x;
            r->op.column = y->column;
            if (!add_alter_fill(x, y, &r->op.fill)) return 0;
            r->kind = FOLD_ONE;
        } else if (y->kind == PW_OP_RENAME_FIELD && str_is(y->name, x->column->name) &&
                   y->new_name != NULL) {
            r->op = *x;
            if ((r->op.column = renamed_column(a, xt, x->column, y->new_name)) == NULL)
                return nomem(err);
            r->kind = FOLD_ONE;
        }
        break;
    case PW_OP_ALTER_FIELD:
        if (x->column == NULL) return 0;
        if (y->kind == PW_OP_ALTER_FIELD && y->column != NULL &&
            str_is(y->column->name, x->column->name)) {
            r->op = *y;
            if (!alter_alter_fill(xi->old, x, y, &r->op.fill)) return 0;
            if (pw_column_equal(xi->old, y->column)) {
                r->kind = FOLD_BOTH; /* back to where it was, the rows too */
                return 0;
            }
            r->kind = FOLD_ONE;
            if ((rc = union_info(a, xi, yi, &r->info, err)) != 0) return rc;
            r->info.old = xi->old;
            return 0;
        }
        if (y->kind == PW_OP_REMOVE_FIELD && str_is(y->name, x->column->name)) {
            r->op = *y;
            r->kind = FOLD_ONE;
        }
        break;
    case PW_OP_RENAME_FIELD:
        if (y->kind == PW_OP_RENAME_FIELD && str_is(y->name, x->new_name)) {
            if (str_is(y->new_name, x->name)) {
                r->kind = FOLD_BOTH;
                return 0;
            }
            r->op = *x;
            r->op.new_name = y->new_name;
            r->kind = FOLD_ONE;
        } else if (y->kind == PW_OP_REMOVE_FIELD && str_is(y->name, x->new_name)) {
            r->op = *y;
            r->op.name = x->name;
            r->kind = FOLD_ONE;
        }
        break;
    case PW_OP_ADD_INDEX:
        if (y->kind == PW_OP_REMOVE_INDEX && x->index != NULL && str_is(y->name, x->index->name))
            r->kind = FOLD_BOTH;
        break;
    case PW_OP_ADD_CONSTRAINT:
        if (y->kind == PW_OP_REMOVE_CONSTRAINT && x->check != NULL &&
            str_is(y->name, x->check->name))
            r->kind = FOLD_BOTH;
        break;
    case PW_OP_ALTER_MODEL:
        if (y->kind == PW_OP_ALTER_MODEL) {
            r->op = *y;
            r->kind = FOLD_ONE;
        }
        break;
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_REMOVE_CONSTRAINT:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        break;
    }
merged:
    if (r->kind == FOLD_ONE) return union_info(a, xi, yi, &r->info, err);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Passes                                                                   */

/* One walk over w folding what it can; *changed tells whether it did. */
static int one_pass(pw_arena *a, work *w, bool *changed, pw_error *err) {
    size_t i = 0;
    while (i < w->len) {
        const op_info *ii = &w->info[i];
        if (w->ops[i].kind == PW_OP_ALTER_FIELD && ii->old != NULL &&
            w->ops[i].column != NULL && pw_column_equal(ii->old, w->ops[i].column)) {
            remove_at(w, i); /* changes nothing */
            *changed = true;
            continue;
        }
        bool again = false;
        size_t j = i + 1;
        while (j < w->len) {
            fold_result r;
            int rc = fold(a, &w->ops[i], &w->info[i], &w->ops[j], &w->info[j], &r, err);
            if (rc) return rc;
            if (r.kind == FOLD_NONE) {
                j++;
                continue;
            }
            /* the second moves up to the first, or the first down to the second */
            bool up = passes_between(w, i, j, &w->info[j].refs);
            bool down = !up && passes_between(w, i, j, &w->info[i].refs);
            if (!up && !down) {
                j++;
                continue;
            }
            *changed = true;
            if (r.kind == FOLD_BOTH) {
                remove_at(w, j);
                remove_at(w, i);
                again = true;
                break;
            }
            if (up) {
                w->ops[i] = r.op;
                w->info[i] = r.info;
                remove_at(w, j);
                if (w->ops[i].kind == PW_OP_ALTER_FIELD) {
                    again = true; /* it may change nothing now */
                    break;
                }
                continue; /* position j holds the next operation */
            }
            w->ops[j] = r.op;
            w->info[j] = r.info;
            remove_at(w, i);
            again = true;
            break;
        }
        if (!again) i++;
    }
    return 0;
}

/* Same tables in the same order, each pw_table_equal. */
static bool same_schema(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++)
        if (!pw_table_equal(x->tables[i], y->tables[i])) return false;
    return true;
}

/* Re-sets err, filled by a replay of the folded list, as the optimizer's own
 * failure: PW_ERR_INVALID, the replay's message after "optimize: ". Keeps
 * PW_ERR_NOMEM as it is. Returns the code. */
static int optimizer_bug(pw_error *err, int rc) {
    if (rc == PW_ERR_NOMEM) return rc;
    char msg[PW_ERR_MESSAGE_MAX], path[PW_ERR_PATH_MAX];
    memcpy(msg, err->message, sizeof msg);
    memcpy(path, err->path, sizeof path);
    msg[sizeof msg - 1] = '\0';
    path[sizeof path - 1] = '\0';
    return pw_error_set(err, PW_ERR_INVALID, path,
                        "optimize: a folded operation does not apply (a bug of the "
                        "optimizer): %.900s",
                        msg);
}

int pw_optimize(pw_arena *a, const pw_schema *start, const pw_op *ops, size_t n, pw_oplist *out,
                pw_error *err) {
    int rc = 0;
    pw_schema *want = NULL, *got = NULL;
    pw_oplist res = {0};
    work w = {NULL, NULL, 0};
    if (start == NULL && (start = pw_schema_new(a)) == NULL) {
        rc = nomem(err);
        goto done;
    }
    /* The schema the input gives; an operation that does not apply is the
     * caller's error, located in the input as given. */
    if ((want = pw_schema_copy(a, start)) == NULL) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = pw_ops_apply_all(a, want, ops, n, err)) != 0) goto done;

    w.ops = pw_arena_calloc(a, n ? n : 1, sizeof *w.ops);
    w.info = pw_arena_calloc(a, n ? n : 1, sizeof *w.info);
    if (w.ops == NULL || w.info == NULL) {
        rc = nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        bool elidable = (ops[i].kind == PW_OP_RUN_SQL || ops[i].kind == PW_OP_RUN_PYTHON) &&
                        ops[i].elidable;
        if (!elidable) w.ops[w.len++] = ops[i];
    }
    for (;;) {
        if ((rc = analyze(a, start, &w, &got, err)) != 0) {
            rc = optimizer_bug(err, rc);
            goto done;
        }
        bool changed = false;
        if ((rc = one_pass(a, &w, &changed, err)) != 0) goto done;
        if (!changed) break;
    }
    if (!same_schema(want, got)) {
        rc = pw_error_set(err, PW_ERR_INVALID, NULL,
                          "optimize: the folded operations do not give the schema the "
                          "operations give (a bug of the optimizer)");
        goto done;
    }
    for (size_t i = 0; i < w.len; i++)
        if ((rc = pw_oplist_push(a, &res, &w.ops[i], err)) != 0) goto done;
    *out = res;
done:
    return rc;
}
