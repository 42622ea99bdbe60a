/*
 * test_risk.c - tests of risk.c: every finding code on every dialect where
 * its rule applies, and its absence where the database does the change
 * without the risk (PostgreSQL's binary-coercible types and fast defaults,
 * InnoDB's in-place VARCHAR extension and plain index builds, MariaDB's
 * instant integer widening, SQLite's plain ADD COLUMN); server versions;
 * tables created in the same run; data steps as notes.
 */
#include <string.h>

#include "build.h"
#include "pw_test.h"
#include "risk.h"
#include "strbuf.h"

#define S PW_DIALECT_SQLITE
#define P PW_DIALECT_POSTGRES
#define M PW_DIALECT_MYSQL

/* teams (id), users (id, email VARCHAR(50) NULL, n INT, team_id -> teams
 * nullable, without a foreign key yet) */
static pw_schema *base(pw_arena *a) {
    pw_schema *s = pw_schema_new(a);
    pw_table *teams = tb_table(a, s, "teams");
    tb_pk(a, teams);
    pw_table *t = tb_table(a, s, "users");
    tb_pk(a, t);
    tb_col(a, t, "email", "VARCHAR(50)")->null = true;
    tb_col(a, t, "n", "INT");
    tb_col(a, t, "team_id", "INT")->null = true;
    return s;
}

/* "class:code,class:code" of op against s on a server; "" for none;
 * "ERR" when the call fails. */
static const char *codes_v(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d,
                           long version, bool mariadb) {
    pw_server srv = {.dialect = d, .version = version, .mariadb = mariadb, .safe = false};
    pw_findings f = {0};
    pw_error err;
    if (pw_risk_op(a, s, op, &srv, NULL, &f, &err)) return "ERR";
    pw_strbuf sb;
    pw_sb_init(&sb, a);
    pw_sb_append(&sb, "");
    for (size_t i = 0; i < f.len; i++) {
        if (f.items[i].reason == NULL || f.items[i].alternative == NULL ||
            !f.items[i].reason[0] || !f.items[i].alternative[0])
            return "EMPTY TEXT";
        pw_sb_appendf(&sb, "%s%s:%s", i ? "," : "", pw_risk_class_name(f.items[i].cls),
                      f.items[i].code);
    }
    return pw_sb_finish(&sb);
}

static const char *codes(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d) {
    return codes_v(a, s, op, d, 0, false);
}

static pw_op alter_type(pw_arena *a, const char *column, const char *type, bool null) {
    pw_op op = tb_op(PW_OP_ALTER_FIELD, "users");
    op.column = tb_column(a, column, type);
    op.column->null = null;
    return op;
}

TEST(test_risk_drop_table_every_dialect) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_DELETE_MODEL, "users");
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        CHECK_STR(codes(a, s, &op, (pw_dialect)d), "data-loss:drop-table,breaking:drop-table-in-use");
    pw_arena_free(a);
}

TEST(test_risk_drop_column_every_dialect) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_REMOVE_FIELD, "users");
    op.name = "n";
    CHECK_STR(codes(a, s, &op, P), "data-loss:drop-column,breaking:drop-column-in-use");
    CHECK_STR(codes(a, s, &op, M), "data-loss:drop-column,breaking:drop-column-in-use");
    /* SQLite drops a column through the rebuild */
    CHECK_STR(codes(a, s, &op, S),
              "data-loss:drop-column,breaking:drop-column-in-use,blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_renames_every_dialect) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op rt = tb_op(PW_OP_RENAME_MODEL, "users");
    rt.new_name = "members";
    pw_op rc = tb_op(PW_OP_RENAME_FIELD, "users");
    rc.name = "n";
    rc.new_name = "count";
    pw_op mv = tb_op(PW_OP_ALTER_MODEL, "users");
    mv.schema = "crm";
    pw_op comment = tb_op(PW_OP_ALTER_MODEL, "users");
    comment.comment = "people";
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        CHECK_STR(codes(a, s, &rt, (pw_dialect)d), "breaking:rename-table");
        CHECK_STR(codes(a, s, &rc, (pw_dialect)d), "breaking:rename-column");
        CHECK_STR(codes(a, s, &mv, (pw_dialect)d), "breaking:rename-table");
        CHECK_STR(codes(a, s, &comment, (pw_dialect)d), "");
    }
    pw_arena_free(a);
}

