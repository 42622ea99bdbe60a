/*
 * test_ops.c - unit tests of ops.c: kind names, applying every operation
 * kind, their error paths, reverses (apply then reverse gives back the
 * original state), cross-table foreign-key updates on renames, "state
 * unchanged on error", and independence of the state from the op applied.
 */
#include "build.h"
#include "ops.h"
#include "pw_test.h"

/* ---------------------------------------------------------------------- */
/* Fixtures and helpers                                                   */

/* users(id pk, email unique, name; idx_users_name(name))
 * posts(id pk, author_id -> users.id, title, parent_id -> posts.id;
 *       idx_posts_author(author_id), comment "Posts")
 * tags(id pk, label) */
static pw_schema *fixture(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)")->unique = true;
    tb_col(a, u, "name", "VARCHAR(100)");
    tb_index(a, u, "idx_users_name", false, "name");
    pw_table *p = tb_table(a, s, "posts");
    p->comment = "Posts";
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_col(a, p, "title", "VARCHAR(200)");
    pw_column *parent = tb_fk(a, p, "parent_id", "posts");
    parent->null = true;
    parent->fk.on_delete = PW_FK_SET_NULL;
    tb_index(a, p, "idx_posts_author", false, "author_id");
    pw_table *t = tb_table(a, s, "tags");
    tb_pk(a, t);
    tb_col(a, t, "label", "VARCHAR(50)");
    return s;
}

/* Same tables in the same order, each equal. */
static bool schema_same(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++)
        if (!pw_table_equal(x->tables[i], y->tables[i])) return false;
    return true;
}

/* Same set of tables (matched by name), each equal; order ignored. */
static bool schema_same_tables(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++) {
        const pw_table *t = pw_schema_find_table(y, x->tables[i]->name);
        if (t == NULL || !pw_table_equal(x->tables[i], t)) return false;
    }
    return true;
}

/* Applies op to s, computes its reverse against the state before, applies
 * that, and returns 0 when everything succeeded, else the failing status.
 * *reversed receives the reverse op. */
static int apply_and_revert(pw_arena *a, pw_schema *s, const pw_op *op, pw_op *reversed,
                            pw_error *err) {
    pw_schema *before = pw_schema_copy(a, s);
    int rc = pw_op_reverse(a, before, op, reversed, err);
    if (rc) return rc;
    rc = pw_op_apply(a, s, op, err);
    if (rc) return rc;
    return pw_op_apply(a, s, reversed, err);
}

static pw_column *col_of(const pw_schema *s, const char *table, const char *column) {
    pw_table *t = pw_schema_find_table(s, table);
    return t ? pw_table_find_column(t, column) : NULL;
}

/* ---------------------------------------------------------------------- */
/* Names, lists, pw_op_table                                              */

TEST(test_ops_kind_names) {
    static const char *names[PW_OP_KIND_COUNT] = {
        "create_model", "delete_model", "rename_model", "alter_model",
        "add_field",    "remove_field", "alter_field",  "rename_field",
        "add_index",    "remove_index", "add_constraint", "remove_constraint",
        "run_sql",      "run_python"};
    for (int i = 0; i < PW_OP_KIND_COUNT; i++) {
        CHECK_STR(pw_op_kind_name((pw_op_kind)i), names[i]);
        CHECK_INT(pw_op_kind_from_name(names[i]), i);
    }
    CHECK_INT(pw_op_kind_from_name("drop_table"), -1);
    CHECK_INT(pw_op_kind_from_name("CREATE_MODEL"), -1);
    CHECK_INT(pw_op_kind_from_name(""), -1);
    CHECK_INT(pw_op_kind_from_name(NULL), -1);
    CHECK_STR(pw_op_kind_name((pw_op_kind)PW_OP_KIND_COUNT), "?");
}

TEST(test_ops_oplist_push_shallow) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist l = {0};
    pw_column *c = tb_column(a, "x", "INT");
    for (int i = 0; i < 100; i++) {
        pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
        op.column = c;
        CHECK_INT(pw_oplist_push(a, &l, &op, &err), 0);
    }
    CHECK_INT(l.len, 100);
    CHECK(l.cap >= 100);
    CHECK(l.items[0].column == c);
    CHECK(l.items[99].column == c);
    CHECK_STR(l.items[57].table, "users");
    CHECK_INT(l.items[57].kind, PW_OP_ADD_FIELD);
    pw_arena_free(a);
}

