/* shadow.c - the true return-address chain of a thread (see shadow.h). */
#include <stdlib.h>
#include <string.h>

#include "proc/shadow.h"
#include "common/vec.h"

void ts_shadow_adjust(struct ts_shadow *s, uint64_t sp)
{
	while (s->n) {
		/* the innermost signal entry decides whether we are still in its handler's stack */
		size_t k = s->n;
		while (k && s->v[k - 1].e.kind != TRUSTACK_CHAIN_SIGNAL)
			k--;
		if (k) {
			const struct ts_shadow_entry *sig = &s->v[k - 1];
			if (sig->alt_hi && (sp < sig->alt_lo || sp >= sig->alt_hi)) {
				s->n = k - 1; /* left the alternate stack: the handler is over */
				continue;
			}
		}
		const struct ts_shadow_entry *top = &s->v[s->n - 1];
		bool gone = top->e.slot < sp;
		if (gone && top->e.kind == TRUSTACK_CHAIN_SIGNAL)
			/* in the restorer until sigreturn (see isp); on an alternate stack, until the
			 * thread leaves it (above) */
			gone = !top->alt_hi && sp >= top->isp;
		if (gone)
			s->n--;
		else
			break;
	}
}

static int push(struct ts_shadow *s, const struct ts_shadow_entry *e)
{
	if (TS_GROW(s->v, s->n, s->cap, 256))
		return -TRUSTACK_E_NOMEM;
	s->v[s->n++] = *e;
	return 0;
}

int ts_shadow_push_call(struct ts_shadow *s, uint64_t ra, uint64_t slot)
{
	struct ts_shadow_entry e = { .e = { .ra = ra, .slot = slot, .kind = TRUSTACK_CHAIN_CALL } };
	return push(s, &e);
}

int ts_shadow_push_signal(struct ts_shadow *s, uint64_t ra, uint64_t slot, uint64_t ipc, uint64_t isp, uint64_t alt_lo,
			  uint64_t alt_hi)
{
	struct ts_shadow_entry e = { .e = { .ra = ra, .slot = slot, .ipc = ipc, .kind = TRUSTACK_CHAIN_SIGNAL },
				     .alt_lo = alt_lo,
				     .alt_hi = alt_hi,
				     .isp = isp };
	return push(s, &e);
}

void ts_shadow_chain(const struct ts_shadow *s, struct trustack_chain_entry *out)
{
	for (size_t i = 0; i < s->n; i++)
		out[i] = s->v[s->n - 1 - i].e;
}

void ts_shadow_free(struct ts_shadow *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int ts_shadow_copy(struct ts_shadow *dst, const struct ts_shadow *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (push(dst, &src->v[i]))
			return -TRUSTACK_E_NOMEM;
	return 0;
}

bool ts_shadow_in_signal(const struct ts_shadow *s)
{
	for (size_t i = s->n; i; i--)
		if (s->v[i - 1].e.kind == TRUSTACK_CHAIN_SIGNAL)
			return true;
	return false;
}