TEST(test_risk_not_null_no_default_every_dialect) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "age", "INT"); /* NOT NULL, no default */
    CHECK_STR(codes(a, s, &op, P), "breaking:not-null-no-default");
    CHECK_STR(codes(a, s, &op, M), "breaking:not-null-no-default");
    /* SQLite's ADD COLUMN refuses NOT NULL without a default: a rebuild */
    CHECK_STR(codes(a, s, &op, S), "breaking:not-null-no-default,blocking:table-rewrite");
    /* with a default the old code's INSERTs still work, and the column is added in place */
    op.column->def.kind = PW_DEFAULT_INT;
    op.column->def.i = 0;
    CHECK_STR(codes(a, s, &op, P), "");
    CHECK_STR(codes(a, s, &op, M), "");
    CHECK_STR(codes(a, s, &op, S), "");
    /* nullable, no default: nothing anywhere */
    op.column = tb_column(a, "age", "INT");
    op.column->null = true;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) CHECK_STR(codes(a, s, &op, (pw_dialect)d), "");
    /* tightening an existing nullable column without a default */
    pw_op tight = alter_type(a, "email", "VARCHAR(50)", false);
    CHECK_STR(codes(a, s, &tight, P), "breaking:not-null-no-default,blocking:not-null-scan");
    CHECK_STR(codes(a, s, &tight, M), "breaking:not-null-no-default");
    CHECK_STR(codes(a, s, &tight, S), "breaking:not-null-no-default,blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_narrow_type) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op shorter = alter_type(a, "email", "VARCHAR(20)", true);
    CHECK_STR(codes(a, s, &shorter, P), "data-loss:narrow-type,blocking:table-rewrite");
    CHECK_STR(codes(a, s, &shorter, M), "data-loss:narrow-type,blocking:table-rewrite");
    /* SQLite keeps every value (type affinity, no length): only the rebuild */
    CHECK_STR(codes(a, s, &shorter, S), "blocking:table-rewrite");
    pw_op smaller = alter_type(a, "n", "SMALLINT", false);
    CHECK_STR(codes(a, s, &smaller, P), "data-loss:narrow-type,blocking:table-rewrite");
    CHECK_STR(codes(a, s, &smaller, M), "data-loss:narrow-type,blocking:table-rewrite");
    pw_op to_text = alter_type(a, "n", "VARCHAR(3)", false);
    CHECK_STR(codes(a, s, &to_text, P), "data-loss:narrow-type,blocking:table-rewrite");
    pw_op to_int = alter_type(a, "email", "INT", true);
    CHECK_STR(codes(a, s, &to_int, M), "data-loss:narrow-type,blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_type_changes_postgres) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    /* binary coercible: no rewrite ("ALTER TABLE" > Notes) */
    pw_op longer = alter_type(a, "email", "VARCHAR(100)", true);
    CHECK_STR(codes(a, s, &longer, P), "");
    pw_op text = alter_type(a, "email", "TEXT", true);
    CHECK_STR(codes(a, s, &text, P), "");
    /* int -> bigint rewrites, and loses nothing */
    pw_op big = alter_type(a, "n", "BIGINT", false);
    CHECK_STR(codes(a, s, &big, P), "blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_type_changes_mysql) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    /* VARCHAR(50) -> (60): 200 -> 240 bytes, one length byte still: in place */
    pw_op same_bytes = alter_type(a, "email", "VARCHAR(60)", true);
    CHECK_STR(codes(a, s, &same_bytes, M), "");
    /* VARCHAR(50) -> (100): past 255 bytes, two length bytes: COPY */
    pw_op more_bytes = alter_type(a, "email", "VARCHAR(100)", true);
    CHECK_STR(codes(a, s, &more_bytes, M), "blocking:table-rewrite");
    /* int -> bigint: COPY on MySQL, instant on MariaDB 10.4.3+, COPY before */
    pw_op big = alter_type(a, "n", "BIGINT", false);
    CHECK_STR(codes_v(a, s, &big, M, 80036, false), "blocking:table-rewrite");
    CHECK_STR(codes_v(a, s, &big, M, 100611, true), "");
    CHECK_STR(codes_v(a, s, &big, M, 0, true), "");
    CHECK_STR(codes_v(a, s, &big, M, 100302, true), "blocking:table-rewrite");
    /* NULL -> NOT NULL with a default: in place with concurrent DML, no finding */
    pw_op tight = alter_type(a, "email", "VARCHAR(50)", false);
    tight.column->def.kind = PW_DEFAULT_STRING;
    tight.column->def.s = "";
    CHECK_STR(codes(a, s, &tight, M), "");
    pw_arena_free(a);
}

TEST(test_risk_table_rewrite_add_column_postgres) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "token", "UUID");
    op.column->def.kind = PW_DEFAULT_EXPR;
    op.column->def.s = "gen_random_uuid()";
    CHECK_STR(codes(a, s, &op, P), "blocking:table-rewrite");
    /* stable: now() and CURRENT_TIMESTAMP are instant */
    op.column->def.s = "now()";
    CHECK_STR(codes(a, s, &op, P), "");
    op.column->def.s = "CURRENT_TIMESTAMP";
    CHECK_STR(codes(a, s, &op, P), "");
    /* a constant default: instant since 11, a rewrite before */
    op.column->def.kind = PW_DEFAULT_INT;
    op.column->def.i = 3;
    CHECK_STR(codes_v(a, s, &op, P, 110000, false), "");
    CHECK_STR(codes_v(a, s, &op, P, 100005, false), "blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_table_rewrite_add_column_mysql_sqlite) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_ADD_FIELD, "users");
    op.column = tb_column(a, "total", "INT");
    op.column->null = true;
    op.column->generated[M] = "GENERATED ALWAYS AS (`n` * 2) STORED";
    op.column->generated[S] = "GENERATED ALWAYS AS (\"n\" * 2) STORED";
    CHECK_STR(codes(a, s, &op, M), "blocking:table-rewrite");
    CHECK_STR(codes(a, s, &op, S), "blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_not_null_scan) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = alter_type(a, "email", "VARCHAR(50)", false);
    op.column->def.kind = PW_DEFAULT_STRING;
    op.column->def.s = "";
    CHECK_STR(codes(a, s, &op, P), "blocking:not-null-scan");
    CHECK_STR(codes(a, s, &op, M), "");
    CHECK_STR(codes(a, s, &op, S), "blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_index_build) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_ADD_INDEX, "users");
    op.index = tb_index(a, tb_table(a, NULL, "x"), "idx_users_n", false, "n");
    CHECK_STR(codes(a, s, &op, P), "blocking:index-build-blocks-writes");
    CHECK_STR(codes(a, s, &op, S), "blocking:index-build-blocks-writes");
    /* InnoDB builds a secondary index in place with concurrent DML */
    CHECK_STR(codes(a, s, &op, M), "");
    op.index->method = "FULLTEXT";
    CHECK_STR(codes(a, s, &op, M), "blocking:index-build-blocks-writes");
    /* a column made UNIQUE on PostgreSQL */
    pw_op u = alter_type(a, "email", "VARCHAR(50)", true);
    u.column->unique = true;
    CHECK_STR(codes(a, s, &u, P), "blocking:index-build-blocks-writes");
    CHECK_STR(codes(a, s, &u, M), "");
    pw_arena_free(a);
}

TEST(test_risk_fk_validation) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = alter_type(a, "team_id", "INT", true);
    op.column->fk = (pw_fk){"fk_users_team", "teams", "id", PW_FK_CASCADE};
    CHECK_STR(codes(a, s, &op, P), "blocking:fk-validation");
    CHECK_STR(codes(a, s, &op, M), "blocking:fk-validation");
    CHECK_STR(codes(a, s, &op, S), "blocking:table-rewrite");
    pw_op add = tb_op(PW_OP_ADD_FIELD, "users");
    add.column = tb_column(a, "owner_id", "INT");
    add.column->null = true;
    add.column->fk = (pw_fk){"fk_users_owner", "teams", "id", PW_FK_CASCADE};
    CHECK_STR(codes(a, s, &add, P), "blocking:fk-validation");
    CHECK_STR(codes(a, s, &add, M), "blocking:fk-validation");
    /* SQLite adds a nullable REFERENCES column in place and checks no row */
    CHECK_STR(codes(a, s, &add, S), "");
    pw_arena_free(a);
}

TEST(test_risk_check_validation) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op op = tb_op(PW_OP_ADD_CONSTRAINT, "users");
    pw_check c = {"users_n_positive", "\"n\" > 0"};
    op.check = &c;
    CHECK_STR(codes(a, s, &op, P), "blocking:check-validation");
    CHECK_STR(codes(a, s, &op, M), "blocking:check-validation");
    CHECK_STR(codes(a, s, &op, S), "blocking:table-rewrite");
    pw_arena_free(a);
}

TEST(test_risk_data_steps_are_notes) {
    pw_arena *a = pw_arena_new();
    pw_schema *s = base(a);
    pw_op sql = tb_op(PW_OP_RUN_SQL, NULL);
    sql.sql_forward = "UPDATE users SET n = 1";
    pw_op py = tb_op(PW_OP_RUN_PYTHON, NULL);
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        CHECK_STR(codes(a, s, &sql, (pw_dialect)d), "unknown:data-step");
        CHECK_STR(codes(a, s, &py, (pw_dialect)d), "unknown:data-step");
    }
    pw_arena_free(a);
}

