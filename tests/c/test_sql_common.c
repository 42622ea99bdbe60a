/*
 * test_sql_common.c - tests of sql.c: identifier quoting, string literals,
 * DEFAULT values, unique constraint names, the shared building blocks, and
 * pw_sql_render_op's own work (RUN_SQL, RUN_PYTHON, the checks before the
 * dialect renderers, the dispatch to them).
 */
#include <limits.h>
#include <math.h>

#include "build.h"
#include "pw_test.h"
#include "sql.h"

/* The text pw_sql_ident appends for name. */
static const char *qi(pw_arena *a, pw_dialect d, const char *name) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sql_ident(&sb, d, name);
    return pw_sb_cstr(&sb);
}

/* The text pw_sql_string_literal appends for s. */
static const char *lit(pw_arena *a, pw_dialect d, const char *s) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sql_string_literal(&sb, d, s);
    return pw_sb_cstr(&sb);
}

/* The text pw_sql_default_value appends for def. */
static const char *dv(pw_arena *a, pw_dialect d, pw_default def) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sql_default_value(&sb, d, &def);
    return pw_sb_cstr(&sb);
}

static pw_default dint(long long i) { return (pw_default){.kind = PW_DEFAULT_INT, .i = i}; }
static pw_default dfloat(double f) { return (pw_default){.kind = PW_DEFAULT_FLOAT, .f = f}; }
static pw_default dbool(long long i) { return (pw_default){.kind = PW_DEFAULT_BOOL, .i = i}; }
static pw_default dstr(const char *s) { return (pw_default){.kind = PW_DEFAULT_STRING, .s = s}; }
static pw_default dexpr(const char *s) { return (pw_default){.kind = PW_DEFAULT_EXPR, .s = s}; }

