/*
 * sql.c - SQL rendering shared by all dialects (sql.h): identifier quoting,
 * the one string-literal escaper, DEFAULT values, the derived name of a
 * single-column unique constraint, small building blocks the dialect
 * renderers share, and pw_sql_render_op, which checks what an operation would
 * write into SQL text unquoted and hands it to its dialect.
 *
 * Owns: how a name or a value is spelled in SQL for each dialect.
 * Does not own: the statements of each dialect (sql_sqlite.c,
 * sql_postgres.c, sql_mysql.c) or the schema invariant (schema.c).
 */
#include "sql.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_mysql.h"
#include "sql_postgres.h"
#include "sql_sqlite.h"

/* PostgreSQL's identifier limit (NAMEDATALEN - 1); MySQL allows 64. */
#define PW_SQL_NAME_MAX 63

void pw_sql_ident(pw_strbuf *sb, pw_dialect d, const char *name) {
    char q = d == PW_DIALECT_MYSQL ? '`' : '"';
    pw_sb_append_char(sb, q);
    const char *run = name;
    for (const char *p = name; *p; p++) {
        if (*p != q) continue;
        /* copy up to and including the quote, then write it once more */
        pw_sb_append_n(sb, run, (size_t)(p - run) + 1);
        pw_sb_append_char(sb, q);
        run = p + 1;
    }
    pw_sb_append(sb, run);
    pw_sb_append_char(sb, q);
}

/* A C string cannot hold NUL, so the MySQL "\0" escape of the contract never
 * has anything to escape here; every other byte (newlines, tabs, UTF-8
 * sequences, control characters) is written as is, which all three databases
 * read back unchanged inside a quoted literal. */
void pw_sql_string_literal(pw_strbuf *sb, pw_dialect d, const char *s) {
    bool backslash = d == PW_DIALECT_MYSQL;
    pw_sb_append_char(sb, '\'');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        if (*p != '\'' && !(backslash && *p == '\\')) continue;
        pw_sb_append_n(sb, run, (size_t)(p - run) + 1);
        pw_sb_append_char(sb, *p);
        run = p + 1;
    }
    pw_sb_append(sb, run);
    pw_sb_append_char(sb, '\'');
}

/* Non-finite floats have no numeric literal: PostgreSQL reads the strings
 * 'NaN', 'Infinity', '-Infinity' as floats; SQLite reads 9e999 as infinity.
 * pw_sql_render_op refuses the remaining cases (NaN on SQLite, any of them on
 * MySQL) before anything is rendered, so what is written here for them is
 * never used. */
static void append_float(pw_strbuf *sb, pw_dialect d, double f) {
    if (isfinite(f)) {
        /* The shortest of %.15g, %.16g, %.17g that reads back as f: 0.1 stays "0.1" (as
         * Tortoise writes it, and as SQLite keeps the text of a default), while every
         * double still round-trips. */
        char buf[32];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, f);
            if (prec == 17 || strtod(buf, NULL) == f) break;
        }
        pw_sb_append(sb, buf);
        return;
    }
    if (d == PW_DIALECT_POSTGRES) {
        pw_sql_string_literal(sb, d, isnan(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
        return;
    }
    pw_sb_append(sb, isnan(f) ? "NULL" : f > 0 ? "9e999" : "-9e999");
}

void pw_sql_default_value(pw_strbuf *sb, pw_dialect d, const pw_default *def) {
    switch (def->kind) {
    case PW_DEFAULT_NONE:
        return;
    case PW_DEFAULT_INT:
        pw_sb_appendf(sb, "%lld", def->i);
        return;
    case PW_DEFAULT_FLOAT:
        append_float(sb, d, def->f);
        return;
    case PW_DEFAULT_BOOL:
        if (d == PW_DIALECT_POSTGRES)
            pw_sb_append(sb, def->i ? "TRUE" : "FALSE");
        else
            pw_sb_append(sb, def->i ? "1" : "0");
        return;
    case PW_DEFAULT_STRING:
        if (def->s == NULL)
            pw_sb_append(sb, "NULL"); /* refused earlier by pw_sql_render_op */
        else
            pw_sql_string_literal(sb, d, def->s);
        return;
    case PW_DEFAULT_EXPR: {
        const char *expr = pw_default_expr(def, d);
        pw_sb_append(sb, expr != NULL ? expr : "NULL");
        return;
    }
    }
}

/* 32-bit FNV-1a over the bytes of s. */
static uint32_t fnv1a32(const char *s) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

/* Long names: the first PW_SQL_NAME_MAX - 9 bytes of the full name (cut back
 * to a UTF-8 character boundary), '_', and the 8-hex-digit hash of the full
 * name, so the result has at most 63 bytes and stays valid UTF-8. */
const char *pw_sql_unique_name(pw_arena *a, const char *table, const char *column) {
    return pw_sql_derived_name(a, table, column, "key");
}

const char *pw_sql_derived_name(pw_arena *a, const char *table, const char *column,
                                const char *suffix) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_appendf(&sb, "%s_%s_%s", table, column, suffix);
    const char *full = pw_sb_cstr(&sb);
    if (full == NULL) return NULL;
    if (sb.len <= PW_SQL_NAME_MAX) return pw_sb_finish(&sb);
    size_t keep = PW_SQL_NAME_MAX - 9;
    while (keep > 0 && ((unsigned char)full[keep] & 0xC0) == 0x80) keep--;
    uint32_t h = fnv1a32(full);
    pw_strbuf out;
    pw_sb_init(&out, a);
    pw_sb_append_n(&out, full, keep);
    pw_sb_appendf(&out, "_%08x", (unsigned)h);
    return pw_sb_finish(&out);
}