TEST(test_risk_run_new_tables_risk_nothing) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = base(a);
    pw_table *t = tb_table(a, NULL, "orders");
    tb_pk(a, t);
    tb_col(a, t, "total", "INT");
    pw_op ops[6] = {tb_op(PW_OP_CREATE_MODEL, NULL), tb_op(PW_OP_RENAME_MODEL, "orders"),
                    tb_op(PW_OP_ADD_INDEX, "purchases"), tb_op(PW_OP_ADD_INDEX, "users"),
                    tb_op(PW_OP_REMOVE_FIELD, "users"), tb_op(PW_OP_ADD_INDEX, "purchases")};
    ops[0].model = t;
    ops[1].new_name = "purchases";
    ops[2].index = tb_index(a, tb_table(a, NULL, "x"), "idx_p_total", false, "total");
    ops[3].index = tb_index(a, tb_table(a, NULL, "y"), "idx_u_n", false, "n");
    ops[4].name = "email";
    ops[5].index = tb_index(a, tb_table(a, NULL, "z"), "idx_p_total2", false, "total");
    pw_migration_ops migs[3] = {{.label = "app.0001", .ops = ops, .nops = 3},
                                {.label = "app.0002", .ops = ops + 3, .nops = 2},
                                {.label = "app.0003", .ops = ops + 5, .nops = 1}};
    pw_server srv = {.dialect = P, .version = 0, .mariadb = false, .safe = false};
    pw_findings **out;
    CHECK_INT(pw_risk_run(a, s, migs, 3, &srv, &out, &err), 0);
    CHECK_INT((int)out[0][0].len, 0);
    CHECK_INT((int)out[0][1].len, 0);
    CHECK_INT((int)out[0][2].len, 0);
    CHECK_INT((int)out[1][0].len, 1);
    CHECK_STR(out[1][0].items[0].code, "index-build-blocks-writes");
    CHECK_INT((int)out[1][1].len, 2);
    CHECK_STR(out[1][1].items[0].code, "drop-column");
    /* a table made by an earlier migration is deployed, with rows and readers: judged */
    CHECK_INT((int)out[2][0].len, 1);
    CHECK_STR(out[2][0].items[0].code, "index-build-blocks-writes");
    /* the state moved on: the table is there, the column is gone */
    CHECK(pw_schema_find_table(s, "purchases") != NULL);
    CHECK(pw_table_find_column(pw_schema_find_table(s, "users"), "email") == NULL);
    /* an operation that does not apply is located */
    pw_op bad = tb_op(PW_OP_REMOVE_FIELD, "nowhere");
    bad.name = "x";
    pw_migration_ops m = {.label = "app.0003", .ops = &bad, .nops = 1};
    CHECK(pw_risk_run(a, s, &m, 1, &srv, &out, &err) == PW_ERR_NOT_FOUND);
    CHECK(strstr(err.message, "app.0003: operation 1 (remove_field)") != NULL);
    pw_arena_free(a);
}

