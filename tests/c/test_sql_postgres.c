/*
 * test_sql_postgres.c - tests of sql_postgres.c through pw_sql_render_op:
 * the exact statements of every operation kind on PostgreSQL, their order,
 * and the errors (missing objects, unsupported changes).
 */
#include <math.h>

#include "build.h"
#include "pw_test.h"
#include "render.h"
#include "sql.h"

#define PG PW_DIALECT_POSTGRES

/* Renders op against s for PostgreSQL. Returns every statement followed by
 * ";\n" (so statement boundaries show), "" when there are none, or NULL
 * with *rc the error. */
static const char *pg(pw_arena *a, const pw_schema *s, const pw_op *op, int *rc, pw_error *err) {
    return tb_sql(a, s, op, PG, rc, err);
}

/* users(id, email unique, name, bio nullable with comment);
 * posts(id, author_id -> users, title, slug unique) with a non-unique index
 * on title and a unique index on (author_id, slug). */
static pw_schema *blog(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)")->unique = true;
    tb_col(a, u, "name", "VARCHAR(50)");
    pw_column *bio = tb_col(a, u, "bio", "TEXT");
    bio->null = true;
    bio->comment = "About the user";
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_col(a, p, "title", "VARCHAR(200)");
    tb_col(a, p, "slug", "VARCHAR(100)")->unique = true;
    tb_index(a, p, "idx_posts_title", false, "title");
    tb_index(a, p, "uid_posts_author_slug", true, "author_id,slug");
    return s;
}

/* The column as it is in s, copied, to be changed for an ALTER_FIELD. */
static pw_column *copy_col(pw_arena *a, pw_schema *s, const char *table, const char *column) {
    return pw_column_copy(a, pw_table_find_column(pw_schema_find_table(s, table), column));
}

TEST(test_pg_create_model_columns) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "users");
    tb_pk(a, t);
    tb_col(a, t, "name", "VARCHAR(50)");
    tb_col(a, t, "bio", "TEXT")->null = true;
    tb_col(a, t, "active", "BOOL")->def = (pw_default){.kind = PW_DEFAULT_BOOL, .i = 1};
    tb_col(a, t, "note", "VARCHAR(20)")->def = (pw_default){.kind = PW_DEFAULT_STRING,
                                                             .s = "it's \\n"};
    tb_col(a, t, "score", "DOUBLE PRECISION")->def = (pw_default){.kind = PW_DEFAULT_FLOAT,
                                                                   .f = 0.5};
    tb_col(a, t, "created", "TIMESTAMPTZ")->def = (pw_default){.kind = PW_DEFAULT_EXPR,
                                                                .s = "CURRENT_TIMESTAMP"};
    tb_col(a, t, "n", "INT")->def = (pw_default){.kind = PW_DEFAULT_INT, .i = -7};
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    CHECK_STR(pg(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE \"users\" (\n"
              "    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"name\" VARCHAR(50) NOT NULL,\n"
              "    \"bio\" TEXT,\n"
              "    \"active\" BOOL NOT NULL DEFAULT TRUE,\n"
              "    \"note\" VARCHAR(20) NOT NULL DEFAULT 'it''s \\n',\n"
              "    \"score\" DOUBLE PRECISION NOT NULL DEFAULT 0.5,\n"
              "    \"created\" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
              "    \"n\" INT NOT NULL DEFAULT -7\n"
              ");\n");
    pw_arena_free(a);
}

TEST(test_pg_create_model_constraints_indexes_comments) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *p = pw_schema_find_table(s, "posts");
    p->comment = "Blog's posts";
    pw_table_find_column(p, "title")->comment = "Shown \"as is\"";
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = p;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "CREATE TABLE \"posts\" (\n"
              "    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"author_id\" INT NOT NULL,\n"
              "    \"title\" VARCHAR(200) NOT NULL,\n"
              "    \"slug\" VARCHAR(100) NOT NULL,\n"
              "    CONSTRAINT \"posts_slug_key\" UNIQUE (\"slug\"),\n"
              "    CONSTRAINT \"uid_posts_author_slug\" UNIQUE (\"author_id\", \"slug\"),\n"
              "    CONSTRAINT \"fk_posts_author_id\" FOREIGN KEY (\"author_id\") REFERENCES "
              "\"users\" (\"id\") ON DELETE CASCADE\n"
              ");\n"
              "CREATE INDEX \"idx_posts_title\" ON \"posts\" (\"title\");\n"
              "COMMENT ON TABLE \"posts\" IS 'Blog''s posts';\n"
              "COMMENT ON COLUMN \"posts\".\"title\" IS 'Shown \"as is\"';\n");
    pw_arena_free(a);
}

