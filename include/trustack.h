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
 *  - there is no global mutable state: everything hangs off the objects you pass in;
 *  - structs the caller fills in (trustack_*_opts, struct trustack_unwind_start, struct
 *    trustack_module_desc) start with `size_t sz`, which must be set to sizeof() the struct.
 *    One rule for all of them (as libbpf's OPTS_VALID): a smaller sz (a program built against
 *    an older header) is accepted and the fields it lacks take their defaults (zero); a larger
 *    sz (a newer header) is accepted when every byte this library does not know is zero; any
 *    other sz, including 0, is rejected with -TRUSTACK_E_ARG. Where a function takes NULL for
 *    the struct, all fields take their defaults. Zero the whole struct, padding included,
 *    before setting fields (TRUSTACK_OPTS does): a newer library may read what is padding in
 *    your header as a field.
 */
#ifndef TRUSTACK_H
#define TRUSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRUSTACK_VERSION "0.1.0"

/* Declare NAME as a struct TYPE (an options struct, see the conventions above) zeroed whole,
 * with sz set and the fields given: TRUSTACK_OPTS(trustack_check_opts, o, .rules = ...); */
#define TRUSTACK_OPTS(TYPE, NAME, ...)                                                              \
	struct TYPE NAME;                                                                           \
	memset(&NAME, 0, sizeof(NAME));                                                             \
	NAME = (struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ }

/*
 * The library is built with -fvisibility=hidden and a version script (lib/libtrustack.map):
 * only what this header declares with TRUSTACK_API is exported from libtrustack.so, under the
 * version node TRUSTACK_0.1. Everything else (the internal ts_* functions) stays inside.
 */
#if defined(__GNUC__) || defined(__clang__)
#define TRUSTACK_API __attribute__((visibility("default")))
#else
#define TRUSTACK_API
#endif

/* Error codes (returned negated). */
enum trustack_error {
	TRUSTACK_OK = 0,
	TRUSTACK_E_IO = 1,          /* the file could not be read */
	TRUSTACK_E_FORMAT = 2,      /* not an ELF file, or a malformed/truncated one */
	TRUSTACK_E_UNSUPPORTED = 3, /* a valid ELF of a kind we do not handle (machine, class) */
	TRUSTACK_E_NOMEM = 4,
	TRUSTACK_E_ARG = 5,         /* invalid argument */
	TRUSTACK_E_NOTFOUND = 6,    /* a named function does not exist */
	TRUSTACK_E_NOPROC = 7,      /* no such process (or it exited while we looked at it) */
	TRUSTACK_E_PERM = 8,        /* not allowed to trace the process (ptrace_scope, capabilities,
				     * another tracer already attached) */
	TRUSTACK_E_ZOMBIE = 9,      /* the process is a zombie: it has exited, nothing to inspect */
	TRUSTACK_E_INTR = 10,       /* interrupted by a signal to us (SIGINT/SIGTERM/SIGHUP); the
				     * target was resumed first */
	TRUSTACK_E_SYS = 11,        /* an unexpected system call failure (errno in the message) */
};

/* Text for a TRUSTACK_E_* code (positive or negative). */
TRUSTACK_API const char *trustack_strerror(int err);

/* ---------------------------------------------------------------------------------------------
 * ELF input
 */
struct trustack_elf;

/*
 * Open an ELF file read-only. The file is never modified. On failure returns a negative
 * TRUSTACK_E_* code and, if errbuf is not NULL, a one-line reason in errbuf.
 */
TRUSTACK_API int trustack_elf__open(const char *path, struct trustack_elf **out, char *errbuf, size_t errlen);

/* Same, from a buffer the caller keeps alive until __close(); name is used in messages. DWARF
 * is not read from memory images (DW_AT_noreturn then does not inform the analysis), so results
 * can differ from opening the same file by path. */
TRUSTACK_API int trustack_elf__open_mem(const void *buf, size_t size, const char *name,
			   struct trustack_elf **out, char *errbuf, size_t errlen);

TRUSTACK_API void trustack_elf__close(struct trustack_elf *elf);

/*
 * ar archives (.a): the names of the regular members of the archive at path, in order (*n is 0
 * when path is not an archive). Free the list with trustack_archive__free(). Thin archives are
 * not supported yet (-TRUSTACK_E_UNSUPPORTED).
 */
TRUSTACK_API int trustack_archive__members(const char *path, char ***names, size_t *n, char *errbuf, size_t errlen);
TRUSTACK_API void trustack_archive__free(char **names, size_t n);

/* Open member number index (as listed by trustack_archive__members) of the archive at path. */
TRUSTACK_API int trustack_elf__open_member(const char *path, size_t index, struct trustack_elf **out, char *errbuf,
			      size_t errlen);

/*
 * Output files. Every file trustack writes replaces its destination atomically (a temporary file
 * in the same directory, renamed over it). A destination that is a symbolic link has the file it
 * points to replaced (the link stays); one that exists and is not a regular file (a device, FIFO,
 * directory or socket) is refused, and so is the input file itself, by any name
 * (-TRUSTACK_E_ARG). __check makes only those checks, to fail before long work; input may be
 * NULL. __write makes the destination hold the size bytes of buf, with mode 0644.
 */
TRUSTACK_API int trustack_output__check(const char *out_path, struct trustack_elf *input, char *errbuf, size_t errlen);
TRUSTACK_API int trustack_output__write(const char *out_path, const void *buf, size_t size, struct trustack_elf *input,
			   char *errbuf, size_t errlen);

/* Architecture name of the file: "x86-64" (today the only machine trustack_elf__open() accepts;
 * other machines fail with -TRUSTACK_E_UNSUPPORTED). */
TRUSTACK_API const char *trustack_elf__arch(const struct trustack_elf *elf);

/* ---------------------------------------------------------------------------------------------
 * Warnings: what each kind means is in docs/warnings.md. The names returned by
 * trustack_warning_kind__name() are stable; new kinds are added at the end.
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
	/* arm64 (machines whose calls leave the return address in a link register) */
	TRUSTACK_W_LR_CLOBBERED,
	TRUSTACK_W_RA_SIGN_MISMATCH, /* the return address's PAC signing state (issue 14) */
	/* s390x, only with --rules=backchain */
	TRUSTACK_W_BACKCHAIN_MISSING,
	TRUSTACK_W_BACKCHAIN_CLOBBERED,
	TRUSTACK_W_MISSING_LANDING_PAD, /* BTI: an indirect-branch target without a landing pad */
	TRUSTACK_W__COUNT
};

/* Stable kebab-case name of a warning kind ("call-without-frame", ...). */
TRUSTACK_API const char *trustack_warning_kind__name(enum trustack_warning_kind kind);

/* True for the kinds that only --rules=fp reports. */
TRUSTACK_API bool trustack_warning_kind__is_fp_rule(enum trustack_warning_kind kind);

/* True for the kinds that only --rules=backchain reports (s390x). */
TRUSTACK_API bool trustack_warning_kind__is_backchain_rule(enum trustack_warning_kind kind);

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
	TRUSTACK_CFA_REG_VG,        /* CFA = reg + offset + cfa_vg * VG: arm64 frames with SVE areas
				     * (addvl), VG being the vector length in 8-byte granules (DWARF
				     * register 46); no table format trustack writes expresses it */
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

/* Whether the return address is signed by pointer authentication (arm64 PAC) where a row holds:
 * an unwinder must strip the signature (xpaci) before it uses the value as an address. */
enum trustack_ra_sign {
	TRUSTACK_RA_PLAIN = 0,    /* not signed (every machine without PAC) */
	TRUSTACK_RA_SIGNED_A,     /* signed with instruction key A (paciasp) */
	TRUSTACK_RA_SIGNED_B,     /* signed with instruction key B (pacibsp) */
};

struct trustack_row {
	uint8_t cfa_kind; /* enum trustack_cfa_kind */
	uint8_t cfa_reg;
	int16_t cfa_vg;   /* TRUSTACK_CFA_REG_VG: the multiple of VG; 0 otherwise */
	int32_t cfa_offset;
	struct trustack_loc ra; /* the return address */
	struct trustack_loc fp; /* the caller's frame pointer */
	uint8_t ra_sign;  /* enum trustack_ra_sign */
};

/* ---------------------------------------------------------------------------------------------
 * The check.
 */
enum trustack_rules {
	TRUSTACK_RULES_STACK = 0, /* state computable everywhere, balanced returns, consistent merges */
	TRUSTACK_RULES_FP = 1,    /* also the frame-pointer rules */
	TRUSTACK_RULES_BACKCHAIN = 2, /* also the back-chain rules (machines with one: s390x
				       * -mbackchain; elsewhere the stack rules alone) */
};

