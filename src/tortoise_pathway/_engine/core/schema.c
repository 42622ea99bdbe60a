/*
 * schema.c - the schema state of schema.h: lookups, appends, removals,
 * copies, equality and the invariant check.
 *
 * Owns: the data structure and its invariant. Does not own: operations on it
 * (ops.c), diffs (diff.c) or SQL (sql*.c).
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DIALECT_NAMES[PW_DIALECT_COUNT] = {"sqlite", "postgres", "mysql"};
static const char *const FK_ACTION_NAMES[] = {"CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT",
                                              "NO ACTION"};

int pw_dialect_from_name(const char *name) {
    if (name == NULL) return -1;
    for (int i = 0; i < PW_DIALECT_COUNT; i++)
        if (strcmp(name, DIALECT_NAMES[i]) == 0) return i;
    return -1;
}

const char *pw_dialect_name(pw_dialect d) {
    if ((int)d < 0 || d >= PW_DIALECT_COUNT) return "?";
    return DIALECT_NAMES[d];
}

int pw_fk_action_from_name(const char *name) {
    if (name == NULL) return -1;
    for (int i = 0; i < (int)(sizeof FK_ACTION_NAMES / sizeof *FK_ACTION_NAMES); i++)
        if (strcmp(name, FK_ACTION_NAMES[i]) == 0) return i;
    return -1;
}

const char *pw_fk_action_name(pw_fk_action a) {
    switch (a) {
    case PW_FK_CASCADE:
    case PW_FK_RESTRICT:
    case PW_FK_SET_NULL:
    case PW_FK_SET_DEFAULT:
    case PW_FK_NO_ACTION:
        return FK_ACTION_NAMES[a];
    }
    return "?";
}

pw_schema *pw_schema_new(pw_arena *a) { return pw_arena_alloc(a, sizeof(pw_schema)); }

bool pw_str_ieq(const char *x, const char *y) {
    if (x == NULL || y == NULL) return x == y;
    for (; *x && *y; x++, y++) {
        char cx = *x >= 'a' && *x <= 'z' ? (char)(*x - 32) : *x;
        char cy = *y >= 'a' && *y <= 'z' ? (char)(*y - 32) : *y;
        if (cx != cy) return false;
    }
    return *x == *y;
}

bool pw_str_eq(const char *x, const char *y) {
    if (x == NULL || y == NULL) return x == y;
    return strcmp(x, y) == 0;
}

bool pw_column_own_unique(const pw_column *c) { return c->unique && !c->pk; }

long pw_schema_table_index(const pw_schema *s, const char *name) {
    for (size_t i = 0; i < s->ntables; i++)
        if (strcmp(s->tables[i]->name, name) == 0) return (long)i;
    return -1;
}

pw_table *pw_schema_find_table(const pw_schema *s, const char *name) {
    long i = pw_schema_table_index(s, name);
    return i < 0 ? NULL : s->tables[i];
}

long pw_table_column_index(const pw_table *t, const char *name) {
    for (size_t i = 0; i < t->ncolumns; i++)
        if (strcmp(t->columns[i]->name, name) == 0) return (long)i;
    return -1;
}

pw_column *pw_table_find_column(const pw_table *t, const char *name) {
    long i = pw_table_column_index(t, name);
    return i < 0 ? NULL : t->columns[i];
}

long pw_table_index_index(const pw_table *t, const char *name) {
    for (size_t i = 0; i < t->nindexes; i++)
        if (strcmp(t->indexes[i]->name, name) == 0) return (long)i;
    return -1;
}

long pw_table_check_index(const pw_table *t, const char *name) {
    for (size_t i = 0; i < t->nchecks; i++)
        if (pw_str_eq(t->checks[i]->name, name)) return (long)i;
    return -1;
}

pw_check *pw_table_find_check(const pw_table *t, const char *name) {
    long i = pw_table_check_index(t, name);
    return i < 0 ? NULL : t->checks[i];
}

pw_index *pw_table_find_index(const pw_table *t, const char *name) {
    long i = pw_table_index_index(t, name);
    return i < 0 ? NULL : t->indexes[i];
}

pw_column *pw_table_pk(const pw_table *t) {
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->pk) return t->columns[i];
    return NULL;
}

pw_index *pw_schema_find_index(const pw_schema *s, const char *name, pw_table **table_out) {
    for (size_t i = 0; i < s->ntables; i++) {
        pw_index *ix = pw_table_find_index(s->tables[i], name);
        if (ix != NULL) {
            if (table_out) *table_out = s->tables[i];
            return ix;
        }
    }
    if (table_out) *table_out = NULL;
    return NULL;
}

static int nomem(pw_error *err) { return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory"); }

int pw_schema_add_table(pw_arena *a, pw_schema *s, pw_table *t, pw_error *err) {
    if (pw_arena_grow(a, (void **)&s->tables, &s->captables, s->ntables + 1, sizeof *s->tables))
        return nomem(err);
    s->tables[s->ntables++] = t;
    return 0;
}

int pw_table_insert_column(pw_arena *a, pw_table *t, size_t pos, pw_column *c, pw_error *err) {
    if (pos > t->ncolumns) pos = t->ncolumns;
    if (pw_arena_grow(a, (void **)&t->columns, &t->capcolumns, t->ncolumns + 1,
                      sizeof *t->columns))
        return nomem(err);
    memmove(t->columns + pos + 1, t->columns + pos, (t->ncolumns - pos) * sizeof *t->columns);
    t->columns[pos] = c;
    t->ncolumns++;
    return 0;
}

int pw_table_add_column(pw_arena *a, pw_table *t, pw_column *c, pw_error *err) {
    return pw_table_insert_column(a, t, t->ncolumns, c, err);
}

int pw_table_add_index(pw_arena *a, pw_table *t, pw_index *ix, pw_error *err) {
    if (pw_arena_grow(a, (void **)&t->indexes, &t->capindexes, t->nindexes + 1,
                      sizeof *t->indexes))
        return nomem(err);
    t->indexes[t->nindexes++] = ix;
    return 0;
}

int pw_table_add_check(pw_arena *a, pw_table *t, pw_check *c, pw_error *err) {
    if (pw_arena_grow(a, (void **)&t->checks, &t->capchecks, t->nchecks + 1, sizeof *t->checks))
        return nomem(err);
    t->checks[t->nchecks++] = c;
    return 0;
}

void pw_schema_remove_table_at(pw_schema *s, size_t pos) {
    if (pos >= s->ntables) return;
    memmove(s->tables + pos, s->tables + pos + 1, (s->ntables - pos - 1) * sizeof *s->tables);
    s->ntables--;
}

void pw_table_remove_column_at(pw_table *t, size_t pos) {
    if (pos >= t->ncolumns) return;
    memmove(t->columns + pos, t->columns + pos + 1,
            (t->ncolumns - pos - 1) * sizeof *t->columns);
    t->ncolumns--;
}

void pw_table_remove_index_at(pw_table *t, size_t pos) {
    if (pos >= t->nindexes) return;
    memmove(t->indexes + pos, t->indexes + pos + 1,
            (t->nindexes - pos - 1) * sizeof *t->indexes);
    t->nindexes--;
}

void pw_table_remove_check_at(pw_table *t, size_t pos) {
    if (pos >= t->nchecks) return;
    memmove(t->checks + pos, t->checks + pos + 1, (t->nchecks - pos - 1) * sizeof *t->checks);
    t->nchecks--;
}

/* Copies *src into *dst with arena strings; returns false out of memory.
 * A NULL src string stays NULL. */
