/*
 * render.h - rendering a run of migrations, forward or backward.
 *
 * Owns: the walk that replays a base history, then renders each operation of
 * each migration against the state before it (forward), or computes the
 * reverses and renders them in reverse order (backward). Does not own: the
 * SQL of one operation (sql.h) or applying one operation (ops.h).
 */
#ifndef PW_RENDER_H
#define PW_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"
#include "strbuf.h"

/* One migration's operations. */
typedef struct {
    const char *label; /* "app.name", for error messages */
    const pw_op *ops;
    size_t nops;
} pw_migration_ops;

/* Statements for one operation. */
typedef struct {
    pw_strlist statements;
} pw_op_sql;

/* state: the schema before the first migration (already replayed by the
 * caller, changed in place to the state after the run when forward, left as
 * the state after the run reverted... i.e. equal to the input, when backward).
 * migs: n migrations in forward application order.
 * out: receives an arena array of n arrays (one per migration), each of
 * migs[i].nops pw_op_sql, in the operation's own position:
 *   forward: the statements that apply ops[j];
 *   backward: the statements that revert ops[j]; the caller runs migrations
 *   in reverse order and, inside each, operations from last to first.
 * Errors name the migration (label) and operation position. */
int pw_render_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                  pw_dialect d, bool backward, pw_op_sql ***out, pw_error *err);

#endif
