/*
 * test_diff.c - unit tests of pw_diff (core/diff.c).
 *
 * Owns: checking the exact operation sequence pw_diff produces for each
 * kind of change, the rename questions it asks, and, for every case, the
 * property apply(from, diff(from, to)) == to (tables, columns and indexes
 * compared by name, since new columns are appended) together with
 * diff(apply(from, ops), to) == no operation. Does not own: the tests of
 * pw_op_apply itself.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build.h"
#include "diff.h"
#include "pw_test.h"
#include "strbuf.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

/* One line per operation kind, joined with "; ":
 *   create_model t(col,col;index)   delete_model t     rename_model a->b
 *   alter_model t                   add_field t.c      remove_field t.c
 *   alter_field t.c                 rename_field t.a->b
 *   add_index t.ix                  remove_index t.ix */
static const char *ops_str(pw_arena *a, const pw_oplist *l) {
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    for (size_t i = 0; i < l->len; i++) {
        const pw_op *op = &l->items[i];
        if (i) pw_sb_append(&sb, "; ");
        pw_sb_append(&sb, pw_op_kind_name(op->kind));
        pw_sb_append(&sb, " ");
        switch (op->kind) {
        case PW_OP_CREATE_MODEL:
            pw_sb_append(&sb, op->model->name);
            pw_sb_append(&sb, "(");
            for (size_t k = 0; k < op->model->ncolumns; k++)
                pw_sb_appendf(&sb, "%s%s", k ? "," : "", op->model->columns[k]->name);
            for (size_t k = 0; k < op->model->nindexes; k++)
                pw_sb_appendf(&sb, "%s%s", k ? "," : ";", op->model->indexes[k]->name);
            pw_sb_append(&sb, ")");
            break;
        case PW_OP_DELETE_MODEL:
        case PW_OP_ALTER_MODEL:
            pw_sb_append(&sb, op->table);
            break;
        case PW_OP_RENAME_MODEL:
            pw_sb_appendf(&sb, "%s->%s", op->table, op->new_name);
            break;
        case PW_OP_ADD_FIELD:
        case PW_OP_ALTER_FIELD:
            pw_sb_appendf(&sb, "%s.%s", op->table, op->column->name);
            break;
        case PW_OP_REMOVE_FIELD:
        case PW_OP_REMOVE_INDEX:
        case PW_OP_REMOVE_CONSTRAINT:
            pw_sb_appendf(&sb, "%s.%s", op->table, op->name);
            break;
        case PW_OP_ADD_CONSTRAINT:
            pw_sb_appendf(&sb, "%s.%s", op->table, op->check->name);
            break;
        case PW_OP_RENAME_FIELD:
            pw_sb_appendf(&sb, "%s.%s->%s", op->table, op->name, op->new_name);
            break;
        case PW_OP_ADD_INDEX:
            pw_sb_appendf(&sb, "%s.%s", op->table, op->index->name);
            break;
        case PW_OP_RUN_SQL:
        case PW_OP_RUN_PYTHON:
            pw_sb_append(&sb, "?");
            break;
        }
    }
    return pw_sb_cstr(&sb);
}

/* Whether got and want hold the same tables (any order), each with the same
 * comment, columns and indexes compared by name. Prints the first difference. */
static bool schema_same(const pw_schema *got, const pw_schema *want) {
    if (got->ntables != want->ntables) {
        fprintf(stderr, "    got %zu tables, want %zu\n", got->ntables, want->ntables);
        return false;
    }
    for (size_t i = 0; i < want->ntables; i++) {
        const pw_table *w = want->tables[i];
        const pw_table *g = pw_schema_find_table(got, w->name);
        if (g == NULL) {
            fprintf(stderr, "    table %s missing\n", w->name);
            return false;
        }
        bool ok = g->ncolumns == w->ncolumns && g->nindexes == w->nindexes &&
                  (g->comment == NULL ? w->comment == NULL
                                      : w->comment != NULL && strcmp(g->comment, w->comment) == 0);
        for (size_t k = 0; ok && k < w->ncolumns; k++) {
            const pw_column *gc = pw_table_find_column(g, w->columns[k]->name);
            ok = gc != NULL && pw_column_equal(gc, w->columns[k]);
        }
        for (size_t k = 0; ok && k < w->nindexes; k++) {
            const pw_index *gx = pw_table_find_index(g, w->indexes[k]->name);
            ok = gx != NULL && pw_index_equal(gx, w->indexes[k]);
        }
        if (!ok) {
            fprintf(stderr, "    table %s differs\n", w->name);
            return false;
        }
    }
    return true;
}

static bool schema_identical(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++)
        if (!pw_table_equal(x->tables[i], y->tables[i])) return false;
    return true;
}

/* Runs pw_diff(from, to) and checks: status 0, the operations read `want`
 * (NULL: don't check), neither input changed, applying the operations to a
 * copy of `from` gives `to`, and diffing that result against `to` gives no
 * operation. *out receives the operations when out is not NULL. */
static bool diff_ok(pw_arena *a, const pw_schema *from, const pw_schema *to, pw_rename_cb cb,
                    void *ctx, const char *want, pw_oplist *out) {
    pw_error err;
    pw_oplist ops;
    pw_schema *from0 = pw_schema_copy(a, from), *to0 = pw_schema_copy(a, to);
    int rc = pw_diff(a, from, to, cb, ctx, &ops, &err);
    if (rc != 0) {
        fprintf(stderr, "    pw_diff failed (%d): %s [%s]\n", rc, err.message, err.path);
        return false;
    }
    if (out != NULL) *out = ops;
    const char *got = ops_str(a, &ops);
    if (want != NULL && strcmp(got, want) != 0) {
        fprintf(stderr, "    ops\n      got:  %s\n      want: %s\n", got, want);
        return false;
    }
    if (!schema_identical(from, from0) || !schema_identical(to, to0)) {
        fprintf(stderr, "    pw_diff changed an input schema\n");
        return false;
    }
    pw_schema *s = pw_schema_copy(a, from);
    if ((rc = pw_ops_apply_all(a, s, ops.items, ops.len, &err)) != 0) {
        fprintf(stderr, "    applying %s\n    failed (%d): %s [%s]\n", got, rc, err.message,
                err.path);
        return false;
    }
    if ((rc = pw_schema_check(s, &err)) != 0) {
        fprintf(stderr, "    result invalid: %s [%s]\n", err.message, err.path);
        return false;
    }
    if (!schema_same(s, to)) {
        fprintf(stderr, "    apply(from, ops) != to for ops %s\n", got);
        return false;
    }
    pw_oplist again;
    if ((rc = pw_diff(a, s, to, NULL, NULL, &again, &err)) != 0 || again.len != 0) {
        fprintf(stderr, "    second diff not empty: %s\n", ops_str(a, &again));
        return false;
    }
    return true;
}

/* A scripted rename callback: records every question in log, answers yes
 * to the pairs "old->new" listed in yes, fails on call number fail_at. */
typedef struct {
    int calls;
    int fail_at;
    const char *yes[8];
    char log[2048];
} asker;

static int ask_cb(void *ctx, pw_rename_kind kind, const char *table, const char *old_name,
                  const char *new_name, const pw_column *column, bool *yes) {
    asker *as = ctx;
    char entry[256], pair[200];
    as->calls++;
    bool args_ok = kind == PW_RENAME_TABLE
                       ? column == NULL && strcmp(table, new_name) == 0
                       : column != NULL && strcmp(column->name, new_name) == 0;
    if (kind == PW_RENAME_TABLE)
        snprintf(entry, sizeof entry, "%stable:%s->%s%s", as->log[0] ? " " : "", old_name,
                 new_name, args_ok ? "" : "!BADARGS");
    else
        snprintf(entry, sizeof entry, "%scolumn:%s.%s->%s%s", as->log[0] ? " " : "", table,
                 old_name, new_name, args_ok ? "" : "!BADARGS");
    strncat(as->log, entry, sizeof as->log - strlen(as->log) - 1);
    if (as->calls == as->fail_at) return 1;
    snprintf(pair, sizeof pair, "%s->%s", old_name, new_name);
    *yes = false;
    for (int i = 0; i < 8 && as->yes[i]; i++)
        if (strcmp(as->yes[i], pair) == 0) *yes = true;
    return 0;
}

