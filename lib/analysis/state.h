/*
 * state.h - the abstract machine state at one instruction.
 *
 * Every register and every tracked stack slot holds a symbolic value:
 *   CFA+k     an address relative to the canonical frame address (the caller's SP)
 *   ALN+k     an address relative to the stack after a realignment (`and $-N,%rsp`)
 *   ORIG(r)   the caller's value of register r (for the return address: ORIG(ra))
 *   CONST c   a known constant (an address from a RIP-relative lea, an immediate)
 *   RANGE     an unsigned bounded index 0..n (times a stride), learnt from `cmp $n; ja`
 *   JTENT     an entry loaded from a jump table at a constant address with a bounded index
 *   JTSUM     a PC-relative jump-table entry plus its base: a jump-table target
 *   STRIDED   a constant plus a bounded index times a stride: a jump into one of several
 *             equal-sized blocks of code (glibc's memmove-ssse3: `and $0xf; shl $6; add base`)
 *   SHD+k     an address relative to the caller's shadow-call-stack pointer (clang
 *             -fsanitize=shadow-call-stack, arm64 x18: ts_arch.scs_reg); memory there is tracked
 *             in slots like the stack's, so a return address pushed there can come back
 *   VLA k,m   CFA + k + m * VG: an address in an arm64 frame with SVE areas, whose size depends on
 *             the vector length (addvl sp, sp, #-2 moves sp by 16 * VG bytes, VG being the vector
 *             length in 8-byte granules); off = k, aux = m. Memory there is tracked in slots
 *             anchored at VLA with their m (ts_slot.vg); m back at 0 is CFA + k again
 *   SYM n     an unknown value with an identity: copies of it (in registers or spilled) are
 *             known to be equal, so a comparison bounds all of them. Identities come from a
 *             counter carried along each path, and the meet keeps one only where both paths
 *             agree, so equal identities always mean equal values.
 * The unwind row (where the CFA, the return address and the frame pointer are) is not stored:
 * it is derived from the values, so any register or slot that still holds a CFA-relative value
 * can serve. That one mechanism covers frame pointers, DRAP, stack-clash probe loops and alloca.
 */
#ifndef TS_STATE_H
#define TS_STATE_H

#include "arch/arch.h"
#include "trustack.h"

struct ts_image;

enum ts_vkind { V_UNK = 0, V_CFA, V_ALN, V_ORIG, V_CONST, V_RANGE, V_JTENT, V_JTSUM, V_SYM, V_STRIDED, V_SHD, V_VLA };

#define TS_VF_SEXT 1 /* JTENT/JTSUM: entries are sign-extended 32-bit values */
#define TS_VF_Z32 2  /* SYM: the zero-extended low 32 bits of the value */
#define TS_VF_S32 8  /* SYM: sign-extended from its low 32 bits (movslq) */
#define TS_TABLE_MAX 4096 /* entries read at most from a table whose bound we cannot see */
#define TS_VF_IMPLICIT 4 /* RANGE/JTENT/JTSUM: no compare bounds the index (only its width, or nothing) */
#define TS_VF_TLSDESC 32 /* SYM: a TLS descriptor's resolver, loaded from its GOT slot */
#define TS_VF_SELFREL 64 /* JTENT/JTSUM: each entry is relative to its own address (glibc's arm64
                          * memcpy: `add x6, x6, x14, lsl #2; ldr w7, [x6]; add x6, x6, w7, sxtw`) */
#define TS_VF_WITHBASE 16 /* JTSUM: on some path the target is the base itself (a label-offset table's
                             * own label: GNU C `goto *(&&base + off)` with off = 0 taken directly);
                             * JTENT: on some path the value is 0 instead of an entry */
#define TS_VF_OFFSET_ENTRY 32 /* SYM: a sign-extended 4-byte entry loaded from base[index * 4],
                               * the base a value with an identity (aux: that identity + 1);
                               * JTSUM: such a base plus such an entry, the table's address lost
                               * (at a join, or spilled and evicted): a dispatch not resolved.
                               * The meet keeps a SYM's aux as the stored side has it: at worst a
                               * jump is called unresolved where it was a tail call */

struct ts_val {
	uint8_t kind;
	uint8_t reg;    /* V_ORIG; JTENT/JTSUM: left shift applied to each entry (arm64: 2) */
	uint8_t esize;  /* RANGE: stride; JTENT/JTSUM: entry size; SYM: zero above this many bytes */
	uint8_t flags;
	uint32_t count; /* RANGE: maximum index; JTENT/JTSUM: number of entries (0 = unbounded);
			 * SYM: an upper bound when not 0 (small constants met: ts_state_meet) */
	int64_t off;    /* CFA/ALN/VLA offset, constant, table address */
	int64_t aux;    /* JTSUM: the base added to each entry; RANGE: identity + 1 (0: none);
			 * VLA: the multiple of VG (never 0) */
};

#define TS_MAX_SLOTS 24