TEST(test_ops_op_table) {
    pw_arena *a = pw_arena_new();
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    CHECK(pw_op_table(&op) == NULL);
    op.model = tb_table(a, NULL, "things");
    CHECK_STR(pw_op_table(&op), "things");
    for (int k = PW_OP_DELETE_MODEL; k <= PW_OP_REMOVE_INDEX; k++) {
        pw_op o = tb_op((pw_op_kind)k, "users");
        CHECK_STR(pw_op_table(&o), "users");
    }
    pw_op sql = tb_op(PW_OP_RUN_SQL, "users");
    pw_op py = tb_op(PW_OP_RUN_PYTHON, "users");
    CHECK(pw_op_table(&sql) == NULL);
    CHECK(pw_op_table(&py) == NULL);
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* CREATE_MODEL / DELETE_MODEL                                            */

TEST(test_ops_create_model_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_table *m = tb_table(a, NULL, "comments");
    tb_pk(a, m);
    tb_fk(a, m, "post_id", "posts");
    tb_index(a, m, "idx_comments_post", false, "post_id");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_DELETE_MODEL);
    CHECK_STR(rev.table, "comments");
    CHECK(rev.table != m->name);
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(s->ntables, 4);
    CHECK_STR(s->tables[3]->name, "comments");
    CHECK(s->tables[3] != m);
    CHECK(pw_table_equal(s->tables[3], m));
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_create_model_exists) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_table *m = tb_table(a, NULL, "users");
    tb_pk(a, m);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_INT(err.code, PW_ERR_EXISTS);
    CHECK_STR(err.path, "users");
    CHECK_STR(err.message, "table users already exists");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_create_model_invalid_table) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_table *m = tb_table(a, NULL, "things");
    tb_pk(a, m);
    tb_col(a, m, "bad", "INT; DROP TABLE users");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "things.bad");
    CHECK(schema_same(s, orig));
    /* No model at all. */
    pw_op none = tb_op(PW_OP_CREATE_MODEL, NULL);
    CHECK_INT(pw_op_apply(a, s, &none, &err), PW_ERR_INVALID);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

/* Found by tests/fuzz: CREATE_MODEL accepted what ADD_INDEX and ADD_FIELD
 * refuse, so the reverse of REMOVE_INDEX / REMOVE_FIELD on such a table
 * failed. */
TEST(test_ops_create_model_refuses_what_add_refuses) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    /* an index naming one column twice */
    pw_table *m = tb_table(a, NULL, "things");
    tb_pk(a, m);
    tb_col(a, m, "name", "TEXT");
    tb_index(a, m, "idx_things_name", false, "name,name");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "idx_things_name");
    CHECK(strstr(err.message, "twice") != NULL);
    CHECK(schema_same(s, orig));
    /* a foreign key to table "" */
    m = tb_table(a, NULL, "things");
    tb_pk(a, m);
    tb_fk(a, m, "owner", "");
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "things.owner");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_create_model_index_name_taken_elsewhere) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_table *m = tb_table(a, NULL, "things");
    tb_pk(a, m);
    tb_col(a, m, "name", "TEXT");
    tb_index(a, m, "idx_users_name", false, "name");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_STR(err.path, "idx_users_name");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_create_model_bad_fk_targets) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    /* FK to a column users lacks. */
    pw_table *m = tb_table(a, NULL, "things");
    tb_pk(a, m);
    tb_fk(a, m, "user_id", "users")->fk.column = "uuid";
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "things.user_id");
    CHECK(schema_same(s, orig));
    /* Self-reference to a column the new table lacks. */
    pw_table *m2 = tb_table(a, NULL, "nodes");
    tb_pk(a, m2);
    tb_fk(a, m2, "parent_id", "nodes")->fk.column = "key";
    op.model = m2;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "nodes.parent_id");
    CHECK(schema_same(s, orig));
    /* A FK to a table outside the schema (another app) is fine. */
    pw_table *m3 = tb_table(a, NULL, "links");
    tb_pk(a, m3);
    tb_fk(a, m3, "other_id", "other_app_table");
    op.model = m3;
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(s->ntables, 4);
    pw_arena_free(a);
}

TEST(test_ops_delete_model_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    /* posts references itself only: deleting it is allowed. */
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "posts");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_CREATE_MODEL);
    CHECK(rev.model != s->tables[1]);
    CHECK(pw_table_equal(rev.model, s->tables[1]));
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(s->ntables, 2);
    CHECK(pw_schema_find_table(s, "posts") == NULL);
    CHECK_STR(s->tables[0]->name, "users");
    CHECK_STR(s->tables[1]->name, "tags");
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK_STR(s->tables[2]->name, "posts"); /* re-created at the end */
    CHECK(schema_same_tables(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_delete_model_referenced) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "users");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users");
    CHECK(strstr(err.message, "posts.author_id") != NULL);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_delete_model_not_found) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "nope");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    CHECK_STR(err.message, "table nope does not exist");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    pw_op notable = tb_op(PW_OP_DELETE_MODEL, NULL);
    CHECK_INT(pw_op_apply(a, s, &notable, &err), PW_ERR_INVALID);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* RENAME_MODEL / ALTER_MODEL                                             */

TEST(test_ops_rename_model_updates_fks) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RENAME_MODEL, "users");
    op.new_name = "accounts";
    pw_op rev;
    CHECK_INT(apply_and_revert(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_RENAME_MODEL);
    CHECK_STR(rev.table, "accounts");
    CHECK_STR(rev.new_name, "users");
    CHECK(schema_same(s, orig));
    /* Now forward only, and look. */
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(s->tables[0]->name, "accounts");
    CHECK(pw_schema_find_table(s, "users") == NULL);
    pw_column *fk = col_of(s, "posts", "author_id");
    CHECK_STR(fk->fk.table, "accounts");
    CHECK_STR(fk->fk.column, "id");
    CHECK_STR(fk->fk.name, "fk_posts_author_id"); /* constraint name is data: unchanged */
    CHECK_STR(col_of(s, "posts", "parent_id")->fk.table, "posts");
    CHECK(pw_table_find_index(s->tables[0], "idx_users_name") != NULL);
    pw_arena_free(a);
}