/* users(id, email unique, name) with idx_users_name; posts(id, author_id ->
 * users, title) with idx_posts_title. */
static pw_schema *blog(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *u = tb_table(a, s, "users");
    tb_pk(a, u);
    tb_col(a, u, "email", "VARCHAR(255)")->unique = true;
    tb_col(a, u, "name", "VARCHAR(100)");
    tb_index(a, u, "idx_users_name", false, "name");
    pw_table *p = tb_table(a, s, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_col(a, p, "title", "TEXT");
    tb_index(a, p, "idx_posts_title", false, "title");
    return s;
}

static pw_table *T(const pw_schema *s, const char *name) { return pw_schema_find_table(s, name); }
static pw_column *C(const pw_schema *s, const char *t, const char *c) {
    return pw_table_find_column(T(s, t), c);
}

static void drop_table(pw_schema *s, const char *name) {
    pw_schema_remove_table_at(s, (size_t)pw_schema_table_index(s, name));
}
static void drop_column(pw_schema *s, const char *t, const char *c) {
    pw_table_remove_column_at(T(s, t), (size_t)pw_table_column_index(T(s, t), c));
}
static void drop_index(pw_schema *s, const char *t, const char *ix) {
    pw_table_remove_index_at(T(s, t), (size_t)pw_table_index_index(T(s, t), ix));
}

/* ------------------------------------------------------------------------ */
/* Basics                                                                   */

TEST(test_diff_noop) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    T(from, "users")->comment = "people";
    T(to, "users")->comment = "people";
    asker as = {0};
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, ask_cb, &as, "", &ops));
    CHECK_INT(ops.len, 0);
    CHECK_INT(as.calls, 0);
    CHECK(diff_ok(a, pw_schema_new(a), pw_schema_new(a), NULL, NULL, "", NULL));
    pw_arena_free(a);
}

TEST(test_diff_add_tables_from_empty) {
    pw_arena *a = pw_arena_new();
    pw_schema *to = blog(a);
    CHECK(diff_ok(a, pw_schema_new(a), to, NULL, NULL,
                  "create_model users(id,email,name;idx_users_name); "
                  "create_model posts(id,author_id,title;idx_posts_title)",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_add_one_table) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    pw_table *t = tb_table(a, to, "tags");
    tb_pk(a, t);
    tb_col(a, t, "label", "VARCHAR(20)");
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL, "create_model tags(id,label)", &ops));
    /* The whole table definition travels with the operation. */
    CHECK(pw_table_equal(ops.items[0].model, t));
    pw_arena_free(a);
}

TEST(test_diff_drop_tables) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a);
    /* posts references users: posts goes first. */
    CHECK(diff_ok(a, from, pw_schema_new(a), NULL, NULL,
                  "delete_model posts; delete_model users", NULL));
    pw_schema *to = blog(a);
    drop_table(to, "posts");
    CHECK(diff_ok(a, from, to, NULL, NULL, "delete_model posts", NULL));
    pw_arena_free(a);
}

TEST(test_diff_add_and_drop_column) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    tb_col(a, T(to, "users"), "age", "INT")->null = true;
    tb_col(a, T(to, "posts"), "body", "TEXT");
    drop_column(to, "users", "name");
    drop_index(to, "users", "idx_users_name");
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index users.idx_users_name; add_field users.age; add_field posts.body; "
                  "remove_field users.name",
                  &ops));
    CHECK(ops.items[1].column->null);
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Altered columns                                                          */

/* Found by tests/fuzz: a foreign key to another app's table (not in `from`)
 * that this diff creates without the referenced column. pw_op_apply refuses
 * to create the table while the key points at a column it lacks, so the key
 * is dropped first (step 0), then set to its new target in step 5. */
TEST(test_diff_dangling_fk_to_created_table) {
    pw_arena *a = pw_arena_new();
    pw_oplist ops;
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    pw_table *p = tb_table(a, from, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "accounts")->fk.column = "uid";
    p = tb_table(a, to, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "accounts");
    tb_pk(a, tb_table(a, to, "accounts"));
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field posts.author_id; create_model accounts(id); "
                  "alter_field posts.author_id",
                  &ops));
    CHECK(ops.items[0].column->fk.table == NULL);
    CHECK_STR(ops.items[2].column->fk.column, "id");
    /* the column goes away: its key is dropped first all the same */
    drop_column(to, "posts", "author_id");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field posts.author_id; create_model accounts(id); "
                  "remove_field posts.author_id",
                  &ops));
    /* the table that holds it goes away too */
    drop_table(to, "posts");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field posts.author_id; create_model accounts(id); delete_model posts",
                  &ops));
    /* the created table gets the column only after CREATE_MODEL (its key
     * points at a column new in a kept table): dropped first as well */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    pw_table *k = tb_table(a, from, "k");
    tb_pk(a, k);
    tb_fk(a, k, "name", "order")->fk.column = "user_id";
    k = tb_table(a, to, "k");
    tb_pk(a, k);
    tb_col(a, k, "value", "INT");
    pw_table *o = tb_table(a, to, "order");
    tb_pk(a, o);
    tb_fk(a, o, "user_id", "k")->fk.column = "value";
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field k.name; create_model order(id); add_field k.value; "
                  "add_field order.user_id; remove_field k.name",
                  &ops));
    /* a table lacking the column is renamed to the name the key points at */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    p = tb_table(a, from, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "accounts")->fk.column = "uid";
    tb_pk(a, tb_table(a, from, "people"));
    p = tb_table(a, to, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "accounts");
    tb_pk(a, tb_table(a, to, "accounts"));
    asker as = {.yes = {"people->accounts"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "alter_field posts.author_id; rename_model people->accounts; "
                  "alter_field posts.author_id",
                  &ops));
    /* the created table has the column: nothing to drop */
    from = pw_schema_new(a);
    p = tb_table(a, from, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "accounts")->fk.column = "uid";
    to = pw_schema_new(a);
    tb_pk(a, tb_table(a, to, "accounts"));
    tb_col(a, T(to, "accounts"), "uid", "INT");
    CHECK(diff_ok(a, from, to, NULL, NULL, "create_model accounts(id,uid); delete_model posts",
                  &ops));
    pw_arena_free(a);
}

/* Found by tests/fuzz: dropped columns whose foreign keys point at other
 * dropped columns go first (pw_op_apply refuses to remove a column a key
 * points at); in a cycle of such keys one of them is dropped by ALTER_FIELD. */
