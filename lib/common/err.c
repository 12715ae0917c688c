/* err.c - error messages into the caller's buffer (err.h). */
#include <stdarg.h>
#include <stdio.h>

#include "common/err.h"

static void format(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
}

int ts_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format(err, errlen, fmt, ap);
	va_end(ap);
	return -code;
}

void ts_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format(err, errlen, fmt, ap);
	va_end(ap);
}
