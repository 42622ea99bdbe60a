/*
 * sql_postgres.c - the statements PostgreSQL runs for each schema-changing
 * operation (sql_postgres.h), in the shape Tortoise's generate_schemas gives:
 * SERIAL primary keys, unique columns and unique indexes as named table
 * constraints, other indexes as CREATE INDEX after the table, comments as
 * COMMENT ON statements.
 *
 * Owns: PostgreSQL's statement shapes and the order of the statements of one
 * operation. Does not own: quoting, literals, defaults and constraint names
 * (sql.c), the checks pw_sql_render_op makes before calling here, or
 * RUN_SQL / RUN_PYTHON.
 *
 * Invariant kept: a unique column's constraint is named
 * pw_sql_column_unique_name: its own name (unique_name) when it has one, kept
 * through renames, else pw_sql_unique_name(table, column), renamed with its
 * table or column. A change of a constraint's name alone (a unique
 * constraint's, a foreign key's) is a RENAME CONSTRAINT, not a drop and an
 * add: no lock, no scan.
 *
 * Lock-aware statements (r->safe, a migration marked safe; the executor runs
 * them one by one outside a transaction, each with a lock_timeout), after
 * PostgreSQL's documentation:
 * - CREATE INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY ("Building Indexes
 *   Concurrently", sql-createindex.html): writes go on during the build;
 * - a unique constraint is added as ADD CONSTRAINT ... UNIQUE USING INDEX on a
 *   unique index built concurrently (sql-altertable.html, "ADD
 *   table_constraint_using_index");
 * - foreign keys and checks are added NOT VALID, then VALIDATE CONSTRAINT,
 *   which takes only a SHARE UPDATE EXCLUSIVE lock (sql-altertable.html, "NOT
 *   VALID" / "VALIDATE CONSTRAINT");
 * - SET NOT NULL goes through CHECK (c IS NOT NULL) NOT VALID, VALIDATE, SET
 *   NOT NULL (which skips its scan when a valid check proves it, PostgreSQL
 *   12+), and the check is dropped.
 * A new table (CREATE_MODEL) is empty: its statements stay plain.
 */
#include "sql_postgres.h"

#include <stdio.h>
#include <string.h>

#include "sql.h"

#define D PW_DIALECT_POSTGRES



static void ident(pw_sql_rctx *r, const char *name) { pw_sql_ident(&r->sb, D, name); }

/* A table's name, qualified by its schema (pw_sql_rctx_table). */
static void tident(pw_sql_rctx *r, const char *table) { pw_sql_rctx_table(r, D, table); }

/* The same, appended to another buffer than the statement's. */
static void tident_to(pw_sql_rctx *r, pw_strbuf *sb, const char *table) {
    pw_sql_table(sb, D, pw_sql_rctx_schema(r, table), table);
}

/* An object that lives in the schema of table (an index, a sequence): its
 * name qualified by that schema. */
static void in_schema_of(pw_sql_rctx *r, pw_strbuf *sb, const char *table, const char *name) {
    pw_sql_table(sb, D, pw_sql_rctx_schema(r, table), name);
}



/* The serial pseudo-type of an integer type, or NULL when type is no
 * integer type. */
