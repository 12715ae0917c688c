/*
 * s390xdecode_bench - the s390x decoder candidates on the same instructions (docs/s390x.md):
 *   ours     lib/arch/s390x/decode.c: struct ts_insn (flow, targets, uops)
 *   capstone Capstone 4.0.2 (Debian 12) SystemZ, CS_OPT_DETAIL on (operands) and off (text);
 *            built with -DHAVE_CAPSTONE
 *   llvm     LLVM 14's C disassembler (llvm-c/Disassembler.h), -mcpu z15: text only; -DHAVE_LLVM
 *
 *   s390xdecode_bench speed ELF...         ns per instruction, decode only, one thread
 *   s390xdecode_bench agree MC.txt ELF...  validity of capstone and llvm-c against llvm-mc's
 *                                          decoding (MC.txt and MC.txt.err as
 *                                          tests/arch/suite_s390xdecode.sh makes them), the
 *                                          instructions one rejects by llvm-mc's mnemonic
 */
#include <ctype.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arch/s390x/decode.h"
#include "../tests/arch/mc_oracle.h"

#ifdef HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif
#ifdef HAVE_LLVM
#include <llvm-c/Disassembler.h>
#include <llvm-c/Target.h>
#endif

static uint8_t (*ins)[6];
static uint8_t *lens;
static uint64_t *addrs;
static size_t n;

static unsigned length(const uint8_t *p) { return ts_s390x_len(p[0]); }