TEST(test_ops_rename_model_self_reference) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RENAME_MODEL, "posts");
    op.new_name = "articles";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(col_of(s, "articles", "parent_id")->fk.table, "articles");
    CHECK_STR(col_of(s, "articles", "parent_id")->fk.name, "fk_posts_parent_id");
    CHECK_STR(col_of(s, "articles", "author_id")->fk.table, "users");
    CHECK(pw_table_find_index(s->tables[1], "idx_posts_author") != NULL);
    pw_op back = tb_op(PW_OP_RENAME_MODEL, "articles");
    back.new_name = "posts";
    CHECK_INT(pw_op_apply(a, s, &back, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_rename_model_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RENAME_MODEL, "users");
    op.new_name = "tags";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_STR(err.path, "tags");
    CHECK_STR(err.message, "table tags already exists");
    op.new_name = "";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users");
    op.new_name = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    pw_op missing = tb_op(PW_OP_RENAME_MODEL, "ghosts");
    missing.new_name = "spirits";
    CHECK_INT(pw_op_apply(a, s, &missing, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "ghosts");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &missing, &rev, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "ghosts");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_rename_model_into_dangling_reference) {
    /* tags.owner_id points at "people.pk", a table not in the schema. Renaming
     * users (which has no "pk" column) to "people" would leave it dangling. */
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    tb_fk(a, s->tables[2], "owner_id", "people")->fk.column = "pk";
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RENAME_MODEL, "users");
    op.new_name = "people";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "people");
    CHECK(strstr(err.message, "tags.owner_id") != NULL);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_alter_model_comment) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    char buf[32] = "All users";
    pw_op op = tb_op(PW_OP_ALTER_MODEL, "users");
    op.comment = buf;
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_ALTER_MODEL);
    CHECK(rev.comment == NULL);
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    buf[0] = 'X';
    CHECK_STR(s->tables[0]->comment, "All users");
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    /* Clearing an existing comment, and its reverse restoring it. */
    pw_op clear = tb_op(PW_OP_ALTER_MODEL, "posts");
    CHECK_INT(apply_and_revert(a, s, &clear, &rev, &err), 0);
    CHECK_STR(rev.comment, "Posts");
    CHECK(schema_same(s, orig));
    CHECK_INT(pw_op_apply(a, s, &clear, &err), 0);
    CHECK(s->tables[1]->comment == NULL);
    pw_op missing = tb_op(PW_OP_ALTER_MODEL, "nope");
    CHECK_INT(pw_op_apply(a, s, &missing, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* ADD_FIELD / REMOVE_FIELD                                               */

TEST(test_ops_add_field_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_column *c = tb_column(a, "created_at", "TIMESTAMP");
    c->def.kind = PW_DEFAULT_EXPR;
    c->def.s = "CURRENT_TIMESTAMP";
    c->comment = "when";
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = c;
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_REMOVE_FIELD);
    CHECK_STR(rev.table, "users");
    CHECK_STR(rev.name, "created_at");
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    pw_table *u = s->tables[0];
    CHECK_INT(u->ncolumns, 4);
    CHECK(u->columns[3] != c);
    CHECK(pw_column_equal(u->columns[3], c));
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_add_field_exists_and_missing_table) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "email", "TEXT");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_STR(err.path, "users.email");
    CHECK_STR(err.message, "column users.email already exists");
    op.table = "nope";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_NOT_FOUND);
    op.table = "users";
    op.column = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_add_field_invalid_definitions) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");

    op.column = tb_column(a, "x", "INT); DROP TABLE users; --");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");

    op.column = tb_column(a, "x", "INT");
    op.column->type[PW_DIALECT_MYSQL] = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");
    CHECK(strstr(err.message, "mysql") != NULL);

    op.column = tb_column(a, "x", "INT");
    op.column->def.kind = PW_DEFAULT_EXPR;
    op.column->def.s = "1; DROP TABLE users";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");

    op.column = tb_column(a, "x", "INT");
    op.column->pk = true;
    op.column->null = true;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");
    CHECK_STR(err.message, "primary key users.x cannot be nullable");

    op.column = tb_column(a, "x", "INT");
    op.column->autoincrement = true;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");
    CHECK_STR(err.message, "column users.x is auto-increment but not the primary key");

    /* users already has a primary key. */
    op.column = tb_column(a, "x", "INT");
    op.column->pk = true;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");
    CHECK(strstr(err.message, "already has primary key id") != NULL);

    op.column = tb_column(a, "", "INT");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users");

    /* A foreign key without a constraint name. */
    op.column = tb_column(a, "x", "INT");
    op.column->fk.table = "tags";
    op.column->fk.column = "id";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.x");

    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_add_field_fk_targets) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_table *scratch = tb_table(a, NULL, "tags");
    pw_op op = tb_op(PW_OP_ADD_FIELD, "tags");
    op.column = tb_fk(a, scratch, "post_id", "posts");
    op.column->fk.column = "slug"; /* posts has no slug */
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "tags.post_id");
    op.column->fk.table = "tags"; /* self: tags has no slug either */
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "tags.post_id");
    CHECK(schema_same(s, orig));
    op.column->fk.table = "posts";
    op.column->fk.column = "id";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(col_of(s, "tags", "post_id")->fk.table, "posts");
    pw_arena_free(a);
}

