/*
 * test_render.c - pw_render_run (render.c): a three-migration run rendered
 * for SQLite forward and backward, statement by statement, the state it
 * leaves, and its errors with their migration/operation prefix.
 */
#include "build.h"
#include "pw_test.h"
#include "render.h"
#include "strbuf.h"

/* The statements of one operation joined by "\n" ("" for none). */
static const char *rn_join(pw_arena *a, const pw_op_sql *sql) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    for (size_t i = 0; i < sql->statements.len; i++) {
        if (i) pw_sb_append_char(&sb, '\n');
        pw_sb_append(&sb, sql->statements.items[i]);
    }
    return pw_sb_finish(&sb);
}

/* Whether s starts with prefix. */
static int rn_starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The base state: users(id, name VARCHAR(100)). */
static pw_schema *rn_base(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "name", "VARCHAR(100)");
    return s;
}

/* The run (arrays in the arena):
 *   app.0001_initial: create posts(id, title, author_id -> users, index
 *     idx_posts_author); add users.email VARCHAR(255) NULL
 *   app.0002_more: add posts.views INT NOT NULL DEFAULT 0; add unique index
 *     uidx_users_email; run_sql with backward
 *   app.0003_alter: alter users.name to TEXT; rename posts.title to headline;
 *     run_python reversible */
static pw_migration_ops *rn_run(pw_arena *a) {
    pw_migration_ops *m = pw_arena_calloc(a, 3, sizeof *m);
    pw_op *o1 = pw_arena_calloc(a, 2, sizeof *o1);
    pw_op *o2 = pw_arena_calloc(a, 3, sizeof *o2);
    pw_op *o3 = pw_arena_calloc(a, 3, sizeof *o3);

    pw_table *p = tb_table(a, NULL, "posts");
    tb_pk(a, p);
    tb_col(a, p, "title", "TEXT");
    tb_fk(a, p, "author_id", "users");
    tb_index(a, p, "idx_posts_author", false, "author_id");
    o1[0] = tb_op(PW_OP_CREATE_MODEL, NULL);
    o1[0].model = p;
    o1[1] = tb_op(PW_OP_ADD_FIELD, "users");
    o1[1].column = tb_column(a, "email", "VARCHAR(255)");
    o1[1].column->null = true;

    o2[0] = tb_op(PW_OP_ADD_FIELD, "posts");
    o2[0].column = tb_column(a, "views", "INT");
    o2[0].column->def.kind = PW_DEFAULT_INT;
    o2[0].column->def.i = 0;
    o2[1] = tb_op(PW_OP_ADD_INDEX, "users");
    o2[1].index = tb_index(a, NULL, "uidx_users_email", true, "email");
    o2[2] = tb_op(PW_OP_RUN_SQL, NULL);
    o2[2].sql_forward = "UPDATE users SET email = 'x'";
    o2[2].sql_backward = "UPDATE users SET email = NULL";

    o3[0] = tb_op(PW_OP_ALTER_FIELD, "users");
    o3[0].column = tb_column(a, "name", "TEXT");
    o3[1] = tb_op(PW_OP_RENAME_FIELD, "posts");
    o3[1].name = "title";
    o3[1].new_name = "headline";
    o3[2] = tb_op(PW_OP_RUN_PYTHON, NULL);
    o3[2].reversible = true;

    m[0] = (pw_migration_ops){"app.0001_initial", o1, 2, false};
    m[1] = (pw_migration_ops){"app.0002_more", o2, 3, false};
    m[2] = (pw_migration_ops){"app.0003_alter", o3, 3, false};
    return m;
}

