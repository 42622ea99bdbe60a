/*
 * compare.c - the physical form of a schema in one dialect, reconciling a
 * schema read from a database with a reference, the differences between a
 * database and what migrations describe, and the baseline of an adopted
 * database (compare.h).
 *
 * Owns: what each dialect keeps of a schema (see pw_schema_physical), the
 * wording of every difference, and the merge rules of an adoption baseline.
 * Does not own: the spellings of types and defaults (catalog.c), finding the
 * operations between two schemas (diff.c), SQL (sql*.c), or reading a
 * catalog (live.py).
 *
 * The differences are read off pw_diff's operations from the database's
 * schema to the expected one (so "in the migrations, not in the database"
 * means an operation would add it), each column described once against both
 * schemas, whatever number of operations the diff needed for it.
 */
#include "compare.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "diff.h"
#include "sql.h"
#include "sql_mysql.h"
#include "strbuf.h"

static int nomem(pw_error *err) {
    return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory while comparing schemas");
}

static bool streq(const char *x, const char *y) { return pw_str_eq(x, y); }

/* ------------------------------------------------------------------------ */
/* Physical form                                                            */

/* PostgreSQL's identifier limit (NAMEDATALEN - 1 bytes): longer names are cut
 * there, at a character boundary, when they are created. */
#define PG_NAME_MAX 63

/* name as PostgreSQL keeps it; *name replaced by an arena copy when cut.
 * false out of memory. */
static bool pg_name(pw_arena *a, const char **name) {
    if (*name == NULL || strlen(*name) <= PG_NAME_MAX) return true;
    size_t keep = PG_NAME_MAX;
    while (keep > 0 && ((unsigned char)(*name)[keep] & 0xC0) == 0x80) keep--;
    *name = pw_arena_strndup(a, *name, keep);
    return *name != NULL;
}

/* Every identifier of t as PostgreSQL keeps it. */
static int pg_names(pw_arena *a, pw_table *t, pw_error *err) {
    bool ok = pg_name(a, &t->name);
    for (size_t k = 0; ok && k < t->ncolumns; k++) {
        pw_column *c = t->columns[k];
        ok = pg_name(a, &c->name) && pg_name(a, &c->unique_name) && pg_name(a, &c->fk.name) &&
             pg_name(a, &c->fk.table) && pg_name(a, &c->fk.column);
    }
    for (size_t k = 0; ok && k < t->nindexes; k++) {
        pw_index *ix = t->indexes[k];
        ok = pg_name(a, &ix->name);
        for (size_t j = 0; ok && j < ix->ncolumns; j++) ok = pg_name(a, &ix->columns[j]);
    }
    return ok ? 0 : nomem(err);
}

/* Projects the copy c of the column orig of table orig_t (in s) onto d. */
static int physical_column(pw_arena *a, const pw_schema *s, const pw_table *orig_t,
                           const pw_column *orig, pw_column *c, pw_dialect d, pw_error *err) {
    bool serial = orig->pk && orig->autoincrement;
    const char *type = serial && d == PW_DIALECT_SQLITE ? "INTEGER"
                                                        : pw_catalog_type(a, d, orig->type[d]);
    if (type == NULL) return nomem(err);
    if (d == PW_DIALECT_MYSQL && orig->fk.table != NULL) {
        const pw_table *rt = streq(orig->fk.table, orig_t->name)
                                 ? orig_t
                                 : pw_schema_find_table(s, orig->fk.table);
        const pw_column *rc = rt != NULL ? pw_table_find_column(rt, orig->fk.column) : NULL;
        if (rc != NULL && !pw_sql_mysql_fk_types_compatible(orig->type[d], rc->type[d]))
            memset(&c->fk, 0, sizeof c->fk);
    }
    /* InnoDB has no SET DEFAULT: MariaDB takes it and keeps RESTRICT */
    if (d == PW_DIALECT_MYSQL && c->fk.table != NULL && c->fk.on_delete == PW_FK_SET_DEFAULT)
        c->fk.on_delete = PW_FK_RESTRICT;
    for (int k = 0; k < PW_DIALECT_COUNT; k++) {
        c->type[k] = type;
        c->generated[k] = orig->generated[d];
    }
    if (serial) {
        memset(&c->def, 0, sizeof c->def);
    } else {
        pw_default def;
        int rc = pw_catalog_default_of(a, d, &orig->def, type, &def, err);
        if (rc) return rc;
        c->def = def;
    }
    if (d == PW_DIALECT_SQLITE) {
        c->comment = NULL;
        c->unique_name = NULL;
        if (c->fk.table != NULL) {
            pw_strbuf sb;
            pw_sb_init(&sb, a);
            pw_sb_appendf(&sb, "%s_%s_fkey", orig_t->name, orig->name);
            if ((c->fk.name = pw_sb_finish(&sb)) == NULL) return nomem(err);
        }
    } else if (pw_column_own_unique(orig)) {
        /* the name the constraint really has, derived from the names as
         * written (PostgreSQL may cut them after) */
        if ((c->unique_name = pw_sql_column_unique_name(a, orig_t->name, orig)) == NULL)
            return nomem(err);
    }
    if (c->comment != NULL && c->comment[0] == '\0') c->comment = NULL;
    return 0;
}

