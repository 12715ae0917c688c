/*
 * diff.c - the analysis against the file's own unwind tables, instruction by instruction.
 *
 * Every function is analysed (driver.c); for each instruction we ask each table for its row
 * and compare the CFA rule, where the return address is and where the caller's frame pointer
 * is. A disagreement is put in a class when a known, benign reason explains it (docs/diff.md
 * has each with a real example); what no class explains is "unclassified", and those make
 * the command fail. Consecutive instructions with the same disagreement form one run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/opts.h"
#include "analysis/driver.h"
#include "elf/handle.h"
#include "tables/rowmap.h"
#include "tables/source.h"
#include "common/vec.h"

static const char *const class_names[TRUSTACK_DIFF__CLASSES] = {
	[TRUSTACK_DIFF_UNCLASSIFIED] = "unclassified",
	[TRUSTACK_DIFF_TABLE_LACKS_FUNCTION] = "table-lacks-function",
	[TRUSTACK_DIFF_TABLE_PARTIAL] = "table-partial",
	[TRUSTACK_DIFF_ANALYSIS_UNREACHED] = "analysis-unreached",
	[TRUSTACK_DIFF_ANALYSIS_UNDEFINED] = "analysis-undefined",
	[TRUSTACK_DIFF_OUTERMOST] = "outermost-frame",
	[TRUSTACK_DIFF_EPILOGUE_FP_SLOT] = "epilogue-fp-slot",
	[TRUSTACK_DIFF_BOTH_LOCATIONS_VALID] = "both-locations-valid",
	[TRUSTACK_DIFF_CFA_BASE_EQUAL] = "cfa-base-equal",
	[TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST] = "table-misses-sp-adjust",
	[TRUSTACK_DIFF_TABLE_STALE_FP_RULE] = "table-stale-fp-rule",
	[TRUSTACK_DIFF_CONTEXT_SWITCH] = "context-switch",
	[TRUSTACK_DIFF_TABLE_OPAQUE] = "table-opaque",
	[TRUSTACK_DIFF_SIGNAL_FRAME] = "signal-frame",
	[TRUSTACK_DIFF_TABLE_STALE_RA_SIGN] = "table-stale-ra-sign",
	[TRUSTACK_DIFF_TABLE_MISSES_EPILOGUE] = "table-misses-epilogue",
	[TRUSTACK_DIFF_TABLE_MISSES_PLT_PUSH] = "table-misses-plt-push",
	[TRUSTACK_DIFF_TABLE_EARLY_CFA] = "table-early-cfa",
	[TRUSTACK_DIFF_OTHER_RETURN_COLUMN] = "other-return-column",
	/* x86-64, issue 17's 62 libraries */
	[TRUSTACK_DIFF_TABLE_MISSES_FP_SAVE] = "table-misses-fp-save",
	[TRUSTACK_DIFF_TABLE_MISSES_FP_CLOBBER] = "table-misses-fp-clobber",
	[TRUSTACK_DIFF_TABLE_MOVES_FP_CFA] = "table-moves-fp-cfa",
	[TRUSTACK_DIFF_TABLE_WRONG_AT_RETURN] = "table-wrong-at-return",
	[TRUSTACK_DIFF_TABLE_STALE_DRAP] = "table-stale-drap",
	[TRUSTACK_DIFF_ANALYSIS_UNTRACKED_FRAME] = "analysis-untracked-frame",
	[TRUSTACK_DIFF_ANALYSIS_FOREIGN_FRAGMENT] = "analysis-foreign-fragment",
	[TRUSTACK_DIFF_TABLE_STALE_FP_SLOT] = "table-stale-fp-slot",
};

const char *trustack_diff_class__name(enum trustack_diff_class c)
{
	return (unsigned)c < TRUSTACK_DIFF__CLASSES ? class_names[c] : "unknown";
}

bool trustack_diff_class__is_equivalent(enum trustack_diff_class c)
{
	return c == TRUSTACK_DIFF_EPILOGUE_FP_SLOT || c == TRUSTACK_DIFF_BOTH_LOCATIONS_VALID ||
	       c == TRUSTACK_DIFF_CFA_BASE_EQUAL;
}

static const char *const table_names[TRUSTACK_DIFF__NTABLES] = { "eh_frame", "debug_frame", "sframe", "orc" };

static int table_index(unsigned bit)
{
	for (int i = 0; i < TRUSTACK_DIFF__NTABLES; i++)
		if (bit == 1u << i)
			return i;
	return -1;
}

const char *trustack_diff_table__name(enum trustack_diff_table t)
{
	int i = table_index((unsigned)t);
	return i >= 0 ? table_names[i] : "unknown";
}

enum outcome { O_NONE, O_AGREE, O_DISAGREE, O_ONLY_ANALYSIS, O_ONLY_TABLE };

/* A run of consecutive instructions with the same non-agreeing outcome. */
struct run {
	uint64_t addr;           /* first instruction */
	uint64_t count;
	uint8_t table;           /* index */
	uint8_t cls;
	uint8_t outcome;
	bool reached, covered;
	uint8_t tstatus;
	int func;                /* the unit that found it (a fragment two functions share: two) */
	struct trustack_row arow, trow;
	char what[64];
};

struct diffjob {
	const struct ts_image *img;
	struct ts_source *src[TRUSTACK_DIFF__NTABLES];
	struct ts_srcrow *cache;     /* per slot x table: the last answer */
	unsigned nslots;
	pthread_mutex_t lock;
	struct run *runs;
	size_t nruns, capruns;
	struct trustack_diff_counts counts[TRUSTACK_DIFF__NTABLES];
	int err;
};