TEST(test_sql_ident_double_quote_dialects) {
    pw_arena *a = pw_arena_new();
    for (int i = 0; i < 2; i++) {
        pw_dialect d = i == 0 ? PW_DIALECT_POSTGRES : PW_DIALECT_SQLITE;
        CHECK_STR(qi(a, d, "users"), "\"users\"");
        CHECK_STR(qi(a, d, "order"), "\"order\"");
        CHECK_STR(qi(a, d, "user"), "\"user\"");
        CHECK_STR(qi(a, d, "first name"), "\"first name\"");
        CHECK_STR(qi(a, d, "we\"ird"), "\"we\"\"ird\"");
        CHECK_STR(qi(a, d, "\""), "\"\"\"\"");
        CHECK_STR(qi(a, d, "\"\"x\""), "\"\"\"\"\"x\"\"\"");
        CHECK_STR(qi(a, d, "back`tick"), "\"back`tick\"");
        CHECK_STR(qi(a, d, "it's"), "\"it's\"");
        CHECK_STR(qi(a, d, "a\\b"), "\"a\\b\"");
        CHECK_STR(qi(a, d, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");
        CHECK_STR(qi(a, d, ""), "\"\"");
    }
    pw_arena_free(a);
}

TEST(test_sql_ident_mysql_backticks) {
    pw_arena *a = pw_arena_new();
    pw_dialect d = PW_DIALECT_MYSQL;
    CHECK_STR(qi(a, d, "users"), "`users`");
    CHECK_STR(qi(a, d, "order"), "`order`");
    CHECK_STR(qi(a, d, "first name"), "`first name`");
    CHECK_STR(qi(a, d, "back`tick"), "`back``tick`");
    CHECK_STR(qi(a, d, "``"), "``````");
    CHECK_STR(qi(a, d, "we\"ird"), "`we\"ird`");
    CHECK_STR(qi(a, d, "it's"), "`it's`");
    CHECK_STR(qi(a, d, "x`"), "`x```");
    pw_arena_free(a);
}

TEST(test_sql_string_literal_standard) {
    pw_arena *a = pw_arena_new();
    for (int i = 0; i < 2; i++) {
        pw_dialect d = i == 0 ? PW_DIALECT_POSTGRES : PW_DIALECT_SQLITE;
        CHECK_STR(lit(a, d, ""), "''");
        CHECK_STR(lit(a, d, "plain"), "'plain'");
        CHECK_STR(lit(a, d, "it's"), "'it''s'");
        CHECK_STR(lit(a, d, "'"), "''''");
        CHECK_STR(lit(a, d, "''"), "''''''");
        CHECK_STR(lit(a, d, "'start and end'"), "'''start and end'''");
        /* backslashes are ordinary characters with standard_conforming_strings */
        CHECK_STR(lit(a, d, "C:\\dir\\"), "'C:\\dir\\'");
        CHECK_STR(lit(a, d, "\\'"), "'\\'''");
        CHECK_STR(lit(a, d, "say \"hi\""), "'say \"hi\"'");
        CHECK_STR(lit(a, d, "line1\nline2\r\n\tend"), "'line1\nline2\r\n\tend'");
        CHECK_STR(lit(a, d, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
                  "'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'");
        CHECK_STR(lit(a, d, "--; DROP TABLE x; /*"), "'--; DROP TABLE x; /*'");
        CHECK_STR(lit(a, d, "`tick`"), "'`tick`'");
    }
    pw_arena_free(a);
}

TEST(test_sql_string_literal_mysql) {
    pw_arena *a = pw_arena_new();
    pw_dialect d = PW_DIALECT_MYSQL;
    CHECK_STR(lit(a, d, ""), "''");
    CHECK_STR(lit(a, d, "it's"), "'it''s'");
    CHECK_STR(lit(a, d, "\\"), "'\\\\'");
    CHECK_STR(lit(a, d, "C:\\dir\\"), "'C:\\\\dir\\\\'");
    /* a backslash before a quote must not escape the doubled quote */
    CHECK_STR(lit(a, d, "\\'"), "'\\\\'''");
    CHECK_STR(lit(a, d, "'\\"), "'''\\\\'");
    CHECK_STR(lit(a, d, "\\\\n"), "'\\\\\\\\n'");
    CHECK_STR(lit(a, d, "say \"hi\""), "'say \"hi\"'");
    CHECK_STR(lit(a, d, "line1\nline2\r\n\tend"), "'line1\nline2\r\n\tend'");
    CHECK_STR(lit(a, d, "\xc3\xa9\xe2\x82\xac"), "'\xc3\xa9\xe2\x82\xac'");
    CHECK_STR(lit(a, d, "%_"), "'%_'");
    /* NUL cannot occur: a C string ends there, so nothing after it is written */
    CHECK_STR(lit(a, d, "ab\0cd"), "'ab'");
    pw_arena_free(a);
}

TEST(test_sql_default_numbers_and_bools) {
    pw_arena *a = pw_arena_new();
    pw_dialect all[] = {PW_DIALECT_SQLITE, PW_DIALECT_POSTGRES, PW_DIALECT_MYSQL};
    for (int i = 0; i < 3; i++) {
        pw_dialect d = all[i];
        CHECK_STR(dv(a, d, (pw_default){.kind = PW_DEFAULT_NONE}), "");
        CHECK_STR(dv(a, d, dint(0)), "0");
        CHECK_STR(dv(a, d, dint(-42)), "-42");
        CHECK_STR(dv(a, d, dint(LLONG_MAX)), "9223372036854775807");
        CHECK_STR(dv(a, d, dint(LLONG_MIN)), "-9223372036854775808");
        CHECK_STR(dv(a, d, dfloat(1.0)), "1");
        CHECK_STR(dv(a, d, dfloat(0.1)), "0.1");
        CHECK_STR(dv(a, d, dfloat(-2.5)), "-2.5");
        CHECK_STR(dv(a, d, dfloat(1e300)), "1e+300");
        /* the fewest digits that read back as the same double */
        CHECK_STR(dv(a, d, dfloat(0.1 + 0.2)), "0.30000000000000004");
        CHECK_STR(dv(a, d, dfloat(1.0 / 3.0)), "0.3333333333333333");
        CHECK_STR(dv(a, d, dfloat(2.0 / 3.0)), "0.6666666666666666");
        CHECK_STR(dv(a, d, dfloat(1.7976931348623157e308)), "1.7976931348623157e+308");
        CHECK_STR(dv(a, d, dfloat(-0.0)), "-0");
        CHECK_STR(dv(a, d, dexpr("CURRENT_TIMESTAMP")), "CURRENT_TIMESTAMP");
    }
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dbool(1)), "TRUE");
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dbool(0)), "FALSE");
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, dbool(1)), "1");
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, dbool(0)), "0");
    CHECK_STR(dv(a, PW_DIALECT_MYSQL, dbool(1)), "1");
    CHECK_STR(dv(a, PW_DIALECT_MYSQL, dbool(0)), "0");
    pw_arena_free(a);
}

