/*
 * test_optimize.c - unit tests of optimize.c: each folding rule, the cases
 * that must not fold (a barrier, a reference in between, a foreign key the
 * fold would miss, SQL text in a created table, a fill that would be lost),
 * the references of operations, and a property test: random valid operation
 * lists from a seeded generator, applied as given and as optimized from the
 * same start, give the same schema.
 */
#include <stdlib.h>

#include "build.h"
#include "optimize.h"
#include "pw_test.h"
#include "render.h"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static bool schema_same(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++)
        if (!pw_table_equal(x->tables[i], y->tables[i])) return false;
    return true;
}

/* Applies ops[0..n) to a copy of start (NULL: empty); NULL when one fails. */
static pw_schema *applied(pw_arena *a, const pw_schema *start, const pw_op *ops, size_t n) {
    pw_error err;
    pw_schema *s = start ? pw_schema_copy(a, start) : pw_schema_new(a);
    if (s == NULL || pw_ops_apply_all(a, s, ops, n, &err) != 0) return NULL;
    return s;
}

/* pw_optimize, then the invariant checked apart from the optimizer's own
 * check: both lists apply from start and give the same schema. Returns the
 * status; *out the result. */
static int optimize(pw_arena *a, const pw_schema *start, const pw_op *ops, size_t n,
                    pw_oplist *out, pw_error *err) {
    memset(out, 0, sizeof *out);
    int rc = pw_optimize(a, start, ops, n, out, err);
    if (rc) return rc;
    pw_schema *want = applied(a, start, ops, n);
    pw_schema *got = applied(a, start, out->items, out->len);
    if (want == NULL || got == NULL || !schema_same(want, got)) return 99;
    return 0;
}

static pw_op op_create(pw_table *m) {
    pw_op op = tb_op(PW_OP_CREATE_MODEL, m->name);
    op.model = m;
    return op;
}

static pw_op op_delete(const char *t) { return tb_op(PW_OP_DELETE_MODEL, t); }

static pw_op op_rename_model(const char *t, const char *nn) {
    pw_op op = tb_op(PW_OP_RENAME_MODEL, t);
    op.new_name = nn;
    return op;
}

static pw_op op_add(const char *t, pw_column *c) {
    pw_op op = tb_op(PW_OP_ADD_FIELD, t);
    op.column = c;
    return op;
}

static pw_op op_alter(const char *t, pw_column *c) {
    pw_op op = tb_op(PW_OP_ALTER_FIELD, t);
    op.column = c;
    return op;
}

static pw_op op_remove(const char *t, const char *c) {
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, t);
    op.name = c;
    return op;
}

static pw_op op_rename(const char *t, const char *c, const char *nn) {
    pw_op op = tb_op(PW_OP_RENAME_FIELD, t);
    op.name = c;
    op.new_name = nn;
    return op;
}

static pw_op op_add_index(const char *t, pw_index *ix) {
    pw_op op = tb_op(PW_OP_ADD_INDEX, t);
    op.index = ix;
    return op;
}

static pw_op op_remove_index(const char *t, const char *name) {
    pw_op op = tb_op(PW_OP_REMOVE_INDEX, t);
    op.name = name;
    return op;
}

static pw_check *mk_check(pw_arena *a, const char *name, const char *cond) {
    pw_check *c = pw_arena_alloc(a, sizeof *c);
    if (c == NULL) abort();
    c->name = name;
    c->check = cond;
    return c;
}

static pw_op op_add_check(const char *t, pw_check *c) {
    pw_op op = tb_op(PW_OP_ADD_CONSTRAINT, t);
    op.check = c;
    return op;
}

static pw_op op_remove_check(const char *t, const char *name) {
    pw_op op = tb_op(PW_OP_REMOVE_CONSTRAINT, t);
    op.name = name;
    return op;
}

static pw_op op_comment(const char *t, const char *comment) {
    pw_op op = tb_op(PW_OP_ALTER_MODEL, t);
    op.comment = comment;
    return op;
}

static pw_op op_sql(const char *sql, bool elidable) {
    pw_op op = tb_op(PW_OP_RUN_SQL, NULL);
    op.sql_forward = sql;
    op.elidable = elidable;
    return op;
}

/* users(id pk, email) */
static pw_table *users_model(pw_arena *a) {
    pw_table *t = tb_table(a, NULL, "users");
    tb_pk(a, t);
    tb_col(a, t, "email", "VARCHAR(255)");
    return t;
}

/* A start state: users(id, email), posts(id, author_id -> users.id). */
static pw_schema *start_state(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)");
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    return s;
}

/* ---------------------------------------------------------------------- */
/* create_model + ...                                                     */