static int push_run(struct run **v, size_t *n, size_t *cap, const struct run *r)
{
	if (TS_GROW(*v, *n, *cap, 64))
		return -TRUSTACK_E_NOMEM;
	(*v)[(*n)++] = *r;
	return 0;
}

static int lookup(struct diffjob *j, unsigned slot, int t, uint64_t addr, struct ts_srcrow **out)
{
	struct ts_srcrow *c = &j->cache[slot * TRUSTACK_DIFF__NTABLES + t];
	if (c->end > c->start && addr >= c->start && addr < c->end) {
		*out = c;
		return 0;
	}
	int rc = j->src[t]->lookup(j->src[t], slot, addr, c);
	*out = c;
	return rc;
}

static bool loc_eq(const struct trustack_loc *a, const struct trustack_loc *b)
{
	return a->kind == b->kind && a->reg == b->reg && a->offset == b->offset;
}

static bool cfa_eq(const struct trustack_row *a, const struct trustack_row *b)
{
	return a->cfa_kind == b->cfa_kind && a->cfa_reg == b->cfa_reg && a->cfa_offset == b->cfa_offset &&
	       a->cfa_vg == b->cfa_vg;
}

/*
 * The class of a disagreement between two rows both present. prev ("the anchor") is the table's
 * row at the last instruction of this function range, in address order, where the analysis and
 * the table agreed on the CFA.
 */
struct prevstate {
	bool valid;
	struct trustack_row trow;
};

static bool rows_agree(const struct trustack_row *a, const struct trustack_row *b);

/* A CFA rule of register + offset, also scaled by the SVE vector length (arm64: + k * VG). */
static bool reg_based(const struct trustack_row *r)
{
	return r->cfa_kind == TRUSTACK_CFA_REG || r->cfa_kind == TRUSTACK_CFA_REG_VG;
}

/* Does the table's CFA register hold, in the analysis' state, the address the table's rule
 * makes the CFA: reg + offset, or reg + offset + vg * VG (arm64 SVE frames)? */
static bool table_cfa_held(const struct ts_state *st, const struct trustack_row *b)
{
	if (b->cfa_kind == TRUSTACK_CFA_REG)
		return ts_state_reg_is_cfa_plus(st, b->cfa_reg, -(int64_t)b->cfa_offset);
	return b->cfa_kind == TRUSTACK_CFA_REG_VG &&
	       ts_state_reg_is_cfa_plus_vg(st, b->cfa_reg, -(int64_t)b->cfa_offset, -(int64_t)b->cfa_vg);
}

/* ---- table defects of hand-written x86-64 assembly (issue 17's 62 libraries) ---------------- */

/*
 * The table says the caller's frame pointer is still in its register ("same value": no rule)
 * where the analysis' state has that register overwritten. Two defects of hand-written
 * assembly: the code pushed rbp to use it as scratch and its CFI has no .cfi_offset for it
 * (the analysis knows the save slot: table-misses-fp-save); or a local helper that only
 * assembly calls, with a private convention, uses rbp as scratch without saving it at all,
 * its caller having saved it (libgcrypt's DES and Camellia helpers, OpenSSL's _mul_1x1: the
 * analysis has the caller's value nowhere, and check reports return-modified-frame at the
 * helper's return: table-misses-fp-clobber; the true rule is "undefined"). Either way an
 * unwinder that follows the table hands the caller a scratch value as its frame pointer.
 */
static enum trustack_diff_class table_claims_fp_same(const struct ts_arch *a, const struct trustack_row *ar,
						     const struct trustack_row *b, const struct ts_state *st)
{
	if (b->fp.kind != TRUSTACK_LOC_SAME || ts_state_holds(a, st, a->fp, &b->fp))
		return TRUSTACK_DIFF_UNCLASSIFIED;
	if (ar->fp.kind == TRUSTACK_LOC_UNDEFINED)
		return TRUSTACK_DIFF_TABLE_MISSES_FP_CLOBBER;
	return ar->fp.kind != TRUSTACK_LOC_SAME ? TRUSTACK_DIFF_TABLE_MISSES_FP_SAVE : TRUSTACK_DIFF_UNCLASSIFIED;
}

/* The class of a table defect these functions recognise, for rows whose CFAs name the same
 * address and whose return addresses agree; UNCLASSIFIED when none applies. */
static enum trustack_diff_class asm_table_defect(const struct ts_arch *a, const struct trustack_row *ar,
						 const struct trustack_row *b, const struct ts_state *st)
{
	if (loc_eq(&ar->fp, &b->fp))
		return TRUSTACK_DIFF_UNCLASSIFIED;
	/* table-stale-fp-slot: the table names a slot below SP (popped, or never pushed) for the
	 * caller's FP, which the analysis proves is in its register, and (classify tried that
	 * first) not proven to be in that slot: a return both the epilogue and a path that never
	 * saved FP reach keeps the body's rule (clang's shrink-wrapped early exit sharing the
	 * ret: libclang-cpp fde@0x25235f0+0x50); on that path the slot never held it */
	if (ar->fp.kind == TRUSTACK_LOC_SAME && b->fp.kind == TRUSTACK_LOC_AT_CFA && b->cfa_reg == a->sp &&
	    (int64_t)b->cfa_offset + b->fp.offset < 0 && ts_state_holds(a, st, a->fp, &ar->fp))
		return TRUSTACK_DIFF_TABLE_STALE_FP_SLOT;
	return table_claims_fp_same(a, ar, b, st);
}

/*
 * Disagreements on the CFA itself, tried after every other class (compare_unit); each shape
 * was found in one of the 62 libraries and checked by hand (docs/diff.md has the evidence).
 * prev is the anchor of classify (the table's row where both last agreed on the CFA).
 */