TEST(test_diff_dropped_columns_referencing_each_other) {
    pw_arena *a = pw_arena_new();
    pw_oplist ops;
    /* users(code -> users.id, parent -> users.code, name, code2 -> users.code):
     * code is dropped along with parent and code2, which point at it although
     * they come after it */
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    pw_table *u = tb_table(a, from, "users");
    tb_pk(a, u);
    tb_fk(a, u, "code", "users")->unique = true;
    tb_fk(a, u, "parent", "users")->fk.column = "code";
    tb_col(a, u, "name", "TEXT");
    tb_fk(a, u, "code2", "users")->fk.column = "code";
    u = tb_table(a, to, "users");
    tb_pk(a, u);
    tb_col(a, u, "name", "TEXT");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_field users.parent; remove_field users.code2; remove_field users.code",
                  &ops));
    /* a.x -> b.y and b.y -> a.x, both dropped: a cycle, cut at a.x */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    pw_table *ta = tb_table(a, from, "a"), *tbb = tb_table(a, from, "b");
    tb_pk(a, ta);
    tb_pk(a, tbb);
    tb_fk(a, ta, "x", "b")->fk.column = "y";
    tb_fk(a, tbb, "y", "a")->fk.column = "x";
    tb_pk(a, tb_table(a, to, "a"));
    tb_pk(a, tb_table(a, to, "b"));
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field a.x; remove_field b.y; remove_field a.x", &ops));
    CHECK(ops.items[0].column->fk.table == NULL);
    /* a dropped table's key to a dropped column, and another key of that
     * table to the first: order.name, then order.x, then users.code */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    u = tb_table(a, from, "users");
    tb_pk(a, u);
    tb_col(a, u, "code", "INT");
    pw_table *o = tb_table(a, from, "order");
    tb_pk(a, o);
    tb_fk(a, o, "x", "users")->fk.column = "code";
    tb_fk(a, o, "name", "order")->fk.column = "x";
    tb_pk(a, tb_table(a, to, "users"));
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_field order.name; remove_field order.x; remove_field users.code; "
                  "delete_model order",
                  &ops));
    /* dropped tables a(b -> b.id, bb -> a.b) and b(a -> a.id): the cycle is
     * cut at a.b, which a.bb points at, so a.bb goes first */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    ta = tb_table(a, from, "a");
    tbb = tb_table(a, from, "b");
    tb_pk(a, ta);
    tb_pk(a, tbb);
    tb_fk(a, ta, "b", "b");
    tb_fk(a, ta, "bb", "a")->fk.column = "b";
    tb_fk(a, tbb, "a", "a");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_field a.bb; remove_field a.b; delete_model b; delete_model a", &ops));
    pw_arena_free(a);
}

/* Found by tests/fuzz: added columns whose foreign keys point at other added
 * columns (pw_op_apply wants the column a key points at): they wait for it;
 * a cycle of such keys is cut by adding a column without its key and giving
 * it the key by ALTER_FIELD after the additions; a new table's column that
 * points at a column its table is created without is left out too. */
TEST(test_diff_added_columns_wait_for_their_targets) {
    pw_arena *a = pw_arena_new();
    pw_oplist ops;
    /* kept k, k2, k3 gain a -> k2.b, b -> k3.c, c: a waits for b */
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "k"));
    tb_pk(a, tb_table(a, from, "k2"));
    tb_pk(a, tb_table(a, from, "k3"));
    pw_table *k = tb_table(a, to, "k"), *k2 = tb_table(a, to, "k2"), *k3 = tb_table(a, to, "k3");
    tb_pk(a, k);
    tb_pk(a, k2);
    tb_pk(a, k3);
    tb_fk(a, k, "a", "k2")->fk.column = "b";
    tb_fk(a, k2, "b", "k3")->fk.column = "c";
    tb_col(a, k3, "c", "INT");
    CHECK(diff_ok(a, from, to, NULL, NULL, "add_field k3.c; add_field k2.b; add_field k.a", &ops));
    /* k.a -> k2.b and k2.b -> k.a: a cycle, cut at k.a */
    pw_table_remove_column_at(k3, 1);
    C(to, "k2", "b")->fk.table = "k";
    C(to, "k2", "b")->fk.column = "a";
    CHECK(diff_ok(a, from, to, NULL, NULL, "add_field k.a; add_field k2.b; alter_field k.a",
                  &ops));
    CHECK(ops.items[0].column->fk.table == NULL);
    CHECK_STR(ops.items[2].column->fk.column, "b");
    /* new tables t1(name -> u.nm, id, email) and u(id, key -> t1.name,
     * nm -> t1.email): the cycle is cut at t1.name, so u.key, which points
     * at it, is left out of u too */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    pw_table *t1 = tb_table(a, to, "t1"), *u = tb_table(a, to, "u");
    tb_fk(a, t1, "name", "u")->fk.column = "nm";
    tb_col(a, t1, "id", "INT");
    tb_col(a, t1, "email", "INT");
    tb_pk(a, u);
    tb_fk(a, u, "key", "t1")->fk.column = "name";
    tb_fk(a, u, "nm", "t1")->fk.column = "email";
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model t1(id,email); create_model u(id,nm); add_field t1.name; "
                  "add_field u.key",
                  &ops));
    pw_arena_free(a);
}

/* Found by tests/fuzz: the primary key moving to another column. pw_op_apply
 * refuses a second primary key, so the old key column lets go first (its
 * ALTER_FIELD or REMOVE_FIELD) and the new one takes the key by ALTER_FIELD
 * at the end of step 6; a new key column is added without the key. */
TEST(test_diff_pk_moves_to_another_column) {
    pw_arena *a = pw_arena_new();
    pw_oplist ops;
    /* a new key column replaces the old one */
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "users"));
    pw_column *name = tb_col(a, tb_table(a, to, "users"), "name", "INT");
    name->pk = name->autoincrement = true;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "add_field users.name; remove_field users.id; alter_field users.name", &ops));
    CHECK(!ops.items[0].column->pk && !ops.items[0].column->autoincrement);
    CHECK(ops.items[2].column->pk && ops.items[2].column->autoincrement);
    /* an existing column becomes the key, the old key stays as a plain column
     * (the new key comes first in column order) */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    pw_table *f = tb_table(a, from, "t"), *t = tb_table(a, to, "t");
    tb_col(a, f, "code", "INT");
    tb_pk(a, f);
    tb_col(a, t, "code", "INT")->pk = true;
    tb_col(a, t, "id", "INT");
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_field t.id; alter_field t.code", &ops));
    /* a new key column, the old key kept as a plain column */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "t"));
    t = tb_table(a, to, "t");
    tb_col(a, t, "id", "INT");
    tb_col(a, t, "uuid", "CHAR(36)")->pk = true;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "add_field t.uuid; alter_field t.id; alter_field t.uuid", &ops));
    /* no key before: nothing to wait for */
    from = pw_schema_new(a);
    tb_col(a, tb_table(a, from, "t"), "id", "INT");
    CHECK(diff_ok(a, from, to, NULL, NULL, "add_field t.uuid", &ops));
    CHECK(ops.items[0].column->pk);
    /* the new key column loses a foreign key to the old key column, which is
     * removed: the key goes in step 5, before the removal */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    f = tb_table(a, from, "t");
    tb_pk(a, f);
    tb_fk(a, f, "code", "t");
    tb_col(a, tb_table(a, to, "t"), "code", "INT")->pk = true;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field t.code; remove_field t.id; alter_field t.code", &ops));
    CHECK(ops.items[0].column->fk.table == NULL && !ops.items[0].column->pk);
    CHECK(ops.items[2].column->pk);
    pw_arena_free(a);
}

TEST(test_diff_alter_type) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    tb_types(C(to, "posts", "title"), "TEXT", "TEXT", "LONGTEXT");
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_field posts.title", &ops));
    CHECK_STR(ops.items[0].column->type[PW_DIALECT_MYSQL], "LONGTEXT");
    CHECK_STR(ops.items[0].column->type[PW_DIALECT_SQLITE], "TEXT");
    pw_arena_free(a);
}

TEST(test_diff_alter_null_and_unique) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    C(to, "users", "name")->null = true;
    C(to, "users", "email")->unique = false;
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_field users.email; alter_field users.name",
                  &ops));
    CHECK(!ops.items[0].column->unique);
    CHECK(ops.items[1].column->null);
    pw_arena_free(a);
}