static const char *serial_type(const char *type) {
    static const char *const map[][2] = {
        {"SMALLINT", "SMALLSERIAL"}, {"INT2", "SMALLSERIAL"},   {"SMALLSERIAL", "SMALLSERIAL"},
        {"SERIAL2", "SMALLSERIAL"},  {"INT", "SERIAL"},         {"INTEGER", "SERIAL"},
        {"INT4", "SERIAL"},          {"SERIAL", "SERIAL"},      {"SERIAL4", "SERIAL"},
        {"BIGINT", "BIGSERIAL"},     {"INT8", "BIGSERIAL"},     {"BIGSERIAL", "BIGSERIAL"},
        {"SERIAL8", "BIGSERIAL"},
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (pw_str_ieq(type, map[i][0])) return map[i][1];
    return NULL;
}

static void col_path(char *path, const char *table, const char *column) {
    snprintf(path, PW_ERR_PATH_MAX, "%s.%s", table, column);
}

/* Appends the column definition of c (table names it in errors):
 *   "name" TYPE [GENERATED ...] [NOT NULL] [PRIMARY KEY] [DEFAULT v]
 *   "id" SERIAL NOT NULL PRIMARY KEY          (auto-increment primary key)
 * 0, or PW_ERR_UNSUPPORTED when an auto-increment column is not an integer. */
static int column_def(pw_sql_rctx *r, const char *table, const pw_column *c) {
    ident(r, c->name);
    pw_sb_append_char(&r->sb, ' ');
    if (c->pk && c->autoincrement) {
        const char *serial = serial_type(c->type[D]);
        if (serial == NULL) {
            char path[PW_ERR_PATH_MAX];
            col_path(path, table, c->name);
            return pw_error_set(r->err, PW_ERR_UNSUPPORTED, path,
                                "auto-increment column %s has type %s; postgres needs an "
                                "integer type (SMALLINT, INT, BIGINT)",
                                path, c->type[D]);
        }
        pw_sb_append(&r->sb, serial);
        pw_sb_append(&r->sb, " NOT NULL PRIMARY KEY");
        return 0;
    }
    pw_sb_append(&r->sb, c->type[D]);
    pw_sql_generated(&r->sb, D, c);
    if (!c->null) pw_sb_append(&r->sb, " NOT NULL");
    if (c->pk) pw_sb_append(&r->sb, " PRIMARY KEY");
    if (c->def.kind != PW_DEFAULT_NONE) {
        pw_sb_append(&r->sb, " DEFAULT ");
        pw_sql_default_value(&r->sb, D, &c->def);
    }
    return 0;
}

/* CONSTRAINT "<table>_<column>_key" UNIQUE ("column") (or c's own name) */
static int unique_constraint(pw_sql_rctx *r, const char *table, const pw_column *c) {
    const char *name = pw_sql_column_unique_name(r->a, table, c);
    if (name == NULL) return pw_sql_rctx_nomem(r);
    pw_sb_append(&r->sb, "CONSTRAINT ");
    ident(r, name);
    pw_sb_append(&r->sb, " UNIQUE (");
    ident(r, c->name);
    pw_sb_append_char(&r->sb, ')');
    return 0;
}

/* CONSTRAINT "name" UNIQUE ("a", "b") */
static void index_constraint(pw_sql_rctx *r, const pw_index *ix) {
    pw_sb_append(&r->sb, "CONSTRAINT ");
    ident(r, ix->name);
    pw_sb_append(&r->sb, " UNIQUE (");
    pw_sql_ident_list(&r->sb, D, ix->columns, ix->ncolumns);
    pw_sb_append_char(&r->sb, ')');
}

/* Whether ix is a table constraint (UNIQUE): a plain unique index. Any
 * other is an index of its own (CREATE INDEX). */
static bool is_constraint(const pw_index *ix) { return ix->unique && pw_index_is_plain(ix); }

/* CREATE [UNIQUE ]INDEX "name" ON "table" [USING M ]("a", "b")[ WHERE p] as
 * a statement. */
static int create_index(pw_sql_rctx *r, const char *table, const pw_index *ix) {
    pw_sb_append(&r->sb, ix->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
    if (r->safe) pw_sb_append(&r->sb, "CONCURRENTLY ");
    ident(r, ix->name);
    pw_sb_append(&r->sb, " ON ");
    tident(r, table);
    pw_sb_append_char(&r->sb, ' ');
    if (ix->method != NULL) {
        pw_sb_append(&r->sb, "USING ");
        pw_sb_append(&r->sb, ix->method);
        pw_sb_append_char(&r->sb, ' ');
    }
    pw_sql_index_keys(&r->sb, D, ix);
    return pw_sql_rctx_push(r);
}

/* ALTER TABLE "table" <action> with the action written by the caller after. */
static void alter(pw_sql_rctx *r, const char *table) { pw_sql_rctx_alter(r, D, table); }

/* ALTER TABLE "table" DROP CONSTRAINT "name" */
static int drop_constraint(pw_sql_rctx *r, const char *table, const char *name) {
    alter(r, table);
    pw_sb_append(&r->sb, "DROP CONSTRAINT ");
    ident(r, name);
    return pw_sql_rctx_push(r);
}

/* Safe: CREATE UNIQUE INDEX CONCURRENTLY "name" ON "table" (<columns>), then
 * ALTER TABLE "table" ADD CONSTRAINT "name" UNIQUE USING INDEX "name". */
static int unique_using_index(pw_sql_rctx *r, const char *table, const char *name,
                              const char *const *columns, size_t ncolumns) {
    int rc;
    pw_sb_append(&r->sb, "CREATE UNIQUE INDEX CONCURRENTLY ");
    ident(r, name);
    pw_sb_append(&r->sb, " ON ");
    tident(r, table);
    pw_sb_append(&r->sb, " (");
    pw_sql_ident_list(&r->sb, D, columns, ncolumns);
    pw_sb_append_char(&r->sb, ')');
    if ((rc = pw_sql_rctx_push(r))) return rc;
    alter(r, table);
    pw_sb_append(&r->sb, "ADD CONSTRAINT ");
    ident(r, name);
    pw_sb_append(&r->sb, " UNIQUE USING INDEX ");
    ident(r, name);
    return pw_sql_rctx_push(r);
}

/* Safe: ALTER TABLE "table" VALIDATE CONSTRAINT "name" */
static int validate(pw_sql_rctx *r, const char *table, const char *name) {
    alter(r, table);
    pw_sb_append(&r->sb, "VALIDATE CONSTRAINT ");
    ident(r, name);
    return pw_sql_rctx_push(r);
}

/* ALTER TABLE "table" ADD CONSTRAINT "<table>_<column>_key" UNIQUE ("column") */
static int add_unique(pw_sql_rctx *r, const char *table, const pw_column *c) {
    if (r->safe) {
        const char *name = pw_sql_column_unique_name(r->a, table, c);
        if (name == NULL) return pw_sql_rctx_nomem(r);
        return unique_using_index(r, table, name, &c->name, 1);
    }
    alter(r, table);
    pw_sb_append(&r->sb, "ADD ");
    int rc = unique_constraint(r, table, c);
    return rc ? rc : pw_sql_rctx_push(r);
}

/* ALTER TABLE "table" ADD CONSTRAINT "fk" FOREIGN KEY ... */
static int add_fk(pw_sql_rctx *r, const char *table, const pw_column *c) {
    alter(r, table);
    pw_sb_append(&r->sb, "ADD ");
    pw_sql_fk_clause(&r->sb, D, c->name, &c->fk, pw_sql_rctx_schema(r, c->fk.table));
    if (!r->safe || c->fk.name == NULL) return pw_sql_rctx_push(r);
    pw_sb_append(&r->sb, " NOT VALID");
    int rc = pw_sql_rctx_push(r);
    return rc ? rc : validate(r, table, c->fk.name);
}

/* ADD_CONSTRAINT, safe: ALTER TABLE "t" ADD CONSTRAINT "n" CHECK (...) NOT
 * VALID, then VALIDATE CONSTRAINT "n". */
static int add_check_safe(pw_sql_rctx *r, const char *table, const pw_check *check) {
    int rc;
    alter(r, table);
    pw_sb_append(&r->sb, "ADD ");
    pw_sql_check_clause(&r->sb, D, check);
    pw_sb_append(&r->sb, " NOT VALID");
    if ((rc = pw_sql_rctx_push(r))) return rc;
    return validate(r, table, check->name);
}

/* COMMENT ON TABLE "t" IS '...' (IS NULL when comment is NULL) */
static int comment_table(pw_sql_rctx *r, const char *table, const char *comment) {
    pw_sb_append(&r->sb, "COMMENT ON TABLE ");
    tident(r, table);
    pw_sb_append(&r->sb, " IS ");
    if (comment != NULL)
        pw_sql_string_literal(&r->sb, D, comment);
    else
        pw_sb_append(&r->sb, "NULL");
    return pw_sql_rctx_push(r);
}

/* COMMENT ON COLUMN "t"."c" IS '...' (IS NULL when comment is NULL) */
static int comment_column(pw_sql_rctx *r, const char *table, const char *column,
                          const char *comment) {
    pw_sb_append(&r->sb, "COMMENT ON COLUMN ");
    tident(r, table);
    pw_sb_append_char(&r->sb, '.');
    ident(r, column);
    pw_sb_append(&r->sb, " IS ");
    if (comment != NULL)
        pw_sql_string_literal(&r->sb, D, comment);
    else
        pw_sb_append(&r->sb, "NULL");
    return pw_sql_rctx_push(r);
}

/* The table / column named, or NULL with err filled (PW_ERR_NOT_FOUND). */
static const pw_table *find_table(pw_sql_rctx *r, const pw_schema *before, const char *name) {
    const pw_table *t = before ? pw_schema_find_table(before, name) : NULL;
    if (t == NULL) pw_error_set(r->err, PW_ERR_NOT_FOUND, name, "table %s does not exist", name);
    return t;
}

static const pw_column *find_column(pw_sql_rctx *r, const pw_table *t, const char *name) {
    const pw_column *c = pw_table_find_column(t, name);
    if (c == NULL) {
        char path[PW_ERR_PATH_MAX];
        col_path(path, t->name, name);
        pw_error_set(r->err, PW_ERR_NOT_FOUND, path, "column %s does not exist", path);
    }
    return c;
}

/* CREATE TABLE with columns, then the table constraints: unique columns,
 * unique indexes, foreign keys, checks; then CREATE INDEX for the other
 * indexes; then the table comment and the column comments. */
static int create_model(pw_sql_rctx *r, const pw_table *t) {
    int rc = 0;
    size_t items = 0;
    if (t->schema != NULL) {
        /* as generate_schemas does before the tables of a Meta.schema */
        pw_sb_append(&r->sb, "CREATE SCHEMA IF NOT EXISTS ");
        ident(r, t->schema);
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    pw_sb_append(&r->sb, "CREATE TABLE ");
    tident(r, t->name);
    pw_sb_append(&r->sb, " (");
    for (size_t i = 0; i < t->ncolumns; i++) {
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        rc = column_def(r, t->name, t->columns[i]);
        if (rc) return rc;
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!pw_column_own_unique(t->columns[i])) continue;
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        rc = unique_constraint(r, t->name, t->columns[i]);
        if (rc) return rc;
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        if (!is_constraint(t->indexes[i])) continue;
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        index_constraint(r, t->indexes[i]);
    }
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (t->columns[i]->fk.table == NULL) continue;
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        const pw_fk *fk = &t->columns[i]->fk;
        pw_sql_fk_clause(&r->sb, D, t->columns[i]->name, fk, pw_sql_rctx_schema(r, fk->table));
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        pw_sb_append(&r->sb, items++ ? ",\n    " : "\n    ");
        pw_sql_check_clause(&r->sb, D, t->checks[i]);
    }
    pw_sb_append(&r->sb, items ? "\n)" : ")");
    if ((rc = pw_sql_rctx_push(r))) return rc;
    for (size_t i = 0; i < t->nindexes; i++)
        if (!is_constraint(t->indexes[i]) && (rc = create_index(r, t->name, t->indexes[i])))
            return rc;
    if (t->comment != NULL && (rc = comment_table(r, t->name, t->comment))) return rc;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const pw_column *c = t->columns[i];
        if (c->comment != NULL && (rc = comment_column(r, t->name, c->name, c->comment)))
            return rc;
    }
    return 0;
}

