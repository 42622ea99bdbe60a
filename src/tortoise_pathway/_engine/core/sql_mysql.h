/*
 * sql_mysql.h - the mysql renderer's entry point (see sql_mysql.c).
 */
#ifndef PW_SQL_MYSQL_H
#define PW_SQL_MYSQL_H

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"
#include "strbuf.h"

/* Appends to out the statements that carry out op (a schema-changing kind,
 * never RUN_SQL / RUN_PYTHON, which sql.c handles) on mysql, given the schema
 * before op; safe: the lock-aware statements. Contract as pw_sql_render_op_safe in
 * sql.h. */
int pw_sql_mysql_render_op(pw_arena *a, const pw_schema *before, const pw_op *op, pw_strlist *out,
                          bool safe, pw_error *err);

/* Whether InnoDB accepts a foreign key from a column of MySQL type x to one of
 * type y: the same type (integers and decimals: the same size, sign,
 * precision), where character and binary strings may differ in length. A key
 * between other types is left out until the types agree (see sql_mysql.c). */
bool pw_sql_mysql_fk_types_compatible(const char *x, const char *y);

#endif