static enum trustack_diff_class asm_cfa_defect(const struct ts_arch *a, const struct ts_insn *in,
					       const struct trustack_row *ar, const struct trustack_row *b,
					       const struct prevstate *prev, const struct ts_state *st)
{
	if (!st || ar->cfa_kind != TRUSTACK_CFA_REG || b->cfa_kind != TRUSTACK_CFA_REG || !loc_eq(&ar->ra, &b->ra))
		return TRUSTACK_DIFF_UNCLASSIFIED;
	int64_t ak = ar->cfa_offset, bk = b->cfa_offset;
	/* table-moves-fp-cfa: both on the frame pointer, which has not moved since both agreed
	 * (the analysis' rule is the anchor's), and the table's offset moved anyway: CFI written
	 * for pushes as if the CFA were still on SP (glibc's libmvec wrappers: `.cfi_adjust_cfa_offset
	 * 8` after `push %r13` in a frame whose CFA is rbp+16) */
	if (ar->cfa_reg == a->fp && b->cfa_reg == a->fp && ak != bk && prev->valid &&
	    prev->trow.cfa_kind == TRUSTACK_CFA_REG && prev->trow.cfa_reg == a->fp && prev->trow.cfa_offset == ak)
		return TRUSTACK_DIFF_TABLE_MOVES_FP_CFA;
	/* table-wrong-at-return: at a return whose frame the analysis finds intact (SP back at
	 * its entry value, the return address on top), the CFA is SP + the entry offset by
	 * definition; the table says another SP offset (OpenSSL's perlasm: after `lea 88(%rsp),
	 * %rsp` or `lea 72(%rsp),%rsp` its CFI adds 88 to the CFA offset instead of subtracting) */
	if (in && in->flow == TS_FLOW_RET && ar->cfa_reg == a->sp && b->cfa_reg == a->sp && ak != bk) {
		char why[96];
		if (ts_state_frame_intact(a, st, 0, why, sizeof(why)))
			return TRUSTACK_DIFF_TABLE_WRONG_AT_RETURN;
	}
	bool b_other = b->cfa_reg != a->sp && b->cfa_reg != a->fp;
	bool b_holds = ts_state_reg_is_cfa_plus(st, b->cfa_reg, -bk);
	/* table-stale-drap: both on a register other than SP and FP, not the same one, and the
	 * analysis proves the table's holds something else: gcc's DRAP epilogue popped the saved
	 * DRAP value into another register than the one its CFI names (libgfortran: `pop %rsi`,
	 * then `DW_CFA_def_cfa: r13`, r13 still holding the body's value) */
	if (b_other && ar->cfa_reg != a->sp && ar->cfa_reg != a->fp && ar->cfa_reg != b->cfa_reg && !b_holds)
		return TRUSTACK_DIFF_TABLE_STALE_DRAP;
	/* context-switch, the eh_return shape: the table's CFA is on the register this very
	 * instruction loads into SP (libgcc's _Unwind_RaiseException: `mov %rcx,%rsp; pop %rcx;
	 * jmp *%rcx`, CFI cfa=rcx+8): it describes the frame being switched to */
	if (b_other && !b_holds && in) {
		for (unsigned k = 0; k < in->nuops; k++)
			if (in->uops[k].kind == TS_UOP_MOV && in->uops[k].dst == a->sp && in->uops[k].src == b->cfa_reg)
				return TRUSTACK_DIFF_CONTEXT_SWITCH;
	}
	/* analysis-untracked-frame: the table's CFA is on the frame pointer, pointed at a frame
	 * record the code built in memory the analysis does not track (libffi's ffi_call_unix64
	 * builds it in the area its caller allocated, then moves the stack there); the analysis
	 * keeps the CFA on SP, right as well, but lost where the caller's FP went. Neither side is
	 * shown wrong: a limit of the analysis. */
	if (b->cfa_reg == a->fp && ar->cfa_reg == a->sp && ar->fp.kind == TRUSTACK_LOC_UNDEFINED &&
	    b->fp.kind == TRUSTACK_LOC_AT_CFA && a->fp < TS_MAX_REGS && st->regs[a->fp].kind != V_CFA &&
	    st->regs[a->fp].kind != V_ALN)
		return TRUSTACK_DIFF_ANALYSIS_UNTRACKED_FRAME;
	return TRUSTACK_DIFF_UNCLASSIFIED;
}