/* The table's options: a table that moves to another schema (made when
 * missing, as CREATE TABLE makes it) takes its indexes, constraints and owned
 * sequences along (SET SCHEMA); back to the connection's own schema, that is
 * current_schema(), read when it runs:
 *   DO 'BEGIN EXECUTE ''ALTER TABLE "s"."t" SET SCHEMA '' ||
 *       quote_ident(current_schema()); END'
 * Then its comment, when it changes or the table stays (an ALTER_MODEL that
 * does not move a table sets its comment). */
static int do_block(pw_sql_rctx *r, const char *body);

static int alter_model(pw_sql_rctx *r, const pw_table *t, const pw_op *op) {
    int rc;
    bool moves = !pw_str_eq(t->schema, op->schema);
    if (moves && op->schema != NULL) {
        pw_sb_append(&r->sb, "CREATE SCHEMA IF NOT EXISTS ");
        ident(r, op->schema);
        if ((rc = pw_sql_rctx_push(r))) return rc;
        alter(r, t->name);
        pw_sb_append(&r->sb, "SET SCHEMA ");
        ident(r, op->schema);
        if ((rc = pw_sql_rctx_push(r))) return rc;
    } else if (moves) {
        pw_strbuf stmt, body;
        pw_sb_init(&stmt, r->a);
        pw_sb_init(&body, r->a);
        pw_sb_append(&stmt, "ALTER TABLE ");
        tident_to(r, &stmt, t->name);
        pw_sb_append(&stmt, " SET SCHEMA ");
        const char *prefix = pw_sb_cstr(&stmt);
        if (prefix == NULL) return pw_sql_rctx_nomem(r);
        pw_sb_append(&body, "BEGIN EXECUTE ");
        pw_sql_string_literal(&body, D, prefix);
        pw_sb_append(&body, " || quote_ident(current_schema()); END");
        const char *text = pw_sb_cstr(&body);
        if ((rc = text == NULL ? pw_sql_rctx_nomem(r) : do_block(r, text))) return rc;
    }
    if (moves && pw_str_eq(t->comment, op->comment)) return 0;
    pw_sb_append(&r->sb, "COMMENT ON TABLE ");
    pw_sql_table(&r->sb, D, op->schema, t->name);
    pw_sb_append(&r->sb, " IS ");
    if (op->comment != NULL)
        pw_sql_string_literal(&r->sb, D, op->comment);
    else
        pw_sb_append(&r->sb, "NULL");
    return pw_sql_rctx_push(r);
}