void pw_sql_ident_list(pw_strbuf *sb, pw_dialect d, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (i) pw_sb_append(sb, ", ");
        pw_sql_ident(sb, d, names[i]);
    }
}

void pw_sql_index_keys(pw_strbuf *sb, pw_dialect d, const pw_index *ix) {
    pw_sb_append_char(sb, '(');
    if (ix->nexpressions > 0)
        for (size_t i = 0; i < ix->nexpressions; i++) {
            if (i) pw_sb_append(sb, ", ");
            pw_sb_append(sb, ix->expressions[i]);
        }
    else
        pw_sql_ident_list(sb, d, ix->columns, ix->ncolumns);
    pw_sb_append_char(sb, ')');
    if (ix->options != NULL) {
        pw_sb_append_char(sb, ' ');
        pw_sb_append(sb, ix->options);
    }
    if (ix->condition != NULL) {
        pw_sb_append(sb, " WHERE ");
        pw_sb_append(sb, ix->condition);
    }
}

void pw_sql_generated(pw_strbuf *sb, pw_dialect d, const pw_column *c) {
    if (c->generated[d] == NULL) return;
    pw_sb_append_char(sb, ' ');
    pw_sb_append(sb, c->generated[d]);
}

void pw_sql_check_clause(pw_strbuf *sb, pw_dialect d, const pw_check *c) {
    pw_sb_append(sb, "CONSTRAINT ");
    pw_sql_ident(sb, d, c->name);
    pw_sb_append(sb, " CHECK (");
    pw_sb_append(sb, c->check);
    pw_sb_append_char(sb, ')');
}

void pw_sql_table(pw_strbuf *sb, pw_dialect d, const char *schema, const char *name) {
    if (schema != NULL && d != PW_DIALECT_SQLITE) {
        pw_sql_ident(sb, d, schema);
        pw_sb_append_char(sb, '.');
    }
    pw_sql_ident(sb, d, name);
}

const char *pw_sql_schema_of(const pw_schema *before, const pw_table *subject,
                             const char *table) {
    if (subject != NULL && strcmp(subject->name, table) == 0) return subject->schema;
    const pw_table *t = before != NULL ? pw_schema_find_table(before, table) : NULL;
    if (t != NULL) return t->schema;
    return subject != NULL ? subject->schema : NULL;
}

void pw_sql_fk_clause(pw_strbuf *sb, pw_dialect d, const char *column, const pw_fk *fk,
                      const char *ref_schema) {
    pw_sb_append(sb, "CONSTRAINT ");
    pw_sql_ident(sb, d, fk->name);
    pw_sb_append(sb, " FOREIGN KEY (");
    pw_sql_ident(sb, d, column);
    pw_sb_append(sb, ") REFERENCES ");
    pw_sql_table(sb, d, ref_schema, fk->table);
    pw_sb_append(sb, " (");
    pw_sql_ident(sb, d, fk->column);
    pw_sb_append(sb, ") ON DELETE ");
    pw_sb_append(sb, pw_fk_action_name(fk->on_delete));
}

