/*
 * s390xdecode_check - our s390x decoder (lib/arch/s390x/decode.c) against llvm-mc's decoding of
 * the same instructions, an oracle we did not write.
 *
 *   s390xdecode_check words ELF... > HEX        every executable section's instructions, one a
 *                                               line (the length from the first byte: 2, 4, 6)
 *   s390xdecode_check check MC.txt NAME [-v] ELF...
 *
 * MC.txt: the output of `llvm-mc --disassemble -triple=s390x -mcpu=z15` over HEX, MC.txt.err its
 * stderr (the instructions it rejected, by input line: they print nothing on stdout). llvm-mc
 * decodes the lines as one byte stream at address 0, so a relative target it prints is the
 * stream offset of the instruction plus the offset: we decode at the same addresses.
 *
 * Per instruction it compares: validity; the mnemonic (llvm-mc's extended mnemonics, `jne`,
 * `bner`, `locgre`, `cgrjh`, `vlgvg`, read back to their base instruction); control flow (call,
 * return, conditional return, jump, conditional jump, indirect jump) and the direct target; the
 * memory operand D(X,B) of loads, stores, la/lay, stmg/lmg; the register range of stmg/lmg; the
 * general registers we say are written must be operands llvm-mc names; and each instruction whose
 * first operand llvm-mc prints as a general register that we do not write is counted by mnemonic
 * (-v lists them: compares, stores, tests are expected there; anything else is a table error).
 * Prints one line: `PASS NAME: ...` or `FAIL NAME: ...` with the disagreements by class; with -v
 * the first of each class too. Exit 0 on PASS, 1 on FAIL, 2 on bad input.
 */
#include <ctype.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/s390x/decode.h"
#include "mc_oracle.h"

enum cls { C_INVALID_OURS, C_MNEMONIC, C_FLOW, C_TARGET, C_MEM, C_RANGE, C_WRITTEN, C_N };
static const char *const cls_name[C_N] = { "decode-error(llvm valid)", "mnemonic", "flow", "target", "mem",
					   "range", "written" };
static unsigned long counts[C_N], checked[C_N], valid_ours_only, by_group;
static bool verbose;

