/*
 * error.c - filling the pw_error record of error.h.
 *
 * Owns: formatting messages into the fixed-size record. Does not own: the
 * mapping of codes to Python exception classes (module.c).
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void pw_error_clear(pw_error *err) {
    err->code = PW_OK;
    err->message[0] = '\0';
    err->path[0] = '\0';
}

int pw_error_set(pw_error *err, pw_status code, const char *path, const char *fmt, ...) {
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    if (path != NULL)
        snprintf(err->path, sizeof err->path, "%s", path);
    else
        err->path[0] = '\0';
    return (int)code;
}
