/*
 * risk.h - what applying an operation to a live database risks, per dialect.
 *
 * Owns: the risk rules (lint, and later expand/contract): for one operation,
 * the schema before it and a server (dialect, version, MariaDB or MySQL), the
 * findings: a class (data loss, blocking, breaking the running code), a stable
 * code, the reason and the safe alternative. The rules that differ by
 * database live in one function per dialect in risk.c, each naming the
 * section of that database's documentation it follows. Does not own: the SQL
 * (sql.h; SQLite's rebuild is read from its renderer), the allow lists or
 * the output (lint.py).
 *
 * Codes, by class:
 *   data-loss  drop-table, drop-column, narrow-type
 *   blocking   table-rewrite, not-null-scan, index-build-blocks-writes,
 *              fk-validation, check-validation
 *   breaking   drop-table-in-use, drop-column-in-use, rename-table,
 *              rename-column, not-null-no-default
 *   unknown    data-step (RUN_SQL / RUN_PYTHON: a note, never a finding)
 * An operation on a table created earlier in the same migration risks
 * nothing (no rows, no running code reads it); a later migration finds the
 * table as a deployed database has it, with rows and readers.
 */
#ifndef PW_RISK_H
#define PW_RISK_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "render.h"
#include "schema.h"

typedef enum {
    PW_RISK_DATA_LOSS = 0,
    PW_RISK_BLOCKING,
    PW_RISK_BREAKING,
    PW_RISK_UNKNOWN
} pw_risk_class;

/* "data-loss", "blocking", "breaking", "unknown". */
const char *pw_risk_class_name(pw_risk_class c);

/* The database the operations run on. version: the server's version as
 * major * 10000 + minor * 100 + patch (PostgreSQL 11.2 -> 110200, MySQL
 * 8.0.29 -> 80029, MariaDB 10.4.3 -> 100403); 0: unknown, taken as a current
 * release (PostgreSQL 11 or later, MySQL 8.0.29 or later, MariaDB 10.4.3 or
 * later). mariadb: the mysql dialect's server is MariaDB (false: MySQL,
 * whose rules find more where the two differ). */
typedef struct {
    pw_dialect dialect;
    long version;
    bool mariadb;
    /* the migration's SQL is lock-aware (pw_migration_ops.safe, render's safe):
     * on PostgreSQL indexes are built CONCURRENTLY, keys and checks added NOT
     * VALID then validated, SET NOT NULL goes through a validated check, so
     * none of those blocks writes */
    bool safe;
} pw_server;

/* One finding. Strings live in the arena of the call. */
typedef struct {
    pw_risk_class cls;
    const char *code;        /* stable: "drop-column", "table-rewrite", ... */
    const char *reason;      /* one sentence naming the table / column */
    const char *alternative; /* the safe way to reach the same schema */
} pw_finding;

typedef struct {
    pw_finding *items;
    size_t len, cap;
} pw_findings;

/* Appends to out the findings of op, given the schema before it (before
 * must hold op's table, as for pw_op_apply). new_tables: the tables created
 * earlier in the same run (names; may be NULL), about which nothing is found
 * but data steps. 0, or a negative pw_status (PW_ERR_NOMEM; the errors of
 * pw_sql_render_op when the SQLite rebuild is asked of an invalid op). */
int pw_risk_op(pw_arena *a, const pw_schema *before, const pw_op *op, const pw_server *srv,
               const pw_strlist *new_tables, pw_findings *out, pw_error *err);

/* The findings of each operation of a run of migrations, each migration
 * judged as it is deployed on its own: on the state the migrations before
 * it leave, its own new tables being the only empty ones. state: the schema
 * before the run, changed in place to the schema after it (as
 * pw_render_run). out: an arena array of n arrays of migs[i].nops
 * pw_findings; each migration is judged with srv's safe set to its own
 * (migs[i].safe). 0, or a negative pw_status located as pw_render_run does. */
int pw_risk_run(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                const pw_server *srv, pw_findings ***out, pw_error *err);

/* Expand / contract: the stage of an operation. EXPAND: safe while the code
 * of the release before runs (additions, new tables, nullable columns, new
 * indexes, relaxing); CONTRACT: what that code breaks on (a finding of class
 * breaking: drops and renames of what it uses, NOT NULL columns it does not
 * write), to run once the new release is deployed. */
typedef enum { PW_STAGE_EXPAND = 0, PW_STAGE_CONTRACT } pw_stage;

/* "expand", "contract". */
const char *pw_stage_name(pw_stage s);

/* The stage of each operation of each migration of a run, each migration
 * split as a run in two would apply it: its EXPAND operations first (in
 * their order), then its CONTRACT ones. An operation is CONTRACT when it has
 * a breaking finding (pw_risk_op; these are the same on every dialect), and
 * so is one that cannot move before the CONTRACT operations ahead of it: a
 * data step (RUN_SQL / RUN_PYTHON) after one, an operation on a table one of
 * them touched. When the two halves applied in that order would not give the
 * migration's schema (or do not apply), every operation of the migration
 * gets the stage of its most demanding one. state: the schema before the run,
 * changed in place to the schema after it. out: an arena array of n arrays of
 * migs[i].nops stages. 0, or a negative pw_status located as pw_render_run
 * does. */
int pw_risk_stages(pw_arena *a, pw_schema *state, const pw_migration_ops *migs, size_t n,
                   pw_stage ***out, pw_error *err);

#endif