TEST(test_diff_alter_default) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    C(from, "users", "name")->def.kind = PW_DEFAULT_STRING;
    C(from, "users", "name")->def.s = "anon";
    C(to, "users", "name")->def.kind = PW_DEFAULT_STRING;
    C(to, "users", "name")->def.s = "anon";
    CHECK(diff_ok(a, from, to, NULL, NULL, "", NULL));
    C(to, "users", "name")->def.s = "nobody";
    C(to, "posts", "title")->def.kind = PW_DEFAULT_EXPR;
    C(to, "posts", "title")->def.s = "CURRENT_TIMESTAMP";
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_field users.name; alter_field posts.title",
                  NULL));
    /* Default removed. */
    C(to, "users", "name")->def.kind = PW_DEFAULT_NONE;
    C(to, "posts", "title")->def.kind = PW_DEFAULT_NONE;
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_field users.name", &ops));
    CHECK_INT(ops.items[0].column->def.kind, PW_DEFAULT_NONE);
    pw_arena_free(a);
}

TEST(test_diff_alter_fk_on_delete_and_comment) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    C(to, "posts", "author_id")->fk.on_delete = PW_FK_SET_NULL;
    C(to, "posts", "author_id")->null = true;
    C(to, "users", "email")->comment = "login";
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_field users.email; alter_field posts.author_id",
                  &ops));
    CHECK_INT(ops.items[1].column->fk.on_delete, PW_FK_SET_NULL);
    pw_arena_free(a);
}

TEST(test_diff_table_comment) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    T(to, "posts")->comment = "articles";
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL, "alter_model posts", &ops));
    CHECK_STR(ops.items[0].comment, "articles");
    /* Cleared: ALTER_MODEL with a NULL comment. */
    CHECK(diff_ok(a, to, from, NULL, NULL, "alter_model posts", &ops));
    CHECK(ops.items[0].comment == NULL);
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Indexes                                                                  */

TEST(test_diff_index_add_remove) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    tb_index(a, T(to, "posts"), "uniq_posts_author_title", true, "author_id,title");
    drop_index(to, "users", "idx_users_name");
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index users.idx_users_name; add_index posts.uniq_posts_author_title",
                  &ops));
    CHECK(ops.items[1].index->unique);
    CHECK_INT(ops.items[1].index->ncolumns, 2);
    pw_arena_free(a);
}

TEST(test_diff_index_changed) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    /* Same name, now unique: removed first, added last. */
    T(to, "posts")->indexes[0]->unique = true;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index posts.idx_posts_title; add_index posts.idx_posts_title", NULL));
    /* Same name, other columns, one of them new. */
    to = blog(a);
    tb_col(a, T(to, "users"), "nick", "TEXT");
    drop_index(to, "users", "idx_users_name");
    tb_index(a, T(to, "users"), "idx_users_name", false, "name,nick");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index users.idx_users_name; add_field users.nick; "
                  "add_index users.idx_users_name",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_index_on_dropped_column) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    pw_table *p = T(from, "posts");
    tb_col(a, p, "slug", "TEXT");
    tb_index(a, p, "idx_posts_multi", false, "title,slug");
    tb_index(a, T(to, "posts"), "idx_posts_multi", false, "title");
    /* The index must go before its column, and come back after. */
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index posts.idx_posts_multi; remove_field posts.slug; "
                  "add_index posts.idx_posts_multi",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_index_moves_table) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    drop_index(to, "posts", "idx_posts_title");
    tb_index(a, T(to, "users"), "idx_posts_title", false, "name");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index posts.idx_posts_title; add_index users.idx_posts_title", NULL));
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Dependency order of created and deleted tables                           */

TEST(test_diff_create_order) {
    pw_arena *a = pw_arena_new();
    pw_schema *to = pw_schema_new(a);
    pw_table *c = tb_table(a, to, "comments");
    tb_pk(a, c);
    tb_fk(a, c, "post_id", "posts");
    tb_fk(a, c, "user_id", "users");
    pw_table *p = tb_table(a, to, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_fk(a, p, "parent_id", "posts"); /* self-reference: no constraint */
    tb_fk(a, p, "site_id", "sites");   /* another app: ignored */
    pw_table *u = tb_table(a, to, "users");
    tb_pk(a, u);
    CHECK(diff_ok(a, pw_schema_new(a), to, NULL, NULL,
                  "create_model users(id); "
                  "create_model posts(id,author_id,parent_id,site_id); "
                  "create_model comments(id,post_id,user_id)",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_create_order_ties) {
    /* a needs c; b and c are free: among ready tables the earliest in `to`
     * goes first. */
    pw_arena *a = pw_arena_new();
    pw_schema *to = pw_schema_new(a);
    tb_fk(a, tb_table(a, to, "a"), "c_id", "c");
    tb_pk(a, tb_table(a, to, "b"));
    tb_pk(a, tb_table(a, to, "c"));
    tb_pk(a, T(to, "a"));
    CHECK(diff_ok(a, pw_schema_new(a), to, NULL, NULL,
                  "create_model b(id); create_model c(id); create_model a(c_id,id)", NULL));
    /* A reference to an existing table does not delay creation. */
    pw_schema *from = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "c"));
    CHECK(diff_ok(a, from, to, NULL, NULL, "create_model a(c_id,id); create_model b(id)", NULL));
    pw_arena_free(a);
}

TEST(test_diff_delete_order) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "users"));
    pw_table *p = tb_table(a, from, "posts");
    tb_pk(a, p);
    tb_fk(a, p, "author_id", "users");
    tb_fk(a, p, "parent_id", "posts");
    pw_table *c = tb_table(a, from, "comments");
    tb_pk(a, c);
    tb_fk(a, c, "post_id", "posts");
    tb_pk(a, tb_table(a, from, "keep"));
    pw_schema *to = pw_schema_new(a);
    tb_pk(a, tb_table(a, to, "keep"));
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "delete_model comments; delete_model posts; delete_model users", NULL));
    pw_arena_free(a);
}

TEST(test_diff_kept_table_loses_fk_to_dropped_table) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    drop_table(to, "users");
    drop_column(to, "posts", "author_id");
    CHECK(diff_ok(a, from, to, NULL, NULL, "remove_field posts.author_id; delete_model users",
                  NULL));
    /* Retargeted to a new table instead. */
    to = blog(a);
    drop_table(to, "users");
    tb_pk(a, tb_table(a, to, "accounts"));
    C(to, "posts", "author_id")->fk.table = "accounts";
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model accounts(id); alter_field posts.author_id; delete_model users",
                  NULL));
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Foreign-key cycles                                                       */

static pw_schema *cycle2(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *x = tb_table(a, s, "a");
    tb_pk(a, x);
    tb_fk(a, x, "b_id", "b");
    tb_col(a, x, "name", "TEXT");
    tb_index(a, x, "idx_a_b", false, "b_id");
    tb_index(a, x, "idx_a_name", false, "name");
    pw_table *y = tb_table(a, s, "b");
    tb_pk(a, y);
    tb_fk(a, y, "a_id", "a");
    return s;
}

