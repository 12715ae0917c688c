/*
 * vec.h - growable arrays: the one way the library and the CLI grow an array.
 *
 *   if (TS_GROW(v, n, cap, 16)) return -TRUSTACK_E_NOMEM;   room for v[n]
 *   v[n++] = x;
 *   if (TS_RESERVE(v, need, cap, 4096)) ...                  room for v[0 .. need-1]
 *
 * cap is a size_t; the capacity doubles from init (or grows to what is needed). On failure
 * (out of memory, or a size that would overflow) the array and cap are left as they were and
 * the macros give -1; otherwise 0. Arrays that share one capacity (several per-instruction
 * arrays of one length) grow with ts_vec_next_cap() and ts_vec_resize() each.
 *
 * The rule that goes with them (issue 12: the analysis wrote through a pointer into an array a
 * call had just moved): a pointer into a growable array is good only until the next call that
 * may grow that array, and that includes any call that may reach such a call (in the analysis:
 * anything that can take in a fragment, send an edge or warn). Across such a call keep an index
 * and take the pointer again afterwards, or copy what is needed first; never assign through a
 * pointer in the same expression as the call (the order of evaluation is unspecified). Every
 * growable array under lib/ and programs/ was checked against this rule; a function that holds
 * such a pointer across a call says why it is safe.
 */
#ifndef TS_COMMON_VEC_H
#define TS_COMMON_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The capacity to grow cap to for need elements of elem bytes: doubling from init (at least
 * need); 0 when that many bytes cannot be addressed. */
static inline size_t ts_vec_next_cap(size_t cap, size_t need, size_t init, size_t elem)
{
	size_t c = cap ? cap : (init ? init : 1);
	while (c < need) {
		if (c > SIZE_MAX / 2)
			return 0;
		c *= 2;
	}
	return elem && c > SIZE_MAX / elem ? 0 : c;
}

/* Reallocate *p to n elements of elem bytes; on failure *p is left alone and -1 returned. */
static inline int ts_vec_resize(void **p, size_t n, size_t elem)
{
	if (!n || (elem && n > SIZE_MAX / elem))
		return -1;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

static inline int ts_vec_reserve(void **p, size_t *cap, size_t need, size_t init, size_t elem)
{
	size_t c = ts_vec_next_cap(*cap, need, init, elem);
	if (!c || ts_vec_resize(p, c, elem))
		return -1;
	*cap = c;
	return 0;
}

/* Room for at least need elements in ptr (capacity cap, a size_t lvalue). */
#define TS_RESERVE(ptr, need, cap, init)                                                          \
	((need) <= (cap) ? 0 : ts_vec_reserve((void **)&(ptr), &(cap), (need), (init), sizeof(*(ptr))))

/* Room for ptr[n]: one more element after n. */
#define TS_GROW(ptr, n, cap, init) ((n) < (cap) ? 0 : TS_RESERVE(ptr, (size_t)(n) + 1, cap, init))

#endif
