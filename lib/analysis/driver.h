/*
 * driver.h - analyse every function of an image, on worker threads.
 *
 * check, the unwind-table generators and diff all need the same thing: each standalone function
 * (with its .cold fragments) analysed once, and the finished unit handed to a consumer. The
 * driver owns the threads and the per-thread units; consumers own their results.
 */
#ifndef TS_DRIVER_H
#define TS_DRIVER_H

#include "analysis/unit.h"

#define TS_MAX_THREADS 256

/*
 * Called once per analysed unit, concurrently from up to `threads` workers. slot (0..threads-1)
 * identifies the calling worker, so a consumer can keep per-thread state without locks. Return
 * 0 to go on, or a negative TRUSTACK_E_* to stop every worker.
 */
typedef int (*ts_unit_fn)(const struct ts_unit *u, unsigned slot, void *ctx);

/* The number of workers ts_analyse_all() will use for a request of `threads` (0 means 1). */
unsigned ts_driver_threads(unsigned threads);

/*
 * Analyse every standalone function of img (fragments are analysed with their parents), then
 * every hinted fragment none of them reached (see ts_hinted_fragment), and pass each unit to fn. Returns 0, or the first error of the analysis or of fn.
 */
int ts_analyse_all(const struct ts_image *img, enum trustack_rules rules, unsigned threads, ts_unit_fn fn,
		   void *ctx);

/* True when function f is analysed as a unit of its own (not a fragment, not empty). */
bool ts_standalone(const struct ts_image *img, size_t f);

/* True when function f is a fragment with an entry hint from its CFI: ts_analyse_all analyses it
 * as a unit of its own, after the standalone functions, when none of them reached it. */
bool ts_hinted_fragment(const struct ts_image *img, size_t f);

#endif