static bool dup_str(pw_arena *a, const char **dst, const char *src) {
    if (src == NULL) {
        *dst = NULL;
        return true;
    }
    *dst = pw_arena_strdup(a, src);
    return *dst != NULL;
}

pw_column *pw_column_copy(pw_arena *a, const pw_column *c) {
    pw_column *n = pw_arena_alloc(a, sizeof *n);
    if (n == NULL) return NULL;
    *n = *c;
    bool ok = dup_str(a, &n->name, c->name) && dup_str(a, &n->comment, c->comment) &&
              dup_str(a, &n->unique_name, c->unique_name) &&
              dup_str(a, &n->def.s, c->def.s) && dup_str(a, &n->fk.name, c->fk.name) &&
              dup_str(a, &n->fk.table, c->fk.table) && dup_str(a, &n->fk.column, c->fk.column);
    for (int d = 0; ok && d < PW_DIALECT_COUNT; d++)
        ok = dup_str(a, &n->type[d], c->type[d]) &&
             dup_str(a, &n->def.dialect_s[d], c->def.dialect_s[d]) &&
             dup_str(a, &n->generated[d], c->generated[d]);
    return ok ? n : NULL;
}

pw_index *pw_index_copy(pw_arena *a, const pw_index *ix) {
    pw_index *n = pw_arena_alloc(a, sizeof *n);
    if (n == NULL) return NULL;
    *n = *ix;
    if (!dup_str(a, &n->name, ix->name)) return NULL;
    n->columns = pw_arena_calloc(a, ix->ncolumns ? ix->ncolumns : 1, sizeof *n->columns);
    if (n->columns == NULL) return NULL;
    for (size_t i = 0; i < ix->ncolumns; i++)
        if (!dup_str(a, &n->columns[i], ix->columns[i])) return NULL;
    n->expressions =
        pw_arena_calloc(a, ix->nexpressions ? ix->nexpressions : 1, sizeof *n->expressions);
    if (n->expressions == NULL) return NULL;
    for (size_t i = 0; i < ix->nexpressions; i++)
        if (!dup_str(a, &n->expressions[i], ix->expressions[i])) return NULL;
    if (!dup_str(a, &n->method, ix->method) || !dup_str(a, &n->condition, ix->condition) ||
        !dup_str(a, &n->options, ix->options))
        return NULL;
    return n;
}

