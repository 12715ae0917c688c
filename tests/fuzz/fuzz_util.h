/*
 * fuzz_util.h - what the libFuzzer targets share (tests/fuzz/README.md): the input as a file
 * (for readers that only take a path and mmap it), a sink for printed output, and a check that
 * fails loudly when an invariant a reader promises does not hold.
 */
#ifndef TS_FUZZ_UTIL_H
#define TS_FUZZ_UTIL_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the library: report it as a crash (libFuzzer keeps the input). */
#define FUZZ_ASSERT(cond)                                                                        \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

/* The input as a file: a memfd named /proc/self/fd/N. Returns the fd (close it) or -1. */
static inline int fuzz_as_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	for (size_t done = 0; done < size;) {
		ssize_t w = write(fd, data + done, size - done);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/* Where printers write: /dev/null, opened once. */
static inline FILE *fuzz_devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	FUZZ_ASSERT(f);
	return f;
}

/* Folds what a target computed into a global the optimiser must keep, so no read is dropped. */
extern volatile uint64_t fuzz_sink;
volatile uint64_t fuzz_sink;
static inline void fuzz_keep(uint64_t v)
{
	fuzz_sink += v;
}

/* Every byte of a string the library hands out, so ASan sees a dangling or unterminated one. */
static inline uint64_t fuzz_touch(const char *s)
{
	if (!s)
		return 1;
	size_t n = strlen(s);
	return n + (n ? (unsigned char)s[n - 1] : 0);
}

/* An error message must be a terminated string (the library writes one line). */
static inline uint64_t fuzz_touch_err(const char *err, size_t len)
{
	FUZZ_ASSERT(memchr(err, 0, len));
	return fuzz_touch(err);
}

#endif
