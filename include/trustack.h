/*
 * trustack.h - the one public header of libtrustack.
 *
 * libtrustack reads ELF code (relocatable objects, executables, shared libraries), follows every
 * path through every function and computes, at each instruction, how to find the caller's frame
 * (the "unwind row"). From that it checks the stack and frame-pointer rules.
 *
 * Conventions (libbpf style):
 *  - objects are opaque and created/destroyed by trustack_<object>__open()/__close();
 *  - functions return 0 or a negative TRUSTACK_E_* code; the library never prints;
 *  - there is no global mutable state: everything hangs off the objects you pass in.
 */
#ifndef TRUSTACK_H
#define TRUSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRUSTACK_VERSION "0.1.0"

/* Error codes (returned negated). */
enum trustack_error {
	TRUSTACK_OK = 0,
	TRUSTACK_E_IO = 1,          /* the file could not be read */
	TRUSTACK_E_FORMAT = 2,      /* not an ELF file, or a malformed/truncated one */
	TRUSTACK_E_UNSUPPORTED = 3, /* a valid ELF of a kind we do not handle (machine, class) */
	TRUSTACK_E_NOMEM = 4,
	TRUSTACK_E_ARG = 5,         /* invalid argument */
	TRUSTACK_E_NOTFOUND = 6,    /* a named function does not exist */
};

/* Text for a TRUSTACK_E_* code (positive or negative). */
const char *trustack_strerror(int err);

/* ---------------------------------------------------------------------------------------------
 * ELF input
 */
struct trustack_elf;

/*
 * Open an ELF file read-only. The file is never modified. On failure returns a negative
 * TRUSTACK_E_* code and, if errbuf is not NULL, a one-line reason in errbuf.
 */
int trustack_elf__open(const char *path, struct trustack_elf **out, char *errbuf, size_t errlen);

/* Same, from a buffer the caller keeps alive until __close(); name is used in messages. DWARF
 * is not read from memory images (DW_AT_noreturn then does not inform the analysis), so results
 * can differ from opening the same file by path. */
int trustack_elf__open_mem(const void *buf, size_t size, const char *name,
			   struct trustack_elf **out, char *errbuf, size_t errlen);

void trustack_elf__close(struct trustack_elf *elf);

/*
 * ar archives (.a): the names of the regular members of the archive at path, in order (*n is 0
 * when path is not an archive). Free the list with trustack_archive__free(). Thin archives are
 * not supported yet (-TRUSTACK_E_UNSUPPORTED).
 */
int trustack_archive__members(const char *path, char ***names, size_t *n, char *errbuf, size_t errlen);
void trustack_archive__free(char **names, size_t n);

/* Open member number index (as listed by trustack_archive__members) of the archive at path. */
int trustack_elf__open_member(const char *path, size_t index, struct trustack_elf **out, char *errbuf,
			      size_t errlen);

/* Architecture name of the file: "x86-64" or "aarch64". */
const char *trustack_elf__arch(const struct trustack_elf *elf);

/* ---------------------------------------------------------------------------------------------
 * Warnings (SPEC 4.1). The names returned by trustack_warning_kind__name() are stable.
 */
enum trustack_warning_kind {
	TRUSTACK_W_CALL_WITHOUT_FRAME,
	TRUSTACK_W_FP_CLOBBERED,
	TRUSTACK_W_FP_SCRATCH,
	TRUSTACK_W_RETURN_MODIFIED_FRAME,
	TRUSTACK_W_SIBLING_CALL_MODIFIED_FRAME,
	TRUSTACK_W_STACK_MISMATCH,
	TRUSTACK_W_FALLS_THROUGH,
	TRUSTACK_W_UNREACHABLE,
	TRUSTACK_W_UNDEFINED_STACK,
	TRUSTACK_W_UNSUPPORTED_STACK_OP,
	TRUSTACK_W_UNSUPPORTED_REALIGN,
	TRUSTACK_W_UNRESOLVED_INDIRECT_JUMP,
	TRUSTACK_W_DECODE_ERROR,
	TRUSTACK_W_LR_CLOBBERED,
	TRUSTACK_W_PAC_MISMATCH,
	TRUSTACK_W__COUNT
};

