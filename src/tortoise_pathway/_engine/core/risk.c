/*
 * risk.c - the risk rules of each operation, per dialect (risk.h).
 *
 * Owns: the findings of one operation against the schema before it: the
 * rules every database shares (what is lost, what the running code loses)
 * in common_rules(), and what blocks other sessions, one function per
 * dialect, each following a named section of that database's manual:
 *   postgres_rules()  PostgreSQL, "ALTER TABLE" > Notes (which changes
 *                     rewrite the table, which scan it), "ALTER TABLE" >
 *                     SET/DROP NOT NULL, "CREATE INDEX" > Building Indexes
 *                     Concurrently, "Explicit Locking" > Table-Level Locks
 *                     (ACCESS EXCLUSIVE, SHARE), "ddl.sgml" > Adding a
 *                     Column (a constant default is instant since 11)
 *   mysql_rules()     MySQL 8.0 Reference Manual, "InnoDB and Online DDL" >
 *                     Online DDL Operations (column, index, foreign key and
 *                     table operations: INSTANT / INPLACE / COPY, whether
 *                     concurrent DML is permitted); MariaDB Knowledge Base,
 *                     "InnoDB Online DDL Operations with the INSTANT Alter
 *                     Algorithm" and "... with the INPLACE Alter Algorithm"
 *   sqlite_rules()    SQLite, "ALTER TABLE" > Making Other Kinds Of Table
 *                     Schema Changes (the rebuild, read from the SQLite
 *                     renderer: one place decides it) and "File Locking And
 *                     Concurrency" (one writer: a write transaction blocks
 *                     every other writer until it commits)
 * Does not own: the SQL itself (sql_*.c) or what is allowed (lint.py).
 */
#include "risk.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sql.h"
#include "sql_sqlite.h"
#include "strbuf.h"

const char *pw_risk_class_name(pw_risk_class c) {
    switch (c) {
    case PW_RISK_DATA_LOSS:
        return "data-loss";
    case PW_RISK_BLOCKING:
        return "blocking";
    case PW_RISK_BREAKING:
        return "breaking";
    case PW_RISK_UNKNOWN:
        return "unknown";
    }
    return "unknown";
}

/* One operation being judged. */
typedef struct {
    pw_arena *a;
    pw_error *err;
    const pw_schema *before;
    const pw_op *op;
    const pw_server *srv;
    const pw_table *t;    /* the operation's table before it (NULL for CREATE_MODEL) */
    const pw_column *old; /* ALTER_FIELD / REMOVE_FIELD / RENAME_FIELD: the column before */
    pw_findings *out;
    int rc; /* PW_ERR_NOMEM once an append failed */
} judge;

static void add(judge *j, pw_risk_class cls, const char *code, const char *reason,
                const char *alt) {
    if (j->rc) return;
    if (reason == NULL) {
        j->rc = pw_error_set(j->err, PW_ERR_NOMEM, NULL, "out of memory");
        return;
    }
    pw_findings *l = j->out;
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 4;
        pw_finding *items = pw_arena_alloc(j->a, cap * sizeof *items);
        if (items == NULL) {
            j->rc = pw_error_set(j->err, PW_ERR_NOMEM, NULL, "out of memory");
            return;
        }
        if (l->len) memcpy(items, l->items, l->len * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->len++] = (pw_finding){cls, code, reason, alt};
}

/* A formatted arena string (NULL out of memory). */
__attribute__((format(printf, 2, 3))) static const char *fmt(judge *j, const char *f, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    pw_strbuf sb;
    pw_sb_init(&sb, j->a);
    pw_sb_append(&sb, buf);
    return pw_sb_finish(&sb);
}

/* ------------------------------------------------------------------ */
/* SQL types as the engine holds them ("VARCHAR(255)", "DECIMAL(10,2)",
 * "BIGINT UNSIGNED", "DOUBLE PRECISION"). */

typedef enum { F_INT, F_FLOAT, F_DEC, F_STR, F_BOOL, F_TIME, F_OTHER } family;

typedef struct {
    char base[48]; /* upper case, without parameters or UNSIGNED */
    long n1, n2;   /* parameters; -1 when absent */
    bool is_unsigned;
    family fam;
    long size;     /* F_INT / F_FLOAT: bytes; F_STR: characters (LONG_MAX: unbounded) */
} sqltype;

static bool base_is(const sqltype *t, const char *name) { return strcmp(t->base, name) == 0; }