TEST(test_diff_cycle2_create) {
    pw_arena *a = pw_arena_new();
    CHECK(diff_ok(a, pw_schema_new(a), cycle2(a), NULL, NULL,
                  "create_model a(id,name;idx_a_name); create_model b(id,a_id); "
                  "add_field a.b_id; add_index a.idx_a_b",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_cycle2_delete) {
    pw_arena *a = pw_arena_new();
    CHECK(diff_ok(a, cycle2(a), pw_schema_new(a), NULL, NULL,
                  "remove_index a.idx_a_b; remove_field a.b_id; delete_model b; delete_model a",
                  NULL));
    pw_arena_free(a);
}

/* x -> a -> b -> c -> a, in `to` order x, a, b, c, plus a self-reference. */
static pw_schema *cycle3(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *x = tb_table(a, s, "x");
    tb_pk(a, x);
    tb_fk(a, x, "a_id", "a");
    pw_table *ta = tb_table(a, s, "a");
    tb_pk(a, ta);
    tb_fk(a, ta, "b_id", "b");
    tb_fk(a, ta, "parent_id", "a");
    pw_table *tb = tb_table(a, s, "b");
    tb_pk(a, tb);
    tb_fk(a, tb, "c_id", "c");
    pw_table *tc = tb_table(a, s, "c");
    tb_pk(a, tc);
    tb_fk(a, tc, "a_id", "a");
    return s;
}

TEST(test_diff_cycle3_create) {
    /* Only the cycle is cut (x merely depends on it), at its first table. */
    pw_arena *a = pw_arena_new();
    CHECK(diff_ok(a, pw_schema_new(a), cycle3(a), NULL, NULL,
                  "create_model a(id,parent_id); create_model x(id,a_id); "
                  "create_model c(id,a_id); create_model b(id,c_id); add_field a.b_id",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_cycle3_delete) {
    /* x goes first (nothing references it); then the cycle a -> b -> c -> a
     * is cut at a: without a.b_id, b is unreferenced. */
    pw_arena *a = pw_arena_new();
    CHECK(diff_ok(a, cycle3(a), pw_schema_new(a), NULL, NULL,
                  "remove_field a.b_id; delete_model x; delete_model b; delete_model c; "
                  "delete_model a",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_cycle_avoids_cutting_pk) {
    /* a's primary key is its foreign key to b (one-to-one): the cycle is cut
     * at b instead. */
    pw_arena *a = pw_arena_new();
    pw_schema *to = pw_schema_new(a);
    pw_table *ta = tb_table(a, to, "a");
    pw_column *pk = tb_fk(a, ta, "id", "b");
    pk->pk = true;
    pw_table *tb = tb_table(a, to, "b");
    tb_pk(a, tb);
    tb_fk(a, tb, "a_id", "a");
    CHECK(diff_ok(a, pw_schema_new(a), to, NULL, NULL,
                  "create_model b(id); create_model a(id); add_field b.a_id", NULL));
    pw_arena_free(a);
}

TEST(test_diff_two_cycles_and_kept_tables) {
    /* Two independent 2-cycles among new tables, next to kept tables. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    const char *names[4] = {"p", "q", "r", "s"};
    for (int i = 0; i < 4; i++) {
        pw_table *t = tb_table(a, to, names[i]);
        tb_pk(a, t);
    }
    tb_fk(a, T(to, "p"), "q_id", "q");
    tb_fk(a, T(to, "q"), "p_id", "p");
    tb_fk(a, T(to, "r"), "s_id", "s");
    tb_fk(a, T(to, "s"), "r_id", "r");
    tb_fk(a, T(to, "s"), "user_id", "users");
    tb_fk(a, T(to, "users"), "team_id", "r");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model p(id); create_model q(id,p_id); create_model r(id); "
                  "create_model s(id,r_id,user_id); add_field p.q_id; add_field r.s_id; "
                  "add_field users.team_id",
                  NULL));
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Keeping every operation applicable                                       */

TEST(test_diff_new_table_fk_to_new_column) {
    /* codes(code) is new in kept table users; a new table points at it. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    pw_column *code = tb_col(a, T(to, "users"), "code", "VARCHAR(10)");
    code->unique = true;
    pw_table *t = tb_table(a, to, "badges");
    tb_pk(a, t);
    pw_column *fk = tb_fk(a, t, "user_code", "users");
    fk->fk.column = "code";
    tb_index(a, t, "idx_badges_user_code", false, "user_code");
    /* And a kept table's new column pointing at it too. */
    pw_column *fk2 = tb_fk(a, T(to, "posts"), "author_code", "users");
    fk2->fk.column = "code";
    tb_col(a, T(to, "posts"), "extra", "INT");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model badges(id); add_field users.code; add_field posts.extra; "
                  "add_field posts.author_code; add_field badges.user_code; "
                  "add_index badges.idx_badges_user_code",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_index_name_reused_by_new_table) {
    /* A dropped table's index name is taken by a new table's index: the new
     * index waits until the old table is gone. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    drop_table(to, "posts");
    pw_table *t = tb_table(a, to, "articles");
    tb_pk(a, t);
    tb_col(a, t, "headline", "TEXT");
    tb_index(a, t, "idx_posts_title", false, "headline");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model articles(id,headline); delete_model posts; "
                  "add_index articles.idx_posts_title",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_dropped_referenced_column) {
    /* posts.author_code -> users.code (not the pk). users.code is dropped,
     * and with it the foreign key: the foreign-key column goes first, both
     * when it is in a kept table and when its table is dropped. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a);
    tb_col(a, T(from, "users"), "code", "TEXT")->unique = true;
    pw_column *fk = tb_fk(a, T(from, "posts"), "author_code", "users");
    fk->fk.column = "code";
    pw_table *h = tb_table(a, from, "history");
    tb_pk(a, h);
    tb_fk(a, h, "user_code", "users")->fk.column = "code";
    tb_index(a, h, "idx_history_code", false, "user_code");
    pw_schema *to = blog(a);
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "remove_index history.idx_history_code; remove_field history.user_code; "
                  "remove_field posts.author_code; remove_field users.code; "
                  "delete_model history",
                  NULL));
    pw_arena_free(a);
}

TEST(test_diff_phase_order) {
    /* Every step at once, in the order of diff.h. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    pw_table *old = tb_table(a, from, "old");
    tb_pk(a, old);
    pw_table *tg = tb_table(a, to, "tags");
    tb_pk(a, tg);
    tb_fk(a, tg, "post_id", "posts");
    tb_col(a, T(to, "users"), "bio", "TEXT");
    C(to, "posts", "title")->null = true;
    T(to, "users")->comment = "people";
    drop_column(to, "users", "name");
    drop_index(to, "users", "idx_users_name");
    tb_index(a, T(to, "users"), "idx_users_bio", false, "bio");
    asker as = {0};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "remove_index users.idx_users_name; create_model tags(id,post_id); "
                  "add_field users.bio; alter_model users; alter_field posts.title; "
                  "remove_field users.name; delete_model old; add_index users.idx_users_bio",
                  NULL));
    /* users.name (VARCHAR(100)) and users.bio (TEXT) differ: no question;
     * old(id) and tags(id, post_id) differ: no question. */
    CHECK_INT(as.calls, 0);
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Renames                                                                  */

TEST(test_diff_rename_table_accepted) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    tb_fk(a, T(from, "users"), "mentor_id", "users");
    tb_fk(a, T(to, "users"), "mentor_id", "users");
    T(to, "users")->name = "accounts";
    C(to, "accounts", "mentor_id")->fk.table = "accounts"; /* self-reference follows */
    C(to, "posts", "author_id")->fk.table = "accounts";
    asker as = {.yes = {"users->accounts"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, "rename_model users->accounts", NULL));
    CHECK_INT(as.calls, 1);
    CHECK_STR(as.log, "table:users->accounts");
    /* A self-reference that does not follow the rename is no candidate. */
    C(to, "accounts", "mentor_id")->fk.table = "posts";
    as = (asker){.yes = {"users->accounts"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, NULL, NULL));
    CHECK_INT(as.calls, 0);
    pw_arena_free(a);
}

TEST(test_diff_rename_table_declined) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    T(to, "users")->name = "accounts";
    C(to, "posts", "author_id")->fk.table = "accounts";
    asker as = {0};
    /* The index name is still held by users until it is deleted. */
    const char *want = "create_model accounts(id,email,name); alter_field posts.author_id; "
                       "delete_model users; add_index accounts.idx_users_name";
    CHECK(diff_ok(a, from, to, ask_cb, &as, want, NULL));
    CHECK_INT(as.calls, 1);
    CHECK_STR(as.log, "table:users->accounts");
    /* Without a callback, nothing is asked and the result is the same. */
    CHECK(diff_ok(a, from, to, NULL, NULL, want, NULL));
    pw_arena_free(a);
}

TEST(test_diff_rename_tables_chained_fk) {
    /* entries' foreign key points at people, renamed just before: it is
     * compared as pointing at persons, so entries is a candidate too. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    pw_table *f = tb_table(a, from, "people");
    tb_pk(a, f);
    tb_col(a, f, "fullname", "TEXT");
    pw_table *fp = tb_table(a, from, "posts_old");
    tb_pk(a, fp);
    tb_fk(a, fp, "person_id", "people");
    pw_table *t = tb_table(a, to, "persons");
    tb_pk(a, t);
    tb_col(a, t, "fullname", "TEXT");
    pw_table *tp = tb_table(a, to, "entries");
    tb_pk(a, tp);
    tb_fk(a, tp, "person_id", "persons")->fk.name = "fk_posts_old_person_id";
    asker as = {.yes = {"people->persons", "posts_old->entries"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "rename_model people->persons; rename_model posts_old->entries", NULL));
    CHECK_STR(as.log, "table:people->persons table:posts_old->entries");
    /* Declining the first: entries then points at a table that is not
     * people's successor, so it is no candidate. */
    as = (asker){.yes = {"posts_old->entries"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "create_model persons(id,fullname); create_model entries(id,person_id); "
                  "delete_model posts_old; delete_model people",
                  NULL));
    CHECK_STR(as.log, "table:people->persons");
    /* Tables that differ by more than the name are never offered. */
    t->columns[1]->name = "name";
    as = (asker){.yes = {"people->persons"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, NULL, NULL));
    CHECK_STR(as.log, "");
    pw_arena_free(a);
}

TEST(test_diff_rename_column_accepted) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    /* users.name is indexed and referenced by a foreign key of posts. */
    pw_column *fk = tb_fk(a, T(from, "posts"), "author_name", "users");
    fk->fk.column = "name";
    C(from, "users", "name")->unique = true;
    fk = tb_fk(a, T(to, "posts"), "author_name", "users");
    fk->fk.column = "display_name";
    C(to, "users", "name")->unique = true;
    C(to, "users", "name")->name = "display_name";
    T(to, "users")->indexes[0]->columns[0] = "display_name";
    asker as = {.yes = {"name->display_name"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, "rename_field users.name->display_name", NULL));
    CHECK_INT(as.calls, 1);
    CHECK_STR(as.log, "column:users.name->display_name");
    pw_arena_free(a);
}

TEST(test_diff_rename_column_declined) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    C(to, "users", "name")->name = "display_name";
    T(to, "users")->indexes[0]->columns[0] = "display_name";
    asker as = {0};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "remove_index users.idx_users_name; add_field users.display_name; "
                  "remove_field users.name; add_index users.idx_users_name",
                  NULL));
    CHECK_INT(as.calls, 1);
    CHECK_STR(as.log, "column:users.name->display_name");
    pw_arena_free(a);
}

TEST(test_diff_rename_candidates_each_once) {
    /* from-only b1, b2, b3 and to-only c1, c2 all look alike. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    pw_table *f = tb_table(a, from, "t");
    pw_table *t = tb_table(a, to, "t");
    tb_pk(a, f);
    tb_pk(a, t);
    tb_col(a, f, "b1", "INT");
    tb_col(a, f, "b2", "INT");
    tb_col(a, f, "b3", "INT");
    tb_col(a, t, "c1", "INT");
    tb_col(a, t, "c2", "INT");
    /* b1: declines c1, takes c2. b2: only c1 is left, declined. b3: c1
     * again, taken. */
    asker as = {.yes = {"b1->c2", "b3->c1"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "rename_field t.b1->c2; rename_field t.b3->c1; remove_field t.b2", NULL));
    CHECK_INT(as.calls, 4);
    CHECK_STR(as.log, "column:t.b1->c1 column:t.b1->c2 column:t.b2->c1 column:t.b3->c1");
    pw_arena_free(a);
}

TEST(test_diff_rename_tables_each_once) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "a1"));
    tb_pk(a, tb_table(a, from, "a2"));
    tb_pk(a, tb_table(a, to, "z1"));
    tb_pk(a, tb_table(a, to, "z2"));
    asker as = {.yes = {"a1->z1", "a2->z1", "a2->z2"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, "rename_model a1->z1; rename_model a2->z2", NULL));
    CHECK_STR(as.log, "table:a1->z1 table:a2->z2");
    as = (asker){.yes = {"a2->z1"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "rename_model a2->z1; create_model z2(id); delete_model a1", NULL));
    CHECK_STR(as.log, "table:a1->z1 table:a1->z2 table:a2->z1");
    pw_arena_free(a);
}

