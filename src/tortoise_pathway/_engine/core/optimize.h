/*
 * optimize.h - folding a list of operations into a shorter one that has the
 * same effect on the schema state, for squashing migrations (what Django's
 * MigrationOptimizer does).
 *
 * Owns: what an operation touches in the schema (pw_op_refs) and so which
 * operations may change places (pw_refs_overlap), the folding rules, and the
 * loop that applies them to a fixed point. Does not own: applying operations
 * (ops.h), finding them (diff.h), or choosing the migrations to squash and
 * writing the squashed one (the Python shell).
 *
 * The contract: from the state `start`, applying the result gives exactly the
 * schema that applying the input gives (pw_table_equal table by table, in the
 * same order: columns, indexes and check constraints in the same order too),
 * and every operation of the result applies. pw_optimize checks that on
 * every call and fails rather than return a list that breaks it.
 *
 * Two operations may change places when nothing one of them touches overlaps
 * what the other touches (pw_refs_overlap). A pair that folds (below) is
 * folded when every operation between them can change places with the first
 * (which then moves down to the second) or with the second (which moves up
 * to the first); the folded result takes that place. Rules, for one table T:
 *   create_model T    + delete_model T         -> nothing
 *   create_model T    + rename_model T->W      -> create_model W (its own foreign
 *                                                 keys to T renamed)
 *   create_model T    + any operation on T     -> create_model T as that
 *                       of one table              operation leaves it
 *   any operation on T (one table) + delete_model T  -> delete_model T
 *   rename_model T->W + rename_model W->X      -> rename_model T->X (nothing when X is T)
 *   rename_model T->W + delete_model W         -> delete_model T
 *   add_field c       + remove_field c         -> nothing
 *   add_field c       + alter_field c          -> add_field c (new definition)
 *   add_field c       + rename_field c->d      -> add_field d
 *   alter_field c     + alter_field c          -> alter_field c (the second
 *                                                 definition; nothing when it is
 *                                                 the column as it was before both,
 *                                                 its rows included)
 *   alter_field c     + remove_field c         -> remove_field c
 *   rename_field a->b + rename_field b->c      -> rename_field a->c (nothing when c is a)
 *   rename_field a->b + remove_field b         -> remove_field a
 *   add_index i       + remove_index i         -> nothing
 *   add_constraint k  + remove_constraint k    -> nothing
 *   alter_model       + alter_model            -> the second
 * and alone: an alter_field that leaves its column as it is -> nothing.
 * Not folded, on purpose:
 *   - a rename (table or column) into a create_model or a rename of a table,
 *     or a rename chain of tables, when some foreign key of the state before
 *     names the table (a table of another app, or one not made yet): the
 *     rename would have renamed that key too;
 *   - rename_field / remove_field into a create_model whose table has SQL
 *     text that may name columns (a check constraint, an index on
 *     expressions or with a condition, a generated column): CREATE TABLE
 *     would meet that text before the change;
 *   - add_field / alter_field + alter_field when the rows a table already has
 *     would not get the values the two steps give them: a folded add_field
 *     gets the fill that gives them (the first column's default or fill,
 *     else the second fill) and is not made when its own default, or a
 *     nullable column, would give them another; a folded alter_field keeps
 *     the first fill (when it filled NULLs of a nullable column and the new
 *     column takes a fill), else the second; a generated definition that the
 *     rows would pass through or leave (values computed, then kept or not by
 *     the database) is not folded;
 *   - remove_field + add_field of the same name, remove_index + add_index,
 *     remove_constraint + add_constraint (the object would move to the end of
 *     its list);
 *   - a rename followed by operations under the new name (rename_field +
 *     alter_field, rename_model + add_field...), which Django does not fold
 *     either: the pair stays as written.
 * A create_model absorbs operations without regard to rows: a table made in
 * the list has none but what a RUN_SQL / RUN_PYTHON puts there, and nothing
 * moves across those. RUN_SQL and RUN_PYTHON touch everything: nothing moves
 * across them, unless elidable, and an elidable one is dropped. SQL text
 * (check conditions, index expressions and conditions, generated clauses) is
 * taken to use every column of its table. An operation that changes a column
 * (adds, drops, alters, renames it) and one that uses it (an index on it, a
 * foreign key to it, SQL text of its table) never change places; two that
 * only use it may. Two create_model, two add_field of one table, two
 * add_index of one table, two add_constraint of one table never change
 * places (the order of tables, columns, indexes or checks would change).
 */