static void parse_type(const char *text, pw_dialect d, sqltype *t) {
    memset(t, 0, sizeof *t);
    t->n1 = t->n2 = -1;
    size_t k = 0;
    const char *p = text ? text : "";
    while (*p && *p != '(' && k + 1 < sizeof t->base)
        t->base[k++] = (char)toupper((unsigned char)*p++);
    t->base[k] = '\0';
    if (*p == '(') {
        char *end;
        t->n1 = strtol(p + 1, &end, 10);
        if (*end == ',') t->n2 = strtol(end + 1, &end, 10);
        const char *close = strchr(p, ')');
        if (close && strstr(close, "UNSIGNED")) t->is_unsigned = true;
        if (close && strstr(close, "unsigned")) t->is_unsigned = true;
    }
    char *u = strstr(t->base, " UNSIGNED");
    if (u) {
        *u = '\0';
        t->is_unsigned = true;
    }
    while (k > 0 && t->base[k - 1] == ' ') t->base[--k] = '\0';
    static const struct {
        const char *name;
        family fam;
        long size;
    } known[] = {{"TINYINT", F_INT, 1},         {"SMALLINT", F_INT, 2},
                 {"INT2", F_INT, 2},            {"MEDIUMINT", F_INT, 3},
                 {"INT", F_INT, 4},             {"INTEGER", F_INT, 4},
                 {"INT4", F_INT, 4},            {"BIGINT", F_INT, 8},
                 {"INT8", F_INT, 8},            {"REAL", F_FLOAT, 4},
                 {"FLOAT4", F_FLOAT, 4},        {"FLOAT", F_FLOAT, 4},
                 {"DOUBLE", F_FLOAT, 8},        {"DOUBLE PRECISION", F_FLOAT, 8},
                 {"FLOAT8", F_FLOAT, 8},        {"DECIMAL", F_DEC, 0},
                 {"NUMERIC", F_DEC, 0},         {"BOOL", F_BOOL, 0},
                 {"BOOLEAN", F_BOOL, 0},        {"TIMESTAMP", F_TIME, 2},
                 {"TIMESTAMPTZ", F_TIME, 2},    {"DATETIME", F_TIME, 2},
                 {"DATE", F_TIME, 1},           {"TIME", F_TIME, 0},
                 {"TIMETZ", F_TIME, 0},         {"CHAR", F_STR, 0},
                 {"VARCHAR", F_STR, 0},         {"CHARACTER VARYING", F_STR, 0},
                 {"TINYTEXT", F_STR, 255},      {"TEXT", F_STR, 65535},
                 {"MEDIUMTEXT", F_STR, 16777215}, {"LONGTEXT", F_STR, LONG_MAX}};
    t->fam = F_OTHER;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (base_is(t, known[i].name)) {
            t->fam = known[i].fam;
            t->size = known[i].size;
        }
    if (t->fam == F_STR) {
        if (base_is(t, "CHAR") || base_is(t, "VARCHAR") || base_is(t, "CHARACTER VARYING"))
            t->size = t->n1 >= 0 ? t->n1 : LONG_MAX;
        else if (base_is(t, "TEXT") && d != PW_DIALECT_MYSQL)
            t->size = LONG_MAX; /* PostgreSQL's and SQLite's TEXT have no limit */
    }
}

/* Decimal digits an integer of `size` bytes can need. */
static long int_digits(long size) { return size <= 1 ? 3 : size <= 2 ? 5 : size <= 3 ? 8 : size <= 4 ? 10 : 19; }

/* Whether converting values of type x into type y can lose or refuse some
 * (shorter strings, smaller numbers, less precision, another kind of value). */
static bool narrows(const sqltype *x, const sqltype *y) {
    if (x->fam != y->fam) {
        switch (x->fam) {
        case F_INT:
            if (y->fam == F_DEC) return y->n1 >= 0 && y->n1 - (y->n2 > 0 ? y->n2 : 0) < int_digits(x->size);
            if (y->fam == F_FLOAT) return x->size > (y->size >= 8 ? 4 : 2);
            return y->fam != F_STR || y->size < 20;
        case F_BOOL:
            return !(y->fam == F_INT || y->fam == F_STR);
        case F_FLOAT:
        case F_DEC:
        case F_TIME:
        case F_OTHER:
            return y->fam != F_STR || y->size < 40;
        case F_STR:
            return true;
        }
        return true;
    }
    switch (x->fam) {
    case F_INT:
        return y->size < x->size || x->is_unsigned != y->is_unsigned;
    case F_FLOAT:
        return y->size < x->size;
    case F_DEC: {
        long xs = x->n2 > 0 ? x->n2 : 0, ys = y->n2 > 0 ? y->n2 : 0;
        if (y->n1 < 0) return false;  /* unconstrained NUMERIC */
        if (x->n1 < 0) return true;
        return ys < xs || y->n1 - ys < x->n1 - xs;
    }
    case F_STR:
        return y->size < x->size;
    case F_TIME:
        if (y->size < x->size) return true; /* a timestamp becomes a date */
        return x->n1 >= 0 && y->n1 >= 0 && y->n1 < x->n1; /* fewer fractional digits */
    case F_BOOL:
        return false;
    case F_OTHER:
        return !base_is(x, y->base) || (y->n1 >= 0 && y->n1 < x->n1) ||
               (y->n2 >= 0 && y->n2 < x->n2);
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Helpers over the operation. */

static bool new_table(const pw_strlist *l, const char *name) {
    if (l == NULL || name == NULL) return false;
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], name) == 0) return true;
    return false;
}

/* Whether the old code's INSERT, which leaves column c out, fails: NOT NULL,
 * no default, nothing generating it. */
