/*
 * sidecar_peek.h - a sidecar's header checked without loading it (sidecar_peek.c).
 */
#ifndef TS_SIDECAR_PEEK_H
#define TS_SIDECAR_PEEK_H

#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

/* 0 when the file at path is a sidecar of this analysis revision for build-id id (n bytes)
 * with the size its header promises; -TRUSTACK_E_NOTFOUND otherwise. Entries are not checked. */
int ts_sidecar_peek(const char *path, const uint8_t *id, size_t n);

#endif
