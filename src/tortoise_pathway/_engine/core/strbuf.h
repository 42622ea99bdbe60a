/*
 * strbuf.h - growable strings in an arena, and lists of them.
 *
 * Owns: appending text (plain, formatted) to a buffer that lives in an arena,
 * and pw_strlist, an ordered list of arena strings (SQL statements, names).
 * Does not own: quoting or escaping for SQL (sql.h does that).
 */
#ifndef PW_STRBUF_H
#define PW_STRBUF_H

#include <stddef.h>

#include "arena.h"

typedef struct {
    pw_arena *arena;
    char *data; /* always NUL-terminated once anything was appended */
    size_t len;
    size_t cap;
    int failed; /* set once an allocation failed; later appends do nothing */
} pw_strbuf;

/* Starts an empty buffer in arena a. */
void pw_sb_init(pw_strbuf *sb, pw_arena *a);
void pw_sb_append(pw_strbuf *sb, const char *s);
void pw_sb_append_n(pw_strbuf *sb, const char *s, size_t n);
void pw_sb_append_char(pw_strbuf *sb, char c);
void pw_sb_appendf(pw_strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forgets the content, keeps the memory. */
void pw_sb_reset(pw_strbuf *sb);
/* The text so far ("" when empty), or NULL when an allocation failed.
 * The pointer stays valid until the next append. */
const char *pw_sb_cstr(pw_strbuf *sb);
/* An arena copy of the text that later appends do not touch; NULL on failure. */
char *pw_sb_finish(pw_strbuf *sb);

typedef struct {
    const char **items;
    size_t len;
    size_t cap;
} pw_strlist;

/* Appends s (not copied: it must live in the arena). 0, or -1 out of memory. */
int pw_strlist_push(pw_arena *a, pw_strlist *l, const char *s);

#endif