static void hexof(const uint8_t *b, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void report(enum cls c, uint64_t addr, const uint8_t *b, unsigned n, const char *text, const char *why)
{
	counts[c]++;
	if (verbose && counts[c] <= 25) {
		char hex[16];
		hexof(b, n, hex);
		fprintf(stderr, "  %s at %#" PRIx64 " %s `%s`: %s\n", cls_name[c], addr, hex, text ? text : "", why);
	}
}

/* "%rN" -> N, else -1. */
static int gpr(const char *s)
{
	if (s[0] != '%' || s[1] != 'r' || !isdigit((unsigned char)s[2]))
		return -1;
	char *end;
	long v = strtol(s + 2, &end, 10);
	return *end == 0 && v >= 0 && v <= 15 ? (int)v : -1;
}

static bool starts(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

/* The condition suffixes of the extended mnemonics (LLVM's SystemZ printer). */
static const char *const conds[] = { "o", "h", "p", "nle", "l", "m", "nhe", "lh", "ne", "nz", "e", "z", "nlh",
				     "he", "nl", "nm", "le", "nh", "np", "no", "", NULL };

static bool is_cond(const char *s)
{
	for (int i = 0; conds[i]; i++)
		if (!strcmp(s, conds[i]))
			return true;
	return false;
}

/*
 * llvm-mc's mnemonic read back to the base instruction our table names: branches on condition
 * (`j`, `jne`, `jg`, `jgh`, `br`, `ber`, `b`, `be`, `bi`, `nop`, `nopr`, `jnop`), instructions
 * with a condition suffix (`locgre`, `cgrjh`, `clgitl`, `selgrne`), vector element suffixes
 * (`vlgvg`).
 */
static bool same_insn(const char *ours, const char *llvm)
{
	if (!strcmp(ours, llvm))
		return true;
	size_t lo = strlen(ours);
	if (!strcmp(ours, "brc"))
		return (llvm[0] == 'j' && llvm[1] != 'g' && is_cond(llvm + 1)) || !strcmp(llvm, "jnop");
	if (!strcmp(ours, "brcl"))
		return (starts(llvm, "jg") && is_cond(llvm + 2)) || !strcmp(llvm, "jgnop");
	if (!strcmp(ours, "bcr")) {
		size_t l = strlen(llvm);
		if (!strcmp(llvm, "nopr"))
			return true;
		if (l >= 2 && llvm[0] == 'b' && llvm[l - 1] == 'r') {
			char mid[8] = { 0 };
			if (l - 2 < sizeof(mid)) {
				memcpy(mid, llvm + 1, l - 2);
				return is_cond(mid);
			}
		}
		return false;
	}
	if (!strcmp(ours, "bc"))
		return !strcmp(llvm, "nop") || (llvm[0] == 'b' && is_cond(llvm + 1));
	if (!strcmp(ours, "bic"))
		return starts(llvm, "bi") && is_cond(llvm + 2);
	if (!strncmp(ours, llvm, lo)) {
		const char *rest = llvm + lo;
		if (is_cond(rest))
			return true;
		if (!strcmp(rest, "b") || !strcmp(rest, "h") || !strcmp(rest, "f") || !strcmp(rest, "g") ||
		    !strcmp(rest, "z") || !strcmp(rest, "a"))
			return true;
	}
	return false;
}

/* D(X,B), D(B), D(L,B), D: displacement, index, base (0: none). */
struct memop {
	bool present;
	int64_t disp;
	int index, base;
};

static struct memop memop_of(const struct mc *m, bool has_length)
{
	struct memop r = { 0 };
	for (int i = 0; i < m->nops; i++) {
		const char *o = m->ops[i];
		const char *par = strchr(o, '('), *close = par ? strchr(par, ')') : NULL;
		if (!par || !close)
			continue;
		r.present = true;
		r.disp = strtoll(o, NULL, 0);
		char in[32] = { 0 };
		size_t l = (size_t)(close - par - 1);
		if (l >= sizeof(in))
			return r;
		memcpy(in, par + 1, l);
		char *comma = strchr(in, ',');
		if (comma) { /* X,B or L,B */
			*comma = 0;
			r.base = gpr(comma + 1) > 0 ? gpr(comma + 1) : 0;
			r.index = !has_length && gpr(in) > 0 ? gpr(in) : 0;
		} else {
			r.base = gpr(in) > 0 ? gpr(in) : 0;
		}
		return r;
	}
	return r;
}

/* Every general register llvm-mc names in the operands (%rN; a pair's even register stands for
 * both), as a mask. */
static uint64_t named_regs(const struct mc *m)
{
	uint64_t mask = 0;
	for (int i = 0; i < m->nops; i++) {
		const char *o = m->ops[i];
		for (const char *p = o; (p = strstr(p, "%r")); p += 2) {
			char r[5] = { p[0], p[1], p[2], isdigit((unsigned char)p[3]) ? p[3] : 0, 0 };
			int n = gpr(r);
			if (n >= 0)
				mask |= 1ull << n | (n < 15 ? 1ull << (n + 1) : 0);
		}
	}
	return mask;
}

static uint64_t ours_written(const struct ts_insn *in)
{
	uint64_t m = 0;
	for (unsigned k = 0; k < in->nuops; k++)
		m |= ts_uop_writes(&in->uops[k]);
	return m & 0xffff;
}

/* Counted forms: mnemonics whose first operand is a register we leave unwritten. */
static struct mc_forms forms;

/* The flow llvm-mc's text says, in our terms (TS_FLOW_NEXT for everything that falls through). */
static int oracle_flow(const char *ourmn, const struct mc *m, uint64_t addr)
{
	const char *mn = m->mn;
	if (!strcmp(mn, "nop") || !strcmp(mn, "nopr") || !strcmp(mn, "jnop") || !strcmp(mn, "jgnop"))
		return TS_FLOW_NEXT;
	if (!strcmp(ourmn, "brasl"))
		return TS_FLOW_CALL;
	if (!strcmp(ourmn, "bras")) {
		/* `bras %rN,L` (N not r14) over at most 256 bytes: a literal pool's address and a jump
		 * over it (decode.c, bras_over_pool) */
		long long over = m->nops == 2 ? strtoll(m->ops[1], NULL, 0) - (long long)addr - 4 : -1;
		bool pool = m->nops == 2 && strcmp(m->ops[0], "%r14") && strcmp(m->ops[0], "%r15") && over > 0 && over <= 256;
		return pool ? TS_FLOW_JUMP : TS_FLOW_CALL;
	}
	if (!strcmp(ourmn, "basr") || !strcmp(ourmn, "balr") || !strcmp(ourmn, "bassm"))
		return m->nops == 2 && !strcmp(m->ops[1], "%r0") ? TS_FLOW_NEXT : TS_FLOW_CALL_IND;
	if (!strcmp(ourmn, "bas") || !strcmp(ourmn, "bal"))
		return TS_FLOW_CALL_IND;
	/* branches to a register or an address: to 0(%r14) or %r14 a return (conditional under a
	 * mask), elsewhere an indirect jump (conditional ones too: decode.c models them as taken) */
	bool always = !strcmp(mn, "br") || !strcmp(mn, "b") || !strcmp(mn, "bi");
	const char *last = m->nops ? m->ops[m->nops - 1] : "";
	bool to_ra = !strcmp(last, "%r14") || !strcmp(last, "0(%r14)");
	if (!strcmp(ourmn, "bcr")) {
		if (!strcmp(last, "%r0") || (m->nops == 2 && !strcmp(m->ops[0], "0")))
			return TS_FLOW_NEXT;
		return to_ra ? (always ? TS_FLOW_RET : TS_FLOW_RET_COND) : TS_FLOW_JUMP_IND;
	}
	if (!strcmp(ourmn, "bc")) {
		if (m->nops == 2 && !strcmp(m->ops[0], "0"))
			return TS_FLOW_NEXT;
		return to_ra ? (always ? TS_FLOW_RET : TS_FLOW_RET_COND) : TS_FLOW_JUMP_IND;
	}
	if (!strcmp(ourmn, "bic"))
		return TS_FLOW_JUMP_IND;
	if (!strcmp(ourmn, "bctr") || !strcmp(ourmn, "bctgr"))
		return !strcmp(last, "%r0") ? TS_FLOW_NEXT : TS_FLOW_JUMP_IND;
	if (!strcmp(ourmn, "bct") || !strcmp(ourmn, "bctg") || !strcmp(ourmn, "bxh") || !strcmp(ourmn, "bxle") ||
	    !strcmp(ourmn, "bxhg") || !strcmp(ourmn, "bxleg"))
		return TS_FLOW_JUMP_IND;
	static const char *const crb[] = { "cgrb", "clgrb", "crb", "clrb", "cgib", "clgib", "cib", "clib", NULL };
	bool is_crb = false;
	for (int i = 0; crb[i]; i++)
		is_crb |= !strcmp(ourmn, crb[i]);
	if (is_crb) {
		int mask = m->nops >= 4 ? atoi(m->ops[2]) : -1; /* the mask operand when llvm-mc prints it */
		if (mask >= 0 && (mask & 14) == 0)
			return TS_FLOW_NEXT;
		bool all = mask >= 0 && (mask & 14) == 14;
		return to_ra ? (all ? TS_FLOW_RET : TS_FLOW_RET_COND) : TS_FLOW_JUMP_IND;
	}
	if (!strcmp(ourmn, "brc") || !strcmp(ourmn, "brcl"))
		return !strcmp(mn, "j") || !strcmp(mn, "jg") ? TS_FLOW_JUMP : TS_FLOW_JCC;
	if (!strcmp(ourmn, "brct") || !strcmp(ourmn, "brctg") || !strcmp(ourmn, "brcth") || starts(ourmn, "brx") ||
	    strstr(ourmn, "rj") || strstr(ourmn, "ij"))
		return TS_FLOW_JCC;
	if (!strcmp(ourmn, "trap2") || !strcmp(ourmn, "trap4") || !strcmp(ourmn, "lpswe") || !strcmp(ourmn, "lpsw") ||
	    !strcmp(ourmn, "pr"))
		return TS_FLOW_STOP;
	return TS_FLOW_NEXT;
}

static void check_insn(const uint8_t *b, unsigned n, uint64_t addr, const char *text)
{
	struct ts_insn in;
	const char *mn;
	unsigned len = ts_s390x_decode(b, n, addr, &in, &mn);
	if (!text) {
		if (len)
			valid_ours_only++;
		if (len && (!strcmp(mn, "(fp)") || !strcmp(mn, "(vector)")))
			by_group++;
		return;
	}
	if (!len) {
		report(C_INVALID_OURS, addr, b, n, text, mn);
		return;
	}
	struct mc m;
	mc_parse(text, &m);
	bool group = !strcmp(mn, "(fp)") || !strcmp(mn, "(vector)");
	if (!group) {
		checked[C_MNEMONIC]++;
		if (!same_insn(mn, m.mn)) {
			char why[80];
			snprintf(why, sizeof(why), "ours %s", mn);
			report(C_MNEMONIC, addr, b, n, text, why);
			return;
		}
	}
	/* flow and target */
	int want = oracle_flow(mn, &m, addr);
	/* j .+2 (gcc's trap) and jne .+2 (a conditional one): a jump into the instruction's own
	 * second halfword, an invalid opcode; decode.c makes them a trap and a fall-through */
	bool trap_jump = n == 4 && b[0] == 0xa7 && (b[1] & 15) == 4 && b[2] == 0 && b[3] == 1 &&
			 (in.flow == TS_FLOW_STOP || in.flow == TS_FLOW_NEXT);
	checked[C_FLOW]++;
	if (want != in.flow && !trap_jump) {
		char why[80];
		snprintf(why, sizeof(why), "flow %u, llvm-mc says %d", in.flow, want);
		report(C_FLOW, addr, b, n, text, why);
	}
	/* the memory operand of ag/agf..: loaded into the scratch register first */
	if (in.flow == TS_FLOW_JUMP || in.flow == TS_FLOW_JCC || in.flow == TS_FLOW_CALL || in.target) {
		/* the target: the last operand that is a number */
		for (int i = m.nops - 1; i >= 0; i--) {
			if (!starts(m.ops[i], "0x") && !isdigit((unsigned char)m.ops[i][0]) && m.ops[i][0] != '-')
				continue;
			checked[C_TARGET]++;
			uint64_t t = strtoull(m.ops[i], NULL, 0);
			if (m.ops[i][0] == '-')
				t = (uint64_t)strtoll(m.ops[i], NULL, 0);
			if (t != in.target) {
				char why[80];
				snprintf(why, sizeof(why), "target %#" PRIx64 ", llvm-mc %#" PRIx64, in.target, t);
				report(C_TARGET, addr, b, n, text, why);
			}
			break;
		}
	}
	/* memory operands: the first memory uop (or the address of la/lay) against D(X,B) */
	const struct ts_uop *mu = NULL;
	for (unsigned k = 0; k < in.nuops && !mu; k++) {
		const struct ts_uop *u = &in.uops[k];
		if ((u->kind == TS_UOP_LOAD || u->kind == TS_UOP_STORE || u->kind == TS_UOP_STM ||
		     u->kind == TS_UOP_LDM || u->kind == TS_UOP_LEA) && !u->mem.abs)
			mu = u;
	}
	bool ss = b[0] >= 0xd0 && b[0] <= 0xdf;
	struct memop mo = memop_of(&m, ss);
	if (mu && mo.present && !(mu->dst == TS_S390X_TMP && mu->kind == TS_UOP_LOAD && ss)) {
		checked[C_MEM]++;
		int base = mu->mem.base == TS_REG_NONE ? 0 : mu->mem.base;
		int index = mu->mem.index == TS_REG_NONE ? 0 : mu->mem.index;
		/* an address register pair names itself in either field when one is 0 */
		bool same = mu->mem.disp == mo.disp &&
			    ((base == mo.base && index == mo.index) || (base == mo.index && index == mo.base));
		if (!same) {
			char why[96];
			snprintf(why, sizeof(why), "ours %" PRId64 "(%d,%d), llvm-mc %" PRId64 "(%d,%d)", mu->mem.disp, index,
				 base, mo.disp, mo.index, mo.base);
			report(C_MEM, addr, b, n, text, why);
		}
	}
	/* la/lay as ADDI/CONST: the address D(X,B) against the uop */
	if (!mu && (!strcmp(mn, "la") || !strcmp(mn, "lay")) && in.nuops == 1 && mo.present) {
		const struct ts_uop *u = &in.uops[0];
		checked[C_MEM]++;
		int src = u->kind == TS_UOP_ADDI ? u->src : 0;
		if (u->imm != mo.disp || (src != mo.base && src != mo.index) ||
		    (u->kind == TS_UOP_ADDI && mo.base && mo.index))
			report(C_MEM, addr, b, n, text, "la/lay address");
	}
	/* stmg/lmg register ranges */
	if (mu && (mu->kind == TS_UOP_STM || mu->kind == TS_UOP_LDM) && m.nops >= 2) {
		checked[C_RANGE]++;
		int r1 = gpr(m.ops[0]), r3 = gpr(m.ops[1]);
		if (r1 != mu->dst || r3 < 0 || ((unsigned)(r3 - r1) & 15) + 1 != (unsigned)mu->imm)
			report(C_RANGE, addr, b, n, text, "register range");
	}
	/* registers written: each must be one llvm-mc names (or r0/r1 of instructions that use
	 * them implicitly, or the return-address register of a call) */
	uint64_t w = ours_written(&in), named = named_regs(&m);
	if (w && !(mu && mu->kind == TS_UOP_LDM)) { /* a range: checked above */
		checked[C_WRITTEN]++;
		uint64_t implicit = 0x3; /* r0, r1 */
		if (w & ~named & ~implicit) {
			char why[80];
			snprintf(why, sizeof(why), "writes %#" PRIx64 ", llvm-mc names %#" PRIx64, w, named);
			report(C_WRITTEN, addr, b, n, text, why);
		}
	}
	int first = m.nops ? gpr(m.ops[0]) : -1;
	if (first >= 0 && !((w >> first) & 1) && !(in.flags & TS_IF_LINK) && in.flow == TS_FLOW_NEXT)
		mc_count_form(&forms, m.mn);
}

static void check_bytes(const uint8_t *b, unsigned len, uint64_t addr, const char *text, const char *text2)
{
	(void)text2;
	check_insn(b, len, addr, text);
}

static unsigned length(const uint8_t *p) { return ts_s390x_len(p[0]); }

static int finish(const char *name, int nfiles, size_t n, unsigned long nvalid)
{
	unsigned long bad = 0;
	for (int c = 0; c < C_N; c++)
		bad += counts[c];
	printf("%s %s: %d files, %zu instructions (%lu valid for llvm-mc), checked mnemonics %lu, flow %lu, "
	       "targets %lu, memory %lu, ranges %lu, written %lu",
	       bad ? "FAIL" : "PASS", name, nfiles, n, nvalid, checked[C_MNEMONIC], checked[C_FLOW],
	       checked[C_TARGET], checked[C_MEM], checked[C_RANGE], checked[C_WRITTEN]);
	if (valid_ours_only)
		printf("; %lu llvm-mc rejects and we accept (%lu by group: fp/vector)", valid_ours_only, by_group);
	if (bad) {
		printf("; disagreements:");
		for (int c = 0; c < C_N; c++)
			if (counts[c])
				printf(" %s %lu", cls_name[c], counts[c]);
	}
	printf("\n");
	if (verbose)
		mc_print_forms(&forms, "first operand a register we do not write, by llvm-mc mnemonic");
	mc_free_forms(&forms);
	return bad ? 1 : 0;
}

/* llvm-mc decodes the lines as one stream from address 0: its relative targets are offsets in
 * that stream, so the instructions are decoded at their stream offsets. */
int main(int argc, char **argv)
{
	static const struct mc_machine s390x = {
		.tool = "s390xdecode_check", .machine = "s390x", .e_machine = EM_S390, .comment = "#",
		.length = length, .section_addresses = false, .check = check_bytes, .finish = finish,
		.verbose = &verbose,
	};
	return mc_main(argc, argv, &s390x);
}