static bool insert_needs(const pw_column *c) {
    return !c->null && c->def.kind == PW_DEFAULT_NONE && !c->autoincrement &&
           !pw_column_is_generated(c);
}

static bool fk_added(const pw_column *old, const pw_column *c) {
    if (c->fk.table == NULL) return false;
    if (old == NULL || old->fk.table == NULL) return true;
    return !pw_fk_equal(&old->fk, &c->fk) && !pw_sql_fk_renamed_only(&old->fk, &c->fk);
}

static const char *type_of(const pw_column *c, pw_dialect d) { return c ? c->type[d] : NULL; }

/* ------------------------------------------------------------------ */
/* Every database: data loss and the running code. */

static void common_rules(judge *j) {
    const pw_op *op = j->op;
    pw_dialect d = j->srv->dialect;
    switch (op->kind) {
    case PW_OP_DELETE_MODEL:
        add(j, PW_RISK_DATA_LOSS, "drop-table", fmt(j, "drops table %s and every row in it", op->table),
            "back the table up first, or rename it and drop it in a later migration once nothing "
            "needs the rows");
        add(j, PW_RISK_BREAKING, "drop-table-in-use",
            fmt(j, "the running code still reads and writes table %s", op->table),
            "deploy code that no longer uses the table first, then drop it in a later "
            "(contract) migration");
        return;
    case PW_OP_REMOVE_FIELD:
        add(j, PW_RISK_DATA_LOSS, "drop-column",
            fmt(j, "drops column %s.%s and its values", op->table, op->name),
            "copy the values elsewhere first if they may be needed again");
        add(j, PW_RISK_BREAKING, "drop-column-in-use",
            fmt(j, "the running code still selects or inserts column %s.%s", op->table, op->name),
            "deploy code that no longer uses the column first (make it nullable if it is NOT "
            "NULL), then drop it in a later (contract) migration");
        return;
    case PW_OP_RENAME_MODEL:
        add(j, PW_RISK_BREAKING, "rename-table",
            fmt(j, "renames table %s to %s: the running code still uses the old name", op->table,
                op->new_name),
            "create the new table, write to both and copy the rows, switch the code, then drop "
            "the old table (or keep the old name with Meta.table)");
        return;
    case PW_OP_ALTER_MODEL:
        if (j->t != NULL && !pw_str_eq(j->t->schema, op->schema))
            add(j, PW_RISK_BREAKING, "rename-table",
                fmt(j, "moves table %s to schema %s: the running code still looks for it in %s",
                    op->table, op->schema ? op->schema : "(the connection's own)",
                    j->t->schema ? j->t->schema : "(the connection's own)"),
                "move the table after deploying code that names the new schema, or keep "
                "Meta.schema");
        return;
    case PW_OP_RENAME_FIELD:
        add(j, PW_RISK_BREAKING, "rename-column",
            fmt(j, "renames column %s.%s to %s: the running code still uses the old name",
                op->table, op->name, op->new_name),
            "add the new column, write to both and copy the values, switch the code, then drop "
            "the old column (or keep the column name with source_field)");
        return;
    case PW_OP_ADD_FIELD:
        if (insert_needs(op->column))
            add(j, PW_RISK_BREAKING, "not-null-no-default",
                fmt(j, "adds NOT NULL column %s.%s without a default: the running code's INSERTs "
                       "leave it out and fail",
                    op->table, op->column->name),
                "add the column nullable (or with a default), deploy code that writes it, then "
                "make it NOT NULL in a later migration");
        return;
    case PW_OP_ALTER_FIELD: {
        const pw_column *old = j->old, *c = op->column;
        if (old == NULL) return;
        if (insert_needs(c) && !insert_needs(old))
            add(j, PW_RISK_BREAKING, "not-null-no-default",
                fmt(j, "makes column %s.%s NOT NULL without a default: running code that writes "
                       "NULL or leaves it out fails",
                    op->table, c->name),
                "deploy code that always writes the column first, or give it a default");
        if (d == PW_DIALECT_SQLITE) return; /* SQLite keeps every value as it is: "Datatypes In
                                             * SQLite" > Type Affinity; no length is enforced */
        const char *x = type_of(old, d), *y = type_of(c, d);
        if (x == NULL || y == NULL || strcmp(x, y) == 0) return;
        sqltype tx, ty;
        parse_type(x, d, &tx);
        parse_type(y, d, &ty);
        if (narrows(&tx, &ty))
            add(j, PW_RISK_DATA_LOSS, "narrow-type",
                fmt(j, "changes %s.%s from %s to %s: values that do not fit are cut or refused",
                    op->table, c->name, x, y),
                "check that every value fits first (SELECT the longest / largest), or add a "
                "new column, copy and verify, then switch");
        return;
    }
    case PW_OP_CREATE_MODEL:
    case PW_OP_ADD_INDEX:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return;
    }
}

/* ------------------------------------------------------------------ */
/* PostgreSQL. */

