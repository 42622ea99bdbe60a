/*
 * build.h - builders that make schemas and operations short to write in the
 * C unit tests. Everything is allocated in the arena given; the builders
 * abort() when out of memory (tests only).
 */
#ifndef PW_TEST_BUILD_H
#define PW_TEST_BUILD_H

#include <stdbool.h>

#include "ops.h"
#include "schema.h"

/* A new table with no columns, added to s when s is not NULL. */
pw_table *tb_table(pw_arena *a, pw_schema *s, const char *name);
/* Appends a NOT NULL column whose type is `type` on every dialect. */
pw_column *tb_col(pw_arena *a, pw_table *t, const char *name, const char *type);
/* Appends "id" INT primary key, auto-increment. */
pw_column *tb_pk(pw_arena *a, pw_table *t);
/* Appends an INT NOT NULL column `name` referencing ref_table.id, on_delete
 * CASCADE, constraint name "fk_<table>_<name>". */
pw_column *tb_fk(pw_arena *a, pw_table *t, const char *name, const char *ref_table);
/* Sets a column's per-dialect types. */
void tb_types(pw_column *c, const char *sqlite, const char *postgres, const char *mysql);
/* Appends an index on comma-separated columns ("a,b"). */
pw_index *tb_index(pw_arena *a, pw_table *t, const char *name, bool unique, const char *cols);
/* A standalone column (not in a table) for ADD_FIELD / ALTER_FIELD. */
pw_column *tb_column(pw_arena *a, const char *name, const char *type);
/* Renders op against s for dialect d through pw_sql_render_op: every
 * statement followed by ";\n" (so statement boundaries show), "" when there
 * are none, or NULL with *rc the error. Arena string. */
const char *tb_sql(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d, int *rc,
                   pw_error *err);
/* tb_sql through pw_sql_render_op_safe with safe true: the lock-aware
 * statements of a migration marked safe. */
const char *tb_sql_safe(pw_arena *a, const pw_schema *s, const pw_op *op, pw_dialect d, int *rc,
                        pw_error *err);
/* An operation of kind with table set; fill the rest by hand. */
pw_op tb_op(pw_op_kind kind, const char *table);

#endif