TEST(test_ops_remove_field_last_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "tags");
    op.name = "label";
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_ADD_FIELD);
    CHECK(rev.column != s->tables[2]->columns[1]);
    CHECK(pw_column_equal(rev.column, s->tables[2]->columns[1]));
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(s->tables[2]->ncolumns, 1);
    CHECK(col_of(s, "tags", "label") == NULL);
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_remove_field_middle_reverse_appends) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "posts");
    op.name = "title";
    pw_op rev;
    CHECK_INT(apply_and_revert(a, s, &op, &rev, &err), 0);
    pw_table *p = s->tables[1];
    CHECK_INT(p->ncolumns, 4);
    CHECK_STR(p->columns[0]->name, "id");
    CHECK_STR(p->columns[1]->name, "author_id");
    CHECK_STR(p->columns[2]->name, "parent_id");
    CHECK_STR(p->columns[3]->name, "title");
    CHECK_STR(p->columns[3]->type[PW_DIALECT_POSTGRES], "VARCHAR(200)");
    pw_arena_free(a);
}

TEST(test_ops_remove_field_used_by_index) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "users");
    op.name = "name";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.name");
    CHECK_STR(err.message,
              "column users.name is used by index idx_users_name; remove index idx_users_name "
              "first");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_remove_field_referenced_by_fk) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    /* users.id is referenced by posts.author_id (another table). */
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "users");
    op.name = "id";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.id");
    CHECK(strstr(err.message, "posts.author_id") != NULL);
    /* posts.id is referenced by posts.parent_id (the same table). */
    op.table = "posts";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "posts.id");
    CHECK(strstr(err.message, "posts.parent_id") != NULL);
    CHECK(schema_same(s, orig));
    /* The referencing column itself can go. */
    op.name = "parent_id";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    pw_arena_free(a);
}

TEST(test_ops_remove_field_not_found) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "users");
    op.name = "age";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.age");
    CHECK_STR(err.message, "column users.age does not exist");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.age");
    op.table = "nope";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    op.table = "users";
    op.name = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* ALTER_FIELD / RENAME_FIELD                                             */

TEST(test_ops_alter_field_same_position_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_column *c = tb_column(a, "email", "VARCHAR(320)");
    tb_types(c, "TEXT", "VARCHAR(320)", "VARCHAR(320)");
    c->null = true;
    c->def.kind = PW_DEFAULT_STRING;
    c->def.s = "nobody@example.com";
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = c;
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_ALTER_FIELD);
    CHECK(pw_column_equal(rev.column, orig->tables[0]->columns[1]));
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    pw_table *u = s->tables[0];
    CHECK_INT(u->ncolumns, 3);
    CHECK_STR(u->columns[1]->name, "email");
    CHECK(u->columns[1] != c);
    CHECK(pw_column_equal(u->columns[1], c));
    CHECK_STR(u->columns[1]->type[PW_DIALECT_SQLITE], "TEXT");
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_alter_field_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "age", "INT");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.age");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.age");
    op.column = tb_column(a, "email", "VARCHAR('x')");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.email");
    /* Making email the pk while id already is. */
    op.column = tb_column(a, "email", "VARCHAR(255)");
    op.column->pk = true;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.email");
    /* A foreign key to a column the target lacks. */
    op.column = tb_column(a, "email", "VARCHAR(255)");
    op.column->fk.name = "fk_x";
    op.column->fk.table = "tags";
    op.column->fk.column = "nope";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.email");
    op.table = "nope";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    CHECK(schema_same(s, orig));
    /* Altering the pk column itself keeps pk and is fine. */
    op.table = "users";
    op.column = tb_column(a, "id", "BIGINT");
    op.column->pk = true;
    op.column->autoincrement = true;
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(s->tables[0]->columns[0]->type[PW_DIALECT_MYSQL], "BIGINT");
    pw_arena_free(a);
}

