/*
 * catalog.h - what a live database's catalog says, read into the engine's
 * spelling: column types as Tortoise spells them, default texts as pw_default
 * values, default expressions in one normal form.
 *
 * Owns: the per-dialect spellings of types and defaults that databases report
 * (PostgreSQL's format_type() and pg_get_expr(), MySQL's COLUMN_TYPE and
 * COLUMN_DEFAULT, SQLite's declared type and dflt_value) and their normal
 * form, so that a schema read from a database and one that migrations
 * describe compare equal exactly when the database holds the same thing. Does
 * not own: running catalog queries (the Python shell, live.py), the physical
 * form of a schema or the comparison (compare.h).
 *
 * Every function is pure: the same text gives the same result. Results live
 * in the arena passed in.
 */
#ifndef PW_CATALOG_H
#define PW_CATALOG_H

#include "arena.h"
#include "error.h"
#include "schema.h"

/* Tortoise's spelling of a column type as dialect d's catalog reports it:
 *   PostgreSQL: character varying(255) -> VARCHAR(255), integer -> INT,
 *     boolean -> BOOL, numeric(10,2) -> DECIMAL(10,2), timestamp with time
 *     zone -> TIMESTAMPTZ, time with time zone -> TIMETZ, integer[] -> INT[],
 *     serial pseudo-types -> their integer type;
 *   MySQL / MariaDB: int(11) -> INT (display widths go), tinyint(1) -> BOOL,
 *     numeric -> DECIMAL, real / double precision -> DOUBLE;
 *   SQLite: the declared type.
 * Every dialect: upper case outside quotes, one space between words, none
 * inside parentheses. A spelling Tortoise already uses is returned as it is,
 * so the function is idempotent. Arena string; NULL out of memory. */
const char *pw_catalog_type(pw_arena *a, pw_dialect d, const char *type);

/* An SQL expression in one normal form for dialect d: upper case outside
 * string literals and quoted names, no white space but one space between two
 * words, no parentheses around the whole expression or around a single
 * operand (PostgreSQL writes md5((random())::text) for md5(random()::text)),
 * MySQL's aliases resolved (LCASE -> LOWER, UCASE -> UPPER, NOW() ->
 * CURRENT_TIMESTAMP), and empty parentheses after CURRENT_TIMESTAMP and its
 * kin dropped (MariaDB reports current_timestamp()). Arena string; NULL out
 * of memory. */
const char *pw_catalog_expr(pw_arena *a, pw_dialect d, const char *expr);

/* The default value a catalog's default text means, for a column of type
 * `type` (Tortoise's spelling; NULL: unknown) on dialect d, into *out:
 *   - NULL text, or the word NULL: PW_DEFAULT_NONE;
 *   - a string literal ('...' with '' doubled; MySQL also \-escapes), once
 *     PostgreSQL's casts (::character varying) are taken off: PW_DEFAULT_STRING,
 *     except that for a numeric type (or cast) a number inside is a number,
 *     and for a date or time type the literal is normalized (T between date and
 *     time becomes a space, fractional zeros and a zero UTC offset go);
 *   - a number: PW_DEFAULT_INT when it has an integral value that a double
 *     holds exactly (MySQL writes 0.0000000000 for a DECIMAL 0), else
 *     PW_DEFAULT_FLOAT;
 *   - TRUE / FALSE: PW_DEFAULT_BOOL on PostgreSQL, PW_DEFAULT_INT 1 / 0 on
 *     SQLite and MySQL (where booleans are integers);
 *   - anything else: PW_DEFAULT_EXPR with pw_catalog_expr's normal form.
 * Outer parentheses are taken off first (SQLite keeps a default without them).
 * Returns 0, or PW_ERR_NOMEM. */
int pw_catalog_default(pw_arena *a, pw_dialect d, const char *text, const char *type,
                       pw_default *out, pw_error *err);

/* The normal form of a default that migrations describe, as dialect d keeps
 * it: the default rendered for d (pw_sql_default_value), then read back by
 * pw_catalog_default. Two defaults a database stores alike have equal normal
 * forms. Returns 0 or PW_ERR_NOMEM. */
int pw_catalog_default_of(pw_arena *a, pw_dialect d, const pw_default *def, const char *type,
                          pw_default *out, pw_error *err);

#endif
