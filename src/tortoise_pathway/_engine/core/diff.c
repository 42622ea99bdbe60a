/*
 * diff.c - the autodetector of diff.h: (schema from, schema to) -> the
 * ordered operations that turn `from` into `to`.
 *
 * Owns: matching tables, columns and indexes by name; finding rename
 * candidates and asking the caller about them; the order of the output
 * (the eight steps listed in diff.h), including the dependency order of
 * created and deleted tables and the breaking of foreign-key cycles.
 * Does not own: applying operations (ops.c), folding them (optimize.c), or
 * their SQL (sql*.c). Neither input schema is modified; output operations
 * point into `to` or into arena copies.
 *
 * How it works. Every decision is taken first, then the operations are
 * emitted step by step:
 *   - tables are matched by name (sorted name arrays, so lookups are
 *     O(log n)), then the rest by model identity (certain renames), and
 *     confirmed table renames extend the match;
 *   - inside each matched pair, columns and indexes are matched by name,
 *     then column renames are asked;
 *   - comparisons between a `from` object and a `to` object go through the
 *     matches: a foreign key's table and column, and an index's columns, are
 *     translated to the names they have after the renames (this is what
 *     pw_op_apply of RENAME_MODEL / RENAME_FIELD does to the state).
 * Extra care beyond diff.h, so that every operation applies (pw_op_apply
 * checks foreign-key targets and index names):
 *   - a foreign key to a table `from` lacks (another app's) that `to` holds
 *     without the referenced column is dropped first (step 0);
 *   - a new table's foreign-key column that points at a column which is
 *     itself new in a kept table, or left out of its new table, is left out
 *     of CREATE_MODEL and added by ADD_FIELD after the kept table's new
 *     columns (step 4); in steps 3 and 4 a column whose key points at
 *     another added column waits for it, and a cycle of such keys is cut
 *     (ADD_FIELD without the key, ALTER_FIELD with it after the additions);
 *   - a new table's index that uses a left-out column, or whose name is
 *     still held by an index of a dropped table, is added in step 8;
 *   - in step 4 new columns without such a late foreign key come first; in
 *     step 6 dropped foreign-key columns go before other dropped columns (a
 *     column another dropped column's key points at after that one; a cycle
 *     of such keys cut by ALTER_FIELD),
 *     and a dropped table's foreign key to a dropped column of a kept table
 *     is removed (with the indexes using it) before that column;
 *   - a primary key that moves to another column of a kept table is let go
 *     of first (the old key column's ALTER_FIELD in step 5 or REMOVE_FIELD
 *     in step 6), the new key column taking it by ALTER_FIELD at the end of
 *     step 6; until then it has its new definition without the key (added
 *     so in step 4 when it is new, altered so in step 5 when that differs
 *     from its old one).
 * Choices left open by diff.h: the rename callback receives, as `table`, the
 * `to` name for tables as for columns; step 5 goes table by table (`to`
 * order), ALTER_FIELDs in column order then the table's ALTER_MODEL; steps
 * 2 and 6 go table by table in `to` order, objects in `from` order; a cycle
 * among new tables is cut at its table that comes first in `to` (preferring
 * one whose cut columns hold no primary key), found by walking references
 * back from the first table not yet created, so tables that merely depend
 * on a cycle are never cut; among dropped tables likewise in `from` order.
 */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* State of one diff                                                        */

typedef struct {
    const char *name;
    size_t idx;
} name_ix;

/* Per `to` table. */
typedef struct {
    long from;          /* index in from->tables, or -1 for a new table */
    long *col_from;     /* matched tables: per column, the from column index or -1 */
    long *ix_from;      /* matched tables: per index, the from index index or -1 */
    bool *deferred_col; /* new tables: column left out of CREATE_MODEL */
    bool *cycle_col;    /* new tables: ... because it closes a foreign-key cycle */
    bool *deferred_ix;  /* new tables: index left out of CREATE_MODEL */
    long pk_late;       /* matched tables: the column that takes the primary key over from
                           another one, made the key only after that one let go of it
                           (step 6); -1 for none */
} to_info;

/* Per `from` table. */
typedef struct {
    long to;           /* index in to->tables, or -1 for a dropped table */
    long *col_to;      /* matched tables: per column, the to column index or -1 */
    bool *col_removed; /* dropped tables: column removed before DELETE_MODEL */
    bool *ix_removed;  /* dropped tables: index removed before DELETE_MODEL */
    bool *fk_dropped;  /* per column: foreign key dropped in step 0 (NULL: none) */
    bool by_identity;  /* renamed to `to` because both carry one model identity */
} from_info;

typedef struct {
    pw_arena *a;
    const pw_schema *from, *to;
    pw_rename_cb cb;
    void *ctx;
    pw_error *err;
    pw_oplist ops;
    pw_oplist pre; /* step 0, decided later, output first */
    name_ix *from_sorted, *to_sorted;
    from_info *fi;
    to_info *ti;
    const char **dropped_ix; /* names of the indexes of dropped tables, sorted */
    size_t ndropped_ix;
} diff_ctx;

static int nomem(diff_ctx *d) {
    return pw_error_set(d->err, PW_ERR_NOMEM, NULL, "out of memory while computing the diff");
}


static void *alloc_n(diff_ctx *d, size_t n, size_t size) {
    return pw_arena_calloc(d->a, n == 0 ? 1 : n, size);
}

static long *alloc_minus_one(diff_ctx *d, size_t n) {
    long *v = alloc_n(d, n, sizeof *v);
    if (v != NULL)
        for (size_t i = 0; i < n; i++) v[i] = -1;
    return v;
}

static int push(diff_ctx *d, const pw_op *op) {
    return pw_oplist_push(d->a, &d->ops, op, d->err);
}

static pw_op new_op(pw_op_kind kind, const char *table) {
    pw_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.table = table;
    return op;
}

/* ------------------------------------------------------------------------ */
/* Name lookups                                                             */

static int cmp_name_ix(const void *x, const void *y) {
    return strcmp(((const name_ix *)x)->name, ((const name_ix *)y)->name);
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The table names of s sorted into *out; PW_ERR_INVALID on a duplicate. */
static int sort_tables(diff_ctx *d, const pw_schema *s, const char *which, name_ix **out) {
    name_ix *v = alloc_n(d, s->ntables, sizeof *v);
    if (v == NULL) return nomem(d);
    for (size_t i = 0; i < s->ntables; i++) {
        if (s->tables[i]->name == NULL)
            return pw_error_set(d->err, PW_ERR_INVALID, NULL, "a table of the %s schema has no name",
                                which);
        v[i].name = s->tables[i]->name;
        v[i].idx = i;
    }
    if (s->ntables > 1) qsort(v, s->ntables, sizeof *v, cmp_name_ix);
    for (size_t i = 1; i < s->ntables; i++)
        if (strcmp(v[i - 1].name, v[i].name) == 0)
            return pw_error_set(d->err, PW_ERR_INVALID, v[i].name,
                                "table %s appears twice in the %s schema", v[i].name, which);
    *out = v;
    return 0;
}

/* Position of the table called name in the schema whose sorted names are
 * v[0..n), or -1. */
static long find_sorted(const name_ix *v, size_t n, const char *name) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].name, name);
        if (c == 0) return (long)v[mid].idx;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static long find_from(const diff_ctx *d, const char *name) {
    return find_sorted(d->from_sorted, d->from->ntables, name);
}

static long find_to(const diff_ctx *d, const char *name) {
    return find_sorted(d->to_sorted, d->to->ntables, name);
}

