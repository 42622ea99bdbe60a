/*
 * fuzz_core.c - a libFuzzer target for the engine core (src/.../_engine/core).
 *
 * Owns: decoding the fuzzer's bytes into a structured random program over the
 * core's entry points, and the properties checked on what they return (any
 * violation abort()s, so libFuzzer keeps the input as a crash). Does not own:
 * the core itself, or the Python binding (convert.c, module.c are not built).
 *
 * The input is read by a small byte consumer: every choice (a name from a
 * pool, a flag, a count) takes one byte; once the input is exhausted every
 * choice gives its first, benign answer and every count 0, so all loops end.
 * One input runs, in order:
 *   1. a random migration graph (duplicates, missing deps, cycles, empty
 *      keys) through pw_graph_build / order / heads / check_heads / plans;
 *   2. a random schema built directly (hostile names, unsafe types, every
 *      kind of default, FKs to present and absent tables) through
 *      pw_schema_check;
 *   3. a random history of operations generated against the state they
 *      apply to, each through pw_op_reverse and pw_op_apply, the whole list
 *      again through pw_ops_apply_all; the operations that applied through
 *      pw_optimize (and the whole list, failures included);
 *   4. the history (plus hostile operations) split into migrations, rendered
 *      by pw_render_run forward and backward for the three dialects, and
 *      random operations through pw_sql_render_op;
 *   5. pw_diff between the state and a mutated copy of it (or the random
 *      schema), its rename callback answering from the input, both ways;
 *   6. catalog texts (bytes of the input, and pool values) through
 *      pw_catalog_type / pw_catalog_expr / pw_catalog_default for the three
 *      dialects; pw_compare and pw_adopt_baseline on the state.
 * Properties (see tests/fuzz/README.md):
 *   - a failing call returns a negative pw_status equal to err->code, with a
 *     non-empty message (and a non-empty path for NOT_FOUND / EXISTS), never
 *     PW_ERR_NOMEM;
 *   - a successful pw_op_apply leaves a schema that passes pw_schema_check; a
 *     failing one leaves it unchanged; applying op then its reverse gives a
 *     schema with no diff against the one before;
 *   - pw_ops_apply_all fails exactly at the first operation that fails alone;
 *   - pw_optimize of operations that apply succeeds, gives no more of them and
 *     no elidable step, and a list that applies from the same start to the
 *     same schema, the same each time; of a list where one fails, it fails
 *     at that operation as pw_ops_apply_all does;
 *   - when from and to pass pw_schema_check and pw_diff(from, to) succeeds,
 *     its operations apply to a copy of from, and the diff of the result
 *     against to is empty; rendering them fails only with UNSUPPORTED;
 *   - a forward render leaves the state pw_ops_apply_all gives; a backward
 *     render leaves one with no diff against the state before the run;
 *   - every rendered statement is non-empty, and (RUN_SQL's own text aside)
 *     lexically closed: no open quote, no ';', "--" or block comment outside
 *     quotes;
 *   - graph order and plans are topological, plans are complete, heads are
 *     heads;
 *   - catalog readings are idempotent: a type read again, an expression
 *     normalized again, a default written and read again give the same;
 *   - a valid schema compared with itself, with its own physical form, or
 *     with its adoption baseline (as what the database holds) shows no
 *     difference on any dialect.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "catalog.h"
#include "compare.h"
#include "diff.h"
#include "error.h"
#include "graph.h"
#include "ops.h"
#include "optimize.h"
#include "render.h"
#include "schema.h"
#include "sql.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ------------------------------------------------------------------------ */
/* Failing                                                                  */

static void fail(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "fuzz_core: property violated: ");
    fprintf(stderr, fmt, a ? a : "(null)", b ? b : "(null)");
    fputc('\n', stderr);
    abort();
}

