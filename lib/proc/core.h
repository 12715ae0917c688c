/*
 * core.h - the core-file reader's parts (core.c, core_zstd.c).
 */
#ifndef TS_PROC_CORE_H
#define TS_PROC_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The 4 bytes a zstd frame starts with. */
bool ts_zstd_magic(const uint8_t b[4]);

/*
 * Decompress the zstd stream of fd (from offset 0, every frame) into an anonymous memory file:
 * *out_fd (to map; the caller closes it) and its size. A stream cut short gives what it held (a
 * core truncated in its compressed form is a truncated core). Returns 0, or -TRUSTACK_E_FORMAT
 * (not zstd, damaged before any byte), -TRUSTACK_E_IO, -TRUSTACK_E_NOMEM with a message.
 */
int ts_zstd_to_memfd(int fd, int *out_fd, size_t *size, char *err, size_t errlen);

#endif
