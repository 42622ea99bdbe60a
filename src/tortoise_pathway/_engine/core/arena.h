/*
 * arena.h - per-call memory for the engine core.
 *
 * Owns: a bump allocator made of a list of chunks. Everything one engine call
 * allocates (schemas, operations, strings, SQL) lives in one arena and is freed
 * at once by pw_arena_free() when the call returns, after the binding has copied
 * the results out. Does not own: anything the caller allocated elsewhere.
 *
 * There is no per-object free. Growing an array means allocating a larger one
 * and copying (pw_arena_grow); the old block is reclaimed with the arena.
 */
#ifndef PW_ARENA_H
#define PW_ARENA_H

#include <stddef.h>

typedef struct pw_arena pw_arena;

/* A new empty arena, or NULL when out of memory. Free with pw_arena_free. */
pw_arena *pw_arena_new(void);

/* Frees every block of the arena and the arena itself. NULL is accepted. */
void pw_arena_free(pw_arena *a);

/* size bytes, zero-filled, aligned for any type; NULL when out of memory.
 * size 0 returns a valid unique pointer. */
void *pw_arena_alloc(pw_arena *a, size_t size);

/* n * size bytes, zero-filled; NULL on overflow or out of memory. */
void *pw_arena_calloc(pw_arena *a, size_t n, size_t size);

/* Copy of the NUL-terminated s (NULL gives NULL); NULL when out of memory
 * (check s first to tell the two apart). */
char *pw_arena_strdup(pw_arena *a, const char *s);

/* Copy of the first n bytes of s, NUL-terminated; NULL when out of memory. */
char *pw_arena_strndup(pw_arena *a, const char *s, size_t n);

/* Grows an array of elements of elem_size from *cap to at least need
 * elements, copying the first *cap elements. *ptr and *cap are updated on
 * success. Returns 0, or -1 when out of memory (then nothing changed). */
int pw_arena_grow(pw_arena *a, void **ptr, size_t *cap, size_t need, size_t elem_size);

/* Total bytes handed out, for benchmarks and tests. */
size_t pw_arena_used(const pw_arena *a);

#endif