TEST(test_sql_default_strings_and_exprs) {
    pw_arena *a = pw_arena_new();
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dstr("it's \\ ok")), "'it''s \\ ok'");
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, dstr("it's \\ ok")), "'it''s \\ ok'");
    CHECK_STR(dv(a, PW_DIALECT_MYSQL, dstr("it's \\ ok")), "'it''s \\\\ ok'");
    CHECK_STR(dv(a, PW_DIALECT_MYSQL, dstr("")), "''");
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, dexpr("(datetime('now'))")), "(datetime('now'))");
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dexpr("now()")), "now()");
    pw_arena_free(a);
}

/* An expression default spelled per dialect (Tortoise's Now() is
 * CURRENT_TIMESTAMP(6) on MySQL): each dialect renders its own text, copies keep
 * it, equality compares the text of every dialect, and each is checked. */
TEST(test_sql_default_expr_per_dialect) {
    pw_arena *a = pw_arena_new();
    pw_default now = dexpr("CURRENT_TIMESTAMP");
    now.dialect_s[PW_DIALECT_MYSQL] = "CURRENT_TIMESTAMP(6)";
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, now), "CURRENT_TIMESTAMP");
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, now), "CURRENT_TIMESTAMP");
    CHECK_STR(dv(a, PW_DIALECT_MYSQL, now), "CURRENT_TIMESTAMP(6)");
    pw_default plain = dexpr("CURRENT_TIMESTAMP");
    CHECK(!pw_default_equal(&now, &plain));
    pw_default spelled = plain;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) spelled.dialect_s[d] = "CURRENT_TIMESTAMP";
    CHECK(pw_default_equal(&plain, &spelled));
    pw_column *c = tb_column(a, "at", "TIMESTAMP");
    c->def = now;
    pw_column *copy = pw_column_copy(a, c);
    CHECK(copy != NULL && copy->def.dialect_s[PW_DIALECT_MYSQL] != now.dialect_s[PW_DIALECT_MYSQL]);
    CHECK(pw_column_equal(c, copy));
    CHECK(pw_default_expr_is_safe(&now));
    now.dialect_s[PW_DIALECT_POSTGRES] = "now(); DROP TABLE t";
    CHECK(!pw_default_expr_is_safe(&now));
    /* rendering checks only the dialect it renders */
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    tb_pk(a, tb_table(a, s, "t"));
    c->def = now;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "t");
    op.column = c;
    pw_strlist out = {0};
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), 0);
    CHECK_STR(out.items[0], "ALTER TABLE `t` ADD COLUMN `at` TIMESTAMP NOT NULL DEFAULT "
                            "CURRENT_TIMESTAMP(6)");
    pw_arena_free(a);
}

TEST(test_sql_default_non_finite_floats) {
    pw_arena *a = pw_arena_new();
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dfloat(INFINITY)), "'Infinity'");
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dfloat(-INFINITY)), "'-Infinity'");
    CHECK_STR(dv(a, PW_DIALECT_POSTGRES, dfloat(NAN)), "'NaN'");
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, dfloat(INFINITY)), "9e999");
    CHECK_STR(dv(a, PW_DIALECT_SQLITE, dfloat(-INFINITY)), "-9e999");
    pw_arena_free(a);
}