TEST(test_diff_rename_aborted) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    T(to, "users")->name = "accounts";
    C(to, "posts", "author_id")->fk.table = "accounts";
    pw_error err;
    pw_oplist ops = {0};
    asker as = {.fail_at = 1};
    CHECK_INT(pw_diff(a, from, to, ask_cb, &as, &ops, &err), PW_ERR_CALLBACK);
    CHECK_INT(err.code, PW_ERR_CALLBACK);
    CHECK_STR(err.path, "users");
    CHECK_INT(ops.len, 0);
    CHECK_INT(as.calls, 1);
    /* A column question aborted: the second call. */
    to = blog(a);
    C(to, "users", "name")->name = "nick";
    T(to, "users")->indexes[0]->columns[0] = "nick";
    C(to, "posts", "title")->name = "headline";
    T(to, "posts")->indexes[0]->columns[0] = "headline";
    as = (asker){.fail_at = 2, .yes = {"name->nick"}};
    CHECK_INT(pw_diff(a, from, to, ask_cb, &as, &ops, &err), PW_ERR_CALLBACK);
    CHECK_STR(err.path, "posts.title");
    CHECK(strstr(err.message, "headline") != NULL);
    CHECK_INT(ops.len, 0);
    CHECK_STR(as.log, "column:users.name->nick column:posts.title->headline");
    pw_arena_free(a);
}

TEST(test_diff_duplicate_table_invalid) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = blog(a), *to = blog(a);
    tb_pk(a, tb_table(a, to, "users"));
    pw_error err;
    pw_oplist ops;
    CHECK_INT(pw_diff(a, from, to, NULL, NULL, &ops, &err), PW_ERR_INVALID);
    CHECK_STR(err.path, "users");
    CHECK(strstr(err.message, "twice") != NULL);
    CHECK_INT(pw_diff(a, to, from, NULL, NULL, &ops, &err), PW_ERR_INVALID);
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Scale and determinism                                                    */

/* n tables t0000..; table i has `cols` columns and a foreign key to table
 * (i * 7 + 3) % n, so the references form cycles. */
static pw_schema *big(pw_arena *a, size_t n, size_t cols, const char *prefix) {
    pw_schema *s = pw_schema_new(a);
    char name[64], ref[64], cname[80];
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s%04zu", prefix, i);
        pw_table *t = tb_table(a, s, name);
        tb_pk(a, t);
        for (size_t k = 1; k < cols; k++) {
            snprintf(cname, sizeof cname, "c%02zu", k);
            tb_col(a, t, cname, "INT");
        }
        snprintf(ref, sizeof ref, "%s%04zu", prefix, (i * 7 + 3) % n);
        tb_fk(a, t, "ref_id", ref);
        snprintf(cname, sizeof cname, "ix_%s", name);
        tb_index(a, t, cname, false, "c01,ref_id");
    }
    return s;
}

/* Cycles of i -> (i * 7 + 3) % n, the references of big(). */
static size_t big_cycles(size_t n) {
    bool *seen = calloc(n, sizeof *seen);
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (seen[i]) continue;
        c++;
        for (size_t j = i; !seen[j]; j = (j * 7 + 3) % n) seen[j] = true;
    }
    free(seen);
    return c;
}

