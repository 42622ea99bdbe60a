/*
 * test_sql_mysql.c - tests of sql_mysql.c through pw_sql_render_op: the
 * exact statements of every operation kind on MySQL / MariaDB, their order,
 * the foreign keys dropped and re-added around statements InnoDB refuses
 * otherwise, and the errors.
 */
#include <string.h>

#include "build.h"
#include "pw_test.h"
#include "sql.h"

#define MY PW_DIALECT_MYSQL

/* Renders op against s for MySQL. Returns every statement followed by ";\n",
 * "" when there are none, or NULL with *rc the error. */
static const char *my(pw_arena *a, const pw_schema *s, const pw_op *op, int *rc, pw_error *err) {
    return tb_sql(a, s, op, MY, rc, err);
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
    pw_column *bio = tb_col(a, u, "bio", "LONGTEXT");
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

static pw_column *copy_col(pw_arena *a, pw_schema *s, const char *table, const char *column) {
    return pw_column_copy(a, pw_table_find_column(pw_schema_find_table(s, table), column));
}

TEST(test_my_create_model_columns) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "users");
    tb_types(tb_pk(a, t), "INTEGER", "INT", "BIGINT");
    tb_col(a, t, "name", "VARCHAR(50)")->comment = "It's \\ \"named\"";
    tb_col(a, t, "bio", "LONGTEXT")->null = true;
    tb_col(a, t, "active", "BOOL")->def = (pw_default){.kind = PW_DEFAULT_BOOL, .i = 1};
    pw_column *note = tb_col(a, t, "note", "VARCHAR(20)");
    note->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "a\\b'c"};
    note->comment = "n";
    tb_col(a, t, "created", "DATETIME(6)")->def = (pw_default){.kind = PW_DEFAULT_EXPR,
                                                               .s = "CURRENT_TIMESTAMP(6)"};
    tb_col(a, t, "ratio", "DOUBLE")->def = (pw_default){.kind = PW_DEFAULT_FLOAT, .f = 0.25};
    t->comment = "Users' table \\o/";
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    CHECK_STR(my(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE `users` (\n"
              "    `id` BIGINT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n"
              "    `name` VARCHAR(50) NOT NULL COMMENT 'It''s \\\\ \"named\"',\n"
              "    `bio` LONGTEXT NULL,\n"
              "    `active` BOOL NOT NULL DEFAULT 1,\n"
              "    `note` VARCHAR(20) NOT NULL DEFAULT 'a\\\\b''c' COMMENT 'n',\n"
              "    `created` DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n"
              "    `ratio` DOUBLE NOT NULL DEFAULT 0.25\n"
              ") CHARACTER SET utf8mb4 COMMENT='Users'' table \\\\o/';\n");
    pw_arena_free(a);
}

TEST(test_my_create_model_keys) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *p = pw_schema_find_table(s, "posts");
    tb_index(a, p, "idx_posts_slug_title", false, "slug,title");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = p;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "CREATE TABLE `posts` (\n"
              "    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n"
              "    `author_id` INT NOT NULL,\n"
              "    `title` VARCHAR(200) NOT NULL,\n"
              "    `slug` VARCHAR(100) NOT NULL,\n"
              "    UNIQUE KEY `posts_slug_key` (`slug`),\n"
              "    UNIQUE KEY `uid_posts_author_slug` (`author_id`, `slug`),\n"
              "    KEY `idx_posts_title` (`title`),\n"
              "    KEY `idx_posts_slug_title` (`slug`, `title`),\n"
              "    CONSTRAINT `fk_posts_author_id` FOREIGN KEY (`author_id`) REFERENCES `users` "
              "(`id`) ON DELETE CASCADE\n"
              ") CHARACTER SET utf8mb4;\n");
    pw_arena_free(a);
}