/* The file's instructions appended to ins/lens/addrs (tests/arch/mc_oracle.c reads them). */
static int read_insns(const char *path)
{
	struct mc_code c = { 0 };
	if (!mc_read_code(path, EM_S390, length, &c))
		return -1;
	ins = realloc(ins, (n + c.n + 1) * sizeof(*ins));
	lens = realloc(lens, n + c.n + 1);
	addrs = realloc(addrs, (n + c.n + 1) * 8);
	if (!ins || !lens || !addrs)
		abort();
	for (size_t k = 0; k < c.n; k++, n++) {
		memcpy(ins[n], c.b[k], c.len[k]);
		lens[n] = c.len[k];
		addrs[n] = c.addr[k];
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

static double run_ours(unsigned long *invalid)
{
	struct ts_insn in;
	unsigned long acc = 0, bad = 0;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		if (ts_s390x_decode(ins[i], lens[i], addrs[i], &in, NULL))
			acc += in.nuops + in.flow;
		else
			bad++;
	}
	double t = now() - t0;
	sink = acc;
	*invalid = bad;
	return t;
}

#ifdef HAVE_CAPSTONE
static double run_capstone(bool detail, unsigned long *invalid, bool *ok)
{
	csh h;
	if (cs_open(CS_ARCH_SYSZ, CS_MODE_BIG_ENDIAN, &h) != CS_ERR_OK)
		return -1;
	cs_option(h, CS_OPT_DETAIL, detail ? CS_OPT_ON : CS_OPT_OFF);
	cs_insn *insn = cs_malloc(h);
	unsigned long acc = 0, bad = 0;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = ins[i];
		size_t len = lens[i];
		uint64_t a = addrs[i];
		bool good = cs_disasm_iter(h, &p, &len, &a, insn);
		if (good)
			acc += insn->id;
		else
			bad++;
		if (ok)
			ok[i] = good;
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
	LLVMInitializeSystemZTargetInfo();
	LLVMInitializeSystemZTargetMC();
	LLVMInitializeSystemZDisassembler();
	return LLVMCreateDisasmCPU("s390x-linux-gnu", "z15", NULL, 0, NULL, NULL);
}

static double run_llvm(LLVMDisasmContextRef dc, unsigned long *invalid, bool *ok)
{
	char text[128];
	unsigned long acc = 0, bad = 0;
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		size_t k = LLVMDisasmInstruction(dc, ins[i], lens[i], addrs[i], text, sizeof(text));
		if (k)
			acc += (unsigned char)text[1];
		else
			bad++;
		if (ok)
			ok[i] = k != 0;
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
	unsigned long bad = 0;
	for (int r = 0; r < reps; r++) {
		double t = run_ours(&bad);
		best = t < best ? t : best;
	}
	printf("decoder\tns/insn\tinvalid (of %zu)\n", n);
	printf("ours\t%.2f\t%lu\n", best * 1e9 / (double)n, bad);
#ifdef HAVE_CAPSTONE
	for (int detail = 1; detail >= 0; detail--) {
		best = 1e9;
		for (int r = 0; r < reps; r++) {
			double t = run_capstone(detail, &bad, NULL);
			best = t < best ? t : best;
		}
		printf("capstone-4.0.2%s\t%.2f\t%lu\n", detail ? "-detail" : "-text", best * 1e9 / (double)n, bad);
	}
#endif
#ifdef HAVE_LLVM
	LLVMDisasmContextRef dc = llvm_ctx();
	if (dc) {
		best = 1e9;
		for (int r = 0; r < 3; r++) {
			double t = run_llvm(dc, &bad, NULL);
			best = t < best ? t : best;
		}
		printf("llvm-14-c-api\t%.2f\t%lu\n", best * 1e9 / (double)n, bad);
		LLVMDisasmDispose(dc);
	}
#endif
}

/* ---- validity against llvm-mc, the rejected instructions by llvm-mc's mnemonic ---- */

#define MAXCLS 1024
struct tally {
	char mn[MAXCLS][24];
	unsigned long count[MAXCLS];
	int ncls;
	unsigned long total;
};

static void tally(struct tally *t, const char *mn)
{
	t->total++;
	for (int i = 0; i < t->ncls; i++)
		if (!strcmp(t->mn[i], mn)) {
			t->count[i]++;
			return;
		}
	if (t->ncls < MAXCLS) {
		snprintf(t->mn[t->ncls], sizeof(t->mn[0]), "%s", mn);
		t->count[t->ncls++] = 1;
	}
}

static void print_tally(const char *who, const struct tally *t)
{
	printf("%s rejects %lu instructions llvm-mc decodes:", who, t->total);
	for (int i = 0; i < t->ncls; i++)
		printf(" %s %lu;", t->mn[i], t->count[i]);
	printf("\n");
}

/* The mnemonic of llvm-mc's next instruction line. */
static char *mc_next_mnemonic(FILE *f, char *line, size_t len)
{
	char *p = mc_next(f, line, len, "#");
	if (p) {
		size_t k = 0;
		while (p[k] && !isspace((unsigned char)p[k]))
			k++;
		p[k] = 0;
	}
	return p;
}

static int agree(const char *mcpath)
{
	char errpath[4096], line[512];
	snprintf(errpath, sizeof(errpath), "%s.err", mcpath);
	FILE *mc = fopen(mcpath, "r");
	bool *bad = mc_invalid(errpath, n), *ok = calloc(n + 1, 1);
	if (!mc || !bad || !ok)
		return 2;
	char **mns = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		if (bad[i])
			continue;
		char *m = mc_next_mnemonic(mc, line, sizeof(line));
		mns[i] = strdup(m ? m : "?");
	}
	fclose(mc);
	unsigned long inv;
	struct tally *t = calloc(1, sizeof(*t));
#ifdef HAVE_CAPSTONE
	run_capstone(true, &inv, ok);
	for (size_t i = 0; i < n; i++)
		if (mns[i] && !ok[i])
			tally(t, mns[i]);
	print_tally("capstone-4.0.2", t);
#endif
#ifdef HAVE_LLVM
	memset(t, 0, sizeof(*t));
	LLVMDisasmContextRef dc = llvm_ctx();
	if (dc) {
		run_llvm(dc, &inv, ok);
		for (size_t i = 0; i < n; i++)
			if (mns[i] && !ok[i])
				tally(t, mns[i]);
		print_tally("llvm-14-c-api", t);
		LLVMDisasmDispose(dc);
	}
#endif
	memset(t, 0, sizeof(*t));
	struct ts_insn in;
	for (size_t i = 0; i < n; i++)
		if (mns[i] && !ts_s390x_decode(ins[i], lens[i], addrs[i], &in, NULL))
			tally(t, mns[i]);
	print_tally("ours", t);
	(void)inv;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[1], "speed") && strcmp(argv[1], "agree")) || (!strcmp(argv[1], "agree") && argc < 4)) {
		fprintf(stderr, "usage: s390xdecode_bench speed ELF... | agree MC.txt ELF...\n");
		return 2;
	}
	bool ag = !strcmp(argv[1], "agree");
	for (int i = ag ? 3 : 2; i < argc; i++)
		if (read_insns(argv[i])) {
			fprintf(stderr, "s390xdecode_bench: %s: not a readable s390x ELF file\n", argv[i]);
			return 2;
		}
	if (ag)
		return agree(argv[2]);
	speed();
	return 0;
}