#define PROP(cond, what)                                                                   \
    do {                                                                                   \
        if (!(cond)) fail("%s%s", what, " [" #cond "]");                                   \
    } while (0)

/* A failing call: rc negative and equal to err->code, a known code other than
 * NOMEM, a message, and a path when something was not found or exists. */
static void check_err(int rc, const pw_error *err, const char *call) {
    if (rc == 0) return;
    if (rc > 0 || rc != (int)err->code || rc < PW_ERR_CALLBACK)
        fail("%s: bad status (message: %s)", call, err->message);
    if (rc == PW_ERR_NOMEM) fail("%s: out of memory on a tiny input: %s", call, err->message);
    if (memchr(err->message, '\0', sizeof err->message) == NULL ||
        memchr(err->path, '\0', sizeof err->path) == NULL)
        fail("%s: unterminated error record%s", call, "");
    if (err->message[0] == '\0') fail("%s: empty error message%s", call, "");
    if ((rc == PW_ERR_NOT_FOUND || rc == PW_ERR_EXISTS) && err->path[0] == '\0')
        fail("%s: not found / exists without a path: %s", call, err->message);
}

/* ------------------------------------------------------------------------ */
/* Reading the input                                                        */

typedef struct {
    const uint8_t *p;
    size_t n, i;
    pw_arena *a;
    unsigned hostility; /* chance in 256 that a choice takes a hostile value */
} fz;

static unsigned byte(fz *f) { return f->i < f->n ? f->p[f->i++] : 0u; }

/* 0 .. n-1 (n <= 256); 0 when the input is exhausted. */
static size_t pick(fz *f, size_t n) { return n <= 1 ? 0 : (size_t)byte(f) % n; }

/* True with probability num/256; false when the input is exhausted. */
static bool coin(fz *f, unsigned num) { return byte(f) + num >= 256u; }

static bool hostile(fz *f) { return coin(f, f->hostility); }

static void *must(void *p) {
    if (p == NULL) abort();
    return p;
}

/* ------------------------------------------------------------------------ */
/* Pools                                                                    */

static char LONG_300[301]; /* longer than an error path can hold */
static char LONG_64[65];   /* longer than PostgreSQL's 63-byte names */
static char UTF8_80[81];   /* 40 two-byte characters: cut points inside them */
static char LONG_SQL[2100];

static void init_pools(void) {
    if (LONG_300[0]) return;
    memset(LONG_300, 'a', 300);
    memset(LONG_64, 'n', 64);
    for (int i = 0; i < 40; i++) memcpy(UTF8_80 + 2 * i, "\xc3\xa9", 2);
    for (size_t i = 0; i + 1 < sizeof LONG_SQL; i++) LONG_SQL[i] = "UPDATE x SET y = 1 "[i % 19];
}

typedef struct {
    const char *const *ok; /* benign values first */
    size_t nok;
    const char *const *bad;
    size_t nbad;
} pool;

#define POOL(ok, bad) {ok, sizeof ok / sizeof *ok, bad, sizeof bad / sizeof *bad}

static const char *const TABLES_OK[] = {"users", "posts", "tags", "order", "t1", "select", "Users"};
static const char *const TABLES_BAD[] = {
    "",         "my table",       "quo\"te",         "back`tick",  "semi;colon",
    "x'); DROP TABLE users; --",  "pct%s%n",         "new\nline",  "__pw_new_users",
    "sqlite_sequence", "users ",  LONG_300,          LONG_64,      UTF8_80,
    "\xc3\xbc", "a.b",            "--",              "/*"};
static const char *const COLS_OK[] = {"id",   "name",  "email", "user_id", "parent_id",
                                      "x",    "group", "value", "key",     "Name"};
static const char *const COLS_BAD[] = {"",       "a b",     "q\"c",     "b`c",    "semi;c",
                                       "pct%n",  LONG_300,  LONG_64,    UTF8_80,  "new\nline",
                                       "\t",     "it's",    "back\\sl", "--x",    "*/"};
static const char *const IDX_OK[] = {"idx_a", "idx_b", "idx_users_name", "uniq_x", "idx_c"};
static const char *const IDX_BAD[] = {"",       "users_email_key", "PRIMARY", "ix\"q",
                                      "ix`q",   LONG_300,          LONG_64,   UTF8_80,
                                      "it's",   "pct%s"};
static const char *const FK_OK[] = {"fk_a", "fk_b", "fk_posts_users", "fk_c"};
static const char *const FK_BAD[] = {"", "fk\"q", "fk`q", LONG_300, LONG_64, "it's"};
static const char *const TYPES_OK[] = {"INT",         "BIGINT",     "SMALLINT",  "VARCHAR(255)",
                                       "TEXT",        "DECIMAL(10,2)", "BOOL",   "DOUBLE PRECISION",
                                       "TIMESTAMP",   "INTEGER",    "VARCHAR(10)", "JSON"};
static const char *const TYPES_BAD[] = {"",          "INT; DROP TABLE x", "VARCHAR(",  "TEXT)",
                                        "INT -- c",  "`x`",               "CHAR('1')", "a\nb",
                                        "INT[]",     "serial",            "pct%s",     "INT\"",
                                        "x/*y",      "DOUBLE  PRECISION", "int8",      NULL};
static const char *const EXPR_OK[] = {"CURRENT_TIMESTAMP", "(datetime('now'))",
                                      "CURRENT_TIMESTAMP(6)", "1+2", "'a''b'",
                                      "(lower(hex(randomblob(16))))", "gen_random_uuid()", "NOW()"};
static const char *const EXPR_BAD[] = {"",      "1; DROP TABLE x", "'unterminated", "a--b",
                                       "/*c*/", "(",               ")(",            "x\\y",
                                       "a\nb",  "\"q\"",           "`b`",           "1 */ 2",
                                       "'it''s'", "'a' || ';'",   NULL};
static const char *const STR_OK[] = {"x", "", "hello world", "0"};
static const char *const STR_BAD[] = {"it's",      "back\\slash", "new\nline", "tab\t",
                                      "'; DROP TABLE users; --",  "\"dq\"",    "\xc3\xbcn\xc3\xaf",
                                      "%s%n",      "\\'",         "''",        LONG_300,
                                      "\\",        "\r\n",        "`"};
static const char *const COMMENT_OK[] = {"a comment", "", "Users of the app"};
static const char *const COMMENT_BAD[] = {"it's", "multi\nline", "back\\slash", "%s%n", LONG_300,
                                          "*/ DROP", "\"q\""};
static const char *const SQL_OK[] = {"UPDATE t SET x = 1", "SELECT 1; SELECT 2",
                                     "INSERT INTO t VALUES ('it''s')"};
static const char *const SQL_BAD[] = {"", " ", "\n", "it's", LONG_SQL, "--", "%s%n"};
static const char *const APPS_OK[] = {"models", "auth", "a"};
static const char *const APPS_BAD[] = {"", "x.y", LONG_300, "\xc3\xbc", NULL, "models "};
static const char *const MIGS_OK[] = {"0001_init", "0002_more", "0003_x", "0004_y", "0005"};
static const char *const MIGS_BAD[] = {"", LONG_300, NULL, "0001_init ", "pct%s"};
static const char *const LABELS_OK[] = {"models.0001_init", "auth.0002_more"};
static const char *const LABELS_BAD[] = {"", LONG_300, NULL, "pct%s%n"};

static const pool P_TABLES = POOL(TABLES_OK, TABLES_BAD);
static const pool P_COLS = POOL(COLS_OK, COLS_BAD);
static const pool P_IDX = POOL(IDX_OK, IDX_BAD);
static const pool P_FK = POOL(FK_OK, FK_BAD);
static const pool P_TYPES = POOL(TYPES_OK, TYPES_BAD);
static const pool P_EXPR = POOL(EXPR_OK, EXPR_BAD);
static const pool P_STR = POOL(STR_OK, STR_BAD);
static const pool P_COMMENT = POOL(COMMENT_OK, COMMENT_BAD);
static const pool P_SQL = POOL(SQL_OK, SQL_BAD);
static const pool P_APPS = POOL(APPS_OK, APPS_BAD);
static const pool P_MIGS = POOL(MIGS_OK, MIGS_BAD);
static const pool P_LABELS = POOL(LABELS_OK, LABELS_BAD);

static const char *from_pool(fz *f, const pool *p) {
    if (hostile(f)) return p->bad[pick(f, p->nbad)];
    return p->ok[pick(f, p->nok)];
}

/* ------------------------------------------------------------------------ */
/* Names already in a schema                                                */

static bool table_named(const pw_schema *s, const char *name) {
    for (size_t i = 0; i < s->ntables; i++)
        if (s->tables[i]->name && name && strcmp(s->tables[i]->name, name) == 0) return true;
    return false;
}

static bool column_named(const pw_table *t, const char *name) {
    for (size_t i = 0; i < t->ncolumns; i++)
        if (t->columns[i]->name && name && strcmp(t->columns[i]->name, name) == 0) return true;
    return false;
}

static bool index_named(const pw_schema *s, const pw_table *t, const char *name) {
    if (t != NULL)
        for (size_t k = 0; k < t->nindexes; k++)
            if (t->indexes[k]->name && name && strcmp(t->indexes[k]->name, name) == 0) return true;
    if (s != NULL)
        for (size_t i = 0; i < s->ntables; i++)
            if (index_named(NULL, s->tables[i], name)) return true;
    return false;
}

/* pw_schema_find_table for a schema that may hold NULL names (a generated
 * one not checked yet). */
static const pw_table *lookup_table(const pw_schema *s, const char *name) {
    if (s == NULL || name == NULL) return NULL;
    for (size_t i = 0; i < s->ntables; i++)
        if (s->tables[i]->name && strcmp(s->tables[i]->name, name) == 0) return s->tables[i];
    return NULL;
}

/* A name from p; unless hostile, one for which taken() is false when the
 * benign pool has one. */
typedef bool (*taken_fn)(const void *ctx, const char *name);

static bool t_table(const void *ctx, const char *n) { return table_named(ctx, n); }
static bool t_column(const void *ctx, const char *n) { return column_named(ctx, n); }
static bool t_index(const void *ctx, const char *n) { return index_named(ctx, NULL, n); }
static bool t_none(const void *ctx, const char *n) {
    (void)ctx;
    (void)n;
    return false;
}

static const char *fresh(fz *f, const pool *p, taken_fn taken, const void *ctx) {
    if (hostile(f)) return p->bad[pick(f, p->nbad)];
    size_t start = pick(f, p->nok);
    for (size_t k = 0; k < p->nok; k++) {
        const char *n = p->ok[(start + k) % p->nok];
        if (ctx == NULL || !taken(ctx, n)) return n;
    }
    return p->ok[start];
}

/* The name of an existing table of s (mostly), else one from the pool. */
static const char *some_table(fz *f, const pw_schema *s) {
    if (s != NULL && s->ntables > 0 && !coin(f, 24)) return s->tables[pick(f, s->ntables)]->name;
    return from_pool(f, &P_TABLES);
}

static const char *some_column(fz *f, const pw_table *t) {
    if (t != NULL && t->ncolumns > 0 && !coin(f, 24)) return t->columns[pick(f, t->ncolumns)]->name;
    return from_pool(f, &P_COLS);
}

static const char *some_index(fz *f, const pw_table *t) {
    if (t != NULL && t->nindexes > 0 && !coin(f, 24)) return t->indexes[pick(f, t->nindexes)]->name;
    return from_pool(f, &P_IDX);
}

/* ------------------------------------------------------------------------ */
/* Generating schemas                                                       */

static const long long INTS[] = {0, 1, -1, 42, LLONG_MIN, LLONG_MAX, 255};

static double some_float(fz *f) {
    switch (pick(f, 12)) {
    case 0: return 0.0;
    case 1: return 0.1;
    case 2: return 1.5;
    case 3: return -0.0;
    case 4: return NAN;
    case 5: return INFINITY;
    case 6: return -INFINITY;
    case 7: return 1e308;
    case 8: return 5e-324;
    case 9: return DBL_MAX;
    case 10: return 1.0 / 3.0;
    default: return -123456789.125;
    }
}

static void gen_default(fz *f, pw_default *def) {
    memset(def, 0, sizeof *def);
    if (!coin(f, 110)) return;
    switch (pick(f, 5)) {
    case 0:
        def->kind = PW_DEFAULT_INT;
        def->i = INTS[pick(f, sizeof INTS / sizeof *INTS)];
        break;
    case 1:
        def->kind = PW_DEFAULT_FLOAT;
        def->f = some_float(f);
        break;
    case 2:
        def->kind = PW_DEFAULT_BOOL;
        def->i = (long long)pick(f, 2);
        break;
    case 3:
        def->kind = PW_DEFAULT_STRING;
        def->s = from_pool(f, &P_STR);
        if (def->s == NULL) def->s = "";
        if (hostile(f) && coin(f, 40)) def->s = NULL;
        break;
    default:
        def->kind = PW_DEFAULT_EXPR;
        def->s = from_pool(f, &P_EXPR);
        for (int d = 0; d < PW_DIALECT_COUNT; d++)
            if (coin(f, 40)) def->dialect_s[d] = from_pool(f, &P_EXPR);
        break;
    }
}

/* A SQL type: pool entries are never NULL unless hostile. */
static const char *some_type(fz *f) { return from_pool(f, &P_TYPES); }

/* A column for table t (may be NULL) of schema s (may be NULL), with a name
 * not yet in t unless hostile. */
static pw_column *gen_column(fz *f, const pw_table *t, const pw_schema *s, const char *name) {
    pw_column *c = must(pw_arena_alloc(f->a, sizeof *c));
    c->name = name != NULL ? name : fresh(f, &P_COLS, t_column, t);
    if (c->name == NULL) c->name = "";
    if (hostile(f) && coin(f, 30)) c->name = NULL;
    const char *ty = some_type(f);
    if (ty == NULL && !hostile(f)) ty = "INT";
    for (int d = 0; d < PW_DIALECT_COUNT; d++) c->type[d] = coin(f, 30) ? some_type(f) : ty;
    if (!hostile(f))
        for (int d = 0; d < PW_DIALECT_COUNT; d++)
            if (c->type[d] == NULL) c->type[d] = "TEXT";
    c->null = coin(f, 90);
    c->pk = coin(f, 30) && (t == NULL || pw_table_pk(t) == NULL || hostile(f));
    c->autoincrement = c->pk ? coin(f, 128) : hostile(f);
    if (c->pk && !hostile(f)) c->null = false;
    c->unique = coin(f, 50);
    gen_default(f, &c->def);
    c->comment = coin(f, 40) ? from_pool(f, &P_COMMENT) : NULL;
    c->fk.on_delete = (pw_fk_action)pick(f, 5);
    if (coin(f, 70)) {
        c->fk.name = from_pool(f, &P_FK);
        c->fk.table = some_table(f, s);
        const pw_table *ref = NULL;
        ref = lookup_table(s, c->fk.table);
        if (ref == NULL && t != NULL && c->fk.table != NULL && t->name != NULL &&
            strcmp(t->name, c->fk.table) == 0)
            ref = t;
        c->fk.column = some_column(f, ref);
        if (hostile(f) && coin(f, 40)) c->fk.column = NULL;
        if (hostile(f) && coin(f, 40)) c->fk.name = NULL;
        if (!hostile(f) && c->fk.table == NULL) c->fk.table = "users";
    }
    /* generated on some dialects (benign: never the key, never a default) */
    static const char *const gens[] = {"GENERATED ALWAYS AS (a + 1) STORED",
                                       "GENERATED ALWAYS AS (LOWER(b)) VIRTUAL",
                                       "GENERATED ALWAYS AS (1; DROP TABLE t) STORED",
                                       "AS ('x' || b)"};
    if (coin(f, 20) && (hostile(f) || !c->pk)) {
        for (int d = 0; d < PW_DIALECT_COUNT; d++)
            if (coin(f, 128)) c->generated[d] = gens[hostile(f) ? pick(f, 4) : pick(f, 2)];
        if (!hostile(f)) memset(&c->def, 0, sizeof c->def);
    }
    return c;
}

static pw_index *gen_index(fz *f, const pw_table *t, const pw_schema *s) {
    pw_index *ix = must(pw_arena_alloc(f->a, sizeof *ix));
    ix->name = fresh(f, &P_IDX, t_index, s);
    if (ix->name == NULL) ix->name = "idx_a";
    if (!hostile(f) && s == NULL && t != NULL && index_named(NULL, t, ix->name))
        ix->name = fresh(f, &P_IDX, t_none, NULL);
    ix->unique = coin(f, 80);
    size_t n = 1 + pick(f, 3);
    if (hostile(f) && coin(f, 60)) n = 0;
    ix->columns = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *ix->columns));
    for (size_t k = 0; k < n; k++) {
        ix->columns[k] = some_column(f, t);
        if (hostile(f) && coin(f, 30)) ix->columns[k] = NULL;
        /* benign: no column twice */
        if (!hostile(f))
            for (size_t j = 0; j < k; j++)
                if (ix->columns[j] && ix->columns[k] && strcmp(ix->columns[j], ix->columns[k]) == 0) {
                    n = k;
                    break;
                }
    }
    ix->ncolumns = n;
    /* other kinds: a method of one database, a condition, options, expressions
     * (no double quotes: MySQL reads "x" as a string, which check_statement
     * refuses), and hostile fragments the checks must refuse */
    static const char *const methods[] = {"GIN", "BRIN", "FULLTEXT", "SPATIAL", "gist"};
    static const char *const frags[] = {"a > 1", "(a + 1)", "LOWER(a)", "a = 'x;y'", "b IS NULL"};
    static const char *const bad[] = {"a; DROP TABLE t", "a -- b", "'open", "f(", "a # b",
                                      "a \\ b", "GIN USING"};
    if (coin(f, 15)) ix->method = methods[pick(f, 5)];
    if (coin(f, 15)) ix->condition = frags[pick(f, 5)];
    if (coin(f, 10)) ix->options = "WITH (fillfactor = 70)";
    if (coin(f, 15)) {
        size_t ne = 1 + pick(f, 2);
        ix->expressions = must(pw_arena_calloc(f->a, ne, sizeof *ix->expressions));
        for (size_t k = 0; k < ne; k++) ix->expressions[k] = frags[pick(f, 5)];
        ix->nexpressions = ne;
        if (!hostile(f)) ix->ncolumns = 0;
    }
    if (hostile(f) && coin(f, 20)) {
        const char *b = bad[pick(f, 7)];
        switch (pick(f, 4)) {
        case 0: ix->method = b; break;
        case 1: ix->condition = b; break;
        case 2: ix->options = b; break;
        default:
            ix->expressions = must(pw_arena_calloc(f->a, 1, sizeof *ix->expressions));
            ix->expressions[0] = b;
            ix->nexpressions = 1;
        }
    }
    return ix;
}

