/*
 * ops.h - schema operations: their kinds, applying them to a schema, and
 * their reverses.
 *
 * Owns: pw_op (one step of a migration as data), pw_op_apply (how each
 * operation changes the schema state) and pw_op_reverse (the operation that
 * undoes it, computed against the state before it). Does not own: finding
 * operations (diff.h), reordering or folding them (optimize.h), or their SQL
 * (sql.h).
 *
 * Operation kinds and the fields each one uses (others are NULL / 0):
 *   CREATE_MODEL   model (full table definition)
 *   DELETE_MODEL   table
 *   RENAME_MODEL   table (old name), new_name
 *   ALTER_MODEL    table, comment (NULL clears it), schema (NULL: the
 *                  connection's own): the table's options, both set as given
 *   ADD_FIELD      table, column (full definition), fill (optional)
 *   REMOVE_FIELD   table, name (column name)
 *   ALTER_FIELD    table, column (new full definition; column->name says which),
 *                  fill (optional)
 *   RENAME_FIELD   table, name (old column name), new_name
 *   ADD_INDEX      table, index (full definition)
 *   REMOVE_INDEX   table, name (index name)
 *   ADD_CONSTRAINT    table, check (full definition)
 *   REMOVE_CONSTRAINT table, name (check constraint name)
 *   RUN_SQL        sql_forward, sql_backward (NULL: irreversible), elidable; no
 *                  schema change
 *   RUN_PYTHON     reversible, elidable; no schema change (the Python shell runs
 *                  the code)
 */
#ifndef PW_OPS_H
#define PW_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "schema.h"

typedef enum {
    PW_OP_CREATE_MODEL = 0,
    PW_OP_DELETE_MODEL,
    PW_OP_RENAME_MODEL,
    PW_OP_ALTER_MODEL,
    PW_OP_ADD_FIELD,
    PW_OP_REMOVE_FIELD,
    PW_OP_ALTER_FIELD,
    PW_OP_RENAME_FIELD,
    PW_OP_ADD_INDEX,
    PW_OP_REMOVE_INDEX,
    PW_OP_ADD_CONSTRAINT,
    PW_OP_REMOVE_CONSTRAINT,
    PW_OP_RUN_SQL,
    PW_OP_RUN_PYTHON
} pw_op_kind;

#define PW_OP_KIND_COUNT 14

/* "create_model", "delete_model", "rename_model", "alter_model", "add_field",
 * "remove_field", "alter_field", "rename_field", "add_index", "remove_index",
 * "add_constraint", "remove_constraint", "run_sql", "run_python"; -1 for an
 * unknown name. */
int pw_op_kind_from_name(const char *name);
const char *pw_op_kind_name(pw_op_kind k);

typedef struct {
    pw_op_kind kind;
    const char *table;    /* the table the operation works on (not CREATE_MODEL) */
    const char *name;     /* REMOVE_FIELD / RENAME_FIELD column, REMOVE_INDEX index,
                           * REMOVE_CONSTRAINT check constraint */
    const char *new_name; /* RENAME_MODEL / RENAME_FIELD */
    const char *comment;  /* ALTER_MODEL */
    const char *schema;   /* ALTER_MODEL */
    pw_table *model;      /* CREATE_MODEL */
    pw_column *column;    /* ADD_FIELD / ALTER_FIELD */
    /* ADD_FIELD / ALTER_FIELD: a one-off value for the rows that exist when a
     * column becomes NOT NULL without a default of its own (the user's answer
     * to makemigrations' question). Not part of the schema state; ignored by
     * pw_op_apply and dropped by pw_op_reverse. PW_DEFAULT_NONE: none. */
    pw_default fill;
    pw_index *index;      /* ADD_INDEX */
    pw_check *check;      /* ADD_CONSTRAINT */
    const char *sql_forward;  /* RUN_SQL: one or more statements */
    const char *sql_backward; /* RUN_SQL: NULL when irreversible */
    bool reversible;          /* RUN_PYTHON */
    /* RUN_SQL / RUN_PYTHON: the step only matters to databases that ran it as it
     * came (a data fix, a one-off backfill), so folding the history for a
     * squash drops it (pw_optimize), as Django's elidable=True. False: it is
     * kept, and nothing is moved across it. */
    bool elidable;
} pw_op;

typedef struct {
    pw_op *items;
    size_t len, cap;
} pw_oplist;

/* Appends a copy of the struct *op (shallow: pointers are shared). 0 or PW_ERR_NOMEM. */
int pw_oplist_push(pw_arena *a, pw_oplist *l, const pw_op *op, pw_error *err);

/* The table an operation targets (model->name for CREATE_MODEL), or NULL for
 * RUN_SQL / RUN_PYTHON. */
const char *pw_op_table(const pw_op *op);

/* Applies op to s in place. Everything op points to is deep-copied into a,
 * so the op may be reused or freed afterwards. Checks:
 *   CREATE_MODEL: table must not exist (PW_ERR_EXISTS), pw_table_check passes;
 *   others: the table / column / index named must exist (PW_ERR_NOT_FOUND);
 *   ADD_FIELD / RENAME_*: the new name must not exist (PW_ERR_EXISTS);
 *   REMOVE_FIELD: no index of the table may use the column (PW_ERR_INVALID,
 *     remove the index first), and no other column's foreign key may point at it;
 *   DELETE_MODEL: no foreign key of another table in s may point at it;
 *   ADD_INDEX: columns must exist, index name unused in the whole schema;
 *   ADD_CONSTRAINT: a valid check whose name the table does not use.
 * RENAME_MODEL updates foreign keys of every table that point at the old name;
 * RENAME_FIELD updates the table's indexes and every foreign key that points
 * at the column. On error s is unchanged. Returns 0 or a negative pw_status. */
int pw_op_apply(pw_arena *a, pw_schema *s, const pw_op *op, pw_error *err);

/* Table-local part of pw_op_apply for ALTER_MODEL, ADD_FIELD, REMOVE_FIELD,
 * ALTER_FIELD, RENAME_FIELD, ADD_INDEX, REMOVE_INDEX, ADD_CONSTRAINT,
 * REMOVE_CONSTRAINT on one table t (no
 * cross-table updates, no cross-table checks). The SQLite renderer uses it on
 * a copy of a table to know the table after a change. Other kinds give
 * PW_ERR_INVALID. On error t is unchanged. */
int pw_op_apply_table(pw_arena *a, pw_table *t, const pw_op *op, pw_error *err);

/* The operation that undoes op, given the schema before op. The result's
 * pointers are arena copies. RUN_SQL without backward, RUN_PYTHON not
 * reversible give PW_ERR_IRREVERSIBLE; a name that is not in `before` gives
 * PW_ERR_NOT_FOUND. */
int pw_op_reverse(pw_arena *a, const pw_schema *before, const pw_op *op, pw_op *out,
                  pw_error *err);

/* Applies every operation of ops to s in order; stops at the first error,
 * with err->path naming the object and the operation's position prefixed
 * to the message as "operation N (kind): ...". */
int pw_ops_apply_all(pw_arena *a, pw_schema *s, const pw_op *ops, size_t n, pw_error *err);

#endif