TEST(test_ops_rename_field_updates_indexes_and_fks) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    /* users.id -> users.uid: posts.author_id's fk.column follows. */
    pw_op op = tb_op(PW_OP_RENAME_FIELD, "users");
    op.name = "id";
    op.new_name = "uid";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(s->tables[0]->columns[0]->name, "uid");
    CHECK(s->tables[0]->columns[0]->pk);
    CHECK_STR(col_of(s, "posts", "author_id")->fk.column, "uid");
    CHECK_STR(col_of(s, "posts", "author_id")->fk.table, "users");
    CHECK_STR(col_of(s, "posts", "author_id")->fk.name, "fk_posts_author_id");
    /* posts.id -> posts.pid: the self-reference follows; users' FK does not. */
    op.table = "posts";
    op.name = "id";
    op.new_name = "pid";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(col_of(s, "posts", "parent_id")->fk.column, "pid");
    CHECK_STR(col_of(s, "posts", "author_id")->fk.column, "uid");
    /* posts.author_id -> writer_id: the index column list follows, its name stays. */
    op.name = "author_id";
    op.new_name = "writer_id";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    pw_index *ix = pw_table_find_index(s->tables[1], "idx_posts_author");
    CHECK(ix != NULL);
    CHECK_INT(ix->ncolumns, 1);
    CHECK_STR(ix->columns[0], "writer_id");
    CHECK_STR(col_of(s, "posts", "writer_id")->fk.name, "fk_posts_author_id");
    /* Undo all three in reverse order. */
    pw_op undo = tb_op(PW_OP_RENAME_FIELD, "posts");
    undo.name = "writer_id";
    undo.new_name = "author_id";
    CHECK_INT(pw_op_apply(a, s, &undo, &err), 0);
    undo.name = "pid";
    undo.new_name = "id";
    CHECK_INT(pw_op_apply(a, s, &undo, &err), 0);
    undo.table = "users";
    undo.name = "uid";
    CHECK_INT(pw_op_apply(a, s, &undo, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_rename_field_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RENAME_FIELD, "users");
    op.name = "name";
    op.new_name = "full_name";
    pw_op rev;
    CHECK_INT(apply_and_revert(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_RENAME_FIELD);
    CHECK_STR(rev.table, "users");
    CHECK_STR(rev.name, "full_name");
    CHECK_STR(rev.new_name, "name");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_rename_field_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RENAME_FIELD, "users");
    op.name = "name";
    op.new_name = "email";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_STR(err.path, "users.email");
    op.name = "age";
    op.new_name = "years";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.age");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.age");
    op.name = "name";
    op.new_name = "";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.name");
    op.table = "nope";
    op.new_name = "x";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* ADD_INDEX / REMOVE_INDEX                                               */

TEST(test_ops_add_index_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_index *ix = tb_index(a, NULL, "uq_posts_author_title", true, "author_id,title");
    pw_op op = tb_op(PW_OP_ADD_INDEX, "posts");
    op.index = ix;
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_REMOVE_INDEX);
    CHECK_STR(rev.table, "posts");
    CHECK_STR(rev.name, "uq_posts_author_title");
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    pw_table *p = s->tables[1];
    CHECK_INT(p->nindexes, 2);
    CHECK(p->indexes[1] != ix);
    CHECK(p->indexes[1]->columns != ix->columns);
    CHECK(pw_index_equal(p->indexes[1], ix));
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_add_index_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_ADD_INDEX, "posts");
    /* Same table. */
    op.index = tb_index(a, NULL, "idx_posts_author", false, "title");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_STR(err.path, "idx_posts_author");
    /* Name used by another table: unique in the whole schema. */
    op.index = tb_index(a, NULL, "idx_users_name", false, "title");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_EXISTS);
    CHECK_STR(err.path, "idx_users_name");
    CHECK(strstr(err.message, "users") != NULL);
    /* A column the table lacks. */
    op.index = tb_index(a, NULL, "idx_posts_x", false, "title,slug");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "posts.slug");
    /* No columns; a column twice; no name. */
    op.index = tb_index(a, NULL, "idx_posts_x", false, "title");
    op.index->ncolumns = 0;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "idx_posts_x");
    op.index = tb_index(a, NULL, "idx_posts_x", false, "title,title");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "idx_posts_x");
    op.index = tb_index(a, NULL, "", false, "title");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "posts");
    op.index = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    /* Table missing. */
    op.table = "nope";
    op.index = tb_index(a, NULL, "idx_nope", false, "title");
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_remove_index_and_reverse) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_REMOVE_INDEX, "users");
    op.name = "idx_users_name";
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_ADD_INDEX);
    CHECK(rev.index != s->tables[0]->indexes[0]);
    CHECK(pw_index_equal(rev.index, s->tables[0]->indexes[0]));
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(s->tables[0]->nindexes, 0);
    /* Now the column is free to go. */
    pw_op rm = tb_op(PW_OP_REMOVE_FIELD, "users");
    rm.name = "name";
    pw_schema *mid = pw_schema_copy(a, s);
    CHECK_INT(pw_op_apply(a, mid, &rm, &err), 0);
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_remove_index_not_found) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    /* The index exists, but on another table. */
    pw_op op = tb_op(PW_OP_REMOVE_INDEX, "users");
    op.name = "idx_posts_author";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "idx_posts_author");
    CHECK_STR(err.message, "index idx_posts_author of table users does not exist");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "idx_posts_author");
    op.table = "nope";
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* RUN_SQL / RUN_PYTHON                                                   */

