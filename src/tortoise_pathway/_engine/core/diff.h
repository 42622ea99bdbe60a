/*
 * diff.h - the autodetector: two schemas in, the ordered operations that
 * turn the first into the second out.
 *
 * Owns: matching tables, columns and indexes by name, asking about renames
 * through a callback, and ordering the operations so that every one of them
 * applies (pw_op_apply) to the state the previous ones left. Does not own:
 * folding operations (optimize.h) or their SQL (sql.h).
 *
 * Order of the output:
 *   0. ALTER_FIELD (in `from` names) dropping the foreign key of a column
 *      that points at a table `from` does not hold (another app's) which the
 *      diff creates without the referenced column (not in `to`, or added
 *      after the table) or renames a table lacking it to (that could not
 *      happen while the key points there);
 *   1. RENAME_MODEL of tables the model identity pairs (certain: asked of
 *      no one), then RENAME_MODEL, RENAME_FIELD that the callback confirmed;
 *   2. REMOVE_INDEX of indexes that are gone or changed, then
 *      REMOVE_CONSTRAINT of check constraints that are gone or changed;
 *   3. CREATE_MODEL of new tables, referenced tables first; a foreign-key
 *      cycle among new tables is broken by creating a table without the
 *      column that closes the cycle and adding that column (ADD_FIELD) after
 *      all tables exist;
 *   4. ADD_FIELD of new columns (table by table in `to` order, columns in
 *      definition order), a column whose foreign key points at another added
 *      column after it (a cycle of such keys is cut: a column is added
 *      without its key, which an ALTER_FIELD after the additions gives it);
 *   5. ALTER_FIELD of changed columns, ALTER_MODEL of changed comments;
 *   6. REMOVE_FIELD of dropped columns, then ALTER_FIELD of each column that
 *      takes the table's primary key over from another column (a table has
 *      one key at a time: until then such a column has its new definition
 *      without the key, added so in step 4 or altered so in step 5);
 *   7. DELETE_MODEL of dropped tables, referencing tables first (a cycle among
 *      dropped tables is broken by REMOVE_FIELD of the closing column first);
 *   8. ADD_INDEX of new or changed indexes, then ADD_CONSTRAINT of new or
 *      changed check constraints (and those of a new table created without
 *      some of its columns).
 * A foreign key that points at a column taking a primary key over (step 6)
 * lets go of it after the renames of step 1 (ALTER_FIELD without the key;
 * a column created or added in steps 3 and 4 is made without it) and gets its
 * final definition right after the move (ALTER_FIELD): the referenced column
 * has a unique constraint or the key whenever the key exists.
 * The output is a pure function of the inputs (and the callback's answers).
 */
#ifndef PW_DIFF_H
#define PW_DIFF_H

#include <stdbool.h>

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"

/* Matching tables. A table keeps its match by name. Among the tables the
 * names leave unmatched, a `from` table and a `to` table that carry the same
 * model identity (pw_table.model), each the only one of its side to carry
 * it, are one table renamed: RENAME_MODEL, with or without a callback (a
 * model that keeps its class and gets a new Meta.table). An identity missing
 * on either side (a table created by a migration written before identities
 * were recorded) pairs nothing; such a table is a rename candidate only as
 * below. Identities alone never make an operation: a table matched by name
 * whose identity differs (a renamed class) is left as it is.
 * Certain column renames (RENAME_FIELD, no callback either): in a table
 * renamed by identity whose name changes as the name of a table it points at
 * (renamed by identity too) does, a foreign-key column to that table whose
 * name changes the same way, equal otherwise (the constraint's name aside):
 * names Tortoise derives from the model's table, as the through table
 * "customers_tag" of a ManyToManyField and its key "customers_id" become
 * "clients_tag" and "clients_id" when "customers" becomes "clients". */
typedef enum { PW_RENAME_TABLE = 0, PW_RENAME_COLUMN = 1 } pw_rename_kind;

/* Asked once per candidate pair: a table only in `from` and a table only in
 * `to` (neither paired by identity) that are equal but for their names (and
 * the names inside foreign keys and indexes that follow from it), or, inside
 * one table (matched by name, identity or a confirmed rename), a column only
 * in `from` and one only in `to` that are equal but for the name, or equal
 * but for the name and the foreign-key constraint's name when the key's
 * table is renamed and the column's name changes as the table's does
 * (customer_id -> client_id for customer -> client or customers -> clients:
 * what is left of both pairs of names once their common prefix and suffix
 * are taken off is the same). Without a callback nothing is asked and no
 * such candidate is renamed.
 * table: the table (its `to` name for columns); column: the `to` column for
 * PW_RENAME_COLUMN, NULL for tables. Sets *yes. Returns 0, or non-zero to
 * abort the diff (pw_diff then returns PW_ERR_CALLBACK).
 * Once a candidate is confirmed, neither side is offered again. */
typedef int (*pw_rename_cb)(void *ctx, pw_rename_kind kind, const char *table,
                            const char *old_name, const char *new_name, const pw_column *column,
                            bool *yes);

/* Fills out with the operations from `from` to `to` (cb may be NULL: no
 * renames). Neither schema is changed. Returns 0 or a negative pw_status:
 * PW_ERR_CALLBACK (the callback failed), PW_ERR_INVALID for a `to` foreign
 * key that points at a table `from` holds and `to` drops (the table cannot be
 * deleted while the key needs it; a key to a table neither holds is fine: it
 * belongs to another app), err->path naming "table.column". */
int pw_diff(pw_arena *a, const pw_schema *from, const pw_schema *to, pw_rename_cb cb, void *ctx,
            pw_oplist *out, pw_error *err);

#endif
