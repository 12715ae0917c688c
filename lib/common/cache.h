/*
 * cache.h - where the build-id cache keeps its files (docs/sidecar.md): one directory, one file
 * per build-id and kind, <cache>/<first byte in hex>/<the other bytes in hex><extension>.
 * Shared by the unwinder (sidecars) and the symbols (symbol files, line memos).
 */
#ifndef TS_COMMON_CACHE_H
#define TS_COMMON_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define TS_CACHE_SIDECAR ".tsu" /* the unwinder's table (lib/unwind/utable.c) */
#define TS_CACHE_SYMBOLS ".tss" /* function names and ranges (lib/symbols/symcache.c) */
#define TS_CACHE_LINES ".tsl"   /* source lines asked for before (lib/symbols/linememo.c) */

/*
 * The cache directory: $TRUSTACK_CACHE_DIR, else $XDG_CACHE_HOME/trustack, else
 * $HOME/.cache/trustack. dir (may be NULL) overrides all three. Returns 0 or -TRUSTACK_E_ARG.
 */
int ts_cache_dir(const char *dir, char *buf, size_t len);

/* The path of the file of kind ext (TS_CACHE_*) for this build-id (1..32 bytes). Returns 0 or
 * -TRUSTACK_E_ARG (no build-id, no cache directory, or buf too small). */
int ts_cache_file(const char *dir, const uint8_t *build_id, size_t n, const char *ext, char *buf, size_t len);

#endif