TEST(test_render_forward_statements) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_schema *s = rn_base(a);
    CHECK_INT(pw_render_run(a, s, rn_run(a), 3, PW_DIALECT_SQLITE, false, &out, &err), 0);
    CHECK(out != NULL);
    CHECK_STR(rn_join(a, &out[0][0]),
              "CREATE TABLE \"posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
              "\"title\" TEXT NOT NULL, \"author_id\" INT NOT NULL REFERENCES \"users\" (\"id\") "
              "ON DELETE CASCADE)\n"
              "CREATE INDEX \"idx_posts_author\" ON \"posts\" (\"author_id\")");
    CHECK_STR(rn_join(a, &out[0][1]),
              "ALTER TABLE \"users\" ADD COLUMN \"email\" VARCHAR(255)");
    CHECK_STR(rn_join(a, &out[1][0]),
              "ALTER TABLE \"posts\" ADD COLUMN \"views\" INT NOT NULL DEFAULT 0");
    CHECK_STR(rn_join(a, &out[1][1]),
              "CREATE UNIQUE INDEX \"uidx_users_email\" ON \"users\" (\"email\")");
    CHECK_STR(rn_join(a, &out[1][2]), "UPDATE users SET email = 'x'");
    /* Rendered against the state after migrations 1 and 2: email and its
     * index are part of the rebuilt table. */
    CHECK_STR(rn_join(a, &out[2][0]),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"name\" TEXT NOT NULL, \"email\" VARCHAR(255))\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", "
              "\"name\", \"email\" FROM \"users\"\n"
              "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_users'\n"
              "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_users', "
              "\"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = 'users'\n"
              "DROP TABLE \"users\"\n"
              "ALTER TABLE \"__pw_new_users\" RENAME TO \"users\"\n"
              "CREATE UNIQUE INDEX \"uidx_users_email\" ON \"users\" (\"email\")");
    CHECK_STR(rn_join(a, &out[2][1]),
              "ALTER TABLE \"posts\" RENAME COLUMN \"title\" TO \"headline\"");
    CHECK_INT(out[2][2].statements.len, 0);
    pw_arena_free(a);
}

TEST(test_render_forward_final_state) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_schema *s = rn_base(a);
    CHECK_INT(pw_render_run(a, s, rn_run(a), 3, PW_DIALECT_SQLITE, false, &out, &err), 0);
    CHECK_INT(s->ntables, 2);
    pw_table *u = pw_schema_find_table(s, "users");
    pw_table *p = pw_schema_find_table(s, "posts");
    CHECK(u != NULL && p != NULL);
    CHECK_INT(u->ncolumns, 3);
    CHECK_STR(u->columns[1]->name, "name");
    CHECK_STR(u->columns[1]->type[PW_DIALECT_SQLITE], "TEXT");
    CHECK_STR(u->columns[2]->name, "email");
    CHECK_INT(u->nindexes, 1);
    CHECK_STR(u->indexes[0]->name, "uidx_users_email");
    CHECK_INT(p->ncolumns, 4);
    CHECK_STR(p->columns[1]->name, "headline");
    CHECK_STR(p->columns[3]->name, "views");
    CHECK_INT(p->nindexes, 1);
    CHECK_INT(pw_schema_check(s, &err), 0);
    pw_arena_free(a);
}