pw_check *pw_check_copy(pw_arena *a, const pw_check *c) {
    pw_check *n = pw_arena_alloc(a, sizeof *n);
    if (n == NULL || !dup_str(a, &n->name, c->name) || !dup_str(a, &n->check, c->check))
        return NULL;
    return n;
}

pw_table *pw_table_copy(pw_arena *a, const pw_table *t) {
    pw_table *n = pw_arena_alloc(a, sizeof *n);
    if (n == NULL) return NULL;
    if (!dup_str(a, &n->name, t->name) || !dup_str(a, &n->comment, t->comment) ||
        !dup_str(a, &n->schema, t->schema) || !dup_str(a, &n->model, t->model))
        return NULL;
    n->columns = pw_arena_calloc(a, t->ncolumns ? t->ncolumns : 1, sizeof *n->columns);
    n->indexes = pw_arena_calloc(a, t->nindexes ? t->nindexes : 1, sizeof *n->indexes);
    if (n->columns == NULL || n->indexes == NULL) return NULL;
    n->capcolumns = t->ncolumns ? t->ncolumns : 1;
    n->capindexes = t->nindexes ? t->nindexes : 1;
    for (size_t i = 0; i < t->ncolumns; i++) {
        n->columns[i] = pw_column_copy(a, t->columns[i]);
        if (n->columns[i] == NULL) return NULL;
    }
    n->ncolumns = t->ncolumns;
    for (size_t i = 0; i < t->nindexes; i++) {
        n->indexes[i] = pw_index_copy(a, t->indexes[i]);
        if (n->indexes[i] == NULL) return NULL;
    }
    n->nindexes = t->nindexes;
    n->checks = pw_arena_calloc(a, t->nchecks ? t->nchecks : 1, sizeof *n->checks);
    if (n->checks == NULL) return NULL;
    n->capchecks = t->nchecks ? t->nchecks : 1;
    for (size_t i = 0; i < t->nchecks; i++)
        if ((n->checks[i] = pw_check_copy(a, t->checks[i])) == NULL) return NULL;
    n->nchecks = t->nchecks;
    return n;
}

