/*
 * strbuf.c - the growable arena strings and string lists of strbuf.h.
 *
 * Owns: buffer growth and formatting. Does not own: SQL quoting (sql.c).
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pw_sb_init(pw_strbuf *sb, pw_arena *a) {
    sb->arena = a;
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->failed = 0;
}

static int reserve(pw_strbuf *sb, size_t extra) {
    if (sb->failed) return -1;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap) return 0;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need) cap *= 2;
    char *p = pw_arena_alloc(sb->arena, cap);
    if (p == NULL) {
        sb->failed = 1;
        return -1;
    }
    if (sb->len) memcpy(p, sb->data, sb->len);
    p[sb->len] = '\0';
    sb->data = p;
    sb->cap = cap;
    return 0;
}

void pw_sb_append_n(pw_strbuf *sb, const char *s, size_t n) {
    if (reserve(sb, n) != 0) return;
    if (n) memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void pw_sb_append(pw_strbuf *sb, const char *s) { pw_sb_append_n(sb, s, strlen(s)); }

void pw_sb_append_char(pw_strbuf *sb, char c) { pw_sb_append_n(sb, &c, 1); }

void pw_sb_appendf(pw_strbuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->failed = 1;
        return;
    }
    if (reserve(sb, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void pw_sb_reset(pw_strbuf *sb) {
    sb->len = 0;
    if (sb->data) sb->data[0] = '\0';
}

const char *pw_sb_cstr(pw_strbuf *sb) {
    if (sb->failed) return NULL;
    if (sb->data == NULL) return "";
    return sb->data;
}

char *pw_sb_finish(pw_strbuf *sb) {
    if (sb->failed) return NULL;
    return pw_arena_strndup(sb->arena, sb->data ? sb->data : "", sb->len);
}

int pw_strlist_push(pw_arena *a, pw_strlist *l, const char *s) {
    if (l->len == l->cap &&
        pw_arena_grow(a, (void **)&l->items, &l->cap, l->len + 1, sizeof *l->items) != 0)
        return -1;
    l->items[l->len++] = s;
    return 0;
}