TEST(test_my_create_model_awkward_names_and_pk) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "order");
    pw_column *code = tb_col(a, t, "code", "VARCHAR(8)");
    code->pk = true;
    code->unique = true; /* ignored on the primary key */
    code->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "x"};
    tb_fk(a, t, "user", "user")->null = true;
    tb_col(a, t, "we\"ird`col", "INT")->unique = true;
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    CHECK_STR(my(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE `order` (\n"
              "    `code` VARCHAR(8) NOT NULL PRIMARY KEY DEFAULT 'x',\n"
              "    `user` INT NULL,\n"
              "    `we\"ird``col` INT NOT NULL,\n"
              "    UNIQUE KEY `order_we\"ird``col_key` (`we\"ird``col`),\n"
              "    CONSTRAINT `fk_order_user` FOREIGN KEY (`user`) REFERENCES `user` (`id`) ON "
              "DELETE CASCADE\n"
              ") CHARACTER SET utf8mb4;\n");
    op.model = tb_table(a, NULL, "e");
    CHECK_STR(my(a, pw_schema_new(a), &op, &rc, &err),
              "CREATE TABLE `e` () CHARACTER SET utf8mb4;\n");
    pw_arena_free(a);
}

TEST(test_my_delete_rename_alter_model) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "posts");
    CHECK_STR(my(a, s, &op, &rc, &err), "DROP TABLE `posts`;\n");
    op = tb_op(PW_OP_RENAME_MODEL, "posts");
    op.new_name = "art`icles";
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` RENAME TO `art``icles`;\n"
              "ALTER TABLE `art``icles` RENAME INDEX `posts_slug_key` TO "
              "`art``icles_slug_key`;\n");
    op = tb_op(PW_OP_ALTER_MODEL, "users");
    op.comment = "it's \\";
    CHECK_STR(my(a, s, &op, &rc, &err), "ALTER TABLE `users` COMMENT = 'it''s \\\\';\n");
    op.comment = NULL;
    CHECK_STR(my(a, s, &op, &rc, &err), "ALTER TABLE `users` COMMENT = '';\n");
    op = tb_op(PW_OP_DELETE_MODEL, "ghost");
    CHECK(my(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "ghost");
    pw_arena_free(a);
}

TEST(test_my_add_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    pw_column *c = tb_column(a, "age", "SMALLINT");
    c->null = true;
    c->comment = "years";
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` ADD COLUMN `age` SMALLINT NULL COMMENT 'years';\n");
    c = tb_column(a, "editor_id", "INT");
    c->unique = true;
    c->def = (pw_default){.kind = PW_DEFAULT_INT, .i = 1};
    c->fk = (pw_fk){.name = "fk_users_editor", .table = "users", .column = "id",
                    .on_delete = PW_FK_RESTRICT};
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` ADD COLUMN `editor_id` INT NOT NULL DEFAULT 1;\n"
              "ALTER TABLE `users` ADD UNIQUE KEY `users_editor_id_key` (`editor_id`);\n"
              "ALTER TABLE `users` ADD CONSTRAINT `fk_users_editor` FOREIGN KEY (`editor_id`) "
              "REFERENCES `users` (`id`) ON DELETE RESTRICT;\n");
    pw_arena_free(a);
}

TEST(test_my_remove_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "posts");
    op.name = "author_id";
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` DROP COLUMN `author_id`;\n");
    op.name = "title";
    CHECK_STR(my(a, s, &op, &rc, &err), "ALTER TABLE `posts` DROP COLUMN `title`;\n");
    op.name = "zz";
    CHECK(my(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "posts.zz");
    pw_arena_free(a);
}

TEST(test_my_alter_field_modify) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "name");
    tb_types(c, "TEXT", "TEXT", "VARCHAR(100)");
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(100) NOT NULL;\n");
    /* the full definition: the comment and default are kept */
    c = copy_col(a, s, "users", "bio");
    c->def = (pw_default){.kind = PW_DEFAULT_STRING, .s = "none"};
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` MODIFY COLUMN `bio` LONGTEXT NULL DEFAULT 'none' COMMENT "
              "'About the user';\n");
    c = copy_col(a, s, "users", "bio");
    c->comment = NULL;
    c->null = false;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` MODIFY COLUMN `bio` LONGTEXT NOT NULL;\n");
    /* the primary key: AUTO_INCREMENT kept, PRIMARY KEY not repeated; the key of
     * posts.author_id (INT) cannot point at a BIGINT: dropped until the column follows
     * (test_my_widen_referenced_key) */
    c = copy_col(a, s, "users", "id");
    tb_types(c, "INTEGER", "BIGINT", "BIGINT");
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `users` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT;\n");
    c = copy_col(a, s, "users", "id");
    c->autoincrement = false;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err), "ALTER TABLE `users` MODIFY COLUMN `id` INT NOT NULL;\n");
    op.column = copy_col(a, s, "users", "bio");
    CHECK_STR(my(a, s, &op, &rc, &err), "");
    pw_arena_free(a);
}

