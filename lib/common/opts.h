/*
 * opts.h - the one rule for the size-tagged structs of the public API (trustack_*_opts,
 * struct trustack_unwind_start, struct trustack_module_desc), in the spirit of libbpf's
 * OPTS_VALID/OPTS_GET.
 *
 * Every such struct starts with `size_t sz`, which the caller sets to sizeof() the struct as
 * its header knew it. The library copies what the caller gave into a zeroed struct of its own
 * size, so both sides may have been built against different headers:
 *  - sz == sizeof: the common case;
 *  - sz smaller (a caller built against an older header): the fields it does not know read as
 *    zero, which every struct defines as "the default";
 *  - sz larger (a newer header): accepted when every byte past the library's struct is zero
 *    (the caller used nothing this library does not know), rejected otherwise;
 *  - sz smaller than the sz field itself (0: forgotten), or non-zero unknown bytes: rejected
 *    with -TRUSTACK_E_ARG, so that a request is never half-understood.
 * The same-size case is inline (trustack_unwind_ex() calls it on every unwind); opts.c has
 * the rest.
 */
#ifndef TS_COMMON_OPTS_H
#define TS_COMMON_OPTS_H

#include <stddef.h>
#include <string.h>

#include "trustack.h"

/* The other sizes (ts_opts_load's slow path, out of line): see the rule above. */
int ts_opts_load_resized(void *dst, size_t dst_sz, const void *user, size_t user_sz);

/* Load *user (NULL: all defaults) into the local struct at dst of dst_sz bytes (its first field
 * the size_t sz, set to dst_sz on return). Returns 0 or -TRUSTACK_E_ARG (dst is then zeroed).
 * The common case, a caller built against this header, is one copy. */
static inline __attribute__((always_inline)) int ts_opts_load(void *dst, size_t dst_sz, const void *user)
{
	if (user) {
		size_t user_sz;
		memcpy(&user_sz, user, sizeof(user_sz));
		if (__builtin_expect(user_sz == dst_sz, 1)) {
			memcpy(dst, user, dst_sz);
			return 0;
		}
		return ts_opts_load_resized(dst, dst_sz, user, user_sz);
	}
	memset(dst, 0, dst_sz);
	memcpy(dst, &dst_sz, sizeof(dst_sz));
	return 0;
}

/* TS_OPTS_LOAD(local, user): local is a struct variable of the type user points to. */
#define TS_OPTS_LOAD(local, user)                                                                  \
	({                                                                                         \
		_Static_assert(offsetof(__typeof__(local), sz) == 0, "sz must be the first field"); \
		(void)sizeof((user) == &(local)); /* same type, or the compiler complains */       \
		ts_opts_load(&(local), sizeof(local), (user));                                    \
	})

#endif
