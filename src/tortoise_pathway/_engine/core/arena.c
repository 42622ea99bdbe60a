/*
 * arena.c - the bump allocator declared in arena.h.
 *
 * Owns: chunk allocation and release. Chunks double in size up to 1 MiB; a
 * request larger than a chunk gets a chunk of its own. Does not own: what is
 * stored in the memory it hands out.
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PW_ARENA_ALIGN 16u
#define PW_ARENA_FIRST 4096u
#define PW_ARENA_MAXCHUNK (1024u * 1024u)

typedef struct pw_chunk {
    struct pw_chunk *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(16) unsigned char data[];
} pw_chunk;

struct pw_arena {
    pw_chunk *head;
    size_t next_size;
    size_t total;
};

pw_arena *pw_arena_new(void) {
    pw_arena *a = calloc(1, sizeof *a);
    if (a == NULL) return NULL;
    a->next_size = PW_ARENA_FIRST;
    return a;
}

void pw_arena_free(pw_arena *a) {
    if (a == NULL) return;
    pw_chunk *c = a->head;
    while (c != NULL) {
        pw_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

static pw_chunk *new_chunk(pw_arena *a, size_t need) {
    size_t size = a->next_size;
    if (size < need) size = need;
    if (size > SIZE_MAX - sizeof(pw_chunk)) return NULL;
    pw_chunk *c = malloc(sizeof(pw_chunk) + size);
    if (c == NULL) return NULL;
    c->size = size;
    c->used = 0;
    c->next = a->head;
    a->head = c;
    if (a->next_size < PW_ARENA_MAXCHUNK) a->next_size *= 2;
    return c;
}

void *pw_arena_alloc(pw_arena *a, size_t size) {
    if (size == 0) size = 1;
    if (size > SIZE_MAX - PW_ARENA_ALIGN) return NULL;
    size_t rounded = (size + PW_ARENA_ALIGN - 1) & ~(size_t)(PW_ARENA_ALIGN - 1);
    pw_chunk *c = a->head;
    if (c == NULL || c->size - c->used < rounded) {
        c = new_chunk(a, rounded);
        if (c == NULL) return NULL;
    }
    void *p = c->data + c->used;
    c->used += rounded;
    a->total += rounded;
    memset(p, 0, size);
    return p;
}

void *pw_arena_calloc(pw_arena *a, size_t n, size_t size) {
    if (size != 0 && n > SIZE_MAX / size) return NULL;
    return pw_arena_alloc(a, n * size);
}

char *pw_arena_strndup(pw_arena *a, const char *s, size_t n) {
    char *p = pw_arena_alloc(a, n + 1);
    if (p == NULL) return NULL;
    if (n > 0) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pw_arena_strdup(pw_arena *a, const char *s) {
    if (s == NULL) return NULL;
    return pw_arena_strndup(a, s, strlen(s));
}

int pw_arena_grow(pw_arena *a, void **ptr, size_t *cap, size_t need, size_t elem_size) {
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need) ncap *= 2;
    void *p = pw_arena_calloc(a, ncap, elem_size);
    if (p == NULL) return -1;
    if (*cap > 0 && *ptr != NULL) memcpy(p, *ptr, *cap * elem_size);
    *ptr = p;
    *cap = ncap;
    return 0;
}

size_t pw_arena_used(const pw_arena *a) { return a->total; }