/* Whether the n bytes at x equal those of y, ASCII letters without case. */
static bool same_ci(const char *x, const char *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)x[i]) != tolower((unsigned char)y[i])) return false;
    return true;
}

/* Whether a default expression is volatile (re-evaluated per row, so ADD
 * COLUMN rewrites the table: "ALTER TABLE" > Notes, "e.g. clock_timestamp()").
 * Known stable or immutable spellings are not (CURRENT_TIMESTAMP, now(), the
 * CURRENT_* and LOCAL* keywords, literals); any other function call is
 * taken as volatile. */
static bool pg_volatile(const pw_default *def) {
    if (def->kind != PW_DEFAULT_EXPR) return false;
    const char *s = pw_default_expr(def, PW_DIALECT_POSTGRES);
    if (s == NULL) return false;
    static const char *stable[] = {"now(", "current_timestamp(", "transaction_timestamp(",
                                   "statement_timestamp(", "localtimestamp(", "current_date(",
                                   "current_time("};
    for (const char *p = s; (p = strchr(p, '(')) != NULL; p++) {
        /* the identifier before this parenthesis */
        const char *q = p;
        while (q > s && (isalnum((unsigned char)q[-1]) || q[-1] == '_' || q[-1] == '.')) q--;
        if (q == p) continue; /* a bare parenthesis */
        bool known = false;
        for (size_t i = 0; i < sizeof stable / sizeof *stable; i++) {
            size_t n = strlen(stable[i]);
            if ((size_t)(p - q) + 1 == n && same_ci(q, stable[i], n)) known = true;
        }
        if (!known) return true;
    }
    return false;
}

/* Whether PostgreSQL changes the type of a column from x to y without
 * rewriting the table: "ALTER TABLE" > Notes, "if the USING clause does not
 * change the column contents and the old type is either binary coercible to
 * the new type or an unconstrained domain over the new type, a table rewrite
 * is not needed": varchar to a longer varchar or to text, text to varchar
 * without a length, numeric to a larger precision with the same scale (or
 * unconstrained). Everything else (int to bigint included) rewrites. */
static bool pg_no_rewrite(const sqltype *x, const sqltype *y) {
    bool xv = base_is(x, "VARCHAR") || base_is(x, "CHARACTER VARYING") || base_is(x, "TEXT");
    bool yv = base_is(y, "VARCHAR") || base_is(y, "CHARACTER VARYING") || base_is(y, "TEXT");
    if (xv && yv) return y->size >= x->size;
    if (x->fam == F_DEC && y->fam == F_DEC)
        return y->n1 < 0 || (x->n1 >= 0 && y->n1 >= x->n1 && (y->n2 > 0 ? y->n2 : 0) ==
                                                                 (x->n2 > 0 ? x->n2 : 0));
    return false;
}

