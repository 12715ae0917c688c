/*
 * prescan_check.c - the shortcuts of the pre-scans agree with the full decoder.
 *
 *   prescan_check FILE...
 *
 * Decodes every executable section of each ELF file at EVERY byte offset (so every possible
 * instruction boundary, whatever a linear scan would find) with the architecture's full
 * decoder, and checks what the shortcuts in lib/arch promise (arch.h):
 *   - length() gives the same length (or 0 where decode fails),
 *   - a full decode with a flow other than TS_FLOW_NEXT is flagged TS_SCAN_FLOW,
 *   - one with a TS_UOP_LEA is flagged TS_SCAN_ADDRESS,
 *   - every absolute address such a lea computes is among address_candidates() of the bytes
 *     from that offset on.
 * Prints one line per file: "OK file offsets=N lea=N abs=N flow=N" (abs: leas with an absolute
 * operand), or "BAD file: ..." (first 5 disagreements); exit status 1 if any disagreement, 2 on
 * a usage or I/O error.
 */
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>

#include "arch/arch.h"
#include "exec_sections.h"

struct want {
	uint64_t addr;
	bool seen;
};

static bool see(void *ctx, uint64_t address)
{
	struct want *w = ctx;
	if (address == w->addr)
		w->seen = true;
	return !w->seen;
}

static int check_section(const struct ts_arch *a, const struct ts_decoder *d, const char *file, const uint8_t *code,
			 size_t n, uint64_t base, unsigned long *offsets, unsigned long *leas, unsigned long *abs,
			 unsigned long *flows)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct ts_insn in;
		unsigned scan = 0;
		unsigned len = a->decode(d, code + i, n - i, base + i, &in);
		unsigned quick = a->length(d, code + i, n - i, &scan);
		(*offsets)++;
		const char *why = NULL;
		if (len != quick)
			why = "length differs";
		else if (len && in.flow != TS_FLOW_NEXT && !(scan & TS_SCAN_FLOW))
			why = "branch not flagged TS_SCAN_FLOW";
		for (unsigned k = 0; len && !why && k < in.nuops; k++) {
			if (in.uops[k].kind != TS_UOP_LEA)
				continue;
			(*leas)++;
			if (!(scan & TS_SCAN_ADDRESS)) {
				why = "lea not flagged TS_SCAN_ADDRESS";
			} else if (in.uops[k].mem.abs) {
				(*abs)++;
				struct want w = { (uint64_t)in.uops[k].mem.disp, false };
				a->address_candidates(code + i, len, base + i, see, &w);
				if (!w.seen)
					why = "absolute lea missing from address_candidates";
			}
		}
		if (len && in.flow != TS_FLOW_NEXT)
			(*flows)++;
		if (why && bad++ < 5)
			printf("BAD %s: offset 0x%llx: %s\n", file, (unsigned long long)(base + i), why);
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: prescan_check FILE...\n");
		return 2;
	}
	int status = 0;
	for (int f = 1; f < argc; f++) {
		int fd;
		GElf_Ehdr eh;
		Elf *elf = exec_open("prescan_check", argv[f], &fd, &eh);
		if (!elf)
			return 2;
		const struct ts_arch *a = ts_arch_for_machine(eh.e_machine);
		if (!a || !a->length || !a->address_candidates) {
			printf("SKIPPED %s: no shortcuts for this architecture\n", argv[f]);
			continue;
		}
		struct ts_decoder *d = a->decoder_new();
		unsigned long offsets = 0, leas = 0, abs = 0, flows = 0;
		int bad = 0;
		struct exec_section s;
		for (Elf_Scn *scn = NULL; exec_next(elf, &scn, &s);)
			bad += check_section(a, d, argv[f], s.code, s.n, s.addr, &offsets, &leas, &abs, &flows);
		if (!bad)
			printf("OK %s offsets=%lu lea=%lu abs=%lu flow=%lu\n", argv[f], offsets, leas, abs, flows);
		else
			status = 1;
		a->decoder_free(d);
		exec_close(elf, fd);
	}
	return status;
}