pw_schema *pw_schema_copy(pw_arena *a, const pw_schema *s) {
    pw_schema *n = pw_schema_new(a);
    if (n == NULL) return NULL;
    size_t cap = s->ntables ? s->ntables : 1;
    n->tables = pw_arena_calloc(a, cap, sizeof *n->tables);
    if (n->tables == NULL) return NULL;
    n->captables = cap;
    for (size_t i = 0; i < s->ntables; i++) {
        n->tables[i] = pw_table_copy(a, s->tables[i]);
        if (n->tables[i] == NULL) return NULL;
    }
    n->ntables = s->ntables;
    return n;
}

const char *pw_default_expr(const pw_default *def, pw_dialect d) {
    if ((int)d >= 0 && d < PW_DIALECT_COUNT && def->dialect_s[d] != NULL) return def->dialect_s[d];
    return def->s;
}

bool pw_default_expr_is_safe(const pw_default *def) {
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (!pw_sql_expr_is_safe(pw_default_expr(def, (pw_dialect)d))) return false;
    return true;
}

bool pw_default_equal(const pw_default *x, const pw_default *y) {
    if (x->kind != y->kind) return false;
    switch (x->kind) {
    case PW_DEFAULT_NONE:
        return true;
    case PW_DEFAULT_INT:
    case PW_DEFAULT_BOOL:
        return x->i == y->i;
    case PW_DEFAULT_FLOAT:
        return memcmp(&x->f, &y->f, sizeof x->f) == 0;
    case PW_DEFAULT_STRING:
        return pw_str_eq(x->s, y->s);
    case PW_DEFAULT_EXPR:
        for (int d = 0; d < PW_DIALECT_COUNT; d++)
            if (!pw_str_eq(pw_default_expr(x, (pw_dialect)d), pw_default_expr(y, (pw_dialect)d)))
                return false;
        return true;
    }
    return false;
}

bool pw_fk_equal(const pw_fk *x, const pw_fk *y) {
    if (x->table == NULL || y->table == NULL) return x->table == y->table;
    return pw_str_eq(x->name, y->name) && pw_str_eq(x->table, y->table) &&
           pw_str_eq(x->column, y->column) && x->on_delete == y->on_delete;
}

bool pw_column_equal(const pw_column *x, const pw_column *y) {
    if (!pw_str_eq(x->name, y->name) || x->null != y->null || x->pk != y->pk ||
        x->autoincrement != y->autoincrement || x->unique != y->unique ||
        !pw_str_eq(x->unique_name, y->unique_name) || !pw_str_eq(x->comment, y->comment) || !pw_default_equal(&x->def, &y->def) ||
        !pw_fk_equal(&x->fk, &y->fk))
        return false;
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (!pw_str_eq(x->type[d], y->type[d]) || !pw_str_eq(x->generated[d], y->generated[d]))
            return false;
    return true;
}

bool pw_column_is_generated(const pw_column *c) {
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (c->generated[d] != NULL) return true;
    return false;
}

bool pw_index_equal(const pw_index *x, const pw_index *y) {
    if (!pw_str_eq(x->name, y->name) || x->unique != y->unique || x->ncolumns != y->ncolumns)
        return false;
    for (size_t i = 0; i < x->ncolumns; i++)
        if (!pw_str_eq(x->columns[i], y->columns[i])) return false;
    if (x->nexpressions != y->nexpressions) return false;
    for (size_t i = 0; i < x->nexpressions; i++)
        if (!pw_str_eq(x->expressions[i], y->expressions[i])) return false;
    return pw_str_eq(x->method, y->method) && pw_str_eq(x->condition, y->condition) &&
           pw_str_eq(x->options, y->options);
}

bool pw_check_equal(const pw_check *x, const pw_check *y) {
    return pw_str_eq(x->name, y->name) && pw_str_eq(x->check, y->check);
}