static int rename_model(pw_sql_rctx *r, const pw_table *t, const char *new_name) {
    int rc;
    alter(r, t->name);
    pw_sb_append(&r->sb, "RENAME TO ");
    ident(r, new_name);
    if ((rc = pw_sql_rctx_push(r))) return rc;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const pw_column *c = t->columns[i];
        if ((rc = pw_sql_rename_unique(r, D, "CONSTRAINT", c, t->name, new_name, c->name)))
            return rc;
    }
    return 0;
}

static int add_field(pw_sql_rctx *r, const char *table, const pw_column *c) {
    int rc;
    alter(r, table);
    pw_sb_append(&r->sb, "ADD COLUMN ");
    if ((rc = column_def(r, table, c)) || (rc = pw_sql_rctx_push(r))) return rc;
    if (pw_column_own_unique(c) && (rc = add_unique(r, table, c))) return rc;
    if (c->fk.table != NULL && (rc = add_fk(r, table, c))) return rc;
    if (c->comment != NULL && (rc = comment_column(r, table, c->name, c->comment))) return rc;
    return 0;
}

/* ALTER TABLE "t" ALTER COLUMN "c" <what> */
static void alter_column(pw_sql_rctx *r, const char *table, const char *column) {
    alter(r, table);
    pw_sb_append(&r->sb, "ALTER COLUMN ");
    ident(r, column);
    pw_sb_append_char(&r->sb, ' ');
}

/* The integer type behind a serial pseudo-type (SERIAL -> INTEGER), or NULL. */
static const char *serial_base(const char *serial) {
    if (serial == NULL) return NULL;
    if (strcmp(serial, "SMALLSERIAL") == 0) return "SMALLINT";
    if (strcmp(serial, "BIGSERIAL") == 0) return "BIGINT";
    return "INTEGER";
}

/* Appends "DO '<body>'" (the body a PL/pgSQL block, written into a string
 * literal) as a statement. */
static int do_block(pw_sql_rctx *r, const char *body) {
    pw_sb_append(&r->sb, "DO ");
    pw_sql_string_literal(&r->sb, D, body);
    return pw_sql_rctx_push(r);
}

