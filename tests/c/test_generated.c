/*
 * test_generated.c - tests of generated columns through every layer that
 * handles them: checks and equality (schema.c), each dialect's statements for
 * making, adding and changing one (sql_*.c), the diff (diff.c) and the
 * comparison with a catalog (compare.c).
 */
#include "build.h"
#include "compare.h"
#include "diff.h"
#include "pw_test.h"
#include "sql.h"

#define SL PW_DIALECT_SQLITE
#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL

#define GEN_PG "GENERATED ALWAYS AS (TO_TSVECTOR(COALESCE(\"title\", ''))) STORED"
#define GEN_SUM "GENERATED ALWAYS AS (\"qty\" * \"price\") STORED"

/* lines(id, qty, price, total) with total generated on every dialect and an
 * index on it. */
static pw_schema *lines(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "lines");
    tb_pk(a, t);
    tb_col(a, t, "qty", "INT");
    tb_col(a, t, "price", "INT");
    pw_column *c = tb_col(a, t, "total", "INT");
    c->null = true;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) c->generated[d] = GEN_SUM;
    tb_index(a, t, "idx_lines_total", false, "total");
    return s;
}

static pw_column *total(pw_arena *a, const char *pg, const char *other) {
    pw_column *c = tb_column(a, "total", "INT");
    c->null = true;
    c->generated[SL] = other;
    c->generated[PG] = pg;
    c->generated[MY] = other;
    return c;
}

TEST(test_generated_check) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = lines(a);
    CHECK_INT(pw_schema_check(s, &err), 0);
    pw_column *c = pw_table_find_column(pw_schema_find_table(s, "lines"), "total");
    CHECK(pw_column_is_generated(c));
    c->generated[MY] = "GENERATED ALWAYS AS (1); DROP TABLE x";
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "lines.total");
    CHECK(strstr(err.message, "generated clause for mysql") != NULL);
    c->generated[MY] = GEN_SUM;
    c->def.kind = PW_DEFAULT_INT;
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK(strstr(err.message, "cannot be the primary key or have a default") != NULL);
    c->def.kind = PW_DEFAULT_NONE;
    /* the clause is part of the column */
    pw_column *x = pw_column_copy(a, c);
    CHECK(pw_column_equal(x, c));
    x->generated[PG] = NULL;
    CHECK(!pw_column_equal(x, c));
    CHECK(pw_column_is_generated(x));
    pw_arena_free(a);
}

TEST(test_generated_create_and_add) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = lines(a);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, "lines");
    op.model = pw_schema_find_table(s, "lines");
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, PG, &rc, &err),
              "CREATE TABLE \"lines\" (\n    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"qty\" INT NOT NULL,\n    \"price\" INT NOT NULL,\n"
              "    \"total\" INT " GEN_SUM "\n);\n"
              "CREATE INDEX \"idx_lines_total\" ON \"lines\" (\"total\");\n");
    const char *my = tb_sql(a, pw_schema_new(a), &op, MY, &rc, &err);
    CHECK(my != NULL && strstr(my, "`total` INT " GEN_SUM ",") != NULL);
    const char *sl = tb_sql(a, pw_schema_new(a), &op, SL, &rc, &err);
    CHECK(sl != NULL && strstr(sl, "\"total\" INT " GEN_SUM ")") != NULL);
    /* adding one: SQLite's ADD COLUMN makes no STORED column, so a rebuild,
     * which does not copy into it */
    pw_table *t = pw_schema_find_table(s, "lines");
    pw_table_remove_index_at(t, 0);
    pw_table_remove_column_at(t, 3);
    op = tb_op(PW_OP_ADD_FIELD, "lines");
    op.column = total(a, GEN_SUM, GEN_SUM);
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"lines\" ADD COLUMN \"total\" INT " GEN_SUM ";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `lines` ADD COLUMN `total` INT " GEN_SUM ";\n");
    sl = tb_sql(a, s, &op, SL, &rc, &err);
    CHECK(sl != NULL);
    CHECK(strstr(sl, "CREATE TABLE \"__pw_new_lines\"") != NULL);
    CHECK(strstr(sl, "INSERT INTO \"__pw_new_lines\" (\"id\", \"qty\", \"price\") SELECT") !=
          NULL);
    /* generated on one dialect only: a plain column elsewhere */
    op.column = total(a, GEN_PG, NULL);
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `lines` ADD COLUMN `total` INT NULL;\n");
    CHECK_STR(tb_sql(a, s, &op, SL, &rc, &err),
              "ALTER TABLE \"lines\" ADD COLUMN \"total\" INT;\n");
    pw_arena_free(a);
}