TEST(test_pg_create_model_primary_keys) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    const char *types[][2] = {{"BIGINT", "BIGSERIAL"}, {"smallint", "SMALLSERIAL"},
                              {"INTEGER", "SERIAL"},   {"INT8", "BIGSERIAL"},
                              {"serial", "SERIAL"}};
    for (int i = 0; i < 5; i++) {
        pw_table *t = tb_table(a, NULL, "t");
        tb_types(tb_pk(a, t), "INTEGER", types[i][0], "BIGINT");
        op.model = t;
        char want[128];
        snprintf(want, sizeof want,
                 "CREATE TABLE \"t\" (\n    \"id\" %s NOT NULL PRIMARY KEY\n);\n", types[i][1]);
        CHECK_STR(pg(a, pw_schema_new(a), &op, &rc, &err), want);
    }
    /* a primary key that is not generated keeps its type and may have a default */
    pw_table *t = tb_table(a, NULL, "codes");
    pw_column *code = tb_col(a, t, "code", "VARCHAR(8)");
    code->pk = true;
    code->unique = true; /* ignored on the primary key */
    code->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "x"};
    op.model = t;
    CHECK_STR(pg(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE \"codes\" (\n"
              "    \"code\" VARCHAR(8) NOT NULL PRIMARY KEY DEFAULT 'x'\n"
              ");\n");
    /* auto-increment needs an integer */
    code->autoincrement = true;
    CHECK(pg(a, pw_schema_new(a), &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK_STR(err.path, "codes.code");
    CHECK(strstr(err.message, "VARCHAR(8)") != NULL);
    pw_arena_free(a);
}

TEST(test_pg_create_model_awkward_names) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "order");
    tb_pk(a, t);
    tb_fk(a, t, "user", "user");
    pw_column *w = tb_col(a, t, "we\"ird`col", "VARCHAR(10)");
    w->unique = true;
    w->comment = "quote ' and \\";
    tb_col(a, t, "select", "INT");
    tb_index(a, t, "idx \"order\"", false, "select,we\"ird`col");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    CHECK_STR(pg(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE \"order\" (\n"
              "    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"user\" INT NOT NULL,\n"
              "    \"we\"\"ird`col\" VARCHAR(10) NOT NULL,\n"
              "    \"select\" INT NOT NULL,\n"
              "    CONSTRAINT \"order_we\"\"ird`col_key\" UNIQUE (\"we\"\"ird`col\"),\n"
              "    CONSTRAINT \"fk_order_user\" FOREIGN KEY (\"user\") REFERENCES \"user\" "
              "(\"id\") ON DELETE CASCADE\n"
              ");\n"
              "CREATE INDEX \"idx \"\"order\"\"\" ON \"order\" (\"select\", \"we\"\"ird`col\");\n"
              "COMMENT ON COLUMN \"order\".\"we\"\"ird`col\" IS 'quote '' and \\';\n");
    pw_arena_free(a);
}

TEST(test_pg_create_model_empty_and_long_unique_name) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = tb_table(a, NULL, "e");
    CHECK_STR(pg(a, pw_schema_new(a), &op, &rc, &err), "CREATE TABLE \"e\" ();\n");
    pw_table *t = tb_table(a, NULL, "tttttttttttttttttttttttttttttttttttttttt");
    tb_col(a, t, "column_with_long_name_x", "INT")->unique = true;
    op.model = t;
    CHECK_STR(pg(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE \"tttttttttttttttttttttttttttttttttttttttt\" (\n"
              "    \"column_with_long_name_x\" INT NOT NULL,\n"
              "    CONSTRAINT \"tttttttttttttttttttttttttttttttttttttttt_column_with_l_05d44859\""
              " UNIQUE (\"column_with_long_name_x\")\n"
              ");\n");
    pw_arena_free(a);
}

TEST(test_pg_delete_and_rename_model) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "posts");
    CHECK_STR(pg(a, s, &op, &rc, &err), "DROP TABLE \"posts\";\n");
    op = tb_op(PW_OP_DELETE_MODEL, "nope");
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");

    op = tb_op(PW_OP_RENAME_MODEL, "posts");
    op.new_name = "articles";
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" RENAME TO \"articles\";\n"
              "ALTER TABLE \"articles\" RENAME CONSTRAINT \"posts_slug_key\" TO "
              "\"articles_slug_key\";\n");
    /* no unique column: the rename alone; the pk's unique flag makes no constraint */
    pw_table_pk(pw_schema_find_table(s, "users"))->unique = true;
    pw_table_find_column(pw_schema_find_table(s, "users"), "email")->unique = false;
    op = tb_op(PW_OP_RENAME_MODEL, "users");
    op.new_name = "user";
    CHECK_STR(pg(a, s, &op, &rc, &err), "ALTER TABLE \"users\" RENAME TO \"user\";\n");
    op = tb_op(PW_OP_RENAME_MODEL, "ghost");
    op.new_name = "x";
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    pw_arena_free(a);
}