TEST(test_ops_run_sql) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RUN_SQL, NULL);
    op.sql_forward = "UPDATE users SET name = 'x'";
    op.sql_backward = "UPDATE users SET name = ''";
    pw_op rev;
    CHECK_INT(apply_and_revert(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_RUN_SQL);
    CHECK_STR(rev.sql_forward, "UPDATE users SET name = ''");
    CHECK_STR(rev.sql_backward, "UPDATE users SET name = 'x'");
    CHECK(rev.sql_forward != op.sql_backward);
    CHECK(schema_same(s, orig));
    op.sql_backward = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_IRREVERSIBLE);
    CHECK_INT(err.code, PW_ERR_IRREVERSIBLE);
    op.sql_forward = NULL;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_run_python) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op op = tb_op(PW_OP_RUN_PYTHON, NULL);
    op.reversible = true;
    pw_op rev;
    CHECK_INT(apply_and_revert(a, s, &op, &rev, &err), 0);
    CHECK_INT(rev.kind, PW_OP_RUN_PYTHON);
    CHECK(rev.reversible);
    CHECK(schema_same(s, orig));
    op.reversible = false;
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), PW_ERR_IRREVERSIBLE);
    CHECK(schema_same(s, orig));
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Deep copies, apply_all, apply_table, odd input                         */

TEST(test_ops_state_independent_of_op) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *m = tb_table(a, NULL, "things");
    tb_pk(a, m);
    tb_col(a, m, "label", "TEXT");
    tb_index(a, m, "idx_things_label", false, "label");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    pw_table *snapshot = pw_table_copy(a, m);
    m->name = "changed";
    m->columns[1]->name = "changed";
    m->columns[1]->type[PW_DIALECT_SQLITE] = "BLOB";
    m->indexes[0]->columns[0] = "id";
    m->ncolumns = 1;
    CHECK(pw_table_equal(s->tables[0], snapshot));

    pw_op add = tb_op(PW_OP_ADD_FIELD, "things");
    add.column = tb_column(a, "qty", "INT");
    CHECK_INT(pw_op_apply(a, s, &add, &err), 0);
    add.column->name = "zzz";
    add.column->null = true;
    CHECK_STR(s->tables[0]->columns[2]->name, "qty");
    CHECK(!s->tables[0]->columns[2]->null);

    pw_op ix = tb_op(PW_OP_ADD_INDEX, "things");
    ix.index = tb_index(a, NULL, "idx_things_qty", true, "qty");
    CHECK_INT(pw_op_apply(a, s, &ix, &err), 0);
    ix.index->columns[0] = "label";
    ix.index->unique = false;
    CHECK_STR(s->tables[0]->indexes[1]->columns[0], "qty");
    CHECK(s->tables[0]->indexes[1]->unique);

    char newname[16] = "amount";
    pw_op rn = tb_op(PW_OP_RENAME_FIELD, "things");
    rn.name = "qty";
    rn.new_name = newname;
    CHECK_INT(pw_op_apply(a, s, &rn, &err), 0);
    newname[0] = 'X';
    CHECK_STR(s->tables[0]->columns[2]->name, "amount");
    CHECK_STR(s->tables[0]->indexes[1]->columns[0], "amount");

    char tname[16] = "items";
    pw_op rm = tb_op(PW_OP_RENAME_MODEL, "things");
    rm.new_name = tname;
    CHECK_INT(pw_op_apply(a, s, &rm, &err), 0);
    tname[0] = 'X';
    CHECK_STR(s->tables[0]->name, "items");

    pw_op alt = tb_op(PW_OP_ALTER_FIELD, "items");
    alt.column = tb_column(a, "label", "VARCHAR(10)");
    CHECK_INT(pw_op_apply(a, s, &alt, &err), 0);
    alt.column->type[PW_DIALECT_POSTGRES] = "TEXT";
    CHECK_STR(s->tables[0]->columns[1]->type[PW_DIALECT_POSTGRES], "VARCHAR(10)");
    pw_arena_free(a);
}

TEST(test_ops_reverse_is_independent_of_state) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "tags");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    pw_table *snapshot = pw_table_copy(a, s->tables[2]);
    s->tables[2]->columns[1]->name = "mutated";
    s->tables[2]->name = "mutated";
    CHECK(pw_table_equal(rev.model, snapshot));
    pw_arena_free(a);
}