TEST(test_generated_alter) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = lines(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "lines");
    /* a new expression: PostgreSQL makes the column again, its index around it */
    op.column = total(a, "GENERATED ALWAYS AS (\"qty\" + 1) STORED",
                      "GENERATED ALWAYS AS (\"qty\" + 1) STORED");
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "DROP INDEX IF EXISTS \"idx_lines_total\";\n"
              "ALTER TABLE \"lines\" DROP COLUMN \"total\";\n"
              "ALTER TABLE \"lines\" ADD COLUMN \"total\" INT GENERATED ALWAYS AS (\"qty\" + 1) "
              "STORED;\n"
              "CREATE INDEX \"idx_lines_total\" ON \"lines\" (\"total\");\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `lines` MODIFY COLUMN `total` INT GENERATED ALWAYS AS (\"qty\" + 1) "
              "STORED;\n");
    const char *sl = tb_sql(a, s, &op, SL, &rc, &err);
    CHECK(sl != NULL && strstr(sl, "__pw_new_lines") != NULL);
    /* generated to plain keeps the values: DROP EXPRESSION, MODIFY, a rebuild
     * that copies the column */
    op.column = total(a, NULL, NULL);
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"lines\" ALTER COLUMN \"total\" DROP EXPRESSION;\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `lines` MODIFY COLUMN `total` INT NULL;\n");
    sl = tb_sql(a, s, &op, SL, &rc, &err);
    CHECK(sl != NULL);
    CHECK(strstr(sl, "(\"id\", \"qty\", \"price\", \"total\") SELECT") != NULL);
    /* an index that names the column in its condition is made again too; one
     * that does not is left alone */
    pw_table *t = pw_schema_find_table(s, "lines");
    pw_index *p = tb_index(a, t, "idx_lines_qty", false, "qty");
    p->condition = "\"total\" > 0";
    tb_index(a, t, "idx_lines_price", false, "price");
    op.column = total(a, GEN_PG, NULL);
    const char *pg = tb_sql(a, s, &op, PG, &rc, &err);
    CHECK(pg != NULL);
    CHECK(strstr(pg, "DROP INDEX IF EXISTS \"idx_lines_qty\"") != NULL);
    CHECK(strstr(pg, "CREATE INDEX \"idx_lines_qty\" ON \"lines\" (\"qty\") WHERE \"total\" > 0")
          != NULL);
    CHECK(strstr(pg, "idx_lines_price") == NULL);
    pw_arena_free(a);
}

/* A change of the clause on any dialect is an ALTER_FIELD the diff finds and
 * whose application reaches the target. */
TEST(test_generated_diff) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *from = lines(a);
    pw_schema *to = pw_schema_copy(a, from);
    pw_table_find_column(pw_schema_find_table(to, "lines"), "total")->generated[PG] = GEN_PG;
    pw_oplist ops;
    CHECK_INT(pw_diff(a, from, to, NULL, NULL, &ops, &err), 0);
    CHECK_INT((long)ops.len, 1);
    CHECK(ops.items[0].kind == PW_OP_ALTER_FIELD);
    CHECK_STR(ops.items[0].column->generated[PG], GEN_PG);
    CHECK_INT(pw_ops_apply_all(a, from, ops.items, ops.len, &err), 0);
    CHECK_INT(pw_diff(a, from, to, NULL, NULL, &ops, &err), 0);
    CHECK_INT((long)ops.len, 0);
    pw_arena_free(a);
}

/* A catalog spells the expression its own way: generated in both compares
 * equal, generated on one side only is a difference. */
TEST(test_generated_compare) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *exp = lines(a);
    pw_schema *live = pw_schema_copy(a, exp);
    pw_column *lc = pw_table_find_column(pw_schema_find_table(live, "lines"), "total");
    for (int d = 0; d < PW_DIALECT_COUNT; d++) lc->generated[d] = NULL;
    lc->generated[PG] = "GENERATED ALWAYS AS ((qty * price)) STORED";
    pw_difflist out;
    pw_oplist fix;
    CHECK_INT(pw_compare(a, live, exp, PG, NULL, 0, &out, &fix, NULL, &err), 0);
    CHECK_INT((long)out.len, 0);
    CHECK_INT((long)fix.len, 0);
    lc->generated[PG] = NULL;
    CHECK_INT(pw_compare(a, live, exp, PG, NULL, 0, &out, &fix, NULL, &err), 0);
    CHECK_INT((long)out.len, 1);
    CHECK_STR(out.items[0].message,
              "lines.total: a plain column in the database, " GEN_SUM " in the migrations");
    CHECK_INT((long)fix.len, 1);
    CHECK(fix.items[0].kind == PW_OP_ALTER_FIELD);
    pw_arena_free(a);
}