bool pw_table_equal(const pw_table *x, const pw_table *y) {
    if (!pw_str_eq(x->name, y->name) || !pw_str_eq(x->comment, y->comment) ||
        !pw_str_eq(x->schema, y->schema) || !pw_str_eq(x->model, y->model) ||
        x->ncolumns != y->ncolumns || x->nindexes != y->nindexes || x->nchecks != y->nchecks)
        return false;
    for (size_t i = 0; i < x->nchecks; i++)
        if (!pw_check_equal(x->checks[i], y->checks[i])) return false;
    for (size_t i = 0; i < x->ncolumns; i++)
        if (!pw_column_equal(x->columns[i], y->columns[i])) return false;
    for (size_t i = 0; i < x->nindexes; i++)
        if (!pw_index_equal(x->indexes[i], y->indexes[i])) return false;
    return true;
}

static bool balanced(const char *s) {
    int depth = 0;
    bool in_str = false;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\'') in_str = false;
            continue;
        }
        if (*s == '\'') in_str = true;
        else if (*s == '(') depth++;
        else if (*s == ')' && --depth < 0) return false;
    }
    return depth == 0 && !in_str;
}

bool pw_sql_type_is_safe(const char *type) {
    if (type == NULL || *type == '\0') return false;
    for (const char *p = type; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == ' ' || c == '(' || c == ')' || c == ',' || c == '.' ||
                  c == '[' || c == ']';
        if (!ok) return false;
    }
    return balanced(type);
}

