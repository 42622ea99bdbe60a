/*
 * schema.h - the schema state: tables, columns, indexes, foreign keys.
 *
 * Owns: the in-memory description of a database schema as migrations build
 * it, lookups in it, deep copies, structural equality and the invariant check.
 * Does not own: changing it by operations (ops.h), comparing two schemas into
 * operations (diff.h), or SQL (sql.h).
 *
 * Every string and array lives in the arena of the call that built it.
 * Tables and columns are held through pointers, so a pointer obtained from a
 * lookup stays valid while other tables or columns are added; removing an
 * object invalidates only pointers to that object.
 *
 * Dialect-independence: a column's SQL type is kept per dialect (Tortoise
 * decides it per dialect), so one schema renders to every database.
 */
#ifndef PW_SCHEMA_H
#define PW_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"

typedef enum {
    PW_DIALECT_SQLITE = 0,
    PW_DIALECT_POSTGRES = 1,
    PW_DIALECT_MYSQL = 2,
    PW_DIALECT_COUNT = 3
} pw_dialect;

/* "sqlite", "postgres", "mysql"; or -1 for an unknown name. */
int pw_dialect_from_name(const char *name);
const char *pw_dialect_name(pw_dialect d);

/* A column's database default. PW_DEFAULT_NONE means the column has none. */
typedef enum {
    PW_DEFAULT_NONE = 0,
    PW_DEFAULT_INT,    /* i */
    PW_DEFAULT_FLOAT,  /* f */
    PW_DEFAULT_BOOL,   /* i is 0 or 1 */
    PW_DEFAULT_STRING, /* s: a string literal, escaped when rendered */
    PW_DEFAULT_EXPR    /* s: an SQL expression such as CURRENT_TIMESTAMP, validated */
} pw_default_kind;

typedef struct {
    pw_default_kind kind;
    long long i;
    double f;
    const char *s;
    /* PW_DEFAULT_EXPR only: a dialect's own spelling of the expression where it
     * differs from s (Tortoise's Now() is CURRENT_TIMESTAMP(6) on MySQL, its
     * RandomHex() another function on each database); NULL: s. */
    const char *dialect_s[PW_DIALECT_COUNT];
} pw_default;

/* The SQL text of the expression default def for dialect d: def->dialect_s[d]
 * when set, else def->s (may be NULL when def is invalid). */
const char *pw_default_expr(const pw_default *def, pw_dialect d);

/* ON DELETE actions of a foreign key. */
typedef enum {
    PW_FK_CASCADE = 0,
    PW_FK_RESTRICT,
    PW_FK_SET_NULL,
    PW_FK_SET_DEFAULT,
    PW_FK_NO_ACTION
} pw_fk_action;

/* "CASCADE", "RESTRICT", "SET NULL", "SET DEFAULT", "NO ACTION" (upper case,
 * as Tortoise writes them); -1 for anything else. */
int pw_fk_action_from_name(const char *name);
const char *pw_fk_action_name(pw_fk_action a);

/* A column's foreign key. table == NULL means the column has none. */
typedef struct {
    const char *name;   /* constraint name, decided by introspection */
    const char *table;  /* referenced table */
    const char *column; /* referenced column */
    pw_fk_action on_delete;
} pw_fk;

typedef struct {
    const char *name;
    const char *type[PW_DIALECT_COUNT]; /* SQL type for each dialect, never NULL */
    bool null;
    bool pk;
    bool autoincrement; /* only with pk: SERIAL / AUTOINCREMENT / AUTO_INCREMENT */
    bool unique;        /* a single-column unique constraint (not for pk) */
    /* The name of that constraint when it is not the one the renderers derive
     * from the table and column (pw_sql_unique_name): what a database made by
     * another tool has (MySQL names an inline UNIQUE after its column). NULL:
     * derived, and renamed with its table or column; set: kept as it is
     * through renames. Only on a column with its own unique constraint. */
    const char *unique_name;
    pw_default def;
    const char *comment; /* NULL: none */
    pw_fk fk;
    /* For each dialect, the clause that makes the column a generated one,
     * written after its type as Tortoise's GENERATED_SQL gives it
     * ("GENERATED ALWAYS AS (...) STORED"); NULL: a plain column there. A
     * safe fragment (pw_sql_fragment_is_safe); never with a default or on
     * the primary key. */
    const char *generated[PW_DIALECT_COUNT];
} pw_column;

/* A named index or multi-column unique constraint of one table. It is on
 * columns or on expressions, never both; method, condition and options are
 * NULL for a plain B-tree index. */