TEST(test_my_alter_field_unique) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "email");
    c->unique = false;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err), "ALTER TABLE `users` DROP INDEX `users_email_key`;\n");
    c = copy_col(a, s, "users", "name");
    c->unique = true;
    c->null = true;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(50) NULL;\n"
              "ALTER TABLE `users` ADD UNIQUE KEY `users_name_key` (`name`);\n");
    pw_arena_free(a);
}

TEST(test_my_alter_field_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    /* action changed */
    pw_column *c = copy_col(a, s, "posts", "author_id");
    c->fk.on_delete = PW_FK_RESTRICT;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT;\n");
    /* type change: InnoDB refuses it under a foreign key; a BIGINT cannot point at the
     * INT users.id, so the key waits for users.id to be widened too */
    c = copy_col(a, s, "posts", "author_id");
    tb_types(c, "INT", "BIGINT", "BIGINT");
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` MODIFY COLUMN `author_id` BIGINT NOT NULL;\n");
    /* a type change that keeps the types compatible: the key comes back */
    c = copy_col(a, s, "posts", "author_id");
    tb_types(c, "INT", "INT", "int");
    c->null = true;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` MODIFY COLUMN `author_id` int NULL;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* only the comment: the key stays */
    c = copy_col(a, s, "posts", "author_id");
    c->comment = "by";
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` MODIFY COLUMN `author_id` INT NOT NULL COMMENT 'by';\n");
    /* removed */
    c = copy_col(a, s, "posts", "author_id");
    c->fk = (pw_fk){0};
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n");
    /* added */
    c = copy_col(a, s, "posts", "title");
    c->fk = (pw_fk){.name = "fk_t", .table = "users", .column = "email",
                    .on_delete = PW_FK_SET_DEFAULT};
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_t` FOREIGN KEY (`title`) REFERENCES "
              "`users` (`email`) ON DELETE SET DEFAULT;\n");
    pw_arena_free(a);
}

TEST(test_my_alter_field_unique_under_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *p = pw_schema_find_table(s, "posts");
    pw_column *owner = tb_fk(a, p, "owner_id", "users");
    owner->unique = true;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    /* the unique key is the key's only index: drop and re-add the key around it */
    pw_column *c = pw_column_copy(a, owner);
    c->unique = false;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_owner_id`;\n"
              "ALTER TABLE `posts` DROP INDEX `posts_owner_id_key`;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_owner_id` FOREIGN KEY "
              "(`owner_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* another index leads with the column: the key can stay */
    tb_index(a, p, "idx_owner", false, "owner_id,title");
    CHECK_STR(my(a, s, &op, &rc, &err), "ALTER TABLE `posts` DROP INDEX `posts_owner_id_key`;\n");
    pw_arena_free(a);
}

TEST(test_my_alter_field_errors) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "ghost", "INT");
    CHECK(my(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.ghost");
    op = tb_op(PW_OP_ALTER_FIELD, "nope");
    op.column = tb_column(a, "x", "INT");
    CHECK(my(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "nope");
    pw_arena_free(a);
}

/* The primary key moving: the old key column loses AUTO_INCREMENT (a MySQL
 * AUTO_INCREMENT column must be a key), then the key; the new one takes the
 * key, then AUTO_INCREMENT. Keys pointing at the old one go around it. */
TEST(test_my_primary_key_moves) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "id");
    c->pk = c->autoincrement = false;
    op.column = c;
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `users` MODIFY COLUMN `id` INT NOT NULL;\n"
              "ALTER TABLE `users` DROP PRIMARY KEY;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    pw_schema *t = pw_schema_new(a);
    tb_col(a, tb_table(a, t, "tags"), "code", "INT");
    op = tb_op(PW_OP_ALTER_FIELD, "tags");
    c = tb_column(a, "code", "INT");
    c->pk = c->autoincrement = true;
    op.column = c;
    CHECK_STR(my(a, t, &op, &rc, &err),
              "ALTER TABLE `tags` ADD PRIMARY KEY (`code`);\n"
              "ALTER TABLE `tags` MODIFY COLUMN `code` INT NOT NULL AUTO_INCREMENT;\n");
    c->autoincrement = false;
    CHECK_STR(my(a, t, &op, &rc, &err), "ALTER TABLE `tags` ADD PRIMARY KEY (`code`);\n");
    pw_arena_free(a);
}