static bool is_dropped_index_name(const diff_ctx *d, const char *name) {
    if (d->ndropped_ix == 0) return false;
    return bsearch(&name, d->dropped_ix, d->ndropped_ix, sizeof *d->dropped_ix, cmp_str) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Comparing through the matches                                            */

/* The name a `from` table has after the renames. */
static const char *map_table(const diff_ctx *d, const char *name) {
    long i = find_from(d, name);
    if (i < 0 || d->fi[i].to < 0) return name;
    return d->to->tables[d->fi[i].to]->name;
}

/* The name column `col` of the `from` table `table` has after the renames. */
static const char *map_column(const diff_ctx *d, const char *table, const char *col) {
    long i = find_from(d, table);
    if (i < 0 || d->fi[i].to < 0 || d->fi[i].col_to == NULL || col == NULL) return col;
    long k = pw_table_column_index(d->from->tables[i], col);
    if (k < 0 || d->fi[i].col_to[k] < 0) return col;
    return d->to->tables[d->fi[i].to]->columns[d->fi[i].col_to[k]]->name;
}

/* Whether the `from` column fc, seen after the renames, equals the `to`
 * column tc. as_name: compare as if fc had this name (NULL: its own).
 * self_old/self_new: a candidate table rename not yet confirmed (NULL: none);
 * foreign keys to self_old then point at self_new. */
static bool column_matches(const diff_ctx *d, const pw_column *fc, const pw_column *tc,
                           const char *as_name, const char *self_old, const char *self_new) {
    pw_column tmp = *fc;
    if (as_name != NULL) tmp.name = as_name;
    if (tmp.fk.table != NULL) {
        tmp.fk.column = map_column(d, fc->fk.table, fc->fk.column);
        if (self_old != NULL && strcmp(fc->fk.table, self_old) == 0) tmp.fk.table = self_new;
        else tmp.fk.table = map_table(d, fc->fk.table);
    }
    return pw_column_equal(&tmp, tc);
}

/* Whether index fx of the `from` table ft equals index tx of the `to` table
 * tt, its columns seen through col_to (the column matches of the pair). */
static bool index_matches(const pw_table *ft, const long *col_to,
                          const pw_table *tt, const pw_index *fx, const pw_index *tx) {
    if (!pw_str_eq(fx->name, tx->name) || fx->unique != tx->unique || fx->ncolumns != tx->ncolumns)
        return false;
    for (size_t i = 0; i < fx->ncolumns; i++) {
        const char *name = fx->columns[i];
        long k = name != NULL ? pw_table_column_index(ft, name) : -1;
        if (k >= 0 && col_to[k] >= 0) name = tt->columns[col_to[k]]->name;
        if (!pw_str_eq(name, tx->columns[i])) return false;
    }
    if (fx->nexpressions != tx->nexpressions) return false;
    for (size_t i = 0; i < fx->nexpressions; i++)
        if (!pw_str_eq(fx->expressions[i], tx->expressions[i])) return false;
    return pw_str_eq(fx->method, tx->method) && pw_str_eq(fx->condition, tx->condition) &&
           pw_str_eq(fx->options, tx->options);
}

/* Whether ft and tt are equal but for the table name. */
static bool table_rename_candidate(const diff_ctx *d, const pw_table *ft, const pw_table *tt) {
    if (!pw_str_eq(ft->comment, tt->comment) || ft->ncolumns != tt->ncolumns ||
        ft->nindexes != tt->nindexes || ft->nchecks != tt->nchecks)
        return false;
    for (size_t i = 0; i < ft->nchecks; i++)
        if (!pw_check_equal(ft->checks[i], tt->checks[i])) return false;
    for (size_t i = 0; i < ft->ncolumns; i++)
        if (!column_matches(d, ft->columns[i], tt->columns[i], NULL, ft->name, tt->name))
            return false;
    for (size_t i = 0; i < ft->nindexes; i++)
        if (!pw_index_equal(ft->indexes[i], tt->indexes[i])) return false;
    return true;
}

/* A hash of everything table_rename_candidate compares except the table
 * name and the tables foreign keys point at: equal for any candidate pair. */
typedef struct {
    uint64_t hash;
    size_t idx;
} shape_ix;

static uint64_t fnv_bytes(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t fnv_str(uint64_t h, const char *s) {
    if (s == NULL) return fnv_bytes(h, "\x01", 1);
    return fnv_bytes(h, s, strlen(s) + 1);
}

static uint64_t fnv_num(uint64_t h, unsigned long long v) { return fnv_bytes(h, &v, sizeof v); }

static uint64_t shape_hash(const pw_table *t) {
    uint64_t h = 14695981039346656037ULL;
    h = fnv_str(h, t->comment);
    h = fnv_num(h, t->ncolumns);
    h = fnv_num(h, t->nindexes);
    for (size_t i = 0; i < t->ncolumns; i++) {
        const pw_column *c = t->columns[i];
        h = fnv_str(h, c->name);
        for (int k = 0; k < PW_DIALECT_COUNT; k++) {
            h = fnv_str(h, c->type[k]);
            h = fnv_str(h, c->generated[k]);
        }
        h = fnv_num(h, (unsigned long long)c->null | (unsigned long long)c->pk << 1 |
                           (unsigned long long)c->autoincrement << 2 |
                           (unsigned long long)c->unique << 3);
        h = fnv_str(h, c->unique_name);
        h = fnv_num(h, (unsigned long long)c->def.kind);
        switch (c->def.kind) {
        case PW_DEFAULT_NONE:
            break;
        case PW_DEFAULT_INT:
        case PW_DEFAULT_BOOL:
            h = fnv_num(h, (unsigned long long)c->def.i);
            break;
        case PW_DEFAULT_FLOAT:
            h = fnv_bytes(h, &c->def.f, sizeof c->def.f);
            break;
        case PW_DEFAULT_STRING:
        case PW_DEFAULT_EXPR:
            h = fnv_str(h, c->def.s);
            break;
        }
        h = fnv_str(h, c->comment);
        h = fnv_num(h, c->fk.table != NULL);
        if (c->fk.table != NULL) {
            h = fnv_str(h, c->fk.name);
            h = fnv_str(h, c->fk.column);
            h = fnv_num(h, (unsigned long long)c->fk.on_delete);
        }
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const pw_index *ix = t->indexes[i];
        h = fnv_str(h, ix->name);
        h = fnv_num(h, ix->unique);
        h = fnv_num(h, ix->ncolumns);
        for (size_t k = 0; k < ix->ncolumns; k++) h = fnv_str(h, ix->columns[k]);
        h = fnv_num(h, ix->nexpressions);
        for (size_t k = 0; k < ix->nexpressions; k++) h = fnv_str(h, ix->expressions[k]);
        h = fnv_str(h, ix->method);
        h = fnv_str(h, ix->condition);
        h = fnv_str(h, ix->options);
    }
    h = fnv_num(h, t->nchecks);
    for (size_t i = 0; i < t->nchecks; i++) {
        h = fnv_str(h, t->checks[i]->name);
        h = fnv_str(h, t->checks[i]->check);
    }
    return h;
}

static int cmp_shape(const void *x, const void *y) {
    const shape_ix *a = x, *b = y;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* ------------------------------------------------------------------------ */
/* Matching and renames                                                     */

/* Calls the rename callback; PW_ERR_CALLBACK when it fails. */
static int ask(diff_ctx *d, pw_rename_kind kind, const char *table, const char *old_name,
               const char *new_name, const pw_column *column, bool *yes) {
    *yes = false;
    if (d->cb(d->ctx, kind, table, old_name, new_name, column, yes) == 0) return 0;
    if (kind == PW_RENAME_TABLE)
        return pw_error_set(d->err, PW_ERR_CALLBACK, old_name,
                            "the rename question for table %s -> %s failed", old_name, new_name);
    char path[PW_ERR_PATH_MAX];
    size_t tl = strlen(table), ol = strlen(old_name);
    if (tl + 1 + ol < sizeof path) {
        memcpy(path, table, tl);
        path[tl] = '.';
        memcpy(path + tl + 1, old_name, ol + 1);
    } else {
        path[0] = '\0';
    }
    return pw_error_set(d->err, PW_ERR_CALLBACK, path,
                        "the rename question for column %s.%s -> %s failed", table, old_name,
                        new_name);
}

/* Step 0, decided after step 3, placed before the renames: a `from` column
 * whose foreign key points at a table `from` does not hold (another app's, or
 * a dangling name) that the diff creates without the referenced column (not
 * in `to`, or added after CREATE_MODEL), or that a table lacking it is
 * renamed to. pw_op_apply would refuse the creation or the rename while the
 * key points there, so the key is dropped first, by ALTER_FIELD in `from`
 * names (into d->pre); steps 5 to 7 then give the column its final
 * definition, remove it, or delete its table. */
static int emit_dangling_fk_drops(diff_ctx *d) {
    int rc;
    for (size_t i = 0; i < d->from->ntables; i++) {
        const pw_table *ft = d->from->tables[i];
        for (size_t k = 0; k < ft->ncolumns; k++) {
            const pw_column *c = ft->columns[k];
            if (c->fk.table == NULL || c->fk.column == NULL || find_from(d, c->fk.table) >= 0)
                continue;
            long u = find_to(d, c->fk.table);
            if (u < 0) continue;
            const to_info *tu = &d->ti[u];
            bool there;
            if (tu->from >= 0) {
                there = pw_table_find_column(d->from->tables[tu->from], c->fk.column) != NULL;
            } else {
                long kk = pw_table_column_index(d->to->tables[u], c->fk.column);
                there = kk >= 0 && !tu->deferred_col[kk];
            }
            if (there) continue;
            if (d->fi[i].fk_dropped == NULL &&
                (d->fi[i].fk_dropped = alloc_n(d, ft->ncolumns, sizeof(bool))) == NULL)
                return nomem(d);
            d->fi[i].fk_dropped[k] = true;
            pw_column *nc = pw_arena_alloc(d->a, sizeof *nc);
            if (nc == NULL) return nomem(d);
            *nc = *c;
            memset(&nc->fk, 0, sizeof nc->fk);
            pw_op op = new_op(PW_OP_ALTER_FIELD, ft->name);
            op.column = nc;
            if ((rc = pw_oplist_push(d->a, &d->pre, &op, d->err)) != 0) return rc;
        }
    }
    return 0;
}

/* The first position in v[0..n) (sorted by name) whose name is not below
 * key; *count receives how many entries from there are named key. */
static size_t lower_bound(const name_ix *v, size_t n, const char *key, size_t *count) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].name, key) < 0) lo = mid + 1;
        else hi = mid;
    }
    size_t k = lo;
    while (k < n && strcmp(v[k].name, key) == 0) k++;
    *count = k - lo;
    return lo;
}

/* The model identities of the tables of s that the names left unmatched
 * (matched: d->fi / d->ti), sorted into *out (*n entries). */
static int unmatched_identities(diff_ctx *d, const pw_schema *s, bool to_side, name_ix **out,
                                size_t *n) {
    name_ix *v = alloc_n(d, s->ntables, sizeof *v);
    if (v == NULL) return nomem(d);
    size_t m = 0;
    for (size_t i = 0; i < s->ntables; i++) {
        long other = to_side ? d->ti[i].from : d->fi[i].to;
        if (other >= 0 || s->tables[i]->model == NULL) continue;
        v[m].name = s->tables[i]->model;
        v[m++].idx = i;
    }
    if (m > 1) qsort(v, m, sizeof *v, cmp_name_ix);
    *out = v;
    *n = m;
    return 0;
}

/* Certain renames (step 1, before any question): a table only in `from` and
 * a table only in `to` that carry the same model identity, each the one table
 * of its side to carry it among those the names leave unmatched. A table
 * whose name is kept is matched by its name whatever its identity says (a
 * renamed class keeps its table; the state may hold the old identity), so an
 * identity never takes a table away from its name. `from` order. */
