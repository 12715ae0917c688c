/*
 * unwind_same.c - the unwinder's fast path against its full path, at the points unwind_test.c
 * samples (every scenario, every SIGPROF sample, every corrupted snapshot).
 *
 * The fast path (the memo of validated return addresses and the lean loop, and the pcs-only
 * variant) must not change a single result: F is the unwinder under test, S the same address
 * space made with no_memo (every frame through the full path: module, trampoline, call check,
 * row lookup). Each comparison unwinds the same registers with F into frame records, with S into
 * frame records and with F into return addresses only, and requires the same verdict, count,
 * lost_at and, frame for frame, the same pc, sp, cfa, module, flags and source.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

#include "trustack.h"
#include "unwind_same.h"

#define NOINLINE __attribute__((noinline))
#define MAXF 2100

static struct trustack_unwinder *F, *S;
static unsigned long traces, frames, bad;
static char first[512];

void same_init(struct trustack_unwinder *fast, struct trustack_unwinder *full)
{
	F = fast, S = full;
}

static void compare(const char *how, int mode, const struct trustack_frame *fa, const struct trustack_unwind_result *ra,
		    const struct trustack_frame *fb, const struct trustack_unwind_result *rb, const uint64_t *pcs,
		    const struct trustack_unwind_result *rp)
{
	traces++;
	frames += ra->count;
	const char *what = NULL;
	size_t at = 0;
	if (ra->verdict != rb->verdict || ra->count != rb->count || ra->lost_at != rb->lost_at)
		what = "verdict/count/lost_at (frames)";
	else if (rp->verdict != ra->verdict || rp->count != ra->count || rp->lost_at != ra->lost_at)
		what = "verdict/count/lost_at (pcs)";
	for (size_t i = 0; !what && i < ra->count; i++) {
		at = i;
		if (fa[i].sp != fb[i].sp || fa[i].cfa != fb[i].cfa || fa[i].module != fb[i].module ||
		    fa[i].flags != fb[i].flags || fa[i].source != fb[i].source)
			what = "frame record";
		else if (fa[i].pc != fb[i].pc || pcs[i] != fa[i].pc)
			what = "pc";
	}
	if (!what)
		return;
	bad++;
	if (!first[0])
		snprintf(first, sizeof(first),
			 "%s %s: %s differs at frame %zu: fast %s count %zu lost_at %zu, full %s count %zu lost_at %zu, pcs %s",
			 how, trustack_unwind_mode__name(mode), what, at, trustack_unwind_verdict__name(ra->verdict),
			 ra->count, ra->lost_at, trustack_unwind_verdict__name(rb->verdict), rb->count, rb->lost_at,
			 trustack_unwind_verdict__name(rp->verdict));
}

static struct trustack_frame fa[MAXF], fb[MAXF];
static uint64_t pcs[MAXF];

/*
 * The caller's registers as trustack_unwind_self() starts from them (pc a return address, the
 * callee-saved registers valid), taken once with getcontext: three calls to
 * trustack_unwind_self() from three call sites would start from different registers (in code
 * without frame pointers rbp is any register), which would make them differ legitimately.
 */
NOINLINE void same_self(int mode, size_t max, uint64_t lo, uint64_t hi)
{
	ucontext_t uc;
	struct trustack_regs regs;
	getcontext(&uc);
	trustack_regs__from_ucontext(&regs, &uc);
	struct trustack_unwind_start st = {
		.sz = sizeof(st), .flags = TRUSTACK_START_PC_IS_RA | TRUSTACK_START_VALID_MASK,
		.valid = 1u << 3 | 1u << 6 | 1u << 7 | 0xfu << 12, /* rbx rbp rsp r12-r15 */
		.stack_lo = lo, .stack_hi = hi,
	};
	same_regs("self", mode, &regs, &st, max);
}

void same_regs(const char *how, int mode, const struct trustack_regs *regs, const struct trustack_unwind_start *st,
	       size_t max)
{
	struct trustack_unwind_result ra, rb, rp;
	if (max > MAXF)
		max = MAXF;
	trustack_unwind_ex(F, mode, regs, st, fa, max, &ra);
	trustack_unwind_ex(S, mode, regs, st, fb, max, &rb);
	trustack_unwind_pcs(F, mode, regs, st, pcs, max, &rp);
	compare(how, mode, fa, &ra, fb, &rb, pcs, &rp);
}

void same_set_read_mem(trustack_read_fn fn, void *ctx)
{
	trustack_unwinder__set_read_mem(F, fn, ctx);
	trustack_unwinder__set_read_mem(S, fn, ctx);
}

int same_report(const char *variant)
{
	printf("INFO %s/fast-equals-full: %lu traces, %lu frames compared, %lu differ\n", variant, traces, frames, bad);
	if (bad || traces == 0) {
		printf("FAIL %s/fast-equals-full: %s\n", variant, bad ? first : "nothing compared");
		return 1;
	}
	printf("PASS %s/fast-equals-full\n", variant);
	return 0;
}