typedef struct {
    const char *name;
    const char **columns; /* column names; none when on expressions */
    size_t ncolumns;
    /* SQL expressions, each written into the key list as it is (Tortoise's
     * "(LOWER(\"name\"))"); none when on columns */
    const char **expressions;
    size_t nexpressions;
    bool unique;
    /* The index kind: an access method of PostgreSQL ("GIN", "GIST", "BRIN",
     * "HASH", "BLOOM", "SPGIST" or an extension's) or MySQL's "FULLTEXT" or
     * "SPATIAL" (pw_index_method_dialect). An identifier. */
    const char *method;
    const char *condition; /* the WHERE predicate of a partial index */
    const char *options;   /* written after the key list: "WITH PARSER ngram" */
} pw_index;

/* A named CHECK constraint of one table (Tortoise's CheckConstraint): its
 * condition, SQL written as it is (a safe fragment). */
typedef struct {
    const char *name;
    const char *check;
} pw_check;

typedef struct {
    const char *name;
    /* Tortoise's Meta.schema: the PostgreSQL schema (MySQL database) the
     * table lives in; NULL: the connection's own. SQLite has none (the
     * renderers and the physical form ignore it there). Table names stay
     * unique across schemas: the engine knows a table by its name. */
    const char *schema;
    /* The identity of the model the table belongs to: "app.ClassName" for a
     * model's own table, "app.ClassName.field" for the through table of a
     * ManyToManyField (the owning model's); NULL: unknown (a table made by a
     * migration written before identities were recorded, a database read
     * from its catalog). Not SQL: no renderer reads it. The diff takes a
     * table only in `from` and a table only in `to` with the same identity
     * for a certain rename (diff.h). Kept through RENAME_MODEL. */
    const char *model;
    const char *comment; /* NULL: none */
    pw_column **columns; /* in definition order */
    size_t ncolumns, capcolumns;
    pw_index **indexes; /* in definition order */
    size_t nindexes, capindexes;
    pw_check **checks; /* in definition order */
    size_t nchecks, capchecks;
} pw_table;

typedef struct {
    pw_table **tables; /* in creation order */
    size_t ntables, captables;
} pw_schema;

/* A new empty schema in arena a; NULL out of memory. */
pw_schema *pw_schema_new(pw_arena *a);

/* Lookups: NULL when absent. Linear in the number of objects searched. */
pw_table *pw_schema_find_table(const pw_schema *s, const char *name);
/* Position of the table in s->tables, or -1. */
long pw_schema_table_index(const pw_schema *s, const char *name);
pw_column *pw_table_find_column(const pw_table *t, const char *name);
long pw_table_column_index(const pw_table *t, const char *name);
pw_index *pw_table_find_index(const pw_table *t, const char *name);
long pw_table_index_index(const pw_table *t, const char *name);
pw_check *pw_table_find_check(const pw_table *t, const char *name);
long pw_table_check_index(const pw_table *t, const char *name);
/* The primary-key column of t, or NULL. */
pw_column *pw_table_pk(const pw_table *t);
/* The index anywhere in s named name (index names are unique per database
 * on PostgreSQL and SQLite), or NULL; *table_out receives its table. */
pw_index *pw_schema_find_index(const pw_schema *s, const char *name, pw_table **table_out);

/* Appending: the object is added as given (not copied). 0 or PW_ERR_NOMEM. */
int pw_schema_add_table(pw_arena *a, pw_schema *s, pw_table *t, pw_error *err);
int pw_table_add_column(pw_arena *a, pw_table *t, pw_column *c, pw_error *err);
/* Inserts c at position pos (0..ncolumns). */
int pw_table_insert_column(pw_arena *a, pw_table *t, size_t pos, pw_column *c, pw_error *err);
int pw_table_add_index(pw_arena *a, pw_table *t, pw_index *ix, pw_error *err);
int pw_table_add_check(pw_arena *a, pw_table *t, pw_check *c, pw_error *err);

/* Removal by position; order of the rest is kept. */
void pw_schema_remove_table_at(pw_schema *s, size_t pos);
void pw_table_remove_column_at(pw_table *t, size_t pos);
void pw_table_remove_index_at(pw_table *t, size_t pos);
void pw_table_remove_check_at(pw_table *t, size_t pos);

/* Deep copies into arena a (strings included); NULL out of memory. */
pw_column *pw_column_copy(pw_arena *a, const pw_column *c);
pw_index *pw_index_copy(pw_arena *a, const pw_index *ix);
pw_check *pw_check_copy(pw_arena *a, const pw_check *c);
pw_table *pw_table_copy(pw_arena *a, const pw_table *t);
pw_schema *pw_schema_copy(pw_arena *a, const pw_schema *s);

