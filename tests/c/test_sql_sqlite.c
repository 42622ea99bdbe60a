/*
 * test_sql_sqlite.c - the exact SQLite statements of every operation kind
 * (sql_sqlite.c), every case that needs a table rebuild, and the errors.
 */
#include "build.h"
#include "pw_test.h"
#include "sql_sqlite.h"
#include "strbuf.h"

/* The statements rendered for op against s joined by "\n" ("" for none);
 * *rc receives the status. Arena string. */
static const char *sq_render(pw_arena *a, const pw_schema *s, const pw_op *op, int *rc,
                             pw_error *err) {
    pw_strlist out = {0};
    pw_strbuf sb;
    pw_error_clear(err);
    *rc = pw_sql_sqlite_render_op(a, s, op, &out, err);
    pw_sb_init(&sb, a);
    for (size_t i = 0; i < out.len; i++) {
        if (i) pw_sb_append_char(&sb, '\n');
        pw_sb_append(&sb, out.items[i]);
    }
    return pw_sb_finish(&sb);
}

/* users(id pk autoincrement, email VARCHAR(255) UNIQUE, name VARCHAR(100),
 * bio TEXT NULL, index idx_users_name(name));
 * posts(id, title TEXT, author_id -> users CASCADE, unique index
 * uidx_posts_title_author(title, author_id), index idx_posts_author). */
static pw_schema *sq_fixture(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)")->unique = true;
    tb_col(a, u, "name", "VARCHAR(100)");
    tb_col(a, u, "bio", "TEXT")->null = true;
    tb_index(a, u, "idx_users_name", false, "name");
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_col(a, p, "title", "TEXT");
    tb_fk(a, p, "author_id", "users");
    tb_index(a, p, "uidx_posts_title_author", true, "title,author_id");
    tb_index(a, p, "idx_posts_author", false, "author_id");
    return s;
}

#define SEQ_COPY(t)                                                                           \
    "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_" t "'\n"                      \
    "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_" t "', \"seq\" "     \
    "FROM \"sqlite_sequence\" WHERE \"name\" = '" t "'\n"

/* The end of every rebuild of users. */
#define USERS_REBUILD_TAIL                                                                    \
    SEQ_COPY("users")                                                                         \
    "DROP TABLE \"users\"\n"                                                                  \
    "ALTER TABLE \"__pw_new_users\" RENAME TO \"users\"\n"                                    \
    "CREATE INDEX \"idx_users_name\" ON \"users\" (\"name\")"

TEST(test_sqlite_create_model_full) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = sq_fixture(a)->tables[1];
    const char *sql = sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK_STR(sql, "CREATE TABLE \"posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
                   "\"title\" TEXT NOT NULL, \"author_id\" INT NOT NULL REFERENCES \"users\" "
                   "(\"id\") ON DELETE CASCADE)\n"
                   "CREATE UNIQUE INDEX \"uidx_posts_title_author\" ON \"posts\" (\"title\", "
                   "\"author_id\")\n"
                   "CREATE INDEX \"idx_posts_author\" ON \"posts\" (\"author_id\")");
    pw_arena_free(a);
}

TEST(test_sqlite_create_model_column_shapes) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "things");
    pw_column *c = tb_col(a, t, "code", "VARCHAR(10)");
    c->pk = true;
    c = tb_col(a, t, "n", "INT");
    c->def.kind = PW_DEFAULT_INT;
    c->def.i = -3;
    c = tb_col(a, t, "ratio", "REAL");
    c->def.kind = PW_DEFAULT_FLOAT;
    c->def.f = 0.5;
    c = tb_col(a, t, "flag", "INT");
    tb_types(c, "INT", "BOOL", "BOOL");
    c->def.kind = PW_DEFAULT_BOOL;
    c->def.i = 1;
    c = tb_col(a, t, "label", "VARCHAR(20)");
    c->null = true;
    c->unique = true;
    c->def.kind = PW_DEFAULT_STRING;
    c->def.s = "it's";
    c = tb_col(a, t, "created", "TIMESTAMP");
    c->def.kind = PW_DEFAULT_EXPR;
    c->def.s = "CURRENT_TIMESTAMP";
    c = tb_fk(a, t, "owner_id", "users");
    c->null = true;
    c->fk.on_delete = PW_FK_SET_NULL;
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    const char *sql = sq_render(a, pw_schema_new(a), &op, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK_STR(sql, "CREATE TABLE \"things\" (\"code\" VARCHAR(10) NOT NULL PRIMARY KEY, "
                   "\"n\" INT NOT NULL DEFAULT -3, \"ratio\" REAL NOT NULL DEFAULT 0.5, "
                   "\"flag\" INT NOT NULL DEFAULT 1, \"label\" VARCHAR(20) UNIQUE DEFAULT "
                   "'it''s', \"created\" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "
                   "\"owner_id\" INT REFERENCES \"users\" (\"id\") ON DELETE SET NULL)");
    pw_arena_free(a);
}