int pw_schema_physical(pw_arena *a, const pw_schema *s, pw_dialect d, pw_schema **out,
                       pw_error *err) {
    pw_schema *p = pw_schema_copy(a, s);
    if (p == NULL) return nomem(err);
    for (size_t i = 0; i < s->ntables; i++) {
        const pw_table *t = s->tables[i];
        pw_table *pt = p->tables[i];
        if (d == PW_DIALECT_SQLITE || (pt->comment != NULL && pt->comment[0] == '\0'))
            pt->comment = NULL;
        if (d == PW_DIALECT_SQLITE) pt->schema = NULL; /* no schemas there */
        for (size_t k = 0; k < t->ncolumns; k++) {
            int rc = physical_column(a, s, t, t->columns[k], pt->columns[k], d, err);
            if (rc) return rc;
        }
        if (d == PW_DIALECT_POSTGRES) {
            int rc = pg_names(a, pt, err);
            if (rc) return rc;
        }
    }
    *out = p;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Reconciling                                                              */

/* Whether the live index ix has the shape of rx: uniqueness, columns,
 * method (any case), as many expressions, a condition or none. The text of
 * expressions and conditions is not compared: a database keeps its own
 * spelling of them (PostgreSQL writes lower(("name")::text) for
 * LOWER("name")). */
static bool same_shape(const pw_index *ix, const pw_index *rx) {
    if (ix->unique != rx->unique || ix->ncolumns != rx->ncolumns ||
        ix->nexpressions != rx->nexpressions || !pw_str_ieq(ix->method, rx->method) ||
        (ix->condition == NULL) != (rx->condition == NULL))
        return false;
    for (size_t i = 0; i < ix->ncolumns; i++)
        if (!streq(ix->columns[i], rx->columns[i])) return false;
    return true;
}

/* Reconciles live with reference as pw_compare describes (compare.h); live
 * is changed in place. */
static void reconcile(pw_schema *live, const pw_schema *reference, pw_dialect d) {
    for (size_t i = 0; i < live->ntables; i++) {
        pw_table *lt = live->tables[i];
        const pw_table *rt = pw_schema_find_table(reference, lt->name);
        if (rt == NULL) continue;
        for (size_t k = 0; k < lt->nindexes;) {
            const pw_index *ix = lt->indexes[k];
            pw_column *lc = ix->unique && ix->ncolumns == 1
                                ? pw_table_find_column(lt, ix->columns[0])
                                : NULL;
            const pw_column *rc = lc != NULL ? pw_table_find_column(rt, lc->name) : NULL;
            if (rc == NULL || pw_table_find_index(rt, ix->name) != NULL ||
                !pw_column_own_unique(rc) || lc->unique || lc->pk) {
                k++;
                continue;
            }
            lc->unique = true;
            lc->unique_name = d == PW_DIALECT_SQLITE ? NULL : ix->name;
            pw_table_remove_index_at(lt, k);
        }
        /* a check constraint keeps its condition as the database spells it */
        for (size_t k = 0; k < lt->nchecks; k++) {
            const pw_check *rc = pw_table_find_check(rt, lt->checks[k]->name);
            if (rc != NULL) lt->checks[k]->check = rc->check;
        }
        /* a generated column keeps its expression as the database spells it */
        for (size_t k = 0; k < lt->ncolumns; k++) {
            pw_column *lc = lt->columns[k];
            const pw_column *rc = pw_table_find_column(rt, lc->name);
            if (rc != NULL && lc->generated[d] != NULL && rc->generated[d] != NULL)
                memcpy(lc->generated, rc->generated, sizeof lc->generated);
        }
        for (size_t k = 0; k < lt->nindexes; k++) {
            pw_index *ix = lt->indexes[k];
            const pw_index *rx = pw_table_find_index(rt, ix->name);
            if (rx != NULL && same_shape(ix, rx)) {
                ix->expressions = rx->expressions;
                ix->method = rx->method;
                ix->condition = rx->condition;
                ix->options = rx->options;
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Differences                                                              */

typedef struct {
    pw_arena *a;
    pw_dialect d;
    pw_difflist *out;
    const char **tables; /* per difference, its table (for the final order) */
    size_t cap_tables;
    pw_error *err;
} describer;

static int add(describer *w, const char *table, const char *object, bool name_only,
               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(describer *w, const char *table, const char *object, bool name_only,
               const char *fmt, ...) {
    if (object == NULL) return nomem(w->err);
    pw_strbuf sb;
    pw_sb_init(&sb, w->a);
    va_list ap;
    va_start(ap, fmt);
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pw_sb_append(&sb, object);
    pw_sb_append(&sb, ": ");
    /* one line, whatever a comment or a default holds */
    for (const char *p = buf; *p; p++) {
        if (*p == '\n') pw_sb_append(&sb, "\\n");
        else if (*p == '\r') pw_sb_append(&sb, "\\r");
        else if (*p == '\t') pw_sb_append(&sb, "\\t");
        else pw_sb_append_char(&sb, *p);
    }
    const char *message = pw_sb_finish(&sb);
    const char *obj = pw_arena_strdup(w->a, object);
    if (message == NULL || obj == NULL) return nomem(w->err);
    pw_difflist *l = w->out;
    if (pw_arena_grow(w->a, (void **)&l->items, &l->cap, l->len + 1, sizeof *l->items) ||
        pw_arena_grow(w->a, (void **)&w->tables, &w->cap_tables, l->len + 1, sizeof *w->tables))
        return nomem(w->err);
    w->tables[l->len] = table;
    l->items[l->len++] = (pw_difference){obj, message, name_only};
    return 0;
}

/* "default 'x'", "default 5", "no default": an arena string or NULL. */
static const char *show_default(pw_arena *a, pw_dialect d, const pw_default *def) {
    if (def->kind == PW_DEFAULT_NONE) return "no default";
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "default ");
    pw_sql_default_value(&sb, d, def);
    return pw_sb_finish(&sb);
}

static const char *show_comment(pw_arena *a, pw_dialect d, const char *comment) {
    if (comment == NULL) return "no comment";
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "comment ");
    pw_sql_string_literal(&sb, d, comment);
    return pw_sb_finish(&sb);
}

/* How a difference names its object: "<x><sep><y>" ("users.email",
 * "index ix_users_name", "check price_positive"). NULL out of memory, which
 * add reports. */
static const char *object_name(pw_arena *a, const char *x, const char *sep, const char *y) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_appendf(&sb, "%s%s%s", x, sep, y);
    return pw_sb_finish(&sb);
}

/* The lines for column lc (the database's) against ec (the migrations'). */
static int describe_column(describer *w, const char *table, const pw_column *lc,
                           const pw_column *ec) {
    int rc = 0;
    pw_arena *a = w->a;
    pw_dialect d = w->d;
    const char *o = object_name(a, table, ".", lc->name);
    if (o == NULL) return nomem(w->err);
    if (strcmp(lc->type[d], ec->type[d]) != 0 &&
        (rc = add(w, table, o, false, "%s in the database, %s in the migrations", lc->type[d],
                  ec->type[d])))
        return rc;
    if (!streq(lc->generated[d], ec->generated[d]) &&
        (rc = add(w, table, o, false, "%s in the database, %s in the migrations",
                  lc->generated[d] ? lc->generated[d] : "a plain column",
                  ec->generated[d] ? ec->generated[d] : "a plain column")))
        return rc;
    if (lc->null != ec->null &&
        (rc = add(w, table, o, false, "%s in the database, %s in the migrations",
                  lc->null ? "nullable" : "NOT NULL", ec->null ? "nullable" : "NOT NULL")))
        return rc;
    if (lc->pk != ec->pk &&
        (rc = add(w, table, o, false, "%s in the database, %s in the migrations",
                  lc->pk ? "the primary key" : "not the primary key",
                  ec->pk ? "the primary key" : "not the primary key")))
        return rc;
    if (lc->autoincrement != ec->autoincrement &&
        (rc = add(w, table, o, false, "%s in the database, %s in the migrations",
                  lc->autoincrement ? "auto-increment" : "not auto-increment",
                  ec->autoincrement ? "auto-increment" : "not auto-increment")))
        return rc;
    bool lu = pw_column_own_unique(lc), eu = pw_column_own_unique(ec);
    if (lu != eu &&
        (rc = add(w, table, o, false, "%s in the database, %s in the migrations",
                  lu ? "unique" : "not unique", eu ? "unique" : "not unique")))
        return rc;
    if (lu && eu && d != PW_DIALECT_SQLITE) {
        const char *ln = pw_sql_column_unique_name(a, table, lc);
        const char *en = pw_sql_column_unique_name(a, table, ec);
        if (ln == NULL || en == NULL) return nomem(w->err);
        if (strcmp(ln, en) != 0 &&
            (rc = add(w, table, o, true,
                      "unique constraint %s in the database, %s in the migrations", ln, en)))
            return rc;
    }
    if (!pw_default_equal(&lc->def, &ec->def)) {
        const char *ld = show_default(a, d, &lc->def), *ed = show_default(a, d, &ec->def);
        if (ld == NULL || ed == NULL) return nomem(w->err);
        if ((rc = add(w, table, o, false, "%s in the database, %s in the migrations", ld, ed)))
            return rc;
    }
    if (!streq(lc->comment, ec->comment)) {
        const char *lm = show_comment(a, d, lc->comment), *em = show_comment(a, d, ec->comment);
        if (lm == NULL || em == NULL) return nomem(w->err);
        if ((rc = add(w, table, o, false, "%s in the database, %s in the migrations", lm, em)))
            return rc;
    }
    const pw_fk *lf = &lc->fk, *ef = &ec->fk;
    if (lf->table == NULL && ef->table != NULL)
        return add(w, table, o, false,
                   "foreign key to %s.%s (ON DELETE %s) in the migrations, not in the database",
                   ef->table, ef->column, pw_fk_action_name(ef->on_delete));
    if (lf->table != NULL && ef->table == NULL)
        return add(w, table, o, false, "foreign key to %s.%s in the database only", lf->table,
                   lf->column);
    if (lf->table == NULL) return 0;
    if ((!streq(lf->table, ef->table) || !streq(lf->column, ef->column)) &&
        (rc = add(w, table, o, false,
                  "foreign key to %s.%s in the database, to %s.%s in the migrations", lf->table,
                  lf->column, ef->table, ef->column)))
        return rc;
    if (lf->on_delete != ef->on_delete &&
        (rc = add(w, table, o, false,
                  "foreign key ON DELETE %s in the database, ON DELETE %s in the migrations",
                  pw_fk_action_name(lf->on_delete), pw_fk_action_name(ef->on_delete))))
        return rc;
    if (!streq(lf->name, ef->name) &&
        (rc = add(w, table, o, true, "foreign key %s in the database, %s in the migrations",
                  lf->name, ef->name)))
        return rc;
    return 0;
}

static const char *show_columns(pw_arena *a, const pw_index *ix) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    if (ix->unique) pw_sb_append(&sb, "unique ");
    if (ix->method != NULL) pw_sb_appendf(&sb, "%s ", ix->method);
    pw_sb_append_char(&sb, '(');
    for (size_t i = 0; i < ix->ncolumns; i++) {
        if (i) pw_sb_append(&sb, ", ");
        pw_sb_append(&sb, ix->columns[i]);
    }
    for (size_t i = 0; i < ix->nexpressions; i++) {
        if (i) pw_sb_append(&sb, ", ");
        pw_sb_append(&sb, ix->expressions[i]);
    }
    pw_sb_append_char(&sb, ')');
    if (ix->condition != NULL) pw_sb_appendf(&sb, " where %s", ix->condition);
    return pw_sb_finish(&sb);
}

/* An index named in an ADD_INDEX or REMOVE_INDEX operation. */
typedef struct {
    const char *table;
    const pw_index *ix;
    bool added; /* ADD_INDEX (in the migrations); else REMOVE_INDEX (in the database) */
    bool done;
} index_change;

static int describe_indexes(describer *w, index_change *v, size_t n) {
    int rc;
    pw_arena *a = w->a;
    for (size_t i = 0; i < n; i++) {
        if (v[i].done) continue;
        v[i].done = true;
        const char *o = object_name(a, "index", " ", v[i].ix->name);
        if (o == NULL) return nomem(w->err);
        /* the same name on both sides: changed */
        size_t j;
        for (j = 0; j < n; j++)
            if (!v[j].done && v[j].added != v[i].added && streq(v[j].table, v[i].table) &&
                streq(v[j].ix->name, v[i].ix->name))
                break;
        if (j < n) {
            v[j].done = true;
            const pw_index *in_db = v[i].added ? v[j].ix : v[i].ix;
            const pw_index *in_mig = v[i].added ? v[i].ix : v[j].ix;
            const char *x = show_columns(a, in_db), *y = show_columns(a, in_mig);
            if (x == NULL || y == NULL) return nomem(w->err);
            if ((rc = add(w, v[i].table, o, false,
                          "on %s %s in the database, %s in the migrations", v[i].table, x, y)))
                return rc;
            continue;
        }
        /* the same definition under another name: a name difference */
        for (j = 0; j < n; j++)
            if (!v[j].done && v[j].added != v[i].added && streq(v[j].table, v[i].table) &&
                same_shape(v[j].ix, v[i].ix))
                break;
        if (j < n) {
            v[j].done = true;
            const char *in_db = v[i].added ? v[j].ix->name : v[i].ix->name;
            const char *in_mig = v[i].added ? v[i].ix->name : v[j].ix->name;
            const char *ob = object_name(a, "index", " ", in_db);
            if (ob == NULL) return nomem(w->err);
            if ((rc = add(w, v[i].table, ob, true, "on %s, named %s in the migrations",
                          v[i].table, in_mig)))
                return rc;
            continue;
        }
        const char *cols = show_columns(a, v[i].ix);
        if (cols == NULL) return nomem(w->err);
        if ((rc = add(w, v[i].table, o, false,
                      v[i].added ? "on %s %s in the migrations, not in the database"
                                 : "on %s %s in the database only",
                      v[i].table, cols)))
            return rc;
    }
    return 0;
}

/* A table's entry in the sort of the differences. */
typedef struct {
    const char *table;
    size_t pos;
    pw_difference item;
} sorted_difference;

static int by_table(const void *x, const void *y) {
    const sorted_difference *p = x, *q = y;
    int c = strcmp(p->table, q->table);
    if (c) return c;
    return p->pos < q->pos ? -1 : p->pos > q->pos;
}

static int describe(describer *w, const pw_schema *L, const pw_schema *E, const pw_oplist *ops) {
    int rc;
    pw_arena *a = w->a;
    /* columns altered, each described once; index changes, paired later */
    const char **alt_table = pw_arena_calloc(a, ops->len ? ops->len : 1, sizeof *alt_table);
    const char **alt_col = pw_arena_calloc(a, ops->len ? ops->len : 1, sizeof *alt_col);
    index_change *ix = pw_arena_calloc(a, ops->len ? ops->len : 1, sizeof *ix);
    if (alt_table == NULL || alt_col == NULL || ix == NULL) return nomem(w->err);
    size_t nalt = 0, nix = 0;
    for (size_t i = 0; i < ops->len; i++) {
        const pw_op *op = &ops->items[i];
        const pw_table *lt = op->table ? pw_schema_find_table(L, op->table) : NULL;
        const pw_table *et = op->table ? pw_schema_find_table(E, op->table) : NULL;
        switch (op->kind) {
        case PW_OP_CREATE_MODEL:
            if (pw_schema_find_table(L, op->model->name) == NULL &&
                (rc = add(w, op->model->name, op->model->name, false,
                          "table in the migrations, not in the database")))
                return rc;
            break;
        case PW_OP_DELETE_MODEL:
            if (et == NULL && (rc = add(w, op->table, op->table, false, "table in the database only")))
                return rc;
            break;
        case PW_OP_ADD_FIELD:
            if (lt != NULL && pw_table_find_column(lt, op->column->name) == NULL) {
                const char *o = object_name(a, op->table, ".", op->column->name);
                if (o == NULL) return nomem(w->err);
                if ((rc = add(w, op->table, o, false, "in the migrations, not in the database")))
                    return rc;
            } else if (lt != NULL) {
                alt_table[nalt] = op->table;
                alt_col[nalt++] = op->column->name;
            }
            break;
        case PW_OP_REMOVE_FIELD:
            if (et != NULL && pw_table_find_column(et, op->name) == NULL) {
                const char *o = object_name(a, op->table, ".", op->name);
                if (o == NULL) return nomem(w->err);
                if ((rc = add(w, op->table, o, false, "in the database only"))) return rc;
            }
            break;
        case PW_OP_ALTER_FIELD: {
            bool seen = false;
            for (size_t k = 0; k < nalt && !seen; k++)
                seen = streq(alt_table[k], op->table) && streq(alt_col[k], op->column->name);
            if (!seen) {
                alt_table[nalt] = op->table;
                alt_col[nalt++] = op->column->name;
            }
            break;
        }
        case PW_OP_ALTER_MODEL:
            if (lt != NULL && et != NULL && !streq(lt->schema, et->schema)) {
                const char *ls = lt->schema ? object_name(a, "schema", " ", lt->schema)
                                            : "the connection's schema";
                const char *es = et->schema ? object_name(a, "schema", " ", et->schema)
                                            : "the connection's schema";
                if (ls == NULL || es == NULL) return nomem(w->err);
                if ((rc = add(w, op->table, op->table, false,
                              "in %s in the database, in %s in the migrations", ls, es)))
                    return rc;
            }
            if (lt != NULL && et != NULL && !streq(lt->comment, et->comment)) {
                const char *lm = show_comment(a, w->d, lt->comment);
                const char *em = show_comment(a, w->d, et->comment);
                if (lm == NULL || em == NULL) return nomem(w->err);
                if ((rc = add(w, op->table, op->table, false,
                              "%s in the database, %s in the migrations", lm, em)))
                    return rc;
            }
            break;
        case PW_OP_ADD_INDEX:
            if (lt != NULL && et != NULL) ix[nix++] = (index_change){op->table, op->index, true, false};
            break;
        case PW_OP_REMOVE_INDEX:
            if (lt != NULL && et != NULL) {
                const pw_index *old = pw_table_find_index(lt, op->name);
                if (old != NULL) ix[nix++] = (index_change){op->table, old, false, false};
            }
            break;
        case PW_OP_ADD_CONSTRAINT:
            if (lt != NULL && pw_table_find_check(lt, op->check->name) == NULL &&
                (rc = add(w, op->table, object_name(a, "check", " ", op->check->name), false,
                          "on %s: CHECK (%s) in the migrations, not in the database", op->table,
                          op->check->check)))
                return rc;
            break;
        case PW_OP_REMOVE_CONSTRAINT:
            if (et != NULL && pw_table_find_check(et, op->name) == NULL && lt != NULL) {
                const pw_check *old = pw_table_find_check(lt, op->name);
                if ((rc = add(w, op->table, object_name(a, "check", " ", op->name), false,
                              "on %s: CHECK (%s) in the database only", op->table,
                              old != NULL ? old->check : "?")))
                    return rc;
            }
            break;
        case PW_OP_RENAME_MODEL:
        case PW_OP_RENAME_FIELD:
        case PW_OP_RUN_SQL:
        case PW_OP_RUN_PYTHON:
            break;
        }
    }
    for (size_t k = 0; k < nalt; k++) {
        const pw_table *lt = pw_schema_find_table(L, alt_table[k]);
        const pw_table *et = pw_schema_find_table(E, alt_table[k]);
        const pw_column *lc = lt ? pw_table_find_column(lt, alt_col[k]) : NULL;
        const pw_column *ec = et ? pw_table_find_column(et, alt_col[k]) : NULL;
        if (lc != NULL && ec != NULL && (rc = describe_column(w, alt_table[k], lc, ec))) return rc;
    }
    if ((rc = describe_indexes(w, ix, nix))) return rc;
    /* grouped by table, in the order found within a table */
    size_t n = w->out->len;
    if (n > 1) {
        sorted_difference *s = pw_arena_calloc(a, n, sizeof *s);
        if (s == NULL) return nomem(w->err);
        for (size_t i = 0; i < n; i++) s[i] = (sorted_difference){w->tables[i], i, w->out->items[i]};
        qsort(s, n, sizeof *s, by_table);
        for (size_t i = 0; i < n; i++) w->out->items[i] = s[i].item;
    }
    return 0;
}

/* The tables of s named in tables[0..n), in s's order: a new schema sharing
 * the tables. */
static int only_tables(pw_arena *a, const pw_schema *s, const char *const *tables, size_t n,
                       pw_schema **out, pw_error *err) {
    pw_schema *r = pw_schema_new(a);
    if (r == NULL) return nomem(err);
    for (size_t i = 0; i < s->ntables; i++) {
        bool keep = false;
        for (size_t k = 0; k < n && !keep; k++) keep = streq(s->tables[i]->name, tables[k]);
        if (keep && pw_schema_add_table(a, r, s->tables[i], err)) return err->code;
    }
    *out = r;
    return 0;
}

int pw_compare(pw_arena *a, const pw_schema *live, const pw_schema *expected, pw_dialect d,
               const char *const *tables, size_t ntables, pw_difflist *diffs, pw_oplist *fix,
               pw_schema **live_physical, pw_error *err) {
    int rc;
    pw_schema *L, *E;
    diffs->items = NULL;
    diffs->len = diffs->cap = 0;
    if ((rc = pw_schema_physical(a, live, d, &L, err)) ||
        (rc = pw_schema_physical(a, expected, d, &E, err)))
        return rc;
    if (ntables > 0 && d == PW_DIALECT_POSTGRES) {
        /* the names asked for, as the database has them */
        const char **cut = pw_arena_calloc(a, ntables, sizeof *cut);
        if (cut == NULL) return nomem(err);
        for (size_t i = 0; i < ntables; i++) {
            cut[i] = tables[i];
            if (!pg_name(a, &cut[i])) return nomem(err);
        }
        tables = cut;
    }
    if (ntables > 0 && ((rc = only_tables(a, L, tables, ntables, &L, err)) ||
                        (rc = only_tables(a, E, tables, ntables, &E, err))))
        return rc;
    reconcile(L, E, d);
    pw_oplist ops = {0};
    if ((rc = pw_diff(a, L, E, NULL, NULL, &ops, err))) return rc;
    describer w = {.a = a, .d = d, .out = diffs, .err = err};
    if ((rc = describe(&w, L, E, &ops))) return rc;
    if (fix != NULL) *fix = ops;
    if (live_physical != NULL) *live_physical = L;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Adoption baseline                                                        */

/* The types Tortoise's own fields have on each dialect (sqlite, postgres,
 * mysql), for a column the models do not have: its type on the other
 * dialects, when its type on the database's dialect is one of these. */
static const char *const FIELD_TYPES[][PW_DIALECT_COUNT] = {
    {"INT", "INT", "INT"},                      /* IntField */
    {"BIGINT", "BIGINT", "BIGINT"},             /* BigIntField, TimeDeltaField */
    {"SMALLINT", "SMALLINT", "SMALLINT"},       /* SmallIntField, IntEnumField */
    {"INT", "BOOL", "BOOL"},                    /* BooleanField */
    {"REAL", "DOUBLE PRECISION", "DOUBLE"},     /* FloatField */
    {"TEXT", "TEXT", "LONGTEXT"},               /* TextField */
    {"BLOB", "BYTEA", "LONGBLOB"},              /* BinaryField */
    {"TIMESTAMP", "TIMESTAMPTZ", "DATETIME(6)"}, /* DatetimeField */
    {"DATE", "DATE", "DATE"},                   /* DateField */
    {"TIME", "TIMETZ", "TIME(6)"},              /* TimeField */
    {"JSON", "JSONB", "JSON"},                  /* JSONField */
    {"CHAR(36)", "UUID", "CHAR(36)"},           /* UUIDField */
};

static void portable_types(pw_column *c, pw_dialect d) {
    const char *t = c->type[d];
    for (size_t i = 0; i < sizeof FIELD_TYPES / sizeof *FIELD_TYPES; i++)
        if (strcmp(FIELD_TYPES[i][d], t) == 0) {
            for (int k = 0; k < PW_DIALECT_COUNT; k++) c->type[k] = FIELD_TYPES[i][k];
            return;
        }
    for (int k = 0; k < PW_DIALECT_COUNT; k++) c->type[k] = t;
}

/* The default of the baseline column: the models' where the database holds
 * the same; else the database's, with the models' expression texts kept for
 * the other dialects when both are expressions. */
static int baseline_default(pw_arena *a, pw_dialect d, const pw_column *lc,
                            const pw_column *pc, const pw_column *tc, pw_column *bc,
                            pw_error *err) {
    if (pw_default_equal(&lc->def, &pc->def)) {
        pw_column *copy = pw_column_copy(a, tc);
        if (copy == NULL) return nomem(err);
        bc->def = copy->def;
        return 0;
    }
    bc->def = lc->def;
    if (lc->def.kind != PW_DEFAULT_EXPR || tc->def.kind != PW_DEFAULT_EXPR) return 0;
    pw_default def;
    memset(&def, 0, sizeof def);
    def.kind = PW_DEFAULT_EXPR;
    def.s = d == PW_DIALECT_SQLITE ? lc->def.s : pw_default_expr(&tc->def, PW_DIALECT_SQLITE);
    for (int k = 1; k < PW_DIALECT_COUNT; k++) {
        const char *text = k == (int)d ? lc->def.s : pw_default_expr(&tc->def, (pw_dialect)k);
        if (strcmp(text, def.s) != 0) def.dialect_s[k] = text;
    }
    bc->def = def;
    return 0;
}

/* The name, in the target, of the column the physical target table pt calls
 * name (tt: the same table in the target); name itself when pt has none. */
static const char *target_column(const pw_table *pt, const pw_table *tt, const char *name) {
    long k = pt != NULL ? pw_table_column_index(pt, name) : -1;
    return k >= 0 ? tt->columns[k]->name : name;
}

int pw_adopt_baseline(pw_arena *a, const pw_schema *live, const pw_schema *target, pw_dialect d,
                      pw_schema **out, pw_strlist *adopted, pw_error *err) {
    int rc;
    pw_schema *L, *P;
    if ((rc = pw_schema_physical(a, live, d, &L, err)) ||
        (rc = pw_schema_physical(a, target, d, &P, err)))
        return rc;
    reconcile(L, P, d);
    pw_schema *B = pw_schema_new(a);
    if (B == NULL) return nomem(err);
    /* P holds target's tables, columns and indexes in the same positions, under the names
     * the database has for them (PostgreSQL cuts long ones): matches go through P, names
     * come from target. */
    for (size_t i = 0; i < L->ntables; i++) {
        const pw_table *lt = L->tables[i];
        long ti = pw_schema_table_index(P, lt->name);
        if (ti < 0) continue;
        const pw_table *tt = target->tables[ti], *pt = P->tables[ti];
        if (adopted != NULL && pw_strlist_push(a, adopted, live->tables[i]->name))
            return nomem(err);
        pw_table *bt = pw_table_copy(a, lt);
        if (bt == NULL) return nomem(err);
        bt->name = tt->name;
        bt->model = tt->model; /* the models' identity: later renames of it are certain */
        if (d == PW_DIALECT_SQLITE) bt->comment = tt->comment;
        for (size_t k = 0; k < bt->ncolumns; k++) {
            pw_column *bc = bt->columns[k];
            const pw_column *lc = lt->columns[k];
            long tk = pw_table_column_index(pt, lc->name);
            if (bc->fk.table != NULL) {
                long ri = pw_schema_table_index(P, bc->fk.table);
                if (ri >= 0) {
                    bc->fk.column = target_column(P->tables[ri], target->tables[ri], bc->fk.column);
                    bc->fk.table = target->tables[ri]->name;
                }
            }
            if (tk < 0) {
                portable_types(bc, d);
                continue;
            }
            const pw_column *tc = tt->columns[tk], *pc = pt->columns[tk];
            bc->name = tc->name;
            bool same_type = strcmp(lc->type[d], pc->type[d]) == 0;
            for (int t = 0; t < PW_DIALECT_COUNT; t++)
                bc->type[t] = same_type || t != (int)d ? tc->type[t] : lc->type[d];
            if ((rc = baseline_default(a, d, lc, pc, tc, bc, err))) return rc;
            if (lc->generated[d] != NULL && tc->generated[d] != NULL)
                memcpy(bc->generated, tc->generated, sizeof bc->generated);
            if (d == PW_DIALECT_SQLITE) {
                bc->comment = tc->comment;
                if (bc->fk.table != NULL && tc->fk.table != NULL) bc->fk.name = tc->fk.name;
            }
            /* a unique constraint under the name the renderers derive needs none */
            if (bc->unique_name != NULL && pw_column_own_unique(tc)) {
                const char *derived = pw_sql_column_unique_name(a, tt->name, tc);
                if (derived == NULL || (d == PW_DIALECT_POSTGRES && !pg_name(a, &derived)))
                    return nomem(err);
                if (strcmp(derived, bc->unique_name) == 0) bc->unique_name = NULL;
            }
        }
        for (size_t k = 0; k < bt->nindexes; k++) {
            pw_index *ix = bt->indexes[k];
            long tx = pw_table_index_index(pt, ix->name);
            if (tx >= 0) ix->name = tt->indexes[tx]->name;
            for (size_t c = 0; c < ix->ncolumns; c++)
                ix->columns[c] = target_column(pt, tt, ix->columns[c]);
        }
        if ((rc = pw_schema_add_table(a, B, bt, err))) return rc;
    }
    if ((rc = pw_schema_check(B, err))) return rc;
    *out = B;
    return 0;
}