int pw_sql_push(pw_arena *a, pw_strlist *out, pw_strbuf *sb, pw_error *err) {
    char *s = pw_sb_finish(sb);
    if (s == NULL || pw_strlist_push(a, out, s) != 0)
        return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory while rendering SQL");
    pw_sb_reset(sb);
    return 0;
}

/* Checks what a column would put into SQL text without quoting (its type for
 * d, an expression default, its generated clause for d), the fields its
 * rendering needs, and that d can spell its default. 0, PW_ERR_INVALID or PW_ERR_UNSUPPORTED (err names
 * table.column). */
static int check_column(const char *table, const pw_column *c, pw_dialect d, pw_error *err) {
    char path[PW_ERR_PATH_MAX];
    if (c == NULL || c->name == NULL || c->name[0] == '\0')
        return pw_error_set(err, PW_ERR_INVALID, table, "a column of table %s has no name",
                            table);
    snprintf(path, sizeof path, "%s.%s", table, c->name);
    if (!pw_sql_type_is_safe(c->type[d]))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "column %s has a missing or unsafe SQL type for %s", path,
                            pw_dialect_name(d));
    if (c->generated[d] != NULL && !pw_sql_fragment_is_safe(c->generated[d]))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "column %s has a generated clause for %s that is empty or not safe "
                            "to write into SQL",
                            path, pw_dialect_name(d));
    if (c->generated[d] != NULL && (c->pk || c->def.kind != PW_DEFAULT_NONE))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "generated column %s cannot be the primary key or have a default",
                            path);
    switch (c->def.kind) {
    case PW_DEFAULT_NONE:
    case PW_DEFAULT_INT:
    case PW_DEFAULT_BOOL:
        break;
    case PW_DEFAULT_FLOAT:
        if (isnan(c->def.f) && d != PW_DIALECT_POSTGRES)
            return pw_error_set(err, PW_ERR_UNSUPPORTED, path,
                                "column %s: %s cannot store a NaN default", path,
                                pw_dialect_name(d));
        if (isinf(c->def.f) && d == PW_DIALECT_MYSQL)
            return pw_error_set(err, PW_ERR_UNSUPPORTED, path,
                                "column %s: mysql cannot store an infinite default", path);
        break;
    case PW_DEFAULT_STRING:
        if (c->def.s == NULL)
            return pw_error_set(err, PW_ERR_INVALID, path, "column %s has an empty default",
                                path);
        break;
    case PW_DEFAULT_EXPR:
        if (!pw_sql_expr_is_safe(pw_default_expr(&c->def, d)))
            return pw_error_set(err, PW_ERR_INVALID, path,
                                "column %s has a missing or unsafe default expression", path);
        break;
    }
    if (c->fk.table != NULL &&
        (c->fk.name == NULL || c->fk.name[0] == '\0' || c->fk.column == NULL ||
         c->fk.column[0] == '\0'))
        return pw_error_set(err, PW_ERR_INVALID, path,
                            "foreign key of %s needs a name, a table and a column", path);
    return 0;
}

/* An index that dialect d can make: pw_index_check, and a method, a
 * condition and expressions only where d has them. */
static int check_index(const char *table, const pw_index *ix, pw_dialect d, pw_error *err) {
    if (ix == NULL || ix->name == NULL || ix->name[0] == '\0')
        return pw_error_set(err, PW_ERR_INVALID, table, "an index of table %s has no name",
                            table);
    int rc = pw_index_check(ix, err);
    if (rc) return rc;
    if (ix->method != NULL && pw_index_method_dialect(ix->method) != d)
        return pw_error_set(err, PW_ERR_UNSUPPORTED, ix->name,
                            "index %s on table %s is a %s index, which only %s has; %s cannot"
                            " make it",
                            ix->name, table, ix->method,
                            pw_dialect_name(pw_index_method_dialect(ix->method)),
                            pw_dialect_name(d));
    if (ix->condition != NULL && d == PW_DIALECT_MYSQL)
        return pw_error_set(err, PW_ERR_UNSUPPORTED, ix->name,
                            "index %s on table %s has a condition (a partial index), which mysql"
                            " cannot make",
                            ix->name, table);
    return 0;
}

