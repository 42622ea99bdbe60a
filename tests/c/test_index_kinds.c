/*
 * test_index_kinds.c - tests of the index kinds beyond a B-tree on columns:
 * methods (GIN, FULLTEXT, ...), partial indexes, expression indexes and
 * options, through every layer that handles them: checks (schema.c), each
 * dialect's statements and refusals (sql_*.c), the diff (diff.c) and the
 * comparison with a catalog (compare.c).
 */
#include "build.h"
#include "compare.h"
#include "diff.h"
#include "pw_test.h"
#include "sql.h"

#define SL PW_DIALECT_SQLITE
#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL

/* docs(id, title, body, tags) with a plain index on title. */
static pw_schema *docs(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *t = tb_table(a, s, "docs");
    tb_pk(a, t);
    tb_col(a, t, "title", "VARCHAR(200)");
    tb_col(a, t, "body", "TEXT");
    tb_col(a, t, "tags", "JSONB");
    tb_index(a, t, "idx_docs_title", false, "title");
    return s;
}

static const char **strs(pw_arena *a, const char *x) {
    const char **v = pw_arena_alloc(a, sizeof *v);
    v[0] = x;
    return v;
}

/* An index of no table named name on one expression. */
static pw_index *expr_index(pw_arena *a, const char *name, const char *expr) {
    pw_index *ix = pw_arena_alloc(a, sizeof *ix);
    ix->name = name;
    ix->columns = strs(a, NULL);
    ix->expressions = strs(a, expr);
    ix->nexpressions = 1;
    return ix;
}

static const char *add_index(pw_arena *a, const pw_schema *s, pw_index *ix, pw_dialect d,
                             int *rc, pw_error *err) {
    pw_op op = tb_op(PW_OP_ADD_INDEX, "docs");
    op.index = ix;
    return tb_sql(a, s, &op, d, rc, err);
}

TEST(test_index_check_shapes) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_index *ix = tb_index(a, NULL, "ix", false, "a");
    CHECK_INT(pw_index_check(ix, &err), 0);
    CHECK(pw_index_is_plain(ix));
    ix->method = "GIN";
    CHECK(!pw_index_is_plain(ix));
    CHECK_INT(pw_index_check(ix, &err), 0);
    ix->method = "GIN; DROP";
    CHECK_INT(pw_index_check(ix, &err), PW_ERR_INVALID);
    ix->method = NULL;
    ix->condition = "a = 1; DROP TABLE x";
    CHECK_INT(pw_index_check(ix, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "ix");
    ix->condition = "a = 'x'";
    CHECK_INT(pw_index_check(ix, &err), 0);
    ix->options = "WITH PARSER ngram -- x";
    CHECK_INT(pw_index_check(ix, &err), PW_ERR_INVALID);
    ix->options = NULL;
    /* columns or expressions, one of the two */
    ix->expressions = strs(a, "(LOWER(\"a\"))");
    ix->nexpressions = 1;
    CHECK_INT(pw_index_check(ix, &err), PW_ERR_INVALID);
    ix->ncolumns = 0;
    CHECK_INT(pw_index_check(ix, &err), 0);
    ix->nexpressions = 0;
    CHECK_INT(pw_index_check(ix, &err), PW_ERR_INVALID);
    pw_index *e = expr_index(a, "ex", "(a))(");
    CHECK_INT(pw_index_check(e, &err), PW_ERR_INVALID);
    CHECK(pw_index_method_dialect("fulltext") == MY);
    CHECK(pw_index_method_dialect("SPATIAL") == MY);
    CHECK(pw_index_method_dialect("GIN") == PG);
    CHECK(pw_index_method_dialect("ivfflat") == PG);
    pw_arena_free(a);
}

