/*
 * merge.h - whether two branches of an app's migrations can be merged.
 *
 * Owns: what each operation changes and what it only reads (a table as a
 * whole, a column, an index, a check constraint, a table's options), and the
 * pairs of operations, one from each branch, that collide: both change one
 * object, or one changes what the other reads. Does not own: finding the
 * branches (graph.h gives the plans that do) or writing the merge migration.
 *
 * Two branches that do not collide give the same schema in either order, so
 * a migration that depends on both heads merges them. RUN_SQL and RUN_PYTHON
 * change nothing the engine knows: they never collide.
 */
#ifndef PW_MERGE_H
#define PW_MERGE_H

#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "render.h"

/* Two operations that collide: the object (table, and a column name, "index
 * NAME", "check NAME" or "options"; object NULL: the table as a whole) and
 * the position of each operation (migration, operation, counting from 0) in
 * its branch. */
typedef struct {
    const char *table;
    const char *object;
    size_t left_mig, left_op;
    size_t right_mig, right_op;
} pw_conflict;

/* The collisions between the operations of branch left (nl migrations) and
 * those of branch right (nr), one per pair of operations (the first object
 * they collide on), in the order of left's operations, then right's. *out is
 * an arena array (NULL when *nout is 0). 0 or PW_ERR_NOMEM. */
int pw_merge_conflicts(pw_arena *a, const pw_migration_ops *left, size_t nl,
                       const pw_migration_ops *right, size_t nr, pw_conflict **out,
                       size_t *nout, pw_error *err);

#endif