/* Stable kebab-case name of a warning kind ("call-without-frame", ...). */
const char *trustack_warning_kind__name(enum trustack_warning_kind kind);

/* True for the kinds that only --rules=fp reports. */
bool trustack_warning_kind__is_fp_rule(enum trustack_warning_kind kind);

struct trustack_warning {
	enum trustack_warning_kind kind;
	const char *function;   /* containing function symbol, or NULL */
	uint64_t func_address;  /* its address (section offset for relocatable objects) */
	uint64_t offset;        /* offset of the instruction from the function start */
	uint64_t address;       /* virtual address; section offset for relocatable objects */
	const char *section;    /* section holding the instruction */
	const char *message;    /* human-readable, without the kind */
};

/* ---------------------------------------------------------------------------------------------
 * Unwind rows: the analysis result at one instruction.
 * Registers are DWARF register numbers of the file's architecture.
 */
enum trustack_cfa_kind {
	TRUSTACK_CFA_UNDEFINED = 0, /* no known way to find the caller's frame */
	TRUSTACK_CFA_REG,           /* CFA = reg + offset */
	TRUSTACK_CFA_DEREF,         /* CFA = *(reg + offset)  (DRAP after the pointer is spilled) */
};

enum trustack_loc_kind {
	TRUSTACK_LOC_UNDEFINED = 0, /* caller's value lost */
	TRUSTACK_LOC_SAME,          /* still in its own register */
	TRUSTACK_LOC_AT_CFA,        /* saved at CFA + offset */
	TRUSTACK_LOC_AT_REG,        /* saved at reg + offset (realigned frames) */
	TRUSTACK_LOC_IN_REG,        /* copied to register reg */
};

struct trustack_loc {
	uint8_t kind;   /* enum trustack_loc_kind */
	uint8_t reg;
	int32_t offset;
};

struct trustack_row {
	uint8_t cfa_kind; /* enum trustack_cfa_kind */
	uint8_t cfa_reg;
	int32_t cfa_offset;
	struct trustack_loc ra; /* the return address */
	struct trustack_loc fp; /* the caller's frame pointer */
};

/* ---------------------------------------------------------------------------------------------
 * The check.
 */
enum trustack_rules {
	TRUSTACK_RULES_STACK = 0, /* state computable everywhere, balanced returns, consistent merges */
	TRUSTACK_RULES_FP = 1,    /* also the frame-pointer rules */
};

struct trustack_check_opts {
	size_t sz;                 /* sizeof(struct trustack_check_opts), for extension */
	enum trustack_rules rules;
	unsigned threads;          /* worker threads; 0 or 1 = analyse on the calling thread */
};

struct trustack_check_stats {
	uint64_t functions;     /* functions analysed */
	uint64_t instructions;  /* instructions decoded inside functions */
	uint64_t visited;       /* instructions reached with a known state */
	uint64_t warnings;
};

/* Called for each warning, from the calling thread, in address order per function. */
typedef void (*trustack_warning_fn)(const struct trustack_warning *w, void *ctx);

/*
 * Analyse every function of elf and report every violation. Returns 0 when the analysis ran
 * (warnings or not) or a negative TRUSTACK_E_* code. stats may be NULL.
 */
int trustack_check(struct trustack_elf *elf, const struct trustack_check_opts *opts,
		   trustack_warning_fn on_warning, void *ctx, struct trustack_check_stats *stats);

/* ---------------------------------------------------------------------------------------------
 * Annotate: the state at every instruction of chosen functions.
 */
struct trustack_insn_info {
	const char *function;
	uint64_t address;       /* as in trustack_warning */
	uint64_t offset;        /* from the function start */
	const uint8_t *bytes;
	unsigned length;
	const char *text;       /* disassembly (AT&T syntax on x86-64) */
	bool visited;           /* reached by the analysis */
	struct trustack_row row; /* meaningful when visited */
	const char *state;      /* the row rendered as text, e.g. "cfa=rsp+16 ra=cfa-8 fp=cfa-16" */
};

typedef void (*trustack_insn_fn)(const struct trustack_insn_info *insn, void *ctx);