static void add_column(fz *f, pw_table *t, pw_column *c) {
    pw_error err;
    if (pw_table_add_column(f->a, t, c, &err) != 0) abort();
}

static void add_index(fz *f, pw_table *t, pw_index *ix) {
    pw_error err;
    if (pw_table_add_index(f->a, t, ix, &err) != 0) abort();
}

/* A table for schema s (may be NULL; not added to it). */
/* A check constraint: benign conditions, and hostile ones the checks refuse. */
static pw_check *gen_check(fz *f) {
    static const char *const names[] = {"ck_a", "ck_b", "price_positive", "Check Me", ""};
    static const char *const conds[] = {"a > 0", "b IS NOT NULL", "(a + 1) < 100",
                                        "name <> 'x;y'", "a > 0) OR (1", "a; DROP TABLE t",
                                        "a -- b", ""};
    pw_check *c = must(pw_arena_alloc(f->a, sizeof *c));
    c->name = names[hostile(f) ? pick(f, 5) : pick(f, 4)];
    c->check = conds[hostile(f) ? pick(f, 8) : pick(f, 4)];
    if (hostile(f) && coin(f, 20)) c->check = NULL;
    return c;
}

static pw_table *gen_table(fz *f, const pw_schema *s) {
    pw_table *t = must(pw_arena_alloc(f->a, sizeof *t));
    t->name = fresh(f, &P_TABLES, t_table, s);
    if (t->name == NULL) t->name = "";
    if (hostile(f) && coin(f, 20)) t->name = NULL;
    t->comment = coin(f, 50) ? from_pool(f, &P_COMMENT) : NULL;
    if (!coin(f, 60)) {
        pw_column *id = gen_column(f, t, s, "id");
        id->pk = true;
        id->null = false;
        id->autoincrement = !coin(f, 50);
        id->fk.table = NULL;
        if (!coin(f, 40)) {
            for (int d = 0; d < PW_DIALECT_COUNT; d++) id->type[d] = "INT";
            id->def.kind = PW_DEFAULT_NONE;
        }
        add_column(f, t, id);
    }
    size_t nc = pick(f, 6);
    for (size_t k = 0; k < nc; k++) add_column(f, t, gen_column(f, t, s, NULL));
    size_t nx = pick(f, 3);
    for (size_t k = 0; k < nx; k++) add_index(f, t, gen_index(f, t, s));
    if (coin(f, 40)) {
        pw_check *c = gen_check(f);
        pw_error err;
        if ((hostile(f) || pw_table_find_check(t, c->name) == NULL) &&
            pw_table_add_check(f->a, t, c, &err) != 0)
            abort();
    }
    return t;
}

static pw_schema *gen_schema(fz *f) {
    pw_schema *s = must(pw_schema_new(f->a));
    pw_error err;
    size_t n = pick(f, 6);
    for (size_t i = 0; i < n; i++)
        if (pw_schema_add_table(f->a, s, gen_table(f, s), &err) != 0) abort();
    return s;
}

/* ------------------------------------------------------------------------ */
/* Generating operations                                                    */

/* A changed copy of column c for ALTER_FIELD. */
static pw_column *mutate_column(fz *f, const pw_table *t, const pw_schema *s, const pw_column *c) {
    pw_column *n = must(pw_column_copy(f->a, c));
    size_t k = 1 + pick(f, 3);
    for (size_t i = 0; i < k; i++) {
        switch (pick(f, 9)) {
        case 0: {
            const char *ty = some_type(f);
            for (int d = 0; d < PW_DIALECT_COUNT; d++)
                if (d == 0 || coin(f, 200)) n->type[d] = ty;
            break;
        }
        case 1: n->null = !n->null; break;
        case 2: gen_default(f, &n->def); break;
        case 3: n->unique = !n->unique; break;
        case 4: n->comment = coin(f, 128) ? from_pool(f, &P_COMMENT) : NULL; break;
        case 5: {
            pw_column *o = gen_column(f, t, s, c->name);
            n->fk = o->fk;
            break;
        }
        case 6: n->fk.on_delete = (pw_fk_action)pick(f, 5); break;
        case 7: n->pk = !n->pk; break;
        default: n->autoincrement = !n->autoincrement; break;
        }
    }
    return n;
}