static int match_identities(diff_ctx *d) {
    int rc;
    name_ix *fv, *tv;
    size_t nf, nt;
    if ((rc = unmatched_identities(d, d->to, true, &tv, &nt)) != 0) return rc;
    if (nt == 0) return 0;
    if ((rc = unmatched_identities(d, d->from, false, &fv, &nf)) != 0) return rc;
    for (size_t i = 0; i < d->from->ntables; i++) {
        const pw_table *ft = d->from->tables[i];
        if (d->fi[i].to >= 0 || ft->model == NULL) continue;
        size_t cf, ct;
        lower_bound(fv, nf, ft->model, &cf);
        size_t p = lower_bound(tv, nt, ft->model, &ct);
        if (cf != 1 || ct != 1) continue;
        size_t j = tv[p].idx;
        d->fi[i].to = (long)j;
        d->fi[i].by_identity = true;
        d->ti[j].from = (long)i;
        pw_op op = new_op(PW_OP_RENAME_MODEL, ft->name);
        op.new_name = d->to->tables[j]->name;
        if ((rc = push(d, &op)) != 0) return rc;
    }
    return 0;
}

/* The part of x and of y left once their longest common prefix and then
 * their longest common suffix (not overlapping it) are taken off: x[*p ..
 * *p + *xl), y[*p .. *p + *yl). */
static void differing_part(const char *x, const char *y, size_t *p, size_t *xl, size_t *yl) {
    size_t lx = strlen(x), ly = strlen(y), pre = 0, suf = 0;
    while (pre < lx && pre < ly && x[pre] == y[pre]) pre++;
    while (suf < lx - pre && suf < ly - pre && x[lx - 1 - suf] == y[ly - 1 - suf]) suf++;
    *p = pre;
    *xl = lx - pre - suf;
    *yl = ly - pre - suf;
}

/* Whether the name old_c becomes new_c the way the table name old_t became
 * new_t: customer_id -> client_id for customer -> client (or customers ->
 * clients), author_id -> writer_id for authors -> writers. */
static bool renamed_alike(const char *old_c, const char *new_c, const char *old_t,
                          const char *new_t) {
    size_t cp, cx, cy, tp, tx, ty;
    differing_part(old_c, new_c, &cp, &cx, &cy);
    differing_part(old_t, new_t, &tp, &tx, &ty);
    return cx == tx && cy == ty && memcmp(old_c + cp, old_t + tp, cx) == 0 &&
           memcmp(new_c + cp, new_t + tp, cy) == 0;
}

/* A rename candidate beyond equal-but-for-the-name: the `from` column fc has
 * a foreign key to a table renamed by this diff, and the `to` column tc is
 * named after the new name as fc after the old one (customer_id -> client_id
 * when customer -> client). Their constraint names may differ (Tortoise
 * derives them from both names); all else must be equal, seen through the
 * renames. */
static bool fk_follows_rename(const diff_ctx *d, const pw_column *fc, const pw_column *tc) {
    if (fc->fk.table == NULL || tc->fk.table == NULL || fc->name == NULL || tc->name == NULL)
        return false;
    long i = find_from(d, fc->fk.table);
    if (i < 0 || d->fi[i].to < 0) return false;
    const char *nt = d->to->tables[d->fi[i].to]->name;
    if (strcmp(nt, fc->fk.table) == 0 || !renamed_alike(fc->name, tc->name, fc->fk.table, nt))
        return false;
    pw_column same = *tc;
    same.fk.name = fc->fk.name;
    return column_matches(d, fc, &same, tc->name, NULL, NULL);
}

/* A certain column rename: in the table pair ft -> tt, paired by identity, a
 * foreign-key column following its target's rename (fk_follows_rename) where
 * that target is paired by identity too and the table's own name changes as
 * the target's does. Those are names derived from the target's: the through
 * table of a ManyToManyField, "customers_tag", and its key "customers_id",
 * which Tortoise names after the model's table, become "clients_tag" and
 * "clients_id" when that table becomes "clients". */
static bool derived_follows_rename(const diff_ctx *d, const pw_table *ft, const pw_table *tt,
                                   const pw_column *fc, const pw_column *tc) {
    if (!fk_follows_rename(d, fc, tc)) return false;
    long i = find_from(d, fc->fk.table);
    if (i < 0 || !d->fi[i].by_identity) return false;
    return renamed_alike(ft->name, tt->name, fc->fk.table, d->to->tables[d->fi[i].to]->name);
}

static int match_tables(diff_ctx *d) {
    int rc;
    if ((rc = sort_tables(d, d->from, "source", &d->from_sorted)) != 0) return rc;
    if ((rc = sort_tables(d, d->to, "target", &d->to_sorted)) != 0) return rc;
    d->fi = alloc_n(d, d->from->ntables, sizeof *d->fi);
    d->ti = alloc_n(d, d->to->ntables, sizeof *d->ti);
    if (d->fi == NULL || d->ti == NULL) return nomem(d);
    for (size_t i = 0; i < d->from->ntables; i++) d->fi[i].to = -1;
    for (size_t j = 0; j < d->to->ntables; j++) {
        long i = find_from(d, d->to->tables[j]->name);
        d->ti[j].from = i;
        if (i >= 0) d->fi[i].to = (long)j;
    }
    if ((rc = match_identities(d)) != 0) return rc;
    if (d->cb == NULL) return 0;
    /* Table renames: from order, then to order; each pair asked once. Only
     * tables of equal shape can be candidates, so the `to` side is bucketed
     * by shape_hash (sorted by hash, then to order). */
    size_t nt = 0;
    shape_ix *shapes = alloc_n(d, d->to->ntables, sizeof *shapes);
    if (shapes == NULL) return nomem(d);
    for (size_t j = 0; j < d->to->ntables; j++) {
        if (d->ti[j].from >= 0) continue;
        shapes[nt].hash = shape_hash(d->to->tables[j]);
        shapes[nt++].idx = j;
    }
    if (nt > 1) qsort(shapes, nt, sizeof *shapes, cmp_shape);
    for (size_t i = 0; i < d->from->ntables && nt > 0; i++) {
        if (d->fi[i].to >= 0) continue;
        const pw_table *ft = d->from->tables[i];
        uint64_t h = shape_hash(ft);
        size_t lo = 0, hi = nt;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (shapes[mid].hash < h) lo = mid + 1;
            else hi = mid;
        }
        for (size_t p = lo; p < nt && shapes[p].hash == h; p++) {
            size_t j = shapes[p].idx;
            if (d->ti[j].from >= 0) continue;
            const pw_table *tt = d->to->tables[j];
            if (!table_rename_candidate(d, ft, tt)) continue;
            bool yes;
            if ((rc = ask(d, PW_RENAME_TABLE, tt->name, ft->name, tt->name, NULL, &yes)) != 0)
                return rc;
            if (!yes) continue;
            d->fi[i].to = (long)j;
            d->ti[j].from = (long)i;
            pw_op op = new_op(PW_OP_RENAME_MODEL, ft->name);
            op.new_name = tt->name;
            if ((rc = push(d, &op)) != 0) return rc;
            break;
        }
    }
    return 0;
}

/* The column renames of the matched pair whose `to` table is j: with
 * certain, those of names derived from a renamed table
 * (derived_follows_rename), asked of no one; else the candidates, asked
 * (from columns, then to columns). */
static int rename_columns(diff_ctx *d, size_t j, bool certain) {
    int rc;
    to_info *ti = &d->ti[j];
    from_info *fi = &d->fi[ti->from];
    const pw_table *ft = d->from->tables[ti->from], *tt = d->to->tables[j];
    for (size_t c = 0; c < ft->ncolumns; c++) {
        if (fi->col_to[c] >= 0) continue;
        const pw_column *fc = ft->columns[c];
        for (size_t k = 0; k < tt->ncolumns; k++) {
            if (ti->col_from[k] >= 0) continue;
            const pw_column *tc = tt->columns[k];
            if (certain) {
                if (!derived_follows_rename(d, ft, tt, fc, tc)) continue;
            } else {
                if (!column_matches(d, fc, tc, tc->name, NULL, NULL) &&
                    !fk_follows_rename(d, fc, tc))
                    continue;
                bool yes;
                if ((rc = ask(d, PW_RENAME_COLUMN, tt->name, fc->name, tc->name, tc, &yes)) != 0)
                    return rc;
                if (!yes) continue;
            }
            fi->col_to[c] = (long)k;
            ti->col_from[k] = (long)c;
            pw_op op = new_op(PW_OP_RENAME_FIELD, tt->name);
            op.name = fc->name;
            op.new_name = tc->name;
            if ((rc = push(d, &op)) != 0) return rc;
            break;
        }
    }
    return 0;
}

/* Name matches of columns and indexes in every matched pair, then the
 * column renames, pair by pair in to order: in a pair renamed by identity the
 * certain renames of derived names first, then the questions. */