static enum trustack_diff_class classify(const struct ts_arch *a, const struct trustack_row *ar,
					 const struct ts_srcrow *t, const struct prevstate *prev, const struct ts_state *st)
{
	if (ar->cfa_kind == TRUSTACK_CFA_UNDEFINED)
		return TRUSTACK_DIFF_ANALYSIS_UNDEFINED;
	if (t->status == TS_SRC_OPAQUE)
		return TRUSTACK_DIFF_TABLE_OPAQUE;
	if (t->outermost)
		return TRUSTACK_DIFF_OUTERMOST;
	if (t->signal)
		return TRUSTACK_DIFF_SIGNAL_FRAME;
	if (t->other_ra_column)
		return TRUSTACK_DIFF_OTHER_RETURN_COLUMN;
	const struct trustack_row *b = &t->row;
	if (ar->ra_sign != b->ra_sign) {
		/* Another signing state (arm64 PAC). When the rules themselves disagree too, their class
		 * (the rule is what an unwinder reads first). Otherwise: the table says "signed" where
		 * the analysis' state, the same on every path to here (paths meeting in different
		 * states are a finding of check), says authenticated or never signed: the table kept
		 * the state of the code before it in address order (clang 14 toggles only after
		 * paciasp: not after autiasp, not on a branch around a shrink-wrapped paciasp). The
		 * opposite has no known reason. */
		struct trustack_row x = *ar;
		x.ra_sign = b->ra_sign;
		enum trustack_diff_class c = rows_agree(&x, b) ? TRUSTACK_DIFF_EPILOGUE_FP_SLOT /* any equivalent */
							       : classify(a, &x, t, prev, st);
		if (!trustack_diff_class__is_equivalent(c))
			return c;
		return b->ra_sign && !ar->ra_sign ? TRUSTACK_DIFF_TABLE_STALE_RA_SIGN : TRUSTACK_DIFF_UNCLASSIFIED;
	}
	bool same_cfa = cfa_eq(ar, b), same_ra = loc_eq(&ar->ra, &b->ra), same_fp = loc_eq(&ar->fp, &b->fp);
	if (same_cfa && (!same_ra || !same_fp) && st) {
		/* the same CFA, another place for RA or FP: right if that place holds the caller's
		 * value too, which the analysis' state at this instruction can tell */
		bool ok = (same_ra || ts_state_holds(a, st, a->ra, &b->ra)) &&
			  (same_fp || ts_state_holds(a, st, a->fp, &b->fp));
		if (ok) {
			const struct trustack_loc *l[2] = { same_ra ? NULL : &b->ra, same_fp ? NULL : &b->fp };
			for (int k = 0; k < 2; k++)
				if (l[k] && l[k]->kind == TRUSTACK_LOC_AT_CFA && b->cfa_kind == TRUSTACK_CFA_REG &&
				    b->cfa_reg == a->sp && (int64_t)b->cfa_offset + l[k]->offset < 0)
					return TRUSTACK_DIFF_EPILOGUE_FP_SLOT;
			return TRUSTACK_DIFF_BOTH_LOCATIONS_VALID;
		}
	}
	/* "FP saved at [rbp+k]" once rbp holds the caller's value again names a word of the
	 * caller's frame, not the save slot: the table is stale there */
	if (same_ra && b->fp.kind == TRUSTACK_LOC_AT_REG && b->fp.reg == a->fp && ar->fp.kind == TRUSTACK_LOC_SAME &&
	    (same_cfa || (st && table_cfa_held(st, b))))
		return TRUSTACK_DIFF_TABLE_STALE_FP_RULE;
	/* another register (or offset) for the CFA: right if the analysis knows that register's value
	 * as CFA-relative with the offset that makes the table's rule come out at the CFA (DRAP's
	 * "lea 8(%rsp),%r10", a probe loop that exits on rsp == r11) */
	if (!same_cfa && ar->cfa_kind != TRUSTACK_CFA_UNDEFINED && st && table_cfa_held(st, b)) {
		bool ok = (same_ra || ts_state_holds(a, st, a->ra, &b->ra)) &&
			  (same_fp || ts_state_holds(a, st, a->fp, &b->fp));
		if (ok)
			return TRUSTACK_DIFF_CFA_BASE_EQUAL;
	}
	/* the CFAs name the same address, the return address is where the table says: a defect of
	 * the table's other rules? (Not while another context's registers are being loaded: every
	 * callee-saved register replaced is a context switch, below, not a clobbered frame pointer.) */
	if (st && !ts_state_callers_regs_dropped(a, st) && (same_ra || ts_state_holds(a, st, a->ra, &b->ra)) &&
	    (same_cfa || table_cfa_held(st, b))) {
		enum trustack_diff_class c = asm_table_defect(a, ar, b, st);
		if (c != TRUSTACK_DIFF_UNCLASSIFIED)
			return c;
	}
	/* the table kept its SP-based row while the stack pointer moved: its row is the one it had
	 * at the last instruction (in address order) where both agreed on the CFA, and the
	 * analysis' SP-based CFA has moved since by the pushes, pops and adjustments it decoded */
	if (!same_cfa && same_ra && reg_based(ar) && reg_based(b) && ar->cfa_reg == a->sp && b->cfa_reg == a->sp &&
	    prev->valid && ts_row_equal(&prev->trow, b))
		return TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST;
	/* The same stale row where the analysis proves the table's CFA register does not hold
	 * CFA - k: prologues and epilogues the table does not describe at all (clang 14 on arm64
	 * emits CFI after the prologue only: `stp x29, x30, [sp, #-32]!` leaves its row at sp+0,
	 * and after `ldp x29, x30, [sp], #32` its row still says x29+32, x29 being the caller's
	 * again). SP-based: a missed adjustment; FP-based: a missed epilogue. */
	if (!same_cfa && st && prev->valid && ts_row_equal(&prev->trow, b) && reg_based(b) && reg_based(ar) &&
	    !table_cfa_held(st, b)) {
		/* the whole row is the stale one (RA and FP rules with it): clang's shrink-wrapped
		 * early exit after its epilogue in address order reads the body's row there too */
		if (b->cfa_reg == a->sp)
			return TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST;
		if (b->cfa_reg == a->fp)
			return TRUSTACK_DIFF_TABLE_MISSES_EPILOGUE;
	}
	/* glibc's setcontext/swapcontext/__start_context describe the context they switch to:
	 * CFA on the register holding the ucontext, RA in a register or inside that structure;
	 * arm64's __longjmp: CFA on x0 (the jmp_buf), RA "same" once x30 is loaded from it, where
	 * the analysis has lost the caller's return address */
	if (b->cfa_kind == TRUSTACK_CFA_REG && b->cfa_reg != a->sp && b->cfa_reg != a->fp &&
	    (b->ra.kind == TRUSTACK_LOC_IN_REG || (b->ra.kind == TRUSTACK_LOC_AT_CFA && b->ra.offset > 0) ||
	     (a->ra_in_reg && b->ra.kind == TRUSTACK_LOC_SAME && ar->ra.kind == TRUSTACK_LOC_UNDEFINED)))
		return TRUSTACK_DIFF_CONTEXT_SWITCH;
	/* the other side of the same switch: another context's registers are being loaded (every
	 * callee-saved register of the caller already replaced: s390x glibc's longjmp `lmg
	 * %r6,%r13,0(%r1); lgr %r15,%r5; br %r4`), while the table still describes the caller's */
	if (st && ts_state_callers_regs_dropped(a, st))
		return TRUSTACK_DIFF_CONTEXT_SWITCH;
	/* the same CFA, and the return address lost on the way here, which check reports
	 * (lr-clobbered where x30 was overwritten, return-modified-frame at the return it breaks:
	 * glibc's arm64 swapcontext sets x30 to the saved context's resume point after storing the
	 * caller's into the ucontext; __rawmemchr keeps it in x15 across a call) */
	if (same_cfa && ar->ra.kind == TRUSTACK_LOC_UNDEFINED && b->ra.kind != TRUSTACK_LOC_UNDEFINED)
		return TRUSTACK_DIFF_ANALYSIS_UNDEFINED;
	return TRUSTACK_DIFF_UNCLASSIFIED;
}