static void postgres_rules(judge *j) {
    const pw_op *op = j->op;
    const char *tb = op->table;
    /* 0: unknown, taken as a current release */
    bool fast_default = j->srv->version == 0 || j->srv->version >= 110000;
    /* lock-aware SQL (sql_postgres.c, "safe"): CREATE INDEX CONCURRENTLY ("CREATE INDEX" >
     * Building Indexes Concurrently), keys and checks NOT VALID then VALIDATE CONSTRAINT,
     * which takes SHARE UPDATE EXCLUSIVE ("ALTER TABLE" > Notes), SET NOT NULL through a
     * validated check: none of them blocks writes */
    bool safe = j->srv->safe;
    switch (op->kind) {
    case PW_OP_ADD_FIELD: {
        const pw_column *c = op->column;
        const char *why = NULL;
        if (c->autoincrement)
            why = "a serial column's default (nextval) is volatile";
        else if (c->generated[PW_DIALECT_POSTGRES] != NULL)
            why = "a stored generated column is computed for every row";
        else if (pg_volatile(&c->def))
            why = "its default is volatile, so it is evaluated for every row";
        else if (!fast_default && (c->def.kind != PW_DEFAULT_NONE || op->fill.kind != PW_DEFAULT_NONE))
            why = "before PostgreSQL 11 a column added with a default is written into every row";
        if (why)
            add(j, PW_RISK_BLOCKING, "table-rewrite",
                fmt(j, "adding column %s.%s rewrites the table under an ACCESS EXCLUSIVE lock "
                       "(%s): reads and writes wait",
                    tb, c->name, why),
                "add the column without a default (or with a constant one), update the rows in "
                "batches, then set the default");
        if (pw_column_own_unique(c) && !safe)
            add(j, PW_RISK_BLOCKING, "index-build-blocks-writes",
                fmt(j, "adding column %s.%s with UNIQUE builds its index while writes to %s "
                       "wait",
                    tb, c->name, tb),
                "add the column, build the unique index with the migration marked safe = True "
                "(CREATE UNIQUE INDEX CONCURRENTLY), then attach it as the constraint");
        if (c->fk.table != NULL && !safe)
            add(j, PW_RISK_BLOCKING, "fk-validation",
                fmt(j, "the foreign key of %s.%s is validated by scanning %s while %s and %s are "
                       "locked against writes (SHARE ROW EXCLUSIVE)",
                    tb, c->name, tb, tb, c->fk.table),
                "add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later step (mark "
                "the migration safe = True)");
        return;
    }
    case PW_OP_ALTER_FIELD: {
        const pw_column *old = j->old, *c = op->column;
        if (old == NULL) return;
        bool rewrite = false;
        const char *x = old->type[PW_DIALECT_POSTGRES], *y = c->type[PW_DIALECT_POSTGRES];
        if (strcmp(x, y) != 0) {
            sqltype tx, ty;
            parse_type(x, PW_DIALECT_POSTGRES, &tx);
            parse_type(y, PW_DIALECT_POSTGRES, &ty);
            if (!pg_no_rewrite(&tx, &ty)) {
                rewrite = true;
                add(j, PW_RISK_BLOCKING, "table-rewrite",
                    fmt(j, "changing %s.%s from %s to %s rewrites the table and its indexes "
                           "under an ACCESS EXCLUSIVE lock: reads and writes wait",
                        tb, c->name, x, y),
                    "add a column of the new type, copy the values in batches and keep it in step "
                    "(trigger or code), then switch and drop the old one");
            }
        }
        if (old->null && !c->null && !rewrite && !safe)
            add(j, PW_RISK_BLOCKING, "not-null-scan",
                fmt(j, "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE "
                       "lock",
                    tb, c->name),
                "add CHECK (column IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL "
                "(PostgreSQL 12+ skips the scan) and drop the check");
        if (pw_column_own_unique(c) && !pw_column_own_unique(old) && !safe)
            add(j, PW_RISK_BLOCKING, "index-build-blocks-writes",
                fmt(j, "making %s.%s UNIQUE builds its index while writes to %s wait", tb,
                    c->name, tb),
                "build the unique index with the migration marked safe = True (CREATE UNIQUE "
                "INDEX CONCURRENTLY), then attach it as the constraint");
        if (fk_added(old, c) && !safe)
            add(j, PW_RISK_BLOCKING, "fk-validation",
                fmt(j, "the new foreign key of %s.%s is validated by scanning %s while %s and %s "
                       "are locked against writes (SHARE ROW EXCLUSIVE)",
                    tb, c->name, tb, tb, c->fk.table),
                "add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a later step (mark "
                "the migration safe = True)");
        return;
    }
    case PW_OP_ADD_INDEX:
        if (safe) return; /* CREATE INDEX CONCURRENTLY */
        add(j, PW_RISK_BLOCKING, "index-build-blocks-writes",
            fmt(j, "CREATE INDEX %s holds a SHARE lock on %s for the whole build: writes wait",
                op->index->name, tb),
            "mark the migration safe = True to build the index CONCURRENTLY");
        return;
    case PW_OP_ADD_CONSTRAINT:
        if (safe) return; /* NOT VALID, then VALIDATE CONSTRAINT */
        add(j, PW_RISK_BLOCKING, "check-validation",
            fmt(j, "ADD CONSTRAINT %s CHECK scans every row of %s under an ACCESS EXCLUSIVE lock",
                op->check->name, tb),
            "add the check NOT VALID, then VALIDATE CONSTRAINT in a later step (mark the "
            "migration safe = True)");
        return;
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_RENAME_FIELD:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_REMOVE_CONSTRAINT:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return;
    }
}

/* ------------------------------------------------------------------ */
/* MySQL and MariaDB (InnoDB). */

/* Whether InnoDB changes the type from x to y without copying the table:
 * "Online DDL Operations" > Column Operations, "Extending VARCHAR column
 * size" is in place when the length bytes stay the same (0-255 bytes: one;
 * 256 or more: two; utf8mb4 counts 4 bytes a character); MariaDB 10.4.3+
 * also widens an integer instantly ("InnoDB Online DDL Operations with the
 * INSTANT Alter Algorithm" > Changing the Data Type of a Column). Every other
 * change of data type is ALGORITHM=COPY, without concurrent DML. */
static bool my_no_copy(const sqltype *x, const sqltype *y, const pw_server *srv) {
    if (base_is(x, "VARCHAR") && base_is(y, "VARCHAR") && x->n1 >= 0 && y->n1 >= x->n1)
        return (x->n1 * 4 <= 255) == (y->n1 * 4 <= 255);
    bool instant_int = srv->mariadb && (srv->version == 0 || srv->version >= 100403);
    return instant_int && x->fam == F_INT && y->fam == F_INT && y->size >= x->size &&
           x->is_unsigned == y->is_unsigned;
}

