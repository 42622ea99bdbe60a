/*
 * test_schema_basics.c - smoke tests of arena, strbuf and the schema state
 * lookups and copies.
 */
#include "build.h"
#include "pw_test.h"
#include "strbuf.h"

TEST(test_arena_strbuf) {
    pw_arena *a = pw_arena_new();
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    for (int i = 0; i < 1000; i++) pw_sb_appendf(&sb, "%d,", i);
    const char *s = pw_sb_cstr(&sb);
    CHECK(s != NULL);
    CHECK(strncmp(s, "0,1,2,", 6) == 0);
    CHECK(strlen(s) == 3890);
    pw_arena_free(a);
}

TEST(test_schema_copy_equal) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)")->unique = true;
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_index(a, p, "idx_posts_author", false, "author_id");
    CHECK_INT(pw_schema_check(s, &err), 0);
    pw_schema *c = pw_schema_copy(a, s);
    CHECK(c != NULL);
    CHECK(pw_table_equal(c->tables[0], s->tables[0]));
    CHECK(pw_table_equal(c->tables[1], s->tables[1]));
    c->tables[1]->columns[1]->fk.on_delete = PW_FK_SET_NULL;
    CHECK(!pw_table_equal(c->tables[1], s->tables[1]));
    CHECK(pw_schema_find_index(s, "idx_posts_author", NULL) != NULL);
    CHECK(pw_table_pk(u) == u->columns[0]);
    pw_arena_free(a);
}

TEST(test_schema_check_rejects) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "bad", "INT; DROP TABLE x");
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users.bad");
    pw_arena_free(a);
}

TEST(test_safe_text) {
    CHECK(pw_sql_type_is_safe("DECIMAL(10,2)"));
    CHECK(pw_sql_type_is_safe("DOUBLE PRECISION"));
    CHECK(!pw_sql_type_is_safe("INT)"));
    CHECK(!pw_sql_type_is_safe("INT'"));
    CHECK(!pw_sql_type_is_safe(""));
    CHECK(pw_sql_expr_is_safe("CURRENT_TIMESTAMP"));
    CHECK(pw_sql_expr_is_safe("(datetime('now'))"));
    CHECK(!pw_sql_expr_is_safe("1; DROP TABLE x"));
    CHECK(!pw_sql_expr_is_safe("'a\\'"));
    CHECK(!pw_sql_expr_is_safe("1 -- x"));
    CHECK(!pw_sql_expr_is_safe("'open"));
}

TEST(test_schema_check_null_name_after_a_foreign_key) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    pw_table *nameless = tb_table(a, s, "x");
    nameless->name = NULL; /* checked before any foreign key is looked up */
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "a table has no name");
    pw_arena_free(a);
}

TEST(test_schema_check_refuses_what_apply_refuses) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "a");
    tb_col(a, t, "x", "INT");
    pw_index *ix = tb_index(a, t, "ix", false, "x,x");
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "index ix names column x twice");
    ix->ncolumns = 1;
    CHECK_INT(pw_schema_check(s, &err), 0);
    pw_table *b = tb_table(a, s, "b");
    tb_col(a, b, "x", "INT");
    tb_index(a, b, "ix", false, "x");
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "index ix is on table a and on table b");
    b->nindexes = 0;
    pw_column *f = tb_fk(a, b, "a_id", "a");
    f->fk.table = "";
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "b.a_id");
    pw_arena_free(a);
}

/* A large schema checks in n log n (names sorted once) and reports the error a table-by-table
 * scan meets first: a table's own problem, a table seen before, an index another table has,
 * a foreign key to a missing column, in table order. */
TEST(test_schema_check_reports_the_first_problem_in_table_order) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = pw_schema_new(a);
    char name[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(name, sizeof name, "t%04d", i);
        pw_table *t = tb_table(a, s, pw_arena_strdup(a, name));
        tb_pk(a, t);
        tb_col(a, t, "x", "INT");
        snprintf(name, sizeof name, "ix_t%04d", i);
        tb_index(a, t, pw_arena_strdup(a, name), false, "x");
        if (i > 0) tb_fk(a, t, "prev_id", s->tables[i - 1]->name);
    }
    CHECK_INT(pw_schema_check(s, &err), 0);
    /* two duplicate index names: the one whose second table comes first is reported, against
     * the first table that has it */
    s->tables[2500]->indexes[0]->name = "ix_t0007";
    s->tables[1200]->indexes[0]->name = "ix_t2900";
    s->tables[1500]->indexes[0]->name = "ix_t2900";
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "index ix_t2900 is on table t1200 and on table t1500");
    /* a foreign key to a missing column in an earlier table comes first */
    s->tables[1000]->columns[2]->fk.column = "nope";
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "t1000.prev_id");
    /* a table name seen before, then a table's own problem before it: in table order */
    s->tables[2999]->name = "t0004";
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "table t0004 appears twice");
    s->tables[2000]->name = NULL;
    CHECK_INT(pw_schema_check(s, &err), PW_ERR_INVALID);
    CHECK_STR(err.message, "a table has no name");
    pw_arena_free(a);
}

TEST(test_sql_fragment_safety) {
    static const char *const ok[] = {
        "(lower(\"name\"))", "\"a b\" = 'x'", "TO_TSVECTOR(COALESCE(\"t\", '')) || 'x'",
        "`col` + 1", "\"q\"\"uote\" > 0", "a::text ~ 'x%'", "(arr @> ARRAY[1])",
        "\"\xc3\xbc" "ber\" IS NOT NULL"};
    static const char *const bad[] = {
        "", "x; DROP TABLE t", "a -- b", "a /* b */", "a # b", "'unterminated", "\"open",
        "f(", "f())", "a\nb", "back\\slash", NULL};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) CHECK(pw_sql_fragment_is_safe(ok[i]));
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) CHECK(!pw_sql_fragment_is_safe(bad[i]));
}

TEST(test_str_eq_and_ieq) {
    CHECK(pw_str_eq(NULL, NULL));
    CHECK(!pw_str_eq("a", NULL));
    CHECK(pw_str_ieq("FullText", "FULLTEXT"));
    CHECK(pw_str_ieq(NULL, NULL));
    CHECK(!pw_str_ieq("gin", NULL));
    CHECK(!pw_str_ieq("gin", "gist"));
    CHECK(!pw_str_ieq("gi", "gin"));
    CHECK(!pw_str_ieq("_", "\x7f")); /* only letters fold */
}
