/*
 * test_merge.c - tests of merge.c: which operations of two branches collide
 * (both change one object, or one changes what the other reads) and which
 * do not (different columns of one table, reads on both sides, RUN_SQL).
 */
#include <string.h>

#include "build.h"
#include "merge.h"
#include "pw_test.h"

static pw_migration_ops mig(const char *label, pw_op *ops, size_t n) {
    return (pw_migration_ops){.label = label, .ops = ops, .nops = n};
}

TEST(test_merge_different_columns_do_not_collide) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op l[1] = {tb_op(PW_OP_ADD_FIELD, "customer")};
    l[0].column = tb_column(a, "phone", "VARCHAR(20)");
    pw_op r[2] = {tb_op(PW_OP_ADD_FIELD, "customer"), tb_op(PW_OP_RUN_SQL, NULL)};
    r[0].column = tb_column(a, "city", "VARCHAR(20)");
    r[1].sql_forward = "UPDATE customer SET city = 'x'";
    pw_migration_ops left = mig("models.a", l, 1), right = mig("models.b", r, 2);
    pw_conflict *out;
    size_t n;
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 0);
    /* both add an index reading the same column: reads do not collide */
    pw_op li = tb_op(PW_OP_ADD_INDEX, "customer"), ri = tb_op(PW_OP_ADD_INDEX, "customer");
    li.index = tb_index(a, tb_table(a, NULL, "x"), "idx_a", false, "email");
    ri.index = tb_index(a, tb_table(a, NULL, "y"), "idx_b", false, "email");
    left = mig("models.a", &li, 1);
    right = mig("models.b", &ri, 1);
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 0);
    pw_arena_free(a);
}

TEST(test_merge_same_column_collides) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op l[2] = {tb_op(PW_OP_ADD_FIELD, "customer"), tb_op(PW_OP_ALTER_FIELD, "customer")};
    l[0].column = tb_column(a, "phone", "VARCHAR(20)");
    l[1].column = tb_column(a, "email", "VARCHAR(200)");
    pw_op r[1] = {tb_op(PW_OP_RENAME_FIELD, "customer")};
    r[0].name = "email";
    r[0].new_name = "mail";
    pw_migration_ops left[2] = {mig("models.a1", l, 1), mig("models.a2", l + 1, 1)};
    pw_migration_ops right = mig("models.b", r, 1);
    pw_conflict *out;
    size_t n;
    CHECK_INT(pw_merge_conflicts(a, left, 2, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 1);
    CHECK_STR(out[0].table, "customer");
    CHECK_STR(out[0].object, "email");
    CHECK_INT((int)out[0].left_mig, 1);
    CHECK_INT((int)out[0].left_op, 0);
    CHECK_INT((int)out[0].right_mig, 0);
    CHECK_INT((int)out[0].right_op, 0);
    pw_arena_free(a);
}

TEST(test_merge_table_wide_changes_collide_with_anything_on_it) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    /* one branch renames the table another adds a key to */
    pw_op l = tb_op(PW_OP_RENAME_MODEL, "customer");
    l.new_name = "client";
    pw_op r = tb_op(PW_OP_ADD_FIELD, "invoice");
    r.column = tb_column(a, "customer_id", "INT");
    r.column->fk = (pw_fk){.name = "fk_x", .table = "customer", .column = "id"};
    pw_migration_ops left = mig("models.a", &l, 1), right = mig("models.b", &r, 1);
    pw_conflict *out;
    size_t n;
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 1);
    CHECK_STR(out[0].table, "customer");
    CHECK(out[0].object == NULL);
    /* table options against a column: no collision; against options: one */
    pw_op opts = tb_op(PW_OP_ALTER_MODEL, "invoice");
    left = mig("models.a", &opts, 1);
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 0);
    right = mig("models.b", &opts, 1);
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 1);
    CHECK_STR(out[0].object, "options");
    /* the same index name on one table, and a check constraint */
    pw_op ix = tb_op(PW_OP_REMOVE_INDEX, "invoice"), ck = tb_op(PW_OP_REMOVE_CONSTRAINT, "invoice");
    ix.name = "idx_a";
    ck.name = "idx_a";
    left = mig("models.a", &ix, 1);
    right = mig("models.b", &ix, 1);
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 1);
    CHECK_STR(out[0].object, "index idx_a");
    right = mig("models.b", &ck, 1);
    CHECK_INT(pw_merge_conflicts(a, &left, 1, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 0);
    /* empty branches */
    CHECK_INT(pw_merge_conflicts(a, NULL, 0, &right, 1, &out, &n, &err), 0);
    CHECK_INT((int)n, 0);
    pw_arena_free(a);
}
