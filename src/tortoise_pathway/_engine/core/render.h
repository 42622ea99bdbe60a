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
    /* render its operations lock-aware (pw_sql_render_op_safe); false when
     * left out of an initializer */
    bool safe;
} pw_migration_ops;

/* Re-sets err (already filled by a callee) with its message prefixed by "<label>: operation
 * N (kind): " for operation j of m, N counting from 1; the path stays the callee's, or
 * becomes the label. Returns the callee's code. Every run over migrations reports so. */
int pw_locate_error(pw_error *err, const pw_migration_ops *m, size_t j);

/* Statements for one operation. */
typedef struct {
    pw_strlist statements;
} pw_op_sql;

/* state: in: the schema before the first migration of the run (the caller
 * replayed the base history). Out, on success: the schema the database has
 * once the returned statements have run, changed in place:
 *   forward: the state after the whole run;
 *   backward: the state before the run again (the run is applied forward to
 *   reach the database's current state, then each reverse is applied), i.e.
 *   the input up to the order of columns and indexes that reverses re-add
 *   (pw_op_apply appends them).
 * On error state is somewhere in between; discard it.
 * migs: n migrations in forward application order (for backward too: the
 * migrations being reverted, as they were applied).
 * out: receives an arena array of n arrays (one per migration), each of
 * migs[i].nops pw_op_sql, in the operation's own position:
 *   forward: the statements that apply ops[j];
 *   backward: the statements that revert ops[j]; the caller runs migrations
 *   in reverse order and, inside each, operations from last to first.
 * *out is NULL on error. Errors: those of pw_sql_render_op, pw_op_apply and
 * (backward) pw_op_reverse, e.g. PW_ERR_IRREVERSIBLE for a run_sql without
 * backward SQL, with the message prefixed "<label>: operation N (kind): ",
 * N counting from 1 within the migration; err->path stays the object at
 * fault (the label when there is none). */
int pw_render_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                  pw_dialect d, bool backward, pw_op_sql ***out, pw_error *err);

/* Separates a table's schema from its name in the names pw_touched_run gives
 * ("crm\x1fcustomer"); a table of the connection's own schema is its bare
 * name. */
#define PW_TOUCHED_SEP '\x1f'

/* The tables whose catalog the statements of each operation of a run can
 * change (forward or backward alike): the operation's table (in its schema
 * before the operation and, when ALTER_MODEL moves it, after), the new name of
 * a renamed table, and the tables whose foreign keys point at its table
 * (MySQL drops and re-adds them around a change of the column they point
 * at). RUN_SQL and RUN_PYTHON touch none that are known. A resumed run that
 * did not record its last step compares these tables' catalog with what they
 * were before that step. state: as for pw_render_run (forward), changed in
 * place. out: an arena array of n arrays of migs[i].nops lists of names,
 * each without repeats. 0 or a negative pw_status, located as pw_render_run
 * does. */
int pw_touched_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                   pw_strlist ***out, pw_error *err);

#endif