static int match_columns(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        to_info *ti = &d->ti[j];
        const pw_table *tt = d->to->tables[j];
        if (ti->from < 0) {
            ti->deferred_col = alloc_n(d, tt->ncolumns, sizeof *ti->deferred_col);
            ti->cycle_col = alloc_n(d, tt->ncolumns, sizeof *ti->cycle_col);
            ti->deferred_ix = alloc_n(d, tt->nindexes, sizeof *ti->deferred_ix);
            if (ti->deferred_col == NULL || ti->cycle_col == NULL || ti->deferred_ix == NULL)
                return nomem(d);
            continue;
        }
        from_info *fi = &d->fi[ti->from];
        const pw_table *ft = d->from->tables[ti->from];
        ti->col_from = alloc_minus_one(d, tt->ncolumns);
        ti->ix_from = alloc_minus_one(d, tt->nindexes);
        fi->col_to = alloc_minus_one(d, ft->ncolumns);
        if (ti->col_from == NULL || ti->ix_from == NULL || fi->col_to == NULL) return nomem(d);
        for (size_t k = 0; k < tt->ncolumns; k++) {
            long c = pw_table_column_index(ft, tt->columns[k]->name);
            if (c < 0) continue;
            ti->col_from[k] = c;
            fi->col_to[c] = (long)k;
        }
        for (size_t k = 0; k < tt->nindexes; k++)
            ti->ix_from[k] = pw_table_index_index(ft, tt->indexes[k]->name);
    }
    for (size_t i = 0; i < d->from->ntables; i++) {
        if (d->fi[i].to >= 0) continue;
        const pw_table *ft = d->from->tables[i];
        d->fi[i].col_removed = alloc_n(d, ft->ncolumns, sizeof(bool));
        d->fi[i].ix_removed = alloc_n(d, ft->nindexes, sizeof(bool));
        if (d->fi[i].col_removed == NULL || d->fi[i].ix_removed == NULL) return nomem(d);
    }
    for (size_t j = 0; j < d->to->ntables; j++) {
        if (d->ti[j].from < 0) continue;
        if (d->fi[d->ti[j].from].by_identity && (rc = rename_columns(d, j, true)) != 0)
            return rc;
        if (d->cb != NULL && (rc = rename_columns(d, j, false)) != 0) return rc;
    }
    return 0;
}

/* For every matched pair whose primary key moves to another column (one that
 * is new, or was not the key), the to column that takes it over: pk_late.
 * pw_op_apply refuses a second primary key, so that column gets the key only
 * after the old key column was altered (step 5) or removed (step 6). Runs
 * after the renames, which decide which columns match. */
static void find_pk_moves(diff_ctx *d) {
    for (size_t j = 0; j < d->to->ntables; j++) {
        to_info *ti = &d->ti[j];
        ti->pk_late = -1;
        if (ti->from < 0) continue;
        const pw_table *ft = d->from->tables[ti->from], *tt = d->to->tables[j];
        long fk = -1, tk = -1;
        for (size_t k = 0; k < ft->ncolumns && fk < 0; k++)
            if (ft->columns[k]->pk) fk = (long)k;
        for (size_t k = 0; k < tt->ncolumns && tk < 0; k++)
            if (tt->columns[k]->pk) tk = (long)k;
        if (fk >= 0 && tk >= 0 && ti->col_from[tk] != fk) ti->pk_late = tk;
    }
}

/* A `to` foreign key may point at a table `to` does not hold (another
 * app's), but not at one that `from` holds and `to` drops: the table would be
 * deleted while the key needs it (pw_op_apply refuses DELETE_MODEL of a table
 * something points at), as happens when a model moves to another app while a
 * model of this one still refers to it. PW_ERR_INVALID naming the key. */
static int check_dropped_targets(diff_ctx *d) {
    for (size_t j = 0; j < d->to->ntables; j++) {
        const pw_table *tt = d->to->tables[j];
        for (size_t k = 0; k < tt->ncolumns; k++) {
            const pw_column *c = tt->columns[k];
            if (c->fk.table == NULL || find_to(d, c->fk.table) >= 0) continue;
            long i = find_from(d, c->fk.table);
            if (i < 0 || d->fi[i].to >= 0) continue;
            char path[PW_ERR_PATH_MAX];
            size_t tl = strlen(tt->name), cl = strlen(c->name);
            if (tl + 1 + cl < sizeof path) {
                memcpy(path, tt->name, tl);
                path[tl] = '.';
                memcpy(path + tl + 1, c->name, cl + 1);
            } else {
                path[0] = '\0';
            }
            return pw_error_set(d->err, PW_ERR_INVALID, path[0] ? path : tt->name,
                                "foreign key %s.%s points to table %s, which the target drops: "
                                "the table cannot be deleted while the key needs it (keep "
                                "the model in this app, or remove the key first)",
                                tt->name, c->name, c->fk.table);
        }
    }
    return 0;
}

/* Names of the indexes of dropped tables, sorted, for step 3. */
static int collect_dropped_indexes(diff_ctx *d) {
    size_t n = 0;
    for (size_t i = 0; i < d->from->ntables; i++)
        if (d->fi[i].to < 0) n += d->from->tables[i]->nindexes;
    if (n == 0) return 0;
    d->dropped_ix = alloc_n(d, n, sizeof *d->dropped_ix);
    if (d->dropped_ix == NULL) return nomem(d);
    for (size_t i = 0; i < d->from->ntables; i++) {
        if (d->fi[i].to >= 0) continue;
        const pw_table *ft = d->from->tables[i];
        for (size_t k = 0; k < ft->nindexes; k++)
            if (ft->indexes[k]->name != NULL) d->dropped_ix[d->ndropped_ix++] = ft->indexes[k]->name;
    }
    if (d->ndropped_ix > 1) qsort(d->dropped_ix, d->ndropped_ix, sizeof *d->dropped_ix, cmp_str);
    return 0;
}

/* Whether column c of the `to` table j has a foreign key to a column that is
 * new in another, matched, table (so that column must be added first). */
static bool late_fk(const diff_ctx *d, size_t j, const pw_column *c) {
    if (c->fk.table == NULL || c->fk.column == NULL) return false;
    long u = find_to(d, c->fk.table);
    if (u < 0 || (size_t)u == j || d->ti[u].from < 0) return false;
    long k = pw_table_column_index(d->to->tables[u], c->fk.column);
    return k >= 0 && d->ti[u].col_from[k] < 0;
}

/* ------------------------------------------------------------------------ */
/* Ordering tables that reference each other                               */

typedef struct {
    size_t owner; /* node whose table holds the foreign-key column */
    size_t other; /* node the foreign key points at (never owner) */
    size_t col;   /* column index in the owner's table */
} fk_edge;

typedef struct {
    size_t n;
    const pw_table **tables; /* per node */
    fk_edge *edges;          /* grouped by owner, in owner then column order */
    size_t nedges, capedges;
    size_t *own_start; /* edges of node v: own_start[v] .. own_start[v+1] */
} fk_graph;

typedef struct {
    size_t *v;
    size_t n;
} min_heap;

static void heap_push(min_heap *h, size_t x) {
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p] <= x) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = x;
}

static size_t heap_pop(min_heap *h) {
    size_t top = h->v[0], x = h->v[--h->n], i = 0;
    if (h->n == 0) return top;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->v[c + 1] < h->v[c]) c++;
        if (x <= h->v[c]) break;
        h->v[i] = h->v[c];
        i = c;
    }
    h->v[i] = x;
    return top;
}

/* Orders the nodes of g: with owner_first false a node comes after the
 * nodes it points at (creation), with owner_first true before them
 * (deletion). Ties go to the lowest node index. When no node can come next,
 * a cycle is found by walking back from the first remaining node, and its
 * node of lowest index (preferring one whose cut columns hold no primary
 * key) has its foreign-key edges to remaining nodes cut: stripped[e] is set.
 * order receives the n nodes. 0 or PW_ERR_NOMEM. */
static int order_graph(diff_ctx *d, const fk_graph *g, bool owner_first, size_t *order,
                       bool *stripped) {
    size_t n = g->n, ne = g->nedges;
    size_t *indeg = alloc_n(d, n, sizeof *indeg);
    size_t *in_start = alloc_n(d, n + 1, sizeof *in_start);
    size_t *out_start = alloc_n(d, n + 1, sizeof *out_start);
    size_t *in_e = alloc_n(d, ne, sizeof *in_e), *out_e = alloc_n(d, ne, sizeof *out_e);
    size_t *fill = alloc_n(d, n + 1, sizeof *fill);
    size_t *walk_pos = alloc_n(d, n, sizeof *walk_pos), *path = alloc_n(d, n, sizeof *path);
    bool *done = alloc_n(d, n, sizeof *done);
    min_heap h = {alloc_n(d, n, sizeof(size_t)), 0};
    if (!indeg || !in_start || !out_start || !in_e || !out_e || !fill || !walk_pos || !path ||
        !done || !h.v)
        return nomem(d);
    /* pred comes before succ. */
#define PRED(e) (owner_first ? g->edges[e].owner : g->edges[e].other)
#define SUCC(e) (owner_first ? g->edges[e].other : g->edges[e].owner)
    for (size_t e = 0; e < ne; e++) {
        in_start[SUCC(e) + 1]++;
        out_start[PRED(e) + 1]++;
    }
    for (size_t v = 0; v < n; v++) {
        in_start[v + 1] += in_start[v];
        out_start[v + 1] += out_start[v];
    }
    memcpy(fill, in_start, (n + 1) * sizeof *fill);
    for (size_t e = 0; e < ne; e++) in_e[fill[SUCC(e)]++] = e;
    memcpy(fill, out_start, (n + 1) * sizeof *fill);
    for (size_t e = 0; e < ne; e++) out_e[fill[PRED(e)]++] = e;
    for (size_t v = 0; v < n; v++) {
        indeg[v] = in_start[v + 1] - in_start[v];
        walk_pos[v] = SIZE_MAX;
        if (indeg[v] == 0) heap_push(&h, v);
    }
    size_t emitted = 0, first = 0;
    while (emitted < n) {
        if (h.n == 0) {
            /* Stuck: every remaining node has a live edge from a remaining
             * predecessor, so walking back along them must close a cycle. */
            while (done[first]) first++;
            size_t v = first, len = 0;
            while (walk_pos[v] == SIZE_MAX) {
                walk_pos[v] = len;
                path[len++] = v;
                size_t next = v;
                for (size_t p = in_start[v]; p < in_start[v + 1]; p++) {
                    size_t e = in_e[p];
                    if (!stripped[e] && !done[PRED(e)]) {
                        next = PRED(e);
                        break;
                    }
                }
                v = next;
            }
            size_t best = SIZE_MAX, best_pk = SIZE_MAX;
            for (size_t p = walk_pos[v]; p < len; p++) {
                size_t x = path[p];
                bool has_pk = false;
                for (size_t e = g->own_start[x]; e < g->own_start[x + 1]; e++)
                    if (!stripped[e] && !done[g->edges[e].other] &&
                        g->tables[x]->columns[g->edges[e].col]->pk)
                        has_pk = true;
                if (!has_pk && x < best) best = x;
                if (x < best_pk) best_pk = x;
            }
            if (best == SIZE_MAX) best = best_pk;
            for (size_t p = 0; p < len; p++) walk_pos[path[p]] = SIZE_MAX;
            for (size_t e = g->own_start[best]; e < g->own_start[best + 1]; e++) {
                if (stripped[e] || done[g->edges[e].other]) continue;
                stripped[e] = true;
                size_t s = SUCC(e);
                if (--indeg[s] == 0) heap_push(&h, s);
            }
            continue;
        }
        size_t v = heap_pop(&h);
        done[v] = true;
        order[emitted++] = v;
        for (size_t p = out_start[v]; p < out_start[v + 1]; p++) {
            size_t e = out_e[p];
            if (stripped[e]) continue;
            size_t s = SUCC(e);
            if (!done[s] && --indeg[s] == 0) heap_push(&h, s);
        }
    }
#undef PRED
#undef SUCC
    return 0;
}