static void mysql_rules(judge *j) {
    const pw_op *op = j->op;
    const char *tb = op->table;
    const char *fk_alt = "add the foreign key with foreign_key_checks=0 (INPLACE, no copy) once "
                         "the data is known to match, or add it while the table is small";
    switch (op->kind) {
    case PW_OP_ADD_FIELD: {
        const pw_column *c = op->column;
        if (c->autoincrement)
            add(j, PW_RISK_BLOCKING, "table-rewrite",
                fmt(j, "adding auto-increment column %s.%s rebuilds %s without concurrent DML", tb,
                    c->name, tb),
                "create a new table with the column, copy the rows in batches, then swap the "
                "tables");
        else if (c->generated[PW_DIALECT_MYSQL] != NULL)
            add(j, PW_RISK_BLOCKING, "table-rewrite",
                fmt(j, "adding generated column %s.%s copies %s (ALGORITHM=COPY): writes wait",
                    tb, c->name, tb),
                "add a plain column, write its values in batches, and compute it in the code");
        if (c->fk.table != NULL)
            add(j, PW_RISK_BLOCKING, "fk-validation",
                fmt(j, "adding the foreign key of %s.%s copies %s (ALGORITHM=COPY while "
                       "foreign_key_checks is on): writes wait",
                    tb, c->name, tb),
                fk_alt);
        return;
    }
    case PW_OP_ALTER_FIELD: {
        const pw_column *old = j->old, *c = op->column;
        if (old == NULL) return;
        const char *x = old->type[PW_DIALECT_MYSQL], *y = c->type[PW_DIALECT_MYSQL];
        if (strcmp(x, y) != 0) {
            sqltype tx, ty;
            parse_type(x, PW_DIALECT_MYSQL, &tx);
            parse_type(y, PW_DIALECT_MYSQL, &ty);
            if (!my_no_copy(&tx, &ty, j->srv))
                add(j, PW_RISK_BLOCKING, "table-rewrite",
                    fmt(j, "changing %s.%s from %s to %s copies %s (ALGORITHM=COPY): writes "
                           "wait for the whole copy",
                        tb, c->name, x, y, tb),
                    "add a column of the new type, copy the values in batches, switch the code, "
                    "then drop the old one (or use an online schema change tool)");
        }
        if (fk_added(old, c))
            add(j, PW_RISK_BLOCKING, "fk-validation",
                fmt(j, "adding the foreign key of %s.%s copies %s (ALGORITHM=COPY while "
                       "foreign_key_checks is on): writes wait",
                    tb, c->name, tb),
                fk_alt);
        return;
    }
    case PW_OP_ADD_INDEX: {
        const char *m = op->index->method;
        if (m != NULL && pw_index_method_dialect(m) == PW_DIALECT_MYSQL)
            add(j, PW_RISK_BLOCKING, "index-build-blocks-writes",
                fmt(j, "building %s index %s on %s allows no concurrent writes (LOCK=SHARED; "
                       "the first FULLTEXT index also rebuilds the table)",
                    m, op->index->name, tb),
                "build it in a maintenance window, or on a copy of the table that is swapped "
                "in");
        return;
    }
    case PW_OP_ADD_CONSTRAINT:
        add(j, PW_RISK_BLOCKING, "check-validation",
            fmt(j, "ADD CONSTRAINT %s CHECK copies %s to check every row (ALGORITHM=COPY): "
                   "writes wait",
                op->check->name, tb),
            "check the rows with a SELECT first and add the constraint in a maintenance "
            "window");
        return;
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_RENAME_FIELD:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_REMOVE_CONSTRAINT:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return;
    }
}

/* ------------------------------------------------------------------ */
/* SQLite. */

static void sqlite_rules(judge *j) {
    const pw_op *op = j->op;
    switch (op->kind) {
    case PW_OP_ADD_FIELD:
    case PW_OP_REMOVE_FIELD:
    case PW_OP_ALTER_FIELD:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT: {
        pw_strlist sql = {0};
        int rc = pw_sql_render_op(j->a, j->before, op, PW_DIALECT_SQLITE, &sql, j->err);
        if (rc) {
            j->rc = rc;
            return;
        }
        bool rebuild = false;
        for (size_t i = 0; i < sql.len; i++)
            if (strstr(sql.items[i], PW_SQLITE_REBUILD_PREFIX) != NULL) rebuild = true;
        if (rebuild)
            add(j, PW_RISK_BLOCKING, "table-rewrite",
                fmt(j, "SQLite cannot ALTER this in place: %s is rebuilt (every row copied into "
                       "a new table) while the migration holds the database's write lock",
                    op->table),
                "run it while nothing writes to the database, or keep the change to what "
                "ALTER TABLE can do (a nullable column without an expression default)");
        return;
    }
    case PW_OP_ADD_INDEX:
        add(j, PW_RISK_BLOCKING, "index-build-blocks-writes",
            fmt(j, "CREATE INDEX %s reads all of %s while the migration holds the database's "
                   "write lock: every other writer waits",
                op->index->name, op->table),
            "run it while nothing writes to the database");
        return;
    case PW_OP_CREATE_MODEL:
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_RENAME_FIELD:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return;
    }
}

/* ------------------------------------------------------------------ */