struct ts_slot {
	uint8_t anchor; /* V_CFA, V_ALN, V_VLA, or V_SHD (the shadow call stack) */
	uint8_t size;
	int16_t vg;     /* anchor V_VLA: the multiple of VG of the place (CFA + off + vg * VG);
			 * otherwise 0. Anchor, size, vg and off compare as one 8-byte word (state.c) */
	int32_t off;
	struct ts_val v;
};

/* A load from memory off the stack, remembered so that loading the same address again (with no
 * store in between) yields the same identity: `cmpb $n,(%rcx,%rax); ja; movzbl (%rcx,%rax),%eax`. */
#define TS_MAX_LOADS 4
struct ts_load {
	struct ts_val base, index;
	int64_t disp;
	uint8_t scale, size;
	struct ts_val v;  /* what was loaded: a SYM, or the RANGE a comparison made of it */
};

struct ts_state {
	struct ts_val regs[TS_MAX_REGS];
	struct ts_slot slots[TS_MAX_SLOTS];
	struct ts_load loads[TS_MAX_LOADS];
	uint8_t nslots, nloads;
	bool soft;      /* reached only by letting a call we inferred never returns return */
	bool fp_may_orig; /* on some path to here the frame pointer still holds the caller's value
			   * (joined with OR: the frame-pointer rules ask whether the caller's frame
			   * pointer may be overwritten or called through, which a loop's meet of
			   * "the caller's" and "something else" must not forget) */
	bool fp_misplaced; /* the frame pointer points into the frame, but not at the frame record
			    * the function saved there (see misplaced_frame in walk.c; joined with OR) */
	/* The return address's pointer-authentication state (arm64 PAC): unsigned, or signed with
	 * key A or B and a modifier, the stack pointer at signing (CFA + ra_sign_sp) or zero or
	 * another value. One state per path for every copy of the return address (x30 and its
	 * save slot hold the same value). Paths meet only in the same state (walk.c). */
	uint8_t ra_sign;     /* TS_RS_NONE, TS_RS_A, TS_RS_B */
	uint8_t ra_sign_mod; /* TS_RSM_SP (ra_sign_sp valid), TS_RSM_ZERO, TS_RSM_OTHER */
	int32_t ra_sign_sp;
	bool ra_lost;   /* on some path to here the only copy of the return address was overwritten
			 * (lr-clobbered, reported there; joined with OR): returns and tail calls
			 * do not report the missing return address again, one finding per defect */
	bool bc_lost;   /* s390x: on some path to here the back chain was overwritten while the
			 * frame was live (backchain-clobbered, reported there; joined with OR):
			 * the calls after it do not report it missing again */
	/* the last flags-setting comparison, for refinement at a conditional jump */
	uint8_t cmp_kind, cmp_a, cmp_b, cmp_width;
	int64_t cmp_imm;
	struct ts_val cmp_va, cmp_vb; /* the compared values, as they were */
	uint32_t next_sym;            /* next SYM identity; not part of the state's meaning */
};

enum { TS_RS_NONE = 0, TS_RS_A, TS_RS_B };
enum { TS_RSM_SP = 0, TS_RSM_ZERO, TS_RSM_OTHER };

/* What applying one instruction found wrong with the stack. */
enum ts_apply_problem {
	TS_AP_NONE = 0,
	TS_AP_UNSUPPORTED, /* a stack-pointer change the model cannot express */
};

void ts_state_entry(const struct ts_arch *a, struct ts_state *s);

/* *dst = *src, without the room past the slots and loads in use (a state is 2 KB, mostly
 * room for slots, and walks copy states all the time). */
void ts_state_copy(struct ts_state *dst, const struct ts_state *src);

/* The entry state of code entered as the CFI at its start says (an unwind hint, fragments.c):
 * SP, the return address and the saved registers where h puts them, the rest as at an entry. */
struct ts_entry_hint;
void ts_state_entry_hint(const struct ts_arch *a, const struct ts_entry_hint *h, struct ts_state *s);

/* Apply the data effects (uops, flags) of one instruction. */
enum ts_apply_problem ts_state_apply(const struct ts_arch *a, const struct ts_image *img,
				     struct ts_state *s, const struct ts_insn *in);

/* Effects of a call that returns: the registers in mask (caller-saved ones) are lost. */
void ts_state_after_call(const struct ts_arch *a, struct ts_state *s, uint64_t mask);

/* Refine s for the edge of a conditional jump (taken or not) using the last comparison. */
void ts_state_refine(const struct ts_arch *a, struct ts_state *s, const struct ts_insn *in, bool taken);
/* May ts_state_refine change s for that edge? (When not, the edge can take s as it is.) */
bool ts_state_refine_may_change(const struct ts_state *s, const struct ts_insn *in, bool taken);

/* Value of a register / memory address in s. */
struct ts_val ts_state_addr(const struct ts_state *s, const struct ts_mem *m);