/* The stages of one migration's operations on base(), as a string: one
 * letter per operation (e expand, c contract). */
static const char *stages(pw_arena *a, pw_op *ops, size_t n) {
    pw_error err;
    pw_schema *s = base(a);
    pw_migration_ops m = {.label = "app.0002", .ops = ops, .nops = n};
    pw_stage **out;
    if (pw_risk_stages(a, s, &m, 1, &out, &err)) return "ERR";
    char *r = pw_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) r[i] = out[0][i] == PW_STAGE_CONTRACT ? 'c' : 'e';
    r[n] = '\0';
    return r;
}

TEST(test_stages_add_and_drop_split) {
    pw_arena *a = pw_arena_new();
    /* a drop first, then an addition: the addition is expand all the same */
    pw_op ops[4] = {tb_op(PW_OP_REMOVE_FIELD, "users"), tb_op(PW_OP_ADD_FIELD, "users"),
                    tb_op(PW_OP_ADD_INDEX, "users"), tb_op(PW_OP_RENAME_FIELD, "users")};
    ops[0].name = "email";
    ops[1].column = tb_column(a, "phone", "VARCHAR(20)");
    ops[1].column->null = true;
    ops[2].index = tb_index(a, tb_table(a, NULL, "x"), "idx_users_phone", false, "phone");
    ops[3].name = "n";
    ops[3].new_name = "count";
    CHECK_STR(stages(a, ops, 4), "ceec");
    CHECK_STR(pw_stage_name(PW_STAGE_EXPAND), "expand");
    CHECK_STR(pw_stage_name(PW_STAGE_CONTRACT), "contract");
    /* NOT NULL without a default: the old code's INSERTs fail, so contract */
    pw_op nn = tb_op(PW_OP_ADD_FIELD, "users");
    nn.column = tb_column(a, "age", "INT");
    CHECK_STR(stages(a, &nn, 1), "c");
    pw_arena_free(a);
}

