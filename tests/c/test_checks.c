/*
 * test_checks.c - tests of check constraints through every layer that
 * handles them: validation and equality (schema.c), ADD_CONSTRAINT and
 * REMOVE_CONSTRAINT applied and reversed (ops.c), found by the diff
 * (diff.c), each dialect's statements (sql_*.c) and the comparison with a
 * catalog (compare.c).
 */
#include "build.h"
#include "compare.h"
#include "diff.h"
#include "pw_test.h"
#include "sql.h"

#define SL PW_DIALECT_SQLITE
#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL

static pw_check *check(pw_arena *a, const char *name, const char *cond) {
    pw_check *c = pw_arena_alloc(a, sizeof *c);
    c->name = name;
    c->check = cond;
    return c;
}

/* item(id, price, qty) with the check price_positive. */
static pw_schema *items(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "item");
    tb_pk(a, t);
    tb_col(a, t, "price", "INT");
    tb_col(a, t, "qty", "INT");
    pw_error err;
    pw_table_add_check(a, t, check(a, "price_positive", "price > 0"), &err);
    return s;
}

TEST(test_check_validation) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = items(a);
    CHECK_INT(pw_schema_check(s, &err), 0);
    pw_table *t = pw_schema_find_table(s, "item");
    CHECK(pw_table_find_check(t, "price_positive") != NULL);
    pw_table_add_check(a, t, check(a, "price_positive", "qty > 0"), &err);
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK(strstr(err.message, "appears twice") != NULL);
    t->checks[1]->name = "bad";
    t->checks[1]->check = "1); DROP TABLE item; --";
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "bad");
    /* copies and equality */
    pw_table_remove_check_at(t, 1);
    pw_table *c = pw_table_copy(a, t);
    CHECK(pw_table_equal(c, t));
    c->checks[0]->check = "price >= 0";
    CHECK(!pw_table_equal(c, t));
    pw_arena_free(a);
}