TEST(test_sql_unique_name) {
    pw_arena *a = pw_arena_new();
    CHECK_STR(pw_sql_unique_name(a, "users", "email"), "users_email_key");
    CHECK_STR(pw_sql_unique_name(a, "order", "user"), "order_user_key");
    CHECK_STR(pw_sql_unique_name(a, "we\"ird", "co`l"), "we\"ird_co`l_key");
    /* exactly 63 bytes: kept as is */
    const char *n63 = pw_sql_unique_name(a, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                         "bbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    CHECK_STR(n63, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbb_key");
    CHECK_INT(strlen(n63), 63);
    /* 64 bytes: 54-byte prefix, '_', FNV-1a of the full name */
    const char *n64 = pw_sql_unique_name(a, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                                         "bbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    CHECK_STR(n64, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbb_236912a6");
    CHECK_INT(strlen(n64), 63);
    CHECK_STR(pw_sql_unique_name(a, "tttttttttttttttttttttttttttttttttttttttt",
                                 "column_with_long_name_x"),
              "tttttttttttttttttttttttttttttttttttttttt_column_with_l_05d44859");
    /* deterministic */
    CHECK_STR(pw_sql_unique_name(a, "tttttttttttttttttttttttttttttttttttttttt",
                                 "column_with_long_name_x"),
              "tttttttttttttttttttttttttttttttttttttttt_column_with_l_05d44859");
    pw_arena_free(a);
}

TEST(test_sql_unique_name_utf8_boundary) {
    pw_arena *a = pw_arena_new();
    /* 'a' + 30 x U+00E9: byte 54 is inside a character, so the prefix stops at 53 */
    char table[64] = "a";
    for (int i = 0; i < 30; i++) strcat(table, "\xc3\xa9");
    char want[80] = "a";
    for (int i = 0; i < 26; i++) strcat(want, "\xc3\xa9");
    strcat(want, "_7f881fea");
    const char *n = pw_sql_unique_name(a, table, "c");
    CHECK_STR(n, want);
    CHECK_INT(strlen(n), 62);
    pw_arena_free(a);
}

TEST(test_sql_ident_list_and_fk_clause) {
    pw_arena *a = pw_arena_new();
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    const char *cols[] = {"a", "b\"c", "d`e"};
    pw_sql_ident_list(&sb, PW_DIALECT_POSTGRES, cols, 3);
    CHECK_STR(pw_sb_cstr(&sb), "\"a\", \"b\"\"c\", \"d`e\"");
    pw_sb_reset(&sb);
    pw_sql_ident_list(&sb, PW_DIALECT_MYSQL, cols, 3);
    CHECK_STR(pw_sb_cstr(&sb), "`a`, `b\"c`, `d``e`");
    pw_sb_reset(&sb);
    pw_sql_ident_list(&sb, PW_DIALECT_MYSQL, cols, 0);
    CHECK_STR(pw_sb_cstr(&sb), "");

    pw_fk fk = {.name = "fk_x", .table = "user", .column = "id", .on_delete = PW_FK_SET_NULL};
    pw_sb_reset(&sb);
    pw_sql_fk_clause(&sb, PW_DIALECT_POSTGRES, "owner", &fk, NULL);
    CHECK_STR(pw_sb_cstr(&sb), "CONSTRAINT \"fk_x\" FOREIGN KEY (\"owner\") REFERENCES \"user\" "
                               "(\"id\") ON DELETE SET NULL");
    pw_sb_reset(&sb);
    fk.on_delete = PW_FK_NO_ACTION;
    pw_sql_fk_clause(&sb, PW_DIALECT_MYSQL, "owner", &fk, NULL);
    CHECK_STR(pw_sb_cstr(&sb),
              "CONSTRAINT `fk_x` FOREIGN KEY (`owner`) REFERENCES `user` (`id`) ON DELETE NO "
              "ACTION");
    pw_sb_reset(&sb);
    pw_sql_fk_clause(&sb, PW_DIALECT_MYSQL, "owner", &fk, "crm");
    CHECK_STR(pw_sb_cstr(&sb),
              "CONSTRAINT `fk_x` FOREIGN KEY (`owner`) REFERENCES `crm`.`user` (`id`) ON DELETE "
              "NO ACTION");
    /* SQLite has no schemas: the bare name */
    pw_sb_reset(&sb);
    pw_sql_table(&sb, PW_DIALECT_SQLITE, "crm", "user");
    CHECK_STR(pw_sb_cstr(&sb), "\"user\"");
    pw_sb_reset(&sb);
    pw_sql_table(&sb, PW_DIALECT_POSTGRES, "c\"rm", "user");
    CHECK_STR(pw_sb_cstr(&sb), "\"c\"\"rm\".\"user\"");
    const char *actions[] = {"CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION"};
    for (int i = 0; i < 5; i++) {
        pw_sb_reset(&sb);
        fk.on_delete = (pw_fk_action)i;
        pw_sql_fk_clause(&sb, PW_DIALECT_SQLITE, "o", &fk, NULL);
        const char *s = pw_sb_cstr(&sb);
        const char *tail = strstr(s, "ON DELETE ");
        CHECK(tail != NULL);
        CHECK_STR(tail + 10, actions[i]);
    }
    pw_arena_free(a);
}