TEST(test_stages_keep_what_cannot_move) {
    pw_arena *a = pw_arena_new();
    /* a column dropped and added again with another type: the addition waits */
    pw_op ops[3] = {tb_op(PW_OP_REMOVE_FIELD, "users"), tb_op(PW_OP_ADD_FIELD, "users"),
                    tb_op(PW_OP_RUN_SQL, NULL)};
    ops[0].name = "email";
    ops[1].column = tb_column(a, "email", "TEXT");
    ops[1].column->null = true;
    ops[2].sql_forward = "UPDATE users SET email = 'x'";
    CHECK_STR(stages(a, ops, 3), "ccc");
    /* an index on a renamed column waits for the rename */
    pw_op r[2] = {tb_op(PW_OP_RENAME_FIELD, "users"), tb_op(PW_OP_ADD_INDEX, "users")};
    r[0].name = "n";
    r[0].new_name = "count";
    r[1].index = tb_index(a, tb_table(a, NULL, "x"), "idx_users_count", false, "count");
    CHECK_STR(stages(a, r, 2), "cc");
    /* a data step before any contract operation stays in expand */
    pw_op d[2] = {tb_op(PW_OP_RUN_SQL, NULL), tb_op(PW_OP_DELETE_MODEL, "teams")};
    d[0].sql_forward = "UPDATE users SET n = 0";
    CHECK_STR(stages(a, d, 2), "ec");
    /* additions only, and an unknown table is located */
    pw_op add = tb_op(PW_OP_ADD_INDEX, "users");
    add.index = tb_index(a, tb_table(a, NULL, "x"), "idx_users_n", false, "n");
    CHECK_STR(stages(a, &add, 1), "e");
    pw_op bad = tb_op(PW_OP_REMOVE_FIELD, "nowhere");
    bad.name = "x";
    CHECK_STR(stages(a, &bad, 1), "ERR");
    pw_arena_free(a);
}