/* When an auto-increment column changes between SMALLINT, INT and BIGINT, its
 * sequence (which SERIAL made with the column's type) changes with it, so that
 * it counts as far as the column holds, as a table created with the new type
 * has it. The sequence's name is what pg_get_serial_sequence says (renaming a
 * table keeps the old one), so the statement is a DO block:
 *   DO 'DECLARE s text := pg_get_serial_sequence(''"t"'', ''c''); BEGIN IF s
 *       IS NOT NULL THEN EXECUTE ''ALTER SEQUENCE '' || s || '' AS BIGINT'';
 *       END IF; END'
 * Nothing when the serial type stays. */
static int retype_sequence(pw_sql_rctx *r, const char *table, const pw_column *old,
                           const pw_column *c) {
    const char *from = serial_base(serial_type(old->type[D]));
    const char *to = serial_base(serial_type(c->type[D]));
    if (to == NULL || (from != NULL && strcmp(from, to) == 0)) return 0;
    pw_strbuf quoted, body;
    pw_sb_init(&quoted, r->a);
    pw_sb_init(&body, r->a);
    tident_to(r, &quoted, table);
    const char *qtable = pw_sb_cstr(&quoted);
    if (qtable == NULL) return pw_sql_rctx_nomem(r);
    pw_sb_append(&body, "DECLARE s text := pg_get_serial_sequence(");
    pw_sql_string_literal(&body, D, qtable);
    pw_sb_append(&body, ", ");
    pw_sql_string_literal(&body, D, c->name);
    pw_sb_append(&body, "); BEGIN IF s IS NOT NULL THEN EXECUTE 'ALTER SEQUENCE ' || s || ' AS ");
    pw_sb_append(&body, to);
    pw_sb_append(&body, "'; END IF; END");
    const char *text = pw_sb_cstr(&body);
    return text == NULL ? pw_sql_rctx_nomem(r) : do_block(r, text);
}

/* The table's name quoted for PostgreSQL, then written as a string literal
 * into b: what regclass and pg_get_serial_sequence read. */
static void quoted_table_literal(pw_sql_rctx *r, pw_strbuf *b, const char *table) {
    pw_strbuf quoted;
    pw_sb_init(&quoted, r->a);
    tident_to(r, &quoted, table);
    const char *q = pw_sb_cstr(&quoted);
    pw_sql_string_literal(b, D, q != NULL ? q : "");
}

/* Drops the table's primary key constraint, whatever its name (PostgreSQL
 * named it after the table when it was made; a renamed table keeps it):
 *   DO 'DECLARE n text; BEGIN SELECT conname INTO n FROM pg_constraint WHERE
 *       conrelid = ''"t"''::regclass AND contype = ''p''; EXECUTE ''ALTER TABLE
 *       "t" DROP CONSTRAINT '' || quote_ident(n); END' */
static int drop_primary_key(pw_sql_rctx *r, const char *table) {
    pw_strbuf body;
    pw_sb_init(&body, r->a);
    pw_sb_append(&body, "DECLARE n text; BEGIN SELECT conname INTO n FROM pg_constraint "
                        "WHERE conrelid = ");
    quoted_table_literal(r, &body, table);
    pw_sb_append(&body, "::regclass AND contype = 'p'; EXECUTE ");
    pw_strbuf stmt;
    pw_sb_init(&stmt, r->a);
    pw_sb_append(&stmt, "ALTER TABLE ");
    tident_to(r, &stmt, table);
    pw_sb_append(&stmt, " DROP CONSTRAINT ");
    const char *prefix = pw_sb_cstr(&stmt);
    if (prefix == NULL) return pw_sql_rctx_nomem(r);
    pw_sql_string_literal(&body, D, prefix);
    pw_sb_append(&body, " || quote_ident(n); END");
    const char *text = pw_sb_cstr(&body);
    return text == NULL ? pw_sql_rctx_nomem(r) : do_block(r, text);
}

/* A column that stops being a serial key: its default and its sequence go. */
static int drop_serial(pw_sql_rctx *r, const char *table, const char *column) {
    int rc;
    alter(r, table);
    pw_sb_append(&r->sb, "ALTER COLUMN ");
    ident(r, column);
    pw_sb_append(&r->sb, " DROP DEFAULT");
    if ((rc = pw_sql_rctx_push(r))) return rc;
    pw_strbuf body;
    pw_sb_init(&body, r->a);
    pw_sb_append(&body, "DECLARE s text := pg_get_serial_sequence(");
    quoted_table_literal(r, &body, table);
    pw_sb_append(&body, ", ");
    pw_sql_string_literal(&body, D, column);
    pw_sb_append(&body, "); BEGIN IF s IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || s; END IF; "
                        "END");
    const char *text = pw_sb_cstr(&body);
    return text == NULL ? pw_sql_rctx_nomem(r) : do_block(r, text);
}

/* A column that becomes a serial key, as SERIAL makes one: a sequence of its
 * integer type owned by it, its default, and the sequence moved past the
 * values the column holds. */