TEST(test_sql_push) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_strlist out = {0};
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "SELECT 1");
    CHECK_INT(pw_sql_push(a, &out, &sb, &err), 0);
    CHECK_STR(pw_sb_cstr(&sb), "");
    pw_sb_append(&sb, "SELECT 2");
    CHECK_INT(pw_sql_push(a, &out, &sb, &err), 0);
    CHECK_INT(out.len, 2);
    CHECK_STR(out.items[0], "SELECT 1");
    CHECK_STR(out.items[1], "SELECT 2");
    sb.failed = 1; /* as after an allocation failure */
    CHECK_INT(pw_sql_push(a, &out, &sb, &err), PW_ERR_NOMEM);
    CHECK_INT(err.code, PW_ERR_NOMEM);
    CHECK_INT(out.len, 2);
    pw_arena_free(a);
}

TEST(test_sql_render_run_sql_and_python) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    char forward[] = "UPDATE t SET x = 1; UPDATE t SET y = 2";
    pw_op op = tb_op(PW_OP_RUN_SQL, NULL);
    op.sql_forward = forward;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        pw_strlist out = {0};
        CHECK_INT(pw_sql_render_op(a, s, &op, (pw_dialect)d, &out, &err), 0);
        CHECK_INT(out.len, 1);
        CHECK_STR(out.items[0], "UPDATE t SET x = 1; UPDATE t SET y = 2");
        CHECK(out.items[0] != forward); /* an arena copy */
    }
    pw_op py = tb_op(PW_OP_RUN_PYTHON, NULL);
    py.reversible = true;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        pw_strlist out = {0};
        CHECK_INT(pw_sql_render_op(a, s, &py, (pw_dialect)d, &out, &err), 0);
        CHECK_INT(out.len, 0);
    }
    pw_op bad = tb_op(PW_OP_RUN_SQL, NULL);
    pw_strlist out = {0};
    CHECK_INT(pw_sql_render_op(a, s, &bad, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    CHECK(strstr(err.message, "run_sql") != NULL);
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_sql_render_rejects_unsafe_text) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "t");
    tb_pk(a, t);
    pw_strlist out = {0};
    pw_column *c = tb_column(a, "c", "INT");
    c->type[PW_DIALECT_MYSQL] = "INT; DROP TABLE t";
    pw_op op = tb_op(PW_OP_ADD_FIELD, "t");
    op.column = c;
    /* only the dialect being rendered matters */
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "t.c");
    CHECK(strstr(err.message, "mysql") != NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), 0);
    CHECK_INT(out.len, 1);

    pw_column *e = tb_column(a, "e", "TEXT");
    e->def = dexpr("1; DROP TABLE t");
    op.column = e;
    out.len = 0;
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "t.e");
    e->def = dexpr(NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    e->def = dstr(NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    CHECK_INT(out.len, 0);

    /* CREATE_MODEL checks every column */
    pw_table *m = tb_table(a, NULL, "m");
    tb_pk(a, m);
    tb_col(a, m, "x", "VARCHAR(10)\"");
    pw_op cm = tb_op(PW_OP_CREATE_MODEL, NULL);
    cm.model = m;
    CHECK_INT(pw_sql_render_op(a, s, &cm, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "m.x");
    pw_arena_free(a);
}

TEST(test_sql_render_rejects_incomplete_ops) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "t");
    tb_pk(a, t);
    pw_strlist out = {0};

    pw_column *c = tb_fk(a, tb_table(a, NULL, "scratch"), "owner_id", "t");
    c->fk.name = NULL;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "t");
    op.column = c;
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "t.owner_id");

    op = tb_op(PW_OP_ADD_FIELD, "t");
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    op = tb_op(PW_OP_RENAME_MODEL, "t");
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    op = tb_op(PW_OP_RENAME_FIELD, "t");
    op.new_name = "x";
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), PW_ERR_INVALID);
    op = tb_op(PW_OP_REMOVE_INDEX, "t");
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), PW_ERR_INVALID);
    op = tb_op(PW_OP_DELETE_MODEL, NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    op = tb_op(PW_OP_CREATE_MODEL, NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);

    pw_index *ix = tb_index(a, NULL, "ix", false, "id");
    ix->ncolumns = 0;
    op = tb_op(PW_OP_ADD_INDEX, "t");
    op.index = ix;
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "ix");
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_sql_render_float_defaults_per_dialect) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "t");
    tb_pk(a, t);
    pw_column *c = tb_column(a, "f", "DOUBLE PRECISION");
    pw_op op = tb_op(PW_OP_ADD_FIELD, "t");
    op.column = c;
    pw_strlist out = {0};

    c->def = dfloat(NAN);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), PW_ERR_UNSUPPORTED);
    CHECK_STR(err.path, "t.f");
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_SQLITE, &out, &err), PW_ERR_UNSUPPORTED);
    CHECK_INT(out.len, 0);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), 0);
    CHECK_STR(out.items[0],
              "ALTER TABLE \"t\" ADD COLUMN \"f\" DOUBLE PRECISION NOT NULL DEFAULT 'NaN'");

    c->def = dfloat(-INFINITY);
    out.len = 0;
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &out, &err), PW_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "infinite") != NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &out, &err), 0);
    CHECK_STR(out.items[0],
              "ALTER TABLE \"t\" ADD COLUMN \"f\" DOUBLE PRECISION NOT NULL DEFAULT '-Infinity'");
    pw_arena_free(a);
}

TEST(test_sql_render_dispatches_by_dialect) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    tb_pk(a, tb_table(a, s, "order"));
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "order");
    pw_strlist pg = {0}, my = {0}, lite = {0};
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_POSTGRES, &pg, &err), 0);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_MYSQL, &my, &err), 0);
    CHECK_INT(pg.len, 1);
    CHECK_INT(my.len, 1);
    CHECK_STR(pg.items[0], "DROP TABLE \"order\"");
    CHECK_STR(my.items[0], "DROP TABLE `order`");
    /* sqlite has its own renderer; it must at least be reached and quote the name */
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_SQLITE, &lite, &err), 0);
    CHECK(lite.len >= 1);
    CHECK(strstr(lite.items[lite.len - 1], "\"order\"") != NULL);
    CHECK_INT(pw_sql_render_op(a, s, &op, PW_DIALECT_COUNT, &pg, &err), PW_ERR_INVALID);
    CHECK_INT(pg.len, 1);
    pw_arena_free(a);
}