static bool rows_agree(const struct trustack_row *a, const struct trustack_row *b)
{
	return cfa_eq(a, b) && loc_eq(&a->ra, &b->ra) && loc_eq(&a->fp, &b->fp) && a->ra_sign == b->ra_sign;
}

/*
 * Code a lazy PLT enters (ld.so's trampolines: fragments.c, TS_HINT_PLT_ENTRY) is analysed from
 * the state the PLT leaves, its CFA the caller's stack pointer. A table that takes the stack
 * pointer after the PLT's push as the CFA instead (glibc's arm64 dl-trampoline.S: "x30 at
 * cfa+8") is low by the bytes the PLT pushed beyond a call's entry state, at every instruction:
 * an unwinder that trusts it gives the caller a stack pointer that many bytes low. Is that the
 * only difference: with them added back (and the places it names relative to its CFA moved down
 * by as much), do the rows agree, or name places the state proves equivalent? ok_at: the last
 * instruction of this range whose rows agreed so. Unclassified: no answer here.
 */
static enum trustack_diff_class plt_entered(const struct ts_unit *u, size_t i, size_t ok_at, const struct trustack_row *ar,
					   const struct ts_srcrow *t, const struct prevstate *prev,
					   const struct ts_state *st)
{
	const struct ts_image *img = u->img;
	const struct ts_arch *a = u->a;
	const struct ts_entry_hint *h = img->nhints ? ts_image_entry_hint(img, img->funcs[u->func].addr) : NULL;
	int64_t push = (int64_t)a->plt_entry_pushed + a->entry_sp_offset;
	if (!h || !(h->flags & TS_HINT_PLT_ENTRY) || push <= 0 || t->status != TS_SRC_ROW || t->outermost ||
	    t->row.cfa_kind != TRUSTACK_CFA_REG || ar->cfa_kind != TRUSTACK_CFA_REG)
		return TRUSTACK_DIFF_UNCLASSIFIED;
	struct ts_srcrow x = *t;
	x.row.cfa_offset += push;
	if (x.row.ra.kind == TRUSTACK_LOC_AT_CFA)
		x.row.ra.offset -= push;
	if (x.row.fp.kind == TRUSTACK_LOC_AT_CFA)
		x.row.fp.offset -= push;
	if (rows_agree(ar, &x.row) || trustack_diff_class__is_equivalent(classify(a, ar, &x, prev, st)))
		return TRUSTACK_DIFF_TABLE_MISSES_PLT_PUSH;
	/* Right before, the rows agreed (push counted) and the instruction moved the stack pointer;
	 * now only the SP-based CFA offsets differ: the table moved its CFA by another amount
	 * than the code moved SP (glibc's arm64 _dl_runtime_profile: `add sp, sp, #0x200` before
	 * its `br x16`, described as `DW_CFA_def_cfa_offset: 944`) */
	if (i > 0 && ok_at == i - 1 && ar->cfa_reg == a->sp && x.row.cfa_reg == a->sp &&
	    loc_eq(&ar->ra, &x.row.ra) && loc_eq(&ar->fp, &x.row.fp) && ar->ra_sign == x.row.ra_sign) {
		const struct ts_insn *in = &u->insns[i - 1];
		for (unsigned k = 0; k < in->nuops; k++)
			if (in->uops[k].dst == a->sp && in->uops[k].kind == TS_UOP_ADDI)
				return TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST;
	}
	return TRUSTACK_DIFF_UNCLASSIFIED;
}

/*
 * A stale SP-based table row that a branch carried here: a direct jump to this instruction
 * comes from one where the analysis has the same row and the table the same stale one (clang
 * moves `add $8,%rsp` above a `cmp; jne` to another epilogue, whose CFI restores the row of
 * before the add). The class of the branch's own instruction says whether the table missed an
 * adjustment there; this one inherits it. Address order (the anchor of classify) does not see
 * such an edge.
 */
