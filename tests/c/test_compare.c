/*
 * test_compare.c - tests of compare.c: the physical form of a schema per
 * dialect, the differences between a database (as live.py reads it) and what
 * migrations describe, reconciling unique constraints named by other tools,
 * and the adoption baseline.
 */
#include "build.h"
#include "compare.h"
#include "pw_test.h"

#define SL PW_DIALECT_SQLITE
#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL

/* What migrations describe: users(id serial, email unique, name, active
 * BOOL default TRUE, bio nullable with a comment), posts(id, author_id ->
 * users, title) with an index on title. */
static pw_schema *expected(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)")->unique = true;
    tb_col(a, u, "name", "VARCHAR(50)");
    pw_column *active = tb_col(a, u, "active", "BOOL");
    tb_types(active, "INT", "BOOL", "BOOL");
    active->def = (pw_default){.kind = PW_DEFAULT_BOOL, .i = 1};
    pw_column *bio = tb_col(a, u, "bio", "TEXT");
    bio->null = true;
    bio->comment = "About";
    tb_types(bio, "TEXT", "TEXT", "LONGTEXT");
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_col(a, p, "title", "VARCHAR(200)");
    tb_index(a, p, "idx_posts_title", false, "title");
    return s;
}

/* The same schema as PostgreSQL's catalog gives it, read by live.py (types
 * and defaults through catalog.c already). */
static pw_schema *live_pg(pw_arena *a) {
    pw_schema *s = expected(a);
    pw_table *u = pw_schema_find_table(s, "users");
    pw_column *active = pw_table_find_column(u, "active");
    tb_types(active, "BOOL", "BOOL", "BOOL");
    pw_column *bio = pw_table_find_column(u, "bio");
    tb_types(bio, "TEXT", "TEXT", "TEXT");
    return s;
}

static int compare(pw_arena *a, const pw_schema *live, const pw_schema *exp, pw_dialect d,
                   pw_difflist *out, pw_error *err) {
    return pw_compare(a, live, exp, d, NULL, 0, out, NULL, NULL, err);
}

static pw_column *col(pw_schema *s, const char *table, const char *column) {
    return pw_table_find_column(pw_schema_find_table(s, table), column);
}

TEST(test_compare_equal_schemas_have_no_differences) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_difflist out;
    CHECK_INT(compare(a, live_pg(a), expected(a), PG, &out, &err), 0);
    CHECK_INT(out.len, 0);
    /* every dialect, each database's own reading of the same schema */
    pw_schema *my = expected(a);
    pw_column *bio = col(my, "users", "bio");
    tb_types(bio, "LONGTEXT", "LONGTEXT", "LONGTEXT");
    CHECK_INT(compare(a, my, expected(a), MY, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_schema *sl = expected(a);
    col(sl, "users", "bio")->comment = NULL;        /* SQLite keeps none */
    col(sl, "posts", "author_id")->fk.name = "x";   /* nor foreign-key names */
    tb_types(col(sl, "users", "id"), "INTEGER", "INTEGER", "INTEGER");
    tb_types(col(sl, "posts", "id"), "INTEGER", "INTEGER", "INTEGER");
    CHECK_INT(compare(a, sl, expected(a), SL, &out, &err), 0);
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_compare_each_kind_of_difference) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_difflist out;
    pw_schema *live = live_pg(a);
    pw_table *u = pw_schema_find_table(live, "users");
    pw_table *p = pw_schema_find_table(live, "posts");
    /* a column dropped by hand */
    pw_table_remove_column_at(u, (size_t)pw_table_column_index(u, "bio"));
    /* a hot-fix index */
    tb_index(a, u, "ix_users_name", false, "name");
    /* a type, a default, nullability, the foreign key's action changed */
    col(live, "posts", "title")->type[PG] = "VARCHAR(300)";
    col(live, "users", "active")->def = (pw_default){.kind = PW_DEFAULT_BOOL, .i = 0};
    col(live, "users", "name")->null = true;
    col(live, "posts", "author_id")->fk.on_delete = PW_FK_SET_NULL;
    /* the title index lost */
    pw_table_remove_index_at(p, 0);
    /* a table nobody describes */
    tb_pk(a, tb_table(a, live, "legacy"));
    CHECK_INT(compare(a, live, expected(a), PG, &out, &err), 0);
    const char *want[] = {
        "legacy: table in the database only",
        "posts.author_id: foreign key ON DELETE SET NULL in the database, ON DELETE CASCADE in "
        "the migrations",
        "posts.title: VARCHAR(300) in the database, VARCHAR(200) in the migrations",
        "index idx_posts_title: on posts (title) in the migrations, not in the database",
        "users.bio: in the migrations, not in the database",
        "users.name: nullable in the database, NOT NULL in the migrations",
        "users.active: default FALSE in the database, default TRUE in the migrations",
        "index ix_users_name: on users (name) in the database only",
    };
    CHECK_INT(out.len, sizeof want / sizeof *want);
    for (size_t i = 0; i < out.len; i++) {
        CHECK_STR(out.items[i].message, want[i]);
        CHECK(!out.items[i].name_only);
    }
    pw_arena_free(a);
}

