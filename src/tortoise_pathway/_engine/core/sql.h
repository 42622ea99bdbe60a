/*
 * sql.h - SQL rendering shared by all dialects: identifier quoting, the one
 * literal escaper, defaults, constraint names, and the dispatch of an
 * operation to its dialect's renderer.
 *
 * Owns: how a name or a value is written into SQL for each dialect, and
 * pw_sql_render_op. Does not own: the statements of each dialect
 * (sql_sqlite.c, sql_postgres.c, sql_mysql.c).
 *
 * Safety: every identifier goes through pw_sql_ident; every value through
 * pw_sql_string_literal (or is a number rendered here); SQL types and default
 * expressions were validated by pw_sql_type_is_safe / pw_sql_expr_is_safe.
 */
#ifndef PW_SQL_H
#define PW_SQL_H

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"
#include "strbuf.h"

/* Appends name quoted for d: "na""me" for SQLite and PostgreSQL, `na``me`
 * for MySQL. */
void pw_sql_ident(pw_strbuf *sb, pw_dialect d, const char *name);

/* Appends the table name quoted for d, qualified by its schema when it has
 * one ("billing"."invoice", `billing`.`invoice`); SQLite has no schemas
 * (generate_schemas leaves Meta.schema out there): the bare name. */
void pw_sql_table(pw_strbuf *sb, pw_dialect d, const char *schema, const char *name);

/* The schema of the table named `table` while an operation on `subject` (NULL:
 * none) renders against `before` (NULL: empty): the subject's when the name is
 * the subject's, or is not in `before` (a name the operation gives the subject,
 * or a foreign key of a created table to itself); else that table's. */
const char *pw_sql_schema_of(const pw_schema *before, const pw_table *subject,
                             const char *table);

/* Appends s as a string literal for d. SQLite and PostgreSQL (with
 * standard_conforming_strings, the default since 9.1): '...' with ' doubled.
 * MySQL / MariaDB (backslash escapes on by default): ' doubled, \ doubled,
 * NUL as \0. This is the only function that writes a value into SQL text. */
void pw_sql_string_literal(pw_strbuf *sb, pw_dialect d, const char *s);

/* Appends the DEFAULT value of c for d (without the DEFAULT keyword); nothing
 * for PW_DEFAULT_NONE. Booleans: TRUE/FALSE on PostgreSQL, 1/0 elsewhere.
 * Integers with %lld, strings through pw_sql_string_literal, expressions as
 * they are. Floats with the fewest digits (15 to 17) that read back as the same
 * double; non-finite ones as 'NaN', 'Infinity',
 * '-Infinity' on PostgreSQL and 9e999 / -9e999 on SQLite (pw_sql_render_op
 * refuses the ones a dialect cannot store). */
void pw_sql_default_value(pw_strbuf *sb, pw_dialect d, const pw_default *def);

/* The name of the single-column unique constraint of table.column:
 * "<table>_<column>_key" (what PostgreSQL gives an inline UNIQUE); when that
 * is longer than 63 bytes, its first 54 bytes (cut back to a UTF-8 character
 * boundary), '_' and the 8 lowercase hex digits of the 32-bit FNV-1a hash of
 * the full name. Arena string; NULL out of memory. */
const char *pw_sql_unique_name(pw_arena *a, const char *table, const char *column);

/* "<table>_<column>_<suffix>", shortened past 63 bytes as pw_sql_unique_name
 * does (which is this with "key"); "seq" names a serial column's sequence as
 * PostgreSQL's SERIAL does. Arena string; NULL out of memory. */
const char *pw_sql_derived_name(pw_arena *a, const char *table, const char *column,
                                const char *suffix);

/* The name of column c's own unique constraint in table: c->unique_name
 * when set, else pw_sql_unique_name(table, c->name). NULL out of memory. */
const char *pw_sql_column_unique_name(pw_arena *a, const char *table, const pw_column *c);

/* Whether two foreign keys differ only by their constraint name (both set). */
bool pw_sql_fk_renamed_only(const pw_fk *x, const pw_fk *y);

/* Building blocks the dialect renderers share. */

/* Appends the n names quoted for d and separated by ", " (no parentheses). */
void pw_sql_ident_list(pw_strbuf *sb, pw_dialect d, const char *const *names, size_t n);

/* Appends an index's key list and what follows it, as generate_schemas
 * writes them: ("a", "b") or its expressions as they are ((LOWER("a"))),
 * then " <options>" and " WHERE <condition>" when it has them. The index
 * has passed the dialect's checks (those of pw_sql_render_op). */
void pw_sql_index_keys(pw_strbuf *sb, pw_dialect d, const pw_index *ix);

/* Appends " <clause>" when c is a generated column on d (what follows its
 * type in every dialect's column definition); nothing otherwise. */
void pw_sql_generated(pw_strbuf *sb, pw_dialect d, const pw_column *c);

/* Appends the table constraint of check constraint c (validated):
 * CONSTRAINT "name" CHECK (<condition>). */
void pw_sql_check_clause(pw_strbuf *sb, pw_dialect d, const pw_check *c);

/* Appends the table constraint of the foreign key fk on column (fk->table set,
 * in schema ref_schema, NULL: the connection's own):
 * CONSTRAINT "name" FOREIGN KEY ("column") REFERENCES "table" ("col") ON DELETE X. */
void pw_sql_fk_clause(pw_strbuf *sb, pw_dialect d, const char *column, const pw_fk *fk,
                      const char *ref_schema);