/* An operation against state s: names mostly taken from s. */
static pw_op gen_op(fz *f, const pw_schema *s) {
    pw_op op;
    memset(&op, 0, sizeof op);
    op.kind = (pw_op_kind)pick(f, PW_OP_KIND_COUNT);
    const char *tn = NULL;
    const pw_table *t = NULL;
    if (op.kind != PW_OP_CREATE_MODEL && op.kind != PW_OP_RUN_SQL && op.kind != PW_OP_RUN_PYTHON) {
        tn = some_table(f, s);
        t = lookup_table(s, tn);
        op.table = tn;
    }
    switch (op.kind) {
    case PW_OP_CREATE_MODEL:
        op.model = gen_table(f, s);
        if (hostile(f) && coin(f, 30)) op.model = NULL;
        op.table = op.model ? op.model->name : NULL;
        break;
    case PW_OP_DELETE_MODEL:
        break;
    case PW_OP_RENAME_MODEL:
        op.new_name = fresh(f, &P_TABLES, t_table, s);
        break;
    case PW_OP_ALTER_MODEL:
        op.comment = coin(f, 128) ? from_pool(f, &P_COMMENT) : NULL;
        break;
    case PW_OP_ADD_FIELD:
        op.column = gen_column(f, t, s, NULL);
        if (hostile(f) && coin(f, 30)) op.column = NULL;
        break;
    case PW_OP_REMOVE_FIELD:
        op.name = some_column(f, t);
        break;
    case PW_OP_ALTER_FIELD:
        if (t != NULL && t->ncolumns > 0 && !coin(f, 30))
            op.column = mutate_column(f, t, s, t->columns[pick(f, t->ncolumns)]);
        else
            op.column = gen_column(f, t, s, some_column(f, t));
        if (hostile(f) && coin(f, 30)) op.column = NULL;
        break;
    case PW_OP_RENAME_FIELD:
        op.name = some_column(f, t);
        op.new_name = fresh(f, &P_COLS, t_column, t);
        break;
    case PW_OP_ADD_INDEX:
        op.index = gen_index(f, t, s);
        if (hostile(f) && coin(f, 30)) op.index = NULL;
        break;
    case PW_OP_REMOVE_INDEX:
        op.name = some_index(f, t);
        break;
    case PW_OP_ADD_CONSTRAINT:
        op.check = gen_check(f);
        if (hostile(f) && coin(f, 30)) op.check = NULL;
        break;
    case PW_OP_REMOVE_CONSTRAINT:
        op.name = t != NULL && t->nchecks > 0 && !coin(f, 40)
                      ? t->checks[pick(f, t->nchecks)]->name
                      : gen_check(f)->name;
        break;
    case PW_OP_RUN_SQL:
        op.sql_forward = from_pool(f, &P_SQL);
        op.sql_backward = coin(f, 160) ? from_pool(f, &P_SQL) : NULL;
        if (op.sql_forward == NULL) op.sql_forward = "SELECT 1";
        if (hostile(f) && coin(f, 30)) op.sql_forward = NULL;
        op.elidable = coin(f, 80);
        break;
    case PW_OP_RUN_PYTHON:
        op.reversible = coin(f, 160);
        op.elidable = coin(f, 80);
        break;
    }
    if ((op.kind == PW_OP_ADD_FIELD || op.kind == PW_OP_ALTER_FIELD || hostile(f)) && coin(f, 90))
        gen_default(f, &op.fill);
    if (hostile(f) && coin(f, 20)) op.table = NULL;
    if (hostile(f) && coin(f, 20)) op.name = NULL;
    if (hostile(f) && coin(f, 20)) op.new_name = NULL;
    return op;
}

/* ------------------------------------------------------------------------ */
/* Comparing schemas                                                        */

static bool schema_same(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++)
        if (!pw_table_equal(x->tables[i], y->tables[i])) return false;
    return true;
}

static pw_schema *copy_schema(fz *f, const pw_schema *s) { return must(pw_schema_copy(f->a, s)); }

/* pw_diff(x, y) without renames gives no operation (both must be valid). */
static bool no_diff(fz *f, const pw_schema *x, const pw_schema *y, const char *what) {
    pw_oplist ops;
    pw_error err;
    pw_error_clear(&err);
    int rc = pw_diff(f->a, x, y, NULL, NULL, &ops, &err);
    check_err(rc, &err, what);
    if (rc != 0) fail("%s: diff of two valid schemas failed: %s", what, err.message);
    if (ops.len != 0) {
        fprintf(stderr, "%zu operations, first %s on %s\n", ops.len,
                pw_op_kind_name(ops.items[0].kind),
                pw_op_table(&ops.items[0]) ? pw_op_table(&ops.items[0]) : "-");
        return false;
    }
    return true;
}

static bool valid(const pw_schema *s) {
    pw_error err;
    pw_error_clear(&err);
    int rc = pw_schema_check(s, &err);
    check_err(rc, &err, "pw_schema_check");
    return rc == 0;
}

/* ------------------------------------------------------------------------ */
/* Statements                                                               */

/* A rendered statement: non-empty; unless raw (RUN_SQL's own text), every
 * quote closed and no ';', "--" or comment start outside quotes. */
static void check_statement(const char *sql, pw_dialect d, bool raw, const char *what) {
    if (sql == NULL) fail("%s: NULL statement (%s)", what, pw_dialect_name(d));
    if (sql[0] == '\0') fail("%s: empty statement (%s)", what, pw_dialect_name(d));
    if (raw) return;
    char q = 0; /* the open quote, or 0 */
    for (const char *p = sql; *p; p++) {
        char c = *p;
        if (q != 0) {
            if (q == '\'' && d == PW_DIALECT_MYSQL && c == '\\') {
                if (p[1] == '\0') fail("%s: dangling backslash in %s", what, sql);
                p++;
            } else if (c == q) {
                if (p[1] == q) p++; /* doubled quote */
                else q = 0;
            }
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            if (d == PW_DIALECT_MYSQL && c == '"') fail("%s: '\"' outside quotes (mysql): %s", what, sql);
            if (d != PW_DIALECT_MYSQL && c == '`') fail("%s: '`' outside quotes: %s", what, sql);
            q = c;
            continue;
        }
        if (c == ';') fail("%s: ';' outside quotes: %s", what, sql);
        if (c == '-' && p[1] == '-') fail("%s: '--' outside quotes: %s", what, sql);
        if (c == '/' && p[1] == '*') fail("%s: '/*' outside quotes: %s", what, sql);
        if (c == '#' && d == PW_DIALECT_MYSQL) fail("%s: '#' outside quotes (mysql): %s", what, sql);
    }
    if (q != 0) fail("%s: unclosed quote in %s", what, sql);
}

static void check_statements(const pw_strlist *l, pw_dialect d, bool raw, const char *what) {
    for (size_t i = 0; i < l->len; i++) check_statement(l->items[i], d, raw, what);
}

/* ------------------------------------------------------------------------ */
/* Tracing (PW_FUZZ_TRACE=1 in the environment): what one input does, to turn */
/* a crash artifact into a reproducer.                                       */

static int tracing = -1;

static bool trace_on(void) {
    if (tracing < 0) tracing = getenv("PW_FUZZ_TRACE") != NULL;
    return tracing != 0;
}

/* s as a C-ish quoted string, or NULL. */
static void tq(const char *s) {
    if (s == NULL) {
        fputs("NULL", stderr);
        return;
    }
    fputc('"', stderr);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(stderr, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f) fprintf(stderr, "\\x%02x", *p);
        else fputc(*p, stderr);
    }
    fputc('"', stderr);
}

static void trace_default(const pw_default *d) {
    switch (d->kind) {
    case PW_DEFAULT_NONE: return;
    case PW_DEFAULT_INT: fprintf(stderr, " default=%lld", d->i); return;
    case PW_DEFAULT_BOOL: fprintf(stderr, " default=%s", d->i ? "true" : "false"); return;
    case PW_DEFAULT_FLOAT: fprintf(stderr, " default=%.17g", d->f); return;
    case PW_DEFAULT_STRING: fputs(" default=", stderr); tq(d->s); return;
    case PW_DEFAULT_EXPR:
        fputs(" default=expr:", stderr);
        tq(d->s);
        for (int k = 0; k < PW_DIALECT_COUNT; k++)
            if (d->dialect_s[k]) {
                fprintf(stderr, " %s:", pw_dialect_name((pw_dialect)k));
                tq(d->dialect_s[k]);
            }
        return;
    }
}

