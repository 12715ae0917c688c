/*
 * mc_oracle - what the decoding oracles of tests/arch share: the machine's code read out of ELF
 * files, llvm-mc's text read back, and the `words`/`check` command line.
 *
 * Each oracle (a64decode_check.c, s390xdecode_check.c) is one machine's comparison of our decoder
 * with llvm-mc's decoding of the same bytes; this file is the part that does not depend on the
 * machine, so that a third machine adds only its comparison.
 *
 *   TOOL words ELF... > HEX                  every executable section's instructions, one a line
 *   TOOL check MC.txt NAME [-v] [-n MC2.txt] ELF...
 *
 * MC.txt is llvm-mc's output over HEX (read from stdin), MC.txt.err its stderr: llvm-mc prints
 * nothing on stdout for an instruction it rejects and names it only by input line there, so the
 * two are aligned through the .err file. MC2.txt (optional) is a second listing of the same input,
 * for instance with -M no-aliases, handed to the comparison next to the first.
 */
#ifndef TS_TESTS_MC_ORACLE_H
#define TS_TESTS_MC_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MC_MAXOPS 8
#define MC_MAXLEN 8 /* the longest instruction of any machine we check (s390x: 6 bytes) */

/* One line of llvm-mc's text: the mnemonic and its top-level operands. */
struct mc {
	char mn[32];
	char ops[MC_MAXOPS][64];
	int nops;
};

/* Split "mnemonic\top1, [op2, op3]!, D(X,B)" at the commas outside brackets and parentheses. */
void mc_parse(const char *text, struct mc *m);

/* Every executable section's instructions in file order, with their section addresses (a
 * trailing partial one dropped). length: the length of the instruction at p, NULL for a fixed 4
 * bytes. false with errno EINVAL when the file is not an ELF file of machine e_machine. */
struct mc_code {
	uint8_t (*b)[MC_MAXLEN];
	uint8_t *len;
	uint64_t *addr;
	size_t n, cap;
};
bool mc_read_code(const char *path, unsigned e_machine, unsigned (*length)(const uint8_t *p),
		  struct mc_code *out);
void mc_free_code(struct mc_code *c);

/* The next instruction line of llvm-mc's output: directives, comment lines and trailing comments
 * (from `comment` on) dropped; NULL at the end. */
char *mc_next(FILE *f, char *line, size_t n, const char *comment);
/* Which of n input lines llvm-mc rejected, from its stderr (errpath); NULL if unreadable. */
bool *mc_invalid(const char *errpath, size_t n);

/* Counts by name (with -v: which forms were seen, how often). */
#define MC_MAXFORMS 256
struct mc_forms {
	char *name[MC_MAXFORMS];
	unsigned long n[MC_MAXFORMS];
};
void mc_count_form(struct mc_forms *f, const char *name);
void mc_print_forms(const struct mc_forms *f, const char *title);
void mc_free_forms(struct mc_forms *f);

/* One machine's comparison, for mc_main. */
struct mc_machine {
	const char *tool;     /* program name, for messages */
	const char *machine;  /* "arm64", "s390x": for "not an arm64 ELF file" */
	unsigned e_machine;   /* EM_ */
	const char *comment;  /* where llvm-mc's comments start: "//", "#" */
	/* The length of the instruction at p (at least 1 byte is there); 0: a fixed 4 bytes. */
	unsigned (*length)(const uint8_t *p);
	/* Addresses: the sections' own (true), or each instruction's offset in the stream llvm-mc
	 * decodes from address 0 (false: llvm-mc's relative targets are then comparable as they are). */
	bool section_addresses;
	/* Compare one instruction; text NULL when llvm-mc rejected it, text2 the second listing's. */
	void (*check)(const uint8_t *b, unsigned len, uint64_t addr, const char *text, const char *text2);
	/* Print the result line for NAME (files, instructions, how many llvm-mc accepted) and return
	 * the exit status: 0 all agree, 1 a disagreement. */
	int (*finish)(const char *name, int nfiles, size_t n, unsigned long nvalid);
	bool *verbose; /* set by -v */
};

int mc_main(int argc, char **argv, const struct mc_machine *m);

#endif