/* Appends an arena copy of sb's text to out as one statement and empties sb
 * for the next one. 0, or PW_ERR_NOMEM (also when an append to sb failed). */
int pw_sql_push(pw_arena *a, pw_strlist *out, pw_strbuf *sb, pw_error *err);

/* One operation's rendering in a dialect renderer: the arena, the output
 * list, the error record, the statement being built, the schema before the
 * operation and the table it works on (its definition, for CREATE_MODEL),
 * which say the schema each table name is written with. */
typedef struct {
    pw_arena *a;
    pw_strlist *out;
    pw_error *err;
    pw_strbuf sb;
    const pw_schema *before;
    const pw_table *subject;
    /* lock-aware statements (pw_sql_render_op_safe) */
    bool safe;
} pw_sql_rctx;

/* Appends the table name to r->sb, qualified as pw_sql_schema_of says. */
void pw_sql_rctx_table(pw_sql_rctx *r, pw_dialect d, const char *table);

/* The schema pw_sql_schema_of gives table in r. */
const char *pw_sql_rctx_schema(const pw_sql_rctx *r, const char *table);

/* The statement in r->sb becomes the next one of r->out (see pw_sql_push). */
int pw_sql_rctx_push(pw_sql_rctx *r);

/* Appends "ALTER TABLE <table> " (quoted and qualified for d) to r->sb. */
void pw_sql_rctx_alter(pw_sql_rctx *r, pw_dialect d, const char *table);

/* Keeps the name of a column's own unique constraint derived from its table
 * and column (pw_sql_unique_name) across a rename of the table or the column
 * (c, as it is before): pushes
 * "ALTER TABLE <new_table> RENAME <what> <old name> TO <new name>", what being
 * "CONSTRAINT" (PostgreSQL) or "INDEX" (MySQL); nothing when the names agree
 * or when c's constraint has a name of its own (c->unique_name), which a
 * rename keeps. 0 or a negative pw_status. */
int pw_sql_rename_unique(pw_sql_rctx *r, pw_dialect d, const char *what, const pw_column *c,
                         const char *old_table, const char *new_table, const char *new_col);

/* ADD_CONSTRAINT or REMOVE_CONSTRAINT op on table t (PostgreSQL, MySQL):
 * pushes "ALTER TABLE <t> ADD CONSTRAINT <name> CHECK (<condition>)" or
 * "ALTER TABLE <t> DROP CONSTRAINT <name>". 0 or a negative pw_status
 * (PW_ERR_NOT_FOUND: no such check on t). */
int pw_sql_check_constraint_op(pw_sql_rctx *r, pw_dialect d, const pw_table *t,
                               const pw_op *op);

/* Pushes "ALTER TABLE <table> RENAME <what> <from> TO <to>"; nothing when the
 * names agree. 0 or a negative pw_status. */
int pw_sql_rename_object(pw_sql_rctx *r, pw_dialect d, const char *table, const char *what,
                         const char *from, const char *to);

/* PW_ERR_NOMEM in r->err, returned. */
int pw_sql_rctx_nomem(pw_sql_rctx *r);

/* Appends to out "UPDATE <table> SET <column> = <def> WHERE <column> IS NULL":
 * the rows that would break a column turning NOT NULL get its new default
 * first (PostgreSQL and MySQL; SQLite's rebuild uses COALESCE instead).
 * def must not be PW_DEFAULT_NONE. 0 or PW_ERR_NOMEM. */
int pw_sql_fill_nulls(pw_arena *a, pw_strlist *out, pw_dialect d, const char *schema,
                      const char *table, const char *column, const pw_default *def,
                      pw_error *err);

/* Appends to out the statements (no trailing ';') that carry out op on a
 * database of dialect d whose schema is `before`. Operations that change no
 * schema: RUN_SQL gives its sql_forward as one statement; RUN_PYTHON gives
 * none. Before handing op to its dialect, checks what it would write into SQL
 * unquoted (types for d, default expressions: PW_ERR_INVALID), that the names
 * its kind needs are there (PW_ERR_INVALID), and that d can spell a float
 * default (NaN only on PostgreSQL, infinities not on MySQL:
 * PW_ERR_UNSUPPORTED). Returns 0 or a negative pw_status (err names the
 * object). */
int pw_sql_render_op(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                     pw_strlist *out, pw_error *err);

/* pw_sql_render_op, with safe true: the lock-aware statements of a migration
 * marked safe, which the executor runs one by one outside a transaction.
 * PostgreSQL (sql_postgres.c): indexes built and dropped CONCURRENTLY, unique
 * constraints added USING an index built so, foreign keys and checks added
 * NOT VALID then VALIDATEd, SET NOT NULL through a validated check. MySQL
 * (sql_mysql.c): ADD / DROP COLUMN with ", ALGORITHM=INSTANT", index builds
 * and drops with " ALGORITHM=INPLACE LOCK=NONE" / ", ALGORITHM=INPLACE,
 * LOCK=NONE", always at the very end of the statement (a server that refuses
 * the algorithm gets the statement again without it, pw_sql_strip_algorithm).
 * SQLite: as pw_sql_render_op. */
int pw_sql_render_op_safe(pw_arena *a, const pw_schema *before, const pw_op *op, pw_dialect d,
                          bool safe, pw_strlist *out, pw_error *err);

/* The length of stmt without the ALGORITHM / LOCK clause a safe MySQL
 * statement ends with (see pw_sql_render_op_safe): strlen(stmt) when it has
 * none. The executor's fallback for a server that refuses the algorithm. */
size_t pw_sql_strip_algorithm(const char *stmt);

#endif