static int add_serial(pw_sql_rctx *r, const char *table, const pw_column *c) {
    int rc;
    const char *seq = pw_sql_derived_name(r->a, table, c->name, "seq");
    pw_strbuf quoted;
    pw_sb_init(&quoted, r->a);
    in_schema_of(r, &quoted, table, seq != NULL ? seq : "");
    const char *qseq = pw_sb_cstr(&quoted);
    if (seq == NULL || qseq == NULL) return pw_sql_rctx_nomem(r);
    pw_sb_append(&r->sb, "CREATE SEQUENCE ");
    pw_sb_append(&r->sb, qseq);
    pw_sb_append(&r->sb, " AS ");
    pw_sb_append(&r->sb, serial_base(serial_type(c->type[D])));
    pw_sb_append(&r->sb, " OWNED BY ");
    tident(r, table);
    pw_sb_append_char(&r->sb, '.');
    ident(r, c->name);
    if ((rc = pw_sql_rctx_push(r))) return rc;
    alter_column(r, table, c->name);
    pw_sb_append(&r->sb, "SET DEFAULT nextval(");
    pw_sql_string_literal(&r->sb, D, qseq);
    pw_sb_append(&r->sb, "::regclass)");
    if ((rc = pw_sql_rctx_push(r))) return rc;
    pw_sb_append(&r->sb, "SELECT setval(");
    pw_sql_string_literal(&r->sb, D, qseq);
    pw_sb_append(&r->sb, ", COALESCE(MAX(");
    ident(r, c->name);
    pw_sb_append(&r->sb, "), 0) + 1, false) FROM ");
    tident(r, table);
    return pw_sql_rctx_push(r);
}

static int add_index(pw_sql_rctx *r, const char *table, const pw_index *ix);

static bool ident_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || (unsigned char)ch >= 0x80;
}

/* Whether SQL text mentions name as a whole word (bare or quoted). */
static bool mentions(const char *text, const char *name) {
    size_t n = strlen(name);
    if (text == NULL || n == 0) return false;
    for (const char *p = strstr(text, name); p != NULL; p = strstr(p + 1, name))
        if ((p == text || !ident_char(p[-1])) && !ident_char(p[n])) return true;
    return false;
}

/* Whether index ix depends on column: by its key columns, or by naming it in
 * an expression or the condition (which PostgreSQL tracks too). */
static bool index_uses(const pw_index *ix, const char *column) {
    for (size_t i = 0; i < ix->ncolumns; i++)
        if (strcmp(ix->columns[i], column) == 0) return true;
    for (size_t i = 0; i < ix->nexpressions; i++)
        if (mentions(ix->expressions[i], column)) return true;
    return mentions(ix->condition, column);
}

/* A column that becomes generated, or whose expression changes: PostgreSQL
 * (before 17) only makes a generated column with the column, so it is dropped
 * and added as it is now (with its unique constraint, foreign key and
 * comment); the indexes that use it are dropped first (IF EXISTS: those
 * that only seem to name it) and made again after. Its values are computed
 * by the new expression. */
