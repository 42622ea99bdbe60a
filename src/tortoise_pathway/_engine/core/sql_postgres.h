/*
 * sql_postgres.h - the postgres renderer's entry point (see sql_postgres.c).
 */
#ifndef PW_SQL_POSTGRES_H
#define PW_SQL_POSTGRES_H

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"
#include "strbuf.h"

/* Appends to out the statements that carry out op (a schema-changing kind,
 * never RUN_SQL / RUN_PYTHON, which sql.c handles) on postgres, given the schema
 * before op; safe: the lock-aware statements. Contract as pw_sql_render_op_safe in
 * sql.h. */
int pw_sql_postgres_render_op(pw_arena *a, const pw_schema *before, const pw_op *op, pw_strlist *out,
                          bool safe, pw_error *err);

#endif