static void trace_column(const pw_column *c) {
    fputs("    column ", stderr);
    tq(c->name);
    fputs(" type=", stderr);
    tq(c->type[0]);
    if (!(c->type[1] && c->type[0] && strcmp(c->type[0], c->type[1]) == 0 && c->type[2] &&
          strcmp(c->type[0], c->type[2]) == 0)) {
        fputc('/', stderr);
        tq(c->type[1]);
        fputc('/', stderr);
        tq(c->type[2]);
    }
    fprintf(stderr, "%s%s%s%s", c->null ? " null" : "", c->pk ? " pk" : "",
            c->autoincrement ? " autoincrement" : "", c->unique ? " unique" : "");
    trace_default(&c->def);
    if (c->comment) {
        fputs(" comment=", stderr);
        tq(c->comment);
    }
    if (c->fk.table) {
        fputs(" fk=", stderr);
        tq(c->fk.name);
        fputs("->", stderr);
        tq(c->fk.table);
        fputc('.', stderr);
        tq(c->fk.column);
        fprintf(stderr, " %s", pw_fk_action_name(c->fk.on_delete));
    }
    for (int d = 0; d < PW_DIALECT_COUNT; d++)
        if (c->generated[d]) {
            fprintf(stderr, " generated[%s]=", pw_dialect_name((pw_dialect)d));
            tq(c->generated[d]);
        }
    fputc('\n', stderr);
}

static void trace_index(const pw_index *ix) {
    fputs("    index ", stderr);
    tq(ix->name);
    fprintf(stderr, "%s (", ix->unique ? " unique" : "");
    for (size_t k = 0; k < ix->ncolumns; k++) {
        if (k) fputs(", ", stderr);
        tq(ix->columns ? ix->columns[k] : NULL);
    }
    for (size_t k = 0; k < ix->nexpressions; k++) {
        fputs(k || ix->ncolumns ? ", expr " : "expr ", stderr);
        tq(ix->expressions[k]);
    }
    fputs(")", stderr);
    if (ix->method) {
        fputs(" method ", stderr);
        tq(ix->method);
    }
    if (ix->condition) {
        fputs(" where ", stderr);
        tq(ix->condition);
    }
    if (ix->options) {
        fputs(" options ", stderr);
        tq(ix->options);
    }
    fputc('\n', stderr);
}

static void trace_check(const pw_check *c) {
    fputs("    check ", stderr);
    tq(c->name);
    fputc(' ', stderr);
    tq(c->check);
    fputc('\n', stderr);
}

static void trace_table(const pw_table *t) {
    fputs("  table ", stderr);
    tq(t->name);
    if (t->comment) {
        fputs(" comment=", stderr);
        tq(t->comment);
    }
    fputc('\n', stderr);
    for (size_t k = 0; k < t->ncolumns; k++) trace_column(t->columns[k]);
    for (size_t k = 0; k < t->nindexes; k++) trace_index(t->indexes[k]);
    for (size_t k = 0; k < t->nchecks; k++) trace_check(t->checks[k]);
}

static void trace_schema(const char *what, const pw_schema *s) {
    if (!trace_on()) return;
    fprintf(stderr, "schema %s (%zu tables)\n", what, s->ntables);
    for (size_t i = 0; i < s->ntables; i++) trace_table(s->tables[i]);
}

static void trace_op(const char *what, const pw_op *op) {
    if (!trace_on()) return;
    fprintf(stderr, "%s %s table=", what, pw_op_kind_name(op->kind));
    tq(op->table);
    if (op->name) {
        fputs(" name=", stderr);
        tq(op->name);
    }
    if (op->new_name) {
        fputs(" new_name=", stderr);
        tq(op->new_name);
    }
    if (op->kind == PW_OP_ALTER_MODEL) {
        fputs(" comment=", stderr);
        tq(op->comment);
    }
    if (op->kind == PW_OP_RUN_SQL) {
        fputs(" forward=", stderr);
        tq(op->sql_forward);
        fputs(" backward=", stderr);
        tq(op->sql_backward);
    }
    if (op->kind == PW_OP_RUN_PYTHON) fprintf(stderr, " reversible=%d", op->reversible);
    if (op->elidable) fputs(" elidable", stderr);
    if (op->fill.kind != PW_DEFAULT_NONE) {
        fputs(" fill:", stderr);
        trace_default(&op->fill);
    }
    fputc('\n', stderr);
    if (op->model) trace_table(op->model);
    if (op->column) trace_column(op->column);
    if (op->index) trace_index(op->index);
    if (op->check) trace_check(op->check);
}

static void trace_rc(const char *what, int rc, const pw_error *err) {
    if (!trace_on()) return;
    if (rc == 0) fprintf(stderr, "  -> %s ok\n", what);
    else fprintf(stderr, "  -> %s error %d: %s [path %s]\n", what, rc, err->message, err->path);
}

static void trace_sql(const pw_strlist *l, pw_dialect d) {
    if (!trace_on()) return;
    for (size_t i = 0; i < l->len; i++) {
        fprintf(stderr, "  %s> ", pw_dialect_name(d));
        tq(l->items[i]);
        fputc('\n', stderr);
    }
}

/* ------------------------------------------------------------------------ */
/* 1. The graph                                                             */