TEST(test_pg_alter_model_comment) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_MODEL, "users");
    op.comment = "People's \"accounts\"\nsecond line";
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "COMMENT ON TABLE \"users\" IS 'People''s \"accounts\"\nsecond line';\n");
    op.comment = NULL;
    CHECK_STR(pg(a, s, &op, &rc, &err), "COMMENT ON TABLE \"users\" IS NULL;\n");
    pw_arena_free(a);
}

TEST(test_pg_add_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    pw_column *c = tb_column(a, "age", "SMALLINT");
    c->null = true;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err), "ALTER TABLE \"users\" ADD COLUMN \"age\" SMALLINT;\n");

    c = tb_column(a, "editor_id", "INT");
    c->unique = true;
    c->def = (pw_default){.kind = PW_DEFAULT_INT, .i = 1};
    c->comment = "Who edits";
    c->fk = (pw_fk){.name = "fk_users_editor", .table = "users", .column = "id",
                    .on_delete = PW_FK_RESTRICT};
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ADD COLUMN \"editor_id\" INT NOT NULL DEFAULT 1;\n"
              "ALTER TABLE \"users\" ADD CONSTRAINT \"users_editor_id_key\" UNIQUE "
              "(\"editor_id\");\n"
              "ALTER TABLE \"users\" ADD CONSTRAINT \"fk_users_editor\" FOREIGN KEY "
              "(\"editor_id\") REFERENCES \"users\" (\"id\") ON DELETE RESTRICT;\n"
              "COMMENT ON COLUMN \"users\".\"editor_id\" IS 'Who edits';\n");

    pw_table *bare = tb_table(a, s, "bare");
    tb_col(a, bare, "x", "INT");
    c = tb_column(a, "id", "BIGINT");
    c->pk = c->autoincrement = true;
    op = tb_op(PW_OP_ADD_FIELD, "bare");
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"bare\" ADD COLUMN \"id\" BIGSERIAL NOT NULL PRIMARY KEY;\n");

    op = tb_op(PW_OP_ADD_FIELD, "ghost");
    op.column = c;
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    pw_arena_free(a);
}