static enum trustack_diff_class inherited(struct diffjob *j, unsigned slot, int t, const struct ts_unit *u, size_t i,
					  const struct trustack_row *ar, const struct ts_srcrow *cur)
{
	const struct ts_arch *a = u->a;
	const struct trustack_row *b = &cur->row;
	if (ar->cfa_kind != TRUSTACK_CFA_REG || b->cfa_kind != TRUSTACK_CFA_REG || ar->cfa_reg != a->sp ||
	    b->cfa_reg != a->sp || !loc_eq(&ar->ra, &b->ra) || cur->outermost)
		return TRUSTACK_DIFF_UNCLASSIFIED;
	uint64_t addr = u->insns[i].addr;
	for (size_t k = 0; k < u->n; k++) {
		const struct ts_insn *x = &u->insns[k];
		if ((x->flow != TS_FLOW_JUMP && x->flow != TS_FLOW_JCC) || x->target != addr || u->row[k] < 0)
			continue;
		if (!rows_agree(&u->rows[u->row[k]], ar))
			continue;
		struct ts_srcrow *tk;
		if (lookup(j, slot, t, x->addr, &tk))
			return TRUSTACK_DIFF_UNCLASSIFIED;
		if (tk->status == TS_SRC_ROW && !tk->outermost && ts_row_equal(&tk->row, b))
			return TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST;
	}
	return TRUSTACK_DIFF_UNCLASSIFIED;
}

/*
 * The table already has the row of after the stack pointer's restore: the next instruction, in
 * a straight run from this one (no branch, at most EARLY_CFA_RUN instructions), that writes the
 * stack pointer leaves the analysis at the table's CFA. gcc on s390x keeps r15 in an FPR in
 * leaf functions and restores it with `lgdr %r15,%f0` among the other `lgdr`s of the epilogue,
 * with the CFA change put on the first of them (glibc's ether_aton_r, frexpl).
 */
enum { EARLY_CFA_RUN = 8 };
static bool early_cfa(const struct ts_unit *u, size_t i, const struct trustack_row *ar, const struct trustack_row *b)
{
	const struct ts_arch *a = u->a;
	if (ar->cfa_kind != TRUSTACK_CFA_REG || b->cfa_kind != TRUSTACK_CFA_REG || ar->cfa_reg != a->sp ||
	    b->cfa_reg != a->sp)
		return false;
	for (size_t k = i; k + 1 < u->n && k < i + EARLY_CFA_RUN; k++) {
		const struct ts_insn *x = &u->insns[k];
		if (x->flow != TS_FLOW_NEXT || u->insns[k + 1].addr != x->addr + x->len || u->row[k + 1] < 0)
			return false;
		uint64_t w = 0;
		for (unsigned n = 0; n < x->nuops; n++)
			w |= ts_uop_writes(&x->uops[n]);
		if (w >> a->sp & 1)
			return cfa_eq(&u->rows[u->row[k + 1]], b);
	}
	return false;
}