/* The invariant check after every operation (PW_DEBUG) makes applying
 * thousands of operations slow; the diff itself is timed at full size. */
#ifdef PW_DEBUG
#define BIG_N 300
#else
#define BIG_N 2000
#endif

TEST(test_diff_large) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_oplist ops;
    pw_schema *empty = pw_schema_new(a);
    pw_schema *from = big(a, 2000, 30, "t"), *to = big(a, 2000, 30, "t");
    pw_schema *other = big(a, 2000, 30, "o");
    for (size_t i = 0; i < 2000; i += 10) {
        to->tables[i]->columns[5]->null = true;
        tb_col(a, to->tables[i], "extra", "TEXT");
    }
    /* 2000 tables x 31 columns, each diff well under a second. */
    const pw_schema *cases[4][2] = {{from, to}, {empty, to}, {to, empty}, {from, other}};
    const size_t want[4] = {400, 2000 + 2 * 180, 2000 + 2 * 180, 2 * (2000 + 2 * 180)};
    CHECK_INT(big_cycles(2000), 180);
    for (int c = 0; c < 4; c++) {
        clock_t t0 = clock();
        CHECK_INT(pw_diff(a, cases[c][0], cases[c][1], NULL, NULL, &ops, &err), 0);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        CHECK_INT(ops.len, want[c]);
        CHECK(secs < 1.0);
    }
    /* With a callback: 2000 dropped and 2000 new tables of which none are
     * rename candidates (their foreign-key and index names differ). */
    asker as = {0};
    clock_t t0 = clock();
    CHECK_INT(pw_diff(a, from, other, ask_cb, &as, &ops, &err), 0);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
    CHECK_INT(as.calls, 0);
    CHECK_INT(ops.len, want[3]);
    /* apply(from, ops) == to at BIG_N tables. */
    CHECK(diff_ok(a, from, to, NULL, NULL, NULL, &ops));
    pw_schema *small = big(a, BIG_N, 30, "t");
    size_t cyc = big_cycles(BIG_N);
    CHECK(diff_ok(a, empty, small, NULL, NULL, NULL, &ops));
    CHECK_INT(ops.len, BIG_N + 2 * cyc);
    CHECK(diff_ok(a, small, empty, NULL, NULL, NULL, &ops));
    CHECK_INT(ops.len, BIG_N + 2 * cyc);
    pw_arena_free(a);
}

TEST(test_diff_deterministic) {
    pw_arena *a = pw_arena_new();
    pw_schema *to = big(a, 60, 4, "u"), *from = big(a, 40, 4, "v");
    pw_oplist x, y;
    CHECK(diff_ok(a, from, to, NULL, NULL, NULL, &x));
    CHECK(diff_ok(a, from, to, NULL, NULL, NULL, &y));
    CHECK_STR(ops_str(a, &x), ops_str(a, &y));
    /* 60 creations, 18 cycles cut (ADD_FIELD + ADD_INDEX each); 40 deletions,
     * 12 cycles cut (REMOVE_INDEX + REMOVE_FIELD each). */
    CHECK_INT(x.len, 60 + 2 * 18 + 40 + 2 * 12);
    pw_arena_free(a);
}

/* The primary key moving to another column while other tables point at the
 * table: every key pointing at the new key column lets go of it before the
 * column changes (its unique constraint gives way to the primary key, which
 * PostgreSQL refuses while a key depends on it) and is back after the move. */
TEST(test_diff_keys_wait_for_a_primary_key_move) {
    pw_arena *a = pw_arena_new();
    pw_oplist ops;
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    /* from: city.country_id -> country.id (the key), trip.country_code -> country.code */
    pw_table *fc = tb_table(a, from, "city");
    tb_pk(a, fc);
    tb_fk(a, fc, "country_id", "country");
    pw_table *ft = tb_table(a, from, "trip");
    tb_pk(a, ft);
    pw_column *code_ref = tb_fk(a, ft, "country_code", "country");
    code_ref->fk.column = "code";
    pw_table *fco = tb_table(a, from, "country");
    tb_pk(a, fco);
    tb_col(a, fco, "code", "INT")->unique = true;
    /* to: country.code is the key, id is gone; both keys point at code */
    pw_table *tc = tb_table(a, to, "city");
    tb_pk(a, tc);
    tb_fk(a, tc, "country_id", "country")->fk.column = "code";
    pw_table *tt = tb_table(a, to, "trip");
    tb_pk(a, tt);
    tb_fk(a, tt, "country_code", "country")->fk.column = "code";
    tb_col(a, tb_table(a, to, "country"), "code", "INT")->pk = true;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "alter_field trip.country_code; alter_field city.country_id; "
                  "alter_field country.code; remove_field country.id; alter_field country.code; "
                  "alter_field trip.country_code; alter_field city.country_id",
                  &ops));
    CHECK(ops.items[0].column->fk.table == NULL); /* trip lets go */
    CHECK(ops.items[1].column->fk.table == NULL); /* city lets go (its key is retargeted) */
    CHECK(!ops.items[2].column->pk);              /* code, plain, loses its unique constraint */
    CHECK(ops.items[4].column->pk);               /* code takes the key */
    CHECK_STR(ops.items[5].column->fk.column, "code");
    CHECK_STR(ops.items[6].column->fk.column, "code");
    /* a new table pointing at the new key column is created without the key */
    pw_table *nt = tb_table(a, to, "visa");
    tb_pk(a, nt);
    tb_fk(a, nt, "country", "country")->fk.column = "code";
    CHECK(diff_ok(a, from, to, NULL, NULL, NULL, &ops));
    for (size_t i = 0; i < ops.len; i++)
        if (ops.items[i].kind == PW_OP_CREATE_MODEL)
            CHECK(ops.items[i].model->columns[1]->fk.table == NULL);
    CHECK(ops.items[ops.len - 1].kind == PW_OP_ALTER_FIELD);
    pw_arena_free(a);
}

/* Found by tests/fuzz: a column that takes the key over with a foreign key to
 * itself keeps the definition its move gives it (the key included). */
TEST(test_diff_key_moving_to_a_self_referencing_column) {
    pw_arena *a = pw_arena_new();
    pw_oplist ops;
    pw_schema *from = pw_schema_new(a), *to = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "t"));
    pw_column *x = tb_fk(a, tb_table(a, to, "t"), "x", "t");
    x->fk.column = "x";
    x->pk = true;
    CHECK(diff_ok(a, from, to, NULL, NULL, "add_field t.x; remove_field t.id; alter_field t.x",
                  &ops));
    CHECK(ops.items[0].column->fk.table == NULL && !ops.items[0].column->pk);
    CHECK(ops.items[2].column->pk && ops.items[2].column->fk.table != NULL);
    pw_arena_free(a);
}

/* ------------------------------------------------------------------------ */
/* Model identities: certain renames                                        */

/* customers(id, name; idx_customers_name), identity models.Customer, and
 * orders(id, customer_id -> customers), identity models.Order; or, with
 * renamed, the same after `class Meta: table = "clients"` and the field
 * renames name -> full_name, customer -> client. */
static pw_schema *shop(pw_arena *a, bool renamed) {
    pw_schema *s = pw_schema_new(a);
    pw_table *c = tb_table(a, s, renamed ? "clients" : "customers");
    c->model = "models.Customer";
    tb_pk(a, c);
    tb_col(a, c, renamed ? "full_name" : "name", "VARCHAR(50)");
    tb_index(a, c, renamed ? "idx_clients_full_na" : "idx_customers_name", false,
             renamed ? "full_name" : "name");
    pw_table *o = tb_table(a, s, "orders");
    o->model = "models.Order";
    tb_pk(a, o);
    tb_fk(a, o, renamed ? "client_id" : "customer_id", c->name);
    return s;
}

