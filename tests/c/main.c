/*
 * main.c - runs every test registered through pw_test.h and prints the
 * closing line "N passed, N failed". Exit status 1 when any test failed.
 * An argument filters tests by substring of their name.
 */
#include <stdlib.h>
#include <string.h>

#include "pw_test.h"

typedef struct {
    const char *name;
    const char *file;
    pw_test_fn fn;
} entry;

static entry *tests;
static size_t ntests, captests;
static int current_failed;

void pw_test_register(const char *name, const char *file, pw_test_fn fn) {
    if (ntests == captests) {
        captests = captests ? captests * 2 : 64;
        tests = realloc(tests, captests * sizeof *tests);
        if (tests == NULL) abort();
    }
    tests[ntests].name = name;
    tests[ntests].file = file;
    tests[ntests].fn = fn;
    ntests++;
}

void pw_test_fail(const char *file, int line, const char *what) {
    current_failed = 1;
    fprintf(stderr, "    %s:%d: CHECK failed: %s\n", file, line, what);
}

static int by_file_then_name(const void *x, const void *y) {
    const entry *a = x, *b = y;
    int c = strcmp(a->file, b->file);
    return c ? c : strcmp(a->name, b->name);
}

int main(int argc, char **argv) {
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    if (ntests) qsort(tests, ntests, sizeof *tests, by_file_then_name);
    for (size_t i = 0; i < ntests; i++) {
        if (filter && !strstr(tests[i].name, filter)) continue;
        current_failed = 0;
        tests[i].fn();
        if (current_failed) {
            failed++;
            fprintf(stderr, "FAIL %s (%s)\n", tests[i].name, tests[i].file);
        } else {
            passed++;
        }
    }
    free(tests);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