/* The checks of check_column / check_index on everything op carries, plus
 * the names each kind needs. */
static int check_op(const pw_op *op, pw_dialect d, pw_error *err) {
    const char *kind = pw_op_kind_name(op->kind);
    if (op->kind == PW_OP_CREATE_MODEL) {
        if (op->model == NULL || op->model->name == NULL || op->model->name[0] == '\0')
            return pw_error_set(err, PW_ERR_INVALID, NULL, "create_model has no table");
        for (size_t i = 0; i < op->model->ncolumns; i++) {
            int rc = check_column(op->model->name, op->model->columns[i], d, err);
            if (rc) return rc;
        }
        for (size_t i = 0; i < op->model->nindexes; i++) {
            int rc = check_index(op->model->name, op->model->indexes[i], d, err);
            if (rc) return rc;
        }
        for (size_t i = 0; i < op->model->nchecks; i++) {
            int rc = pw_check_validate(op->model->checks[i], err);
            if (rc) return rc;
        }
        return 0;
    }
    if (op->table == NULL || op->table[0] == '\0')
        return pw_error_set(err, PW_ERR_INVALID, NULL, "%s has no table", kind);
    switch (op->kind) {
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        if (op->column == NULL)
            return pw_error_set(err, PW_ERR_INVALID, op->table, "%s on table %s has no column",
                                kind, op->table);
        {
            int rc = check_column(op->table, op->column, d, err);
            if (rc || op->fill.kind == PW_DEFAULT_NONE) return rc;
            pw_column probe = *op->column; /* the fill is checked as a default would be */
            probe.def = op->fill;
            memset(probe.generated, 0, sizeof probe.generated);
            return check_column(op->table, &probe, d, err);
        }
    case PW_OP_ADD_INDEX:
        return check_index(op->table, op->index, d, err);
    case PW_OP_ADD_CONSTRAINT:
        return pw_check_validate(op->check, err);
    case PW_OP_RENAME_MODEL:
        if (op->new_name == NULL || op->new_name[0] == '\0')
            return pw_error_set(err, PW_ERR_INVALID, op->table,
                                "rename_model of %s has no new name", op->table);
        return 0;
    case PW_OP_RENAME_FIELD:
        if (op->new_name == NULL || op->new_name[0] == '\0')
            return pw_error_set(err, PW_ERR_INVALID, op->table,
                                "rename_field on table %s has no new name", op->table);
        if (op->name == NULL || op->name[0] == '\0')
            return pw_error_set(err, PW_ERR_INVALID, op->table,
                                "rename_field on table %s has no old name", op->table);
        return 0;
    case PW_OP_REMOVE_FIELD:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_REMOVE_CONSTRAINT:
        if (op->name == NULL || op->name[0] == '\0')
            return pw_error_set(err, PW_ERR_INVALID, op->table, "%s on table %s has no name",
                                kind, op->table);
        return 0;
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return 0;
    }
    return 0;
}

static int render_dialect(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                          bool safe,
                          pw_strlist *out, pw_error *err);

/* A column becoming NOT NULL with a one-off fill for the rows that exist:
 *   ALTER_FIELD: the NULLs get the fill first, then the dialect's change;
 *   ADD_FIELD:   the column is added nullable, filled, then made NOT NULL
 *                (an ALTER_FIELD rendered against the table with the column).
 * The same on every dialect, so a table with rows takes the change. */