/* Compare one unit against every table. */
static int compare_unit(const struct ts_unit *u, unsigned slot, void *ctx)
{
	struct diffjob *j = ctx;
	struct run *local = NULL;
	size_t nlocal = 0, caplocal = 0;
	struct trustack_diff_counts cnt[TRUSTACK_DIFF__NTABLES];
	memset(cnt, 0, sizeof(cnt));
	int rc = 0;
	for (int t = 0; t < TRUSTACK_DIFF__NTABLES && !rc; t++) {
		if (!j->src[t])
			continue;
		for (size_t k = 0; k < u->nranges && !rc; k++) {
			const struct ts_range *rg = &u->ranges[k];
			if (rg->borrowed)
				continue;
			size_t first = rg->first, end = k + 1 < u->nranges ? u->ranges[k + 1].first : u->n;
			/* does the table cover any instruction of this range? */
			bool any = false;
			for (size_t i = first; i < end && !any && !rc; i++) {
				struct ts_srcrow *tr;
				rc = lookup(j, slot, t, u->insns[i].addr, &tr);
				any = tr->status != TS_SRC_NONE;
			}
			struct run *prev = NULL;
			struct prevstate ps = { 0 };
			/* a fragment entered from a function it does not belong to (set at its first
			 * instruction, see ANALYSIS_FOREIGN_FRAGMENT below) */
			bool foreign = false;
			/* the last instruction whose table row missed an SP adjustment, and its rows:
			 * the next one falls into the same stale row */
			size_t ms_at = (size_t)-1;
			size_t plt_ok_at = (size_t)-1; /* code a PLT enters: the last agreement (plt_entered) */
			struct trustack_row ms_arow = { 0 }, ms_trow = { 0 };
			for (size_t i = first; i < end && !rc; i++) {
				const struct ts_insn *in = &u->insns[i];
				struct ts_srcrow *tr;
				rc = lookup(j, slot, t, in->addr, &tr);
				if (rc)
					break;
				bool reached = u->row[i] >= 0, covered = tr->status != TS_SRC_NONE;
				const struct trustack_row *ar = reached ? &u->rows[u->row[i]] : NULL;
				enum outcome o;
				enum trustack_diff_class cls = TRUSTACK_DIFF_UNCLASSIFIED;
				struct prevstate before = ps;
				if (reached && covered && tr->status == TS_SRC_ROW && cfa_eq(ar, &tr->row)) {
					ps.valid = true;
					ps.trow = tr->row;
				}
				if (!reached && !covered) {
					prev = NULL;
					continue;
				}
				if (reached && covered && tr->outermost) {
					/* "return address undefined" marks the end of the stack: the table gives
					 * no rule for a caller, so there is nothing to compare (counted with the
					 * instructions only the analysis describes, in class outermost-frame) */
					o = O_ONLY_ANALYSIS;
					cnt[t].only_analysis++;
					cls = TRUSTACK_DIFF_OUTERMOST;
				} else if (reached && covered) {
					cnt[t].compared++;
					if (tr->status == TS_SRC_ROW && !tr->outermost && rows_agree(ar, &tr->row)) {
						cnt[t].agree++;
						prev = NULL;
						plt_ok_at = i;
						continue;
					}
					o = O_DISAGREE;
					/* the state is rebuilt only for the rows that differ */
					struct ts_state st;
					bool have = ts_unit_state_at((struct ts_unit *)u, i, &st) == 0;
					cls = plt_entered(u, i, plt_ok_at, ar, tr, &before, have ? &st : NULL);
					if (cls == TRUSTACK_DIFF_TABLE_MISSES_PLT_PUSH)
						plt_ok_at = i;
					else if (cls == TRUSTACK_DIFF_UNCLASSIFIED)
						cls = classify(u->a, ar, tr, &before, have ? &st : NULL);
					if (cls == TRUSTACK_DIFF_CFA_BASE_EQUAL) {
						/* the table's CFA from another register the state proves equal
						 * is an agreement on the CFA too: the anchor of the stale-row
						 * classes (clang -O0 on s390x: CFA on r11 throughout, the
						 * analysis on r15; its epilogue's lmg leaves the r11 row) */
						ps.valid = true;
						ps.trow = tr->row;
					}
					if (cls == TRUSTACK_DIFF_UNCLASSIFIED && tr->status == TS_SRC_ROW) {
						struct ts_srcrow cur = *tr; /* lookups below reuse the cache */
						if (ms_at + 1 == i && i > 0 && u->insns[i - 1].flow != TS_FLOW_JUMP &&
						    u->insns[i - 1].flow != TS_FLOW_RET && rows_agree(&ms_arow, ar) &&
						    ts_row_equal(&ms_trow, &cur.row))
							cls = TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST;
						else
							cls = inherited(j, slot, t, u, i, ar, &cur);
						if (cls == TRUSTACK_DIFF_UNCLASSIFIED && early_cfa(u, i, ar, &cur.row))
							cls = TRUSTACK_DIFF_TABLE_EARLY_CFA;
						if (cls == TRUSTACK_DIFF_UNCLASSIFIED)
							cls = asm_cfa_defect(u->a, in, ar, &cur.row, &before, have ? &st : NULL);
						/* analysis-foreign-fragment: a fragment of the unit (not its body)
						 * with an FDE of its own, whose row at the fragment's first
						 * instruction has another CFA than the unit brought: gcc lays out a
						 * cold part with the CFI of its own function's frame at the jump
						 * into it, so the unit is not that function. libpython: a switch's
						 * bound check (`cmp $5,%r12d; ja`) whose default is unreachable
						 * jumps into another function's cold block. The analysis is wrong
						 * here (it follows an impossible edge), not the table. */
						if (cls == TRUSTACK_DIFF_UNCLASSIFIED && i == first && k > 0 &&
						    cur.fde_start == rg->start && !cfa_eq(ar, &cur.row))
							foreign = true;
						if (cls == TRUSTACK_DIFF_UNCLASSIFIED && foreign)
							cls = TRUSTACK_DIFF_ANALYSIS_FOREIGN_FRAGMENT;
						rc = lookup(j, slot, t, in->addr, &tr);
						if (rc)
							break;
					}
					if (cls == TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST) {
						ms_at = i;
						ms_arow = *ar;
						ms_trow = tr->row;
					}
					if (trustack_diff_class__is_equivalent(cls))
						cnt[t].equivalent++;
					else
						cnt[t].disagree++;
				} else if (reached) {
					o = O_ONLY_ANALYSIS;
					cnt[t].only_analysis++;
					cls = any ? TRUSTACK_DIFF_TABLE_PARTIAL : TRUSTACK_DIFF_TABLE_LACKS_FUNCTION;
				} else {
					o = O_ONLY_TABLE;
					cnt[t].only_table++;
					cls = TRUSTACK_DIFF_ANALYSIS_UNREACHED;
				}
				cnt[t].classes[cls]++;
				struct run r = { .addr = in->addr, .count = 1, .table = (uint8_t)t, .cls = (uint8_t)cls,
						 .outcome = (uint8_t)o, .reached = reached, .covered = covered,
						 .tstatus = tr->status, .func = u->func };
				if (ar)
					r.arow = *ar;
				if (covered)
					r.trow = tr->row;
				memcpy(r.what, tr->what, sizeof(r.what));
				if (prev && prev->cls == r.cls && prev->outcome == r.outcome && prev->reached == r.reached &&
				    prev->covered == r.covered && prev->tstatus == r.tstatus &&
				    (!reached || ts_row_equal(&prev->arow, &r.arow)) &&
				    (!covered || ts_row_equal(&prev->trow, &r.trow))) {
					prev->count++;
					continue;
				}
				rc = push_run(&local, &nlocal, &caplocal, &r);
				prev = rc ? NULL : &local[nlocal - 1];
			}
		}
	}
	pthread_mutex_lock(&j->lock);
	for (size_t i = 0; i < nlocal && !rc; i++)
		rc = push_run(&j->runs, &j->nruns, &j->capruns, &local[i]);
	for (int t = 0; t < TRUSTACK_DIFF__NTABLES; t++) {
		struct trustack_diff_counts *d = &j->counts[t];
		d->compared += cnt[t].compared;
		d->agree += cnt[t].agree;
		d->equivalent += cnt[t].equivalent;
		d->disagree += cnt[t].disagree;
		d->only_analysis += cnt[t].only_analysis;
		d->only_table += cnt[t].only_table;
		for (int c = 0; c < TRUSTACK_DIFF__CLASSES; c++)
			d->classes[c] += cnt[t].classes[c];
	}
	pthread_mutex_unlock(&j->lock);
	free(local);
	return rc;
}