TEST(test_compare_names_only) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_difflist out;
    pw_schema *live = live_pg(a);
    col(live, "posts", "author_id")->fk.name = "posts_author_id_fkey";
    pw_table *p = pw_schema_find_table(live, "posts");
    p->indexes[0]->name = "posts_title_idx";
    CHECK_INT(compare(a, live, expected(a), PG, &out, &err), 0);
    CHECK_INT(out.len, 2);
    CHECK_STR(out.items[0].message, "posts.author_id: foreign key posts_author_id_fkey in the "
                                    "database, fk_posts_author_id in the migrations");
    CHECK(out.items[0].name_only);
    CHECK_STR(out.items[1].message,
              "index posts_title_idx: on posts, named idx_posts_title in the migrations");
    CHECK(out.items[1].name_only);
    /* SQLite keeps no foreign-key names: only the index's is compared */
    pw_schema *sl = expected(a);
    col(sl, "posts", "author_id")->fk.name = "posts_author_id_fkey";
    pw_schema_find_table(sl, "posts")->indexes[0]->name = "posts_title_idx";
    CHECK_INT(compare(a, sl, expected(a), SL, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK(out.items[0].name_only);
    pw_arena_free(a);
}

TEST(test_compare_reconciles_unique_constraints_named_by_other_tools) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_difflist out;
    /* MySQL names an inline UNIQUE after its column; live.py reads it as an index */
    pw_schema *live = expected(a);
    tb_types(col(live, "users", "bio"), "LONGTEXT", "LONGTEXT", "LONGTEXT");
    col(live, "users", "email")->unique = false;
    tb_index(a, pw_schema_find_table(live, "users"), "email", true, "email");
    pw_oplist fix;
    pw_schema *state;
    CHECK_INT(pw_compare(a, live, expected(a), MY, NULL, 0, &out, &fix, &state, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].message, "users.email: unique constraint email in the database, "
                                    "users_email_key in the migrations");
    CHECK(out.items[0].name_only);
    CHECK_INT(fix.len, 1);
    CHECK_INT(fix.items[0].kind, PW_OP_ALTER_FIELD);
    CHECK_STR(col(state, "users", "email")->unique_name, "email");
    /* named as the renderers name it: no difference at all */
    pw_table_find_index(pw_schema_find_table(live, "users"), "email")->name = "users_email_key";
    CHECK_INT(pw_compare(a, live, expected(a), MY, NULL, 0, &out, NULL, NULL, &err), 0);
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_compare_only_some_tables) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_difflist out;
    pw_schema *live = live_pg(a);
    tb_pk(a, tb_table(a, live, "legacy"));
    col(live, "posts", "title")->type[PG] = "TEXT";
    const char *tables[] = {"users"};
    CHECK_INT(pw_compare(a, live, expected(a), PG, tables, 1, &out, NULL, NULL, &err), 0);
    CHECK_INT(out.len, 0);
    pw_arena_free(a);
}