static void fuzz_graph(fz *f) {
    size_t n = pick(f, 9);
    pw_node_in *nodes = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *nodes));
    for (size_t i = 0; i < n; i++) {
        nodes[i].key.app = from_pool(f, &P_APPS);
        nodes[i].key.name = from_pool(f, &P_MIGS);
        if (coin(f, 40) && i > 0) nodes[i].key.app = nodes[pick(f, i)].key.app;
    }
    for (size_t i = 0; i < n; i++) {
        size_t nd = pick(f, 4);
        pw_key *deps = must(pw_arena_calloc(f->a, nd ? nd : 1, sizeof *deps));
        for (size_t j = 0; j < nd; j++) {
            if (!coin(f, 30) && n > 0) {
                /* mostly an earlier node (acyclic), sometimes any (cycles) */
                size_t k = coin(f, 60) ? pick(f, n) : (i ? pick(f, i) : 0);
                deps[j] = nodes[k].key;
            } else {
                deps[j].app = from_pool(f, &P_APPS);
                deps[j].name = from_pool(f, &P_MIGS);
            }
        }
        nodes[i].deps = deps;
        nodes[i].ndeps = nd;
        if (hostile(f) && coin(f, 10)) nodes[i].deps = NULL;
    }
    pw_graph *g = NULL;
    pw_error err;
    if (trace_on())
        for (size_t i = 0; i < n; i++) {
            fputs("node ", stderr);
            tq(nodes[i].key.app);
            fputc('.', stderr);
            tq(nodes[i].key.name);
            fputs(" deps:", stderr);
            for (size_t j = 0; nodes[i].deps && j < nodes[i].ndeps; j++) {
                fputc(' ', stderr);
                tq(nodes[i].deps[j].app);
                fputc('.', stderr);
                tq(nodes[i].deps[j].name);
            }
            fputc('\n', stderr);
        }
    int rc = pw_graph_build(f->a, nodes, n, &g, &err);
    trace_rc("graph build", rc, &err);
    check_err(rc, &err, "pw_graph_build");
    if (rc != 0) {
        PROP(g == NULL, "failed build leaves *out NULL");
        PROP(rc == PW_ERR_INVALID || rc == PW_ERR_MISSING_DEP || rc == PW_ERR_CYCLE,
             "build error kind");
        PROP(err.path[0] != '\0', "build error names a migration");
        return;
    }
    PROP(pw_graph_size(g) == n, "graph size");
    /* dep[i][j]: input index of node i's j-th dependency */
    long **dep = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *dep));
    for (size_t i = 0; i < n; i++) {
        PROP(pw_graph_find(g, nodes[i].key.app, nodes[i].key.name) == (long)i, "find");
        dep[i] = must(pw_arena_calloc(f->a, nodes[i].ndeps ? nodes[i].ndeps : 1, sizeof **dep));
        for (size_t j = 0; j < nodes[i].ndeps; j++) {
            dep[i][j] = pw_graph_find(g, nodes[i].deps[j].app, nodes[i].deps[j].name);
            PROP(dep[i][j] >= 0, "every dependency of a built graph exists");
            PROP(dep[i][j] != (long)i, "no self-dependency in a built graph");
        }
    }
    size_t *pos = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *pos));

    size_t *order, norder;
    rc = pw_graph_order(f->a, g, &order, &norder, &err);
    check_err(rc, &err, "pw_graph_order");
    PROP(rc == 0 && norder == n, "order of an acyclic graph");
    for (size_t i = 0; i < n; i++) pos[i] = SIZE_MAX;
    for (size_t p = 0; p < n; p++) {
        PROP(order[p] < n && pos[order[p]] == SIZE_MAX, "order is a permutation");
        pos[order[p]] = p;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nodes[i].ndeps; j++)
            PROP(pos[dep[i][j]] < pos[i], "order puts dependencies first");

    /* heads per app, and check_heads agreeing with them */
    bool multiple = false;
    for (size_t i = 0; i < n; i++) {
        size_t *h, nh;
        rc = pw_graph_heads(f->a, g, nodes[i].key.app, &h, &nh, &err);
        check_err(rc, &err, "pw_graph_heads");
        PROP(rc == 0 && nh >= 1, "an app with nodes has a head");
        if (nh > 1) multiple = true;
        for (size_t k = 0; k < nh; k++) {
            PROP(h[k] < n && strcmp(nodes[h[k]].key.app, nodes[i].key.app) == 0, "head's app");
            for (size_t u = 0; u < n; u++) {
                if (u == h[k] || strcmp(nodes[u].key.app, nodes[i].key.app) != 0) continue;
                for (size_t j = 0; j < nodes[u].ndeps; j++)
                    PROP(dep[u][j] != (long)h[k], "no node of its app depends on a head");
            }
        }
    }
    size_t *h0, nh0;
    rc = pw_graph_heads(f->a, g, "no such app", &h0, &nh0, &err);
    PROP(rc == 0 && nh0 == 0, "unknown app: no heads");
    rc = pw_graph_check_heads(f->a, g, &err);
    check_err(rc, &err, "pw_graph_check_heads");
    PROP((rc == PW_ERR_MULTIPLE_HEADS) == multiple && (rc == 0) == !multiple, "check_heads");

    /* plans */
    bool *applied = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *applied));
    for (size_t i = 0; i < n; i++) applied[i] = coin(f, 128);
    size_t nt = pick(f, 4);
    size_t *targets = must(pw_arena_calloc(f->a, nt ? nt : 1, sizeof *targets));
    bool bad_target = false;
    for (size_t k = 0; k < nt; k++) {
        targets[k] = n ? pick(f, n) : 0;
        if (n == 0 || (hostile(f) && coin(f, 30))) {
            targets[k] = n + pick(f, 3);
            bad_target = true;
        }
    }
    /* in_closure[i]: reachable from the targets through deps (up) or
     * dependents (down) */
    bool *up = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *up));
    bool *down = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *down));
    if (!bad_target) {
        for (size_t k = 0; k < nt; k++) up[targets[k]] = down[targets[k]] = true;
        for (bool changed = true; changed;) {
            changed = false;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < nodes[i].ndeps; j++) {
                    size_t d = (size_t)dep[i][j];
                    if (up[i] && !up[d]) up[d] = changed = true;
                    if (down[d] && !down[i]) down[i] = changed = true;
                }
        }
    }
    for (int backward = 0; backward < 2; backward++) {
        size_t *plan, np;
        rc = backward ? pw_graph_backward_plan(f->a, g, targets, nt, applied, &plan, &np, &err)
                      : pw_graph_forward_plan(f->a, g, targets, nt, applied, &plan, &np, &err);
        check_err(rc, &err, backward ? "pw_graph_backward_plan" : "pw_graph_forward_plan");
        if (bad_target) {
            PROP(rc == PW_ERR_INVALID, "a target out of range is refused");
            continue;
        }
        PROP(rc == 0, "a plan of valid targets");
        for (size_t i = 0; i < n; i++) pos[i] = SIZE_MAX;
        for (size_t p = 0; p < np; p++) {
            PROP(plan[p] < n && pos[plan[p]] == SIZE_MAX, "plan has no repeats");
            pos[plan[p]] = p;
            PROP(applied[plan[p]] == (backward != 0), "plan takes only (un)applied nodes");
            PROP(backward ? down[plan[p]] : up[plan[p]], "plan stays in the closure");
        }
        for (size_t i = 0; i < n; i++) {
            bool want = backward ? (down[i] && applied[i]) : (up[i] && !applied[i]);
            PROP(want == (pos[i] != SIZE_MAX), "plan is complete");
            if (!want) continue;
            for (size_t j = 0; j < nodes[i].ndeps; j++) {
                size_t d = (size_t)dep[i][j];
                if (pos[d] == SIZE_MAX) continue;
                /* forward: deps first; backward: dependents first */
                PROP(backward ? pos[i] < pos[d] : pos[d] < pos[i], "plan order");
            }
        }
    }
}

/* ------------------------------------------------------------------------ */
/* 3. Applying and reversing                                                */

/* Whether a table of s has a foreign key to the table `name` that s does not
 * hold (a table of another app): creating `name` then cannot be undone by
 * DELETE_MODEL, which pw_op_apply refuses while something points at it. */
static bool referenced_from_outside(const pw_schema *s, const char *name) {
    if (name == NULL || pw_schema_find_table(s, name) != NULL) return false;
    for (size_t i = 0; i < s->ntables; i++)
        for (size_t k = 0; k < s->tables[i]->ncolumns; k++) {
            const pw_column *c = s->tables[i]->columns[k];
            if (c->fk.table != NULL && strcmp(c->fk.table, name) == 0) return true;
        }
    return false;
}

