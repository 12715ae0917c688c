/*
 * a64decode_check - our AArch64 decoder (lib/arch/aarch64/decode.c) against llvm-mc's decoding
 * of the same words, an oracle we did not write.
 *
 *   a64decode_check words ELF... > HEX         every executable section's words, one a line
 *   a64decode_check check MC.txt NAME [-v] ELF...
 *
 * MC.txt: the output of `llvm-mc --disassemble -triple=aarch64 -mattr=...` over HEX, and
 * MC.txt.err its stderr (which words it rejected: they print nothing on stdout).
 *
 * Per word it compares: validity; control flow (kind, direct target, branch register); pointer
 * authentication and BTI (what is signed, authenticated or stripped, key, modifier, landing-pad
 * kind); the general registers written (from llvm-mc's operands: the destination operand(s), the
 * base register of a pre/post-indexed access, x30 for bl/blr, the `!` operands of the FEAT_MOPS
 * copies and sets); the modelled effect of memory
 * accesses (base, offset, pre/post-index writeback amount), of add/sub (immediate) and adr/adrp.
 * Prints one line: `PASS NAME: N words, ...` or `FAIL NAME: ...` with disagreements by class;
 * with -v each disagreement too. Exit 0 on PASS, 1 on FAIL, 2 on bad input.
 */
#include <ctype.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/aarch64/decode.h"
#include "mc_oracle.h"

enum cls { C_INVALID_OURS, C_VALID_OURS, C_FLOW, C_TARGET, C_TREG, C_PAC, C_BTI, C_WRITTEN, C_MEM,
	   C_ADDSUB, C_ADR, C_MNEMONIC, C_N };
/* Words llvm-mc rejects in the SIMD&FP and SVE groups, which the decoder accepts as a whole by
 * design (docs/arm64.md): counted, not a failure. Compiler output has none. */
static unsigned long accepted_by_group;
static const char *const cls_name[C_N] = { "decode-error(llvm valid)", "valid(llvm invalid)", "flow",
	"target", "branch-reg", "pac", "bti", "written", "mem", "addsub", "adr", "mnemonic" };
static unsigned long counts[C_N], checked[C_N];
static bool verbose;

static void report(enum cls c, uint64_t addr, uint32_t w, const char *text, const char *why)
{
	counts[c]++;
	if (verbose && counts[c] <= 20)
		fprintf(stderr, "  %s at %#" PRIx64 " %08x `%s`: %s\n", cls_name[c], addr, w, text, why);
}

/* General register operand -> DWARF number (sp/wsp 31), -2 for xzr/wzr, -1 otherwise. */
static int gpr(const char *s)
{
	if (!strcmp(s, "sp") || !strcmp(s, "wsp"))
		return 31;
	if (!strcmp(s, "xzr") || !strcmp(s, "wzr"))
		return -2;
	if ((s[0] == 'x' || s[0] == 'w') && isdigit((unsigned char)s[1])) {
		char *end;
		long v = strtol(s + 1, &end, 10);
		if (*end == 0 && v >= 0 && v <= 30)
			return (int)v;
	}
	return -1;
}

static bool imm(const char *s, int64_t *v)
{
	if (s[0] != '#')
		return false;
	*v = strtoll(s + 1, NULL, 0);
	return true;
}

static bool starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