static int add_edge(diff_ctx *d, fk_graph *g, size_t owner, size_t other, size_t col) {
    if (g->nedges == g->capedges &&
        pw_arena_grow(d->a, (void **)&g->edges, &g->capedges, g->nedges + 1, sizeof *g->edges))
        return nomem(d);
    g->edges[g->nedges].owner = owner;
    g->edges[g->nedges].other = other;
    g->edges[g->nedges].col = col;
    g->nedges++;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Steps 2 to 8                                                             */

/* Step 2: REMOVE_INDEX of indexes of kept tables that are gone or changed. */
static int emit_remove_indexes(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        if (ti->from < 0) continue;
        const pw_table *ft = d->from->tables[ti->from], *tt = d->to->tables[j];
        for (size_t k = 0; k < ft->nindexes; k++) {
            const pw_index *fx = ft->indexes[k];
            const pw_index *tx = pw_table_find_index(tt, fx->name);
            if (tx != NULL && index_matches(ft, d->fi[ti->from].col_to, tt, fx, tx)) continue;
            pw_op op = new_op(PW_OP_REMOVE_INDEX, tt->name);
            op.name = fx->name;
            if ((rc = push(d, &op)) != 0) return rc;
        }
    }
    return 0;
}

/* Step 2 too: REMOVE_CONSTRAINT of check constraints of kept tables that are
 * gone or whose condition changed. */
static int emit_remove_checks(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        if (ti->from < 0) continue;
        const pw_table *ft = d->from->tables[ti->from], *tt = d->to->tables[j];
        for (size_t k = 0; k < ft->nchecks; k++) {
            const pw_check *tc = pw_table_find_check(tt, ft->checks[k]->name);
            if (tc != NULL && pw_str_eq(tc->check, ft->checks[k]->check)) continue;
            pw_op op = new_op(PW_OP_REMOVE_CONSTRAINT, tt->name);
            op.name = ft->checks[k]->name;
            if ((rc = push(d, &op)) != 0) return rc;
        }
    }
    return 0;
}

/* Whether index ix of table t uses a column flagged in cols. */
static bool index_uses(const pw_table *t, const pw_index *ix, const bool *cols) {
    for (size_t i = 0; i < ix->ncolumns; i++) {
        long k = ix->columns[i] != NULL ? pw_table_column_index(t, ix->columns[i]) : -1;
        if (k >= 0 && cols[k]) return true;
    }
    return false;
}

/* Whether the new `to` table j leaves a column out of CREATE_MODEL: then
 * its check constraints (which may name it) are added in step 8 too. */
static bool has_deferred_columns(const diff_ctx *d, size_t j) {
    for (size_t k = 0; k < d->to->tables[j]->ncolumns; k++)
        if (d->ti[j].deferred_col[k]) return true;
    return false;
}

/* The table CREATE_MODEL carries for the new `to` table j: a shallow copy of
 * it (its columns and indexes are tt's own) without its deferred columns and
 * indexes, and without its check constraints when it has deferred columns.
 * NULL out of memory. */
static pw_table *create_model_table(diff_ctx *d, size_t j) {
    const pw_table *tt = d->to->tables[j];
    const to_info *ti = &d->ti[j];
    pw_table *m = pw_arena_alloc(d->a, sizeof *m);
    if (m == NULL) return NULL;
    *m = *tt;
    size_t nc = 0, nx = 0;
    for (size_t k = 0; k < tt->ncolumns; k++) nc += !ti->deferred_col[k];
    for (size_t k = 0; k < tt->nindexes; k++) nx += !ti->deferred_ix[k];
    if (nc != tt->ncolumns) {
        m->columns = alloc_n(d, nc, sizeof *m->columns);
        if (m->columns == NULL) return NULL;
        m->ncolumns = m->capcolumns = 0;
        for (size_t k = 0; k < tt->ncolumns; k++)
            if (!ti->deferred_col[k]) m->columns[m->ncolumns++] = tt->columns[k];
        m->capcolumns = nc;
    }
    if (nx != tt->nindexes) {
        m->indexes = alloc_n(d, nx, sizeof *m->indexes);
        if (m->indexes == NULL) return NULL;
        m->nindexes = 0;
        for (size_t k = 0; k < tt->nindexes; k++)
            if (!ti->deferred_ix[k]) m->indexes[m->nindexes++] = tt->indexes[k];
        m->capindexes = nx;
    }
    if (nc != tt->ncolumns) m->nchecks = 0;
    return m;
}

/* Step 3: CREATE_MODEL of new tables in dependency order, then ADD_FIELD of
 * the columns that closed a cycle. */
static int emit_create_models(diff_ctx *d) {
    int rc;
    fk_graph g;
    memset(&g, 0, sizeof g);
    long *node_of = alloc_minus_one(d, d->to->ntables);
    size_t *to_of = alloc_n(d, d->to->ntables, sizeof *to_of);
    if (node_of == NULL || to_of == NULL) return nomem(d);
    for (size_t j = 0; j < d->to->ntables; j++)
        if (d->ti[j].from < 0) {
            node_of[j] = (long)g.n;
            to_of[g.n++] = j;
        }
    if (g.n == 0) return 0;
    g.tables = alloc_n(d, g.n, sizeof *g.tables);
    g.own_start = alloc_n(d, g.n + 1, sizeof *g.own_start);
    if (g.tables == NULL || g.own_start == NULL) return nomem(d);
    for (size_t v = 0; v < g.n; v++) {
        size_t j = to_of[v];
        const pw_table *tt = d->to->tables[j];
        g.tables[v] = tt;
        g.own_start[v] = g.nedges;
        for (size_t k = 0; k < tt->ncolumns; k++) {
            const pw_column *c = tt->columns[k];
            if (c->fk.table == NULL) continue;
            if (late_fk(d, j, c)) {
                d->ti[j].deferred_col[k] = true;
                continue;
            }
            long u = find_to(d, c->fk.table);
            if (u < 0 || (size_t)u == j || node_of[u] < 0) continue;
            if ((rc = add_edge(d, &g, v, (size_t)node_of[u], k)) != 0) return rc;
        }
    }
    g.own_start[g.n] = g.nedges;
    size_t *order = alloc_n(d, g.n, sizeof *order);
    bool *stripped = alloc_n(d, g.nedges, sizeof *stripped);
    if (order == NULL || stripped == NULL) return nomem(d);
    if ((rc = order_graph(d, &g, false, order, stripped)) != 0) return rc;
    for (size_t e = 0; e < g.nedges; e++) {
        if (!stripped[e]) continue;
        to_info *ti = &d->ti[to_of[g.edges[e].owner]];
        ti->deferred_col[g.edges[e].col] = true;
        ti->cycle_col[g.edges[e].col] = true;
    }
    /* A column whose foreign key points at a left-out column of a new table
     * is left out too: pw_op_apply wants the column it points at. */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t v = 0; v < g.n; v++) {
            to_info *ti = &d->ti[to_of[v]];
            const pw_table *tt = d->to->tables[to_of[v]];
            for (size_t k = 0; k < tt->ncolumns; k++) {
                const pw_column *c = tt->columns[k];
                if (ti->deferred_col[k] || c->fk.table == NULL || c->fk.column == NULL) continue;
                long u = find_to(d, c->fk.table);
                if (u < 0 || d->ti[u].from >= 0) continue;
                long kk = pw_table_column_index(d->to->tables[u], c->fk.column);
                if (kk < 0 || !d->ti[u].deferred_col[kk]) continue;
                ti->deferred_col[k] = true;
                changed = true;
            }
        }
    }
    for (size_t v = 0; v < g.n; v++) {
        size_t j = to_of[v];
        const pw_table *tt = d->to->tables[j];
        for (size_t k = 0; k < tt->nindexes; k++)
            d->ti[j].deferred_ix[k] = index_uses(tt, tt->indexes[k], d->ti[j].deferred_col) ||
                                      is_dropped_index_name(d, tt->indexes[k]->name);
    }
    for (size_t p = 0; p < g.n; p++) {
        pw_op op = new_op(PW_OP_CREATE_MODEL, NULL);
        op.model = create_model_table(d, to_of[order[p]]);
        if (op.model == NULL) return nomem(d);
        if ((rc = push(d, &op)) != 0) return rc;
    }
    return 0;
}

/* One column that steps 3 and 4 add. */
typedef struct {
    size_t table;          /* index in to->tables */
    const pw_column *col;  /* what ADD_FIELD carries */
    const pw_column *full; /* its definition in `to` */
    long dep;              /* the added column its foreign key points at, or -1 */
    bool done;
} add_item;