TEST(test_pg_remove_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "posts");
    op.name = "author_id"; /* the foreign key and unique constraints go with the column */
    CHECK_STR(pg(a, s, &op, &rc, &err), "ALTER TABLE \"posts\" DROP COLUMN \"author_id\";\n");
    op.name = "zz";
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "posts.zz");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_type_null_default) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");

    pw_column *c = copy_col(a, s, "users", "name");
    tb_types(c, "TEXT", "VARCHAR(100)", "VARCHAR(100)");
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"name\" TYPE VARCHAR(100) USING "
              "\"name\"::VARCHAR(100);\n");

    c = copy_col(a, s, "users", "name");
    c->null = true;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"name\" DROP NOT NULL;\n");
    c = copy_col(a, s, "users", "bio");
    c->null = false;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"bio\" SET NOT NULL;\n");

    c = copy_col(a, s, "users", "name");
    c->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "O'Brien"};
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"name\" SET DEFAULT 'O''Brien';\n");
    pw_table_find_column(pw_schema_find_table(s, "users"), "name")->def = c->def;
    c = copy_col(a, s, "users", "name");
    c->def.kind = PW_DEFAULT_NONE;
    c->def.s = NULL;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"name\" DROP DEFAULT;\n");

    /* unchanged: nothing to do */
    op.column = copy_col(a, s, "users", "name");
    CHECK_STR(pg(a, s, &op, &rc, &err), "");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_type_with_default) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *u = pw_schema_find_table(s, "users");
    pw_column *lvl = tb_col(a, u, "level", "VARCHAR(5)");
    lvl->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "low"};
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");

    /* the old default cannot cast to the new type: dropped before the type changes */
    pw_column *c = copy_col(a, s, "users", "level");
    tb_types(c, "INT", "INT", "INT");
    c->def = (pw_default){.kind = PW_DEFAULT_INT, .i = 3};
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"level\" DROP DEFAULT;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"level\" TYPE INT USING \"level\"::INT;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"level\" SET DEFAULT 3;\n");
    /* default removed with the type change: one DROP DEFAULT */
    c->def = (pw_default){.kind = PW_DEFAULT_NONE};
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"level\" DROP DEFAULT;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"level\" TYPE INT USING \"level\"::INT;\n");
    /* default unchanged: PostgreSQL converts it with the column */
    c = copy_col(a, s, "users", "level");
    tb_types(c, "TEXT", "TEXT", "TEXT");
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"level\" TYPE TEXT USING \"level\"::TEXT;\n");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_unique) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "email");
    c->unique = false;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" DROP CONSTRAINT \"users_email_key\";\n");
    c = copy_col(a, s, "users", "name");
    c->unique = true;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ADD CONSTRAINT \"users_name_key\" UNIQUE (\"name\");\n");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    pw_column *c = copy_col(a, s, "posts", "author_id");
    c->fk.on_delete = PW_FK_SET_NULL;
    c->fk.name = "fk_posts_author_2";
    c->null = true;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"fk_posts_author_id\";\n"
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" DROP NOT NULL;\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"fk_posts_author_2\" FOREIGN KEY "
              "(\"author_id\") REFERENCES \"users\" (\"id\") ON DELETE SET NULL;\n");
    /* removed */
    c = copy_col(a, s, "posts", "author_id");
    c->fk = (pw_fk){0};
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"fk_posts_author_id\";\n");
    /* added */
    c = copy_col(a, s, "posts", "title");
    tb_types(c, "INT", "INT", "INT");
    c->fk = (pw_fk){.name = "fk_t", .table = "users", .column = "id",
                    .on_delete = PW_FK_NO_ACTION};
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" ALTER COLUMN \"title\" TYPE INT USING \"title\"::INT;\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"fk_t\" FOREIGN KEY (\"title\") "
              "REFERENCES \"users\" (\"id\") ON DELETE NO ACTION;\n");
    /* type change of a foreign-key column keeps the constraint */
    c = copy_col(a, s, "posts", "author_id");
    tb_types(c, "INT", "BIGINT", "BIGINT");
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" TYPE BIGINT USING "
              "\"author_id\"::BIGINT;\n");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_comment) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "bio");
    c->comment = NULL;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err), "COMMENT ON COLUMN \"users\".\"bio\" IS NULL;\n");
    c->comment = "It's new";
    CHECK_STR(pg(a, s, &op, &rc, &err), "COMMENT ON COLUMN \"users\".\"bio\" IS 'It''s new';\n");
    c->comment = "About the user"; /* same text, another pointer */
    CHECK_STR(pg(a, s, &op, &rc, &err), "");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_everything_in_order) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_column *old = pw_table_find_column(pw_schema_find_table(s, "posts"), "author_id");
    old->unique = true;
    old->comment = "old";
    old->def = (pw_default){.kind = PW_DEFAULT_INT, .i = 1};
    pw_column *c = pw_column_copy(a, old);
    c->unique = false;
    c->null = true;
    tb_types(c, "INTEGER", "BIGINT", "BIGINT");
    c->def = (pw_default){.kind = PW_DEFAULT_INT, .i = 2};
    c->comment = "new";
    c->fk.table = "posts";
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"fk_posts_author_id\";\n"
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"posts_author_id_key\";\n"
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" DROP DEFAULT;\n"
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" TYPE BIGINT USING "
              "\"author_id\"::BIGINT;\n"
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" DROP NOT NULL;\n"
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" SET DEFAULT 2;\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"fk_posts_author_id\" FOREIGN KEY "
              "(\"author_id\") REFERENCES \"posts\" (\"id\") ON DELETE CASCADE;\n"
              "COMMENT ON COLUMN \"posts\".\"author_id\" IS 'new';\n");
    pw_arena_free(a);
}

