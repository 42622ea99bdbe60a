/*
 * compare.h - a schema as a database of one dialect holds it, the
 * differences between what a database holds and what migrations (or models)
 * describe, and the baseline of a database taken under management.
 *
 * Owns: the physical form of a schema in a dialect (what the renderers'
 * statements leave in that database's catalog), reconciling a schema read
 * from a database with the schema it is compared with (which single-column
 * unique indexes are a column's own unique constraint), the list of differences between two
 * schemas as readable lines (from pw_diff's operations), and the merge of a
 * live schema with the models' into an adoption baseline. Does not own:
 * reading a catalog (live.py), the spellings of types and defaults
 * (catalog.h), the diff itself (diff.h) or SQL (sql.h).
 */
#ifndef PW_COMPARE_H
#define PW_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "error.h"
#include "ops.h"
#include "schema.h"
#include "strbuf.h"

/* The schema s as a database of dialect d holds it once the statements the
 * renderers write for s have run, so that it compares equal to the same
 * schema read from that database's catalog (live.py):
 *   - every type slot holds d's type in Tortoise's spelling
 *     (pw_catalog_type); an auto-increment key on SQLite is INTEGER (SQLite
 *     takes AUTOINCREMENT on nothing else);
 *   - defaults in their normal form for d (pw_catalog_default_of); an
 *     auto-increment key has none (the sequence is not a default);
 *   - a column's own unique constraint carries the name it has in the
 *     database as unique_name (the derived one where it had none);
 *   - SQLite keeps no comments and no names of foreign keys or unique
 *     constraints: comments and unique_name are cleared, every foreign key is
 *     named "<table>_<column>_fkey";
 *   - PostgreSQL: every name cut to 63 bytes (at a character boundary), as
 *     PostgreSQL cuts a longer one when it is created;
 *   - MySQL: a foreign key the renderer leaves out (column types InnoDB does
 *     not join, pw_sql_mysql_fk_types_compatible) is not there; ON DELETE SET
 *     DEFAULT, which InnoDB lacks, is RESTRICT (what MariaDB keeps); an empty
 *     comment is none.
 * *out is a new arena schema; s is unchanged. 0 or PW_ERR_NOMEM. */
int pw_schema_physical(pw_arena *a, const pw_schema *s, pw_dialect d, pw_schema **out,
                       pw_error *err);

/* One difference between a database and what migrations describe. */
typedef struct {
    const char *object;  /* "users", "users.email" or "index idx_users_name" */
    const char *message; /* the line to show, starting with the object; newlines,
                          * carriage returns and tabs in it written \n, \r, \t */
    bool name_only;      /* only the name of a constraint or an index differs */
} pw_difference;

typedef struct {
    pw_difference *items;
    size_t len, cap;
} pw_difflist;

/* Compares live (read from a database of dialect d) with expected (what the
 * migrations applied there describe). Both are taken to their physical form
 * for d and live is reconciled with expected: a single-column unique index of
 * a live table becomes the column's own unique constraint (unique_name: the
 * index's name; none on SQLite, which keeps no such names) when the expected
 * table has no index of that name and its column has its own unique
 * constraint, which the live column lacks. Other tools create a field's unique
 * constraint under names of their own (MySQL names an inline UNIQUE after its
 * column), and live.py cannot tell such an index from a named one. An index
 * of the same name and shape (uniqueness, columns, method in any case, as
 * many expressions, a condition or none) takes the expected index's
 * expressions, condition and options: a catalog spells those its own way,
 * so their text is not compared; for the same reason a column generated in
 * both takes the expected column's generated clause (generated or plain is
 * compared, the expression is not). Then pw_diff gives the operations that turn the
 * database into what the migrations describe, without guessing renames.
 * Fills:
 *   diffs: one line per difference, e.g.
 *     "users.bio: in the migrations, not in the database"
 *     "index ix_orders_day: in the database only"
 *     "posts.title: VARCHAR(200) in the database, VARCHAR(300) in the migrations"
 *   fix (may be NULL): those operations;
 *   live_physical (may be NULL): the physical, reconciled live schema, the
 *     state the fix operations apply to (to render them).
 * With tables (ntables > 0), only the tables of those names are compared
 * (on both sides). Neither input is changed. 0 or a negative pw_status. */
int pw_compare(pw_arena *a, const pw_schema *live, const pw_schema *expected, pw_dialect d,
               const char *const *tables, size_t ntables, pw_difflist *diffs, pw_oplist *fix,
               pw_schema **live_physical, pw_error *err);

/* The baseline of a database taken under management: the live tables (read
 * from a database of dialect d, reconciled with target as pw_compare does)
 * that target (the models' schema) names, as
 * they are, names of constraints and indexes included, written so that the
 * schema is complete for every dialect:
 *   - a column that the models have and that the database holds alike (in
 *     physical form) is the models' column (its types for every dialect, its
 *     default as the models write it);
 *   - where they differ, the database's value for d, and the models' types
 *     for the other dialects; a column the models lack gets the types
 *     Tortoise uses for the same field on the other dialects where d's type
 *     is one of those, else d's type everywhere;
 *   - what d cannot hold (comments and constraint names on SQLite) comes from
 *     the models, and so does the clause of a column generated in both;
 * Tables, columns and indexes are matched by the names the database has for
 * them and take the target's names (PostgreSQL cuts a name past 63 bytes).
 * Live tables the target does not name are left out (the caller lists them
 * as unmanaged); target tables the database lacks are not in the baseline.
 * *out is a new arena schema, tables in live order; adopted (may be NULL)
 * receives the live names of the tables taken. 0 or a negative pw_status. */
int pw_adopt_baseline(pw_arena *a, const pw_schema *live, const pw_schema *target, pw_dialect d,
                      pw_schema **out, pw_strlist *adopted, pw_error *err);

#endif