/* Appends the added column k of `to` table j to v (*n items so far), with
 * column c as its ADD_FIELD carries it; item_of[j][k] remembers where. */
static int add_item_push(diff_ctx *d, add_item *v, size_t *n, long **item_of, size_t j, size_t k,
                         const pw_column *c) {
    if (item_of[j] == NULL) {
        item_of[j] = alloc_minus_one(d, d->to->tables[j]->ncolumns);
        if (item_of[j] == NULL) return nomem(d);
    }
    item_of[j][k] = (long)*n;
    v[*n].table = j;
    v[*n].col = c;
    v[*n].full = d->to->tables[j]->columns[k];
    v[*n].dep = -1;
    v[*n].done = false;
    (*n)++;
    return 0;
}

/* End of step 3 and step 4: ADD_FIELD of the columns new tables were created
 * without and of the new columns of kept tables. Preferred order: the
 * columns that closed a cycle of new tables (new tables in `to` order), then
 * the new columns of kept tables without a late foreign key, then those with
 * one together with the other left-out columns of new tables (`to` order,
 * columns in definition order); but a column whose foreign key points at
 * another column being added waits for it. When such keys point at each
 * other in a cycle, the first waiting column is added without its key, and
 * an ALTER_FIELD after all of them gives it the key. */
static int emit_add_fields(diff_ctx *d) {
    int rc;
    size_t total = 0;
    for (size_t j = 0; j < d->to->ntables; j++) total += d->to->tables[j]->ncolumns;
    add_item *v = alloc_n(d, total, sizeof *v);
    long **item_of = alloc_n(d, d->to->ntables, sizeof *item_of);
    if (v == NULL || item_of == NULL) return nomem(d);
    size_t n = 0;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        if (ti->from >= 0) continue;
        for (size_t k = 0; k < d->to->tables[j]->ncolumns; k++)
            if (ti->cycle_col[k] &&
                (rc = add_item_push(d, v, &n, item_of, j, k, d->to->tables[j]->columns[k])) != 0)
                return rc;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t j = 0; j < d->to->ntables; j++) {
            const to_info *ti = &d->ti[j];
            const pw_table *tt = d->to->tables[j];
            for (size_t k = 0; k < tt->ncolumns; k++) {
                const pw_column *c = tt->columns[k];
                bool add;
                if (ti->from >= 0)
                    add = ti->col_from[k] < 0 && late_fk(d, j, c) == (pass == 1);
                else
                    add = pass == 1 && ti->deferred_col[k] && !ti->cycle_col[k];
                if (!add) continue;
                if ((long)k == ti->pk_late) {
                    /* added as a plain column; step 6 makes it the key */
                    pw_column *pc = pw_arena_alloc(d->a, sizeof *pc);
                    if (pc == NULL) return nomem(d);
                    *pc = *c;
                    pc->pk = false;
                    pc->autoincrement = false;
                    c = pc;
                }
                if ((rc = add_item_push(d, v, &n, item_of, j, k, c)) != 0) return rc;
            }
        }
    }
    for (size_t x = 0; x < n; x++) {
        const pw_column *c = v[x].col;
        if (c->fk.table == NULL || c->fk.column == NULL) continue;
        long u = find_to(d, c->fk.table);
        if (u < 0 || item_of[u] == NULL) continue;
        long k = pw_table_column_index(d->to->tables[u], c->fk.column);
        if (k >= 0 && item_of[u][k] >= 0 && item_of[u][k] != (long)x) v[x].dep = item_of[u][k];
    }
    bool *cut = NULL;
    size_t first = 0;
    for (size_t left = n; left > 0; left--) {
        while (v[first].done) first++;
        size_t x = first;
        while (x < n && (v[x].done || (v[x].dep >= 0 && !v[v[x].dep].done))) x++;
        const pw_column *c;
        if (x < n) {
            c = v[x].col;
        } else {
            /* a cycle of keys: the first waiting column goes without its key */
            x = first;
            pw_column *nc = pw_arena_alloc(d->a, sizeof *nc);
            if (nc == NULL) return nomem(d);
            *nc = *v[x].col;
            memset(&nc->fk, 0, sizeof nc->fk);
            if (cut == NULL && (cut = alloc_n(d, n, sizeof *cut)) == NULL) return nomem(d);
            cut[x] = true;
            c = nc;
        }
        v[x].done = true;
        pw_op op = new_op(PW_OP_ADD_FIELD, d->to->tables[v[x].table]->name);
        op.column = (pw_column *)c;
        if ((rc = push(d, &op)) != 0) return rc;
    }
    for (size_t x = 0; cut != NULL && x < n; x++) {
        if (!cut[x]) continue;
        pw_op op = new_op(PW_OP_ALTER_FIELD, d->to->tables[v[x].table]->name);
        op.column = (pw_column *)v[x].col;
        if ((rc = push(d, &op)) != 0) return rc;
    }
    return 0;
}

/* Step 5: ALTER_FIELD of changed columns, ALTER_MODEL of changed comments. */
static int emit_alters(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        if (ti->from < 0) continue;
        const pw_table *ft = d->from->tables[ti->from], *tt = d->to->tables[j];
        for (size_t k = 0; k < tt->ncolumns; k++) {
            if (ti->col_from[k] < 0) continue;
            const pw_column *tc = tt->columns[k];
            if ((long)k == ti->pk_late) {
                /* everything but the key now (its foreign key may have to let
                 * go of a column step 6 removes); the key at the end of step 6 */
                pw_column *plain = pw_arena_alloc(d->a, sizeof *plain);
                if (plain == NULL) return nomem(d);
                *plain = *tc;
                plain->pk = false;
                plain->autoincrement = false;
                tc = plain;
            }
            pw_column fc = *ft->columns[ti->col_from[k]];
            const bool *dropped = d->fi[ti->from].fk_dropped;
            if (dropped != NULL && dropped[ti->col_from[k]]) memset(&fc.fk, 0, sizeof fc.fk);
            if (column_matches(d, &fc, tc, tc->name, NULL, NULL)) continue;
            pw_op op = new_op(PW_OP_ALTER_FIELD, tt->name);
            op.column = (pw_column *)tc;
            if ((rc = push(d, &op)) != 0) return rc;
        }
        if (!pw_str_eq(ft->comment, tt->comment) || !pw_str_eq(ft->schema, tt->schema)) {
            pw_op op = new_op(PW_OP_ALTER_MODEL, tt->name);
            op.comment = tt->comment;
            op.schema = tt->schema;
            if ((rc = push(d, &op)) != 0) return rc;
        }
    }
    return 0;
}

/* A column that steps 6 and 7 remove. */
typedef struct {
    size_t table;     /* index in from->tables */
    size_t col;       /* index in that table */
    long ref;         /* the removed column its foreign key points at (not itself), or -1 */
    size_t referrers; /* removed columns not yet removed whose key points at it */
    bool done;
} removal;

/* The name a `from` table has in the state of steps 6 and 7: its `to` name
 * when kept, else its own. */
static const char *state_name(const diff_ctx *d, size_t i) {
    return d->fi[i].to >= 0 ? d->to->tables[d->fi[i].to]->name : d->from->tables[i]->name;
}

/* Whether the foreign key of column k of `from` table i still holds in the
 * state (not dropped in step 0). */
static bool fk_held(const diff_ctx *d, size_t i, size_t k) {
    const pw_column *c = d->from->tables[i]->columns[k];
    return c->fk.table != NULL && c->fk.column != NULL &&
           !(d->fi[i].fk_dropped != NULL && d->fi[i].fk_dropped[k]);
}

/* REMOVE_FIELD of the n columns v[] (in the order preferred), together with
 * every not yet removed column of a dropped table whose foreign key points at
 * one of them (pw_op_apply refuses to remove a column a key points at), those
 * first. A column goes once no other one's key points at it; in a cycle of
 * such keys the first remaining column in order whose key points at another
 * loses its key by ALTER_FIELD. A dropped table's indexes that use a column
 * go (REMOVE_INDEX) just before it. v has room for every column of from;
 * mark[i] (NULL or per column) tells which are in v, and is updated. */