TEST(test_render_backward_statements) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_schema *s = rn_base(a);
    CHECK_INT(pw_render_run(a, s, rn_run(a), 3, PW_DIALECT_SQLITE, true, &out, &err), 0);
    CHECK(out != NULL);
    /* Migration 3, rendered first (last operation first). */
    CHECK_INT(out[2][2].statements.len, 0);
    CHECK_STR(rn_join(a, &out[2][1]),
              "ALTER TABLE \"posts\" RENAME COLUMN \"headline\" TO \"title\"");
    CHECK_STR(rn_join(a, &out[2][0]),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"name\" VARCHAR(100) NOT NULL, \"email\" VARCHAR(255))\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"name\", \"email\") SELECT \"id\", "
              "\"name\", \"email\" FROM \"users\"\n"
              "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_users'\n"
              "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_users', "
              "\"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = 'users'\n"
              "DROP TABLE \"users\"\n"
              "ALTER TABLE \"__pw_new_users\" RENAME TO \"users\"\n"
              "CREATE UNIQUE INDEX \"uidx_users_email\" ON \"users\" (\"email\")");
    /* Migration 2. */
    CHECK_STR(rn_join(a, &out[1][2]), "UPDATE users SET email = NULL");
    CHECK_STR(rn_join(a, &out[1][1]), "DROP INDEX \"uidx_users_email\"");
    /* posts already has "title" again: the reverse renders against it. */
    CHECK_STR(rn_join(a, &out[1][0]),
              "CREATE TABLE \"__pw_new_posts\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"title\" TEXT NOT NULL, \"author_id\" INT NOT NULL REFERENCES \"users\" "
              "(\"id\") ON DELETE CASCADE)\n"
              "INSERT INTO \"__pw_new_posts\" (\"id\", \"title\", \"author_id\") SELECT \"id\", "
              "\"title\", \"author_id\" FROM \"posts\"\n"
              "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_posts'\n"
              "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_posts', "
              "\"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = 'posts'\n"
              "DROP TABLE \"posts\"\n"
              "ALTER TABLE \"__pw_new_posts\" RENAME TO \"posts\"\n"
              "CREATE INDEX \"idx_posts_author\" ON \"posts\" (\"author_id\")");
    /* Migration 1: the index on email is gone by now, so no index after. */
    CHECK_STR(rn_join(a, &out[0][1]),
              "CREATE TABLE \"__pw_new_users\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT "
              "NULL, \"name\" VARCHAR(100) NOT NULL)\n"
              "INSERT INTO \"__pw_new_users\" (\"id\", \"name\") SELECT \"id\", \"name\" FROM "
              "\"users\"\n"
              "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = '__pw_new_users'\n"
              "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT '__pw_new_users', "
              "\"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = 'users'\n"
              "DROP TABLE \"users\"\n"
              "ALTER TABLE \"__pw_new_users\" RENAME TO \"users\"");
    CHECK_STR(rn_join(a, &out[0][0]), "DROP TABLE \"posts\"");
    pw_arena_free(a);
}

TEST(test_render_backward_restores_state) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_schema *s = rn_base(a);
    pw_schema *orig = pw_schema_copy(a, s);
    CHECK_INT(pw_render_run(a, s, rn_run(a), 3, PW_DIALECT_SQLITE, true, &out, &err), 0);
    CHECK_INT(s->ntables, 1);
    CHECK(pw_table_equal(s->tables[0], orig->tables[0]));
    pw_arena_free(a);
}

TEST(test_render_forward_then_backward_of_one_migration) {
    /* Migrate all three, then revert only the last from the state after two. */
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_migration_ops *run = rn_run(a);
    pw_schema *s = rn_base(a);
    CHECK_INT(pw_render_run(a, s, run, 2, PW_DIALECT_SQLITE, false, &out, &err), 0);
    pw_schema *after2 = pw_schema_copy(a, s);
    CHECK_INT(pw_render_run(a, s, run + 2, 1, PW_DIALECT_SQLITE, true, &out, &err), 0);
    CHECK_STR(rn_join(a, &out[0][1]),
              "ALTER TABLE \"posts\" RENAME COLUMN \"headline\" TO \"title\"");
    CHECK_INT(out[0][0].statements.len, 7);
    CHECK_INT(s->ntables, 2);
    CHECK(pw_table_equal(s->tables[0], after2->tables[0]));
    CHECK(pw_table_equal(s->tables[1], after2->tables[1]));
    pw_arena_free(a);
}

TEST(test_render_backward_irreversible) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = (pw_op_sql **)&err; /* must be reset to NULL */
    pw_migration_ops *run = rn_run(a);
    pw_op *o2 = (pw_op *)run[1].ops;
    o2[2].sql_backward = NULL;
    pw_schema *s = rn_base(a);
    CHECK_INT(pw_render_run(a, s, run, 3, PW_DIALECT_SQLITE, true, &out, &err),
              PW_ERR_IRREVERSIBLE);
    CHECK(out == NULL);
    CHECK_STR(err.message, "app.0002_more: operation 3 (run_sql): run_sql operation has no "
                           "backward SQL and cannot be reversed");
    CHECK_STR(err.path, "app.0002_more");
    /* Forward the same run is fine. */
    CHECK_INT(pw_render_run(a, rn_base(a), run, 3, PW_DIALECT_SQLITE, false, &out, &err), 0);
    pw_arena_free(a);
}

