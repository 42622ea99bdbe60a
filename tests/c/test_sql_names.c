/*
 * test_sql_names.c - tests of constraint names in the SQL renderers: a
 * column's unique constraint with a name of its own (unique_name, what a
 * database made by another tool has) is created, dropped and kept through
 * renames under that name; a change of a unique constraint's or a foreign
 * key's name alone is a rename, not a drop and an add.
 */
#include "build.h"
#include "ops.h"
#include "pw_test.h"
#include "sql.h"

#define SL PW_DIALECT_SQLITE
#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL

/* users(id, email unique named "email"), posts(id, author_id -> users). */
static pw_schema *named(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    pw_column *email = tb_col(a, u, "email", "VARCHAR(255)");
    email->unique = true;
    email->unique_name = "email";
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    return s;
}

static pw_column *copy_col(pw_arena *a, pw_schema *s, const char *table, const char *column) {
    return pw_column_copy(a, pw_table_find_column(pw_schema_find_table(s, table), column));
}

TEST(test_names_create_uses_own_unique_name) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = named(a);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = pw_schema_find_table(s, "users");
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, PG, &rc, &err),
              "CREATE TABLE \"users\" (\n    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"email\" VARCHAR(255) NOT NULL,\n    CONSTRAINT \"email\" UNIQUE (\"email\")\n);\n");
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, MY, &rc, &err),
              "CREATE TABLE `users` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n"
              "    `email` VARCHAR(255) NOT NULL,\n    UNIQUE KEY `email` (`email`)\n"
              ") CHARACTER SET utf8mb4;\n");
    /* SQLite keeps no names: an inline UNIQUE */
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, SL, &rc, &err),
              "CREATE TABLE \"users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
              "\"email\" VARCHAR(255) NOT NULL UNIQUE);\n");
    pw_arena_free(a);
}

TEST(test_names_renames_keep_own_unique_name) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = named(a);
    pw_op op = tb_op(PW_OP_RENAME_MODEL, "users");
    op.new_name = "accounts";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err), "ALTER TABLE \"users\" RENAME TO \"accounts\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err), "ALTER TABLE `users` RENAME TO `accounts`;\n");
    pw_op col = tb_op(PW_OP_RENAME_FIELD, "users");
    col.name = "email";
    col.new_name = "mail";
    CHECK_STR(tb_sql(a, s, &col, PG, &rc, &err),
              "ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\";\n");
    CHECK_STR(tb_sql(a, s, &col, MY, &rc, &err),
              "ALTER TABLE `users` RENAME COLUMN `email` TO `mail`;\n");
    /* the state keeps the name too */
    CHECK_INT(pw_op_apply(a, s, &col, &err), 0);
    CHECK_STR(pw_table_find_column(pw_schema_find_table(s, "users"), "mail")->unique_name,
              "email");
    pw_arena_free(a);
}

TEST(test_names_unique_name_change_is_a_rename) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = named(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "email");
    op.column->unique_name = NULL; /* to the derived name */
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"users\" RENAME CONSTRAINT \"email\" TO \"users_email_key\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `users` RENAME INDEX `email` TO `users_email_key`;\n");
    CHECK_STR(tb_sql(a, s, &op, SL, &rc, &err), "");
    pw_arena_free(a);
}

TEST(test_names_drop_unique_uses_own_name) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = named(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "email");
    op.column->unique = false;
    op.column->unique_name = NULL;
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"users\" DROP CONSTRAINT \"email\";\n");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err), "ALTER TABLE `users` DROP INDEX `email`;\n");
    pw_arena_free(a);
}

TEST(test_names_fk_name_change_is_a_rename_on_postgres) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = named(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = copy_col(a, s, "posts", "author_id");
    op.column->fk.name = "posts_author_id_fkey";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"posts\" RENAME CONSTRAINT \"fk_posts_author_id\" TO "
              "\"posts_author_id_fkey\";\n");
    /* MySQL cannot rename a foreign key (the index InnoDB made for the old one is taken
     * over by the new one, under its name) */
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `posts_author_id_fkey` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* a name change together with another change is a drop and an add */
    op.column->fk.on_delete = PW_FK_RESTRICT;
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err),
              "ALTER TABLE \"posts\" DROP CONSTRAINT \"fk_posts_author_id\";\n"
              "ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_author_id_fkey\" FOREIGN KEY "
              "(\"author_id\") REFERENCES \"users\" (\"id\") ON DELETE RESTRICT;\n");
    pw_arena_free(a);
}

TEST(test_names_unique_name_needs_the_constraint) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = named(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "email");
    op.column->unique = false; /* unique_name left set */
    CHECK_INT(pw_op_apply(a, s, &op, &err), PW_ERR_INVALID);
    CHECK(strstr(err.message, "unique constraint it does not have") != NULL);
    pw_table *t = pw_schema_find_table(s, "users");
    t->columns[1]->unique = false;
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}