static int remove_columns(diff_ctx *d, removal *v, size_t n, bool **mark) {
    int rc;
    /* the columns of dropped tables that point at removed ones, appended,
     * then moved to the front (they go first when nothing holds them) */
    size_t given = n;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < d->from->ntables; i++) {
            if (d->fi[i].to >= 0) continue;
            const pw_table *ft = d->from->tables[i];
            for (size_t k = 0; k < ft->ncolumns; k++) {
                if (d->fi[i].col_removed[k] || (mark[i] != NULL && mark[i][k]) ||
                    !fk_held(d, i, k))
                    continue;
                long s = find_from(d, ft->columns[k]->fk.table);
                if (s < 0 || mark[s] == NULL) continue;
                long t = pw_table_column_index(d->from->tables[s], ft->columns[k]->fk.column);
                if (t < 0 || !mark[s][t]) continue;
                if (mark[i] == NULL && (mark[i] = alloc_n(d, ft->ncolumns, sizeof(bool))) == NULL)
                    return nomem(d);
                mark[i][k] = true;
                v[n].table = i;
                v[n++].col = k;
                changed = true;
            }
        }
    }
    if (n > given) {
        removal *tmp = alloc_n(d, given, sizeof *tmp);
        if (tmp == NULL) return nomem(d);
        memcpy(tmp, v, given * sizeof *v);
        memmove(v, v + given, (n - given) * sizeof *v);
        memcpy(v + (n - given), tmp, given * sizeof *v);
    }
    /* keys between them */
    long **item_of = alloc_n(d, d->from->ntables, sizeof *item_of);
    if (item_of == NULL) return nomem(d);
    for (size_t x = 0; x < n; x++) {
        size_t i = v[x].table;
        if (item_of[i] == NULL &&
            (item_of[i] = alloc_minus_one(d, d->from->tables[i]->ncolumns)) == NULL)
            return nomem(d);
        item_of[i][v[x].col] = (long)x;
        v[x].ref = -1;
        v[x].referrers = 0;
        v[x].done = false;
    }
    for (size_t x = 0; x < n; x++) {
        if (!fk_held(d, v[x].table, v[x].col)) continue;
        const pw_column *c = d->from->tables[v[x].table]->columns[v[x].col];
        long s = find_from(d, c->fk.table);
        if (s < 0 || item_of[s] == NULL) continue;
        long t = pw_table_column_index(d->from->tables[s], c->fk.column);
        if (t < 0 || item_of[s][t] < 0 || item_of[s][t] == (long)x) continue;
        v[x].ref = item_of[s][t];
        v[v[x].ref].referrers++;
    }
    for (size_t left = n; left > 0;) {
        size_t x = 0;
        while (x < n && (v[x].done || v[x].referrers > 0)) x++;
        if (x == n) {
            /* a cycle: the first remaining column whose key points at another
             * one lets go of the key */
            for (x = 0; x < n && (v[x].done || v[x].ref < 0); x++) {
            }
            pw_column *c = pw_arena_alloc(d->a, sizeof *c);
            if (c == NULL) return nomem(d);
            *c = *d->from->tables[v[x].table]->columns[v[x].col];
            memset(&c->fk, 0, sizeof c->fk);
            pw_op op = new_op(PW_OP_ALTER_FIELD, state_name(d, v[x].table));
            op.column = c;
            if ((rc = push(d, &op)) != 0) return rc;
            v[v[x].ref].referrers--;
            v[x].ref = -1;
            continue;
        }
        size_t i = v[x].table;
        const pw_table *ft = d->from->tables[i];
        from_info *fi = &d->fi[i];
        if (fi->to < 0) {
            for (size_t k = 0; k < ft->nindexes; k++) {
                const pw_index *ix = ft->indexes[k];
                if (fi->ix_removed[k]) continue;
                bool uses = false;
                for (size_t c = 0; c < ix->ncolumns && !uses; c++)
                    uses = ix->columns[c] != NULL &&
                           strcmp(ix->columns[c], ft->columns[v[x].col]->name) == 0;
                if (!uses) continue;
                fi->ix_removed[k] = true;
                pw_op op = new_op(PW_OP_REMOVE_INDEX, ft->name);
                op.name = ix->name;
                if ((rc = push(d, &op)) != 0) return rc;
            }
            fi->col_removed[v[x].col] = true;
        }
        pw_op op = new_op(PW_OP_REMOVE_FIELD, state_name(d, i));
        op.name = ft->columns[v[x].col]->name;
        if ((rc = push(d, &op)) != 0) return rc;
        v[x].done = true;
        if (v[x].ref >= 0) v[v[x].ref].referrers--;
        left--;
    }
    return 0;
}

/* The number of columns of from. */
static size_t from_columns(const diff_ctx *d) {
    size_t n = 0;
    for (size_t i = 0; i < d->from->ntables; i++) n += d->from->tables[i]->ncolumns;
    return n;
}

/* Step 6: REMOVE_FIELD of dropped columns of kept tables: first the foreign
 * keys of dropped tables that point at such a column, then dropped
 * foreign-key columns, then the other dropped columns (tables in `to` order,
 * columns in `from` order); remove_columns adjusts that order to the keys
 * between them. */
static int emit_remove_fields(diff_ctx *d) {
    removal *v = alloc_n(d, from_columns(d), sizeof *v);
    bool **mark = alloc_n(d, d->from->ntables, sizeof *mark);
    if (v == NULL || mark == NULL) return nomem(d);
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t j = 0; j < d->to->ntables; j++) {
            const to_info *ti = &d->ti[j];
            if (ti->from < 0) continue;
            size_t i = (size_t)ti->from;
            const pw_table *ft = d->from->tables[i];
            const long *col_to = d->fi[i].col_to;
            for (size_t k = 0; k < ft->ncolumns; k++) {
                if (col_to[k] >= 0 || (ft->columns[k]->fk.table != NULL) != (pass == 0)) continue;
                if (mark[i] == NULL && (mark[i] = alloc_n(d, ft->ncolumns, sizeof(bool))) == NULL)
                    return nomem(d);
                mark[i][k] = true;
                v[n].table = i;
                v[n++].col = k;
            }
        }
    }
    if (n == 0) return 0;
    return remove_columns(d, v, n, mark);
}

/* End of step 6: ALTER_FIELD of the columns that take a primary key over
 * (pk_late), now that the old key column is altered or gone. */
static int emit_pk_moves(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        if (ti->from < 0 || ti->pk_late < 0) continue;
        const pw_table *tt = d->to->tables[j];
        pw_op op = new_op(PW_OP_ALTER_FIELD, tt->name);
        op.column = tt->columns[ti->pk_late];
        if ((rc = push(d, &op)) != 0) return rc;
    }
    return 0;
}

/* Step 7: DELETE_MODEL of dropped tables, referencing tables first; a cycle
 * is cut by removing the closing foreign-key columns first. */
static int emit_delete_models(diff_ctx *d) {
    int rc;
    fk_graph g;
    memset(&g, 0, sizeof g);
    long *node_of = alloc_minus_one(d, d->from->ntables);
    size_t *from_of = alloc_n(d, d->from->ntables, sizeof *from_of);
    if (node_of == NULL || from_of == NULL) return nomem(d);
    for (size_t i = 0; i < d->from->ntables; i++)
        if (d->fi[i].to < 0) {
            node_of[i] = (long)g.n;
            from_of[g.n++] = i;
        }
    if (g.n == 0) return 0;
    g.tables = alloc_n(d, g.n, sizeof *g.tables);
    g.own_start = alloc_n(d, g.n + 1, sizeof *g.own_start);
    if (g.tables == NULL || g.own_start == NULL) return nomem(d);
    for (size_t v = 0; v < g.n; v++) {
        size_t i = from_of[v];
        const pw_table *ft = d->from->tables[i];
        g.tables[v] = ft;
        g.own_start[v] = g.nedges;
        for (size_t k = 0; k < ft->ncolumns; k++) {
            const pw_column *c = ft->columns[k];
            if (c->fk.table == NULL || d->fi[i].col_removed[k]) continue;
            long u = find_from(d, c->fk.table);
            if (u < 0 || (size_t)u == i || node_of[u] < 0) continue;
            if ((rc = add_edge(d, &g, v, (size_t)node_of[u], k)) != 0) return rc;
        }
    }
    g.own_start[g.n] = g.nedges;
    size_t *order = alloc_n(d, g.n, sizeof *order);
    bool *stripped = alloc_n(d, g.nedges, sizeof *stripped);
    if (order == NULL || stripped == NULL) return nomem(d);
    if ((rc = order_graph(d, &g, true, order, stripped)) != 0) return rc;
    removal *rv = NULL;
    bool **mark = NULL;
    size_t nr = 0;
    for (size_t v = 0; v < g.n; v++) {
        size_t i = from_of[v];
        for (size_t e = g.own_start[v]; e < g.own_start[v + 1]; e++) {
            if (!stripped[e]) continue;
            if (rv == NULL && ((rv = alloc_n(d, from_columns(d), sizeof *rv)) == NULL ||
                               (mark = alloc_n(d, d->from->ntables, sizeof *mark)) == NULL))
                return nomem(d);
            if (mark[i] == NULL &&
                (mark[i] = alloc_n(d, g.tables[v]->ncolumns, sizeof(bool))) == NULL)
                return nomem(d);
            if (mark[i][g.edges[e].col]) continue;
            mark[i][g.edges[e].col] = true;
            rv[nr].table = i;
            rv[nr++].col = g.edges[e].col;
        }
    }
    if (nr > 0 && (rc = remove_columns(d, rv, nr, mark)) != 0) return rc;
    for (size_t p = 0; p < g.n; p++) {
        pw_op op = new_op(PW_OP_DELETE_MODEL, d->from->tables[from_of[order[p]]]->name);
        if ((rc = push(d, &op)) != 0) return rc;
    }
    return 0;
}

/* Step 8: ADD_INDEX of new or changed indexes of kept tables and of the
 * indexes new tables were created without. */
static int emit_add_indexes(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        const pw_table *tt = d->to->tables[j];
        for (size_t k = 0; k < tt->nindexes; k++) {
            bool add;
            if (ti->from < 0) {
                add = ti->deferred_ix[k];
            } else {
                const pw_table *ft = d->from->tables[ti->from];
                add = ti->ix_from[k] < 0 ||
                      !index_matches(ft, d->fi[ti->from].col_to, tt,
                                     ft->indexes[ti->ix_from[k]], tt->indexes[k]);
            }
            if (!add) continue;
            pw_op op = new_op(PW_OP_ADD_INDEX, tt->name);
            op.index = tt->indexes[k];
            if ((rc = push(d, &op)) != 0) return rc;
        }
    }
    return 0;
}

/* Step 8 too: ADD_CONSTRAINT of new or changed check constraints of kept
 * tables, and of those new tables were created without. */
static int emit_add_checks(diff_ctx *d) {
    int rc;
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        const pw_table *tt = d->to->tables[j];
        if (ti->from < 0 && !has_deferred_columns(d, j)) continue;
        const pw_table *ft = ti->from >= 0 ? d->from->tables[ti->from] : NULL;
        for (size_t k = 0; k < tt->nchecks; k++) {
            const pw_check *fc = ft != NULL ? pw_table_find_check(ft, tt->checks[k]->name) : NULL;
            if (fc != NULL && pw_str_eq(fc->check, tt->checks[k]->check)) continue;
            pw_op op = new_op(PW_OP_ADD_CONSTRAINT, tt->name);
            op.check = tt->checks[k];
            if ((rc = push(d, &op)) != 0) return rc;
        }
    }
    return 0;
}