TEST(test_optimize_empty_and_nothing_to_fold) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    CHECK_INT(optimize(a, NULL, NULL, 0, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_op ops[] = {op_create(users_model(a)), op_add("users", tb_column(a, "age", "INT"))};
    /* an operation alone stays as it is */
    CHECK_INT(optimize(a, NULL, ops, 1, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK(out.items[0].model == ops[0].model);
    pw_arena_free(a);
}

TEST(test_optimize_create_add_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_column *age = tb_column(a, "age", "INT");
    age->null = true;
    pw_op ops[] = {op_create(users_model(a)), op_add("users", age)};
    CHECK_INT(optimize(a, NULL, ops, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].kind, PW_OP_CREATE_MODEL);
    CHECK_INT(out.items[0].model->ncolumns, 3);
    CHECK_STR(out.items[0].model->columns[2]->name, "age");
    CHECK(out.items[0].model->columns[2]->null);
    /* the input is not changed */
    CHECK_INT(ops[0].model->ncolumns, 2);
    pw_arena_free(a);
}

TEST(test_optimize_create_remove_alter_rename_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_table *m = users_model(a);
    tb_col(a, m, "name", "TEXT");
    pw_column *self = tb_fk(a, m, "boss_id", "users");
    self->fk.column = "id";
    pw_column *email2 = tb_column(a, "email", "TEXT");
    email2->null = true;
    pw_op ops[] = {op_create(m), op_remove("users", "name"), op_alter("users", email2),
                   op_rename("users", "id", "pk")};
    CHECK_INT(optimize(a, NULL, ops, 4, &out, &err), 0);
    CHECK_INT(out.len, 1);
    const pw_table *t = out.items[0].model;
    CHECK_INT(t->ncolumns, 3);
    CHECK_STR(t->columns[0]->name, "pk");
    CHECK_STR(t->columns[1]->name, "email");
    CHECK_STR(t->columns[1]->type[0], "TEXT");
    CHECK(t->columns[1]->null);
    /* the table's own foreign key follows the rename */
    CHECK_STR(t->columns[2]->name, "boss_id");
    CHECK_STR(t->columns[2]->fk.column, "pk");
    pw_arena_free(a);
}

TEST(test_optimize_create_indexes_checks_comment) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_table *m = users_model(a);
    tb_index(a, m, "idx_old", false, "email");
    pw_op ops[] = {op_create(m),
                   op_add_index("users", tb_index(a, NULL, "idx_new", true, "email")),
                   op_remove_index("users", "idx_old"),
                   op_add_check("users", mk_check(a, "k1", "id > 0")),
                   op_add_check("users", mk_check(a, "k2", "id < 9")),
                   op_remove_check("users", "k1"),
                   op_comment("users", "people")};
    CHECK_INT(optimize(a, NULL, ops, 7, &out, &err), 0);
    CHECK_INT(out.len, 1);
    const pw_table *t = out.items[0].model;
    CHECK_INT(t->nindexes, 1);
    CHECK_STR(t->indexes[0]->name, "idx_new");
    CHECK(t->indexes[0]->unique);
    CHECK_INT(t->nchecks, 1);
    CHECK_STR(t->checks[0]->name, "k2");
    CHECK_STR(t->comment, "people");
    pw_arena_free(a);
}

TEST(test_optimize_create_delete) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_op ops[] = {op_create(users_model(a)), op_add("users", tb_column(a, "x", "INT")),
                   op_delete("users")};
    /* x NOT NULL without default: fine on a new table */
    CHECK_INT(optimize(a, NULL, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* a chain: a table whose key points at the deleted one goes first */
    pw_table *p = tb_table(a, NULL, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    pw_op chain[] = {op_create(users_model(a)), op_create(p), op_delete("posts"),
                     op_delete("users")};
    CHECK_INT(optimize(a, NULL, chain, 4, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_optimize_create_rename_model) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_table *m = users_model(a);
    tb_fk(a, m, "boss_id", "users")->null = true;
    pw_op ops[] = {op_create(m), op_rename_model("users", "accounts"),
                   op_add("accounts", tb_column(a, "x", "INT"))};
    CHECK_INT(optimize(a, NULL, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 1);
    const pw_table *t = out.items[0].model;
    CHECK_STR(t->name, "accounts");
    CHECK_STR(out.items[0].table, "accounts");
    CHECK_INT(t->ncolumns, 4);
    CHECK_STR(t->columns[2]->fk.table, "accounts");
    pw_arena_free(a);
}

/* A foreign key of the state before names the table created (a table of
 * another app made later, say): the rename renames that key too, a created
 * table under the new name would not. Not folded. */
TEST(test_optimize_create_rename_not_folded_under_a_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = pw_schema_new(a);
    pw_table *p = tb_table(a, start, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users"); /* users does not exist yet */
    pw_op ops[] = {op_create(users_model(a)), op_rename_model("users", "accounts")};
    CHECK_INT(optimize(a, start, ops, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_op cols[] = {op_create(users_model(a)), op_rename("users", "id", "pk")};
    CHECK_INT(optimize(a, start, cols, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_arena_free(a);
}

/* SQL text that may name a column (a check) is met by CREATE TABLE before a
 * rename or removal would have changed the column: not folded. */
TEST(test_optimize_create_with_text_keeps_rename_and_remove) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_table *m = users_model(a);
    tb_col(a, m, "age", "INT");
    pw_table_add_check(a, m, mk_check(a, "adult", "age >= 18"), &err);
    pw_op ops[] = {op_create(m), op_rename("users", "age", "years")};
    CHECK_INT(optimize(a, NULL, ops, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_op rm[] = {op_create(m), op_remove("users", "email")};
    CHECK_INT(optimize(a, NULL, rm, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    /* an added column is fine */
    pw_op add[] = {op_create(m), op_add("users", tb_column(a, "x", "INT"))};
    CHECK_INT(optimize(a, NULL, add, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Order and operations in between                                        */

TEST(test_optimize_keeps_table_order) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_table *t = tb_table(a, NULL, "tags");
    tb_pk(a, t);
    pw_op ops[] = {op_create(users_model(a)), op_create(t),
                   op_add("users", tb_column(a, "x", "INT"))};
    CHECK_INT(optimize(a, NULL, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 2);
    CHECK_STR(out.items[0].model->name, "users");
    CHECK_INT(out.items[0].model->ncolumns, 3);
    CHECK_STR(out.items[1].model->name, "tags");
    pw_arena_free(a);
}

TEST(test_optimize_keeps_column_order) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_column *x2 = tb_column(a, "x", "BIGINT");
    x2->null = true;
    pw_column *x = tb_column(a, "x", "INT");
    x->null = true;
    pw_column *y = tb_column(a, "y", "INT");
    y->null = true;
    pw_op ops[] = {op_add("users", x), op_add("users", y), op_alter("users", x2)};
    CHECK_INT(optimize(a, start, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 2);
    CHECK_STR(out.items[0].column->name, "x");
    CHECK_STR(out.items[0].column->type[0], "BIGINT");
    CHECK_STR(out.items[1].column->name, "y");
    /* add x, add y, remove x: x goes, y stays */
    pw_op rm[] = {op_add("users", x), op_add("users", y), op_remove("users", "x")};
    CHECK_INT(optimize(a, start, rm, 3, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].column->name, "y");
    pw_arena_free(a);
}

/* create users, create posts (key to users.id), rename users.id: the rename
 * cannot move before posts (its key names users.id), nor users down past it. */
TEST(test_optimize_reference_in_between_blocks) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_table *p = tb_table(a, NULL, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    pw_op ops[] = {op_create(users_model(a)), op_create(p), op_rename("users", "id", "pk")};
    CHECK_INT(optimize(a, NULL, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 3);
    CHECK_INT(out.items[2].kind, PW_OP_RENAME_FIELD);
    /* an unrelated column is fine */
    pw_op ok[] = {op_create(users_model(a)), op_create(p), op_rename("users", "email", "mail")};
    CHECK_INT(optimize(a, NULL, ok, 3, &out, &err), 0);
    CHECK_INT(out.len, 2);
    CHECK_STR(out.items[0].model->columns[1]->name, "mail");
    pw_arena_free(a);
}

/* create users, remove the key of an existing table pointing at it (which
 * named it before it existed), delete users: the removal names users. */
TEST(test_optimize_create_delete_blocked_by_a_reference) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = pw_schema_new(a);
    pw_table *p = tb_table(a, start, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    pw_op ops[] = {op_create(users_model(a)), op_remove("posts", "author_id"),
                   op_delete("users")};
    CHECK_INT(optimize(a, start, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 3);
    pw_arena_free(a);
}

TEST(test_optimize_barriers) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_column *x = tb_column(a, "x", "INT");
    x->null = true;
    pw_op ops[] = {op_add("users", x), op_sql("UPDATE users SET x = 1", false),
                   op_remove("users", "x")};
    CHECK_INT(optimize(a, start, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 3);
    pw_op py[] = {op_create(users_model(a)), tb_op(PW_OP_RUN_PYTHON, NULL), op_delete("users")};
    CHECK_INT(optimize(a, NULL, py, 3, &out, &err), 0);
    CHECK_INT(out.len, 3);
    /* elidable: dropped, and the pair folds */
    ops[1].elidable = true;
    CHECK_INT(optimize(a, start, ops, 3, &out, &err), 0);
    CHECK_INT(out.len, 0);
    py[1].elidable = true;
    CHECK_INT(optimize(a, NULL, py, 3, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* alone, an elidable step is dropped too; a kept one stays as it is */
    pw_op sql[] = {op_sql("SELECT 1", true), op_sql("SELECT 2", false)};
    CHECK_INT(optimize(a, NULL, sql, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].sql_forward, "SELECT 2");
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Fields                                                                 */

TEST(test_optimize_add_remove_alter_rename_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_column *x = tb_column(a, "x", "INT");
    x->null = true;
    pw_column *x2 = tb_column(a, "x", "TEXT");
    x2->null = true;
    pw_op gone[] = {op_add("users", x), op_remove("users", "x")};
    CHECK_INT(optimize(a, start, gone, 2, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_op alter[] = {op_add("users", x), op_alter("users", x2)};
    CHECK_INT(optimize(a, start, alter, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].kind, PW_OP_ADD_FIELD);
    CHECK_STR(out.items[0].column->type[0], "TEXT");
    pw_op rename[] = {op_add("users", x), op_rename("users", "x", "y")};
    CHECK_INT(optimize(a, start, rename, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].kind, PW_OP_ADD_FIELD);
    CHECK_STR(out.items[0].column->name, "y");
    CHECK_STR(x->name, "x"); /* the input's column is not renamed */
    /* add, rename, alter, rename, remove: nothing */
    pw_column *y2 = tb_column(a, "y", "TEXT");
    pw_op all[] = {op_add("users", x), op_rename("users", "x", "y"), op_alter("users", y2),
                   op_rename("users", "y", "z"), op_remove("users", "z")};
    CHECK_INT(optimize(a, start, all, 5, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_optimize_alter_chains) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_column *e1 = tb_column(a, "email", "TEXT");
    pw_column *e2 = tb_column(a, "email", "VARCHAR(100)");
    e2->null = true;
    pw_op two[] = {op_alter("users", e1), op_alter("users", e2)};
    CHECK_INT(optimize(a, start, two, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK(out.items[0].column == e2);
    /* the reverse is computed from the state before, so it is the original */
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, start, &out.items[0], &rev, &err), 0);
    CHECK_STR(rev.column->type[0], "VARCHAR(255)");
    CHECK(!rev.column->null);
    /* back to where it was: nothing */
    pw_column *e0 = tb_column(a, "email", "VARCHAR(255)");
    pw_op back[] = {op_alter("users", e1), op_alter("users", e2), op_alter("users", e0)};
    CHECK_INT(optimize(a, start, back, 3, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* an alter that changes nothing, alone */
    CHECK_INT(optimize(a, start, &back[2], 1, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* alter then remove: remove */
    pw_op rm[] = {op_alter("users", e1), op_remove("users", "email")};
    CHECK_INT(optimize(a, start, rm, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].kind, PW_OP_REMOVE_FIELD);
    pw_arena_free(a);
}

TEST(test_optimize_rename_field_chains) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_op chain[] = {op_rename("users", "email", "mail"), op_rename("users", "mail", "address")};
    CHECK_INT(optimize(a, start, chain, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].name, "email");
    CHECK_STR(out.items[0].new_name, "address");
    pw_op back[] = {op_rename("users", "email", "mail"), op_rename("users", "mail", "email")};
    CHECK_INT(optimize(a, start, back, 2, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_op rm[] = {op_rename("users", "email", "mail"), op_remove("users", "mail")};
    CHECK_INT(optimize(a, start, rm, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].kind, PW_OP_REMOVE_FIELD);
    CHECK_STR(out.items[0].name, "email");
    /* the key posts.author_id follows a renamed users.id either way */
    pw_op id[] = {op_rename("users", "id", "a"), op_rename("users", "a", "b")};
    CHECK_INT(optimize(a, start, id, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    pw_schema *s = applied(a, start, out.items, out.len);
    CHECK(s != NULL);
    CHECK_STR(pw_table_find_column(pw_schema_find_table(s, "posts"), "author_id")->fk.column,
              "b");
    pw_arena_free(a);
}

static pw_default dint(long long i) {
    pw_default d;
    memset(&d, 0, sizeof d);
    d.kind = PW_DEFAULT_INT;
    d.i = i;
    return d;
}

/* What the rows of a table that exists get is kept: add_field + alter_field
 * fold with the fill that gives them the same values, or not at all. */
TEST(test_optimize_add_alter_keeps_row_values) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    /* added with a default, then NOT NULL without one: the rows had the
     * default, the folded add_field fills them with it */
    pw_column *x = tb_column(a, "x", "INT");
    x->def = dint(7);
    pw_column *x2 = tb_column(a, "x", "INT");
    pw_op ops[] = {op_add("users", x), op_alter("users", x2)};
    CHECK_INT(optimize(a, start, ops, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].fill.kind, PW_DEFAULT_INT);
    CHECK_INT(out.items[0].fill.i, 7);
    /* the same default with another type: no fill needed */
    pw_column *x3 = tb_column(a, "x", "BIGINT");
    x3->def = dint(7);
    ops[1].column = x3;
    CHECK_INT(optimize(a, start, ops, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].fill.kind, PW_DEFAULT_NONE);
    /* another default: the rows have 7, a folded add would give them 8 */
    pw_column *x4 = tb_column(a, "x", "INT");
    x4->def = dint(8);
    ops[1].column = x4;
    CHECK_INT(optimize(a, start, ops, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    /* nullable, then NOT NULL with a fill: the fill */
    pw_column *n = tb_column(a, "n", "INT");
    n->null = true;
    pw_op nn[] = {op_add("users", n), op_alter("users", tb_column(a, "n", "INT"))};
    nn[1].fill = dint(4);
    CHECK_INT(optimize(a, start, nn, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].fill.i, 4);
    CHECK(!out.items[0].column->null);
    /* a fill, then another type: the first fill */
    pw_column *y = tb_column(a, "y", "INT");
    pw_op filled[] = {op_add("users", y), op_alter("users", tb_column(a, "y", "BIGINT"))};
    filled[0].fill = dint(3);
    filled[1].fill = dint(4);
    CHECK_INT(optimize(a, start, filled, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].fill.i, 3);
    /* a fill, then nullable: the rows would lose the values; not folded */
    pw_column *y3 = tb_column(a, "y", "INT");
    y3->null = true;
    filled[1].column = y3;
    CHECK_INT(optimize(a, start, filled, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    /* generated, then plain: not folded (what stays of computed values
     * depends on the database); plain, then generated: folded */
    pw_column *g = tb_column(a, "g", "INT");
    g->null = true;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) g->generated[d] = "GENERATED ALWAYS AS (1) STORED";
    pw_column *p = tb_column(a, "g", "INT");
    p->null = true;
    pw_op gen[] = {op_add("users", g), op_alter("users", p)};
    CHECK_INT(optimize(a, start, gen, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_op plain[] = {op_add("users", p), op_alter("users", g)};
    CHECK_INT(optimize(a, start, plain, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK(pw_column_is_generated(out.items[0].column));
    pw_arena_free(a);
}

TEST(test_optimize_alter_alter_keeps_row_values) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_column *nick = tb_col(a, pw_schema_find_table(start, "users"), "nick", "TEXT");
    nick->null = true;
    pw_column *nick_nn = tb_column(a, "nick", "TEXT");
    pw_column *nick_null = tb_column(a, "nick", "VARCHAR(20)");
    nick_null->null = true;
    /* NULLs filled, then nullable again: the rows keep the fill; not folded */
    pw_op lost[] = {op_alter("users", nick_nn), op_alter("users", nick_null)};
    lost[0].fill.kind = PW_DEFAULT_STRING;
    lost[0].fill.s = "";
    CHECK_INT(optimize(a, start, lost, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    /* ... and back to where it was: not dropped either */
    pw_op back[] = {op_alter("users", nick_nn), op_alter("users", nick)};
    back[0].fill = lost[0].fill;
    CHECK_INT(optimize(a, start, back, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    /* without the fill, back to where it was: nothing */
    back[0].fill.kind = PW_DEFAULT_NONE;
    CHECK_INT(optimize(a, start, back, 2, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* the second fill when the first step leaves the NULLs */
    pw_column *char9 = tb_column(a, "nick", "CHAR(9)");
    pw_op second[] = {op_alter("users", nick_null), op_alter("users", char9)};
    second[1].fill.kind = PW_DEFAULT_STRING;
    second[1].fill.s = "z";
    CHECK_INT(optimize(a, start, second, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].fill.s, "z");
    /* the first fill kept */
    pw_op first[] = {op_alter("users", nick_nn), op_alter("users", char9)};
    first[0].fill = second[1].fill;
    first[0].fill.s = "y";
    CHECK_INT(optimize(a, start, first, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].fill.s, "y");
    /* a NOT NULL column has no NULLs: fills do not matter */
    pw_column *e_null = tb_column(a, "email", "TEXT");
    e_null->null = true;
    pw_op email[] = {op_alter("users", tb_column(a, "email", "TEXT")),
                     op_alter("users", e_null)};
    email[0].fill.kind = PW_DEFAULT_STRING;
    email[0].fill.s = "";
    CHECK_INT(optimize(a, start, email, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].fill.kind, PW_DEFAULT_NONE);
    /* through a generated definition: not folded */
    pw_column *g = tb_column(a, "nick", "TEXT");
    g->null = true;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) g->generated[d] = "GENERATED ALWAYS AS (1) STORED";
    pw_op gen[] = {op_alter("users", g), op_alter("users", nick_null)};
    CHECK_INT(optimize(a, start, gen, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Tables                                                                 */

TEST(test_optimize_rename_model_chains) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_op chain[] = {op_rename_model("users", "people"), op_rename_model("people", "accounts")};
    CHECK_INT(optimize(a, start, chain, 2, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].table, "users");
    CHECK_STR(out.items[0].new_name, "accounts");
    pw_op back[] = {op_rename_model("users", "people"), op_rename_model("people", "users")};
    CHECK_INT(optimize(a, start, back, 2, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* rename then delete: delete under the old name (posts' key dropped first) */
    pw_op del[] = {op_remove("posts", "author_id"), op_rename_model("users", "people"),
                   op_delete("people")};
    CHECK_INT(optimize(a, start, del, 3, &out, &err), 0);
    CHECK_INT(out.len, 2);
    CHECK_INT(out.items[1].kind, PW_OP_DELETE_MODEL);
    CHECK_STR(out.items[1].table, "users");
    pw_arena_free(a);
}

/* A key of the state names "people" before users is renamed to it: the
 * first rename makes it point at the table, the second renames it along. */
TEST(test_optimize_rename_model_chain_not_folded_under_a_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_table *t = tb_table(a, start, "tags");
    tb_pk(a, t);
    tb_fk(a, t, "owner_id", "people");
    pw_op chain[] = {op_rename_model("users", "people"), op_rename_model("people", "accounts")};
    CHECK_INT(optimize(a, start, chain, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_arena_free(a);
}

TEST(test_optimize_operations_on_a_deleted_table) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_column *x = tb_column(a, "x", "INT");
    x->null = true;
    pw_op ops[] = {op_add("posts", x), op_comment("posts", "c"),
                   op_add_index("posts", tb_index(a, NULL, "ix", false, "x")),
                   op_rename("posts", "x", "y"), op_delete("posts")};
    CHECK_INT(optimize(a, start, ops, 5, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_INT(out.items[0].kind, PW_OP_DELETE_MODEL);
    pw_arena_free(a);
}

TEST(test_optimize_indexes_checks_comments) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_schema *start = start_state(a);
    pw_op ops[] = {op_add_index("users", tb_index(a, NULL, "ix", false, "email")),
                   op_add_check("users", mk_check(a, "k", "id > 0")),
                   op_comment("users", "a"),
                   op_remove_index("users", "ix"),
                   op_remove_check("users", "k"),
                   op_comment("users", "b")};
    CHECK_INT(optimize(a, start, ops, 6, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].comment, "b");
    /* remove then add again: kept (the index would move to the end) */
    pw_table *u = pw_schema_find_table(start, "users");
    tb_index(a, u, "iy", false, "email");
    pw_op again[] = {op_remove_index("users", "iy"),
                     op_add_index("users", tb_index(a, NULL, "iy", false, "email"))};
    CHECK_INT(optimize(a, start, again, 2, &out, &err), 0);
    CHECK_INT(out.len, 2);
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Errors, determinism, references                                        */

TEST(test_optimize_input_that_does_not_apply) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist out;
    pw_op ops[] = {op_create(users_model(a)), op_remove("users", "nope")};
    CHECK_INT(optimize(a, NULL, ops, 2, &out, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.message, "operation 2 (remove_field): column users.nope does not exist");
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_optimize_refs) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *start = start_state(a);
    pw_reflist r = {0};
    pw_op rm = op_remove("posts", "author_id");
    CHECK_INT(pw_op_refs(a, start, &rm, &r, &err), 0);
    CHECK(pw_refs_name(&r, "posts", "author_id"));
    CHECK(!pw_refs_name(&r, "posts", "id"));
    CHECK(pw_refs_name(&r, "users", "id")); /* its key's target, from the state */
    CHECK(!pw_refs_name(&r, "users", "email"));
    pw_reflist bare = {0};
    CHECK_INT(pw_op_refs(a, NULL, &rm, &bare, &err), 0);
    CHECK(!pw_refs_name(&bare, "users", NULL));
    pw_reflist d = {0};
    pw_op del = op_delete("users");
    CHECK_INT(pw_op_refs(a, start, &del, &d, &err), 0);
    CHECK(pw_refs_name(&d, "users", "anything"));
    CHECK(pw_refs_overlap(&r, &d));
    pw_reflist c = {0};
    pw_op chk = op_add_check("users", mk_check(a, "k", "email <> ''"));
    CHECK_INT(pw_op_refs(a, start, &chk, &c, &err), 0);
    CHECK(pw_refs_name(&c, "users", "email"));
    pw_reflist e = {0};
    pw_op ren = op_rename("users", "email", "mail");
    CHECK_INT(pw_op_refs(a, start, &ren, &e, &err), 0);
    CHECK(pw_refs_overlap(&c, &e));
    CHECK(!pw_refs_overlap(&r, &e));
    pw_reflist s = {0};
    pw_op sql = op_sql("SELECT 1", true);
    CHECK_INT(pw_op_refs(a, start, &sql, &s, &err), 0);
    CHECK(pw_refs_name(&s, "whatever", NULL));
    CHECK(pw_refs_overlap(&s, &e));
    /* two indexes of one name on two tables */
    pw_reflist i1 = {0}, i2 = {0};
    pw_op a1 = op_add_index("users", tb_index(a, NULL, "ix", false, "email"));
    pw_op r2 = op_remove_index("posts", "ix");
    CHECK_INT(pw_op_refs(a, NULL, &a1, &i1, &err), 0);
    CHECK_INT(pw_op_refs(a, NULL, &r2, &i2, &err), 0);
    CHECK(pw_refs_overlap(&i1, &i2));
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Property: random valid lists                                           */

typedef struct {
    unsigned long long s;
} rng;

static unsigned rnd(rng *r, unsigned n) {
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return n ? (unsigned)((r->s >> 33) % n) : 0;
}

static const char *const R_TABLES[] = {"t1", "t2", "t3", "t4"};
static const char *const R_COLS[] = {"a", "b", "c", "d", "e"};
static const char *const R_IDX[] = {"i1", "i2", "i3"};
static const char *const R_CHECKS[] = {"k1", "k2"};
static const char *const R_TYPES[] = {"INT", "BIGINT", "TEXT"};
#define PICK(r, arr) (arr[rnd(r, (unsigned)(sizeof arr / sizeof *arr))])

static pw_table *rnd_table(rng *r, const pw_schema *s) {
    return s->ntables ? s->tables[rnd(r, (unsigned)s->ntables)] : NULL;
}

/* A random column named `name` for table `table` of s: maybe a key to the
 * id of some table (its own included), maybe a default, nullable or not. */
static pw_column *rnd_column(pw_arena *a, rng *r, const pw_schema *s, const char *table,
                             const char *name) {
    pw_column *c = tb_column(a, name, PICK(r, R_TYPES));
    c->null = rnd(r, 2);
    if (rnd(r, 4) == 0) {
        c->def.kind = PW_DEFAULT_INT;
        c->def.i = rnd(r, 3);
    }
    if (rnd(r, 4) == 0) c->unique = true;
    if (rnd(r, 4) == 0) {
        pw_table *t = rnd_table(r, s);
        unsigned to = rnd(r, 4);
        /* a table of the state, its own, or a name that may not exist yet (a
         * table of another app, or one made later) */
        c->fk.table = to == 0 ? table : to == 1 || !t ? PICK(r, R_TABLES) : t->name;
        c->fk.column = "id";
        c->fk.name = "fk_x";
        c->null = true;
        c->def.kind = PW_DEFAULT_NONE;
    }
    if (rnd(r, 12) == 0 && c->fk.table == NULL) {
        c->def.kind = PW_DEFAULT_NONE;
        for (int d = 0; d < PW_DIALECT_COUNT; d++)
            c->generated[d] = "GENERATED ALWAYS AS (1) STORED";
    }
    return c;
}

/* A random operation against s (which it may well not apply to). */
static pw_op rnd_op(pw_arena *a, rng *r, const pw_schema *s) {
    pw_error e;
    pw_table *t = rnd_table(r, s);
    const char *tn = t ? t->name : PICK(r, R_TABLES);
    pw_column *col = t && t->ncolumns ? t->columns[rnd(r, (unsigned)t->ncolumns)] : NULL;
    const char *cn = col ? col->name : PICK(r, R_COLS);
    switch (rnd(r, 16)) {
    case 0:
    case 1: {
        pw_table *m = tb_table(a, NULL, PICK(r, R_TABLES));
        tb_pk(a, m);
        unsigned k = rnd(r, 3);
        for (unsigned i = 0; i < k; i++) {
            const char *n = PICK(r, R_COLS);
            if (pw_table_find_column(m, n) == NULL)
                pw_table_add_column(a, m, rnd_column(a, r, s, m->name, n), &e);
        }
        if (rnd(r, 3) == 0) tb_index(a, m, PICK(r, R_IDX), rnd(r, 2), "id");
        if (rnd(r, 5) == 0) pw_table_add_check(a, m, mk_check(a, PICK(r, R_CHECKS), "id > 0"), &e);
        return op_create(m);
    }
    case 2:
        return op_delete(tn);
    case 3:
        return op_rename_model(tn, PICK(r, R_TABLES));
    case 4:
        return op_comment(tn, rnd(r, 2) ? NULL : PICK(r, R_COLS));
    case 5:
    case 6: {
        pw_op op = op_add(tn, rnd_column(a, r, s, tn, PICK(r, R_COLS)));
        if (!op.column->null && rnd(r, 2)) op.fill.kind = PW_DEFAULT_INT;
        return op;
    }
    case 7:
        return op_remove(tn, cn);
    case 8:
    case 9: {
        pw_column *c = col && rnd(r, 2) ? pw_column_copy(a, col) : rnd_column(a, r, s, tn, cn);
        if (col != NULL) {
            c->pk = col->pk;
            c->autoincrement = col->autoincrement;
            if (c->pk) {
                c->null = false;
                memset(c->generated, 0, sizeof c->generated);
                c->def.kind = PW_DEFAULT_NONE;
            }
            if (rnd(r, 2)) c->type[rnd(r, 3)] = PICK(r, R_TYPES);
            if (rnd(r, 3) == 0 && !c->pk) c->null = !c->null;
        }
        pw_op op = op_alter(tn, c);
        if (!c->null && rnd(r, 3) == 0) op.fill.kind = PW_DEFAULT_INT;
        return op;
    }
    case 10:
    case 11:
        return op_rename(tn, cn, PICK(r, R_COLS));
    case 12: {
        pw_index *ix = tb_index(a, NULL, PICK(r, R_IDX), rnd(r, 2), cn);
        if (rnd(r, 5) == 0) ix->condition = "a > 0";
        return op_add_index(tn, ix);
    }
    case 13:
        return op_remove_index(tn, t && t->nindexes
                                       ? t->indexes[rnd(r, (unsigned)t->nindexes)]->name
                                       : PICK(r, R_IDX));
    case 14:
        return rnd(r, 2) ? op_add_check(tn, mk_check(a, PICK(r, R_CHECKS), "a > 0"))
                         : op_remove_check(tn, PICK(r, R_CHECKS));
    default:
        if (rnd(r, 2)) return op_sql("UPDATE x SET y = 1", rnd(r, 2));
        {
            pw_op op = tb_op(PW_OP_RUN_PYTHON, NULL);
            op.elidable = rnd(r, 2);
            return op;
        }
    }
}

/* Up to max operations that apply one after the other from s (changed). */
static size_t rnd_ops(pw_arena *a, rng *r, pw_schema *s, pw_op *ops, size_t max,
                      unsigned barrier_odds) {
    size_t n = 0;
    pw_error err;
    for (unsigned tries = 0; n < max && tries < max * 20; tries++) {
        pw_op op = rnd_op(a, r, s);
        if ((op.kind == PW_OP_RUN_SQL || op.kind == PW_OP_RUN_PYTHON) &&
            rnd(r, barrier_odds) != 0)
            continue;
        if (pw_op_apply(a, s, &op, &err) == 0) ops[n++] = op;
    }
    return n;
}

TEST(test_optimize_random_lists_keep_the_schema) {
    size_t total_in = 0, total_out = 0, empty_start = 0;
    for (unsigned seed = 1; seed <= 400; seed++) {
        pw_arena *a = pw_arena_new();
        pw_error err;
        rng r = {seed * 2654435761ULL};
        pw_schema *start = pw_schema_new(a);
        pw_op pre[12], ops[40];
        /* a start state of its own half of the time */
        if (seed % 2) rnd_ops(a, &r, start, pre, 12, 1000);
        else empty_start++;
        pw_schema *s = pw_schema_copy(a, start);
        size_t n = rnd_ops(a, &r, s, ops, seed % 7 == 0 ? 40 : 8 + seed % 20, 6);
        pw_oplist out = {0};
        int rc = pw_optimize(a, start, ops, n, &out, &err);
        if (rc != 0) fprintf(stderr, "    seed %u: %s\n", seed, err.message);
        CHECK_INT(rc, 0);
        CHECK(out.len <= n);
        pw_schema *want = applied(a, start, ops, n);
        pw_schema *got = applied(a, start, out.items, out.len);
        CHECK(want != NULL && got != NULL);
        if (!schema_same(want, got)) fprintf(stderr, "    seed %u: schemas differ\n", seed);
        CHECK(schema_same(want, got));
        /* what renders as given renders folded, on every dialect */
        for (int d = 0; d < PW_DIALECT_COUNT; d++) {
            pw_migration_ops m1 = {"given", ops, n, false}, m2 = {"folded", out.items, out.len, false};
            pw_op_sql **sql;
            pw_schema *s1 = pw_schema_copy(a, start), *s2 = pw_schema_copy(a, start);
            int r1 = pw_render_run(a, s1, &m1, 1, (pw_dialect)d, false, &sql, &err);
            int r2 = pw_render_run(a, s2, &m2, 1, (pw_dialect)d, false, &sql, &err);
            if (r1 == 0 && r2 != 0)
                fprintf(stderr, "    seed %u %s: %s\n", seed, pw_dialect_name((pw_dialect)d),
                        err.message);
            CHECK(r1 != 0 || r2 == 0);
        }
        /* deterministic, and a fixed point does not grow */
        pw_oplist again = {0}, twice = {0};
        CHECK_INT(pw_optimize(a, start, ops, n, &again, &err), 0);
        CHECK_INT(again.len, out.len);
        for (size_t i = 0; i < out.len; i++) {
            CHECK_INT(again.items[i].kind, out.items[i].kind);
            CHECK_STR(pw_op_table(&again.items[i]), pw_op_table(&out.items[i]));
        }
        CHECK_INT(pw_optimize(a, start, out.items, out.len, &twice, &err), 0);
        CHECK(twice.len <= out.len);
        total_in += n;
        total_out += out.len;
        pw_arena_free(a);
    }
    /* the generator makes lists worth folding */
    CHECK(total_out * 10 < total_in * 9);
    CHECK(empty_start == 200);
}