TEST(test_ops_apply_all_and_reverse_all) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op ops[12];
    size_t n = 0;
    pw_table *m = tb_table(a, NULL, "comments");
    tb_pk(a, m);
    tb_fk(a, m, "post_id", "posts");
    ops[n] = tb_op(PW_OP_CREATE_MODEL, NULL);
    ops[n++].model = m;
    ops[n] = tb_op(PW_OP_ADD_FIELD, "comments");
    ops[n++].column = tb_column(a, "body", "TEXT");
    ops[n] = tb_op(PW_OP_ADD_INDEX, "comments");
    ops[n++].index = tb_index(a, NULL, "idx_comments_body", false, "body");
    ops[n] = tb_op(PW_OP_RENAME_MODEL, "posts");
    ops[n++].new_name = "articles";
    ops[n] = tb_op(PW_OP_RENAME_FIELD, "articles");
    ops[n].name = "id";
    ops[n++].new_name = "article_id";
    ops[n] = tb_op(PW_OP_ALTER_MODEL, "users");
    ops[n++].comment = "People";
    ops[n] = tb_op(PW_OP_ALTER_FIELD, "users");
    ops[n++].column = tb_column(a, "name", "VARCHAR(200)");
    ops[n] = tb_op(PW_OP_REMOVE_INDEX, "users");
    ops[n++].name = "idx_users_name";
    ops[n] = tb_op(PW_OP_REMOVE_FIELD, "users");
    ops[n++].name = "name";
    ops[n] = tb_op(PW_OP_DELETE_MODEL, "tags");
    n++;
    ops[n] = tb_op(PW_OP_RUN_SQL, NULL);
    ops[n].sql_forward = "SELECT 1";
    ops[n++].sql_backward = "SELECT 2";
    ops[n] = tb_op(PW_OP_RUN_PYTHON, NULL);
    ops[n++].reversible = true;

    /* Reverse each op against the state just before it. */
    pw_op revs[12];
    pw_schema *cur = pw_schema_copy(a, s);
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(pw_op_reverse(a, cur, &ops[i], &revs[i], &err), 0);
        CHECK_INT(pw_op_apply(a, cur, &ops[i], &err), 0);
    }
    CHECK_INT(pw_ops_apply_all(a, s, ops, n, &err), 0);
    CHECK(schema_same(s, cur));
    CHECK_STR(col_of(s, "comments", "post_id")->fk.table, "articles");
    CHECK_STR(col_of(s, "comments", "post_id")->fk.column, "article_id");
    CHECK_STR(col_of(s, "articles", "parent_id")->fk.column, "article_id");
    pw_op back[12];
    for (size_t i = 0; i < n; i++) back[i] = revs[n - 1 - i];
    CHECK_INT(pw_ops_apply_all(a, s, back, n, &err), 0);
    CHECK(schema_same_tables(s, orig));
    pw_arena_free(a);
}

TEST(test_ops_apply_all_error_prefix) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_op ops[3];
    ops[0] = tb_op(PW_OP_ALTER_MODEL, "users");
    ops[0].comment = "People";
    ops[1] = tb_op(PW_OP_RUN_PYTHON, NULL);
    ops[2] = tb_op(PW_OP_ADD_FIELD, "users");
    ops[2].column = tb_column(a, "email", "TEXT");
    CHECK_INT(pw_ops_apply_all(a, s, ops, 3, &err), PW_ERR_EXISTS);
    CHECK_INT(err.code, PW_ERR_EXISTS);
    CHECK_STR(err.path, "users.email");
    CHECK_STR(err.message, "operation 3 (add_field): column users.email already exists");
    /* Operations before the failing one stay applied. */
    CHECK_STR(s->tables[0]->comment, "People");
    ops[0] = tb_op(PW_OP_DELETE_MODEL, "ghosts");
    CHECK_INT(pw_ops_apply_all(a, s, ops, 1, &err), PW_ERR_NOT_FOUND);
    CHECK_STR(err.message, "operation 1 (delete_model): table ghosts does not exist");
    CHECK_STR(err.path, "ghosts");
    CHECK_INT(pw_ops_apply_all(a, s, ops, 0, &err), 0);
    pw_arena_free(a);
}