bool pw_sql_expr_is_safe(const char *expr) {
    if (expr == NULL || *expr == '\0') return false;
    bool in_str = false;
    for (const char *p = expr; *p; p++) {
        char c = *p;
        if ((unsigned char)c < 0x20 || c == 0x7f || c == '\\') return false;
        if (in_str) {
            if (c == '\'') in_str = false;
            continue;
        }
        if (c == '\'') {
            in_str = true;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == ' ' || c == '(' || c == ')' || c == ',' || c == '.' ||
                  c == '+' || c == '-' || c == '*' || c == '/' || c == ':' || c == '=' ||
                  c == '<' || c == '>';
        if (!ok) return false;
        if (c == '-' && p[1] == '-') return false;
        if (c == '/' && p[1] == '*') return false;
        if (c == '*' && p[1] == '/') return false;
    }
    return !in_str && balanced(expr);
}

bool pw_sql_fragment_is_safe(const char *text) {
    if (text == NULL || *text == '\0') return false;
    char quote = 0;
    int depth = 0;
    for (const char *p = text; *p; p++) {
        char c = *p;
        if ((unsigned char)c < 0x20 || c == 0x7f || c == '\\') return false;
        if (quote) {
            if (c == quote) {
                if (p[1] == quote) p++; /* a doubled quote inside */
                else quote = 0;
            }
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            quote = c;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == ' ' || c == '(' || c == ')' || c == ',' || c == '.' ||
                  c == '+' || c == '-' || c == '*' || c == '/' || c == ':' || c == '=' ||
                  c == '<' || c == '>' || c == '|' || c == '%' || c == '!' || c == '~' ||
                  c == '&' || c == '@' || c == '^' || c == '[' || c == ']' ||
                  (unsigned char)c >= 0x80;
        if (!ok) return false;
        if (c == '-' && p[1] == '-') return false;
        if (c == '/' && p[1] == '*') return false;
        if (c == '*' && p[1] == '/') return false;
        if (c == '(') depth++;
        if (c == ')' && --depth < 0) return false;
    }
    return quote == 0 && depth == 0;
}

static bool name_ok(const char *s) { return s != NULL && *s != '\0'; }

pw_dialect pw_index_method_dialect(const char *m) {
    return pw_str_ieq(m, "FULLTEXT") || pw_str_ieq(m, "SPATIAL") ? PW_DIALECT_MYSQL : PW_DIALECT_POSTGRES;
}

bool pw_index_is_plain(const pw_index *ix) {
    return ix->method == NULL && ix->condition == NULL && ix->nexpressions == 0 &&
           ix->options == NULL;
}

static bool is_identifier(const char *s) {
    if (!name_ok(s) || (*s >= '0' && *s <= '9')) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

int pw_index_check(const pw_index *ix, pw_error *err) {
    if (ix == NULL || !name_ok(ix->name))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "an index has no name");
    const char *n = ix->name;
    if (ix->ncolumns == 0 && ix->nexpressions == 0)
        return pw_error_set(err, PW_ERR_INVALID, n, "index %s has no columns", n);
    if (ix->ncolumns > 0 && ix->nexpressions > 0)
        return pw_error_set(err, PW_ERR_INVALID, n,
                            "index %s has both columns and expressions; it takes one or the other",
                            n);
    for (size_t k = 0; k < ix->ncolumns; k++) {
        if (!name_ok(ix->columns[k]))
            return pw_error_set(err, PW_ERR_INVALID, n, "index %s has a column with no name", n);
        for (size_t j = 0; j < k; j++)
            if (strcmp(ix->columns[j], ix->columns[k]) == 0)
                return pw_error_set(err, PW_ERR_INVALID, n, "index %s names column %s twice", n,
                                    ix->columns[k]);
    }
    for (size_t k = 0; k < ix->nexpressions; k++)
        if (!pw_sql_fragment_is_safe(ix->expressions[k]))
            return pw_error_set(err, PW_ERR_INVALID, n,
                                "index %s has an expression that is empty or not safe to write"
                                " into SQL (a ';', a comment, a backslash or unbalanced quotes"
                                " or parentheses)",
                                n);
    if (ix->method != NULL && !is_identifier(ix->method))
        return pw_error_set(err, PW_ERR_INVALID, n,
                            "index %s: method must be a name such as GIN or FULLTEXT", n);
    if (ix->condition != NULL && !pw_sql_fragment_is_safe(ix->condition))
        return pw_error_set(err, PW_ERR_INVALID, n,
                            "index %s has a condition that is empty or not safe to write into SQL",
                            n);
    if (ix->options != NULL && !pw_sql_fragment_is_safe(ix->options))
        return pw_error_set(err, PW_ERR_INVALID, n,
                            "index %s has options that are empty or not safe to write into SQL", n);
    return 0;
}

int pw_check_validate(const pw_check *c, pw_error *err) {
    if (c == NULL || !name_ok(c->name))
        return pw_error_set(err, PW_ERR_INVALID, NULL, "a check constraint has no name");
    if (!pw_sql_fragment_is_safe(c->check))
        return pw_error_set(err, PW_ERR_INVALID, c->name,
                            "check constraint %s has a condition that is empty or not safe to "
                            "write into SQL (a ';', a comment, a backslash or unbalanced quotes "
                            "or parentheses)",
                            c->name);
    return 0;
}

int pw_column_check(const char *table, const pw_column *c, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    if (c == NULL || !name_ok(c->name))
        return pw_error_set(err, PW_ERR_INVALID, table, "table %s has a column with no name",
                            table);
    snprintf(path, sizeof path, "%s.%s", table, c->name);
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (!pw_sql_type_is_safe(c->type[d]))
            return pw_error_set(err, PW_ERR_INVALID, path,
                                "column %s has a missing or unsafe SQL type for %s", path,
                                pw_dialect_name((pw_dialect)d));
    if (c->pk && c->null)
        return pw_error_set(err, PW_ERR_INVALID, path, "primary key %s cannot be nullable", path);
    if (c->autoincrement && !c->pk)
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "column %s is auto-increment but not the primary key", path);
    if (c->unique_name != NULL && (!pw_column_own_unique(c) || !name_ok(c->unique_name)))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "column %s names a unique constraint it does not have", path);
    if ((c->def.kind == PW_DEFAULT_STRING || c->def.kind == PW_DEFAULT_EXPR) && c->def.s == NULL)
        return pw_error_set(err, PW_ERR_INVALID, path, "column %s has an empty default", path);
    if (c->def.kind == PW_DEFAULT_EXPR && !pw_default_expr_is_safe(&c->def))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "column %s has an unsafe default expression", path);
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (c->generated[d] != NULL && !pw_sql_fragment_is_safe(c->generated[d]))
            return pw_error_set(err, PW_ERR_INVALID, path,
                                "column %s has a generated clause for %s that is empty or "
                                "not safe to write into SQL",
                                path, pw_dialect_name((pw_dialect)d));
    if (pw_column_is_generated(c) && (c->pk || c->def.kind != PW_DEFAULT_NONE))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "generated column %s cannot be the primary key or have a default",
                            path);
    if (c->fk.table != NULL &&
        (!name_ok(c->fk.table) || !name_ok(c->fk.column) || !name_ok(c->fk.name)))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "foreign key of %s needs a name, a table and a column", path);
    return 0;
}