TEST(test_pg_alter_field_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "email");
    c->pk = c->autoincrement = true; /* a serial key needs an integer type */
    op.column = c;
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK_STR(err.path, "users.email");
    CHECK(strstr(err.message, "postgres") != NULL);
    op.column = tb_column(a, "ghost", "INT");
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.ghost");
    pw_arena_free(a);
}

/* The primary key moving: the old key lets go of the constraint (found by
 * its table: a renamed table keeps its old name) and of its sequence; the new
 * one takes the key, and a sequence of its own when it is to count. */
TEST(test_pg_primary_key_moves) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "id");
    c->pk = c->autoincrement = false;
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "DO 'DECLARE n text; BEGIN SELECT conname INTO n FROM pg_constraint WHERE "
              "conrelid = ''\"users\"''::regclass AND contype = ''p''; EXECUTE ''ALTER TABLE "
              "\"users\" DROP CONSTRAINT '' || quote_ident(n); END';\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"id\" DROP DEFAULT;\n"
              "DO 'DECLARE s text := pg_get_serial_sequence(''\"users\"'', ''id''); BEGIN IF "
              "s IS NOT NULL THEN EXECUTE ''DROP SEQUENCE '' || s; END IF; END';\n");
    pw_schema *t = pw_schema_new(a);
    tb_col(a, tb_table(a, t, "tags"), "code", "INT");
    op = tb_op(PW_OP_ALTER_FIELD, "tags");
    c = tb_column(a, "code", "INT");
    c->pk = c->autoincrement = true;
    op.column = c;
    CHECK_STR(pg(a, t, &op, &rc, &err),
              "ALTER TABLE \"tags\" ADD PRIMARY KEY (\"code\");\n"
              "CREATE SEQUENCE \"tags_code_seq\" AS INTEGER OWNED BY \"tags\".\"code\";\n"
              "ALTER TABLE \"tags\" ALTER COLUMN \"code\" SET DEFAULT "
              "nextval('\"tags_code_seq\"'::regclass);\n"
              "SELECT setval('\"tags_code_seq\"', COALESCE(MAX(\"code\"), 0) + 1, false) "
              "FROM \"tags\";\n");
    pw_arena_free(a);
}

TEST(test_pg_rename_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_RENAME_FIELD, "users");
    op.name = "email";
    op.new_name = "e-mail";
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"e-mail\";\n"
              "ALTER TABLE \"users\" RENAME CONSTRAINT \"users_email_key\" TO "
              "\"users_e-mail_key\";\n");
    op.name = "name";
    op.new_name = "full \"name\"";
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" RENAME COLUMN \"name\" TO \"full \"\"name\"\"\";\n");
    op.name = "nobody";
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.nobody");
    pw_arena_free(a);
}