TEST(test_sqlite_create_model_ignores_comments_and_other_dialect_types) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "notes");
    tb_pk(a, t)->comment = "the key";
    pw_column *c = tb_col(a, t, "body", "TEXT");
    tb_types(c, "TEXT", "TEXT", "LONGTEXT");
    c->comment = "*/ DROP TABLE x; /*";
    t->comment = "a table";
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    const char *sql = sq_render(a, pw_schema_new(a), &op, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK_STR(sql, "CREATE TABLE \"notes\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
                   "\"body\" TEXT NOT NULL)");
    pw_arena_free(a);
}

TEST(test_sqlite_create_model_fk_actions) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "x");
    tb_fk(a, t, "a", "r")->fk.on_delete = PW_FK_RESTRICT;
    tb_fk(a, t, "b", "r")->fk.on_delete = PW_FK_SET_DEFAULT;
    tb_fk(a, t, "c", "r")->fk.on_delete = PW_FK_NO_ACTION;
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    const char *sql = sq_render(a, pw_schema_new(a), &op, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK_STR(sql, "CREATE TABLE \"x\" (\"a\" INT NOT NULL REFERENCES \"r\" (\"id\") ON DELETE "
                   "RESTRICT, \"b\" INT NOT NULL REFERENCES \"r\" (\"id\") ON DELETE SET "
                   "DEFAULT, \"c\" INT NOT NULL REFERENCES \"r\" (\"id\") ON DELETE NO ACTION)");
    pw_arena_free(a);
}

TEST(test_sqlite_quotes_identifiers) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_table *t = tb_table(a, NULL, "we\"ird");
    tb_col(a, t, "c\"ol", "INT");
    tb_index(a, t, "i\"x", false, "c\"ol");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = t;
    const char *sql = sq_render(a, pw_schema_new(a), &op, &rc, &err);
    CHECK_INT(rc, 0);
    CHECK_STR(sql, "CREATE TABLE \"we\"\"ird\" (\"c\"\"ol\" INT NOT NULL)\n"
                   "CREATE INDEX \"i\"\"x\" ON \"we\"\"ird\" (\"c\"\"ol\")");
    pw_arena_free(a);
}

TEST(test_sqlite_create_model_without_columns_unsupported) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    op.model = tb_table(a, NULL, "empty");
    const char *sql = sq_render(a, pw_schema_new(a), &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK_STR(err.path, "empty");
    CHECK_STR(sql, "");
    pw_arena_free(a);
}

