/*
 * a64decode_bench - the arm64 decoder candidates on the same words (docs/arm64.md):
 *   ours     lib/arch/aarch64/decode.c: struct ts_insn (flow, targets, uops, PAC/BTI)
 *   capstone Capstone 4.0.2 (Debian 12), CS_OPT_DETAIL on (operands: what an analysis needs)
 *            and off (text only); built with -DHAVE_CAPSTONE
 *   llvm     LLVM 14's C disassembler (llvm-c/Disassembler.h): text only; -DHAVE_LLVM
 *
 *   a64decode_bench speed ELF...             ns per instruction, decode only, one thread
 *   a64decode_bench total ELF...             our decoder alone: words and the CPU seconds to
 *                                            decode them all once (best of 5; bench/a64.sh)
 *   a64decode_bench agree MC.txt ELF...      validity and mnemonic of capstone and llvm-c against
 *                                            llvm-mc's decoding (as tests/arch/suite_a64decode.sh
 *                                            makes it), disagreements by llvm-mc mnemonic
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/aarch64/decode.h"
#include "../tests/arch/mc_oracle.h"

#ifdef HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif
#ifdef HAVE_LLVM
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>
#endif

static uint32_t *words;
static uint64_t *addrs;
static size_t nwords;

/* The file's words appended to words/addrs (tests/arch/mc_oracle.c reads them). */
static int read_words(const char *path)
{
	struct mc_code c = { 0 };
	if (!mc_read_code(path, EM_AARCH64, NULL, &c))
		return -1;
	words = realloc(words, (nwords + c.n + 1) * 4);
	addrs = realloc(addrs, (nwords + c.n + 1) * 8);
	if (!words || !addrs)
		abort();
	for (size_t k = 0; k < c.n; k++, nwords++) {
		memcpy(&words[nwords], c.b[k], 4);
		addrs[nwords] = c.addr[k];
	}
	mc_free_code(&c);
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile unsigned long sink;

static double run_ours(void)
{
	struct ts_insn in;
	unsigned long acc = 0;
	double t0 = now();
	for (size_t i = 0; i < nwords; i++) {
		ts_a64_decode_word(words[i], addrs[i], &in, NULL);
		acc += in.nuops + in.flow;
	}
	double t = now() - t0;
	sink = acc;
	return t;
}

#ifdef HAVE_CAPSTONE
static double run_capstone(bool detail, unsigned long *invalid)
{
	csh h;
	if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h) != CS_ERR_OK)
		return -1;
	cs_option(h, CS_OPT_DETAIL, detail ? CS_OPT_ON : CS_OPT_OFF);
	cs_insn *insn = cs_malloc(h);
	unsigned long acc = 0, bad = 0;
	double t0 = now();
	for (size_t i = 0; i < nwords; i++) {
		const uint8_t *p = (const uint8_t *)&words[i];
		size_t n = 4;
		uint64_t a = addrs[i];
		if (cs_disasm_iter(h, &p, &n, &a, insn))
			acc += insn->id;
		else
			bad++;
	}
	double t = now() - t0;
	sink = acc;
	*invalid = bad;
	cs_free(insn, 1);
	cs_close(&h);
	return t;
}
#endif

#ifdef HAVE_LLVM
static LLVMDisasmContextRef llvm_ctx(void)
{
	LLVMInitializeAArch64TargetInfo();
	LLVMInitializeAArch64TargetMC();
	LLVMInitializeAArch64Disassembler();
	return LLVMCreateDisasmCPUFeatures("aarch64-linux-gnu", "generic", "+v8.5a,+sve,+lse,+mte",
					   NULL, 0, NULL, NULL);
}

static double run_llvm(LLVMDisasmContextRef dc, unsigned long *invalid)
{
	char text[128];
	unsigned long acc = 0, bad = 0;
	double t0 = now();
	for (size_t i = 0; i < nwords; i++) {
		size_t n = LLVMDisasmInstruction(dc, (uint8_t *)&words[i], 4, addrs[i], text, sizeof(text));
		if (n)
			acc += (unsigned char)text[1];
		else
			bad++;
	}
	double t = now() - t0;
	sink = acc;
	*invalid = bad;
	return t;
}
#endif

static void speed(void)
{
	const int reps = 5;
	double best = 1e9;
	for (int r = 0; r < reps; r++) {
		double t = run_ours();
		best = t < best ? t : best;
	}
	printf("decoder\tns/insn\tinvalid\n");
	printf("ours\t%.2f\t-\n", best * 1e9 / nwords);
#ifdef HAVE_CAPSTONE
	for (int detail = 1; detail >= 0; detail--) {
		unsigned long bad = 0;
		best = 1e9;
		for (int r = 0; r < reps; r++) {
			double t = run_capstone(detail, &bad);
			best = t < best ? t : best;
		}
		printf("capstone-4.0.2%s\t%.2f\t%lu\n", detail ? "-detail" : "-text", best * 1e9 / nwords, bad);
	}
#endif
#ifdef HAVE_LLVM
	LLVMDisasmContextRef dc = llvm_ctx();
	if (dc) {
		unsigned long bad = 0;
		best = 1e9;
		for (int r = 0; r < 3; r++) {
			double t = run_llvm(dc, &bad);
			best = t < best ? t : best;
		}
		printf("llvm-14-c-api\t%.2f\t%lu\n", best * 1e9 / nwords, bad);
		LLVMDisasmDispose(dc);
	}
#endif
}