TEST(test_my_rename_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_RENAME_FIELD, "posts");
    op.name = "slug";
    op.new_name = "handle";
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` RENAME COLUMN `slug` TO `handle`;\n"
              "ALTER TABLE `posts` RENAME INDEX `posts_slug_key` TO `posts_handle_key`;\n");
    op.name = "author_id";
    op.new_name = "writer`id";
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` RENAME COLUMN `author_id` TO `writer``id`;\n");
    op.name = "nobody";
    CHECK(my(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    pw_arena_free(a);
}

TEST(test_my_add_and_remove_index) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ADD_INDEX, "users");
    op.index = tb_index(a, NULL, "idx_users_name_email", false, "name,email");
    CHECK_STR(my(a, s, &op, &rc, &err),
              "CREATE INDEX `idx_users_name_email` ON `users` (`name`, `email`);\n");
    op.index = tb_index(a, NULL, "uid_users_name", true, "name");
    CHECK_STR(my(a, s, &op, &rc, &err),
              "CREATE UNIQUE INDEX `uid_users_name` ON `users` (`name`);\n");
    op = tb_op(PW_OP_REMOVE_INDEX, "posts");
    op.name = "idx_posts_title";
    CHECK_STR(my(a, s, &op, &rc, &err), "DROP INDEX `idx_posts_title` ON `posts`;\n");
    op.name = "idx_missing";
    CHECK(my(a, s, &op, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "idx_missing");
    pw_arena_free(a);
}

TEST(test_my_remove_index_under_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_REMOVE_INDEX, "posts");
    /* (author_id, slug) is the only index leading with the foreign-key column */
    op.name = "uid_posts_author_slug";
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "DROP INDEX `uid_posts_author_slug` ON `posts`;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* with a second index on author_id, InnoDB uses that one */
    tb_index(a, pw_schema_find_table(s, "posts"), "idx_author", false, "author_id");
    CHECK_STR(my(a, s, &op, &rc, &err), "DROP INDEX `uid_posts_author_slug` ON `posts`;\n");
    op.name = "idx_author";
    CHECK_STR(my(a, s, &op, &rc, &err), "DROP INDEX `idx_author` ON `posts`;\n");
    pw_arena_free(a);
}

TEST(test_my_alter_field_not_null_fills_existing_nulls) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    pw_column *c = copy_col(a, s, "users", "bio");
    c->null = false;
    c->def = (pw_default){.kind = PW_DEFAULT_INT, .i = 7};
    op.column = c;
    const char *got = my(a, s, &op, &rc, &err);
    CHECK(got != NULL);
    CHECK(strncmp(got, "UPDATE `users` SET `bio` = 7 WHERE `bio` IS NULL;\nALTER TABLE `users` "
                       "MODIFY COLUMN `bio` ",
                  90) == 0);
    pw_arena_free(a);
}

/* Renders op against s, then applies it to s (as a run of migrations does). */
static const char *step(pw_arena *a, pw_schema *s, const pw_op *op, int *rc, pw_error *err) {
    const char *sql = my(a, s, op, rc, err);
    if (sql != NULL && pw_op_apply(a, s, op, err) != 0) return NULL;
    return sql;
}

/* A primary key widened from INT to BIGINT while foreign keys point at it: each key
 * exists only while its two columns have compatible types, forward and backward. */
TEST(test_my_widen_referenced_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_table *t = tb_table(a, s, "mentors");
    tb_pk(a, t);
    tb_fk(a, t, "user_id", "users");
    tb_fk(a, t, "boss_id", "mentors");
    /* a new table whose key is a BIGINT already: its key waits */
    pw_table *likes = tb_table(a, NULL, "likes");
    tb_pk(a, likes);
    tb_types(tb_fk(a, likes, "user_id", "users"), "INT", "BIGINT", "BIGINT");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = likes;
    CHECK_STR(step(a, s, &op, &rc, &err),
              "CREATE TABLE `likes` (\n"
              "    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n"
              "    `user_id` BIGINT NOT NULL\n"
              ") CHARACTER SET utf8mb4;\n");
    /* the key: the keys of INT columns go, the waiting one comes */
    op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "id");
    tb_types(op.column, "INTEGER", "BIGINT", "BIGINT");
    CHECK_STR(step(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `mentors` DROP FOREIGN KEY `fk_mentors_user_id`;\n"
              "ALTER TABLE `users` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT;\n"
              "ALTER TABLE `likes` ADD CONSTRAINT `fk_likes_user_id` FOREIGN KEY (`user_id`) "
              "REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* then each column that points at it: no key to drop, the key comes back */
    op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = copy_col(a, s, "posts", "author_id");
    tb_types(op.column, "INT", "BIGINT", "BIGINT");
    CHECK_STR(step(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` MODIFY COLUMN `author_id` BIGINT NOT NULL;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* a self-reference: the key of boss_id goes and comes back once it follows */
    op = tb_op(PW_OP_ALTER_FIELD, "mentors");
    op.column = copy_col(a, s, "mentors", "id");
    tb_types(op.column, "INTEGER", "BIGINT", "BIGINT");
    CHECK_STR(step(a, s, &op, &rc, &err),
              "ALTER TABLE `mentors` DROP FOREIGN KEY `fk_mentors_boss_id`;\n"
              "ALTER TABLE `mentors` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT;\n");
    /* a column whose key waits is removed without dropping a key */
    op = tb_op(PW_OP_REMOVE_FIELD, "mentors");
    op.name = "user_id";
    CHECK_STR(step(a, s, &op, &rc, &err), "ALTER TABLE `mentors` DROP COLUMN `user_id`;\n");
    /* back: the column first (its key goes and waits), then the key (its keys come back) */
    op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = copy_col(a, s, "posts", "author_id");
    tb_types(op.column, "INT", "INT", "INT");
    CHECK_STR(step(a, s, &op, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` MODIFY COLUMN `author_id` INT NOT NULL;\n");
    op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = copy_col(a, s, "users", "id");
    tb_types(op.column, "INTEGER", "INT", "INT");
    CHECK_STR(step(a, s, &op, &rc, &err),
              "ALTER TABLE `likes` DROP FOREIGN KEY `fk_likes_user_id`;\n"
              "ALTER TABLE `users` MODIFY COLUMN `id` INT NOT NULL AUTO_INCREMENT;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE;\n");
    /* string keys may differ in length */
    pw_table *tags = tb_table(a, s, "tags");
    tb_col(a, tags, "code", "VARCHAR(5)")->pk = true;
    pw_table *uses = tb_table(a, NULL, "uses");
    pw_column *tag = tb_fk(a, uses, "tag", "tags");
    tb_types(tag, "TEXT", "VARCHAR(9)", "varchar(9)");
    tag->fk.column = "code";
    op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = uses;
    CHECK_STR(step(a, s, &op, &rc, &err),
              "CREATE TABLE `uses` (\n"
              "    `tag` varchar(9) NOT NULL,\n"
              "    CONSTRAINT `fk_uses_tag` FOREIGN KEY (`tag`) REFERENCES `tags` (`code`) "
              "ON DELETE CASCADE\n"
              ") CHARACTER SET utf8mb4;\n");
    pw_arena_free(a);
}

TEST(test_my_fill_add_not_null) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "age", "INT");
    op.fill = (pw_default){.kind = PW_DEFAULT_INT, .i = 18};
    CHECK_STR(my(a, s, &op, &rc, &err),
              "ALTER TABLE `users` ADD COLUMN `age` INT NULL;\n"
              "UPDATE `users` SET `age` = 18 WHERE `age` IS NULL;\n"
              "ALTER TABLE `users` MODIFY COLUMN `age` INT NOT NULL;\n");
    pw_arena_free(a);
}

/* posts(id, author_id -> users) and users(id). */
static pw_schema *keyed(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    tb_pk(a, tb_table(a, s, "users"));
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    return s;
}

TEST(test_mysql_dropped_key_takes_innodbs_index_with_it) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = keyed(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = pw_column_copy(a, pw_table_find_column(pw_schema_find_table(s, "posts"),
                                                       "author_id"));
    memset(&op.column->fk, 0, sizeof op.column->fk);
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "DROP INDEX `fk_posts_author_id` ON `posts`;\n");
    /* an index of the table leads with the column: InnoDB made none */
    tb_index(a, pw_schema_find_table(s, "posts"), "idx_author", false, "author_id");
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n");
    pw_arena_free(a);
}

TEST(test_mysql_key_that_comes_back_keeps_its_index) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = keyed(a);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = pw_column_copy(a, pw_table_find_column(pw_schema_find_table(s, "posts"),
                                                       "author_id"));
    op.column->fk.on_delete = PW_FK_RESTRICT;
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err),
              "ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id`;\n"
              "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id` FOREIGN KEY "
              "(`author_id`) REFERENCES `users` (`id`) ON DELETE RESTRICT;\n");
    pw_arena_free(a);
}