TEST(test_sqlite_delete_rename_alter_model) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "posts");
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "DROP TABLE \"posts\"");
    CHECK_INT(rc, 0);
    op = tb_op(PW_OP_RENAME_MODEL, "users");
    op.new_name = "accounts";
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "ALTER TABLE \"users\" RENAME TO \"accounts\"");
    CHECK_INT(rc, 0);
    op = tb_op(PW_OP_ALTER_MODEL, "users");
    op.comment = "people";
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_nullable_is_add_column) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "age", "INT");
    op.column->null = true;
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "ALTER TABLE \"users\" ADD COLUMN \"age\" INT");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_not_null_with_default_is_add_column) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "status", "VARCHAR(10)");
    op.column->def.kind = PW_DEFAULT_STRING;
    op.column->def.s = "new";
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "ALTER TABLE \"users\" ADD COLUMN \"status\" VARCHAR(10) NOT NULL DEFAULT 'new'");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_nullable_fk_is_add_column) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "posts");
    op.column = tb_column(a, "editor_id", "INT");
    op.column->null = true;
    op.column->fk.name = "fk_posts_editor";
    op.column->fk.table = "users";
    op.column->fk.column = "id";
    op.column->fk.on_delete = PW_FK_SET_NULL;
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "ALTER TABLE \"posts\" ADD COLUMN \"editor_id\" INT REFERENCES \"users\" (\"id\") "
              "ON DELETE SET NULL");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_not_null_without_default_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "age", "INT");
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT, \"age\" INT NOT NULL)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_unique_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "nick", "VARCHAR(30)");
    op.column->null = true;
    op.column->unique = true;
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT, \"nick\" VARCHAR(30) UNIQUE)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_expression_default_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "created", "TIMESTAMP");
    op.column->def.kind = PW_DEFAULT_EXPR;
    op.column->def.s = "CURRENT_TIMESTAMP";
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT, \"created\" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_fk_with_default_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "posts");
    op.column = tb_column(a, "editor_id", "INT");
    op.column->def.kind = PW_DEFAULT_INT;
    op.column->def.i = 1;
    op.column->fk.name = "fk_posts_editor";
    op.column->fk.table = "users";
    op.column->fk.column = "id";
    op.column->fk.on_delete = PW_FK_RESTRICT;
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"title\" TEXT NOT NULL, \"author_id\" INT NOT NULL REFERENCES \"users\" "
              "(\"id\") ON DELETE CASCADE, \"editor_id\" INT NOT NULL DEFAULT 1 REFERENCES "
              "\"users\" (\"id\") ON DELETE RESTRICT)\n"
              "INSERT INTO \"__pw_new_posts\" (\"id\", \"title\", \"author_id\") SELECT \"id\", "
              "\"title\", \"author_id\" FROM \"posts\"\n" SEQ_COPY("posts")
              "DROP TABLE \"posts\"\n"
              "ALTER TABLE \"__pw_new_posts\" RENAME TO \"posts\"\n"
              "CREATE UNIQUE INDEX \"uidx_posts_title_author\" ON \"posts\" (\"title\", "
              "\"author_id\")\n"
              "CREATE INDEX \"idx_posts_author\" ON \"posts\" (\"author_id\")");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_pk_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "tags");
    tb_col(a, t, "label", "TEXT");
    pw_op op = tb_op(PW_OP_ADD_FIELD, "tags");
    op.column = tb_column(a, "id", "INT");
    op.column->pk = true;
    op.column->autoincrement = true;
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_tags\" (\"label\" TEXT NOT NULL, \"id\" INTEGER PRIMARY "
              "KEY AUTOINCREMENT NOT NULL)\n"
              "INSERT INTO \"__pw_new_tags\" (\"label\") SELECT \"label\" FROM \"tags\"\n"
              "DROP TABLE \"tags\"\n"
              "ALTER TABLE \"__pw_new_tags\" RENAME TO \"tags\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_field_existing_column_fails_in_rebuild) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "name", "TEXT"); /* NOT NULL, no default: rebuild */
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err), "");
    CHECK_INT(rc, PW_ERR_EXISTS);
    CHECK_STR(err.path, "users.name");
    pw_arena_free(a);
}

TEST(test_sqlite_remove_field_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "users");
    op.name = "bio";
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\") SELECT \"id\", "
              "\"email\", \"name\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_remove_field_fk_column_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    pw_table *p = s->tables[1];
    p->nindexes = 0; /* the diff removes indexes on the column first */
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "posts");
    op.name = "author_id";
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"title\" TEXT NOT NULL)\n"
              "INSERT INTO \"__pw_new_posts\" (\"id\", \"title\") SELECT \"id\", \"title\" FROM "
              "\"posts\"\n" SEQ_COPY("posts")
              "DROP TABLE \"posts\"\n"
              "ALTER TABLE \"__pw_new_posts\" RENAME TO \"posts\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_remove_field_used_by_index_fails_and_appends_nothing) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_strlist out = {0};
    CHECK_INT(pw_strlist_push(a, &out, "earlier"), 0);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "users");
    op.name = "name";
    CHECK_INT(pw_sql_sqlite_render_op(a, sq_fixture(a), &op, &out, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.name");
    CHECK(strstr(err.message, "idx_users_name") != NULL);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0], "earlier");
    pw_arena_free(a);
}