#ifndef PW_OPTIMIZE_H
#define PW_OPTIMIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"

/* What an operation touches. */
typedef enum {
    PW_REF_ALL = 0,      /* everything (RUN_SQL, RUN_PYTHON) */
    PW_REF_TABLE,        /* table as a whole: made, dropped, renamed (from or to) */
    PW_REF_PART,         /* some part of table that no other reference names */
    PW_REF_COLUMN,       /* column `name` of table: made, dropped, changed, renamed */
    PW_REF_COLUMN_USE,   /* column `name` of table, used as it is (an index's column,
                          * a foreign key's target) */
    PW_REF_COLUMNS_USE,  /* every column of table, used: SQL text that may name any */
    PW_REF_PK,           /* which column of table is its primary key */
    PW_REF_COLUMN_ORDER, /* appends a column to table */
    PW_REF_INDEX,        /* index `name` (one namespace per schema; table NULL) */
    PW_REF_INDEX_ORDER,  /* appends an index to table */
    PW_REF_CHECK,        /* check constraint `name` of table */
    PW_REF_CHECK_ORDER,  /* appends a check constraint to table */
    PW_REF_COMMENT,      /* table's comment */
    PW_REF_TABLE_ORDER   /* appends a table to the schema (table NULL) */
} pw_ref_kind;

typedef struct {
    pw_ref_kind kind;
    const char *table;
    const char *name;
} pw_ref;

typedef struct {
    pw_ref *items;
    size_t len, cap;
} pw_reflist;

/* Appends to out (without repeats) what op touches. before: the state op
 * applies to, or NULL; with it, the references that only the state knows are
 * added too: the foreign-key targets, primary key and generated clause of a
 * column that is removed or altered, the indexes and foreign keys of a table
 * that is deleted, the columns of an index or the condition of a check that
 * is removed. The names point into op and before. 0 or PW_ERR_NOMEM. */
int pw_op_refs(pw_arena *a, const pw_schema *before, const pw_op *op, pw_reflist *out,
               pw_error *err);

/* Whether two operations with these references may not change places: some
 * reference of one is ALL, or a TABLE of a table the other names, or a
 * COLUMN of a column the other changes or uses (COLUMN, COLUMN_USE, or
 * COLUMNS_USE of its table), or the same reference (kind, table, name) as
 * one of the other (PART and the two uses excepted: using a column does not
 * keep another use from moving). */
bool pw_refs_overlap(const pw_reflist *x, const pw_reflist *y);

/* Whether the references name table `table` (column NULL: in any way) or
 * column `column` of it (through a COLUMN or COLUMN_USE of that name, its
 * table's COLUMNS_USE or TABLE): the "references(table, column)" of Django's
 * operations. ALL names everything. */
bool pw_refs_name(const pw_reflist *r, const char *table, const char *column);

/* Folds ops[0..n) (applied from start; NULL: the empty schema) by the rules
 * above until none applies, elidable RUN_SQL / RUN_PYTHON dropped. out (empty
 * on entry; left so on error) receives the result: operations left as they
 * were share what they point to with ops; folded ones are arena copies. Deterministic: the
 * same input gives the same output. Neither start nor ops is changed.
 * Errors: an operation of the input that does not apply gives its error with
 * "operation N (kind): " prefixed, N counting from 1 (as pw_ops_apply_all);
 * PW_ERR_INVALID when the folded list would not give the same schema (a bug
 * of the optimizer: nothing is returned rather than a wrong list). */
int pw_optimize(pw_arena *a, const pw_schema *start, const pw_op *ops, size_t n, pw_oplist *out,
                pw_error *err);

#endif