int pw_table_check(const pw_table *t, pw_error *err) {
    if (!name_ok(t->name)) return pw_error_set(err, PW_ERR_INVALID, NULL, "a table has no name");
    if (t->schema != NULL && !name_ok(t->schema))
        return pw_error_set(err, PW_ERR_INVALID, t->name, "table %s has an empty schema name",
                            t->name);
    if (t->model != NULL && !name_ok(t->model))
        return pw_error_set(err, PW_ERR_INVALID, t->name, "table %s has an empty model identity",
                            t->name);
    size_t npk = 0;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const pw_column *c = t->columns[i];
        for (size_t j = 0; j < i && name_ok(c->name); j++)
            if (strcmp(t->columns[j]->name, c->name) == 0) {
                char path[PW_ERR_PATH_MAX];
                snprintf(path, sizeof path, "%s.%s", t->name, c->name);
                return pw_error_set(err, PW_ERR_INVALID, path, "column %s appears twice", path);
            }
        int rc = pw_column_check(t->name, c, err);
        if (rc) return rc;
        npk += c->pk;
    }
    if (npk > 1)
        return pw_error_set(err, PW_ERR_INVALID, t->name, "table %s has %zu primary key columns",
                            t->name, npk);
    for (size_t i = 0; i < t->nindexes; i++) {
        const pw_index *ix = t->indexes[i];
        if (!name_ok(ix->name))
            return pw_error_set(err, PW_ERR_INVALID, t->name, "table %s has an index with no name",
                                t->name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->indexes[j]->name, ix->name) == 0)
                return pw_error_set(err, PW_ERR_INVALID, ix->name, "index %s appears twice",
                                    ix->name);
        int rc = pw_index_check(ix, err);
        if (rc) return rc;
        for (size_t k = 0; k < ix->ncolumns; k++)
            if (pw_table_find_column(t, ix->columns[k]) == NULL)
                return pw_error_set(err, PW_ERR_INVALID, ix->name,
                                    "index %s names column %s, which table %s does not have",
                                    ix->name, ix->columns[k] ? ix->columns[k] : "(null)",
                                    t->name);
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        int rc = pw_check_validate(t->checks[i], err);
        if (rc) return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->checks[j]->name, t->checks[i]->name) == 0)
                return pw_error_set(err, PW_ERR_INVALID, t->checks[i]->name,
                                    "check constraint %s appears twice on table %s",
                                    t->checks[i]->name, t->name);
    }
    return 0;
}

/* A name and where it is: table t (and, for an index, its position k there). */
typedef struct {
    const char *name;
    size_t t, k;
} placed_name;

static int cmp_placed(const void *x, const void *y) {
    const placed_name *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c != 0) return c;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* Of names sorted by cmp_placed, the duplicate the table-by-table scan below meets first:
 * the smallest (t, k) of a name's second place, with the first place of that name in
 * *first. n when there is none. */