TEST(test_sqlite_remove_last_column_unsupported) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    tb_col(a, tb_table(a, s, "solo"), "only", "INT");
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "solo");
    op.name = "only";
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "");
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK_STR(err.path, "solo");
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_type_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "name", "TEXT");
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" TEXT NOT NULL, "
              "\"bio\" TEXT)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_not_null_with_default_coalesces) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "bio", "TEXT");
    op.column->def.kind = PW_DEFAULT_STRING;
    op.column->def.s = "n/a";
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT NOT NULL DEFAULT 'n/a')\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", COALESCE(\"bio\", 'n/a') FROM \"users\"\n"
              USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_not_null_without_default_copies_plainly) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "bio", "TEXT");
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT NOT NULL)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_drop_not_null_and_set_default) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "name", "VARCHAR(100)");
    op.column->null = true;
    op.column->def.kind = PW_DEFAULT_STRING;
    op.column->def.s = "anon";
    /* Already NOT NULL before: no COALESCE even though it has a default now. */
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) DEFAULT "
              "'anon', \"bio\" TEXT)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_default_change_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    s->tables[0]->columns[3]->def.kind = PW_DEFAULT_STRING; /* users.bio */
    s->tables[0]->columns[3]->def.s = "old";
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "bio", "TEXT");
    op.column->null = true;
    op.column->def.kind = PW_DEFAULT_EXPR;
    op.column->def.s = "(lower('X'))";
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL UNIQUE, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT DEFAULT (lower('X')))\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_unique_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "email", "VARCHAR(255)"); /* unique dropped */
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"email\" VARCHAR(255) NOT NULL, \"name\" VARCHAR(100) NOT NULL, "
              "\"bio\" TEXT)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"email\", \"name\", \"bio\") SELECT "
              "\"id\", \"email\", \"name\", \"bio\" FROM \"users\"\n" USERS_REBUILD_TAIL);
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_fk_action_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = tb_column(a, "author_id", "INT");
    op.column->null = true;
    op.column->fk.name = "fk_posts_author_id";
    op.column->fk.table = "users";
    op.column->fk.column = "id";
    op.column->fk.on_delete = PW_FK_SET_NULL;
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "CREATE TABLE \"__pw_new_posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"title\" TEXT NOT NULL, \"author_id\" INT REFERENCES \"users\" (\"id\") "
              "ON DELETE SET NULL)\n"
              "INSERT INTO \"__pw_new_posts\" (\"id\", \"title\", \"author_id\") SELECT \"id\", "
              "\"title\", \"author_id\" FROM \"posts\"\n" SEQ_COPY("posts")
              "DROP TABLE \"posts\"\n"
              "ALTER TABLE \"__pw_new_posts\" RENAME TO \"posts\"\n"
              "CREATE UNIQUE INDEX \"uidx_posts_title_author\" ON \"posts\" (\"title\", "
              "\"author_id\")\n"
              "CREATE INDEX \"idx_posts_author\" ON \"posts\" (\"author_id\")");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_drop_fk_rebuilds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    s->tables[1]->nindexes = 0;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = tb_column(a, "author_id", "INT");
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"title\" TEXT NOT NULL, \"author_id\" INT NOT NULL)\n"
              "INSERT INTO \"__pw_new_posts\" (\"id\", \"title\", \"author_id\") SELECT \"id\", "
              "\"title\", \"author_id\" FROM \"posts\"\n" SEQ_COPY("posts")
              "DROP TABLE \"posts\"\n"
              "ALTER TABLE \"__pw_new_posts\" RENAME TO \"posts\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_without_sqlite_change_is_empty) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    /* Comment only. */
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = pw_column_copy(a, s->tables[0]->columns[2]);
    op.column->comment = "full name";
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "");
    CHECK_INT(rc, 0);
    /* Another dialect's type only. */
    op.column = pw_column_copy(a, s->tables[0]->columns[2]);
    tb_types(op.column, "VARCHAR(100)", "TEXT", "LONGTEXT");
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "");
    CHECK_INT(rc, 0);
    /* The foreign key's constraint name only. */
    op = tb_op(PW_OP_ALTER_FIELD, "posts");
    op.column = pw_column_copy(a, s->tables[1]->columns[2]);
    op.column->fk.name = "fk_renamed";
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_field_missing_column) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, "ghost", "INT");
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err), "");
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    CHECK_STR(err.path, "users.ghost");
    pw_arena_free(a);
}

