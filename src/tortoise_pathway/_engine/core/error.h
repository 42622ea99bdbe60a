/*
 * error.h - the error record every core function fills.
 *
 * Owns: status codes and pw_error, the record of what went wrong and on which
 * object. Does not own: turning it into a Python exception (module.c does).
 *
 * Contract used across the core: a function returns 0 (PW_OK) on success and
 * a negative pw_status on failure, after filling *err. err is never NULL.
 */
#ifndef PW_ERROR_H
#define PW_ERROR_H

typedef enum {
    PW_OK = 0,
    PW_ERR_NOMEM = -1,       /* out of memory */
    PW_ERR_INVALID = -2,     /* malformed input: a missing field, a bad name or type */
    PW_ERR_NOT_FOUND = -3,   /* an operation names a table, column or index that is not there */
    PW_ERR_EXISTS = -4,      /* an operation creates something that is already there */
    PW_ERR_IRREVERSIBLE = -5,/* a reverse was asked of an operation that has none */
    PW_ERR_UNSUPPORTED = -6, /* valid, but this dialect cannot do it */
    PW_ERR_CYCLE = -7,       /* the migration graph has a dependency cycle */
    PW_ERR_MISSING_DEP = -8, /* a migration depends on one that does not exist */
    PW_ERR_MULTIPLE_HEADS = -9, /* an app has more than one leaf migration */
    PW_ERR_CALLBACK = -10    /* a caller's callback failed; the binding keeps its exception */
} pw_status;

#define PW_ERR_MESSAGE_MAX 1024
#define PW_ERR_PATH_MAX 512

typedef struct {
    pw_status code;
    char message[PW_ERR_MESSAGE_MAX]; /* one line, for the user */
    char path[PW_ERR_PATH_MAX];       /* object at fault, e.g. "users.email" or "models/0002_x" */
} pw_error;

/* Clears err to PW_OK with empty message and path. */
void pw_error_clear(pw_error *err);

/* Fills err and returns code, so callers can write `return pw_error_set(...)`.
 * path may be NULL. The message is truncated to fit. */
int pw_error_set(pw_error *err, pw_status code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
