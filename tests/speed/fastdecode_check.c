/*
 * fastdecode_check.c - the fast path of the x86-64 decoder gives what Zydis gives.
 *
 *   fastdecode_check FILE...
 *
 * Decodes every executable section of each ELF file at EVERY byte offset (every possible
 * instruction boundary, whatever a linear scan would find, so also the odd encodings inside
 * other instructions) twice: with the decoder the analysis uses (fast path first,
 * lib/arch/x86/decode_fast.c) and with one that always asks Zydis (the reference), and compares
 * the two struct ts_insn field by field: length, flow, condition, flags, branch target and
 * indirect target, the comparison, and every uop with its memory operand. The length-only
 * decode (ts_arch.length) must give the same length either way.
 * Prints one line per file: "OK file offsets=N fast=N linear=N linear_fast=N" (fast: offsets
 * the fast path decoded; linear_*: the same along a linear scan of the sections, i.e. over the
 * real instructions), or "BAD file: ..." (the first 5 disagreements); exit status 1 if any
 * disagreement, 2 on a usage or I/O error.
 */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/x86/decode_fast.h"
#include "arch/x86/x86.h"
#include "exec_sections.h"

static bool mem_eq(const struct ts_mem *a, const struct ts_mem *b)
{
	return a->base == b->base && a->index == b->index && a->scale == b->scale && a->size == b->size &&
	       a->sext == b->sext && a->abs == b->abs && a->disp == b->disp;
}

/* NULL when equal, else the first field that differs */
static const char *insn_diff(const struct ts_insn *a, const struct ts_insn *b)
{
	if (a->len != b->len) return "len";
	if (a->addr != b->addr) return "addr";
	if (a->flow != b->flow) return "flow";
	if (a->cond != b->cond) return "cond";
	if (a->flags != b->flags) return "flags";
	if (a->treg != b->treg) return "treg";
	if (a->target != b->target) return "target";
	if (!mem_eq(&a->tmem, &b->tmem)) return "tmem";
	if (a->cmp_kind != b->cmp_kind) return "cmp_kind";
	if (a->cmp_a != b->cmp_a || a->cmp_b != b->cmp_b) return "cmp registers";
	if (a->cmp_width != b->cmp_width) return "cmp_width";
	if (a->cmp_imm != b->cmp_imm) return "cmp_imm";
	if (!mem_eq(&a->cmp_mem, &b->cmp_mem)) return "cmp_mem";
	if (a->nuops != b->nuops) return "nuops";
	for (unsigned k = 0; k < a->nuops; k++) {
		const struct ts_uop *x = &a->uops[k], *y = &b->uops[k];
		if (x->kind != y->kind || x->dst != y->dst || x->src != y->src || x->imm != y->imm)
			return "uop";
		if (!mem_eq(&x->mem, &y->mem))
			return "uop mem";
	}
	return NULL;
}

struct counts {
	unsigned long offsets, fast, linear, linear_fast;
};

static int check_section(const struct ts_arch *a, const struct ts_decoder *d, const struct ts_decoder *ref,
			 const char *file, const uint8_t *code, size_t n, uint64_t base, struct counts *c, int bad)
{
	for (size_t i = 0; i < n; i++) {
		struct ts_insn x, y, q;
		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		unsigned lx = a->decode(d, code + i, n - i, base + i, &x);
		unsigned ly = a->decode(ref, code + i, n - i, base + i, &y);
		unsigned sx = 0, sy = 0;
		unsigned qx = a->length(d, code + i, n - i, &sx);
		unsigned qy = a->length(ref, code + i, n - i, &sy);
		memset(&q, 0, sizeof(q));
		q.addr = base + i;
		q.treg = TS_REG_NONE;
		q.tmem.base = q.tmem.index = TS_REG_NONE;
		bool fast = ts_x86_decode_fast(code + i, n - i, base + i, &q) != 0;
		c->offsets++;
		c->fast += fast;
		const char *why = lx != ly ? "length" : qx != qy ? "length-only decode" : sx != sy ? "scan flags" : NULL;
		if (!why && ly)
			why = insn_diff(&x, &y);
		if (why && bad++ < 5) {
			printf("BAD %s: offset 0x%llx (%s path): %s differs; bytes", file, (unsigned long long)(base + i),
			       fast ? "fast" : "Zydis", why);
			for (size_t k = 0; k < 15 && i + k < n; k++)
				printf(" %02x", code[i + k]);
			printf("\n");
		}
	}
	for (size_t i = 0; i < n;) {
		struct ts_insn q;
		memset(&q, 0, sizeof(q));
		q.treg = TS_REG_NONE;
		q.tmem.base = q.tmem.index = TS_REG_NONE;
		unsigned l = ts_x86_decode_fast(code + i, n - i, base + i, &q);
		c->linear++;
		c->linear_fast += l != 0;
		if (!l) {
			unsigned scan;
			l = a->length(d, code + i, n - i, &scan);
		}
		i += l ? l : 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fastdecode_check FILE...\n");
		return 2;
	}
	int status = 0;
	for (int f = 1; f < argc; f++) {
		int fd;
		GElf_Ehdr eh;
		Elf *elf = exec_open("fastdecode_check", argv[f], &fd, &eh);
		if (!elf)
			return 2;
		const struct ts_arch *a = ts_arch_for_machine(eh.e_machine);
		if (a != &ts_arch_x86_64) {
			printf("SKIPPED %s: not x86-64\n", argv[f]);
			continue;
		}
		struct ts_decoder *d = a->decoder_new(), *ref = ts_x86_decoder_new_zydis_only();
		if (!d || !ref) {
			fprintf(stderr, "fastdecode_check: out of memory\n");
			return 2;
		}
		struct counts c = { 0 };
		int bad = 0;
		struct exec_section s;
		for (Elf_Scn *scn = NULL; exec_next(elf, &scn, &s);)
			bad = check_section(a, d, ref, argv[f], s.code, s.n, s.addr, &c, bad);
		if (!bad)
			printf("OK %s offsets=%lu fast=%lu linear=%lu linear_fast=%lu\n", argv[f], c.offsets, c.fast, c.linear,
			       c.linear_fast);
		else
			status = 1;
		a->decoder_free(d);
		a->decoder_free(ref);
		exec_close(elf, fd);
	}
	return status;
}