TEST(test_risk_safe_postgres_blocks_nothing_it_avoids) {
    pw_arena *a = pw_arena_new();
    pw_error err;
    pw_schema *s = base(a);
    pw_op ops[4] = {tb_op(PW_OP_ADD_INDEX, "users"), tb_op(PW_OP_ADD_CONSTRAINT, "users"),
                    tb_op(PW_OP_ALTER_FIELD, "users"), tb_op(PW_OP_ALTER_FIELD, "users")};
    ops[0].index = tb_index(a, tb_table(a, NULL, "x"), "idx_users_n", false, "n");
    pw_check c = {"users_n_positive", "\"n\" > 0"};
    ops[1].check = &c;
    ops[2].column = tb_column(a, "team_id", "INT");
    ops[2].column->null = true;
    ops[2].column->fk = (pw_fk){"fk_users_team", "teams", "id", PW_FK_CASCADE};
    ops[3].column = tb_column(a, "email", "VARCHAR(50)");
    ops[3].column->def.kind = PW_DEFAULT_STRING;
    ops[3].column->def.s = "";
    pw_migration_ops plain = {.label = "app.0002", .ops = ops, .nops = 4, .safe = false};
    pw_migration_ops safe = {.label = "app.0002", .ops = ops, .nops = 4, .safe = true};
    pw_server srv = {.dialect = P, .version = 0, .mariadb = false, .safe = false};
    pw_findings **out;
    CHECK_INT(pw_risk_run(a, s, &plain, 1, &srv, &out, &err), 0);
    CHECK_STR(out[0][0].items[0].code, "index-build-blocks-writes");
    CHECK_STR(out[0][1].items[0].code, "check-validation");
    CHECK_STR(out[0][2].items[0].code, "fk-validation");
    CHECK_STR(out[0][3].items[0].code, "not-null-scan");
    s = base(a);
    CHECK_INT(pw_risk_run(a, s, &safe, 1, &srv, &out, &err), 0);
    for (int k = 0; k < 4; k++) CHECK_INT((int)out[0][k].len, 0);
    /* a rewrite stays one: lock-aware SQL cannot avoid it */
    pw_op big = alter_type(a, "n", "BIGINT", false);
    safe = (pw_migration_ops){.label = "app.0003", .ops = &big, .nops = 1, .safe = true};
    CHECK_INT(pw_risk_run(a, s, &safe, 1, &srv, &out, &err), 0);
    CHECK_STR(out[0][0].items[0].code, "table-rewrite");
    pw_arena_free(a);
}
