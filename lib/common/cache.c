/* cache.c - the build-id cache's directory and file names (cache.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cache.h"
#include "trustack.h"

int ts_cache_dir(const char *dir, char *buf, size_t len)
{
	const char *e;
	int w;
	if (dir && *dir)
		w = snprintf(buf, len, "%s", dir);
	else if ((e = getenv("TRUSTACK_CACHE_DIR")) && *e)
		w = snprintf(buf, len, "%s", e);
	else if ((e = getenv("XDG_CACHE_HOME")) && *e == '/')
		w = snprintf(buf, len, "%s/trustack", e);
	else if ((e = getenv("HOME")) && *e)
		w = snprintf(buf, len, "%s/.cache/trustack", e);
	else
		return -TRUSTACK_E_ARG;
	return w < 0 || (size_t)w >= len ? -TRUSTACK_E_ARG : 0;
}

int ts_cache_file(const char *dir, const uint8_t *build_id, size_t n, const char *ext, char *buf, size_t len)
{
	if (!n || n > 32)
		return -TRUSTACK_E_ARG;
	int rc = ts_cache_dir(dir, buf, len);
	if (rc)
		return rc;
	size_t at = strlen(buf);
	if (at + 2 * n + 3 + strlen(ext) >= len) /* "/xx/", the other bytes, ext, NUL */
		return -TRUSTACK_E_ARG;
	at += (size_t)snprintf(buf + at, len - at, "/%02x/", build_id[0]);
	for (size_t i = 1; i < n; i++)
		at += (size_t)snprintf(buf + at, len - at, "%02x", build_id[i]);
	snprintf(buf + at, len - at, "%s", ext);
	return 0;
}