TEST(test_postgres_index_kinds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = docs(a);
    pw_index *gin = tb_index(a, NULL, "idx_docs_tags", false, "tags");
    gin->method = "GIN";
    CHECK_STR(add_index(a, s, gin, PG, &rc, &err),
              "CREATE INDEX \"idx_docs_tags\" ON \"docs\" USING GIN (\"tags\");\n");
    gin->condition = "title = 'x'";
    CHECK_STR(add_index(a, s, gin, PG, &rc, &err),
              "CREATE INDEX \"idx_docs_tags\" ON \"docs\" USING GIN (\"tags\") WHERE title = "
              "'x';\n");
    pw_index *low = expr_index(a, "idx_docs_low", "(LOWER(\"title\"))");
    CHECK_STR(add_index(a, s, low, PG, &rc, &err),
              "CREATE INDEX \"idx_docs_low\" ON \"docs\" ((LOWER(\"title\")));\n");
    /* a unique index with a condition is an index, not a constraint */
    pw_index *uq = tb_index(a, NULL, "uq_docs_title", true, "title");
    uq->condition = "id > 10";
    CHECK_STR(add_index(a, s, uq, PG, &rc, &err),
              "CREATE UNIQUE INDEX \"uq_docs_title\" ON \"docs\" (\"title\") WHERE id > 10;\n");
    pw_table *t = pw_schema_find_table(s, "docs");
    pw_table_add_index(a, t, uq, &err);
    pw_op op = tb_op(PW_OP_REMOVE_INDEX, "docs");
    op.name = "uq_docs_title";
    CHECK_STR(tb_sql(a, s, &op, PG, &rc, &err), "DROP INDEX \"uq_docs_title\";\n");
    /* created with its table: after it, as a statement of its own */
    op = tb_op(PW_OP_CREATE_MODEL, "docs2");
    pw_table *m = tb_table(a, NULL, "docs2");
    tb_pk(a, m);
    tb_col(a, m, "body", "TEXT");
    pw_index *ft = tb_index(a, m, "uq_docs2_body", true, "body");
    ft->condition = "id > 1";
    op.model = m;
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, PG, &rc, &err),
              "CREATE TABLE \"docs2\" (\n    \"id\" SERIAL NOT NULL PRIMARY KEY,\n"
              "    \"body\" TEXT NOT NULL\n);\n"
              "CREATE UNIQUE INDEX \"uq_docs2_body\" ON \"docs2\" (\"body\") WHERE id > 1;\n");
    /* MySQL's kinds are refused, by name */
    pw_index *full = tb_index(a, NULL, "ft_docs_body", false, "body");
    full->method = "FULLTEXT";
    CHECK(add_index(a, s, full, PG, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK_STR(err.path, "ft_docs_body");
    CHECK(strstr(err.message, "FULLTEXT index, which only mysql has") != NULL);
    pw_arena_free(a);
}

TEST(test_sqlite_index_kinds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = docs(a);
    pw_index *p = tb_index(a, NULL, "idx_docs_body", false, "body");
    p->condition = "title IS NOT NULL";
    CHECK_STR(add_index(a, s, p, SL, &rc, &err),
              "CREATE INDEX \"idx_docs_body\" ON \"docs\" (\"body\") WHERE title IS NOT NULL;\n");
    pw_index *low = expr_index(a, "idx_docs_low", "(LOWER(\"title\"))");
    low->unique = true;
    CHECK_STR(add_index(a, s, low, SL, &rc, &err),
              "CREATE UNIQUE INDEX \"idx_docs_low\" ON \"docs\" ((LOWER(\"title\")));\n");
    pw_index *gin = tb_index(a, NULL, "idx_docs_tags", false, "tags");
    gin->method = "GIN";
    CHECK(add_index(a, s, gin, SL, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "GIN index, which only postgres has; sqlite cannot") != NULL);
    /* a rebuild makes the table's partial index again */
    pw_table *t = pw_schema_find_table(s, "docs");
    pw_table_add_index(a, t, p, &err);
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "docs");
    op.column = tb_column(a, "title", "VARCHAR(300)");
    const char *sql = tb_sql(a, s, &op, SL, &rc, &err);
    CHECK(sql != NULL);
    CHECK(strstr(sql, "CREATE INDEX \"idx_docs_body\" ON \"docs\" (\"body\") WHERE title IS NOT "
                      "NULL;\n") != NULL);
    pw_arena_free(a);
}

TEST(test_mysql_index_kinds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    int rc;
    pw_schema *s = docs(a);
    pw_index *full = tb_index(a, NULL, "ft_docs_body", false, "title,body");
    full->method = "FULLTEXT";
    full->options = "WITH PARSER ngram";
    CHECK_STR(add_index(a, s, full, MY, &rc, &err),
              "CREATE FULLTEXT INDEX `ft_docs_body` ON `docs` (`title`, `body`) WITH PARSER "
              "ngram;\n");
    pw_op op = tb_op(PW_OP_CREATE_MODEL, "places");
    pw_table *m = tb_table(a, NULL, "places");
    tb_pk(a, m);
    tb_col(a, m, "spot", "GEOMETRY");
    tb_index(a, m, "sp_places_spot", false, "spot")->method = "SPATIAL";
    tb_index(a, m, "uid_places_spot", true, "spot");
    op.model = m;
    CHECK_STR(tb_sql(a, pw_schema_new(a), &op, MY, &rc, &err),
              "CREATE TABLE `places` (\n    `id` INT NOT NULL PRIMARY KEY AUTO_INCREMENT,\n"
              "    `spot` GEOMETRY NOT NULL,\n    UNIQUE KEY `uid_places_spot` (`spot`),\n"
              "    SPATIAL KEY `sp_places_spot` (`spot`)\n) CHARACTER SET utf8mb4;\n");
    /* no partial indexes, no PostgreSQL methods */
    pw_index *p = tb_index(a, NULL, "idx_docs_body", false, "body");
    p->condition = "title IS NOT NULL";
    CHECK(add_index(a, s, p, MY, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "a condition (a partial index), which mysql cannot make") != NULL);
    p->condition = NULL;
    p->method = "BRIN";
    CHECK(add_index(a, s, p, MY, &rc, &err) == NULL);
    CHECK_INT(rc, PW_ERR_UNSUPPORTED);
    /* a FULLTEXT index is no index for a foreign key: removing one leaves
     * the key alone */
    pw_table *t = pw_schema_find_table(s, "docs");
    tb_fk(a, t, "owner_id", "docs");
    pw_index *fo = tb_index(a, t, "ft_docs_owner", false, "owner_id");
    fo->method = "FULLTEXT";
    op = tb_op(PW_OP_REMOVE_INDEX, "docs");
    op.name = "ft_docs_owner";
    CHECK_STR(tb_sql(a, s, &op, MY, &rc, &err), "DROP INDEX `ft_docs_owner` ON `docs`;\n");
    pw_arena_free(a);
}

