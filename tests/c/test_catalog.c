/*
 * test_catalog.c - tests of catalog.c: the type spellings and default texts
 * that PostgreSQL 15, MariaDB 10.11 and SQLite report for what Tortoise's
 * generate_schemas (and tortoise-pathway) wrote, each read back to what the
 * migrations say, over every field type and default of the fidelity corpus.
 */
#include <math.h>

#include "build.h"
#include "catalog.h"
#include "pw_test.h"

#define SL PW_DIALECT_SQLITE
#define PG PW_DIALECT_POSTGRES
#define MY PW_DIALECT_MYSQL

TEST(test_catalog_types_postgres) {
    pw_arena *a = pw_arena_new();
    static const char *const pairs[][2] = {
        {"character varying(255)", "VARCHAR(255)"},
        {"integer", "INT"},
        {"bigint", "BIGINT"},
        {"smallint", "SMALLINT"},
        {"boolean", "BOOL"},
        {"numeric(10,2)", "DECIMAL(10,2)"},
        {"numeric", "DECIMAL"},
        {"double precision", "DOUBLE PRECISION"},
        {"real", "REAL"},
        {"text", "TEXT"},
        {"uuid", "UUID"},
        {"jsonb", "JSONB"},
        {"bytea", "BYTEA"},
        {"date", "DATE"},
        {"timestamp with time zone", "TIMESTAMPTZ"},
        {"timestamp without time zone", "TIMESTAMP"},
        {"timestamp(3) with time zone", "TIMESTAMPTZ(3)"},
        {"time with time zone", "TIMETZ"},
        {"time without time zone", "TIME"},
        {"character(36)", "CHAR(36)"},
        {"integer[]", "INT[]"},
        {"character varying(20)[]", "VARCHAR(20)[]"},
        {"interval", "INTERVAL"},
        {"tsvector", "TSVECTOR"},
        {"float", "DOUBLE PRECISION"},
        {"float(10)", "REAL"},
        /* Tortoise's own spellings come back unchanged */
        {"VARCHAR(255)", "VARCHAR(255)"},
        {"INT", "INT"},
        {"SERIAL", "INT"},
        {"BIGSERIAL", "BIGINT"},
        {"TIMESTAMPTZ", "TIMESTAMPTZ"},
        {"DECIMAL(10, 2)", "DECIMAL(10,2)"},
        {"Double  Precision", "DOUBLE PRECISION"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        CHECK_STR(pw_catalog_type(a, PG, pairs[i][0]), pairs[i][1]);
    pw_arena_free(a);
}

TEST(test_catalog_types_mysql) {
    pw_arena *a = pw_arena_new();
    static const char *const pairs[][2] = {
        {"varchar(255)", "VARCHAR(255)"},
        {"int(11)", "INT"},
        {"int", "INT"},
        {"bigint(20)", "BIGINT"},
        {"smallint(6)", "SMALLINT"},
        {"tinyint(1)", "BOOL"},
        {"tinyint(4)", "TINYINT"},
        {"int(10) unsigned", "INT UNSIGNED"},
        {"decimal(10,2)", "DECIMAL(10,2)"},
        {"double", "DOUBLE"},
        {"datetime(6)", "DATETIME(6)"},
        {"time(6)", "TIME(6)"},
        {"date", "DATE"},
        {"longtext", "LONGTEXT"},
        {"longblob", "LONGBLOB"},
        {"char(36)", "CHAR(36)"},
        {"BOOL", "BOOL"},
        {"INTEGER", "INT"},
        {"NUMERIC(8,2)", "DECIMAL(8,2)"},
        {"DECIMAL", "DECIMAL(10,0)"},
        {"DOUBLE PRECISION", "DOUBLE"},
        {"enum('a','B')", "ENUM('a','B')"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        CHECK_STR(pw_catalog_type(a, MY, pairs[i][0]), pairs[i][1]);
    pw_arena_free(a);
}

TEST(test_catalog_types_sqlite_and_idempotence) {
    pw_arena *a = pw_arena_new();
    CHECK_STR(pw_catalog_type(a, SL, "varchar (255)"), "VARCHAR(255)");
    CHECK_STR(pw_catalog_type(a, SL, "INTEGER"), "INTEGER");
    CHECK_STR(pw_catalog_type(a, SL, "  double   precision "), "DOUBLE PRECISION");
    static const char *const types[] = {"VARCHAR(40)", "TIMESTAMPTZ", "DOUBLE PRECISION",
                                        "INT[]", "DECIMAL(12,4)", "BOOL", "JSON"};
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
            const char *once = pw_catalog_type(a, (pw_dialect)d, types[i]);
            CHECK_STR(pw_catalog_type(a, (pw_dialect)d, once), once);
        }
    pw_arena_free(a);
}

/* The default a catalog reports, read for a column of Tortoise type `type`,
 * equals the default the migrations give, read the same way. */
static bool same_default(pw_arena *a, pw_dialect d, const char *catalog_text, const char *type,
                         pw_default want) {
    pw_error err;
    pw_default live, expected;
    if (pw_catalog_default(a, d, catalog_text, type, &live, &err)) return false;
    if (pw_catalog_default_of(a, d, &want, type, &expected, &err)) return false;
    return pw_default_equal(&live, &expected);
}

static pw_default dint(long long i) { return (pw_default){.kind = PW_DEFAULT_INT, .i = i}; }
static pw_default dbool(int b) { return (pw_default){.kind = PW_DEFAULT_BOOL, .i = b}; }
static pw_default dfloat(double f) { return (pw_default){.kind = PW_DEFAULT_FLOAT, .f = f}; }
static pw_default dstr(const char *s) { return (pw_default){.kind = PW_DEFAULT_STRING, .s = s}; }
static pw_default dexpr(const char *s) { return (pw_default){.kind = PW_DEFAULT_EXPR, .s = s}; }

TEST(test_catalog_defaults_postgres) {
    pw_arena *a = pw_arena_new();
    CHECK(same_default(a, PG, "'green'::character varying", "VARCHAR(5)", dstr("green")));
    CHECK(same_default(a, PG, "''::character varying", "VARCHAR(20)", dstr("")));
    CHECK(same_default(a, PG, "'long text'::text", "TEXT", dstr("long text")));
    CHECK(same_default(a, PG, "10", "BIGINT", dint(10)));
    CHECK(same_default(a, PG, "'10000000000'::bigint", "BIGINT", dint(10000000000LL)));
    CHECK(same_default(a, PG, "'-3'::integer", "INT", dint(-3)));
    CHECK(same_default(a, PG, "true", "BOOL", dbool(1)));
    CHECK(same_default(a, PG, "false", "BOOL", dbool(0)));
    CHECK(same_default(a, PG, "'2020-01-31'::date", "DATE", dstr("2020-01-31")));
    CHECK(same_default(a, PG, "1.50", "DECIMAL(8,2)", dexpr("1.50")));
    CHECK(same_default(a, PG, "0", "DECIMAL(30,10)", dexpr("0")));
    CHECK(same_default(a, PG, "'-250000000000000000000'::numeric", "DOUBLE PRECISION",
                       dfloat(-2.5e20)));
    CHECK(same_default(a, PG, "0.00001", "DOUBLE PRECISION", dfloat(1e-05)));
    CHECK(same_default(a, PG, "0.1", "DOUBLE PRECISION", dfloat(0.1)));
    CHECK(same_default(a, PG, "(1 + 2)", "INT", dexpr("(1 + 2)")));
    CHECK(same_default(a, PG, "'[]'::jsonb", "JSONB", dstr("[]")));
    CHECK(same_default(a, PG, "'2021-06-01 08:00:00+00'::timestamp with time zone", "TIMESTAMPTZ",
                       dstr("2021-06-01T08:00:00")));
    CHECK(same_default(a, PG, "'12:30:00+00'::time with time zone", "TIMETZ", dstr("12:30:00")));
    CHECK(same_default(a, PG, "'12345678-1234-5678-1234-567812345678'::uuid", "UUID",
                       dstr("12345678-1234-5678-1234-567812345678")));
    CHECK(same_default(a, PG, "CURRENT_TIMESTAMP", "TIMESTAMPTZ", dexpr("CURRENT_TIMESTAMP")));
    CHECK(same_default(a, PG, "md5((random())::text)", "VARCHAR(32)",
                       dexpr("md5(random()::text)")));
    CHECK(same_default(a, PG, "'NaN'::double precision", "DOUBLE PRECISION", dfloat(NAN)));
    CHECK(same_default(a, PG, "'it''s'::character varying", "VARCHAR(9)", dstr("it's")));
    /* different things stay different */
    CHECK(!same_default(a, PG, "'green'::character varying", "VARCHAR(5)", dstr("blue")));
    CHECK(!same_default(a, PG, "now()", "TIMESTAMPTZ", dexpr("CURRENT_TIMESTAMP")));
    CHECK(!same_default(a, PG, "1", "INT", dint(2)));
    CHECK(!same_default(a, PG, "'1'::character varying", "VARCHAR(5)", dint(1)));
    pw_arena_free(a);
}

TEST(test_catalog_defaults_mysql) {
    pw_arena *a = pw_arena_new();
    CHECK(same_default(a, MY, "'green'", "VARCHAR(5)", dstr("green")));
    CHECK(same_default(a, MY, "1", "BOOL", dbool(1)));
    CHECK(same_default(a, MY, "0", "BOOL", dbool(0)));
    CHECK(same_default(a, MY, "'2021-06-01 08:00:00.000000'", "DATETIME(6)",
                       dstr("2021-06-01T08:00:00")));
    CHECK(same_default(a, MY, "'12:30:00.000000'", "TIME(6)", dstr("12:30:00")));
    CHECK(same_default(a, MY, "current_timestamp(6)", "DATETIME(6)",
                       dexpr("CURRENT_TIMESTAMP(6)")));
    CHECK(same_default(a, MY, "current_timestamp()", "DATETIME", dexpr("CURRENT_TIMESTAMP")));
    CHECK(same_default(a, MY, "0.0000000000", "DECIMAL(30,10)", dexpr("0")));
    CHECK(same_default(a, MY, "1.50", "DECIMAL(8,2)", dexpr("1.50")));
    CHECK(same_default(a, MY, "-2.5e20", "DOUBLE", dfloat(-2.5e20)));
    CHECK(same_default(a, MY, "0.00001", "DOUBLE", dfloat(1e-05)));
    CHECK(same_default(a, MY, "(1 + 2)", "INT", dexpr("(1 + 2)")));
    CHECK(same_default(a, MY, "lcase(hex(random_bytes(16)))", "VARCHAR(32)",
                       dexpr("(LOWER(HEX(RANDOM_BYTES(16))))")));
    CHECK(same_default(a, MY, "'it''s \\\\ fine'", "VARCHAR(20)", dstr("it's \\ fine")));
    CHECK(same_default(a, MY, "'[]'", "JSON", dstr("[]")));
    pw_error err;
    pw_default d;
    CHECK_INT(pw_catalog_default(a, MY, "NULL", "INT", &d, &err), 0);
    CHECK_INT(d.kind, PW_DEFAULT_NONE);
    CHECK_INT(pw_catalog_default(a, MY, NULL, "INT", &d, &err), 0);
    CHECK_INT(d.kind, PW_DEFAULT_NONE);
    pw_arena_free(a);
}

TEST(test_catalog_defaults_sqlite) {
    pw_arena *a = pw_arena_new();
    CHECK(same_default(a, SL, "1", "INT", dbool(1)));
    CHECK(same_default(a, SL, "'hello'", "VARCHAR(20)", dstr("hello")));
    CHECK(same_default(a, SL, "1 + 2", "INT", dexpr("(1 + 2)")));
    CHECK(same_default(a, SL, "lower(hex(randomblob(16)))", "VARCHAR(32)",
                       dexpr("(lower(hex(randomblob(16))))")));
    CHECK(same_default(a, SL, "1.50", "VARCHAR(40)", dexpr("1.50")));
    CHECK(same_default(a, SL, "-2.5e+20", "REAL", dfloat(-2.5e20)));
    CHECK(same_default(a, SL, "CURRENT_TIMESTAMP", "TIMESTAMP", dexpr("CURRENT_TIMESTAMP")));
    CHECK(same_default(a, SL, "'2021-06-01T08:00:00'", "TIMESTAMP",
                       dstr("2021-06-01T08:00:00")));
    CHECK(same_default(a, SL, "TRUE", "INT", dint(1)));
    CHECK(!same_default(a, SL, "'hello'", "VARCHAR(20)", dstr("hellO")));
    pw_arena_free(a);
}

TEST(test_catalog_expr_normal_form) {
    pw_arena *a = pw_arena_new();
    CHECK_STR(pw_catalog_expr(a, PG, "md5((random())::text)"), "MD5(RANDOM()::TEXT)");
    CHECK_STR(pw_catalog_expr(a, PG, "((1 + 2))"), "1+2");
    CHECK_STR(pw_catalog_expr(a, PG, "(a + b) * c"), "(A+B)*C");
    CHECK_STR(pw_catalog_expr(a, PG, "lower('MiXed')"), "LOWER('MiXed')");
    CHECK_STR(pw_catalog_expr(a, PG, "CURRENT_TIMESTAMP AT TIME ZONE 'UTC'"),
              "CURRENT_TIMESTAMP AT TIME ZONE 'UTC'");
    CHECK_STR(pw_catalog_expr(a, MY, "ucase(now())"), "UPPER(CURRENT_TIMESTAMP)");
    CHECK_STR(pw_catalog_expr(a, MY, "(\"x\")"), "\"x\"");
    /* unbalanced text is left as it is, normalized */
    CHECK_STR(pw_catalog_expr(a, PG, "f((1)"), "F((1)");
    pw_arena_free(a);
}

/* Found by the fuzzer: texts that are no type, and numbers next to a dot, read the same
 * when read again (a type or an expression in normal form is a fixed point). */
TEST(test_catalog_readings_are_fixed_points) {
    pw_arena *a = pw_arena_new();
    static const char *const texts[] = {"(datetime('now'))", "\xf9" "70 .postsSERIAL \xf9",
                                        "70 .x", "a . 5", ": :", "< =", "'a' 'b'", "x(1) y(2)",
                                        "r\xf6 ( $: \xff) \xff\xfe z"};
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
            const char *t = pw_catalog_type(a, (pw_dialect)d, texts[i]);
            CHECK_STR(pw_catalog_type(a, (pw_dialect)d, t), t);
            const char *e = pw_catalog_expr(a, (pw_dialect)d, texts[i]);
            CHECK_STR(pw_catalog_expr(a, (pw_dialect)d, e), e);
        }
    CHECK_STR(pw_catalog_expr(a, PG, "70 .x"), "70 .X");
    CHECK_STR(pw_catalog_expr(a, PG, ": :"), ": :");
    pw_arena_free(a);
}