/*
 * Analyse the named functions (all when nfuncs == 0) and call on_insn for each instruction in
 * address order, on_warning for each warning (before the instructions of its function).
 * Returns -TRUSTACK_E_NOTFOUND if a named function does not exist.
 */
int trustack_annotate(struct trustack_elf *elf, const struct trustack_check_opts *opts,
		      const char *const *funcs, size_t nfuncs, trustack_insn_fn on_insn,
		      trustack_warning_fn on_warning, void *ctx);

/* Render a row as text into buf (at least 96 bytes recommended); returns buf. */
char *trustack_row__format(const struct trustack_elf *elf, const struct trustack_row *row,
			   char *buf, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Unwind tables written from the analysis: what a format cannot express is reported through a
 * trustack_problem_fn, never dropped silently.
 */
struct trustack_table_problem {
	const char *function;   /* containing function, or NULL */
	uint64_t func_address;  /* as in trustack_warning */
	uint64_t offset;        /* of the first instruction concerned, from the function start */
	uint64_t address;       /* as in trustack_warning */
	const char *section;
	uint64_t length;        /* bytes of code the problem covers */
	const char *message;    /* what could not be expressed, and what the table says instead */
};

/* Called for each problem, from the calling thread, in address order. */
typedef void (*trustack_problem_fn)(const struct trustack_table_problem *p, void *ctx);

/* ---------------------------------------------------------------------------------------------
 * ORC tables (the kernel's format), written from the analysis.
 */

/* (ORC API: lib/tables/orc*.c) */

/* ---------------------------------------------------------------------------------------------
 * SFrame tables (binutils' format), written from the analysis and read back.
 */

/* (SFrame API: lib/tables/sframe*.c; what each version holds: docs/sframe.md) */
struct trustack_sframe_opts {
	size_t sz;                 /* sizeof(struct trustack_sframe_opts), for extension */
	enum trustack_rules rules; /* the analysis' rules (the rows are the same; fp adds checks) */
	unsigned threads;          /* analysis threads; 0 or 1 = the calling thread */
	unsigned version;          /* SFrame version 1, 2 or 3; 0 = 2 */
};

struct trustack_sframe_stats {
	uint64_t fdes;      /* FDEs written */
	uint64_t fres;      /* FREs written */
	uint64_t bytes;     /* size of the .sframe section */
	uint64_t problems;  /* reports through the problem callback */
};

/*
 * Analyse elf and write a copy of it to out_path with a new `.sframe` section: for relocatable
 * objects an allocated one (SHT_PROGBITS, like gas) whose function start fields carry
 * R_X86_64_PC32 (v1, v2) or R_X86_64_PC64 (v3) relocations; for linked files a non-allocated
 * one with sh_addr 0, so start fields are the functions' virtual addresses. Code the version
 * cannot describe is reported through on_problem (may be NULL) and left without an FDE.
 * Returns 0 (problems or not) or a negative TRUSTACK_E_* with a message in errbuf;
 * -TRUSTACK_E_UNSUPPORTED for files other than x86-64 or that already have a `.sframe`.
 * The input file is never modified. stats may be NULL.
 */
int trustack_sframe__write(struct trustack_elf *elf, const struct trustack_sframe_opts *opts,
			   const char *out_path, trustack_problem_fn on_problem, void *ctx,
			   struct trustack_sframe_stats *stats, char *errbuf, size_t errlen);

/*
 * The same table as the bytes of a `.sframe` section at address 0 (start fields are virtual
 * addresses), in a malloc'd buffer *buf of *size bytes the caller frees. Linked files only
 * (an object's table needs the relocations only __write adds: -TRUSTACK_E_UNSUPPORTED).
 */
int trustack_sframe__encode(struct trustack_elf *elf, const struct trustack_sframe_opts *opts,
			    trustack_problem_fn on_problem, void *ctx, struct trustack_sframe_stats *stats,
			    void **buf, size_t *size, char *errbuf, size_t errlen);

/* ---------------------------------------------------------------------------------------------
 * diff: the analysis against the file's own unwind information.
 */

/* (diff API: lib/tables/diff*.c) */

#ifdef __cplusplus
}
#endif
#endif /* TRUSTACK_H */