static size_t first_duplicate(const placed_name *v, size_t n, size_t *first) {
    size_t best = n;
    for (size_t i = 1; i < n; i++) {
        if (v[i].name[0] == '\0' || strcmp(v[i - 1].name, v[i].name) != 0) continue;
        size_t g = i - 1; /* the group's first place */
        while (g > 0 && strcmp(v[g - 1].name, v[i].name) == 0) g--;
        if (g != i - 1) continue; /* only a group's second place counts */
        if (best == n || v[i].t < v[best].t || (v[i].t == v[best].t && v[i].k < v[best].k)) {
            best = i;
            *first = g;
        }
    }
    return best;
}

static const placed_name *find_placed(const placed_name *v, size_t n, const char *name) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].name, name);
        if (c == 0) return &v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The checks of a whole schema, in the order a table-by-table scan makes them (so that the
 * error reported is the same whatever the schema's size): every table on its own, with a
 * table name seen before; then per table, an index name another table has (index names are
 * one namespace per database: PostgreSQL, SQLite) and foreign keys to a missing column.
 * Names are sorted once, so large schemas (thousands of tables) check in n log n. */
int pw_schema_check(const pw_schema *s, pw_error *err) {
    size_t nt = s->ntables, ni = 0;
    for (size_t i = 0; i < nt; i++) ni += s->tables[i]->nindexes;
    placed_name *tables = malloc((nt ? nt : 1) * sizeof *tables);
    placed_name *indexes = malloc((ni ? ni : 1) * sizeof *indexes);
    int rc = 0;
    if (tables == NULL || indexes == NULL) {
        rc = nomem(err);
        goto done;
    }
    size_t m = 0;
    for (size_t i = 0; i < nt; i++) {
        const pw_table *t = s->tables[i];
        /* no name yet is "" here (pw_table_check reports it, in its turn) */
        tables[i] = (placed_name){t->name != NULL ? t->name : "", i, 0};
        for (size_t k = 0; k < t->nindexes; k++) {
            const char *name = t->indexes[k]->name;
            indexes[m++] = (placed_name){name != NULL ? name : "", i, k};
        }
    }
    qsort(tables, nt, sizeof *tables, cmp_placed);
    size_t first = 0, dup = first_duplicate(tables, nt, &first);
    /* every table on its own first, so that the cross-table checks below only
     * meet named tables, columns and indexes */
    for (size_t i = 0; i < nt; i++) {
        if ((rc = pw_table_check(s->tables[i], err))) goto done;
        if (dup < nt && tables[dup].t == i) {
            rc = pw_error_set(err, PW_ERR_INVALID, tables[dup].name, "table %s appears twice",
                              tables[dup].name);
            goto done;
        }
    }
    qsort(indexes, ni, sizeof *indexes, cmp_placed);
    size_t ifirst = 0, idup = first_duplicate(indexes, ni, &ifirst);
    for (size_t i = 0; i < nt; i++) {
        const pw_table *t = s->tables[i];
        if (idup < ni && indexes[idup].t == i) {
            rc = pw_error_set(err, PW_ERR_INVALID, indexes[idup].name,
                              "index %s is on table %s and on table %s", indexes[idup].name,
                              s->tables[indexes[ifirst].t]->name, t->name);
            goto done;
        }
        for (size_t k = 0; k < t->ncolumns; k++) {
            const pw_column *c = t->columns[k];
            if (c->fk.table == NULL) continue;
            const placed_name *ref = find_placed(tables, nt, c->fk.table);
            if (ref != NULL && pw_table_find_column(s->tables[ref->t], c->fk.column) == NULL) {
                char path[PW_ERR_PATH_MAX];
                snprintf(path, sizeof path, "%s.%s", t->name, c->name);
                rc = pw_error_set(err, PW_ERR_INVALID, path,
                                  "foreign key %s points to %s.%s, which does not exist", path,
                                  c->fk.table, c->fk.column);
                goto done;
            }
        }
    }
done:
    free(tables);
    free(indexes);
    return rc;
}