TEST(test_pg_add_and_remove_index) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ADD_INDEX, "users");
    op.index = tb_index(a, NULL, "idx_users_name_bio", false, "name,bio");
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "CREATE INDEX \"idx_users_name_bio\" ON \"users\" (\"name\", \"bio\");\n");
    op.index = tb_index(a, NULL, "uid_users_name", true, "name");
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ADD CONSTRAINT \"uid_users_name\" UNIQUE (\"name\");\n");

    op = tb_op(PW_OP_REMOVE_INDEX, "posts");
    op.name = "idx_posts_title";
    CHECK_STR(pg(a, s, &op, &rc, &err), "DROP INDEX \"idx_posts_title\";\n");
    op.name = "uid_posts_author_slug";
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"uid_posts_author_slug\";\n");
    op.name = "idx_missing";
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "idx_missing");
    /* an index of another table is not this table's */
    op = tb_op(PW_OP_REMOVE_INDEX, "users");
    op.name = "idx_posts_title";
    CHECK(pg(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    pw_arena_free(a);
}

TEST(test_pg_alter_field_not_null_fills_existing_nulls) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "bio");
    c->null = false;
    c->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "none"};
    op.column = c;
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "UPDATE \"users\" SET \"bio\" = 'none' WHERE \"bio\" IS NULL;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"bio\" SET NOT NULL;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"bio\" SET DEFAULT 'none';\n");
    pw_arena_free(a);
}

/* An auto-increment key changing between SMALLINT, INT and BIGINT takes its sequence
 * along (found by pg_get_serial_sequence: a renamed table keeps the old name); a type
 * change within the same integer size, or of a plain key, leaves sequences alone. */
TEST(test_pg_alter_field_serial_type_retypes_sequence) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *odd = tb_table(a, s, "Odd \"One\"");
    tb_pk(a, odd);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "id");
    tb_types(op.column, "INTEGER", "BIGINT", "BIGINT");
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"id\" TYPE BIGINT USING \"id\"::BIGINT;\n"
              "DO 'DECLARE s text := pg_get_serial_sequence(''\"users\"'', ''id''); BEGIN IF "
              "s IS NOT NULL THEN EXECUTE ''ALTER SEQUENCE '' || s || '' AS BIGINT''; END IF; "
              "END';\n");
    op = tb_op(PW_OP_ALTER_FIELD, "Odd \"One\"");
    op.column = copy_col(a, s, "Odd \"One\"", "id");
    tb_types(op.column, "INTEGER", "smallint", "SMALLINT");
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"Odd \"\"One\"\"\" ALTER COLUMN \"id\" TYPE smallint USING "
              "\"id\"::smallint;\n"
              "DO 'DECLARE s text := pg_get_serial_sequence(''\"Odd \"\"One\"\"\"'', ''id''); "
              "BEGIN IF s IS NOT NULL THEN EXECUTE ''ALTER SEQUENCE '' || s || '' AS "
              "SMALLINT''; END IF; END';\n");
    /* INT -> INT4: another spelling of the same size */
    op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "id");
    tb_types(op.column, "INTEGER", "INT4", "INT");
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"id\" TYPE INT4 USING \"id\"::INT4;\n");
    /* a column that points at the key follows with no sequence of its own */
    op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = copy_col(a, s, "posts", "author_id");
    tb_types(op.column, "INT", "BIGINT", "BIGINT");
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"posts\" ALTER COLUMN \"author_id\" TYPE BIGINT USING "
              "\"author_id\"::BIGINT;\n");
    pw_arena_free(a);
}

TEST(test_pg_fill_add_and_alter_not_null) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "age", "INT");
    op.fill = (pw_default){.kind = PW_DEFAULT_INT, .i = 18};
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"users\" ADD COLUMN \"age\" INT;\n"
              "UPDATE \"users\" SET \"age\" = 18 WHERE \"age\" IS NULL;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"age\" SET NOT NULL;\n");
    /* the schema given is not changed by rendering */
    CHECK(pw_table_find_column(pw_schema_find_table(s, "users"), "age") == NULL);

    pw_op alter = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "bio");
    c->null = false;
    alter.column = c;
    alter.fill = (pw_default){.kind = PW_DEFAULT_STRING, .s = "it's"};
    CHECK_STR(pg(a, s, &alter, &rc, &err),
              "UPDATE \"users\" SET \"bio\" = 'it''s' WHERE \"bio\" IS NULL;\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"bio\" SET NOT NULL;\n");

    /* a fill that is an unsafe expression is refused */
    alter.fill = (pw_default){.kind = PW_DEFAULT_EXPR, .s = "1; DROP TABLE users"};
    CHECK(pg(a, s, &alter, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_INVALID);
    pw_arena_free(a);
}

