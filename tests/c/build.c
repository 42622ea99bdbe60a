/*
 * build.c - the test builders of build.h.
 */
#include "build.h"

#include "sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *must(void *p) {
    if (p == NULL) abort();
    return p;
}

pw_table *tb_table(pw_arena *a, pw_schema *s, const char *name) {
    pw_error err;
    pw_table *t = must(pw_arena_alloc(a, sizeof *t));
    t->name = must(pw_arena_strdup(a, name));
    if (s != NULL && pw_schema_add_table(a, s, t, &err) != 0) abort();
    return t;
}

pw_column *tb_column(pw_arena *a, const char *name, const char *type) {
    pw_column *c = must(pw_arena_alloc(a, sizeof *c));
    c->name = must(pw_arena_strdup(a, name));
    for (int d = 0; d < PW_DIALECT_COUNT; d++) c->type[d] = must(pw_arena_strdup(a, type));
    c->fk.on_delete = PW_FK_CASCADE;
    return c;
}

pw_column *tb_col(pw_arena *a, pw_table *t, const char *name, const char *type) {
    pw_error err;
    pw_column *c = tb_column(a, name, type);
    if (pw_table_add_column(a, t, c, &err) != 0) abort();
    return c;
}

pw_column *tb_pk(pw_arena *a, pw_table *t) {
    pw_column *c = tb_col(a, t, "id", "INT");
    c->pk = true;
    c->autoincrement = true;
    return c;
}

pw_column *tb_fk(pw_arena *a, pw_table *t, const char *name, const char *ref_table) {
    char buf[256];
    pw_column *c = tb_col(a, t, name, "INT");
    snprintf(buf, sizeof buf, "fk_%s_%s", t->name, name);
    c->fk.name = must(pw_arena_strdup(a, buf));
    c->fk.table = must(pw_arena_strdup(a, ref_table));
    c->fk.column = "id";
    c->fk.on_delete = PW_FK_CASCADE;
    return c;
}

void tb_types(pw_column *c, const char *sqlite, const char *postgres, const char *mysql) {
    c->type[PW_DIALECT_SQLITE] = sqlite;
    c->type[PW_DIALECT_POSTGRES] = postgres;
    c->type[PW_DIALECT_MYSQL] = mysql;
}

pw_index *tb_index(pw_arena *a, pw_table *t, const char *name, bool unique, const char *cols) {
    pw_error err;
    pw_index *ix = must(pw_arena_alloc(a, sizeof *ix));
    ix->name = must(pw_arena_strdup(a, name));
    ix->unique = unique;
    size_t n = 1;
    for (const char *p = cols; *p; p++)
        if (*p == ',') n++;
    ix->columns = must(pw_arena_calloc(a, n, sizeof *ix->columns));
    const char *start = cols;
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(start, ',');
        size_t len = end ? (size_t)(end - start) : strlen(start);
        ix->columns[i] = must(pw_arena_strndup(a, start, len));
        start = end ? end + 1 : start + len;
    }
    ix->ncolumns = n;
    if (t != NULL && pw_table_add_index(a, t, ix, &err) != 0) abort();
    return ix;
}

pw_op tb_op(pw_op_kind kind, const char *table) {
    pw_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.table = table;
    return op;
}

static const char *render_joined(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d,
                                 bool safe, int *rc, pw_error *err) {
    pw_strlist out = {0};
    *rc = pw_sql_render_op_safe(a, s, op, d, safe, &out, err);
    if (*rc) return NULL;
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    for (size_t i = 0; i < out.len; i++) {
        pw_sb_append(&sb, out.items[i]);
        pw_sb_append(&sb, ";\n");
    }
    return pw_sb_cstr(&sb);
}

const char *tb_sql(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d, int *rc,
                   pw_error *err) {
    return render_joined(a, s, op, d, false, rc, err);
}

const char *tb_sql_safe(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d, int *rc,
                        pw_error *err) {
    return render_joined(a, s, op, d, true, rc, err);
}
