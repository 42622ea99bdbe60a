/*
 * sql_sqlite.h - the sqlite renderer's entry point (see sql_sqlite.c).
 */
#ifndef PW_SQL_SQLITE_H
#define PW_SQL_SQLITE_H

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"
#include "strbuf.h"

/* The prefix of the scratch table of a rebuild: a statement naming it belongs
 * to a rebuild (risk.c reads the choice from there). */
#define PW_SQLITE_REBUILD_PREFIX "__pw_new_"

/* Appends to out the statements that carry out op (a schema-changing kind,
 * never RUN_SQL / RUN_PYTHON, which sql.c handles) on sqlite, given the schema
 * before op. Contract as pw_sql_render_op in sql.h. */
int pw_sql_sqlite_render_op(pw_arena *a, const pw_schema *before, const pw_op *op, pw_strlist *out,
                          pw_error *err);

#endif