TEST(test_pg_fill_skips_primary_keys_and_empty_run_sql) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    tb_col(a, tb_table(a, s, "t"), "x", "INT");
    pw_op op = tb_op(PW_OP_ADD_FIELD, "t");
    op.column = tb_column(a, "k", "INT");
    op.column->pk = true;
    op.fill = (pw_default){.kind = PW_DEFAULT_INT, .i = 1};
    CHECK_STR(pg(a, s, &op, &rc, &err),
              "ALTER TABLE \"t\" ADD COLUMN \"k\" INT NOT NULL PRIMARY KEY;\n");
    pw_op sql = tb_op(PW_OP_RUN_SQL, NULL);
    sql.sql_forward = " \n ";
    CHECK_STR(pg(a, s, &sql, &rc, &err), "");
    pw_arena_free(a);
}

/* Lock-aware statements (a migration marked safe). */
static const char *pg_safe(pw_arena *a, const pw_schema *s, const pw_op *op, int *rc,
                           pw_error *err) {
    return tb_sql_safe(a, s, op, PG, rc, err);
}

TEST(test_pg_safe_indexes_concurrently) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *scratch = tb_table(a, NULL, "scratch");
    pw_op add = tb_op(PW_OP_ADD_INDEX, "posts");
    add.index = tb_index(a, scratch, "idx_posts_slug_title", false, "slug,title");
    CHECK_STR(pg_safe(a, s, &add, &rc, &err),
              "CREATE INDEX CONCURRENTLY \"idx_posts_slug_title\" ON \"posts\" "
              "(\"slug\", \"title\");\n");
    /* plain: unchanged */
    CHECK_STR(pg(a, s, &add, &rc, &err),
              "CREATE INDEX \"idx_posts_slug_title\" ON \"posts\" (\"slug\", \"title\");\n");
    /* a unique constraint: its index built concurrently, then attached */
    add.index = tb_index(a, scratch, "uid_posts_title", true, "title");
    CHECK_STR(pg_safe(a, s, &add, &rc, &err),
              "CREATE UNIQUE INDEX CONCURRENTLY \"uid_posts_title\" ON \"posts\" (\"title\");\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"uid_posts_title\" UNIQUE USING INDEX "
              "\"uid_posts_title\";\n");
    pw_op drop = tb_op(PW_OP_REMOVE_INDEX, "posts");
    drop.name = "idx_posts_title";
    CHECK_STR(pg_safe(a, s, &drop, &rc, &err),
              "DROP INDEX CONCURRENTLY \"idx_posts_title\";\n");
    /* a unique constraint is dropped as a constraint (no index build) */
    drop.name = "uid_posts_author_slug";
    CHECK_STR(pg_safe(a, s, &drop, &rc, &err),
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"uid_posts_author_slug\";\n");
    pw_arena_free(a);
}

TEST(test_pg_safe_constraints_not_valid_then_validate) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    /* a new column with a foreign key and its own unique constraint */
    pw_table *scratch = tb_table(a, NULL, "scratch");
    pw_column *editor = tb_fk(a, scratch, "editor_id", "users");
    editor->null = true;
    editor->unique = true;
    pw_op add = tb_op(PW_OP_ADD_FIELD, "posts");
    add.column = editor;
    CHECK_STR(pg_safe(a, s, &add, &rc, &err),
              "ALTER TABLE \"posts\" ADD COLUMN \"editor_id\" INT;\n"
              "CREATE UNIQUE INDEX CONCURRENTLY \"posts_editor_id_key\" ON \"posts\" "
              "(\"editor_id\");\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_editor_id_key\" UNIQUE USING INDEX "
              "\"posts_editor_id_key\";\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"fk_scratch_editor_id\" FOREIGN KEY "
              "(\"editor_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE NOT VALID;\n"
              "ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"fk_scratch_editor_id\";\n");
    pw_check check = {.name = "posts_title_nonempty", .check = "LENGTH(\"title\") > 0"};
    pw_op chk = tb_op(PW_OP_ADD_CONSTRAINT, "posts");
    chk.check = &check;
    CHECK_STR(pg_safe(a, s, &chk, &rc, &err),
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_title_nonempty\" CHECK "
              "(LENGTH(\"title\") > 0) NOT VALID;\n"
              "ALTER TABLE \"posts\" VALIDATE CONSTRAINT \"posts_title_nonempty\";\n");
    CHECK_STR(pg(a, s, &chk, &rc, &err),
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_title_nonempty\" CHECK "
              "(LENGTH(\"title\") > 0);\n");
    pw_arena_free(a);
}