static int cmp_run(const void *a, const void *b)
{
	const struct run *x = a, *y = b;
	if (x->table != y->table)
		return x->table - y->table;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* then by unit, so the order does not depend on the workers' (driver.c) */
	return x->func < y->func ? -1 : x->func > y->func;
}

static int open_source(const struct ts_image *img, int t, unsigned slots, struct ts_source **out, char *err,
		       size_t errlen)
{
	switch (1u << t) {
	case TRUSTACK_DIFF_EH_FRAME: return ts_source_open_eh_frame(img, slots, out, err, errlen);
	case TRUSTACK_DIFF_DEBUG_FRAME: return ts_source_open_debug_frame(img, slots, out, err, errlen);
	case TRUSTACK_DIFF_SFRAME: return ts_source_open_sframe(img, out, err, errlen);
	case TRUSTACK_DIFF_ORC: return ts_source_open_orc(img, out, err, errlen);
	default: return -TRUSTACK_E_ARG;
	}
}

int trustack_diff(struct trustack_elf *elf, const struct trustack_diff_opts *opts, trustack_mismatch_fn on_mismatch,
		  void *ctx, struct trustack_diff_stats *stats, char *errbuf, size_t errlen)
{
	char scratch[8];
	if (!errbuf || !errlen) {
		errbuf = scratch;
		errlen = sizeof(scratch);
	}
	errbuf[0] = 0;
	struct trustack_diff_opts o;
	if (!elf || !opts || TS_OPTS_LOAD(o, opts))
		return -TRUSTACK_E_ARG;
	opts = &o;
	const struct ts_image *img = elf->img;
	struct diffjob j = { .img = img };
	j.nslots = ts_driver_threads(opts->threads);
	unsigned want = opts->tables ? opts->tables : (1u << TRUSTACK_DIFF__NTABLES) - 1;
	unsigned found = 0;
	int rc = 0;
	for (int t = 0; t < TRUSTACK_DIFF__NTABLES && !rc; t++) {
		if (!(want & (1u << t)))
			continue;
		char e[160] = "";
		int r = open_source(img, t, j.nslots, &j.src[t], e, sizeof(e));
		if (!r) {
			found |= 1u << t;
		} else if (opts->tables && r != -TRUSTACK_E_NOTFOUND) {
			snprintf(errbuf, errlen, "%s", e);
			rc = r; /* asked for explicitly, present, but unreadable */
		} else if (r == -TRUSTACK_E_NOMEM) {
			rc = r;
		}
	}
	if (!rc && !found) {
		snprintf(errbuf, errlen, "the file has no unwind table to compare with%s",
			 opts->tables ? " (of the kinds asked for)" : "");
		rc = -TRUSTACK_E_NOTFOUND;
	}
	if (!rc) {
		j.cache = calloc((size_t)j.nslots * TRUSTACK_DIFF__NTABLES, sizeof(*j.cache));
		if (!j.cache)
			rc = -TRUSTACK_E_NOMEM;
	}
	if (!rc) {
		pthread_mutex_init(&j.lock, NULL);
		rc = ts_analyse_all(img, opts->rules, opts->threads, compare_unit, &j);
		pthread_mutex_destroy(&j.lock);
	}
	if (!rc && j.nruns)
		qsort(j.runs, j.nruns, sizeof(*j.runs), cmp_run);
	for (size_t i = 0; !rc && on_mismatch && i < j.nruns; i++) {
		const struct run *r = &j.runs[i];
		struct trustack_diff_mismatch m = { 0 };
		char arow[128], trow[128];
		m.table = 1u << r->table;
		m.cls = r->cls;
		m.instructions = r->count;
		m.address = ts_image_report_addr(img, r->addr, &m.section);
		int g = ts_image_func_at(img, r->addr);
		if (g >= 0) {
			m.function = img->funcs[g].name;
			m.func_address = ts_image_report_addr(img, img->funcs[g].addr, NULL);
			m.offset = r->addr - img->funcs[g].addr;
		}
		if (r->reached)
			trustack_row__format(elf, &r->arow, arow, sizeof(arow));
		else
			snprintf(arow, sizeof(arow), "(not reached)");
		if (!r->covered)
			snprintf(trow, sizeof(trow), "(none)");
		else if (r->tstatus == TS_SRC_OPAQUE)
			snprintf(trow, sizeof(trow), "(%s)", r->what);
		else
			trustack_row__format(elf, &r->trow, trow, sizeof(trow));
		m.analysis = arow;
		m.table_row = trow;
		on_mismatch(&m, ctx);
	}
	if (stats && !rc) {
		memset(stats, 0, sizeof(*stats));
		stats->tables = found;
		for (int t = 0; t < TRUSTACK_DIFF__NTABLES; t++) {
			stats->table[t] = j.counts[t];
			struct trustack_diff_counts *d = &stats->total, *s = &j.counts[t];
			d->compared += s->compared;
			d->agree += s->agree;
			d->equivalent += s->equivalent;
			d->disagree += s->disagree;
			d->only_analysis += s->only_analysis;
			d->only_table += s->only_table;
			for (int c = 0; c < TRUSTACK_DIFF__CLASSES; c++)
				d->classes[c] += s->classes[c];
		}
	}
	for (int t = 0; t < TRUSTACK_DIFF__NTABLES; t++)
		if (j.src[t])
			j.src[t]->close(j.src[t]);
	free(j.cache);
	free(j.runs);
	return rc;
}