TEST(test_diff_identity_rename_without_asking) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = shop(a, false), *to = shop(a, true);
    /* No callback (--no-input): the table rename still happens; the columns,
     * which nobody confirmed, are dropped and added. */
    pw_oplist ops;
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "rename_model customers->clients; remove_index clients.idx_customers_name; "
                  "add_field clients.full_name; add_field orders.client_id; "
                  "remove_field orders.customer_id; remove_field clients.name; "
                  "add_index clients.idx_clients_full_na",
                  &ops));
    /* The renamed table keeps its identity in the state. */
    pw_schema *s = pw_schema_copy(a, from);
    pw_error err;
    CHECK_INT(pw_ops_apply_all(a, s, ops.items, ops.len, &err), 0);
    CHECK_STR(T(s, "clients")->model, "models.Customer");
    CHECK_STR(T(s, "orders")->model, "models.Order");
    /* With a callback: no question about the table, the renamed field and the
     * foreign key named after the table (customer_id -> client_id) are asked. */
    asker as = {.yes = {"name->full_name", "customer_id->client_id"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "rename_model customers->clients; rename_field clients.name->full_name; "
                  "rename_field orders.customer_id->client_id; "
                  "remove_index clients.idx_customers_name; alter_field orders.client_id; "
                  "add_index clients.idx_clients_full_na",
                  NULL));
    CHECK_STR(as.log, "column:clients.name->full_name column:orders.customer_id->client_id");
    /* Declined: dropped and added, as without a callback. */
    as = (asker){0};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "rename_model customers->clients; remove_index clients.idx_customers_name; "
                  "add_field clients.full_name; add_field orders.client_id; "
                  "remove_field orders.customer_id; remove_field clients.name; "
                  "add_index clients.idx_clients_full_na",
                  NULL));
    CHECK_STR(as.log, "column:clients.name->full_name column:orders.customer_id->client_id");
    pw_arena_free(a);
}

TEST(test_diff_identity_missing_on_one_side) {
    /* Written before identities were recorded: today's rules (a question for
     * tables equal but for the name, else drop and create). */
    pw_arena *a = pw_arena_new();
    pw_schema *from = shop(a, false), *to = shop(a, false);
    T(from, "customers")->model = NULL;
    T(to, "customers")->name = "clients";
    C(to, "orders", "customer_id")->fk.table = "clients";
    asker as = {.yes = {"customers->clients"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, "rename_model customers->clients", NULL));
    CHECK_STR(as.log, "table:customers->clients");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model clients(id,name); alter_field orders.customer_id; "
                  "delete_model customers; add_index clients.idx_customers_name",
                  NULL));
    /* The same with the identity on the `from` side only. */
    T(from, "customers")->model = "models.Customer";
    T(to, "clients")->model = NULL;
    as = (asker){0};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "create_model clients(id,name); alter_field orders.customer_id; "
                  "delete_model customers; add_index clients.idx_customers_name",
                  NULL));
    CHECK_STR(as.log, "table:customers->clients");
    /* An identity alone (a renamed class keeping its table) changes nothing. */
    from = shop(a, false);
    to = shop(a, false);
    T(to, "customers")->model = "models.Client";
    T(to, "orders")->model = NULL;
    pw_oplist ops;
    pw_error err;
    CHECK_INT(pw_diff(a, from, to, ask_cb, &as, &ops, &err), 0);
    CHECK_INT(ops.len, 0);
    pw_arena_free(a);
}

TEST(test_diff_identity_never_takes_a_table_from_its_name) {
    pw_arena *a = pw_arena_new();
    /* The state says customers is models.Customer (its class was renamed
     * since); a new class Customer gets table vips: customers stays. */
    pw_schema *from = shop(a, false), *to = shop(a, false);
    T(to, "customers")->model = "models.Client";
    pw_table *v = tb_table(a, to, "vips");
    v->model = "models.Customer";
    tb_pk(a, v);
    asker as = {0};
    CHECK(diff_ok(a, from, to, ask_cb, &as, "create_model vips(id)", NULL));
    CHECK_STR(as.log, "");
    /* Two `from` tables with one identity: no certain rename. */
    from = pw_schema_new(a);
    to = pw_schema_new(a);
    tb_pk(a, tb_table(a, from, "a1"))->name = "id";
    tb_pk(a, tb_table(a, from, "a2"));
    T(from, "a1")->model = T(from, "a2")->model = "models.A";
    pw_table *z = tb_table(a, to, "z");
    z->model = "models.A";
    tb_col(a, z, "other", "TEXT");
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "create_model z(other); delete_model a1; delete_model a2", NULL));
    pw_arena_free(a);
}

TEST(test_diff_fk_column_following_a_renamed_table) {
    pw_arena *a = pw_arena_new();
    pw_schema *from = shop(a, false), *to = shop(a, true);
    /* A plural table, a singular column: authors -> writers, author_id ->
     * writer_id. */
    T(from, "customers")->name = "authors";
    C(from, "orders", "customer_id")->fk.table = "authors";
    C(from, "orders", "customer_id")->name = "author_id";
    T(to, "clients")->name = "writers";
    C(to, "orders", "client_id")->fk.table = "writers";
    C(to, "orders", "client_id")->name = "writer_id";
    asker as = {.yes = {"author_id->writer_id"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as, NULL, NULL));
    CHECK_STR(as.log, "column:writers.name->full_name column:orders.author_id->writer_id");
    /* A name that does not follow the table's is no candidate. */
    C(to, "orders", "writer_id")->name = "buyer_id";
    as = (asker){0};
    CHECK(diff_ok(a, from, to, ask_cb, &as, NULL, NULL));
    CHECK_STR(as.log, "column:writers.name->full_name");
    /* Nor one whose table is not renamed (its constraint name differs). */
    from = shop(a, false);
    to = shop(a, false);
    C(to, "orders", "customer_id")->name = "client_id";
    C(to, "orders", "client_id")->fk.name = "fk_orders_client_id";
    as = (asker){0};
    CHECK(diff_ok(a, from, to, ask_cb, &as, NULL, NULL));
    CHECK_STR(as.log, "");
    pw_arena_free(a);
}

TEST(test_diff_identity_derived_names_follow_without_asking) {
    /* The through table of Customer.tags, named after customers, and its key
     * named after it too: renamed with the table, certain. */
    pw_arena *a = pw_arena_new();
    pw_schema *from = shop(a, false), *to = shop(a, false);
    T(to, "customers")->name = "clients";
    C(to, "orders", "customer_id")->fk.table = "clients";
    pw_table *t = tb_table(a, from, "customers_tag");
    t->model = "models.Customer.tags";
    tb_fk(a, t, "customers_id", "customers");
    t = tb_table(a, to, "clients_tag");
    t->model = "models.Customer.tags";
    tb_fk(a, t, "clients_id", "clients")->fk.name = "fk_clients_tag_clients_id";
    CHECK(diff_ok(a, from, to, NULL, NULL,
                  "rename_model customers->clients; rename_model customers_tag->clients_tag; "
                  "rename_field clients_tag.customers_id->clients_id; "
                  "alter_field clients_tag.clients_id",
                  NULL));
    /* A through table whose name does not follow (through="memberships"):
     * its key is asked about. */
    T(from, "customers_tag")->name = "memberships";
    T(to, "clients_tag")->name = "memberships";
    asker as = {.yes = {"customers_id->clients_id"}};
    CHECK(diff_ok(a, from, to, ask_cb, &as,
                  "rename_model customers->clients; "
                  "rename_field memberships.customers_id->clients_id; "
                  "alter_field memberships.clients_id",
                  NULL));
    CHECK_STR(as.log, "column:memberships.customers_id->clients_id");
    pw_arena_free(a);
}