int pw_risk_op(pw_arena *a, const pw_schema *before, const pw_op *op, const pw_server *srv,
               const pw_strlist *new_tables, pw_findings *out, pw_error *err) {
    judge j = {.a = a, .err = err, .before = before, .op = op, .srv = srv, .out = out};
    if (op->kind == PW_OP_RUN_SQL || op->kind == PW_OP_RUN_PYTHON) {
        add(&j, PW_RISK_UNKNOWN, "data-step",
            op->kind == PW_OP_RUN_SQL
                ? fmt(&j, "runs SQL the engine does not read: its locks and changes are unknown")
                : fmt(&j, "runs Python code: its locks and changes are unknown"),
            "review it by hand; update large tables in batches, outside the schema change");
        return j.rc;
    }
    if (op->kind == PW_OP_CREATE_MODEL || new_table(new_tables, op->table)) return 0;
    j.t = pw_schema_find_table(before, op->table);
    if (j.t == NULL)
        return pw_error_set(err, PW_ERR_NOT_FOUND, op->table, "table %s does not exist",
                            op->table);
    if (op->kind == PW_OP_ALTER_FIELD && op->column != NULL)
        j.old = pw_table_find_column(j.t, op->column->name);
    else if (op->kind == PW_OP_REMOVE_FIELD || op->kind == PW_OP_RENAME_FIELD)
        j.old = pw_table_find_column(j.t, op->name);
    common_rules(&j);
    switch (srv->dialect) {
    case PW_DIALECT_POSTGRES:
        postgres_rules(&j);
        break;
    case PW_DIALECT_MYSQL:
        mysql_rules(&j);
        break;
    case PW_DIALECT_SQLITE:
        sqlite_rules(&j);
        break;
    case PW_DIALECT_COUNT:
        break;
    }
    return j.rc;
}