struct trustack_check_opts {
	size_t sz;                 /* sizeof(struct trustack_check_opts), for extension */
	enum trustack_rules rules;
	unsigned threads;          /* worker threads; 0 or 1 = analyse on the calling thread */
	bool annotate_saves;       /* trustack_annotate: the state text also says where the caller's
				    * other callee-saved registers are (" %r6=cfa-112", "=lost"; not
				    * named: unchanged), as the unwinder's sidecar does; check ignores it */
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
TRUSTACK_API int trustack_check(struct trustack_elf *elf, const struct trustack_check_opts *opts,
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
TRUSTACK_API int trustack_annotate(struct trustack_elf *elf, const struct trustack_check_opts *opts,
		      const char *const *funcs, size_t nfuncs, trustack_insn_fn on_insn,
		      trustack_warning_fn on_warning, void *ctx);

/* Render a row as text into buf (at least 96 bytes recommended); returns buf. */
TRUSTACK_API char *trustack_row__format(const struct trustack_elf *elf, const struct trustack_row *row,
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

/* Entry layouts of struct orc_entry (6 bytes: s16 sp_offset, s16 bp_offset, sp_reg:4, bp_reg:4, then
 * the type bits). */
enum trustack_orc_layout {
	TRUSTACK_ORC_LAYOUT_CURRENT = 0, /* Linux 6.4+: type:3 signal:1 (the default) */
	TRUSTACK_ORC_LAYOUT_6_1 = 1,     /* Linux <= 6.2: type:2 end:1 (Debian's objtool 6.1 reads it) */
	TRUSTACK_ORC_LAYOUT_AUTO = 2,    /* reading only: detect from the entries (docs/orc.md) */
};

/* ORC base registers (ORC_REG_*). */
enum trustack_orc_reg {
	TRUSTACK_ORC_REG_UNDEFINED = 0, /* sp: no information; bp: unchanged in this frame */
	TRUSTACK_ORC_REG_PREV_SP = 1,   /* the CFA (bp only) */
	TRUSTACK_ORC_REG_DX = 2,
	TRUSTACK_ORC_REG_DI = 3,
	TRUSTACK_ORC_REG_BP = 4,
	TRUSTACK_ORC_REG_SP = 5,
	TRUSTACK_ORC_REG_R10 = 6,
	TRUSTACK_ORC_REG_R13 = 7,
	TRUSTACK_ORC_REG_BP_INDIRECT = 8, /* CFA = *(bp + offset) */
	TRUSTACK_ORC_REG_SP_INDIRECT = 9, /* CFA = *(sp) + offset */
};

/* ORC entry types, current numbering (the 6.1 layout's are translated on reading). */
enum trustack_orc_type {
	TRUSTACK_ORC_TYPE_UNDEFINED = 0,    /* no information: an unwind through here is unreliable */
	TRUSTACK_ORC_TYPE_END_OF_STACK = 1, /* the outermost frame (_start) */
	TRUSTACK_ORC_TYPE_CALL = 2,         /* a normal frame: return address at CFA - 8 */
	TRUSTACK_ORC_TYPE_REGS = 3,
	TRUSTACK_ORC_TYPE_REGS_PARTIAL = 4,
};

struct trustack_orc_opts {
	size_t sz;                         /* sizeof(struct trustack_orc_opts), for extension */
	enum trustack_rules rules;         /* for the analysis, as in trustack_check_opts */
	unsigned threads;                  /* worker threads; 0 or 1 = the calling thread */
	enum trustack_orc_layout layout;   /* CURRENT or 6_1 */
};

struct trustack_orc_stats {
	uint64_t entries;    /* ORC entries written (section terminators included) */
	uint64_t functions;  /* functions covered */
	uint64_t problems;   /* problems reported (ranges written as UNDEFINED instead) */
	uint64_t bytes;      /* bytes of .orc_unwind + .orc_unwind_ip */
};

/*
 * Analyse every function of elf (x86-64) and write a copy of its file to out_path with
 * .orc_unwind and .orc_unwind_ip added. Relocatable objects get the sections as objtool makes
 * them (allocated, .orc_unwind_ip relocated against section symbols); linked files get them
 * non-allocated, with each .orc_unwind_ip slot relative to its own offset from address 0
 * (docs/orc.md). What ORC cannot express (a CFA register ORC has no name for, an offset beyond
 * 16 bits, a return address not at CFA-8...) is reported through on_problem and written as an
 * UNDEFINED entry, never truncated. A file that has .orc_unwind already is refused
 * (-TRUSTACK_E_ARG); archive members and memory images cannot be written. Returns 0 when the
 * copy was written (problems or not) or a negative TRUSTACK_E_* with a message in errbuf.
 * on_problem and stats may be NULL.
 */
TRUSTACK_API int trustack_orc__write(struct trustack_elf *elf, const struct trustack_orc_opts *opts, const char *out_path,
			trustack_problem_fn on_problem, void *ctx, struct trustack_orc_stats *stats, char *errbuf,
			size_t errlen);

/* One entry of an ORC table, read back from a file. */
struct trustack_orc_entry {
	uint64_t address;       /* where the entry starts to apply: VA, or section offset for objects */
	const char *section;    /* section holding address (or ending at it: a terminator), or NULL */
	int16_t sp_offset, bp_offset;
	uint8_t sp_reg, bp_reg; /* enum trustack_orc_reg */
	uint8_t type;           /* enum trustack_orc_type */
	uint8_t signal;         /* current layout: look up ip rather than ip-1 in the caller */
	uint8_t end;            /* 6.1 layout: the end bit as stored */
};

/*
 * Read the ORC tables of elf (.orc_unwind + .orc_unwind_ip, objects through their relocations,
 * linked files in both our non-allocated and the kernel's allocated form). The entries are
 * sorted by address (stable: a terminator stays before a real entry at the same address).
 * layout AUTO detects the layout, reported in *detected (may be NULL). Returns 0 (with *n = 0
 * when the file has no ORC) or a negative TRUSTACK_E_*. Free the array with free().
 */
TRUSTACK_API int trustack_orc__read(struct trustack_elf *elf, enum trustack_orc_layout layout, struct trustack_orc_entry **out,
		       size_t *n, enum trustack_orc_layout *detected, char *errbuf, size_t errlen);

/*
 * One entry as objtool --dump=orc prints it: ".text+1a: sp:sp+16 bp:prevsp-16 type:call end:0"
 * for the 6.1 layout, "... type:call signal:0" for the current one; linked files print the
 * address in hex instead of SECTION+OFFSET. Returns buf (at least 96 bytes recommended).
 */
TRUSTACK_API char *trustack_orc_entry__format(const struct trustack_elf *elf, const struct trustack_orc_entry *e,
				 enum trustack_orc_layout layout, char *buf, size_t len);

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
 * objects an allocated one (SHT_PROGBITS, like gas) whose function start fields carry the
 * machine's PC32 (v1, v2) or PC64 (v3) relocations; for linked files a non-allocated one with
 * sh_addr 0, so start fields are the functions' virtual addresses. The copy keeps the file's
 * byte order (s390x: big-endian). Code the version cannot describe is reported through
 * on_problem (may be NULL) and left without an FDE. Returns 0 (problems or not) or a negative
 * TRUSTACK_E_* with a message in errbuf; -TRUSTACK_E_UNSUPPORTED for files other than x86-64,
 * arm64 and s390x, for v1 of an s390x file (s390x SFrame starts with v2), or for files that
 * already have a `.sframe`.
 * The input file is never modified. stats may be NULL.
 */
TRUSTACK_API int trustack_sframe__write(struct trustack_elf *elf, const struct trustack_sframe_opts *opts,
			   const char *out_path, trustack_problem_fn on_problem, void *ctx,
			   struct trustack_sframe_stats *stats, char *errbuf, size_t errlen);

/*
 * The same table as the bytes of a `.sframe` section at address 0 (start fields are virtual
 * addresses), in a malloc'd buffer *buf of *size bytes the caller frees. Linked files only
 * (an object's table needs the relocations only __write adds: -TRUSTACK_E_UNSUPPORTED).
 */
TRUSTACK_API int trustack_sframe__encode(struct trustack_elf *elf, const struct trustack_sframe_opts *opts,
			    trustack_problem_fn on_problem, void *ctx, struct trustack_sframe_stats *stats,
			    void **buf, size_t *size, char *errbuf, size_t errlen);

/*
 * Print elf's .sframe section (any version) to f in the shape of `objdump --sframe`. Returns 0,
 * -TRUSTACK_E_NOTFOUND when the file has none, or another negative error (message in errbuf).
 */
TRUSTACK_API int trustack_sframe__dump(struct trustack_elf *elf, FILE *f, char *errbuf, size_t errlen);

/* ---------------------------------------------------------------------------------------------
 * Sidecar tables: the unwinder's table of a module, kept in a cache directory under the module's
 * build-id, so the analysis runs once per build of a library (format: docs/sidecar.md).
 * The cache directory is $TRUSTACK_CACHE_DIR, else $XDG_CACHE_HOME/trustack, else
 * $HOME/.cache/trustack; every cache_dir argument below may override it (NULL: the default).
 */
struct trustack_sidecar;

struct trustack_sidecar_info {
	uint16_t machine;          /* ELF e_machine */
	uint8_t build_id_len;      /* 0: the module had none */
	uint8_t build_id[32];
	uint64_t start, end;       /* addresses covered: [start, end) (link-time VAs) */
	uint64_t entries, rows;    /* address ranges, distinct rows */
	uint64_t reliable_bytes;   /* bytes of [start, end) with a usable rule */
	uint64_t unreliable_bytes; /* bytes with none (unreached code, lost state, gaps) */
	uint64_t outermost_bytes;  /* bytes marked as the outermost frame */
	uint64_t signal_bytes;     /* bytes of signal trampolines */
};

/* Analyse elf and build its table (threads as in trustack_check_opts). Linked files only. */
TRUSTACK_API int trustack_sidecar__build(struct trustack_elf *elf, unsigned threads, struct trustack_sidecar **out,
			    char *errbuf, size_t errlen);

/* Open a sidecar file (mapped, validated). */
TRUSTACK_API int trustack_sidecar__open(const char *path, struct trustack_sidecar **out, char *errbuf, size_t errlen);

/* Write sc to path atomically (parent directories are made). */
TRUSTACK_API int trustack_sidecar__save(const struct trustack_sidecar *sc, const char *path, char *errbuf, size_t errlen);

/* The cache path of elf's sidecar. -TRUSTACK_E_NOTFOUND when elf has no build-id. */
TRUSTACK_API int trustack_sidecar__path(struct trustack_elf *elf, const char *cache_dir, char *buf, size_t len);

/* Open elf's sidecar from the cache; -TRUSTACK_E_NOTFOUND when there is none (or the file found
 * belongs to another build: build-id or machine differ). path (may be NULL) receives its path. */
TRUSTACK_API int trustack_sidecar__find(struct trustack_elf *elf, const char *cache_dir, struct trustack_sidecar **out,
			   char *path, size_t pathlen, char *errbuf, size_t errlen);

/* The same by build-id alone (a module of a live process, whose file need not be opened):
 * machine 0 is not checked. */
TRUSTACK_API int trustack_sidecar__find_by_build_id(const uint8_t *build_id, size_t n, uint16_t machine, const char *cache_dir,
				       struct trustack_sidecar **out, char *path, size_t pathlen, char *errbuf,
				       size_t errlen);

/* Whether the cache holds a sidecar for build_id made by this trustack's analysis revision,
 * from its header and size alone (its entries are checked when it is loaded): 0, or
 * -TRUSTACK_E_NOTFOUND (-TRUSTACK_E_ARG without a cache directory). Cheap: for deciding whether a
 * module must be analysed before an unwinder is made. */
TRUSTACK_API int trustack_sidecar__cached(const uint8_t *build_id, size_t n, const char *cache_dir);

TRUSTACK_API void trustack_sidecar__info(const struct trustack_sidecar *sc, struct trustack_sidecar_info *info);

/* Print every entry ("0x1130..0x1134  cfa=rsp+8 ra=cfa-8 fp=same"), after a header line. */
TRUSTACK_API int trustack_sidecar__dump(const struct trustack_sidecar *sc, FILE *f);

TRUSTACK_API void trustack_sidecar__close(struct trustack_sidecar *sc);

/* ---------------------------------------------------------------------------------------------
 * diff: the analysis against the file's own unwind information.
 */

enum trustack_diff_table {
	TRUSTACK_DIFF_EH_FRAME = 1 << 0,    /* .eh_frame (the compiler's CFI, loaded) */
	TRUSTACK_DIFF_DEBUG_FRAME = 1 << 1, /* .debug_frame (the compiler's CFI, debug info) */
	TRUSTACK_DIFF_SFRAME = 1 << 2,      /* .sframe */
	TRUSTACK_DIFF_ORC = 1 << 3,         /* .orc_unwind + .orc_unwind_ip */
	TRUSTACK_DIFF__NTABLES = 4,
};

/* Why an instruction's rows differ (stable names: trustack_diff_class__name()). */
enum trustack_diff_class {
	TRUSTACK_DIFF_UNCLASSIFIED = 0,     /* a real disagreement no class explains */
	TRUSTACK_DIFF_TABLE_LACKS_FUNCTION, /* the table covers no instruction of the function */
	TRUSTACK_DIFF_TABLE_PARTIAL,        /* the table covers only part of the function */
	TRUSTACK_DIFF_ANALYSIS_UNREACHED,   /* code the analysis never reaches (and reports) */
	TRUSTACK_DIFF_ANALYSIS_UNDEFINED,   /* the analysis lost the state there (and reports it) */
	TRUSTACK_DIFF_OUTERMOST,            /* the table marks the last frame (RA undefined) */
	TRUSTACK_DIFF_EPILOGUE_FP_SLOT,     /* the table names a saved copy that the analysis proves
					     * still holds the value, but below the stack pointer (popped
					     * in an epilogue): imprecise compiler CFI */
	TRUSTACK_DIFF_BOTH_LOCATIONS_VALID, /* the caller's value is in two places (saved, and still in
					     * its register); the table names one, the analysis the other,
					     * and the analysis proves both hold it */
	TRUSTACK_DIFF_CFA_BASE_EQUAL,       /* CFA on two registers the code just proved equal (a
					     * stack-clash probe loop exits when rsp == r11) */
	TRUSTACK_DIFF_TABLE_MISSES_SP_ADJUST, /* an instruction moved the stack pointer and the table's
					     * SP-based CFA did not follow (the table is wrong) */
	TRUSTACK_DIFF_TABLE_STALE_FP_RULE,  /* the table still says "FP saved at [rbp+k]" after the
					     * epilogue restored rbp (gcc's DRAP epilogues; the table is
					     * wrong there) */
	TRUSTACK_DIFF_CONTEXT_SWITCH,       /* the table describes the context being switched to
					     * (setcontext family: CFA on the ucontext pointer) */
	TRUSTACK_DIFF_TABLE_OPAQUE,         /* the table's rule is an expression we do not compare */
	TRUSTACK_DIFF_SIGNAL_FRAME,         /* the table marks a signal frame */
	TRUSTACK_DIFF_TABLE_STALE_RA_SIGN,  /* the table is wrong: it says the return address is
					     * PAC-signed (arm64: DW_CFA_AARCH64_negate_ra_state, the
					     * SFrame mangled-RA bit) where every path has authenticated
					     * it or never signed it */
	TRUSTACK_DIFF_TABLE_MISSES_EPILOGUE,/* the table is wrong: it keeps the body's frame-pointer-
					     * based row after the epilogue restored the caller's frame
					     * pointer (clang 14 on arm64 emits no epilogue CFI) */
	TRUSTACK_DIFF_TABLE_MISSES_PLT_PUSH,/* the table is wrong: code a lazy PLT enters (ld.so's
					     * trampolines) takes the stack pointer after the PLT's push
					     * as its CFA; with the push counted, the rows agree (glibc's
					     * arm64 _dl_runtime_resolve, _dl_runtime_profile) */
	TRUSTACK_DIFF_TABLE_EARLY_CFA,      /* the table is wrong: it already gives the row of after
					     * the stack pointer's restore, which a later instruction of
					     * the same straight run does (gcc on s390x: r15 restored from
					     * an FPR, the CFA change put on the first of the lgdr's) */
	TRUSTACK_DIFF_OTHER_RETURN_COLUMN,  /* the table's return address is another register than
					     * the machine's link register (glibc's s390x __fentry__,
					     * called by `brasl %r0`): the rows describe different things */
	/* x86-64 table defects and equivalences, over issue 17's 62 libraries */
	TRUSTACK_DIFF_TABLE_MISSES_FP_SAVE, /* the table is wrong: it says the caller's frame pointer
					     * is still in its register ("same value") where the code
					     * saved it and uses the register as scratch (hand-written
					     * assembly without .cfi_offset) */
	TRUSTACK_DIFF_TABLE_MISSES_FP_CLOBBER, /* the table is wrong: it says the caller's frame
					     * pointer is still in its register where a helper with a
					     * private convention overwrote it without saving it (its
					     * caller did): the rule is "undefined" (libgcrypt, OpenSSL) */
	TRUSTACK_DIFF_TABLE_MOVES_FP_CFA,   /* the table is wrong: its CFA is on the frame pointer,
					     * unchanged since both agreed, and its offset moved anyway
					     * (CFI for pushes as if the CFA were on SP: glibc libmvec) */
	TRUSTACK_DIFF_TABLE_WRONG_AT_RETURN, /* the table is wrong: at a return, with the frame
					     * intact, its CFA is not SP + the entry offset (OpenSSL) */
	TRUSTACK_DIFF_TABLE_STALE_DRAP,     /* the table is wrong: in gcc's DRAP epilogue it names
					     * the DRAP register, while the code popped the saved DRAP
					     * value into another register (libgfortran) */
	TRUSTACK_DIFF_ANALYSIS_UNTRACKED_FRAME, /* the table's CFA is on FP, pointed at a frame record
					     * built in memory the analysis does not track (libffi's
					     * ffi_call_unix64); the analysis' SP rule is right too */
	TRUSTACK_DIFF_ANALYSIS_FOREIGN_FRAGMENT, /* the analysis is wrong: it entered a cold
					     * fragment whose own FDE starts with another CFA, from a
					     * function it does not belong to (an impossible switch
					     * default: libpython) */
	TRUSTACK_DIFF_TABLE_STALE_FP_SLOT,  /* the table is wrong on some path: it names a slot below
					     * SP for the caller's FP at a return that a path which never
					     * saved FP reaches too (clang's shrink-wrapped early exit) */
	TRUSTACK_DIFF__CLASSES
};

/* Stable kebab-case name of a class ("table-lacks-function", ...). */
TRUSTACK_API const char *trustack_diff_class__name(enum trustack_diff_class c);

/* True for the classes whose two rules, though written differently, recover the same state. */
TRUSTACK_API bool trustack_diff_class__is_equivalent(enum trustack_diff_class c);

/* Stable name of a table ("eh_frame", "debug_frame", "sframe", "orc"); t is one bit. */
TRUSTACK_API const char *trustack_diff_table__name(enum trustack_diff_table t);

struct trustack_diff_opts {
	size_t sz;                 /* sizeof(struct trustack_diff_opts) */
	enum trustack_rules rules;
	unsigned threads;
	unsigned tables;           /* TRUSTACK_DIFF_* bits to compare against; 0 = every one present */
};

/* A run of consecutive instructions of one function with the same disagreement. */
struct trustack_diff_mismatch {
	enum trustack_diff_table table;
	enum trustack_diff_class cls;
	const char *function;
	uint64_t func_address, offset, address; /* as in trustack_warning */
	const char *section;
	uint64_t instructions;     /* how many consecutive instructions */
	const char *analysis;      /* the analysis' row as text, "(not reached)" or "(none)" */
	const char *table_row;     /* the table's row as text, or "(none)" */
};

struct trustack_diff_counts {
	uint64_t compared;         /* instructions both describe: agree + equivalent + disagree */
	uint64_t agree;            /* the same rule */
	uint64_t equivalent;       /* rules of another form that recover the same caller state (the
				    * classes epilogue-fp-slot, both-locations-valid, cfa-base-equal) */
	uint64_t disagree;
	uint64_t only_analysis;    /* the analysis has a row, the table none */
	uint64_t only_table;       /* the table has a row, the analysis none */
	uint64_t classes[TRUSTACK_DIFF__CLASSES]; /* instructions per class (disagree + only_*) */
};

struct trustack_diff_stats {
	unsigned tables;           /* the TRUSTACK_DIFF_* tables found and compared */
	struct trustack_diff_counts table[TRUSTACK_DIFF__NTABLES]; /* indexed by bit number */
	struct trustack_diff_counts total;
};

typedef void (*trustack_mismatch_fn)(const struct trustack_diff_mismatch *m, void *ctx);

/*
 * Compare the analysis with the file's own unwind tables at every instruction of every
 * function. on_mismatch (may be NULL) is called from the calling thread, in address order per
 * table. Returns 0 when the comparison ran (mismatches or not), -TRUSTACK_E_NOTFOUND when the
 * file has none of the requested tables, or another negative error (message in errbuf).
 */
TRUSTACK_API int trustack_diff(struct trustack_elf *elf, const struct trustack_diff_opts *opts, trustack_mismatch_fn on_mismatch,
		  void *ctx, struct trustack_diff_stats *stats, char *errbuf, size_t errlen);

/* ---------------------------------------------------------------------------------------------
 * Process access (lib/proc/): a snapshot of a live process, and single-stepping a program with
 * the true chain of return addresses. Linux only; registers are numbered like DWARF (x86-64:
 * 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 rip).
 */
#define TRUSTACK_MAX_REGS 33

/* A thread's registers. */
struct trustack_regs {
	uint16_t machine;                /* ELF e_machine (62 = x86-64) */
	uint8_t nregs;                   /* entries of r[] that are valid: 0 .. nregs-1 */
	uint64_t pc, sp, fp;             /* the same values as in r[], for convenience */
	uint64_t r[TRUSTACK_MAX_REGS];   /* by DWARF number */
	uint64_t fs_base;                /* thread pointer (x86-64 fs base) */
};

/*
 * Read len bytes at addr of the target into buf. Returns 0 when every byte was read, or a
 * negative TRUSTACK_E_* (-TRUSTACK_E_IO: not mapped or not readable).
 */
typedef int (*trustack_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

struct trustack_proc;

/* What kind of mapping a module is. */
enum trustack_module_kind {
	TRUSTACK_MODULE_FILE = 0,   /* an ELF file mapped by the loader */
	TRUSTACK_MODULE_VDSO,       /* [vdso]: its ELF image is read from the target's memory */
	TRUSTACK_MODULE_UPROBES,    /* [uprobes]: the kernel's return trampoline page */
	TRUSTACK_MODULE_VSYSCALL,   /* [vsyscall]: the legacy fixed page */
	TRUSTACK_MODULE_ANON_EXEC,  /* anonymous executable memory (JIT code) */
	TRUSTACK_MODULE_OTHER_EXEC, /* an executable mapping of a file that is not ELF */
};

struct trustack_range {
	uint64_t start, end; /* [start, end) */
};

/* A module: the mappings of one file (or one special region) in the target. */
struct trustack_module {
	enum trustack_module_kind kind;
	const char *path;     /* file path as /proc/PID/maps shows it, "[vdso]"..., or "" (anonymous) */
	bool deleted;         /* the file was deleted or replaced after it was mapped */
	uint64_t start, end;  /* lowest and highest address mapped for it */
	uint64_t bias;        /* load bias: runtime address = link-time address (p_vaddr) + bias;
			       * 0 when unknown (not ELF, anonymous) */
	bool bias_known;
	size_t nexec;
	const struct trustack_range *exec; /* executable ranges, ascending */
	uint8_t build_id_len; /* 0 when none was found */
	uint8_t build_id[32];
	/* Core files (trustack_proc__open_core): the file read for this module's code, tables and
	 * names (found by build-id through --exe, the sysroot or the path the core names); NULL when
	 * none matched (problem says why) and for live processes (path, seen from the target) */
	const char *file;
	const char *problem;  /* cores: why no file could be used ("build-id mismatch: ..."), or NULL */
};

/* One thread of a snapshot. */
struct trustack_proc_thread {
	int tid;
	char comm[16];                   /* the thread's name (read after the threads resumed) */
	struct trustack_regs regs;       /* at the moment it was stopped */
	uint64_t stack_start;            /* the bytes copied: [stack_start, stack_start + stack_len) */
	size_t stack_len;
	const uint8_t *stack;            /* the copy */
	bool stack_truncated;            /* the stack mapping is longer than the copy limit */
	uint64_t stop_ns;                /* how long this thread was stopped (interrupt to detach) */
	int pending_signal;              /* a signal that was being delivered when it stopped
					  * (handed back at detach), 0 if none */
	bool group_stopped;              /* it was (and stays) stopped by SIGSTOP/SIGTSTP... */
};

/* A thread that was listed but could not be captured; not an error of the snapshot. */
struct trustack_proc_skipped {
	int tid;
	const char *reason;  /* "exited during the snapshot", "did not stop within the timeout"... */
};

enum trustack_proc_flags {
	/* Do not install the temporary SIGINT/SIGTERM/SIGHUP handlers that resume the target when
	 * we are interrupted (for callers that manage signals themselves). */
	TRUSTACK_PROC_NO_SIGNAL_GUARD = 1 << 0,
	/* Do not read build-ids and load biases (modules then only have their ranges). */
	TRUSTACK_PROC_NO_MODULE_INFO = 1 << 1,
	/* Stop one thread at a time: each is stopped only while its own registers and stack top
	 * are copied and resumed at once (a stop of tens of microseconds per thread rather than
	 * the whole snapshot); the next thread is asked to stop while the one before is copied,
	 * so at most two are stopped at once. The threads are then not captured at one moment:
	 * for a picture of where each thread is (`trustack stacks`), not for a check that needs
	 * them all at once. */
	TRUSTACK_PROC_ONE_AT_A_TIME = 1 << 2,
};

struct trustack_proc_opts {
	size_t sz;              /* sizeof(struct trustack_proc_opts), for extension */
	size_t stack_max;       /* bytes of stack copied per thread at most (from 128 bytes below sp
				 * up to the end of its mapping); 0 = 1 MiB */
	unsigned stop_timeout_ms; /* how long to wait for a thread to stop; 0 = 2000 */
	unsigned flags;         /* TRUSTACK_PROC_* */
};

struct trustack_proc_stats {
	uint64_t total_ns;      /* the whole call */
	uint64_t stopped_ns;    /* first interrupt to last detach: the window the process was stopped */
	uint64_t max_stop_ns;   /* the longest per-thread stop */
	uint64_t stack_bytes;   /* copied, over all threads */
	unsigned scans;         /* passes over /proc/PID/task until no new thread appeared */
};

/*
 * Take a snapshot of every thread of pid: attach with PTRACE_SEIZE, stop each with
 * PTRACE_INTERRUPT (rescanning /proc/PID/task until no new thread appears), read each thread's
 * registers and the top of its stack (one process_vm_readv per thread), and resume every thread
 * before anything slow (module information, thread names). The threads are stopped together, so
 * the registers and stacks are from one moment (TRUSTACK_PROC_ONE_AT_A_TIME: one after the
 * other, each stopped only for its own copy). The target is resumed on every path: errors, and
 * SIGINT/SIGTERM/SIGHUP delivered to us during the call (unless TRUSTACK_PROC_NO_SIGNAL_GUARD;
 * the signal then takes its previous action and the call returns -TRUSTACK_E_INTR). If we are
 * killed (SIGKILL), the kernel detaches and the target continues.
 * A signal that was arriving at a thread when it stopped is handed back to it; a process stopped
 * by job control stays stopped.
 * Errors: -TRUSTACK_E_NOPROC (no such process, or it exited during the snapshot),
 * -TRUSTACK_E_ZOMBIE, -TRUSTACK_E_PERM (the message says why: ptrace_scope, uid, a tracer already
 * attached), -TRUSTACK_E_INTR, -TRUSTACK_E_SYS, -TRUSTACK_E_NOMEM; a message in errbuf.
 * Threads that exit during the snapshot are skipped (trustack_proc__skipped), not an error.
 * opts and stats may be NULL.
 */
TRUSTACK_API int trustack_proc__snapshot(int pid, const struct trustack_proc_opts *opts, struct trustack_proc **out,
			    struct trustack_proc_stats *stats, char *errbuf, size_t errlen);

TRUSTACK_API void trustack_proc__close(struct trustack_proc *p);

TRUSTACK_API int trustack_proc__pid(const struct trustack_proc *p);

/* The captured threads (the thread group leader first when it was captured), in a stable order. */
TRUSTACK_API size_t trustack_proc__thread_count(const struct trustack_proc *p);
TRUSTACK_API const struct trustack_proc_thread *trustack_proc__thread(const struct trustack_proc *p, size_t i);

/* Threads that could not be captured, with the reason. */
TRUSTACK_API size_t trustack_proc__skipped_count(const struct trustack_proc *p);
TRUSTACK_API const struct trustack_proc_skipped *trustack_proc__skipped(const struct trustack_proc *p, size_t i);

/* The modules from /proc/PID/maps, ascending by start address. */
TRUSTACK_API size_t trustack_proc__module_count(const struct trustack_proc *p);
TRUSTACK_API const struct trustack_module *trustack_proc__module(const struct trustack_proc *p, size_t i);

/* The module with an executable range holding addr, or NULL. */
TRUSTACK_API const struct trustack_module *trustack_proc__module_at(const struct trustack_proc *p, uint64_t addr);

/*
 * Read the target's memory as it was at the snapshot where the copy has it (any thread's stack
 * copy), else from the live process (process_vm_readv, then /proc/PID/mem for pages that are
 * not readable, like execute-only code). Has the shape of trustack_read_fn with ctx = p.
 * Returns 0 or -TRUSTACK_E_IO.
 */
TRUSTACK_API int trustack_proc__read(void *p, uint64_t addr, void *buf, size_t len);

/*
 * A process object for a process the caller already traces and keeps stopped (no attach, no
 * thread copies): its modules (as in a snapshot) and live memory reads through
 * trustack_proc__read. For verify-unwind's tracer, which cannot attach a second time. Returns 0
 * or -TRUSTACK_E_NOPROC / -TRUSTACK_E_PERM / -TRUSTACK_E_NOMEM with a message in errbuf.
 */
TRUSTACK_API int trustack_proc__open_traced(int pid, struct trustack_proc **out, char *errbuf, size_t errlen);
/*
 * The same for an emulator's process (QEMU's user mode) that runs a program of ELF machine
 * `machine` at the program's own addresses (trustack_step_point.arch): its modules are the files
 * of that machine it mapped (QEMU keeps their code readable, not executable, on the host: every
 * readable mapping of them counts as code) and anonymous read-only memory (QEMU's signal
 * trampoline page); the emulator's own code, the host's libraries and vDSO are left out.
 */
TRUSTACK_API int trustack_proc__open_emulated(int pid, uint16_t machine, struct trustack_proc **out, char *errbuf,
					      size_t errlen);

/* Read up to len bytes at addr from the live process, stopping at the first unreadable page.
 * Returns the bytes read (>= 0) or -TRUSTACK_E_IO. */
TRUSTACK_API ssize_t trustack_proc__read_partial(const struct trustack_proc *p, uint64_t addr, void *buf, size_t len);

/*
 * Core files: the same process object over an ELF core (the kernel's, gdb's gcore, or either
 * compressed with zstd as systemd-coredump keeps them). Threads and registers come from
 * NT_PRSTATUS, the signal from NT_SIGINFO, mapped files from NT_FILE, the auxv from NT_AUXV,
 * memory from the PT_LOAD segments; memory the core did not dump (file-backed code) is read from
 * the module's file when its build-id is the one the core's own copy of the ELF header names.
 */
struct trustack_core_opts {
	size_t sz;            /* sizeof(struct trustack_core_opts) */
	const char *exe;      /* the program's file, when it is not at the path the core names */
	const char *sysroot;  /* look the files the core names up under this directory first */
	unsigned flags;       /* TRUSTACK_PROC_NO_MODULE_INFO: no build-ids, biases or files */
};

struct trustack_core_info {
	uint16_t machine;       /* ELF e_machine of the core */
	int pid;                /* the process (NT_PRPSINFO; else the first thread's id) */
	int crash_tid;          /* the thread whose registers come first: the one that dumped (the
				 * kernel: the thread the fatal signal hit; gcore: gdb's current one) */
	int signal;             /* the signal that caused the dump, 0 when none is recorded */
	int si_code;            /* its siginfo code (NT_SIGINFO), 0 when none */
	bool has_addr;          /* addr is the faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE) */
	uint64_t addr;
	char comm[16];          /* the process' name (NT_PRPSINFO pr_fname) */
	char args[81];          /* its command line, cut at 80 bytes (pr_psargs) */
	bool compressed;        /* the file was zstd-compressed */
	uint64_t missing_bytes; /* bytes of dumped memory beyond the end of the file (truncated) */
};

/*
 * Open the core file at path as a process object: every thread (the dumping thread first, then
 * by tid), the modules of its mappings, memory as the core holds it. The object answers every
 * trustack_proc__* call; trustack_proc__read reads the core (never a live process).
 * Cores keep no thread names: each thread's comm is the process' name.
 * Errors (message in errbuf): -TRUSTACK_E_NOTFOUND, -TRUSTACK_E_IO (unreadable), -TRUSTACK_E_FORMAT
 * (not an ELF core, truncated before any thread), -TRUSTACK_E_UNSUPPORTED (a machine whose
 * registers we do not read yet), -TRUSTACK_E_NOMEM, -TRUSTACK_E_ARG.
 */
TRUSTACK_API int trustack_proc__open_core(const char *path, const struct trustack_core_opts *opts,
					  struct trustack_proc **out, char *errbuf, size_t errlen);

/* What the core says about the process; NULL for a live process' snapshot. */
TRUSTACK_API const struct trustack_core_info *trustack_proc__core(const struct trustack_proc *p);

/* ---------------------------------------------------------------------------------------------
 * Symbols (lib/symbols/): function names, ranges and source lines of one module, by link-time
 * address (runtime address - load bias). Names come from .symtab, else the .symtab of the
 * separate debug file (build-id or .gnu_debuglink, same build-id only), else .dynsym plus the
 * names `trustack check` gives code no symbol covers ("fde@ADDR" per .eh_frame range,
 * "entry@ADDR" for the entry point); versioned names lose their "@VERSION"; PLT stubs are
 * named "NAME@plt" (".plt" for the lazy-binding entry). Names are printed as in the file (C++
 * names mangled). Source lines come from the file's DWARF, or from its separate debug file found
 * through the build-id (/usr/lib/debug/.build-id/xx/rest.debug) or .gnu_debuglink (libdwfl).
 * An object serves one thread at a time (the line lookup caches state).
 */
struct trustack_symbols;

struct trustack_symbol {
	const char *name;     /* valid until trustack_symbols__close() */
	uint64_t start;       /* link-time address of the function */
	uint64_t size;        /* bytes; for a symbol without a size: up to the next symbol or the end
			       * of its section */
	bool plt;             /* a PLT stub */
};

/* Read the symbols of the ELF file at path. -TRUSTACK_E_IO / -TRUSTACK_E_FORMAT with a message. */
TRUSTACK_API int trustack_symbols__open(const char *path, struct trustack_symbols **out, char *errbuf, size_t errlen);

/* Same, from an ELF image in memory (the vDSO read from a process); the bytes are copied. No
 * source lines for images. */
TRUSTACK_API int trustack_symbols__open_mem(const void *buf, size_t size, const char *name, struct trustack_symbols **out,
			       char *errbuf, size_t errlen);

/*
 * The symbols of the file at path whose build-id is build_id (n bytes), through the symbol cache:
 * <cache>/xx/rest.tss next to the sidecar (cache_dir as for sidecars, NULL: the default), a flat
 * file that is mapped and used in place. When it is absent, stale (another trustack revision) or
 * malformed, the file is read and the cache file rewritten atomically. Source lines found through
 * such an object are kept next to it (<build-id>.tsl) when it is closed, and answered from there
 * by later objects of the same build without opening the debug information. -TRUSTACK_E_NOTFOUND when
 * the file at path has another build-id (it changed since it was mapped); other errors as
 * trustack_symbols__open().
 */
TRUSTACK_API int trustack_symbols__open_cached(const char *path, const uint8_t *build_id, size_t n, const char *cache_dir,
				  struct trustack_symbols **out, char *errbuf, size_t errlen);

/* Whether s was read from the symbol cache (not from its ELF file). */
TRUSTACK_API bool trustack_symbols__cached(const struct trustack_symbols *s);

TRUSTACK_API void trustack_symbols__close(struct trustack_symbols *s);

/* The function holding link-time address addr: 0, or -TRUSTACK_E_NOTFOUND. For a return address
 * look up ra - 1 (a call at the very end of a function returns past it). */
TRUSTACK_API int trustack_symbols__lookup(struct trustack_symbols *s, uint64_t addr, struct trustack_symbol *sym);

/* Every function named name (aliases and same-named local functions give several); writes at
 * most max, returns how many there are. */
TRUSTACK_API size_t trustack_symbols__find(struct trustack_symbols *s, const char *name, struct trustack_symbol *out,
			      size_t max);

/* Source file and line of link-time address addr: 0, or -TRUSTACK_E_NOTFOUND when no debug
 * information covers it. *file is valid until the next call on s. */
TRUSTACK_API int trustack_symbols__source(struct trustack_symbols *s, uint64_t addr, const char **file, int *line);

/* ---------------------------------------------------------------------------------------------
 * Single-step ground truth: run a program under ptrace, step every instruction of every thread
 * and keep the true chain of return addresses from the calls, returns and signals executed.
 */

enum trustack_chain_kind {
	TRUSTACK_CHAIN_CALL = 0, /* ra was pushed by a call instruction */
	TRUSTACK_CHAIN_SIGNAL,   /* the kernel delivered a signal: ra is the handler's return address
				  * (the restorer, __restore_rt) and ipc the interrupted instruction */
};

/* One frame of the true chain, innermost first. */
struct trustack_chain_entry {
	uint64_t ra;      /* the return address stored at slot */
	uint64_t slot;    /* the stack address it was pushed to */
	uint64_t ipc;     /* TRUSTACK_CHAIN_SIGNAL: the pc the signal interrupted (where execution
			   * resumes after the handler); else 0. The entry stays until sigreturn:
			   * when the thread's sp is above slot, the handler has returned and ra is
			   * consumed (the thread runs the restorer), ipc is still ahead */
	uint8_t kind;     /* enum trustack_chain_kind */
};

/* The state handed to the step callback. Valid only during the call. */
struct trustack_step_point {
	int pid;                         /* the program's process id */
	int tid;                         /* the thread that just stepped */
	uint64_t step;                   /* steps over all threads so far (1-based) */
	const struct trustack_regs *regs;
	const struct trustack_chain_entry *chain; /* innermost first */
	size_t depth;
	trustack_read_fn read;           /* reads the stopped program's memory */
	void *read_ctx;
	uint64_t generation;             /* changes when a traced process executes a new program:
					  * modules known from before may be gone */
	/* A program of another machine, run under QEMU's user mode and stepped through its gdbstub
	 * (an arm64 program on x86-64): pid is then the emulator's process, whose /proc/PID/maps
	 * holds the program's modules at the program's addresses (checked) beside the emulator's
	 * own; arch names the program's machine as trustack_elf__arch() does, pac_mask is the
	 * PAC field of its code addresses (for trustack_unwinder_opts.pac_mask). NULL and 0 for a
	 * program run natively. */
	const char *arch;
	uint64_t pac_mask;
};

/* Called at every N-th step; return nonzero to stop tracing (the program is then killed). */
typedef int (*trustack_step_fn)(const struct trustack_step_point *pt, void *ctx);

struct trustack_trace_opts {
	size_t sz;               /* sizeof(struct trustack_trace_opts) */
	uint64_t every;          /* call on_step at every N-th step over all threads; 0 = 1 */
	uint64_t max_steps;      /* stop (kill the program) after this many steps; 0 = no limit */
	bool quiet;              /* the program's stdout/stderr go to /dev/null */
	/* under emulation: how long the emulator's gdbstub may stay silent when a reply is due
	 * (a step over a system call that blocks included) before the run ends with an error
	 * naming the emulator; 0 = 30000 */
	uint32_t stub_timeout_ms;
};

struct trustack_trace_stats {
	uint64_t steps;          /* instructions stepped, all threads */
	uint64_t points;         /* on_step calls */
	uint64_t calls, returns; /* call and return instructions executed */
	uint64_t signals;        /* signal frames entered */
	uint64_t threads;        /* threads seen (the main one included) */
	size_t max_depth;        /* deepest true chain seen */
	uint64_t depth_sum;      /* sum of the chain depths at the points (mean = depth_sum/points) */
	int exit_status;         /* the program's wait status (as from waitpid) */
	bool limited;            /* max_steps or the callback ended the run */
	uint64_t processes;      /* processes traced: the program and every one forked from it */
	uint64_t execs;          /* programs executed by them after the first */
};

/*
 * Run argv[0] (searched in PATH) with argv, single-stepping every instruction of every thread
 * of the program and of every process it forks (fork, vfork, clone) and every program they
 * execute, and call on_step at every opts->every-th step with the true chain (point.pid: the
 * thread's process). The run ends when the last of them has exited. Waits for any child
 * (waitpid(-1, __WALL)) meanwhile: the caller should have no other children. argv[0] is checked
 * first: an ELF file for this machine or a #! script (-TRUSTACK_E_UNSUPPORTED: another machine;
 * -TRUSTACK_E_FORMAT: neither, never handed to /bin/sh). A thread that signals interrupt before
 * it runs any code of its own, a thousand times in a row, ends the run (-TRUSTACK_E_UNSUPPORTED,
 * with what to change). Runs on x86-64 only (-TRUSTACK_E_UNSUPPORTED elsewhere). Returns 0 when the
 * program ran to its end (or was stopped by max_steps or the callback), or a negative
 * TRUSTACK_E_* with a message in errbuf (-TRUSTACK_E_NOTFOUND: the program could not be
 * executed). Stopped early, every traced process is killed; if we die, they are killed too
 * (PTRACE_O_EXITKILL).
 * A program of another machine whose emulator lib/arch knows (arm64: qemu-aarch64 and the cross
 * sysroot /usr/aarch64-linux-gnu) runs under QEMU's user mode and is stepped through QEMU's
 * gdbstub (point.arch set); its first thread only, forked children and exec'd programs run
 * untraced. The emulator or the sysroot missing: -TRUSTACK_E_UNSUPPORTED, with the packages
 * to install in the message. Every wait on the emulator is bounded (stub_timeout_ms:
 * -TRUSTACK_E_IO naming it); the emulator is killed and reaped on every path out. SIGINT,
 * SIGTERM and SIGHUP (those not ignored) are held for the calling thread during such a run:
 * one ends it, the emulator is killed and reaped, and the signal then takes its previous action
 * (the call returns -TRUSTACK_E_INTR if that action returns).
 * Limitations: stacks switched other than by signals (makecontext/swapcontext, coroutines)
 * are not followed.
 */
TRUSTACK_API int trustack_trace__run(char *const argv[], const struct trustack_trace_opts *opts, trustack_step_fn on_step,
			void *ctx, struct trustack_trace_stats *stats, char *errbuf, size_t errlen);

/* ---------------------------------------------------------------------------------------------
 * The reliable unwinder (docs/unwind.md).
 *
 * An unwinder is an address space: a set of modules (an ELF file mapped at a load bias, the
 * vDSO, anonymous executable memory, the [uprobes] page) each with its unwind tables prepared
 * up front, plus a way to read memory (a callback, or direct loads for the calling process).
 * trustack_unwind() walks from a register set and returns the frames and a verdict: reliable
 * (every frame the thread may return to, in order, ending at a known outermost frame), or
 * unreliable with a reason from enum trustack_unwind_verdict and the index of the frame where
 * reliability was lost. Stopping is never success by itself.
 *
 * trustack_unwind() allocates nothing, takes no lock and makes no system call of its own (memory
 * reads go through the callback, or are direct loads checked against the stack bounds and the
 * modules' ranges): with an unwinder made by trustack_unwinder__from_self() it may be called
 * from a signal handler. Building the unwinder (adding modules) is not async-signal-safe and
 * must be finished before the first trustack_unwind().
 */
struct trustack_unwinder;

/* How the walk finds each caller. */
enum trustack_unwind_mode {
	TRUSTACK_UNWIND_FP = 0,        /* plain frame-pointer chain, nothing checked but memory
					* bounds: "reliable" whenever the chain ends at a zero frame
					* pointer (the baseline that shows why validation matters) */
	TRUSTACK_UNWIND_FP_VALIDATED,  /* the frame-pointer chain, but every caller's row from the
					* analysis must show an intact frame at that pc, and the
					* innermost frame (and one interrupted by a signal) uses its row */
	TRUSTACK_UNWIND_ORC,           /* rows from the analysis (built, or a loaded sidecar) */
	TRUSTACK_UNWIND_SFRAME,        /* rows from the module's own .sframe section */
	TRUSTACK_UNWIND_AUTO,          /* per frame the best validated source: the analysis' row,
					* else an .sframe row where the module's .sframe is trusted */
	TRUSTACK_UNWIND__MODES
};

/*
 * On s390x, whose ABI has no frame-pointer chain, the frame chain of fp and fp-validated is the
 * back chain of -mbackchain (the caller's sp at 0(sp), the return address in the caller's
 * register save area): fp walks it as the kernel's unwind_bc.c does, fp-validated checks every
 * caller's link against its row (docs/unwind.md, "s390x").
 */

/* Stable name of a mode: "fp", "fp-validated", "orc", "sframe", "auto" (NULL if out of range).
 * trustack_unwind_mode__parse() also takes "backchain" and "backchain-validated" (fp and
 * fp-validated, for s390x). */
TRUSTACK_API const char *trustack_unwind_mode__name(enum trustack_unwind_mode mode);

/* Parse a mode name as printed by trustack_unwind_mode__name(); returns 0 or -TRUSTACK_E_ARG. */
TRUSTACK_API int trustack_unwind_mode__parse(const char *name, enum trustack_unwind_mode *mode);

/* The verdict of a trace. The numbers and names are stable. */
enum trustack_unwind_verdict {
	TRUSTACK_UNWIND_RELIABLE = 0,       /* complete and ended at a known outermost frame */
	TRUSTACK_UNWIND_UNKNOWN_CODE,       /* a pc in no module, or in anonymous executable memory */
	TRUSTACK_UNWIND_NO_TABLE_ROW,       /* the mode's table does not cover this pc */
	TRUSTACK_UNWIND_UNRELIABLE_ROW,     /* the table covers it but says "no trustworthy rule"
					     * (the analysis never reached the code or lost the state) */
	TRUSTACK_UNWIND_PROLOGUE_EPILOGUE,  /* fp modes: the frame pointer does not hold this frame at
					     * this pc (prologue, epilogue, or a function without one) */
	TRUSTACK_UNWIND_BAD_READ,           /* memory the walk needed could not be read */
	TRUSTACK_UNWIND_STACK_OUT_OF_BOUNDS,/* a stack address outside the thread's stack */
	TRUSTACK_UNWIND_SP_NOT_RISING,      /* a caller's stack pointer not above its callee's */
	TRUSTACK_UNWIND_RA_NOT_AFTER_CALL,  /* a return address not preceded by a call instruction */
	TRUSTACK_UNWIND_TRUNCATED,          /* the frame buffer was too small */
	TRUSTACK_UNWIND_SIGNAL_FRAME,       /* a signal frame whose saved context is unusable (a
					     * signal frame with a good context is unwound through and
					     * stays reliable) */
	TRUSTACK_UNWIND_NO_OUTERMOST,       /* the walk ended (zero return address, or an outermost
					     * row with the frame chain not ended) without reaching a
					     * known outermost frame */
	TRUSTACK_UNWIND_UPROBES,            /* a pc in the [uprobes] trampoline: a uretprobe replaced
					     * the real return address, which only the kernel knows */
	TRUSTACK_UNWIND_PLT,                /* a pc in a PLT stub the table has no row for */
	TRUSTACK_UNWIND_LOST_REGISTER,      /* the rule needs a register whose value is not known */
	TRUSTACK_UNWIND_NOT_RUN,            /* bad arguments: nothing was unwound */
	TRUSTACK_UNWIND__VERDICTS
};

/* Stable kebab-case name of a verdict ("reliable", "unknown-code", ...). */
TRUSTACK_API const char *trustack_unwind_verdict__name(enum trustack_unwind_verdict v);

/*
 * The registers an unwind starts from are a struct trustack_regs (above): pc, sp and fp are
 * always used; r[0 .. nregs) count as the thread's values. Where that is not the whole story
 * (registers captured in-process, where only the callee-saved ones survive a call; a thread's
 * own stack bounds), struct trustack_unwind_start says more.
 */
enum trustack_start_flag {
	TRUSTACK_START_PC_IS_RA = 1 << 0, /* pc is a return address (captured right after a call):
					   * its row is looked up at pc - 1, as for a caller */
	TRUSTACK_START_VALID_MASK = 1 << 1, /* valid says which r[] hold values (not nregs) */
};

struct trustack_unwind_start {
	size_t sz;                   /* sizeof(struct trustack_unwind_start) */
	uint32_t flags;              /* TRUSTACK_START_* */
	uint64_t valid;              /* with TRUSTACK_START_VALID_MASK: bit n = r[n] is valid */
	uint64_t stack_lo, stack_hi; /* the thread's stack [lo, hi); both 0: the unwinder's bounds */
};

/* Where a frame's rule came from. */
enum trustack_frame_source {
	TRUSTACK_SRC_NONE = 0,     /* the last frame: its caller was not (or could not be) found */
	TRUSTACK_SRC_FP,           /* the frame-pointer chain */
	TRUSTACK_SRC_ANALYSIS,     /* the analysis' row (built or sidecar) */
	TRUSTACK_SRC_SFRAME,       /* the module's .sframe */
	TRUSTACK_SRC_SIGNAL,       /* a signal frame: the interrupted registers on the stack */
	TRUSTACK_SRC_OUTERMOST,    /* the outermost frame: there is no caller */
};

enum trustack_frame_flag {
	TRUSTACK_FRAME_EXACT = 1 << 0,  /* pc is where the thread is or was interrupted, not a
					 * return address (frame 0, the frame after a signal frame) */
	TRUSTACK_FRAME_SIGNAL = 1 << 1, /* pc is a signal trampoline (__restore_rt) */
};

struct trustack_frame {
	uint64_t pc;
	uint64_t sp;       /* the frame's stack pointer */
	uint64_t cfa;      /* its canonical frame address (the caller's sp; s390x: the caller's
			    * sp + 160, DWARF's CFA there); 0 when not found */
	int32_t module;    /* index of the module holding pc (order of adding), -1 when none */
	uint8_t flags;     /* TRUSTACK_FRAME_* */
	uint8_t source;    /* enum trustack_frame_source: how this frame's caller was found */
};

struct trustack_unwind_result {
	size_t count;                          /* frames written */
	enum trustack_unwind_verdict verdict;
	size_t lost_at;                        /* unreliable: index of the frame whose caller could
						* not be trusted (== count when the buffer ran out) */
};

struct trustack_unwinder_opts {
	size_t sz;                  /* sizeof(struct trustack_unwinder_opts) */
	trustack_read_fn read_mem;  /* NULL with from_self(): direct loads. Called from
				     * trustack_unwind(): must be async-signal-safe where that is
				     * needed (trustack_proc__read is the remote face's) */
	void *ctx;                  /* for read_mem */
	uint64_t stack_lo, stack_hi; /* default stack bounds [lo, hi) (0, 0: none, every address
				     * the callback can read) */
	unsigned threads;           /* analysis threads while adding modules; 0 or 1 = calling thread */
	const char *cache_dir;      /* sidecar cache (NULL: the default directory) */
	bool no_cache;              /* neither read nor write sidecars */
	bool no_analysis;           /* tables only from sidecars and sections: modules without a
				     * sidecar get no analysis table (their frames are unreliable
				     * in fp-validated, orc and auto modes) */
	bool no_memo;               /* no memo of validated return addresses: every frame takes
				     * the full path (slower, the same frames and verdicts; for
				     * tests that compare the two) */
	uint64_t pac_mask;          /* the bits of a return address that may hold a pointer-
				     * authentication code (arm64 PAC: for another process, the
				     * kernel's NT_ARM_PAC_MASK insn_mask), cleared from every return
				     * address read, as xpaclri does. 0: none, except that from_self()
				     * then takes this process's own (the bits xpaclri clears here) */
};

/* A new, empty unwinder reading memory through opts->read_mem (required). Returns 0 or
 * -TRUSTACK_E_*. */
TRUSTACK_API int trustack_unwinder__new(const struct trustack_unwinder_opts *opts, struct trustack_unwinder **out);

struct trustack_module_desc {
	size_t sz;                /* sizeof(struct trustack_module_desc) */
	const char *name;         /* copied */
	enum trustack_module_kind kind; /* FILE and VDSO are ELF images with tables; a pc in
				   * UPROBES is a rewritten return address; ANON_EXEC, VSYSCALL and
				   * OTHER_EXEC are unknown code */
	uint64_t start, end;      /* its executable range in the target [start, end) */
	uint64_t bias;            /* runtime address = link-time address + bias */
	struct trustack_elf *elf; /* ELF modules: its file (or memory image); only used while
				   * adding: the analysis' table is built from it (unless a sidecar for
				   * its build-id is in the cache), its .sframe read */
	const char *sidecar;      /* a sidecar to load instead of analysing (NULL: by build-id) */
	const uint8_t *build_id;  /* when there is no elf: the build-id naming the cached sidecar */
	size_t build_id_len;
	bool sframe_trusted;      /* auto mode may use the .sframe where the analysis has no row
				   * (set it when `trustack diff` found the table true) */
};

/* Add a module; returns its index (>= 0) or -TRUSTACK_E_*, with a message in errbuf. Modules
 * must not overlap. Not async-signal-safe. */
TRUSTACK_API int trustack_unwinder__add_module(struct trustack_unwinder *u, const struct trustack_module_desc *d, char *errbuf,
				  size_t errlen);

/* Modules added so far, and a module's name and executable range (for symbolisation). */
TRUSTACK_API size_t trustack_unwinder__module_count(const struct trustack_unwinder *u);
TRUSTACK_API const char *trustack_unwinder__module_name(const struct trustack_unwinder *u, size_t i, uint64_t *start,
					   uint64_t *end, uint64_t *bias);

/* Replace how memory is read (e.g. a snapshot of a stack); read_mem NULL on an unwinder made by
 * from_self() returns to direct loads. Not while another thread unwinds with u. Returns 0 or
 * -TRUSTACK_E_ARG. */
TRUSTACK_API int trustack_unwinder__set_read_mem(struct trustack_unwinder *u, trustack_read_fn read_mem, void *ctx);

TRUSTACK_API void trustack_unwinder__free(struct trustack_unwinder *u);

/*
 * Unwind from regs in mode, writing at most max frames. Returns 0 (the verdict is in
 * result) or -TRUSTACK_E_ARG. Frame 0 is regs->pc. Async-signal-safe (see above).
 */
TRUSTACK_API int trustack_unwind(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, const struct trustack_regs *regs,
		    struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result);

/* The same, with what struct trustack_unwind_start adds (start may be NULL). */
TRUSTACK_API int trustack_unwind_ex(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
		       const struct trustack_regs *regs, const struct trustack_unwind_start *start,
		       struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result);

/*
 * The same walk writing only each frame's pc (pcs[0] = regs->pc, then the return addresses):
 * the form a sampling profiler keeps, and cheaper than frame records. Verdict, count and
 * lost_at are those trustack_unwind_ex() gives; start may be NULL. Async-signal-safe.
 */
TRUSTACK_API int trustack_unwind_pcs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
			const struct trustack_regs *regs, const struct trustack_unwind_start *start, uint64_t *pcs,
			size_t max, struct trustack_unwind_result *result);

/* ---- the remote face (a lib/proc snapshot) ---- */

/*
 * An unwinder for the process of snapshot p: every mapped module with its tables (the file
 * opened through /proc/PID/root first; the vDSO's image read from the target; a module without
 * readable tables, or without a known load bias, becomes unknown code), memory read with
 * trustack_proc__read (opts->read_mem, if set, replaces it). p must outlive the unwinder.
 * Returns 0 or -TRUSTACK_E_*, with a message in errbuf.
 */
TRUSTACK_API int trustack_unwinder__from_proc(struct trustack_proc *p, const struct trustack_unwinder_opts *opts,
				 struct trustack_unwinder **out, char *errbuf, size_t errlen);

/* Unwind thread number i of p (as trustack_proc__thread): its registers, its stack bounded by
 * the copy taken while it was stopped. Returns as trustack_unwind(). */
TRUSTACK_API int trustack_unwind_proc_thread(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
				const struct trustack_proc *p, size_t i, struct trustack_frame *frames, size_t max,
				struct trustack_unwind_result *result);

/* ---- the in-process face ---- */

/*
 * An unwinder for the calling process: every module loaded now (dl_iterate_phdr: the program,
 * its libraries, the vDSO read from memory) gets its tables up front; /proc/self/maps gives the
 * main thread's stack, the [uprobes] page and anonymous executable memory. Memory is read with
 * direct loads, checked against the stack bounds (opts->stack_lo/hi or a trace's own,
 * otherwise the main thread's stack) and the modules' ranges. opts may be NULL; its read_mem,
 * if set, replaces the direct loads (snapshots). Libraries loaded later are unknown code.
 */
TRUSTACK_API int trustack_unwinder__from_self(const struct trustack_unwinder_opts *opts, struct trustack_unwinder **out,
				 char *errbuf, size_t errlen);

/* The calling thread's stack bounds (pthread_getattr_np; the main thread: [stack] and
 * RLIMIT_STACK). Not async-signal-safe: call it when a thread starts, keep the result and pass
 * it to trustack_unwind_self() or in struct trustack_unwind_start. */
TRUSTACK_API int trustack_stack_bounds__self(uint64_t *lo, uint64_t *hi);

/* Fill regs from a ucontext_t (a signal handler's third argument): pc is the interrupted
 * instruction, every general register valid. */
TRUSTACK_API void trustack_regs__from_ucontext(struct trustack_regs *regs, const void *ucontext);

/*
 * Unwind the calling thread from the caller of this function: frame 0 is the return address
 * into the caller. The registers are captured without getcontext (async-signal-safe, usable
 * in a SIGPROF handler: a trace from a handler goes through the signal frame). lo/hi: the
 * thread's stack bounds (0, 0: the unwinder's). Returns as trustack_unwind().
 */
TRUSTACK_API int trustack_unwind_self(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
			 struct trustack_frame *frames, size_t max, struct trustack_unwind_result *result,
			 uint64_t lo, uint64_t hi);

/* trustack_unwind_self() writing only each frame's pc (as trustack_unwind_pcs()). */
TRUSTACK_API int trustack_unwind_self_pcs(const struct trustack_unwinder *u, enum trustack_unwind_mode mode, uint64_t *pcs,
			     size_t max, struct trustack_unwind_result *result, uint64_t lo, uint64_t hi);


/* ---------------------------------------------------------------------------------------------
 * perf.data (lib/perf/, docs/perf.md): the profiles `perf record` writes, read and unwound.
 *
 * A file is read in the order of its records' timestamps (as `perf script` shows them); the
 * records that describe the processes (PERF_RECORD_MMAP/MMAP2, COMM, FORK, EXIT) are applied as
 * they come, so each sample is unwound in its process' address space of that moment: the
 * mapped files are opened by the paths the records name (opts->root prepended), checked against
 * the build-ids the file recorded, and their tables taken from the sidecar cache (analysed and
 * saved when missing), as for a live process. Only little-endian files of the machine this
 * library runs on are read; pipe-mode files (perf record -o -) and compressed records
 * (perf record -z) are not.
 */
struct trustack_perf;

struct trustack_perf_opts {
	size_t sz;               /* sizeof(struct trustack_perf_opts) */
	const char *cache_dir;   /* sidecar cache (NULL: the default directory) */
	bool no_cache;           /* neither read nor write sidecars (analyse every module) */
	unsigned threads;        /* analysis threads for a module without a cached table */
	const char *root;        /* prefix of the paths in the mmap records (a copy of the recording
				  * machine's files); NULL: the paths as recorded */
};

struct trustack_perf_info {
	uint16_t machine;        /* ELF e_machine of the recording machine */
	char arch[32];           /* as the header names it ("x86_64"), "" when it does not */
	uint64_t sample_type;    /* PERF_SAMPLE_* bits of the first event */
	uint64_t regs_user;      /* its sample_regs_user mask */
	uint32_t stack_user;     /* its sample_stack_user: bytes of stack copied per sample */
	size_t nevents;          /* event attributes in the file */
	uint64_t data_size;      /* bytes of records */
};

struct trustack_perf_stats {
	uint64_t records;        /* records read */
	uint64_t samples;
	uint64_t mmaps, comms, forks, exits;
	uint64_t lost;           /* samples the kernel lost (PERF_RECORD_LOST) */
	uint64_t skipped;        /* records of known types not needed here (FINISHED_ROUND, ...) */
	uint64_t unknown;        /* records of types this reader does not know: skipped */
	uint64_t damaged;        /* records whose contents do not fit their size: skipped */
	uint64_t compressed;     /* PERF_RECORD_COMPRESSED (perf record -z): not read, skipped */
	uint64_t build_id_mismatch; /* mapped files whose build-id differs from the recorded one
				  * (their code counts as unknown) */
	uint64_t missing_files;  /* mapped files that could not be opened */
};

/* One sample; its pointers are valid until the next trustack_perf__next() or __close(). */
struct trustack_perf_sample {
	uint64_t time;           /* ns as recorded (0 without PERF_SAMPLE_TIME) */
	int pid, tid;
	uint32_t cpu;
	uint64_t period;
	uint64_t ip;
	uint8_t cpumode;         /* the record's PERF_RECORD_MISC_CPUMODE (1 kernel, 2 user, ...) */
	uint32_t event;          /* index of its event (trustack_perf__event_name) */
	const uint64_t *callchain; /* PERF_SAMPLE_CALLCHAIN as recorded (PERF_CONTEXT_* markers
				  * included), NULL without one */
	size_t nchain;
	bool has_regs;           /* PERF_SAMPLE_REGS_USER of a 64-bit user context: regs holds
				  * them by DWARF number */
	struct trustack_regs regs;
	uint64_t regs_valid;     /* bit n: regs.r[n] was recorded */
	const uint8_t *stack;    /* PERF_SAMPLE_STACK_USER: the bytes copied from regs.sp */
	size_t stack_size;       /* bytes the kernel could copy */
	size_t stack_requested;  /* the copy's room (sample_stack_user, less where the record had no
				  * room): a copy this long may have cut the stack; a shorter one
				  * reached the end of the stack mapping */
	uint64_t offset;         /* the record's offset in the file */
};

/* Open a perf.data file: header, events, feature sections (build-ids, machine), and the order
 * of its records. Returns 0 or -TRUSTACK_E_* with a message: -TRUSTACK_E_FORMAT (not perf.data,
 * truncated, damaged header), -TRUSTACK_E_UNSUPPORTED (pipe mode, another byte order, another
 * machine), -TRUSTACK_E_NOTFOUND / -TRUSTACK_E_IO. */
TRUSTACK_API int trustack_perf__open(const char *path, const struct trustack_perf_opts *opts, struct trustack_perf **out,
				     char *errbuf, size_t errlen);
TRUSTACK_API void trustack_perf__close(struct trustack_perf *p);
TRUSTACK_API void trustack_perf__info(const struct trustack_perf *p, struct trustack_perf_info *info);
/* The event's name ("cpu-clock"), from the file's event descriptions, or "event". */
TRUSTACK_API const char *trustack_perf__event_name(const struct trustack_perf *p, uint32_t event);

/*
 * The next sample, applying the records before it. Returns 1 (a sample in *s), 0 at the end of
 * the data, or -TRUSTACK_E_FORMAT when a record's header is damaged (the rest of the file cannot
 * be framed; the message gives its offset). Records of unknown types, and records whose
 * contents do not fit, are skipped and counted (trustack_perf__stats).
 */
TRUSTACK_API int trustack_perf__next(struct trustack_perf *p, struct trustack_perf_sample *s, char *errbuf,
				     size_t errlen);
TRUSTACK_API void trustack_perf__stats(const struct trustack_perf *p, struct trustack_perf_stats *stats);

/* The name of thread tid (its last PERF_RECORD_COMM), or NULL. */
TRUSTACK_API const char *trustack_perf__comm(const struct trustack_perf *p, int tid);

/* The executable mapping of process pid holding addr at the current point of the file, or
 * NULL: its path as recorded, range, load bias and build-id (exec: that range alone). */
TRUSTACK_API const struct trustack_module *trustack_perf__module_at(struct trustack_perf *p, int pid, uint64_t addr);

struct trustack_perf_unwind {
	struct trustack_unwind_result result;
	bool from_callchain;     /* the frames are the kernel's frame-pointer callchain, checked
				  * against the tables (not unwound from a stack copy) */
	bool stack_cut;          /* the walk needed stack beyond a copy cut at stack_requested */
	bool leaf_skips_caller;  /* callchain: frame 0 is where the frame pointer does not hold its
				  * frame (prologue, epilogue, no frame), so the kernel's walk skipped
				  * its caller */
};

/*
 * The user stack of sample s (the one trustack_perf__next just returned): with user registers
 * and a stack copy, unwound in mode from them; otherwise the user part of its callchain,
 * each frame checked as trustack_unwind_check_chain() does. Returns 0, or -TRUSTACK_E_NOTFOUND
 * when the sample has neither (a kernel thread, or a sample without call graph), -TRUSTACK_E_ARG,
 * -TRUSTACK_E_NOMEM (with a message).
 */
TRUSTACK_API int trustack_perf__unwind(struct trustack_perf *p, const struct trustack_perf_sample *s,
				       enum trustack_unwind_mode mode, struct trustack_frame *frames, size_t max,
				       struct trustack_perf_unwind *out, char *errbuf, size_t errlen);

/*
 * Judge a chain of return addresses someone else walked along saved frame pointers (the
 * kernel's PERF_SAMPLE_CALLCHAIN, a frame-pointer backtrace): pcs[0] is where the thread was,
 * the others return addresses. Frame 0 must be at a pc whose row shows an intact frame (else
 * the walk skipped its caller: TRUSTACK_UNWIND_PROLOGUE_EPILOGUE at frame 0), every return
 * address must follow a call and sit where the analysis shows an intact frame, and the last
 * frame must be a known outermost one. frames (max entries, may be NULL with max 0) gets the
 * pcs with their modules. Returns 0 or -TRUSTACK_E_ARG; the verdict is in result.
 */
TRUSTACK_API int trustack_unwind_check_chain(const struct trustack_unwinder *u, enum trustack_unwind_mode mode,
					     const uint64_t *pcs, size_t n, struct trustack_frame *frames, size_t max,
					     struct trustack_unwind_result *result);

#ifdef __cplusplus
}
#endif
#endif /* TRUSTACK_H */