static int regenerate(pw_sql_rctx *r, const pw_table *t, const pw_column *c) {
    int rc;
    for (size_t i = 0; i < t->nindexes; i++) {
        const pw_index *ix = t->indexes[i];
        if (!index_uses(ix, c->name)) continue;
        if (is_constraint(ix)) {
            alter(r, t->name);
            pw_sb_append(&r->sb, "DROP CONSTRAINT IF EXISTS ");
        } else {
            pw_sb_append(&r->sb, "DROP INDEX IF EXISTS ");
        }
        if (is_constraint(ix))
            ident(r, ix->name);
        else
            in_schema_of(r, &r->sb, t->name, ix->name);
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    alter(r, t->name);
    pw_sb_append(&r->sb, "DROP COLUMN ");
    ident(r, c->name);
    if ((rc = pw_sql_rctx_push(r)) || (rc = add_field(r, t->name, c))) return rc;
    for (size_t i = 0; i < t->nindexes; i++)
        if (index_uses(t->indexes[i], c->name) && (rc = add_index(r, t->name, t->indexes[i])))
            return rc;
    return 0;
}

/* Only what changed, in the order that keeps every step valid: drop the old
 * foreign key and unique constraint, change the type (after dropping an old
 * default that is being replaced, so it need not cast to the new type; with
 * the sequence of an auto-increment column), nullability, default, then add
 * the new unique constraint, foreign key and comment. A constraint that only
 * changes its name is renamed instead. A column that stops being the primary
 * key lets go of it first (and of its sequence, when it was a serial key); one
 * that becomes the key takes it last (with a sequence when it is to count).
 * A column that stops being generated keeps its values (DROP EXPRESSION
 * first); one that becomes generated, or changes its expression, is made
 * again (regenerate). */
/* Safe SET NOT NULL: CHECK ("c" IS NOT NULL) NOT VALID named
 * "<table>_<column>_not_null", VALIDATE, SET NOT NULL, the check dropped. */
static int set_not_null_safe(pw_sql_rctx *r, const char *table, const char *column) {
    int rc;
    const char *name = pw_sql_derived_name(r->a, table, column, "not_null");
    if (name == NULL) return pw_sql_rctx_nomem(r);
    alter(r, table);
    pw_sb_append(&r->sb, "ADD CONSTRAINT ");
    ident(r, name);
    pw_sb_append(&r->sb, " CHECK (");
    ident(r, column);
    pw_sb_append(&r->sb, " IS NOT NULL) NOT VALID");
    if ((rc = pw_sql_rctx_push(r)) || (rc = validate(r, table, name))) return rc;
    alter_column(r, table, column);
    pw_sb_append(&r->sb, "SET NOT NULL");
    if ((rc = pw_sql_rctx_push(r))) return rc;
    return drop_constraint(r, table, name);
}

static int alter_field(pw_sql_rctx *r, const pw_table *t, const pw_column *old,
                       const pw_column *c) {
    int rc;
    const char *table = t->name;
    if (c->generated[D] != NULL && !pw_str_eq(old->generated[D], c->generated[D]))
        return regenerate(r, t, c);
    if (old->generated[D] != NULL && c->generated[D] == NULL) {
        alter_column(r, table, c->name);
        pw_sb_append(&r->sb, "DROP EXPRESSION");
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    char path[PW_ERR_PATH_MAX];
    col_path(path, table, c->name);
    bool serial_before = old->pk && old->autoincrement, serial_after = c->pk && c->autoincrement;
    if (serial_after && serial_type(c->type[D]) == NULL)
        return pw_error_set(r->err, PW_ERR_UNSUPPORTED, path,
                            "auto-increment column %s has type %s; postgres needs an integer "
                            "type (SMALLINT, INT, BIGINT)", path, c->type[D]);
    bool fk_renamed = pw_sql_fk_renamed_only(&old->fk, &c->fk);
    bool fk_changed = !pw_fk_equal(&old->fk, &c->fk) && !fk_renamed;
    bool type_changed = strcmp(old->type[D], c->type[D]) != 0;
    bool def_changed = !pw_default_equal(&old->def, &c->def);
    bool def_dropped = false;
    if (old->fk.table != NULL && fk_changed && (rc = drop_constraint(r, table, old->fk.name)))
        return rc;
    if (fk_renamed &&
        (rc = pw_sql_rename_object(r, D, table, "CONSTRAINT", old->fk.name, c->fk.name)))
        return rc;
    if (pw_column_own_unique(old)) {
        const char *name = pw_sql_column_unique_name(r->a, table, old);
        const char *next = pw_sql_column_unique_name(r->a, table, c);
        if (name == NULL || next == NULL) return pw_sql_rctx_nomem(r);
        if (!pw_column_own_unique(c)) {
            if ((rc = drop_constraint(r, table, name))) return rc;
        } else if ((rc = pw_sql_rename_object(r, D, table, "CONSTRAINT", name, next))) {
            return rc;
        }
    }
    if (old->pk && !c->pk && (rc = drop_primary_key(r, table))) return rc;
    if (serial_before && !serial_after && (rc = drop_serial(r, table, c->name))) return rc;
    if (type_changed) {
        if (def_changed && old->def.kind != PW_DEFAULT_NONE) {
            alter_column(r, table, c->name);
            pw_sb_append(&r->sb, "DROP DEFAULT");
            if ((rc = pw_sql_rctx_push(r))) return rc;
            def_dropped = true;
        }
        alter_column(r, table, c->name);
        pw_sb_append(&r->sb, "TYPE ");
        pw_sb_append(&r->sb, c->type[D]);
        pw_sb_append(&r->sb, " USING ");
        ident(r, c->name);
        pw_sb_append(&r->sb, "::");
        pw_sb_append(&r->sb, c->type[D]);
        if ((rc = pw_sql_rctx_push(r))) return rc;
        if (serial_before && serial_after && (rc = retype_sequence(r, table, old, c)))
            return rc;
    }
    if (old->null && !c->null && c->def.kind != PW_DEFAULT_NONE &&
        (rc = pw_sql_fill_nulls(r->a, r->out, D, pw_sql_rctx_schema(r, table), table, c->name,
                                &c->def, r->err)))
        return rc;
    if (r->safe && old->null && !c->null && (rc = set_not_null_safe(r, table, c->name)))
        return rc;
    if (old->null != c->null && !(r->safe && !c->null)) {
        alter_column(r, table, c->name);
        pw_sb_append(&r->sb, c->null ? "DROP NOT NULL" : "SET NOT NULL");
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    if (def_changed && !(def_dropped && c->def.kind == PW_DEFAULT_NONE)) {
        alter_column(r, table, c->name);
        if (c->def.kind == PW_DEFAULT_NONE) {
            pw_sb_append(&r->sb, "DROP DEFAULT");
        } else {
            pw_sb_append(&r->sb, "SET DEFAULT ");
            pw_sql_default_value(&r->sb, D, &c->def);
        }
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    if (!old->pk && c->pk) {
        alter(r, table);
        pw_sb_append(&r->sb, "ADD PRIMARY KEY (");
        ident(r, c->name);
        pw_sb_append_char(&r->sb, ')');
        if ((rc = pw_sql_rctx_push(r))) return rc;
    }
    if (serial_after && !serial_before && (rc = add_serial(r, table, c))) return rc;
    if (!pw_column_own_unique(old) && pw_column_own_unique(c) &&
        (rc = add_unique(r, table, c)))
        return rc;
    if (c->fk.table != NULL && fk_changed && (rc = add_fk(r, table, c))) return rc;
    if (!pw_str_eq(old->comment, c->comment) &&
        (rc = comment_column(r, table, c->name, c->comment)))
        return rc;
    return 0;
}

static int rename_field(pw_sql_rctx *r, const char *table, const pw_column *c,
                        const char *new_name) {
    int rc;
    alter(r, table);
    pw_sb_append(&r->sb, "RENAME COLUMN ");
    ident(r, c->name);
    pw_sb_append(&r->sb, " TO ");
    ident(r, new_name);
    if ((rc = pw_sql_rctx_push(r))) return rc;
    if ((rc = pw_sql_rename_unique(r, D, "CONSTRAINT", c, table, table, new_name))) return rc;
    return 0;
}

static int add_index(pw_sql_rctx *r, const char *table, const pw_index *ix) {
    if (!is_constraint(ix)) return create_index(r, table, ix);
    if (r->safe) return unique_using_index(r, table, ix->name, ix->columns, ix->ncolumns);
    alter(r, table);
    pw_sb_append(&r->sb, "ADD ");
    index_constraint(r, ix);
    return pw_sql_rctx_push(r);
}

static int remove_index(pw_sql_rctx *r, const pw_table *t, const char *name) {
    const pw_index *ix = pw_table_find_index(t, name);
    if (ix == NULL)
        return pw_error_set(r->err, PW_ERR_NOT_FOUND, name, "index %s of table %s does not exist",
                            name, t->name);
    if (is_constraint(ix)) return drop_constraint(r, t->name, name);
    pw_sb_append(&r->sb, r->safe ? "DROP INDEX CONCURRENTLY " : "DROP INDEX ");
    in_schema_of(r, &r->sb, t->name, name);
    return pw_sql_rctx_push(r);
}

int pw_sql_postgres_render_op(pw_arena *a, const pw_schema *before, const pw_op *op,
                              pw_strlist *out, bool safe, pw_error *err) {
    pw_sql_rctx r = {.a = a, .out = out, .err = err, .before = before, .safe = safe};
    pw_sb_init(&r.sb, a);
    const pw_table *t = NULL;
    const pw_column *c = NULL;
    if (op->kind == PW_OP_CREATE_MODEL) {
        r.subject = op->model;
        r.safe = false; /* an empty table: nothing to wait for */
        return create_model(&r, op->model);
    }
    if (op->kind == PW_OP_RUN_SQL || op->kind == PW_OP_RUN_PYTHON)
        return pw_error_set(err, PW_ERR_INVALID, NULL, "%s is not rendered by a dialect",
                            pw_op_kind_name(op->kind));
    if ((t = find_table(&r, before, op->table)) == NULL) return err->code;
    r.subject = t;
    switch (op->kind) {
    case PW_OP_DELETE_MODEL:
        pw_sb_append(&r.sb, "DROP TABLE ");
        tident(&r, t->name);
        return pw_sql_rctx_push(&r);
    case PW_OP_RENAME_MODEL:
        return rename_model(&r, t, op->new_name);
    case PW_OP_ALTER_MODEL:
        return alter_model(&r, t, op);
    case PW_OP_ADD_FIELD:
        return add_field(&r, t->name, op->column);
    case PW_OP_REMOVE_FIELD:
        if ((c = find_column(&r, t, op->name)) == NULL) return err->code;
        alter(&r, t->name);
        pw_sb_append(&r.sb, "DROP COLUMN ");
        ident(&r, c->name);
        return pw_sql_rctx_push(&r);
    case PW_OP_ALTER_FIELD:
        if ((c = find_column(&r, t, op->column->name)) == NULL) return err->code;
        return alter_field(&r, t, c, op->column);
    case PW_OP_RENAME_FIELD:
        if ((c = find_column(&r, t, op->name)) == NULL) return err->code;
        return rename_field(&r, t->name, c, op->new_name);
    case PW_OP_ADD_INDEX:
        return add_index(&r, t->name, op->index);
    case PW_OP_REMOVE_INDEX:
        return remove_index(&r, t, op->name);
    case PW_OP_ADD_CONSTRAINT:
        if (safe && op->check != NULL) return add_check_safe(&r, t->name, op->check);
        return pw_sql_check_constraint_op(&r, D, t, op);
    case PW_OP_REMOVE_CONSTRAINT:
        return pw_sql_check_constraint_op(&r, D, t, op);
    case PW_OP_CREATE_MODEL:
    case PW_OP_RUN_SQL:
    case PW_OP_RUN_PYTHON:
        break;
    }
    return pw_error_set(err, PW_ERR_INVALID, NULL, "unknown operation kind %d", (int)op->kind);
}
