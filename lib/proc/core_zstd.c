/*
 * core_zstd.c - zstd-compressed cores (systemd-coredump keeps them as .zst): decompressed with
 * libzstd's streaming API into a memory file (memfd), so the reader maps them like any core and
 * a core larger than the free address space of one buffer never needs one realloc'd buffer.
 * Only core.c calls this: a program that opens no core does not link libzstd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "common/err.h"
#include "proc/core.h"
#include "trustack.h"

bool ts_zstd_magic(const uint8_t b[4])
{
	return b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

int ts_zstd_to_memfd(int fd, int *out_fd, size_t *size, char *err, size_t errlen)
{
	*out_fd = -1, *size = 0;
	int mfd = memfd_create("trustack-core", MFD_CLOEXEC);
	if (mfd < 0)
		return ts_fail(err, errlen, TRUSTACK_E_IO, "cannot make a memory file to decompress into: %s",
			       strerror(errno));
	ZSTD_DStream *ds = ZSTD_createDStream();
	size_t inlen = ZSTD_DStreamInSize(), outlen = ZSTD_DStreamOutSize();
	void *inbuf = malloc(inlen), *outbuf = malloc(outlen);
	int rc = 0;
	if (!ds || !inbuf || !outbuf) {
		rc = ts_fail(err, errlen, TRUSTACK_E_NOMEM, "%s", "out of memory");
		goto out;
	}
	ZSTD_initDStream(ds);
	size_t total = 0, last = 0;
	off_t at = 0;
	for (;;) {
		ssize_t got = pread(fd, inbuf, inlen, at);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = ts_fail(err, errlen, TRUSTACK_E_IO, "read error: %s", strerror(errno));
			goto out;
		}
		if (got == 0)
			break; /* last != 0 here: the stream was cut; what came out is kept */
		at += got;
		ZSTD_inBuffer in = { inbuf, (size_t)got, 0 };
		while (in.pos < in.size) {
			ZSTD_outBuffer o = { outbuf, outlen, 0 };
			last = ZSTD_decompressStream(ds, &o, &in);
			if (ZSTD_isError(last)) {
				if (!total && !o.pos) {
					rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "zstd: %s", ZSTD_getErrorName(last));
					goto out;
				}
				goto done; /* damaged further on: a truncated core */
			}
			if (o.pos && write_all(mfd, outbuf, o.pos)) {
				rc = ts_fail(err, errlen, TRUSTACK_E_IO, "cannot write the decompressed core: %s",
					     strerror(errno));
				goto out;
			}
			total += o.pos;
		}
	}
done:
	if (!total) {
		rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "%s", "zstd: the stream holds no data");
		goto out;
	}
	*out_fd = mfd, *size = total;
	mfd = -1;
out:
	if (mfd >= 0)
		close(mfd);
	ZSTD_freeDStream(ds);
	free(inbuf);
	free(outbuf);
	return rc;
}