static int render_with_fill(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                            bool safe,
                            pw_strlist *out, pw_error *err) {
    int rc;
    pw_op plain = *op;
    memset(&plain.fill, 0, sizeof plain.fill);
    const char *schema = pw_sql_schema_of(before, NULL, op->table);
    if (op->kind == PW_OP_ALTER_FIELD) {
        if ((rc = pw_sql_fill_nulls(a, out, d, schema, op->table, op->column->name, &op->fill,
                                    err)))
            return rc;
        return render_dialect(a, before, &plain, d, safe, out, err);
    }
    if (op->kind != PW_OP_ADD_FIELD) return render_dialect(a, before, &plain, d, safe, out, err);
    long at = pw_schema_table_index(before, op->table);
    if (at < 0)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                            op->table);
    pw_column *loose = pw_column_copy(a, op->column);
    pw_schema *mid = pw_arena_alloc(a, sizeof *mid);
    pw_table **tables = pw_arena_calloc(a, before->ntables, sizeof *tables);
    if (loose == NULL || mid == NULL || tables == NULL)
        return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory while rendering SQL");
    loose->null = true;
    pw_op add = plain;
    add.column = loose;
    if ((rc = render_dialect(a, before, &add, d, safe, out, err))) return rc;
    if ((rc = pw_sql_fill_nulls(a, out, d, schema, op->table, op->column->name, &op->fill,
                                err)))
        return rc;
    /* the schema between the two steps: the table with the nullable column */
    memcpy(tables, before->tables, before->ntables * sizeof *tables);
    *mid = *before;
    mid->tables = tables;
    mid->captables = before->ntables;
    tables[at] = pw_table_copy(a, before->tables[at]);
    if (tables[at] == NULL)
        return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory while rendering SQL");
    if ((rc = pw_op_apply_table(a, tables[at], &add, err))) return rc;
    pw_op tighten = plain;
    tighten.kind = PW_OP_ALTER_FIELD;
    return render_dialect(a, mid, &tighten, d, safe, out, err);
}

int pw_sql_render_op(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                     pw_strlist *out, pw_error *err) {
    return pw_sql_render_op_safe(a, before, op, d, false, out, err);
}

size_t pw_sql_strip_algorithm(const char *stmt) {
    static const char *const tails[] = {", ALGORITHM=INSTANT", ", ALGORITHM=INPLACE, LOCK=NONE",
                                        " ALGORITHM=INPLACE LOCK=NONE"};
    size_t n = strlen(stmt);
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
        size_t k = strlen(tails[i]);
        if (n >= k && strcmp(stmt + n - k, tails[i]) == 0) return n - k;
    }
    return n;
}

int pw_sql_render_op_safe(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                          bool safe, pw_strlist *out, pw_error *err) {
    if ((int)d < 0 || d >= PW_DIALECT_COUNT)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "unknown SQL dialect %d", (int)d);
    if (op->kind == PW_OP_RUN_PYTHON) return 0;
    if (op->kind == PW_OP_RUN_SQL) {
        if (op->sql_forward == NULL)
            return pw_error_set(err, PW_ERR_INVALID, NULL, "run_sql has no forward SQL");
        /* nothing but white space: no statement (MySQL refuses an empty query) */
        if (op->sql_forward[strspn(op->sql_forward, " \t\r\n")] == '\0') return 0;
        char *s = pw_arena_strdup(a, op->sql_forward);
        if (s == NULL || pw_strlist_push(a, out, s) != 0)
            return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory while rendering SQL");
        return 0;
    }
    int rc = check_op(op, d, err);
    if (rc) return rc;
    /* a primary key cannot pass through a nullable step, a generated column
     * computes its values: they take no fill */
    if (op->fill.kind != PW_DEFAULT_NONE && op->column != NULL && !op->column->null &&
        !op->column->pk && op->column->generated[d] == NULL)
        return render_with_fill(a, before, op, d, safe, out, err);
    return render_dialect(a, before, op, d, safe, out, err);
}

/* The dialect's own rendering of a schema-changing op. */
static int render_dialect(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                          bool safe,
                          pw_strlist *out, pw_error *err) {
    switch (d) {
    case PW_DIALECT_SQLITE:
        return pw_sql_sqlite_render_op(a, before, op, out, err);
    case PW_DIALECT_POSTGRES:
        return pw_sql_postgres_render_op(a, before, op, out, safe, err);
    case PW_DIALECT_MYSQL:
        return pw_sql_mysql_render_op(a, before, op, out, safe, err);
    case PW_DIALECT_COUNT:
        break;
    }
    return pw_error_set(err, PW_ERR_INVALID, NULL, "unknown SQL dialect %d", (int)d);
}