/* Scratch space of the meet: which names two paths use for one value, one note per location
 * where either side holds an identity (registers, then slots), and how many notes fall into
 * each bucket of a name's hash, so that a name noted only once needs no search. */
#define TS_RN_NOTES (TS_MAX_REGS + 2 * TS_MAX_SLOTS)
#define TS_RN_BUCKETS 256
struct ts_meet_scratch {
	struct rn_note {
		int64_t k, j;  /* the name on the stored side, on the incoming side */
		bool ks, js;   /* ... if that side holds an identity there */
		bool fd;       /* both do, but know different facts about it (width, flags) */
	} note[TS_RN_NOTES];
	int n;
	int64_t same[TS_RN_NOTES]; /* names of locations equal on both sides (most), kept apart */
	int nsame;
	struct { /* counts per bucket, together so that one memset clears them */
		uint8_t nk[TS_RN_BUCKETS], nj[TS_RN_BUCKETS]; /* notes per bucket of k, of j */
		uint8_t ns[TS_RN_BUCKETS];                      /* same names per bucket */
	} count;
};

/* meet(s, o) at join point `join` (an instruction index). Returns true if it differs from s, and
 * then out holds it; when it returns false out is not written (or holds nothing of use): most
 * meets change nothing, and the copy of s is made only at the first change. out may be s. */
bool ts_state_meet(const struct ts_arch *a, struct ts_state *out, const struct ts_state *s, const struct ts_state *o,
		   uint32_t join, struct ts_meet_scratch *scratch);

/* Derive the unwind row. */
void ts_state_row(const struct ts_arch *a, const struct ts_state *s, struct trustack_row *row);

/* Does the row have a CFA rule (row.cfa_kind != 0)? Cheaper than ts_state_row. */
bool ts_state_cfa_known(const struct ts_arch *a, const struct ts_state *s);

/* A row as text ("cfa=rsp+16 ra=cfa-8 fp=cfa-16"), register names of arch a. Returns buf. */
char *ts_row_format(const struct ts_arch *a, const struct trustack_row *row, char *buf, size_t len);

/* Location of the caller's value of register r (callee-saved or ra). */
struct trustack_loc ts_state_loc(const struct ts_arch *a, const struct ts_state *s, unsigned r);

/* Is register r known to hold CFA + k in state s? */
bool ts_state_reg_is_cfa_plus(const struct ts_state *s, unsigned r, int64_t k);
/* ... CFA + k + m * VG (an address in an arm64 frame with SVE areas; m = 0: CFA + k) */
bool ts_state_reg_is_cfa_plus_vg(const struct ts_state *s, unsigned r, int64_t k, int64_t m);

/* Does loc hold the caller's value of register r in state s? (A table may name another copy
 * than the one ts_state_loc picks.) */
bool ts_state_holds(const struct ts_arch *a, const struct ts_state *s, unsigned r, const struct trustack_loc *loc);

/* A frame record {caller's FP, return address} is saved somewhere in the frame (registers
 * not counted). */
bool ts_state_has_frame_record(const struct ts_arch *a, const struct ts_state *s);

/* The standard frame is set up: FP points at {saved FP, return address}. */
bool ts_state_frame_established(const struct ts_arch *a, const struct ts_state *s);
/* Does the link register (ts_arch.ra) hold the caller's return address, and nothing else a copy
 * of it (no other register, no stack slot)? Then writing it loses the caller (lr-clobbered). */
bool ts_state_ra_only_in_reg(const struct ts_arch *a, const struct ts_state *s);

/* The back chain (s390x -mbackchain, ts_arch.backchain): where the frame stands. */
enum ts_backchain {
	TS_BC_UNKNOWN = 0, /* SP not known relative to the CFA (alloca): not checked */
	TS_BC_NO_FRAME,    /* no frame allocated: 0(SP) is the caller's chain */
	TS_BC_STORED,      /* 0(SP) holds the caller's SP (CFA + entry_sp_offset) */
	TS_BC_END,         /* 0(SP) holds zero: the end of the chain (the outermost frame) */
	TS_BC_MISSING,     /* a frame is allocated and 0(SP) holds nothing known */
	TS_BC_WRONG,       /* ... or a known value other than the chain (an address in the frame,
			    * a constant, a caller's register) */
};
enum ts_backchain ts_state_backchain(const struct ts_arch *a, const struct ts_state *s);

/* Is the caller's value of every callee-saved register other than the stack and frame pointers
 * gone: held by no register and saved in no slot? Code that drops them all is loading another
 * execution context (longjmp, setcontext), not returning to its caller. */
bool ts_state_callers_regs_dropped(const struct ts_arch *a, const struct ts_state *s);

/*
 * Is the frame as at entry (SP, return address, callee-saved registers)? If not, writes why
 * into why. Used at returns and tail calls.
 */
bool ts_state_frame_intact(const struct ts_arch *a, const struct ts_state *s, int64_t sp_adjust,
			   char *why, size_t whylen);

#endif
