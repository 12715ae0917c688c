/*
 * shadow.h - the true chain of return addresses of one thread, kept while single-stepping.
 *
 * Entries are keyed by the stack slot the return address was pushed to. A call pushes (return
 * address, slot); whenever the stack pointer rises above a slot, that entry is gone: this one
 * rule covers ret, longjmp, exception unwinding and tail calls (which reuse the caller's slot,
 * so its entry stays and is the true return address). A signal pushes an entry for the frame the
 * kernel built. When a handler runs on a sigaltstack, stack pointers of the two stacks cannot be
 * compared: leaving the alternate stack's range ends the handler's context instead.
 */
#ifndef TS_SHADOW_H
#define TS_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

struct ts_shadow_entry {
	struct trustack_chain_entry e;
	uint64_t alt_lo, alt_hi; /* signal entries whose handler runs on an alternate stack */
	uint64_t isp;            /* signal entries: the interrupted stack pointer. The entry lives
				  * until sigreturn restores it: after the handler's ret consumed the
				  * restorer address, the thread is in the restorer with the signal
				  * frame, and so the interrupted pc, still on the stack */
};

struct ts_shadow {
	struct ts_shadow_entry *v;
	size_t n, cap;
};

/* Pop every entry the stack pointer sp has left behind. */
void ts_shadow_adjust(struct ts_shadow *s, uint64_t sp);
/* Returns 0 or -TRUSTACK_E_NOMEM. */
int ts_shadow_push_call(struct ts_shadow *s, uint64_t ra, uint64_t slot);
int ts_shadow_push_signal(struct ts_shadow *s, uint64_t ra, uint64_t slot, uint64_t ipc, uint64_t isp, uint64_t alt_lo,
			  uint64_t alt_hi);
/* The chain innermost first into out (room for s->n entries). */
void ts_shadow_chain(const struct ts_shadow *s, struct trustack_chain_entry *out);
void ts_shadow_free(struct ts_shadow *s);
/* dst (empty) becomes a copy of src: a forked child returns into its parent's frames. 0 or
 * -TRUSTACK_E_NOMEM. */
int ts_shadow_copy(struct ts_shadow *dst, const struct ts_shadow *src);
/* Is the thread inside a signal handler (a signal entry on the chain)? */
bool ts_shadow_in_signal(const struct ts_shadow *s);

#endif