/* Lock-aware statements (a migration marked safe): the algorithm ends the
 * statement, and pw_sql_strip_algorithm gives the statement without it. */
TEST(test_my_safe_algorithms) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = blog(a);
    pw_op add = tb_op(PW_OP_ADD_FIELD, "users");
    add.column = tb_column(a, "age", "INT");
    add.column->null = true;
    CHECK_STR(tb_sql_safe(a, s, &add, MY, &rc, &err),
              "ALTER TABLE `users` ADD COLUMN `age` INT NULL, ALGORITHM=INSTANT;\n");
    CHECK_STR(my(a, s, &add, &rc, &err), "ALTER TABLE `users` ADD COLUMN `age` INT NULL;\n");
    pw_op rm = tb_op(PW_OP_REMOVE_FIELD, "users");
    rm.name = "name";
    CHECK_STR(tb_sql_safe(a, s, &rm, MY, &rc, &err),
              "ALTER TABLE `users` DROP COLUMN `name`, ALGORITHM=INSTANT;\n");
    pw_table *scratch = tb_table(a, NULL, "scratch");
    pw_op ix = tb_op(PW_OP_ADD_INDEX, "posts");
    ix.index = tb_index(a, scratch, "idx_posts_slug_title", false, "slug,title");
    CHECK_STR(tb_sql_safe(a, s, &ix, MY, &rc, &err),
              "CREATE INDEX `idx_posts_slug_title` ON `posts` (`slug`, `title`) "
              "ALGORITHM=INPLACE LOCK=NONE;\n");
    pw_op drop = tb_op(PW_OP_REMOVE_INDEX, "posts");
    drop.name = "idx_posts_title";
    CHECK_STR(tb_sql_safe(a, s, &drop, MY, &rc, &err),
              "DROP INDEX `idx_posts_title` ON `posts` ALGORITHM=INPLACE LOCK=NONE;\n");
    CHECK_STR(my(a, s, &drop, &rc, &err), "DROP INDEX `idx_posts_title` ON `posts`;\n");
    /* a new table stays plain */
    pw_table *t = tb_table(a, NULL, "tags");
    tb_pk(a, t);
    tb_index(a, t, "idx_tags_id", false, "id");
    pw_op cm = tb_op(PW_OP_CREATE_MODEL, NULL);
    cm.model = t;
    CHECK_STR(tb_sql_safe(a, pw_schema_new(a), &cm, MY, &rc, &err),
              my(a, pw_schema_new(a), &cm, &rc, &err));
    pw_arena_free(a);
}

TEST(test_my_strip_algorithm) {
    CHECK_INT((long long)pw_sql_strip_algorithm("ALTER TABLE `t` ADD COLUMN `a` INT, "
                                                "ALGORITHM=INSTANT"),
              (long long)strlen("ALTER TABLE `t` ADD COLUMN `a` INT"));
    CHECK_INT((long long)pw_sql_strip_algorithm("CREATE INDEX `i` ON `t` (`a`) ALGORITHM=INPLACE "
                                                "LOCK=NONE"),
              (long long)strlen("CREATE INDEX `i` ON `t` (`a`)"));
    CHECK_INT((long long)pw_sql_strip_algorithm("ALTER TABLE `t` ADD INDEX `i` (`a`), "
                                                "ALGORITHM=INPLACE, LOCK=NONE"),
              (long long)strlen("ALTER TABLE `t` ADD INDEX `i` (`a`)"));
    CHECK_INT((long long)pw_sql_strip_algorithm("DROP TABLE `t`"),
              (long long)strlen("DROP TABLE `t`"));
    CHECK_INT((long long)pw_sql_strip_algorithm(""), 0);
}