TEST(test_pg_safe_set_not_null_through_a_check) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_column *c = copy_col(a, s, "users", "bio");
    c->null = false;
    pw_op alter = tb_op(PW_OP_ALTER_FIELD, "users");
    alter.column = c;
    CHECK_STR(pg_safe(a, s, &alter, &rc, &err),
              "ALTER TABLE \"users\" ADD CONSTRAINT \"users_bio_not_null\" CHECK (\"bio\" IS "
              "NOT NULL) NOT VALID;\n"
              "ALTER TABLE \"users\" VALIDATE CONSTRAINT \"users_bio_not_null\";\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"bio\" SET NOT NULL;\n"
              "ALTER TABLE \"users\" DROP CONSTRAINT \"users_bio_not_null\";\n");
    /* with a fill: the NULLs get it first */
    alter.fill = (pw_default){.kind = PW_DEFAULT_STRING, .s = "none"};
    CHECK_STR(pg_safe(a, s, &alter, &rc, &err),
              "UPDATE \"users\" SET \"bio\" = 'none' WHERE \"bio\" IS NULL;\n"
              "ALTER TABLE \"users\" ADD CONSTRAINT \"users_bio_not_null\" CHECK (\"bio\" IS "
              "NOT NULL) NOT VALID;\n"
              "ALTER TABLE \"users\" VALIDATE CONSTRAINT \"users_bio_not_null\";\n"
              "ALTER TABLE \"users\" ALTER COLUMN \"bio\" SET NOT NULL;\n"
              "ALTER TABLE \"users\" DROP CONSTRAINT \"users_bio_not_null\";\n");
    /* DROP NOT NULL takes no scan: unchanged */
    pw_column *name = copy_col(a, s, "users", "name");
    name->null = true;
    alter.column = name;
    alter.fill = (pw_default){.kind = PW_DEFAULT_NONE};
    CHECK_STR(pg_safe(a, s, &alter, &rc, &err),
              "ALTER TABLE \"users\" ALTER COLUMN \"name\" DROP NOT NULL;\n");
    pw_arena_free(a);
}

TEST(test_pg_safe_new_table_stays_plain) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "tags");
    tb_pk(a, t);
    tb_col(a, t, "label", "VARCHAR(20)");
    tb_index(a, t, "idx_tags_label", false, "label");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    const char *safe = pg_safe(a, pw_schema_new(a), &op, &rc, &err);
    CHECK_STR(safe, pg(a, pw_schema_new(a), &op, &rc, &err));
    pw_arena_free(a);
}

TEST(test_render_run_safe_per_migration) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_table *scratch = tb_table(a, NULL, "scratch");
    pw_op ops[1] = {tb_op(PW_OP_ADD_INDEX, "posts")};
    ops[0].index = tb_index(a, scratch, "idx_posts_slug", false, "slug");
    pw_migration_ops migs[2] = {{"app.0002_plain", ops, 1, false}, {"app.0003_safe", NULL, 0, true}};
    pw_op back[1] = {tb_op(PW_OP_REMOVE_INDEX, "posts")};
    back[0].name = "idx_posts_slug";
    migs[1].ops = back;
    migs[1].nops = 1;
    pw_op_sql **out;
    CHECK_INT(pw_render_run(a, blog(a), migs, 2, PG, false, &out, &err), 0);
    CHECK_STR(out[0][0].statements.items[0],
              "CREATE INDEX \"idx_posts_slug\" ON \"posts\" (\"slug\")");
    CHECK_STR(out[1][0].statements.items[0], "DROP INDEX CONCURRENTLY \"idx_posts_slug\"");
    /* backward: the safe migration's reverse is lock-aware too */
    CHECK_INT(pw_render_run(a, blog(a), migs, 2, PG, true, &out, &err), 0);
    CHECK_STR(out[1][0].statements.items[0],
              "CREATE INDEX CONCURRENTLY \"idx_posts_slug\" ON \"posts\" (\"slug\")");
    pw_arena_free(a);
}