int pw_sql_fill_nulls(pw_arena *a, pw_strlist *out, pw_dialect d, const char *schema,
                      const char *table, const char *column, const pw_default *def,
                      pw_error *err) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "UPDATE ");
    pw_sql_table(&sb, d, schema, table);
    pw_sb_append(&sb, " SET ");
    pw_sql_ident(&sb, d, column);
    pw_sb_append(&sb, " = ");
    pw_sql_default_value(&sb, d, def);
    pw_sb_append(&sb, " WHERE ");
    pw_sql_ident(&sb, d, column);
    pw_sb_append(&sb, " IS NULL");
    return pw_sql_push(a, out, &sb, err);
}

int pw_sql_rctx_push(pw_sql_rctx *r) { return pw_sql_push(r->a, r->out, &r->sb, r->err); }

int pw_sql_rctx_nomem(pw_sql_rctx *r) {
    return pw_error_set(r->err, PW_ERR_NOMEM, NULL, "out of memory while rendering SQL");
}

const char *pw_sql_rctx_schema(const pw_sql_rctx *r, const char *table) {
    return pw_sql_schema_of(r->before, r->subject, table);
}

void pw_sql_rctx_table(pw_sql_rctx *r, pw_dialect d, const char *table) {
    pw_sql_table(&r->sb, d, pw_sql_rctx_schema(r, table), table);
}

void pw_sql_rctx_alter(pw_sql_rctx *r, pw_dialect d, const char *table) {
    pw_sb_append(&r->sb, "ALTER TABLE ");
    pw_sql_rctx_table(r, d, table);
    pw_sb_append_char(&r->sb, ' ');
}

int pw_sql_check_constraint_op(pw_sql_rctx *r, pw_dialect d, const pw_table *t,
                               const pw_op *op) {
    if (op->kind == PW_OP_REMOVE_CONSTRAINT && pw_table_find_check(t, op->name) == NULL)
        return pw_error_set(r->err, PW_ERR_NOT_FOUND, op->name,
                            "check constraint %s of table %s does not exist", op->name, t->name);
    pw_sql_rctx_alter(r, d, t->name);
    if (op->kind == PW_OP_ADD_CONSTRAINT) {
        pw_sb_append(&r->sb, "ADD ");
        pw_sql_check_clause(&r->sb, d, op->check);
    } else {
        pw_sb_append(&r->sb, "DROP CONSTRAINT ");
        pw_sql_ident(&r->sb, d, op->name);
    }
    return pw_sql_rctx_push(r);
}

int pw_sql_rename_object(pw_sql_rctx *r, pw_dialect d, const char *table, const char *what,
                         const char *from, const char *to) {
    if (strcmp(from, to) == 0) return 0;
    pw_sql_rctx_alter(r, d, table);
    pw_sb_append(&r->sb, "RENAME ");
    pw_sb_append(&r->sb, what);
    pw_sb_append_char(&r->sb, ' ');
    pw_sql_ident(&r->sb, d, from);
    pw_sb_append(&r->sb, " TO ");
    pw_sql_ident(&r->sb, d, to);
    return pw_sql_rctx_push(r);
}

int pw_sql_rename_unique(pw_sql_rctx *r, pw_dialect d, const char *what, const pw_column *c,
                         const char *old_table, const char *new_table, const char *new_col) {
    if (!pw_column_own_unique(c) || c->unique_name != NULL) return 0;
    const char *from = pw_sql_unique_name(r->a, old_table, c->name);
    const char *to = pw_sql_unique_name(r->a, new_table, new_col);
    if (from == NULL || to == NULL) return pw_sql_rctx_nomem(r);
    return pw_sql_rename_object(r, d, new_table, what, from, to);
}

const char *pw_sql_column_unique_name(pw_arena *a, const char *table, const pw_column *c) {
    return c->unique_name != NULL ? c->unique_name : pw_sql_unique_name(a, table, c->name);
}

bool pw_sql_fk_renamed_only(const pw_fk *x, const pw_fk *y) {
    return x->table != NULL && y->table != NULL && !pw_str_eq(x->name, y->name) &&
           pw_str_eq(x->table, y->table) && pw_str_eq(x->column, y->column) &&
           x->on_delete == y->on_delete;
}