/* ---- agreement with llvm-mc: validity and mnemonic, disagreements by llvm-mc's mnemonic ----- */

#define MAXCLS 4096
struct tally {
	const char *who;
	unsigned long invalid, mnemonic, checked;
	char cls[MAXCLS][48];
	unsigned long n[MAXCLS];
	int ncls;
};

/* Count one disagreement: rejected (got NULL) or decoded as another mnemonic. */
static void tally(struct tally *t, const char *want, const char *got)
{
	char key[48];
	snprintf(key, sizeof(key), got ? "%s -> %s" : "%s rejected", want, got);
	for (int i = 0; i < t->ncls; i++)
		if (!strcmp(t->cls[i], key)) {
			t->n[i]++;
			return;
		}
	if (t->ncls < MAXCLS) {
		snprintf(t->cls[t->ncls], sizeof(t->cls[0]), "%s", key);
		t->n[t->ncls++] = 1;
	}
}

static void print_tally(struct tally *t)
{
	printf("%s: %lu words llvm-mc decodes: %lu rejected, %lu with another mnemonic\n", t->who,
	       t->checked, t->invalid, t->mnemonic);
	for (int k = 0; k < 40; k++) { /* the largest classes */
		int best = -1;
		for (int i = 0; i < t->ncls; i++)
			if (t->n[i] && (best < 0 || t->n[i] > t->n[best]))
				best = i;
		if (best < 0)
			break;
		printf("  %-28s %lu\n", t->cls[best], t->n[best]);
		t->n[best] = 0;
	}
}

static void first_word(const char *s, char *out, size_t n)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t i = 0;
	while (*s && *s != ' ' && *s != '\t' && i + 1 < n)
		out[i++] = *s++;
	out[i] = 0;
}

static int agree(const char *mcpath)
{
	FILE *f = fopen(mcpath, "r");
	if (!f)
		return 2;
	static struct tally tc = { .who = "capstone-4.0.2" }, tl = { .who = "llvm-14-c-api" };
#ifdef HAVE_CAPSTONE
	csh h;
	cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h);
	cs_insn *insn = cs_malloc(h);
#endif
#ifdef HAVE_LLVM
	LLVMDisasmContextRef dc = llvm_ctx();
#endif
	char line[512], want[32], got[32];
	(void)tc, (void)tl, (void)got; /* unused when built without Capstone or LLVM */
	size_t i = 0;
	while (fgets(line, sizeof(line), f) && i < nwords) {
		char *enc = strstr(line, "// encoding: [");
		unsigned b[4];
		if (!enc || sscanf(enc, "// encoding: [0x%x,0x%x,0x%x,0x%x]", &b[0], &b[1], &b[2], &b[3]) != 4)
			continue;
		uint32_t w = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
		while (i < nwords && words[i] != w)
			i++; /* invalid for llvm-mc too: not compared */
		if (i == nwords)
			break;
		first_word(line, want, sizeof(want));
#ifdef HAVE_CAPSTONE
		{
			const uint8_t *p = (const uint8_t *)&words[i];
			size_t n = 4;
			uint64_t a = addrs[i];
			tc.checked++;
			if (!cs_disasm_iter(h, &p, &n, &a, insn)) {
				tc.invalid++;
				tally(&tc, want, NULL);
			} else if (strcmp(insn->mnemonic, want)) {
				tc.mnemonic++;
				tally(&tc, want, insn->mnemonic);
			}
		}
#endif
#ifdef HAVE_LLVM
		{
			char text[128];
			tl.checked++;
			if (!dc || !LLVMDisasmInstruction(dc, (uint8_t *)&words[i], 4, addrs[i], text, sizeof(text))) {
				tl.invalid++;
				tally(&tl, want, NULL);
			} else {
				first_word(text, got, sizeof(got));
				if (strcmp(got, want)) {
					tl.mnemonic++;
					tally(&tl, want, got);
				}
			}
		}
#endif
		i++;
	}
#ifdef HAVE_CAPSTONE
	print_tally(&tc);
#endif
#ifdef HAVE_LLVM
	print_tally(&tl);
#endif
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "speed") && strcmp(argv[1], "agree") && strcmp(argv[1], "total")) ||
	    (!strcmp(argv[1], "agree") && argc < 4)) {
		fprintf(stderr, "usage: a64decode_bench speed ELF... | total ELF... | agree MC.txt ELF...\n");
		return 2;
	}
	bool ag = !strcmp(argv[1], "agree");
	for (int i = ag ? 3 : 2; i < argc; i++)
		if (read_words(argv[i]) < 0) {
			fprintf(stderr, "a64decode_bench: %s: not a readable arm64 ELF file\n", argv[i]);
			return 2;
		}
	if (ag)
		return agree(argv[2]);
	if (!strcmp(argv[1], "total")) {
		double best = 1e9;
		for (int r = 0; r < 5; r++) {
			double t = run_ours();
			best = t < best ? t : best;
		}
		printf("words %zu seconds %.6f\n", nwords, best);
		return 0;
	}
	speed();
	return 0;
}