/* After the steps: every foreign key that points at a column taking a primary
 * key over (pk_late) lets go of it before anything of that column changes,
 * and gets its final definition right after the move. PostgreSQL and MySQL
 * want a unique or primary key on the column a key points at when the key is
 * added, and PostgreSQL refuses to drop a unique constraint a key depends on,
 * so a key to the column cannot be there while its unique constraint gives
 * way to the primary key. Columns the operations create, add or alter with
 * such a key are made without it; kept columns whose key already points there
 * are altered without it first. 0 or PW_ERR_NOMEM. */
static bool to_pk_late(const diff_ctx *d, const pw_fk *fk) {
    if (fk->table == NULL || fk->column == NULL) return false;
    long u = find_to(d, fk->table);
    if (u < 0 || d->ti[u].from < 0 || d->ti[u].pk_late < 0) return false;
    return strcmp(d->to->tables[u]->columns[d->ti[u].pk_late]->name, fk->column) == 0;
}

/* The column named column of the `to` table named table (its final
 * definition), or NULL. */
static const pw_column *final_column(const diff_ctx *d, const char *table, const char *column) {
    long u = find_to(d, table);
    return u >= 0 ? pw_table_find_column(d->to->tables[u], column) : NULL;
}

/* Whether column is the pk_late column of the `to` table named table. */
static bool is_pk_late(const diff_ctx *d, const char *table, const char *column) {
    long u = find_to(d, table);
    return u >= 0 && d->ti[u].from >= 0 && d->ti[u].pk_late >= 0 &&
           strcmp(d->to->tables[u]->columns[d->ti[u].pk_late]->name, column) == 0;
}

static pw_column *without_fk(diff_ctx *d, const pw_column *c) {
    pw_column *n = pw_arena_alloc(d->a, sizeof *n);
    if (n == NULL) return NULL;
    *n = *c;
    memset(&n->fk, 0, sizeof n->fk);
    return n;
}

static int defer_fks_to_pk_moves(diff_ctx *d) {
    int rc;
    bool any = false;
    for (size_t j = 0; j < d->to->ntables && !any; j++) any = d->ti[j].pk_late >= 0;
    if (!any) return 0;
    /* where the moves end: after the last ALTER_FIELD giving a pk_late column its key */
    size_t end = 0;
    for (size_t i = 0; i < d->ops.len; i++) {
        const pw_op *op = &d->ops.items[i];
        if (op->kind != PW_OP_ALTER_FIELD || !op->column->pk) continue;
        long u = find_to(d, op->table);
        if (u >= 0 && d->ti[u].pk_late >= 0 &&
            strcmp(d->to->tables[u]->columns[d->ti[u].pk_late]->name, op->column->name) == 0)
            end = i + 1;
    }
    pw_oplist before = {0}, after = {0};
    /* kept columns whose key, unchanged, points at a pk_late column: let go first */
    for (size_t j = 0; j < d->to->ntables; j++) {
        const to_info *ti = &d->ti[j];
        if (ti->from < 0) continue;
        const pw_table *tt = d->to->tables[j], *ft = d->from->tables[ti->from];
        for (size_t k = 0; k < tt->ncolumns; k++) {
            const pw_column *tc = tt->columns[k];
            if (ti->col_from[k] < 0 || (long)k == ti->pk_late || !to_pk_late(d, &tc->fk))
                continue;
            pw_column fc = *ft->columns[ti->col_from[k]];
            fc.name = tc->name;
            const bool *dropped = d->fi[ti->from].fk_dropped;
            if (dropped != NULL && dropped[ti->col_from[k]]) continue;
            if (fc.fk.table == NULL || !column_matches(d, &fc, tc, tc->name, NULL, NULL))
                continue; /* an operation changes it: handled below */
            pw_op op = new_op(PW_OP_ALTER_FIELD, tt->name);
            if ((op.column = without_fk(d, tc)) == NULL) return nomem(d);
            if ((rc = pw_oplist_push(d->a, &before, &op, d->err)) != 0) return rc;
            op.column = (pw_column *)tc;
            if ((rc = pw_oplist_push(d->a, &after, &op, d->err)) != 0) return rc;
        }
    }
    /* operations before the end that set such a key: without it, the key after */
    for (size_t i = 0; i < end; i++) {
        pw_op *op = &d->ops.items[i];
        if (op->kind == PW_OP_CREATE_MODEL) {
            pw_table *m = NULL;
            for (size_t k = 0; k < op->model->ncolumns; k++) {
                const pw_column *c = op->model->columns[k];
                if (!to_pk_late(d, &c->fk)) continue;
                if (m == NULL) {
                    if ((m = pw_arena_alloc(d->a, sizeof *m)) == NULL) return nomem(d);
                    *m = *op->model;
                    m->columns = pw_arena_calloc(d->a, m->ncolumns ? m->ncolumns : 1,
                                                 sizeof *m->columns);
                    if (m->columns == NULL) return nomem(d);
                    memcpy(m->columns, op->model->columns, m->ncolumns * sizeof *m->columns);
                }
                if ((m->columns[k] = without_fk(d, c)) == NULL) return nomem(d);
                const pw_column *final = final_column(d, op->model->name, c->name);
                pw_op later = new_op(PW_OP_ALTER_FIELD, op->model->name);
                later.column = (pw_column *)(final != NULL ? final : c);
                if ((rc = pw_oplist_push(d->a, &after, &later, d->err)) != 0) return rc;
            }
            if (m != NULL) op->model = m;
        } else if ((op->kind == PW_OP_ADD_FIELD || op->kind == PW_OP_ALTER_FIELD) &&
                   !op->column->pk && to_pk_late(d, &op->column->fk)) {
            const pw_column *final = final_column(d, op->table, op->column->name);
            if ((op->column = without_fk(d, op->column)) == NULL) return nomem(d);
            /* the column taking the key over gets its key with it */
            if (final == NULL || is_pk_late(d, op->table, final->name)) continue;
            pw_op later = new_op(PW_OP_ALTER_FIELD, op->table);
            later.column = (pw_column *)final;
            if ((rc = pw_oplist_push(d->a, &after, &later, d->err)) != 0) return rc;
        }
    }
    if (before.len == 0 && after.len == 0) return 0;
    /* the lettings-go go first after the renames (step 1), the keys after the moves */
    size_t start = 0;
    while (start < d->ops.len && (d->ops.items[start].kind == PW_OP_RENAME_MODEL ||
                                  d->ops.items[start].kind == PW_OP_RENAME_FIELD))
        start++;
    pw_oplist all = {0};
    for (size_t i = 0; i < d->ops.len; i++) {
        if (i == start)
            for (size_t b = 0; b < before.len; b++)
                if ((rc = pw_oplist_push(d->a, &all, &before.items[b], d->err)) != 0) return rc;
        if ((rc = pw_oplist_push(d->a, &all, &d->ops.items[i], d->err)) != 0) return rc;
        if (i + 1 == end)
            for (size_t b = 0; b < after.len; b++)
                if ((rc = pw_oplist_push(d->a, &all, &after.items[b], d->err)) != 0) return rc;
    }
    if (start >= d->ops.len)
        for (size_t b = 0; b < before.len; b++)
            if ((rc = pw_oplist_push(d->a, &all, &before.items[b], d->err)) != 0) return rc;
    d->ops = all;
    return 0;
}

/* ------------------------------------------------------------------------ */

/* See diff.h. out is emptied first and receives arena memory only on
 * success. Errors: PW_ERR_INVALID (a table name twice in one schema, a
 * table without a name, or a `to` foreign key to a table `to` drops),
 * PW_ERR_CALLBACK (err->path "table" or
 * "table.column", the old name), PW_ERR_NOMEM. */
int pw_diff(pw_arena *a, const pw_schema *from, const pw_schema *to, pw_rename_cb cb, void *ctx,
            pw_oplist *out, pw_error *err) {
    int rc;
    diff_ctx d;
    memset(&d, 0, sizeof d);
    d.a = a;
    d.from = from;
    d.to = to;
    d.cb = cb;
    d.ctx = ctx;
    d.err = err;
    out->items = NULL;
    out->len = out->cap = 0;
    if ((rc = match_tables(&d)) != 0) goto done;
    if ((rc = match_columns(&d)) != 0) goto done;
    if ((rc = check_dropped_targets(&d)) != 0) goto done;
    find_pk_moves(&d);
    if ((rc = collect_dropped_indexes(&d)) != 0) goto done;
    if ((rc = emit_remove_indexes(&d)) != 0) goto done;
    if ((rc = emit_remove_checks(&d)) != 0) goto done;
    if ((rc = emit_create_models(&d)) != 0) goto done;
    if ((rc = emit_dangling_fk_drops(&d)) != 0) goto done;
    if ((rc = emit_add_fields(&d)) != 0) goto done;
    if ((rc = emit_alters(&d)) != 0) goto done;
    if ((rc = emit_remove_fields(&d)) != 0) goto done;
    if ((rc = emit_pk_moves(&d)) != 0) goto done;
    if ((rc = emit_delete_models(&d)) != 0) goto done;
    if ((rc = emit_add_indexes(&d)) != 0) goto done;
    if ((rc = emit_add_checks(&d)) != 0) goto done;
    if ((rc = defer_fks_to_pk_moves(&d)) != 0) goto done;
    if (d.pre.len > 0) {
        pw_oplist all = {0};
        for (size_t i = 0; i < d.pre.len; i++)
            if ((rc = pw_oplist_push(a, &all, &d.pre.items[i], err)) != 0) goto done;
        for (size_t i = 0; i < d.ops.len; i++)
            if ((rc = pw_oplist_push(a, &all, &d.ops.items[i], err)) != 0) goto done;
        d.ops = all;
    }
    *out = d.ops;
done:
    return rc;
}