static bool any_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* The memory operand of a load/store: [base{, #imm | , reg...}]{!} {, #post | , reg}. */
struct memop {
	bool present, pre, post, regoff, post_reg;
	int base;
	int64_t disp, post_imm;
};

static struct memop memop_of(const struct mc *m)
{
	struct memop r = { 0 };
	for (int i = 0; i < m->nops; i++) {
		const char *o = m->ops[i];
		if (o[0] != '[')
			continue;
		char inner[64];
		const char *close = strchr(o, ']');
		if (!close)
			break;
		size_t l = (size_t)(close - o - 1);
		memcpy(inner, o + 1, l);
		inner[l] = 0;
		r.present = true;
		r.pre = close[1] == '!';
		char *comma = strchr(inner, ',');
		if (comma)
			*comma = 0;
		r.base = gpr(inner);
		if (comma) {
			char *q = comma + 1;
			while (*q == ' ')
				q++;
			if (!imm(q, &r.disp))
				r.regoff = true;
			if (strstr(q, "mul vl"))
				r.regoff = true; /* SVE: scaled by the vector length */
		}
		if (i + 1 < m->nops) {
			r.post = true;
			if (!imm(m->ops[i + 1], &r.post_imm))
				r.post_reg = true;
		}
		break;
	}
	return r;
}

static bool is_ldst(const char *mn)
{
	return starts(mn, "ld") || starts(mn, "st") || starts(mn, "prf") || starts(mn, "swp") ||
	       starts(mn, "cas");
}

/* FEAT_MOPS: cpyfp.., cpyp.., setp.., setgp.. (not setf8/setf16/setffr) */
static bool is_mops(const char *mn)
{
	return starts(mn, "cpy") || (starts(mn, "set") && strchr("pmeg", mn[3]) && mn[3]);
}

static bool is_pacmn(const char *mn)
{
	return (starts(mn, "pac") && strcmp(mn, "pacga")) || starts(mn, "aut") || starts(mn, "xpac");
}

/* The general registers llvm-mc's operands say are written (bit 31 = sp). */
static uint64_t oracle_written(const struct mc *m)
{
	static const char *const none[] = { "cmp", "cmn", "tst", "ccmp", "ccmn", "fcmp", "fcmpe",
		"fccmp", "fccmpe", "msr", "sys", "dc", "ic", "at", "tlbi", "svc", "hvc", "smc", "brk",
		"hlt", "udf", "ret", "retaa", "retab", "br", "braa", "brab", "braaz", "brabz", "b",
		"cbz", "cbnz", "tbz", "tbnz", "ptest", "ctermeq", "ctermne", "rmif", "setf8", "setf16",
		"hint", "wrffr", "setffr", "cfinv", "axflag", "xaflag", "bti", "nop", NULL };
	const char *mn = m->mn;
	uint64_t set = 0;
	int r;
	if (any_of(mn, none) || starts(mn, "b.") || starts(mn, "prf") || is_pacmn(mn))
		return 0;
	if (!strcmp(mn, "bl") || !strcmp(mn, "blr") || starts(mn, "blra"))
		return 1ull << 30;
	if (is_mops(mn)) { /* cpyfp [x0]!, [x1]!, x2!; setp [x0]!, x1!, x2: the `!` operands */
		for (int i = 0; i < m->nops; i++) {
			char reg[16];
			const char *o = m->ops[i] + (m->ops[i][0] == '[');
			size_t l = strcspn(o, "]!");
			if (o[strlen(o) - 1] != '!' || l >= sizeof(reg))
				continue;
			memcpy(reg, o, l);
			reg[l] = 0;
			if ((r = gpr(reg)) >= 0)
				set |= 1ull << r;
		}
		return set;
	}
	struct memop mo = memop_of(m);
	if (is_ldst(mn) && mo.present && (mo.pre || mo.post) && mo.base >= 0)
		set |= 1ull << mo.base;
	bool st = starts(mn, "st");
	if (st && (starts(mn, "stxr") || starts(mn, "stlxr") || starts(mn, "stxp") || starts(mn, "stlxp"))) {
		if ((r = gpr(m->ops[0])) >= 0)
			set |= 1ull << r;
		return set;
	}
	if (st)
		return set;
	static const char *const atomics[] = { "ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin",
					       "ldumax", "ldumin", "swp", NULL };
	for (const char *const *a = atomics; *a; a++)
		if (starts(mn, *a)) {
			if (m->nops > 1 && (r = gpr(m->ops[1])) >= 0)
				set |= 1ull << r;
			return set;
		}
	if (m->nops > 0 && (r = gpr(m->ops[0])) >= 0) {
		set |= 1ull << r;
		if (starts(mn, "casp") && r + 1 <= 30)
			set |= 1ull << (r + 1);
	}
	if (starts(mn, "ldp") || starts(mn, "ldnp") || starts(mn, "ldxp") || starts(mn, "ldaxp")) {
		if (m->nops > 1 && (r = gpr(m->ops[1])) >= 0)
			set |= 1ull << r;
	}
	return set;
}

static uint64_t ours_written(const struct ts_insn *in)
{
	uint64_t set = 0;
	for (unsigned k = 0; k < in->nuops; k++) {
		const struct ts_uop *u = &in->uops[k];
		if (u->kind != TS_UOP_STORE && u->dst < 32)
			set |= 1ull << u->dst;
	}
	if (in->flags & TS_IF_LINK)
		set |= 1ull << 30;
	return set;
}

static enum ts_flow oracle_flow(const char *mn)
{
	static const char *const stop[] = { "brk", "hlt", "udf", "eret", "eretaa", "eretab", "drps",
					    "dcps1", "dcps2", "dcps3", NULL };
	if (!strcmp(mn, "b") || !strcmp(mn, "b.al") || !strcmp(mn, "b.nv"))
		return TS_FLOW_JUMP;
	if (!strcmp(mn, "bl"))
		return TS_FLOW_CALL;
	if (starts(mn, "b.") || !strcmp(mn, "cbz") || !strcmp(mn, "cbnz") || !strcmp(mn, "tbz") ||
	    !strcmp(mn, "tbnz"))
		return TS_FLOW_JCC;
	if (!strcmp(mn, "br") || starts(mn, "bra"))
		return TS_FLOW_JUMP_IND;
	if (!strcmp(mn, "blr") || starts(mn, "blra"))
		return TS_FLOW_CALL_IND;
	if (starts(mn, "ret"))
		return TS_FLOW_RET;
	if (any_of(mn, stop))
		return TS_FLOW_STOP;
	return TS_FLOW_NEXT;
}

/* What pointer authentication llvm-mc's text says: flags, register, modifier. */
static uint16_t oracle_pac(const struct mc *m, int *reg, int *mod)
{
	const char *mn = m->mn;
	static const struct { const char *mn; uint16_t f; int reg, mod; } hints[] = {
		{ "xpaclri", TS_IF_PAC_STRIP, 30, -1 },
		{ "pacia1716", TS_IF_PAC_SIGN, 17, 16 }, { "pacib1716", TS_IF_PAC_SIGN | TS_IF_PAC_KEY_B, 17, 16 },
		{ "autia1716", TS_IF_PAC_AUTH, 17, 16 }, { "autib1716", TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, 17, 16 },
		{ "paciaz", TS_IF_PAC_SIGN, 30, -1 }, { "pacibz", TS_IF_PAC_SIGN | TS_IF_PAC_KEY_B, 30, -1 },
		{ "paciasp", TS_IF_PAC_SIGN, 30, 31 }, { "pacibsp", TS_IF_PAC_SIGN | TS_IF_PAC_KEY_B, 30, 31 },
		{ "autiaz", TS_IF_PAC_AUTH, 30, -1 }, { "autibz", TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, 30, -1 },
		{ "autiasp", TS_IF_PAC_AUTH, 30, 31 }, { "autibsp", TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, 30, 31 },
		{ "retaa", TS_IF_PAC_AUTH, 30, 31 }, { "retab", TS_IF_PAC_AUTH | TS_IF_PAC_KEY_B, 30, 31 },
	};
	*reg = *mod = -1;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (!strcmp(mn, hints[i].mn) && m->nops == 0) {
			*reg = hints[i].reg;
			*mod = hints[i].mod;
			return hints[i].f;
		}
	/* braa xn, xm; braaz xn; blraa..; pacia xd, xn; paciza xd; autdb..; xpaci xd */
	size_t l = strlen(mn);
	if (starts(mn, "bra") || starts(mn, "blra")) {
		const char *k = mn + (mn[1] == 'r' ? 3 : 4); /* "a"/"b" then optional "z" */
		uint16_t f = TS_IF_PAC_AUTH | (k[0] == 'b' ? TS_IF_PAC_KEY_B : 0);
		*reg = gpr(m->ops[0]);
		*mod = k[1] == 'z' ? -1 : gpr(m->ops[1]);
		return f;
	}
	if (starts(mn, "xpac")) {
		*reg = gpr(m->ops[0]);
		return TS_IF_PAC_STRIP | (mn[4] == 'd' ? TS_IF_PAC_DATA : 0);
	}
	if ((starts(mn, "pac") || starts(mn, "aut")) && l >= 5 && strcmp(mn, "pacga")) {
		uint16_t f = mn[0] == 'p' ? TS_IF_PAC_SIGN : TS_IF_PAC_AUTH;
		if (mn[3] == 'd')
			f |= TS_IF_PAC_DATA;
		if (mn[4] == 'b' || (mn[4] == 'z' && mn[5] == 'b'))
			f |= TS_IF_PAC_KEY_B;
		*reg = gpr(m->ops[0]);
		*mod = mn[4] == 'z' ? -1 : gpr(m->ops[1]);
		return f;
	}
	return 0;
}

static uint16_t oracle_bti(const struct mc *m)
{
	if (!strcmp(m->mn, "paciasp") || !strcmp(m->mn, "pacibsp"))
		return TS_IF_BTI_C;
	if (strcmp(m->mn, "bti") || m->nops == 0)
		return 0;
	return (strchr(m->ops[0], 'c') ? TS_IF_BTI_C : 0) | (strchr(m->ops[0], 'j') ? TS_IF_BTI_J : 0);
}

/* With -v: our form names of the words llvm-mc rejects and we accept, counted. */
static struct mc_forms forms;

/* First word of s into out. */
static void first_word(const char *s, char *out, size_t n)
{
	size_t i = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	while (*s && *s != ' ' && *s != '\t' && i + 1 < n)
		out[i++] = *s++;
	out[i] = 0;
}

/*
 * Our form's name against llvm-mc's mnemonic without aliases (-M no-aliases: orr, not mov; subs,
 * not cmp), for every form we name exactly (the SIMD&FP and SVE groups are named by group). Its
 * hints stay `hint #N` there: for them the alias text's mnemonic (paciasp, bti) is the reference;
 * it prints movz/movn as `mov` even without aliases.
 */
static void check_mnemonic(uint32_t w, uint64_t addr, const char *ourmn, const char *text, const char *natext)
{
	char ours[32], want[32];
	if (strchr(ourmn, '(') || strchr(ourmn, '&') || !strncmp(ourmn, "sve", 3) || !strcmp(ourmn, "addvl") ||
	    !strcmp(ourmn, "addpl") || !strcmp(ourmn, "umov") || !strcmp(ourmn, "smov"))
		return;
	first_word(ourmn, ours, sizeof(ours));
	first_word(natext, want, sizeof(want));
	if (!strcmp(want, "hint"))
		first_word(text, want, sizeof(want));
	/* forms it prints as their preferred alias even without aliases (its printer does, not its
	 * alias tables): llvm's name, ours */
	static const char *const always_alias[][2] = {
		{ "mov", "movz" }, { "mov", "movn" }, { "mov", "orr" }, /* orr of a bitmask immediate */
		{ "lsl", "ubfm" }, { "lsr", "ubfm" }, { "asr", "sbfm" }, { "ror", "extr" },
		{ "lsl", "lslv" }, { "lsr", "lsrv" }, { "asr", "asrv" }, { "ror", "rorv" },
		{ "sxtb", "sbfm" }, { "sxth", "sbfm" }, { "sxtw", "sbfm" }, { "sbfiz", "sbfm" }, { "sbfx", "sbfm" },
		{ "uxtb", "ubfm" }, { "uxth", "ubfm" }, { "ubfiz", "ubfm" }, { "ubfx", "ubfm" },
		{ "bfi", "bfm" }, { "bfxil", "bfm" }, { "bfc", "bfm" },
		{ "dc", "sys" }, { "ic", "sys" }, { "at", "sys" }, { "tlbi", "sys" },
	};
	for (size_t i = 0; i < sizeof(always_alias) / sizeof(always_alias[0]); i++)
		if (!strcmp(want, always_alias[i][0]) && !strcmp(ours, always_alias[i][1]))
			return;
	checked[C_MNEMONIC]++;
	if (strcmp(ours, want)) {
		char why[96];
		snprintf(why, sizeof(why), "we name it %s", ourmn);
		report(C_MNEMONIC, addr, w, natext, why);
	}
}

static void check_word(uint32_t w, uint64_t addr, const char *text, const char *natext)
{
	struct ts_insn in;
	const char *ourmn;
	bool valid = ts_a64_decode_word(w, addr, &in, &ourmn);
	char why[160];
	if (!text) {
		if (valid && (!strcmp(ourmn, "simd&fp") || !strcmp(ourmn, "sve"))) {
			accepted_by_group++;
		} else if (valid) {
			report(C_VALID_OURS, addr, w, "(llvm: invalid)", ourmn);
			mc_count_form(&forms, ourmn);
		}
		return;
	}
	if (!valid) {
		report(C_INVALID_OURS, addr, w, text, "we say invalid");
		return;
	}
	struct mc m;
	mc_parse(text, &m);
	if (natext)
		check_mnemonic(w, addr, ourmn, text, natext);

	checked[C_FLOW]++;
	enum ts_flow want = oracle_flow(m.mn);
	if (want != in.flow) {
		snprintf(why, sizeof(why), "flow %d, llvm %d (%s)", in.flow, want, ourmn);
		report(C_FLOW, addr, w, text, why);
	}
	if (want == TS_FLOW_JUMP || want == TS_FLOW_CALL || want == TS_FLOW_JCC) {
		int64_t off;
		checked[C_TARGET]++;
		if (m.nops == 0 || !imm(m.ops[m.nops - 1], &off) || in.target != addr + (uint64_t)off) {
			snprintf(why, sizeof(why), "target %#" PRIx64, in.target);
			report(C_TARGET, addr, w, text, why);
		}
	}
	if (want == TS_FLOW_JUMP_IND || want == TS_FLOW_CALL_IND || want == TS_FLOW_RET) {
		int r = m.nops && want != TS_FLOW_RET ? gpr(m.ops[0]) : m.nops ? gpr(m.ops[0]) : 30;
		if (r == -2)
			r = TS_REG_NONE; /* br xzr: no register the analysis tracks */
		checked[C_TREG]++;
		if (r != in.treg) {
			snprintf(why, sizeof(why), "branch register %d, llvm %d", in.treg, r);
			report(C_TREG, addr, w, text, why);
		}
	}

	int preg, pmod;
	uint16_t pf = oracle_pac(&m, &preg, &pmod);
	uint16_t pmask = TS_IF_PAC_SIGN | TS_IF_PAC_AUTH | TS_IF_PAC_STRIP | TS_IF_PAC_KEY_B | TS_IF_PAC_DATA;
	if (pf && preg == -2) /* pacia xzr..: no effect */
		pf = 0;
	if (pf || (in.flags & pmask)) {
		checked[C_PAC]++;
		int oreg = in.flags & pmask ? in.pac_reg : -1;
		int omod = in.flags & pmask && in.pac_mod != TS_REG_NONE ? in.pac_mod : -1;
		if (pmod == -2)
			pmod = -1;
		if ((in.flags & pmask) != pf || (pf && (oreg != preg || omod != pmod))) {
			snprintf(why, sizeof(why), "pac flags %#x reg %d mod %d, llvm %#x reg %d mod %d",
				 in.flags & pmask, oreg, omod, pf, preg, pmod);
			report(C_PAC, addr, w, text, why);
		}
	}
	uint16_t bmask = TS_IF_BTI_C | TS_IF_BTI_J;
	uint16_t bf = oracle_bti(&m);
	if (bf || (in.flags & bmask)) {
		checked[C_BTI]++;
		if ((in.flags & bmask) != bf) {
			snprintf(why, sizeof(why), "bti %#x, llvm %#x", in.flags & bmask, bf);
			report(C_BTI, addr, w, text, why);
		}
	}

	checked[C_WRITTEN]++;
	uint64_t ow = oracle_written(&m), uw = ours_written(&in);
	if (ow != uw) {
		snprintf(why, sizeof(why), "we write %#" PRIx64 ", llvm %#" PRIx64 " (%s)", uw, ow, ourmn);
		report(C_WRITTEN, addr, w, text, why);
	}

	/* memory operand and writeback */
	struct memop mo = memop_of(&m);
	if (is_ldst(m.mn) && mo.present && mo.base >= 0) {
		const struct ts_uop *acc = NULL, *wb = NULL;
		bool wb_first = false;
		for (unsigned k = 0; k < in.nuops; k++) {
			const struct ts_uop *u = &in.uops[k];
			if ((u->kind == TS_UOP_LOAD || u->kind == TS_UOP_STORE) &&
			    (!acc || u->mem.disp < acc->mem.disp)) /* ldp x0, x1, [x0]: x1 first */
				acc = u;
			if ((u->kind == TS_UOP_ADDI || u->kind == TS_UOP_ADD) && (in.flags & TS_IF_WRITEBACK) &&
			    u->dst == mo.base) {
				wb = u;
				wb_first = !acc;
			}
		}
		checked[C_MEM]++;
		bool bad = false;
		if (!acc) /* a SIMD&FP load: only the writeback is modelled, before or after is moot */
			wb_first = mo.pre;
		if (mo.pre)
			bad = !wb || !wb_first || wb->kind != TS_UOP_ADDI || wb->imm != mo.disp ||
			      (acc && (acc->mem.base != mo.base || acc->mem.disp != 0));
		else if (mo.post)
			bad = !wb || wb_first || (mo.post_reg ? wb->kind != TS_UOP_ADD : wb->imm != mo.post_imm) ||
			      (acc && (acc->mem.base != mo.base || acc->mem.disp != 0));
		else
			bad = wb || (acc && (acc->mem.base != mo.base || (!mo.regoff && acc->mem.disp != mo.disp)));
		if (bad && acc && starts(m.mn, "ld") && gpr(m.ops[0]) == -2 && m.nops > 2 && gpr(m.ops[1]) >= 0) {
			/* ldp xzr, x1, [..]: no load into the zero register, the first access is x1's */
			int64_t sz = m.ops[1][0] == 'x' && strcmp(m.mn, "ldpsw") ? 8 : 4;
			int64_t want_disp = (mo.pre || mo.post ? 0 : mo.disp) + sz;
			bad = acc->mem.base != mo.base || acc->mem.disp != want_disp ||
			      (mo.pre && (!wb || !wb_first || wb->imm != mo.disp)) ||
			      (mo.post && (!wb || wb_first || wb->imm != mo.post_imm)) ||
			      (!mo.pre && !mo.post && wb);
		}
		if (bad) {
			snprintf(why, sizeof(why), "access base %d disp %" PRId64 ", writeback %s %" PRId64,
				 acc ? acc->mem.base : -1, acc ? acc->mem.disp : 0,
				 wb ? (wb_first ? "pre" : "post") : "none", wb ? wb->imm : 0);
			report(C_MEM, addr, w, text, why);
		}
	}
	/* add/sub (immediate) and its mov alias to/from sp */
	int64_t v;
	bool addsub = (!strcmp(m.mn, "add") || !strcmp(m.mn, "sub")) && m.nops >= 3 && imm(m.ops[2], &v);
	bool movsp = !strcmp(m.mn, "mov") && m.nops == 2 && (gpr(m.ops[0]) == 31 || gpr(m.ops[1]) == 31);
	if ((addsub || movsp) && m.ops[0][0] == 'x') {
		int d = gpr(m.ops[0]), s = gpr(m.ops[1]);
		if (movsp)
			v = 0;
		else if (m.nops > 3 && !strcmp(m.ops[3], "lsl #12"))
			v <<= 12;
		if (!strcmp(m.mn, "sub"))
			v = -v;
		checked[C_ADDSUB]++;
		const struct ts_uop *u = in.nuops ? &in.uops[0] : NULL;
		bool ok = in.nuops == 1 && u->dst == d &&
			  ((u->kind == TS_UOP_ADDI && u->src == s && u->imm == v) ||
			   (u->kind == TS_UOP_MOV && u->src == s && v == 0));
		if (!ok) {
			snprintf(why, sizeof(why), "uop kind %d dst %d src %d imm %" PRId64, u ? u->kind : 0,
				 u ? u->dst : -1, u ? u->src : -1, u ? u->imm : 0);
			report(C_ADDSUB, addr, w, text, why);
		}
	}
	if ((!strcmp(m.mn, "adr") || !strcmp(m.mn, "adrp")) && m.nops == 2 && imm(m.ops[1], &v)) {
		uint64_t want_a = m.mn[3] == 'p' ? (addr & ~0xfffull) + (uint64_t)v : addr + (uint64_t)v;
		checked[C_ADR]++;
		if (gpr(m.ops[0]) >= 0 &&
		    (in.nuops != 1 || in.uops[0].kind != TS_UOP_LEA || !in.uops[0].mem.abs ||
		     (uint64_t)in.uops[0].mem.disp != want_a)) {
			snprintf(why, sizeof(why), "address %#" PRIx64 ", llvm %#" PRIx64,
				 in.nuops ? (uint64_t)in.uops[0].mem.disp : 0, want_a);
			report(C_ADR, addr, w, text, why);
		}
	}
}

static void check_bytes(const uint8_t *b, unsigned len, uint64_t addr, const char *text, const char *natext)
{
	(void)len; /* always 4 */
	check_word(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24, addr, text, natext);
}

static int finish(const char *name, int nfiles, size_t n, unsigned long nvalid)
{
	unsigned long bad = 0;
	for (int c = 0; c < C_N; c++)
		bad += counts[c];
	printf("%s %s: %d files, %zu words (%lu valid for llvm-mc), checked flow %lu, targets %lu, "
	       "branch regs %lu, pac %lu, bti %lu, written %lu, memory %lu, add/sub %lu, adr %lu, mnemonics %lu",
	       bad ? "FAIL" : "PASS", name, nfiles, n, nvalid, checked[C_FLOW],
	       checked[C_TARGET], checked[C_TREG], checked[C_PAC], checked[C_BTI], checked[C_WRITTEN],
	       checked[C_MEM], checked[C_ADDSUB], checked[C_ADR], checked[C_MNEMONIC]);
	if (accepted_by_group)
		printf("; %lu words llvm-mc rejects accepted as SIMD&FP/SVE (by design)", accepted_by_group);
	if (bad) {
		printf("; disagreements:");
		for (int c = 0; c < C_N; c++)
			if (counts[c])
				printf(" %s %lu", cls_name[c], counts[c]);
	}
	printf("\n");
	if (verbose && counts[C_VALID_OURS])
		mc_print_forms(&forms, "words llvm-mc rejects and we accept, by our form");
	mc_free_forms(&forms);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct mc_machine a64 = {
		.tool = "a64decode_check", .machine = "arm64", .e_machine = EM_AARCH64, .comment = "//",
		.section_addresses = true, .check = check_bytes, .finish = finish, .verbose = &verbose,
	};
	return mc_main(argc, argv, &a64);
}
