/*
 * sidecar_peek.c - whether the cache holds a current sidecar for a build-id, from its header
 * and size alone. A warm `trustack stacks` asks this for every module before the unwinder loads
 * the same file; checking every entry there too (libc: 48,000) tripled the cost of loading it.
 * The full check still happens once, when the unwinder loads the table (ts_utable_load), and a
 * file refused there takes the path that rebuilds it. The header is read by utable.c, which
 * owns its layout.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/cache.h"
#include "unwind/sidecar_peek.h"
#include "unwind/utable.h"

int ts_sidecar_peek(const char *path, const uint8_t *id, size_t n)
{
	uint8_t h[64];
	struct stat st;
	int fd = ts_open_input(path, &st, NULL, 0);
	if (fd < 0)
		return -TRUSTACK_E_NOTFOUND;
	bool ok = pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h);
	close(fd);
	if (!ok || !ts_utable_header_current(h, (uint64_t)st.st_size, id, n))
		return -TRUSTACK_E_NOTFOUND;
	return 0;
}

int trustack_sidecar__cached(const uint8_t *build_id, size_t n, const char *cache_dir)
{
	char path[4096];
	if (!build_id || !n || ts_cache_file(cache_dir, build_id, n, TS_CACHE_SIDECAR, path, sizeof(path)))
		return -TRUSTACK_E_ARG;
	return ts_sidecar_peek(path, build_id, n);
}