TEST(test_check_ops_apply_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = items(a);
    pw_op add = tb_op(PW_OP_ADD_CONSTRAINT, "item");
    add.check = check(a, "qty_small", "qty < 100");
    pw_schema *before = pw_schema_copy(a, s);
    CHECK_INT(pw_op_apply(a, s, &add, &err), 0);
    CHECK_INT((long)pw_schema_find_table(s, "item")->nchecks, 2);
    CHECK_INT(pw_op_apply(a, s, &add, &err), PW_ERR_EXISTS);
    pw_op back;
    CHECK_INT(pw_op_reverse(a, before, &add, &back, &err), 0);
    CHECK(back.kind == PW_OP_REMOVE_CONSTRAINT);
    CHECK_STR(back.name, "qty_small");
    pw_op rm = tb_op(PW_OP_REMOVE_CONSTRAINT, "item");
    rm.name = "price_positive";
    pw_schema *mid = pw_schema_copy(a, s);
    CHECK_INT(pw_op_reverse(a, mid, &rm, &back, &err), 0);
    CHECK(back.kind == PW_OP_ADD_CONSTRAINT);
    CHECK_STR(back.check->check, "price > 0");
    CHECK_INT(pw_op_apply(a, s, &rm, &err), 0);
    CHECK_INT(pw_op_apply(a, s, &rm, &err), PW_ERR_NOT_FOUND);
    CHECK_INT(pw_op_apply(a, s, &back, &err), 0);
    CHECK(pw_table_find_check(pw_schema_find_table(s, "item"), "price_positive") != NULL);
    add.check = check(a, "evil", "1) OR (1"); /* would close CHECK ( early */
    CHECK_INT(pw_op_apply(a, s, &add, &err), PW_ERR_INVALID);
    add.check = check(a, "evil2", "1; DROP TABLE item");
    CHECK_INT(pw_op_apply(a, s, &add, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}

/* A new check, one gone, one whose condition changed: removes before any
 * column work, adds at the end, and the result applies to the target. */
TEST(test_check_diff) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *from = items(a);
    pw_table_add_check(a, pw_schema_find_table(from, "item"), check(a, "old", "qty > 1"), &err);
    pw_schema *to = items(a);
    pw_table *tt = pw_schema_find_table(to, "item");
    tt->checks[0]->check = "price >= 0";
    pw_table_add_check(a, tt, check(a, "qty_small", "qty < 100"), &err);
    tb_col(a, tt, "extra", "INT")->null = true;
    pw_oplist ops;
    CHECK_INT(pw_diff(a, from, to, NULL, NULL, &ops, &err), 0);
    CHECK_INT((long)ops.len, 5);
    CHECK(ops.items[0].kind == PW_OP_REMOVE_CONSTRAINT);
    CHECK_STR(ops.items[0].name, "price_positive");
    CHECK(ops.items[1].kind == PW_OP_REMOVE_CONSTRAINT);
    CHECK_STR(ops.items[1].name, "old");
    CHECK(ops.items[2].kind == PW_OP_ADD_FIELD);
    CHECK(ops.items[3].kind == PW_OP_ADD_CONSTRAINT);
    CHECK(ops.items[4].kind == PW_OP_ADD_CONSTRAINT);
    CHECK_INT(pw_ops_apply_all(a, from, ops.items, ops.len, &err), 0);
    CHECK(pw_table_equal(pw_schema_find_table(from, "item"), tt));
    /* a new table carries its checks in CREATE_MODEL */
    CHECK_INT(pw_diff(a, pw_schema_new(a), to, NULL, NULL, &ops, &err), 0);
    CHECK_INT((long)ops.len, 1);
    CHECK_INT((long)ops.items[0].model->nchecks, 2);
    pw_arena_free(a);
}

TEST(test_check_sql) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = items(a);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, "item");
    op.model = pw_schema_find_table(s, "item");
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, PG, &rc, &err),
              "CREATE TABLE \"item\" (\n    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"price\" INT NOT NULL,\n    \"qty\" INT NOT NULL,\n"
              "    CONSTRAINT \"price_positive\" CHECK (price > 0)\n);\n");
    const char *my = tb_sql(a, pw_schema_new(a), &op, MY, &rc, &err);
    CHECK(my != NULL && strstr(my, "    CONSTRAINT `price_positive` CHECK (price > 0)\n)") != NULL);
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, SL, &rc, &err),
              "CREATE TABLE \"item\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
              "\"price\" INT NOT NULL, \"qty\" INT NOT NULL, CONSTRAINT \"price_positive\" "
              "CHECK (price > 0));\n");
    op = tb_op(PW_OP_ADD_CONSTRAINT, "item");
    op.check = check(a, "qty_small", "qty < 100");
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"item\" ADD CONSTRAINT \"qty_small\" CHECK (qty < 100);\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `item` ADD CONSTRAINT `qty_small` CHECK (qty < 100);\n");
    const char *sl = tb_sql(a, s, &op, SL, &rc, &err);
    CHECK(sl != NULL);
    CHECK(strstr(sl, "CONSTRAINT \"price_positive\" CHECK (price > 0), CONSTRAINT "
                     "\"qty_small\" CHECK (qty < 100))") != NULL);
    CHECK(strstr(sl, "INSERT INTO \"__pw_new_item\"") != NULL);
    op = tb_op(PW_OP_REMOVE_CONSTRAINT, "item");
    op.name = "price_positive";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"item\" DROP CONSTRAINT \"price_positive\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `item` DROP CONSTRAINT `price_positive`;\n");
    sl = tb_sql(a, s, &op, SL, &rc, &err);
    CHECK(sl != NULL && strstr(sl, "CHECK") == NULL);
    op.name = "missing";
    CHECK(tb_sql(a, s, &op, PG, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    pw_arena_free(a);
}

/* A catalog spells a condition its own way: a check of the same name
 * compares equal; one missing on either side is a difference. */
TEST(test_check_compare) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *exp = items(a);
    pw_schema *live = pw_schema_copy(a, exp);
    pw_table *lt = pw_schema_find_table(live, "item");
    lt->checks[0]->check = "((price > 0))";
    pw_difflist out;
    pw_oplist fix;
    CHECK_INT(pw_compare(a, live, exp, PG, NULL, 0, &out, &fix, NULL, &err), 0);
    CHECK_INT((long)out.len, 0);
    lt->checks[0]->name = "other";
    CHECK_INT(pw_compare(a, live, exp, PG, NULL, 0, &out, &fix, NULL, &err), 0);
    CHECK_INT((long)out.len, 2);
    CHECK_STR(out.items[0].message,
              "check other: on item: CHECK (((price > 0))) in the database only");
    CHECK_STR(out.items[1].message,
              "check price_positive: on item: CHECK (price > 0) in the migrations, not in "
              "the database");
    CHECK_INT((long)fix.len, 2);
    pw_arena_free(a);
}