TEST(test_sqlite_rebuild_keeps_self_reference) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "nodes");
    tb_pk(a, t);
    tb_fk(a, t, "parent_id", "nodes")->null = true;
    pw_op op = tb_op(PW_OP_ADD_FIELD, "nodes");
    op.column = tb_column(a, "depth", "INT");
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_nodes\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"parent_id\" INT REFERENCES \"nodes\" (\"id\") ON DELETE CASCADE, "
              "\"depth\" INT NOT NULL)\n"
              "INSERT INTO \"__pw_new_nodes\" (\"id\", \"parent_id\") SELECT \"id\", "
              "\"parent_id\" FROM \"nodes\"\n" SEQ_COPY("nodes")
              "DROP TABLE \"nodes\"\n"
              "ALTER TABLE \"__pw_new_nodes\" RENAME TO \"nodes\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_rename_field) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_op op = tb_op(PW_OP_RENAME_FIELD, "users");
    op.name = "name";
    op.new_name = "full_name";
    CHECK_STR(sq_render(a, sq_fixture(a), &op, &rc, &err),
              "ALTER TABLE \"users\" RENAME COLUMN \"name\" TO \"full_name\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_add_and_remove_index) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    pw_op op = tb_op(PW_OP_ADD_INDEX, "users");
    op.index = tb_index(a, NULL, "idx_users_name_bio", false, "name,bio");
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE INDEX \"idx_users_name_bio\" ON \"users\" (\"name\", \"bio\")");
    CHECK_INT(rc, 0);
    op.index = tb_index(a, NULL, "uidx_users_bio", true, "bio");
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE UNIQUE INDEX \"uidx_users_bio\" ON \"users\" (\"bio\")");
    CHECK_INT(rc, 0);
    op = tb_op(PW_OP_REMOVE_INDEX, "users");
    op.name = "idx_users_name";
    CHECK_STR(sq_render(a, s, &op, &rc, &err), "DROP INDEX \"idx_users_name\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_missing_table_not_found) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    pw_op_kind kinds[] = {PW_OP_DELETE_MODEL, PW_OP_ALTER_MODEL, PW_OP_REMOVE_FIELD,
                          PW_OP_REMOVE_INDEX};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        pw_op op = tb_op(kinds[i], "ghosts");
        op.name = "x";
        CHECK_STR(sq_render(a, s, &op, &rc, &err), "");
        CHECK_INT(rc, PW_ERR_NOT_FOUND);
        CHECK_STR(err.path, "ghosts");
        CHECK_STR(err.message, "table ghosts does not exist");
    }
    pw_op op = tb_op(PW_OP_ADD_FIELD, "ghosts");
    op.column = tb_column(a, "c", "INT");
    op.column->null = true;
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_NOT_FOUND);
    pw_arena_free(a);
}

TEST(test_sqlite_malformed_ops_invalid) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = sq_fixture(a);
    pw_op op = tb_op(PW_OP_CREATE_MODEL, NULL);
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_INVALID);
    op = tb_op(PW_OP_ADD_FIELD, "users");
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_INVALID);
    CHECK_STR(err.path, "users");
    op = tb_op(PW_OP_RENAME_MODEL, "users");
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_INVALID);
    op = tb_op(PW_OP_DELETE_MODEL, NULL);
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_INVALID);
    op = tb_op(PW_OP_RUN_SQL, NULL);
    op.sql_forward = "SELECT 1";
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_INVALID);
    op = tb_op(PW_OP_RUN_PYTHON, NULL);
    sq_render(a, s, &op, &rc, &err);
    CHECK_INT(rc, PW_ERR_INVALID);
    pw_arena_free(a);
}

TEST(test_sqlite_alter_pk_off_autoincrement_skips_sequence_copy) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "tags");
    tb_pk(a, t);
    tb_col(a, t, "label", "TEXT");
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "tags");
    op.column = tb_column(a, "id", "BIGINT");
    op.column->pk = true;
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_tags\" (\"id\" BIGINT NOT NULL PRIMARY KEY, \"label\" "
              "TEXT NOT NULL)\n"
              "INSERT INTO \"__pw_new_tags\" (\"id\", \"label\") SELECT \"id\", \"label\" FROM "
              "\"tags\"\n"
              "DROP TABLE \"tags\"\n"
              "ALTER TABLE \"__pw_new_tags\" RENAME TO \"tags\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}

TEST(test_sqlite_rebuild_sequence_names_are_literals) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "o'neil");
    tb_pk(a, t);
    tb_col(a, t, "x", "INT")->null = true;
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "o'neil");
    op.name = "x";
    CHECK_STR(sq_render(a, s, &op, &rc, &err),
              "CREATE TABLE \"__pw_new_o'neil\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL)\n"
              "INSERT INTO \"__pw_new_o'neil\" (\"id\") SELECT \"id\" FROM \"o'neil\"\n"
              "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_o''neil'\n"
              "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_o''neil', "
              "\"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = 'o''neil'\n"
              "DROP TABLE \"o'neil\"\n"
              "ALTER TABLE \"__pw_new_o'neil\" RENAME TO \"o'neil\"");
    CHECK_INT(rc, 0);
    pw_arena_free(a);
}