/* Applies op to s with every property of one application; returns rc. */
static int apply_checked(fz *f, pw_schema *s, const pw_op *op) {
    pw_error err;
    pw_error_clear(&err);
    pw_schema *before = copy_schema(f, s);
    pw_op rev;
    memset(&rev, 0, sizeof rev);
    int rrc = pw_op_reverse(f->a, before, op, &rev, &err);
    check_err(rrc, &err, "pw_op_reverse");
    pw_error rerr = err;
    pw_error_clear(&err);
    trace_op("apply", op);
    trace_rc("reverse", rrc, &rerr);
    int rc = pw_op_apply(f->a, s, op, &err);
    trace_rc("apply", rc, &err);
    check_err(rc, &err, "pw_op_apply");
    if (rc != 0) {
        if (!schema_same(s, before)) fail("pw_op_apply failed (%s) but changed the schema%s",
                                          err.message, "");
        return rc;
    }
    if (!valid(s)) fail("pw_op_apply of %s left a schema that fails pw_schema_check%s",
                        pw_op_kind_name(op->kind), "");
    /* a table-local kind through pw_op_apply_table on a copy gives the same table */
    if (op->kind != PW_OP_CREATE_MODEL && op->kind != PW_OP_DELETE_MODEL &&
        op->kind != PW_OP_RENAME_MODEL && op->kind != PW_OP_RUN_SQL &&
        op->kind != PW_OP_RUN_PYTHON) {
        const pw_table *bt = pw_schema_find_table(before, op->table);
        PROP(bt != NULL, "applied op's table existed");
        pw_table *lt = must(pw_table_copy(f->a, bt));
        int lrc = pw_op_apply_table(f->a, lt, op, &err);
        check_err(lrc, &err, "pw_op_apply_table");
        PROP(lrc == 0, "pw_op_apply_table succeeds where pw_op_apply does");
        PROP(pw_table_equal(lt, pw_schema_find_table(s, op->table)),
             "pw_op_apply_table gives the table pw_op_apply does");
    }
    if (rrc == 0) {
        pw_schema *back = copy_schema(f, s);
        pw_error_clear(&err);
        trace_op("  reverse", &rev);
        int brc = pw_op_apply(f->a, back, &rev, &err);
        trace_rc("apply reverse", brc, &err);
        check_err(brc, &err, "pw_op_apply(reverse)");
        if (brc != 0 && !(op->kind == PW_OP_CREATE_MODEL && brc == PW_ERR_INVALID &&
                          referenced_from_outside(before, op->model->name)))
            fail("the reverse of %s does not apply: %s", pw_op_kind_name(op->kind), err.message);
        /* RENAME_MODEL to a name that foreign keys of `before` already point
         * at (another app's table) takes those keys along, and renaming back
         * takes them along again: the reverse cannot tell them apart. */
        bool lossy = op->kind == PW_OP_RENAME_MODEL && referenced_from_outside(before, op->new_name);
        if (brc == 0 && !lossy && !no_diff(f, before, back, "reverse"))
            fail("op then its reverse (%s) changed the schema%s", pw_op_kind_name(op->kind), "");
    } else {
        PROP(rrc == PW_ERR_IRREVERSIBLE, "the reverse of an applicable op exists or is irreversible");
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* 3b. Optimizing                                                           */

/* pw_optimize on the operations of hist that applied (from base, one after
 * the other): it succeeds (its own check that the result gives the same
 * schema included), gives no more operations, no elidable step, and a list
 * that applies from base to the schema the operations give; the same input
 * gives the same output. On the whole of hist when some operation failed: it
 * fails as pw_ops_apply_all does, at the same operation. */
static void fuzz_optimize(fz *f, const pw_schema *base, const pw_op *hist, size_t n,
                          long first_fail) {
    pw_error err;
    pw_op *ok = must(pw_arena_calloc(f->a, n ? n : 1, sizeof *ok));
    size_t nok = 0;
    pw_schema *want = copy_schema(f, base);
    for (size_t i = 0; i < n; i++)
        if (pw_op_apply(f->a, want, &hist[i], &err) == 0) ok[nok++] = hist[i];
    pw_oplist out = {0}, again = {0};
    pw_error_clear(&err);
    int rc = pw_optimize(f->a, base, ok, nok, &out, &err);
    trace_rc("optimize", rc, &err);
    check_err(rc, &err, "pw_optimize");
    if (rc != 0) fail("pw_optimize failed on operations that apply: %s%s", err.message, "");
    for (size_t i = 0; i < out.len; i++) trace_op("  optimized", &out.items[i]);
    PROP(out.len <= nok, "pw_optimize gives no more operations");
    for (size_t i = 0; i < out.len; i++)
        PROP(!out.items[i].elidable, "pw_optimize drops elidable steps");
    pw_schema *got = copy_schema(f, base);
    rc = pw_ops_apply_all(f->a, got, out.items, out.len, &err);
    check_err(rc, &err, "pw_ops_apply_all(optimized)");
    PROP(rc == 0, "the optimized operations apply");
    PROP(schema_same(got, want), "the optimized operations give the same schema");
    rc = pw_optimize(f->a, base, ok, nok, &again, &err);
    PROP(rc == 0 && again.len == out.len, "pw_optimize is deterministic");
    for (size_t i = 0; i < out.len; i++)
        PROP(again.items[i].kind == out.items[i].kind, "pw_optimize is deterministic");
    if (first_fail < 0) return;
    pw_oplist bad = {0};
    pw_error_clear(&err);
    rc = pw_optimize(f->a, base, hist, n, &bad, &err);
    check_err(rc, &err, "pw_optimize(failing)");
    char want_msg[48];
    snprintf(want_msg, sizeof want_msg, "operation %ld (", first_fail + 1);
    PROP(rc != 0 && strncmp(err.message, want_msg, strlen(want_msg)) == 0,
         "pw_optimize refuses operations that do not apply, naming the first");
}

/* ------------------------------------------------------------------------ */
/* 4. Rendering                                                             */

/* Whether an operation of ops carries a fill that dialect d cannot write
 * (pw_op_apply ignores fills; pw_sql_render_op checks them as defaults). */
static bool bad_fill(const pw_op *ops, size_t n, pw_dialect d) {
    for (size_t i = 0; i < n; i++) {
        const pw_default *fl = &ops[i].fill;
        if ((fl->kind == PW_DEFAULT_STRING || fl->kind == PW_DEFAULT_EXPR) && fl->s == NULL)
            return true;
        if (fl->kind == PW_DEFAULT_EXPR && !pw_sql_expr_is_safe(pw_default_expr(fl, d)))
            return true;
    }
    return false;
}

static void fuzz_render(fz *f, const pw_schema *base, const pw_op *ops, size_t nops) {
    /* split into 1..3 migrations */
    size_t nm = 1 + pick(f, 3);
    pw_migration_ops *migs = must(pw_arena_calloc(f->a, nm, sizeof *migs));
    size_t at = 0;
    for (size_t i = 0; i < nm; i++) {
        size_t len = i + 1 == nm ? nops - at : pick(f, nops - at + 1);
        migs[i].label = from_pool(f, &P_LABELS);
        migs[i].ops = ops + at;
        migs[i].nops = len;
        at += len;
    }
    /* the state a forward run must leave */
    pw_schema *expect = copy_schema(f, base);
    pw_error err;
    int erc = pw_ops_apply_all(f->a, expect, ops, nops, &err);
    /* a rename that takes foreign keys of another app's table along (see
     * apply_checked) makes the backward run lossy */
    bool lossy = false;
    {
        pw_schema *w = copy_schema(f, base);
        for (size_t i = 0; i < nops; i++) {
            if (ops[i].kind == PW_OP_RENAME_MODEL && referenced_from_outside(w, ops[i].new_name))
                lossy = true;
            if (pw_op_apply(f->a, w, &ops[i], &err) != 0) break;
        }
    }
    if (trace_on()) {
        trace_schema("render base", base);
        for (size_t i = 0; i < nm; i++) {
            fputs("migration ", stderr);
            tq(migs[i].label);
            fputc('\n', stderr);
            for (size_t j = 0; j < migs[i].nops; j++) trace_op(" ", &migs[i].ops[j]);
        }
    }
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        for (int backward = 0; backward < 2; backward++) {
            pw_schema *state = copy_schema(f, base);
            pw_op_sql **out = NULL;
            pw_error_clear(&err);
            int rc = pw_render_run(f->a, state, migs, nm, (pw_dialect)d, backward != 0, &out, &err);
            if (trace_on())
                fprintf(stderr, "render %s %s:\n", pw_dialect_name((pw_dialect)d),
                        backward ? "backward" : "forward");
            trace_rc("render", rc, &err);
            if (rc == 0)
                for (size_t i = 0; i < nm; i++)
                    for (size_t j = 0; j < migs[i].nops; j++) trace_sql(&out[i][j].statements, (pw_dialect)d);
            check_err(rc, &err, "pw_render_run");
            if (rc != 0) {
                PROP(out == NULL, "failed render leaves *out NULL");
                if (!backward && erc == 0)
                    PROP(rc == PW_ERR_UNSUPPORTED ||
                             (rc == PW_ERR_INVALID && bad_fill(ops, nops, (pw_dialect)d)),
                         "a run that applies renders unless the dialect cannot (or a fill, "
                         "which pw_op_apply ignores, is unsafe)");
                continue;
            }
            PROP(out != NULL, "render output");
            for (size_t i = 0; i < nm; i++)
                for (size_t j = 0; j < migs[i].nops; j++)
                    check_statements(&out[i][j].statements, (pw_dialect)d,
                                     migs[i].ops[j].kind == PW_OP_RUN_SQL, "pw_render_run");
            if (!backward) {
                PROP(erc == 0, "a run that renders applies");
                PROP(schema_same(state, expect), "forward render leaves the applied state");
            } else {
                PROP(valid(state), "backward render leaves a valid state");
                if (!lossy && !no_diff(f, base, state, "backward render"))
                    fail("backward render of %s does not give back the state%s",
                         pw_dialect_name((pw_dialect)d), "");
            }
        }
    }
}

/* pw_sql_render_op of a random op against the valid state s. */
static void fuzz_render_op(fz *f, const pw_schema *s) {
    pw_op op = gen_op(f, s);
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        pw_strlist out = {0};
        pw_error err;
        pw_error_clear(&err);
        int rc = pw_sql_render_op(f->a, s, &op, (pw_dialect)d, &out, &err);
        if (d == 0) trace_op("render_op", &op);
        trace_rc(pw_dialect_name((pw_dialect)d), rc, &err);
        if (rc == 0) trace_sql(&out, (pw_dialect)d);
        check_err(rc, &err, "pw_sql_render_op");
        if (rc == 0) check_statements(&out, (pw_dialect)d, op.kind == PW_OP_RUN_SQL, "pw_sql_render_op");
    }
}

/* ------------------------------------------------------------------------ */
/* 5. Diff                                                                  */

static int answer(void *ctx, pw_rename_kind kind, const char *table, const char *old_name,
                  const char *new_name, const pw_column *column, bool *yes) {
    fz *f = ctx;
    PROP(table != NULL && old_name != NULL && new_name != NULL, "rename question names");
    PROP((kind == PW_RENAME_COLUMN) == (column != NULL), "column given for column renames");
    unsigned b = byte(f);
    if (b == 0xff) return 1; /* the callback fails */
    *yes = (b & 1) != 0;
    return 0;
}

/* Whether a foreign key of `to` points at a table that `from` holds and `to`
 * does not: pw_diff refuses that (the table cannot be deleted while the key
 * needs it). */
static bool drops_referenced(const pw_schema *from, const pw_schema *to) {
    for (size_t j = 0; j < to->ntables; j++)
        for (size_t k = 0; k < to->tables[j]->ncolumns; k++) {
            const char *x = to->tables[j]->columns[k]->fk.table;
            if (x != NULL && pw_schema_find_table(to, x) == NULL &&
                pw_schema_find_table(from, x) != NULL)
                return true;
        }
    return false;
}

