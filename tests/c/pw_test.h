/*
 * pw_test.h - the tiny test harness of the C core's unit tests.
 *
 * Owns: TEST() registration (each test file registers its tests at load
 * time, so adding a file needs no list to edit) and CHECK macros. main.c runs
 * every registered test and prints "N passed, N failed".
 */
#ifndef PW_TEST_H
#define PW_TEST_H

#include <stdio.h>
#include <string.h>

typedef void (*pw_test_fn)(void);
void pw_test_register(const char *name, const char *file, pw_test_fn fn);
void pw_test_fail(const char *file, int line, const char *what);

#define TEST(name)                                                                         \
    static void name(void);                                                                \
    __attribute__((constructor)) static void pw_register_##name(void) {                    \
        pw_test_register(#name, __FILE__, name);                                           \
    }                                                                                      \
    static void name(void)

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            pw_test_fail(__FILE__, __LINE__, #cond);                                       \
            return;                                                                        \
        }                                                                                  \
    } while (0)

#define CHECK_STR(got, want)                                                               \
    do {                                                                                   \
        const char *pw_g_ = (got), *pw_w_ = (want);                                        \
        if (pw_g_ == NULL || pw_w_ == NULL ? pw_g_ != pw_w_ : strcmp(pw_g_, pw_w_) != 0) { \
            char pw_msg_[4096];                                                            \
            snprintf(pw_msg_, sizeof pw_msg_, "%s\n      got:  %s\n      want: %s", #got,    \
                     pw_g_ ? pw_g_ : "(null)", pw_w_ ? pw_w_ : "(null)");                  \
            pw_test_fail(__FILE__, __LINE__, pw_msg_);                                     \
            return;                                                                        \
        }                                                                                  \
    } while (0)

#define CHECK_INT(got, want)                                                               \
    do {                                                                                   \
        long long pw_g_ = (long long)(got), pw_w_ = (long long)(want);                     \
        if (pw_g_ != pw_w_) {                                                              \
            char pw_msg_[512];                                                             \
            snprintf(pw_msg_, sizeof pw_msg_, "%s: got %lld, want %lld", #got, pw_g_, pw_w_); \
            pw_test_fail(__FILE__, __LINE__, pw_msg_);                                     \
            return;                                                                        \
        }                                                                                  \
    } while (0)

#endif