TEST(test_render_backward_irreversible_python) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_migration_ops *run = rn_run(a);
    ((pw_op *)run[2].ops)[2].reversible = false;
    CHECK_INT(pw_render_run(a, rn_base(a), run, 3, PW_DIALECT_SQLITE, true, &out, &err),
              PW_ERR_IRREVERSIBLE);
    CHECK(rn_starts(err.message, "app.0003_alter: operation 3 (run_python): "));
    pw_arena_free(a);
}

TEST(test_render_forward_render_error_is_located) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_migration_ops *run = rn_run(a);
    pw_op *o2 = (pw_op *)run[1].ops;
    o2[0].table = "ghosts";
    CHECK_INT(pw_render_run(a, rn_base(a), run, 3, PW_DIALECT_SQLITE, false, &out, &err),
              PW_ERR_NOT_FOUND);
    CHECK(out == NULL);
    CHECK_STR(err.message, "app.0002_more: operation 1 (add_field): table ghosts does not exist");
    CHECK_STR(err.path, "ghosts");
    pw_arena_free(a);
}

TEST(test_render_forward_apply_error_is_located) {
    /* The renderer writes CREATE INDEX without looking at the columns; the
     * apply after it finds the missing column. */
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_migration_ops *run = rn_run(a);
    pw_op *o2 = (pw_op *)run[1].ops;
    o2[1].index = tb_index(a, NULL, "uidx_users_nope", true, "nope");
    CHECK_INT(pw_render_run(a, rn_base(a), run, 3, PW_DIALECT_SQLITE, false, &out, &err),
              PW_ERR_NOT_FOUND);
    CHECK(out == NULL);
    CHECK(rn_starts(err.message, "app.0002_more: operation 2 (add_index): "));
    CHECK(strstr(err.message, "users.nope") != NULL);
    CHECK_STR(err.path, "users.nope");
    pw_arena_free(a);
}

TEST(test_render_backward_error_in_forward_pass_is_located) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_migration_ops *run = rn_run(a);
    pw_op *o3 = (pw_op *)run[2].ops;
    o3[1].name = "ghost"; /* rename of a column that is not there */
    CHECK_INT(pw_render_run(a, rn_base(a), run, 3, PW_DIALECT_SQLITE, true, &out, &err),
              PW_ERR_NOT_FOUND);
    CHECK(out == NULL);
    CHECK(rn_starts(err.message, "app.0003_alter: operation 2 (rename_field): "));
    CHECK_STR(err.path, "posts.ghost");
    pw_arena_free(a);
}

TEST(test_render_empty_run_and_empty_migration) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_schema *s = rn_base(a);
    CHECK_INT(pw_render_run(a, s, NULL, 0, PW_DIALECT_SQLITE, false, &out, &err), 0);
    CHECK(out != NULL);
    CHECK_INT(pw_render_run(a, s, NULL, 0, PW_DIALECT_SQLITE, true, &out, &err), 0);
    CHECK(out != NULL);
    pw_migration_ops m[2] = {{"app.0001_empty", NULL, 0, false}, {"app.0002_empty", NULL, 0, false}};
    CHECK_INT(pw_render_run(a, s, m, 2, PW_DIALECT_SQLITE, true, &out, &err), 0);
    CHECK(out != NULL && out[0] != NULL && out[1] != NULL);
    CHECK_INT(s->ntables, 1);
    pw_arena_free(a);
}

TEST(test_render_null_label) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_op_sql **out = NULL;
    pw_op op = tb_op(PW_OP_RUN_SQL, NULL);
    op.sql_forward = "SELECT 1";
    pw_migration_ops m = {NULL, &op, 1, false};
    CHECK_INT(pw_render_run(a, rn_base(a), &m, 1, PW_DIALECT_SQLITE, true, &out, &err),
              PW_ERR_IRREVERSIBLE);
    CHECK(rn_starts(err.message, "(migration): operation 1 (run_sql): "));
    CHECK_STR(err.path, "(migration)");
    pw_arena_free(a);
}