static void fuzz_diff(fz *f, const pw_schema *from, const pw_schema *to) {
    if (!valid(from) || !valid(to)) return;
    pw_oplist ops;
    pw_error err;
    pw_error_clear(&err);
    trace_schema("diff from", from);
    trace_schema("diff to", to);
    pw_rename_cb cb = coin(f, 200) ? answer : NULL;
    int rc = pw_diff(f->a, from, to, cb, f, &ops, &err);
    trace_rc("diff", rc, &err);
    if (rc == 0)
        for (size_t j = 0; j < ops.len; j++) trace_op("diff op", &ops.items[j]);
    check_err(rc, &err, "pw_diff");
    if (rc != 0) {
        PROP(rc == PW_ERR_CALLBACK || (rc == PW_ERR_INVALID && drops_referenced(from, to)),
             "diff of two valid schemas fails only by the callback, or for a key to a "
             "dropped table");
        return;
    }
    if (cb == NULL) {
        /* a pure function of its inputs */
        pw_oplist again;
        PROP(pw_diff(f->a, from, to, NULL, NULL, &again, &err) == 0 && again.len == ops.len,
             "diff is deterministic");
        for (size_t j = 0; j < ops.len; j++) {
            const char *x = pw_op_table(&ops.items[j]), *y = pw_op_table(&again.items[j]);
            PROP(ops.items[j].kind == again.items[j].kind && x != NULL && y != NULL &&
                     strcmp(x, y) == 0,
                 "diff is deterministic");
        }
    }
    pw_schema *got = copy_schema(f, from);
    pw_error_clear(&err);
    rc = pw_ops_apply_all(f->a, got, ops.items, ops.len, &err);
    trace_rc("apply diff", rc, &err);
    check_err(rc, &err, "pw_ops_apply_all(diff)");
    if (rc != 0) fail("the diff does not apply: %s (%s)", err.message, err.path);
    if (!no_diff(f, got, to, "diff applied")) fail("applying the diff does not reach the target%s", "", "");
    /* and renders, unless a dialect cannot */
    pw_migration_ops mig = {"models.0002_auto", ops.items, ops.len};
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        pw_schema *state = copy_schema(f, from);
        pw_op_sql **out;
        pw_error_clear(&err);
        rc = pw_render_run(f->a, state, &mig, 1, (pw_dialect)d, false, &out, &err);
        trace_rc(pw_dialect_name((pw_dialect)d), rc, &err);
        if (rc == 0)
            for (size_t j = 0; j < ops.len; j++) trace_sql(&out[0][j].statements, (pw_dialect)d);
        check_err(rc, &err, "pw_render_run(diff)");
        if (rc != 0 && rc != PW_ERR_UNSUPPORTED)
            fail("the diff does not render: %s (%s)", err.message, pw_dialect_name((pw_dialect)d));
        if (rc == 0)
            for (size_t j = 0; j < ops.len; j++)
                check_statements(&out[0][j].statements, (pw_dialect)d, false, "render(diff)");
    }
}

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* 6: catalog readings and comparisons                                      */

/* A NUL-terminated string of up to 40 bytes of the input (NULs become spaces),
 * or a pool value. */
static const char *some_text(fz *f) {
    switch (pick(f, 4)) {
    case 0: return from_pool(f, &P_TYPES);
    case 1: return from_pool(f, &P_EXPR);
    case 2: return from_pool(f, &P_STR);
    default: break;
    }
    size_t n = pick(f, 41);
    char *s = must(pw_arena_alloc(f->a, n + 1));
    for (size_t i = 0; i < n; i++) {
        unsigned b = byte(f);
        s[i] = b ? (char)b : ' ';
    }
    s[n] = '\0';
    return s;
}

static void fuzz_catalog(fz *f) {
    size_t k = pick(f, 6);
    for (size_t i = 0; i < k; i++) {
        const char *text = some_text(f);
        if (text == NULL) continue;
        for (int d = 0; d < PW_DIALECT_COUNT; d++) {
            pw_dialect dl = (pw_dialect)d;
            const char *t = must((void *)pw_catalog_type(f->a, dl, text));
            if (trace_on())
                fprintf(stderr, "catalog %s: [%s] type [%s] again [%s] expr [%s]\n",
                        pw_dialect_name(dl), text, t, pw_catalog_type(f->a, dl, t),
                        pw_catalog_expr(f->a, dl, text));
            PROP(strcmp(must((void *)pw_catalog_type(f->a, dl, t)), t) == 0,
                 "pw_catalog_type is idempotent");
            const char *e = must((void *)pw_catalog_expr(f->a, dl, text));
            PROP(strcmp(must((void *)pw_catalog_expr(f->a, dl, e)), e) == 0,
                 "pw_catalog_expr is idempotent");
            pw_default def, again;
            pw_error err;
            pw_error_clear(&err);
            PROP(pw_catalog_default(f->a, dl, text, t, &def, &err) == 0,
                 "pw_catalog_default reads any text");
            PROP(pw_catalog_default_of(f->a, dl, &def, t, &again, &err) == 0 &&
                     pw_default_equal(&def, &again),
                 "a default read, written and read again is the same");
        }
    }
}

static void fuzz_compare(fz *f, const pw_schema *s) {
    if (!valid(s)) return;
    for (int d = 0; d < PW_DIALECT_COUNT; d++) {
        pw_dialect dl = (pw_dialect)d;
        pw_difflist out;
        pw_schema *phys, *baseline;
        pw_error err;
        pw_error_clear(&err);
        int rc = pw_compare(f->a, s, s, dl, NULL, 0, &out, NULL, NULL, &err);
        check_err(rc, &err, "pw_compare");
        PROP(rc == 0 && out.len == 0, "a schema compared with itself shows no difference");
        rc = pw_schema_physical(f->a, s, dl, &phys, &err);
        PROP(rc == 0, "pw_schema_physical");
        if (valid(phys)) {
            rc = pw_compare(f->a, phys, s, dl, NULL, 0, &out, NULL, NULL, &err);
            check_err(rc, &err, "pw_compare (physical)");
            PROP(rc == 0 && out.len == 0,
                 "a schema compared with its physical form shows no difference");
        }
        rc = pw_adopt_baseline(f->a, s, s, dl, &baseline, NULL, &err);
        check_err(rc, &err, "pw_adopt_baseline");
        if (rc == 0) {
            rc = pw_compare(f->a, s, baseline, dl, NULL, 0, &out, NULL, NULL, &err);
            check_err(rc, &err, "pw_compare (baseline)");
            PROP(rc == 0 && out.len == 0,
                 "a database compared with its adoption baseline shows no difference");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    init_pools();
    fz f = {data, size, 0, pw_arena_new(), 0};
    if (f.a == NULL) abort();
    static const unsigned LEVELS[4] = {0, 12, 48, 128};
    f.hostility = LEVELS[byte(&f) & 3];

    /* 1 */
    fuzz_graph(&f);

    /* 2 */
    pw_schema *rnd = gen_schema(&f);
    bool rnd_ok = valid(rnd);
    trace_schema(rnd_ok ? "random (valid)" : "random (invalid)", rnd);

    /* 3: a history against the empty schema (or the random one when valid) */
    pw_schema *base = (rnd_ok && coin(&f, 100)) ? copy_schema(&f, rnd) : must(pw_schema_new(f.a));
    pw_schema *state = copy_schema(&f, base);
    trace_schema("history base", base);
    size_t n = pick(&f, 16);
    pw_op *hist = must(pw_arena_calloc(f.a, n ? n : 1, sizeof *hist));
    long first_fail = -1;
    for (size_t i = 0; i < n; i++) {
        hist[i] = gen_op(&f, state);
        if (apply_checked(&f, state, &hist[i]) != 0 && first_fail < 0) first_fail = (long)i;
    }
    {
        pw_schema *all = copy_schema(&f, base);
        pw_error err;
        pw_error_clear(&err);
        int rc = pw_ops_apply_all(f.a, all, hist, n, &err);
        check_err(rc, &err, "pw_ops_apply_all");
        if (first_fail < 0) {
            PROP(rc == 0 && schema_same(all, state), "pw_ops_apply_all = one by one");
        } else {
            char want[48];
            snprintf(want, sizeof want, "operation %ld (", first_fail + 1);
            PROP(rc != 0 && strncmp(err.message, want, strlen(want)) == 0,
                 "pw_ops_apply_all stops at the first failing operation");
        }
    }

    /* 3b: the optimizer on the operations that applied, and on the whole list */
    fuzz_optimize(&f, base, hist, n, first_fail);

    /* 4: the operations that applied, sometimes with hostile ones kept */
    {
        pw_op *run = must(pw_arena_calloc(f.a, n ? n : 1, sizeof *run));
        size_t nrun = 0;
        pw_schema *s = copy_schema(&f, base);
        bool keep_failures = coin(&f, 40);
        for (size_t i = 0; i < n; i++) {
            pw_error err;
            int rc = pw_op_apply(f.a, s, &hist[i], &err);
            if (rc == 0 || keep_failures) run[nrun++] = hist[i];
        }
        fuzz_render(&f, base, run, nrun);
        size_t k = pick(&f, 4);
        for (size_t i = 0; i < k; i++) fuzz_render_op(&f, state);
    }

    /* 5: diff against a mutation of the state, or the random schema */
    {
        pw_schema *to;
        if (rnd_ok && coin(&f, 80)) {
            to = rnd;
        } else {
            to = copy_schema(&f, state);
            size_t m = pick(&f, 8);
            for (size_t i = 0; i < m; i++) {
                pw_op op = gen_op(&f, to);
                pw_error err;
                (void)pw_op_apply(f.a, to, &op, &err);
            }
        }
        fuzz_diff(&f, state, to);
        fuzz_diff(&f, to, state);
    }

    /* 6 */
    fuzz_catalog(&f);
    fuzz_compare(&f, state);

    pw_arena_free(f.a);
    return 0;
}