int pw_risk_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                const pw_server *srv, pw_findings ***out, pw_error *err) {
    int rc;
    pw_strlist created = {0};
    pw_findings **res = pw_arena_calloc(a, n ? n : 1, sizeof *res);
    *out = NULL;
    if (res == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        res[i] = pw_arena_calloc(a, migs[i].nops ? migs[i].nops : 1, sizeof **res);
        if (res[i] == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
        created.len = 0; /* a table is new in the migration that creates it only */
        for (size_t k = 0; k < migs[i].nops; k++) {
            const pw_op *op = &migs[i].ops[k];
            pw_server own = *srv;
            own.safe = migs[i].safe;
            if ((rc = pw_risk_op(a, state, op, &own, &created, &res[i][k], err)))
                return pw_locate_error(err, &migs[i], k);
            const char *made = op->kind == PW_OP_CREATE_MODEL && op->model ? op->model->name
                               : op->kind == PW_OP_RENAME_MODEL && new_table(&created, op->table)
                                   ? op->new_name
                                   : NULL;
            if (made != NULL && pw_strlist_push(a, &created, made))
                return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
            if ((rc = pw_op_apply(a, state, op, err))) return pw_locate_error(err, &migs[i], k);
        }
    }
    *out = res;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Expand / contract. */

const char *pw_stage_name(pw_stage s) {
    switch (s) {
    case PW_STAGE_EXPAND:
        return "expand";
    case PW_STAGE_CONTRACT:
        return "contract";
    }
    return "expand";
}

/* Whether two schemas hold the same tables (in any order), each equal. */
static bool same_schema(const pw_schema *x, const pw_schema *y) {
    if (x->ntables != y->ntables) return false;
    for (size_t i = 0; i < x->ntables; i++) {
        const pw_table *t = pw_schema_find_table(y, x->tables[i]->name);
        if (t == NULL || !pw_table_equal(x->tables[i], t)) return false;
    }
    return true;
}

/* An object a CONTRACT operation changes: a table as a whole (column NULL)
 * or one column of it. */
typedef struct {
    const char *table, *column;
} object;

/* Whether (table, column) is, or lies in, one of the n objects of l. */
static bool hits(const object *l, size_t n, const char *table, const char *column) {
    for (size_t i = 0; table != NULL && i < n; i++)
        if (strcmp(l[i].table, table) == 0 &&
            (l[i].column == NULL || (column != NULL && strcmp(l[i].column, column) == 0)))
            return true;
    return false;
}

/* Whether an object of l is table or lies in it. */
static bool in_table(const object *l, size_t n, const char *table) {
    for (size_t i = 0; table != NULL && i < n; i++)
        if (strcmp(l[i].table, table) == 0) return true;
    return false;
}

/* Whether op reads or changes an object of l (so it cannot move before the
 * operation that changed it). */
static bool depends(const pw_op *op, const object *l, size_t n) {
    const char *t = op->kind == PW_OP_CREATE_MODEL && op->model ? op->model->name : op->table;
    switch (op->kind) {
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return n > 0;
    case PW_OP_CREATE_MODEL:
        if (hits(l, n, t, NULL)) return true;
        for (size_t i = 0; op->model && i < op->model->ncolumns; i++)
            if (hits(l, n, op->model->columns[i]->fk.table, op->model->columns[i]->fk.column))
                return true;
        return false;
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        return hits(l, n, t, op->column->name) ||
               hits(l, n, op->column->fk.table, op->column->fk.column);
    case PW_OP_REMOVE_FIELD:
    case PW_OP_RENAME_FIELD:
        return hits(l, n, t, op->name) || hits(l, n, t, op->new_name);
    case PW_OP_ADD_INDEX:
        if (hits(l, n, t, NULL) || (op->index->nexpressions && in_table(l, n, t))) return true;
        for (size_t i = 0; i < op->index->ncolumns; i++)
            if (hits(l, n, t, op->index->columns[i])) return true;
        return false;
    case PW_OP_DELETE_MODEL:
    case PW_OP_RENAME_MODEL:
    case PW_OP_ALTER_MODEL:
        /* the table, or any of its columns, changed by a contract operation */
        return in_table(l, n, t) || hits(l, n, op->new_name, NULL);
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
        return hits(l, n, t, NULL);
    }
    return true;
}

/* Adds what the CONTRACT operation op changes to l. */
static void changes(const pw_op *op, object *l, size_t *n) {
    switch (op->kind) {
    case PW_OP_ADD_FIELD:
    case PW_OP_ALTER_FIELD:
        l[(*n)++] = (object){op->table, op->column->name};
        return;
    case PW_OP_REMOVE_FIELD:
        l[(*n)++] = (object){op->table, op->name};
        return;
    case PW_OP_RENAME_FIELD:
        l[(*n)++] = (object){op->table, op->name};
        l[(*n)++] = (object){op->table, op->new_name};
        return;
    case PW_OP_RENAME_MODEL:
        l[(*n)++] = (object){op->table, NULL};
        l[(*n)++] = (object){op->new_name, NULL};
        return;
    case PW_OP_CREATE_MODEL:
        if (op->model) l[(*n)++] = (object){op->model->name, NULL};
        return;
    case PW_OP_DELETE_MODEL:
    case PW_OP_ALTER_MODEL:
    case PW_OP_ADD_INDEX:
    case PW_OP_REMOVE_INDEX:
    case PW_OP_ADD_CONSTRAINT:
    case PW_OP_REMOVE_CONSTRAINT:
        l[(*n)++] = (object){op->table, NULL};
        return;
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        return;
    }
}

/* The stages of one migration's operations (see pw_risk_stages); state goes
 * from before to after the migration. */
static int stages_of(pw_arena *a, pw_schema *state, const pw_migration_ops *m, pw_stage *out,
                     pw_error *err) {
    int rc;
    /* breaking findings: every dialect's */
    pw_server srv = {.dialect = PW_DIALECT_POSTGRES, .version = 0, .mariadb = false,
                     .safe = false};
    pw_strlist created = {0};
    object *touched = pw_arena_calloc(a, 2 * m->nops + 1, sizeof *touched);
    size_t ntouched = 0;
    bool any_contract = false, any_expand = false;
    pw_schema *start = pw_schema_copy(a, state);
    if (touched == NULL || start == NULL)
        return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    for (size_t k = 0; k < m->nops; k++) {
        const pw_op *op = &m->ops[k];
        pw_findings f = {0};
        if ((rc = pw_risk_op(a, state, op, &srv, &created, &f, err))) return pw_locate_error(err, m, k);
        bool contract = false;
        for (size_t i = 0; i < f.len; i++)
            if (f.items[i].cls == PW_RISK_BREAKING) contract = true;
        if (!contract && depends(op, touched, ntouched)) contract = true;
        if (contract) changes(op, touched, &ntouched);
        out[k] = contract ? PW_STAGE_CONTRACT : PW_STAGE_EXPAND;
        any_contract = any_contract || contract;
        any_expand = any_expand || !contract;
        const char *made = op->kind == PW_OP_CREATE_MODEL && op->model ? op->model->name : NULL;
        if (made != NULL && pw_strlist_push(a, &created, made))
            return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
        if ((rc = pw_op_apply(a, state, op, err))) return pw_locate_error(err, m, k);
    }
    if (!(any_contract && any_expand)) return 0;
    /* the split must give the same schema: expand operations, then contract ones */
    pw_error ignored;
    bool ok = true;
    for (int pass = 0; ok && pass < 2; pass++)
        for (size_t k = 0; ok && k < m->nops; k++)
            if ((int)out[k] == pass && pw_op_apply(a, start, &m->ops[k], &ignored) != 0)
                ok = false;
    if (!ok || !same_schema(start, state))
        for (size_t k = 0; k < m->nops; k++) out[k] = PW_STAGE_CONTRACT;
    return 0;
}

int pw_risk_stages(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                   pw_stage ***out, pw_error *err) {
    pw_stage **res = pw_arena_calloc(a, n ? n : 1, sizeof *res);
    *out = NULL;
    if (res == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        res[i] = pw_arena_calloc(a, migs[i].nops ? migs[i].nops : 1, sizeof **res);
        if (res[i] == NULL) return pw_error_set(err, PW_ERR_NOMEM, NULL, "out of memory");
        int rc = stages_of(a, state, &migs[i], res[i], err);
        if (rc) return rc;
    }
    *out = res;
    return 0;
}