TEST(test_physical_forms) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = expected(a), *p;
    CHECK_INT(pw_schema_physical(a, s, SL, &p, &err), 0);
    CHECK_STR(col(p, "users", "id")->type[SL], "INTEGER");
    CHECK_INT(col(p, "users", "active")->def.kind, PW_DEFAULT_INT);
    CHECK(col(p, "users", "bio")->comment == NULL);
    CHECK_STR(col(p, "posts", "author_id")->fk.name, "posts_author_id_fkey");
    CHECK_INT(pw_schema_physical(a, s, PG, &p, &err), 0);
    CHECK_STR(col(p, "users", "id")->type[SL], "INT");
    CHECK_INT(col(p, "users", "active")->def.kind, PW_DEFAULT_BOOL);
    /* MySQL leaves out a key between types InnoDB does not join */
    col(s, "posts", "author_id")->type[MY] = "BIGINT";
    CHECK_INT(pw_schema_physical(a, s, MY, &p, &err), 0);
    CHECK(col(p, "posts", "author_id")->fk.table == NULL);
    CHECK_STR(col(p, "users", "bio")->type[PG], "LONGTEXT");
    /* s itself is unchanged */
    CHECK_STR(col(s, "users", "id")->type[SL], "INT");
    pw_arena_free(a);
}

TEST(test_adopt_baseline) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    /* the models */
    pw_schema *target = expected(a);
    col(target, "posts", "author_id")->fk.on_delete = PW_FK_SET_NULL;
    col(target, "posts", "author_id")->null = true;
    /* the database: made by another tool, which left on_delete CASCADE and
     * the title 100 long, has a column the models dropped, and a table of
     * its own */
    pw_schema *live = live_pg(a);
    col(live, "posts", "author_id")->fk.name = "posts_author_id_fkey";
    col(live, "posts", "author_id")->null = true;
    col(live, "posts", "title")->type[PG] = "VARCHAR(100)";
    pw_column *old = tb_col(a, pw_schema_find_table(live, "posts"), "old_flag", "BOOL");
    old->null = true;
    tb_pk(a, tb_table(a, live, "aerich"));
    pw_schema *b;
    pw_strlist adopted = {0};
    CHECK_INT(pw_adopt_baseline(a, live, target, PG, &b, &adopted, &err), 0);
    CHECK_INT(adopted.len, 2);
    CHECK_INT(b->ntables, 2); /* aerich is not named by the models */
    pw_column *title = col(b, "posts", "title");
    CHECK_STR(title->type[PG], "VARCHAR(100)");
    CHECK_STR(title->type[SL], "VARCHAR(200)");
    CHECK_STR(title->type[MY], "VARCHAR(200)");
    pw_column *author = col(b, "posts", "author_id");
    CHECK_INT(author->fk.on_delete, PW_FK_CASCADE);
    CHECK_STR(author->fk.name, "posts_author_id_fkey");
    pw_column *flag = col(b, "posts", "old_flag");
    CHECK_STR(flag->type[SL], "INT");
    CHECK_STR(flag->type[MY], "BOOL");
    /* where the database holds what the models say, the models' column */
    pw_column *active = col(b, "users", "active");
    CHECK_STR(active->type[SL], "INT");
    CHECK_INT(active->def.kind, PW_DEFAULT_BOOL);
    CHECK_STR(col(b, "users", "bio")->type[MY], "LONGTEXT");
    /* the baseline matches the database exactly */
    pw_difflist out;
    CHECK_INT(compare(a, live, b, PG, &out, &err), 0);
    CHECK_INT(out.len, 1);
    CHECK_STR(out.items[0].message, "aerich: table in the database only");
    pw_arena_free(a);
}