/* Every part of an index is part of its definition: a change to any is a
 * remove and an add, applied in that order. */
TEST(test_diff_index_kinds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *from = docs(a);
    pw_index *ix = tb_index(a, pw_schema_find_table(from, "docs"), "idx_docs_tags", false, "tags");
    ix->method = "GIN";
    const char *fields[] = {"method", "condition", "options", "expression"};
    for (size_t f = 0; f < 4; f++) {
        pw_schema *to = pw_schema_copy(a, from);
        pw_index *tx = pw_table_find_index(pw_schema_find_table(to, "docs"), "idx_docs_tags");
        if (f == 0) tx->method = "GIST";
        if (f == 1) tx->condition = "id > 1";
        if (f == 2) tx->options = "WITH (fastupdate = off)";
        if (f == 3) {
            tx->ncolumns = 0;
            tx->expressions = strs(a, "(tags -> 'a')");
            tx->nexpressions = 1;
        }
        pw_oplist ops;
        CHECK_INT(pw_diff(a, from, to, NULL, NULL, &ops, &err), 0);
        if (ops.len != 2) fprintf(stderr, "    field %s\n", fields[f]);
        CHECK_INT((long)ops.len, 2);
        CHECK(ops.items[0].kind == PW_OP_REMOVE_INDEX);
        CHECK(ops.items[1].kind == PW_OP_ADD_INDEX);
        pw_schema *s = pw_schema_copy(a, from);
        CHECK_INT(pw_ops_apply_all(a, s, ops.items, ops.len, &err), 0);
        CHECK(pw_table_equal(pw_schema_find_table(s, "docs"), pw_schema_find_table(to, "docs")));
        CHECK_INT(pw_diff(a, s, to, NULL, NULL, &ops, &err), 0);
        CHECK_INT((long)ops.len, 0);
    }
    pw_arena_free(a);
}

/* A catalog spells expressions and conditions its own way: an index of the
 * same shape compares equal whatever the text, and one of another shape is
 * a difference whose fix is the migrations' index, their text included. */
TEST(test_compare_index_kinds) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *exp = docs(a);
    pw_table *et = pw_schema_find_table(exp, "docs");
    pw_index *gin = tb_index(a, et, "idx_docs_tags", false, "tags");
    gin->method = "GIN";
    gin->condition = "title = 'x'";
    pw_index *low = expr_index(a, "idx_docs_low", "(LOWER(\"title\"))");
    pw_table_add_index(a, et, low, &err);
    pw_schema *live = pw_schema_copy(a, exp);
    pw_table *lt = pw_schema_find_table(live, "docs");
    pw_index *lg = pw_table_find_index(lt, "idx_docs_tags");
    lg->method = "gin";
    lg->condition = "((title)::text = 'x'::text)";
    pw_table_find_index(lt, "idx_docs_low")->expressions[0] = "lower((title)::text)";
    pw_difflist out;
    pw_oplist fix;
    CHECK_INT(pw_compare(a, live, exp, PG, NULL, 0, &out, &fix, NULL, &err), 0);
    CHECK_INT((long)out.len, 0);
    CHECK_INT((long)fix.len, 0);
    /* no condition in the database */
    lg->condition = NULL;
    CHECK_INT(pw_compare(a, live, exp, PG, NULL, 0, &out, &fix, NULL, &err), 0);
    CHECK_INT((long)out.len, 1);
    CHECK_STR(out.items[0].message,
              "index idx_docs_tags: on docs gin (tags) in the database, GIN (tags) where "
              "title = 'x' in the migrations");
    CHECK_INT((long)fix.len, 2);
    CHECK(fix.items[1].kind == PW_OP_ADD_INDEX);
    CHECK_STR(fix.items[1].index->condition, "title = 'x'");
    pw_arena_free(a);
}