/* Equality of two strings either of which may be NULL (NULL equals only NULL). */
bool pw_str_eq(const char *x, const char *y);
/* The same, ASCII letters compared without case. */
bool pw_str_ieq(const char *x, const char *y);

/* Whether c is a generated column on some dialect. */
bool pw_column_is_generated(const pw_column *c);

/* Whether c has a single-column unique constraint of its own (never on the
 * primary key, which is unique already). */
bool pw_column_own_unique(const pw_column *c);

/* Structural equality. Names included; for tables, columns and indexes are
 * compared in order, and the model identity too. NULL strings equal only NULL. Expression defaults are
 * equal when their text is equal for every dialect. */
bool pw_default_equal(const pw_default *x, const pw_default *y);
bool pw_fk_equal(const pw_fk *x, const pw_fk *y);
bool pw_column_equal(const pw_column *x, const pw_column *y);
bool pw_index_equal(const pw_index *x, const pw_index *y);
bool pw_check_equal(const pw_check *x, const pw_check *y);
bool pw_table_equal(const pw_table *x, const pw_table *y);

/* The invariant: names non-empty and unique (tables in the schema, columns,
 * indexes and check constraints in a table; check constraints valid), at most one pk column, autoincrement only on the
 * pk, every type non-NULL, every index column exists in its table, no
 * nullable pk. Foreign keys may point to tables outside this schema (other
 * apps), so only a reference to a table that IS in the schema is checked for
 * its column. Returns 0, or PW_ERR_INVALID with err naming the object. */
int pw_schema_check(const pw_schema *s, pw_error *err);
int pw_table_check(const pw_table *t, pw_error *err);
/* One column on its own, as pw_table_check checks each: a name, safe types
 * for every dialect, a present and safe default, a pk that is not nullable,
 * auto-increment only on the pk, a unique constraint name only with the
 * constraint, safe generated clauses (never on the pk or with a default), a
 * complete foreign key. 0 or PW_ERR_INVALID with path "table.column" (or
 * "table"). */
int pw_column_check(const char *table, const pw_column *c, pw_error *err);

/* Validation of text that is written into SQL without quoting.
 * A type ("VARCHAR(255)", "DOUBLE PRECISION", "DECIMAL(10,2)") may hold only
 * letters, digits, '_', ' ', '(', ')', ',', '.', '[', ']'.
 * An expression ("CURRENT_TIMESTAMP", "(datetime('now'))") may also hold
 * single-quoted string literals without backslashes, and the operators
 * + - * / : = < >; never ';', '"', '`', "--", "/" "*" or control characters.
 * Both must be non-empty and have balanced parentheses. */
bool pw_sql_type_is_safe(const char *type);
bool pw_sql_expr_is_safe(const char *expr);
/* An SQL fragment written into a statement as it is (an index expression or
 * condition, a generated column's expression): what pw_sql_expr_is_safe
 * allows, and also quoted names ("a b", `a b`, with the quote doubled
 * inside), '|' (the || operator), '%', '!', '~', '&', '@' and '^'
 * (PostgreSQL's operators), '[' ']' and non-ASCII letters; never ';', '#'
 * (a comment on MySQL), a backslash, "--", a block comment or a control
 * character outside a quoted part, nor an unterminated one or unbalanced
 * parentheses. */
bool pw_sql_fragment_is_safe(const char *text);
/* The one dialect that has index method m: PW_DIALECT_MYSQL for "FULLTEXT"
 * and "SPATIAL" (any case), PW_DIALECT_POSTGRES for any other. */
pw_dialect pw_index_method_dialect(const char *m);
/* Whether ix has none of method, condition, expressions and options: an
 * index every dialect makes the same way. */
bool pw_index_is_plain(const pw_index *ix);
/* Checks what an index is on its own, whatever table it is in: a name,
 * columns (non-empty names, none twice) or expressions but not both, a
 * method that is an identifier, and safe fragments (pw_sql_fragment_is_safe)
 * for expressions, condition and options. 0 or PW_ERR_INVALID. */
int pw_index_check(const pw_index *ix, pw_error *err);
/* A check constraint on its own: a name and a safe condition
 * (pw_sql_fragment_is_safe). 0 or PW_ERR_INVALID. */
int pw_check_validate(const pw_check *c, pw_error *err);
/* Whether an expression default's text is safe (pw_sql_expr_is_safe) for every
 * dialect. */
bool pw_default_expr_is_safe(const pw_default *def);

#endif