TEST(test_ops_apply_table_local) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_table *t = tb_table(a, NULL, "users");
    tb_pk(a, t);
    tb_col(a, t, "name", "TEXT");
    tb_fk(a, t, "boss_id", "users");
    tb_index(a, t, "idx_users_name", false, "name");
    pw_table *orig = pw_table_copy(a, t);

    pw_op rn = tb_op(PW_OP_RENAME_FIELD, "users");
    rn.name = "id";
    rn.new_name = "uid";
    CHECK_INT(pw_op_apply_table(a, t, &rn, &err), 0);
    CHECK_STR(t->columns[0]->name, "uid");
    CHECK_STR(t->columns[2]->fk.column, "uid"); /* self-reference follows */
    rn.name = "name";
    rn.new_name = "full_name";
    CHECK_INT(pw_op_apply_table(a, t, &rn, &err), 0);
    CHECK_STR(t->indexes[0]->columns[0], "full_name");

    pw_op rm = tb_op(PW_OP_REMOVE_FIELD, "users");
    rm.name = "uid";
    CHECK_INT(pw_op_apply_table(a, t, &rm, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.uid");
    CHECK(strstr(err.message, "users.boss_id") != NULL);

    pw_op al = tb_op(PW_OP_ALTER_MODEL, "users");
    al.comment = "c";
    CHECK_INT(pw_op_apply_table(a, t, &al, &err), 0);
    CHECK_STR(t->comment, "c");

    static const pw_op_kind not_local[] = {PW_OP_CREATE_MODEL, PW_OP_DELETE_MODEL,
                                           PW_OP_RENAME_MODEL, PW_OP_RUN_SQL,
                                           PW_OP_RUN_PYTHON};
    pw_table *before = pw_table_copy(a, t);
    for (size_t i = 0; i < sizeof not_local / sizeof *not_local; i++) {
        pw_op op = tb_op(not_local[i], "users");
        op.new_name = "x";
        op.sql_forward = "SELECT 1";
        op.model = orig;
        CHECK_INT(pw_op_apply_table(a, t, &op, &err), PW_ERR_INVALID);
        CHECK(pw_table_equal(t, before));
    }
    pw_arena_free(a);
}

TEST(test_ops_unchanged_on_every_error) {
    /* A table of failing operations; each must leave s exactly as it was. */
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_schema *orig = pw_schema_copy(a, s);
    pw_op ops[10];
    int want[10];
    size_t n = 0;
    ops[n] = tb_op(PW_OP_RENAME_MODEL, "users");
    ops[n].new_name = "posts";
    want[n++] = PW_ERR_EXISTS;
    ops[n] = tb_op(PW_OP_DELETE_MODEL, "users");
    want[n++] = PW_ERR_INVALID;
    ops[n] = tb_op(PW_OP_RENAME_FIELD, "posts");
    ops[n].name = "author_id";
    ops[n].new_name = "title";
    want[n++] = PW_ERR_EXISTS;
    ops[n] = tb_op(PW_OP_REMOVE_FIELD, "posts");
    ops[n].name = "author_id";
    want[n++] = PW_ERR_INVALID;
    ops[n] = tb_op(PW_OP_ADD_INDEX, "tags");
    ops[n].index = tb_index(a, NULL, "idx_posts_author", false, "label");
    want[n++] = PW_ERR_EXISTS;
    ops[n] = tb_op(PW_OP_ALTER_FIELD, "tags");
    ops[n].column = tb_column(a, "label", "TEXT");
    ops[n].column->autoincrement = true;
    want[n++] = PW_ERR_INVALID;
    ops[n] = tb_op(PW_OP_REMOVE_INDEX, "tags");
    ops[n].name = "idx_users_name";
    want[n++] = PW_ERR_NOT_FOUND;
    ops[n] = tb_op(PW_OP_ALTER_MODEL, NULL);
    want[n++] = PW_ERR_INVALID;
    ops[n] = tb_op((pw_op_kind)99, "users");
    want[n++] = PW_ERR_INVALID;
    for (size_t i = 0; i < n; i++) {
        pw_error_clear(&err);
        CHECK_INT(pw_op_apply(a, s, &ops[i], &err), want[i]);
        CHECK_INT(err.code, want[i]);
        CHECK(err.message[0] != '\0');
        CHECK(schema_same(s, orig));
    }
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &ops[n - 1], &rev, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}

TEST(test_ops_reverse_of_create_then_state_checks) {
    /* The reverse of ADD_FIELD of an FK column, then DELETE of the target:
     * removing the referencing column first makes the delete legal. */
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = fixture(a);
    pw_op add = tb_op(PW_OP_ADD_FIELD, "tags");
    pw_table *scratch = tb_table(a, NULL, "tags");
    add.column = tb_fk(a, scratch, "post_id", "posts");
    pw_op rev;
    CHECK_INT(pw_op_reverse(a, s, &add, &rev, &err), 0);
    CHECK_INT(pw_op_apply(a, s, &add, &err), 0);
    pw_op del = tb_op(PW_OP_DELETE_MODEL, "posts");
    CHECK_INT(pw_op_apply(a, s, &del, &err), PW_ERR_INVALID);
    CHECK(strstr(err.message, "tags.post_id") != NULL);
    CHECK_INT(pw_op_apply(a, s, &rev, &err), 0);
    CHECK_INT(pw_op_apply(a, s, &del, &err), 0);
    CHECK(pw_schema_find_table(s, "posts") == NULL);
    CHECK_INT(pw_schema_check(s, &err), 0);
    pw_arena_free(a);
}

/* ---------------------------------------------------------------------- */
/* Model identities                                                       */

TEST(test_ops_model_identity_is_kept) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = pw_schema_new(a);
    pw_error err;
    pw_table *m = tb_table(a, NULL, "customers");
    m->model = "models.Customer";
    tb_pk(a, m);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(s->tables[0]->model, "models.Customer");
    CHECK(s->tables[0]->model != m->model); /* copied into the state */
    op = tb_op(PW_OP_RENAME_MODEL, "customers");
    op.new_name = "clients";
    CHECK_INT(pw_op_apply(a, s, &op, &err), 0);
    CHECK_STR(s->tables[0]->model, "models.Customer");
    /* DELETE_MODEL's reverse creates the table with its identity. */
    pw_op rev;
    op = tb_op(PW_OP_DELETE_MODEL, "clients");
    CHECK_INT(pw_op_reverse(a, s, &op, &rev, &err), 0);
    CHECK_STR(rev.model->model, "models.Customer");
    /* An empty identity is invalid. */
    m = tb_table(a, NULL, "other");
    m->model = "";
    tb_pk(a, m);
    op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = m;
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}
