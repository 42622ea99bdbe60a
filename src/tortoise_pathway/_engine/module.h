/*
 * module.h - what module.c offers the binding files: raising the
 * tortoise_pathway.exceptions class that matches a core error.
 */
#ifndef PW_MODULE_H
#define PW_MODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "error.h"

/* Sets the Python exception for err (class by err->code, message, .path).
 * PW_ERR_CALLBACK keeps the exception already set. Always returns NULL. */
PyObject *pw_raise(const pw_error *err);

/* Shorthand: PW_ERR_INVALID at path with a formatted message. Returns -1. */
int pw_raise_invalid(const char *path, const char *fmt, ...);

#endif
