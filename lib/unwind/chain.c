/*
 * chain.c - judging a chain of return addresses someone else walked along saved frame pointers
 * (the kernel's PERF_SAMPLE_CALLCHAIN of `perf record --call-graph=fp`). Nothing is unwound
 * here: the stack is gone, only the pcs remain. What can still be known is whether the walk
 * that produced them could have been right, frame by frame, from the analysis' rows:
 *  - frame 0 (where the thread was) needs an intact frame at its pc: in a prologue, an epilogue
 *    or a function that keeps no frame, the frame pointer still holds the caller's frame, and
 *    the walk's first return address is the caller's caller: the caller is skipped;
 *  - every return address must follow a call, and its row (at pc - 1) must show an intact frame
 *    for the walk to have found the next one through it;
 *  - the chain must end at a known outermost frame; a signal trampoline cannot be walked by
 *    frame pointers (the interrupted function is skipped).
 */
#include <string.h>

#include "unwind/uwint.h"

static bool intact(const struct ts_urow *r, const struct ts_uw_arch *a)
{
	return r->cfa_kind == a->frame.cfa_kind && r->cfa_reg == a->frame.cfa_reg &&
	       r->cfa_off == a->frame.cfa_offset && r->ra_kind == a->frame.ra.kind &&
	       r->ra_off == a->frame.ra.offset && r->fp_kind == a->frame.fp.kind && r->fp_off == a->frame.fp.offset;
}

static bool read_code(const struct trustack_unwinder *u, const struct ts_uw_module *m, uint64_t addr, void *buf,
		      unsigned n)
{
	if (addr < m->start || addr > m->end || m->end - addr < n)
		return false;
	if (u->direct) {
		memcpy(buf, (const void *)(uintptr_t)addr, n);
		return true;
	}
	return u->opts.read_mem(u->opts.ctx, addr, buf, n) == 0;
}

static bool follows_call(const struct trustack_unwinder *u, const struct ts_uw_module *m, uint64_t pc)
{
	const struct ts_uw_arch *a = m->arch;
	uint8_t b[16];
	if (a->call_window > sizeof(b) || pc < a->call_window || !read_code(u, m, pc - a->call_window, b, a->call_window))
		return false;
	return a->after_call(b);
}

static bool at_sigreturn(const struct trustack_unwinder *u, const struct ts_uw_module *m, uint64_t pc)
{
	const struct ts_uw_arch *a = m->arch;
	for (unsigned i = 0; i < m->nsig; i++)
		if (m->sig[i] == pc - m->bias)
			return true;
	uint8_t b[16];
	if (m->sig_scanned || !a->sigret_len || a->sigret_len > sizeof(b) || !read_code(u, m, pc, b, a->sigret_len))
		return false;
	return memcmp(b, a->sigret, a->sigret_len) == 0;
}

/* The row at va for mode, as the walk would choose it (auto: a trusted .sframe's where the
 * analysis has none). */
static const struct ts_urow *row_at(const struct ts_uw_module *m, enum trustack_unwind_mode mode, uint64_t va)
{
	if (mode == TRUSTACK_UNWIND_SFRAME)
		return ts_uw_table_lookup(&m->sf, va);
	const struct ts_urow *r = ts_uw_table_lookup(&m->ana, va);
	if (mode == TRUSTACK_UNWIND_AUTO && m->sframe_trusted && (!r || (r->flags & TS_UROW_UNRELIABLE))) {
		const struct ts_urow *r2 = ts_uw_table_lookup(&m->sf, va);
		if (r2 && !(r2->flags & TS_UROW_UNRELIABLE))
			r = r2;
	}
	return r;
}

/* Frame k at pc: 0 when the walk may go on through it, -1 when it is the outermost frame, or
 * the verdict (about frame k). */
static int judge(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, const struct ts_uw_module *m,
		 uint64_t pc, size_t k)
{
	if (!m || (m->kind != TRUSTACK_MODULE_FILE && m->kind != TRUSTACK_MODULE_VDSO) || !m->arch)
		return m && m->kind == TRUSTACK_MODULE_UPROBES ? TRUSTACK_UNWIND_UPROBES : TRUSTACK_UNWIND_UNKNOWN_CODE;
	if (at_sigreturn(u, m, pc))
		return TRUSTACK_UNWIND_SIGNAL_FRAME;
	uint64_t va = pc - m->bias - (k ? 1 : 0);
	const struct ts_urow *r = row_at(m, mode, va);
	if (!r || (r->flags & TS_UROW_UNRELIABLE)) {
		for (unsigned i = 0; i < m->nplt; i++)
			if (va >= m->plt_lo[i] && va < m->plt_hi[i])
				return TRUSTACK_UNWIND_PLT;
		return r ? TRUSTACK_UNWIND_UNRELIABLE_ROW : TRUSTACK_UNWIND_NO_TABLE_ROW;
	}
	if (r->flags & TS_UROW_SIGNAL)
		return TRUSTACK_UNWIND_SIGNAL_FRAME;
	if (r->flags & TS_UROW_OUTERMOST)
		return -1;
	return intact(r, m->arch) ? 0 : TRUSTACK_UNWIND_PROLOGUE_EPILOGUE;
}

int trustack_unwind_check_chain(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, const uint64_t *pcs,
				size_t n, struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result)
{
	if (result)
		*result = (struct trustack_unwind_result){ .verdict = TRUSTACK_UNWIND_NOT_RUN };
	if (!u || !result || (!pcs && n) || (!frames && max) || (unsigned)mode >= TRUSTACK_UNWIND__MODES ||
	    (!u->direct && !u->opts.read_mem))
		return -TRUSTACK_E_ARG;
	size_t count = n < max ? n : max;
	for (size_t k = 0; k < count; k++) {
		const struct ts_uw_module *m = ts_uw_find_module(u, pcs[k]);
		frames[k] = (struct trustack_frame){ .pc = pcs[k], .module = m ? m->index : -1,
						     .flags = k ? 0 : TRUSTACK_FRAME_EXACT, .source = TRUSTACK_SRC_FP };
	}
	result->count = count;
	if (!n) {
		result->verdict = TRUSTACK_UNWIND_NO_OUTERMOST;
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		const struct ts_uw_module *m = ts_uw_find_module(u, pcs[k]);
		if (k && m && m->arch && (m->kind == TRUSTACK_MODULE_FILE || m->kind == TRUSTACK_MODULE_VDSO) &&
		    !follows_call(u, m, pcs[k])) {
			result->verdict = TRUSTACK_UNWIND_RA_NOT_AFTER_CALL;
			result->lost_at = k - 1;
			return 0;
		}
		int v = judge(u, mode, m, pcs[k], k);
		if (v < 0) { /* outermost: the chain is complete here (anything after it is not ours) */
			if (k < count)
				frames[k].source = TRUSTACK_SRC_OUTERMOST;
			result->verdict = TRUSTACK_UNWIND_RELIABLE;
			result->count = k + 1 < count ? k + 1 : count;
			return 0;
		}
		if (v == 0 && k + 1 == n)
			v = TRUSTACK_UNWIND_NO_OUTERMOST; /* an intact frame, but the chain stops */
		if (v) {
			result->verdict = v;
			result->lost_at = k;
			return 0;
		}
	}
	return 0; /* not reached: the last frame always decides */
}
