/*
 * err.h - how every module reports an error: a message into the caller's buffer (which may be
 * NULL or of length 0: then only the code is returned) and a negative TRUSTACK_E_* code.
 * The library never prints (include/trustack.h).
 */
#ifndef TS_COMMON_ERR_H
#define TS_COMMON_ERR_H

#include <stddef.h>

/* Format the message into err[errlen] and return -code (code is a positive TRUSTACK_E_*). */
int ts_fail(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Only the message, for functions that return something else than a code. */
void ts_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
