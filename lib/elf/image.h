/*
 * image.h - an ELF file as an address space the analysis can read.
 *
 * Linked files (executables, shared libraries) keep their virtual addresses. Relocatable
 * objects are "linked in memory": every allocated section gets a synthetic address, undefined
 * symbols get addresses in an extern region, GOT-relative references get slots in a synthetic
 * GOT, and relocations are applied to private copies of the section contents. After that, call
 * targets, jump tables and RIP-relative references look exactly as in a linked file, and one
 * code path serves both. The input file is opened read-only and never modified.
 */
#ifndef TS_IMAGE_H
#define TS_IMAGE_H

#include <gelf.h>
#include <libelf.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

struct ts_section {
	const char *name;
	uint64_t addr, size;
	uint64_t flags;       /* SHF_* */
	uint32_t type;        /* SHT_* */
	const uint8_t *data;  /* NULL for NOBITS */
	uint8_t *owned;       /* private relocated copy, if any */
	bool exec;
};

struct ts_symbol {
	const char *name;
	uint64_t addr, size;
	uint8_t type, bind;
	uint32_t sec;         /* index into img->secs */
};

enum ts_func_flag {
	TS_FUNC_FRAGMENT = 1 << 0, /* gcc .cold fragment: analysed as part of its parent(s) */
	TS_FUNC_FROM_FDE = 1 << 1, /* bounds from .eh_frame, no symbol */
	TS_FUNC_WEAK = 1 << 2,
	TS_FUNC_GLOBAL = 1 << 3,
	TS_FUNC_EH_CFI = 1 << 4,   /* a symbol's function an .eh_frame FDE also covers (in a Go
				    * program: code of the C compiler, not of Go's) */
	TS_FUNC_PRIVATE = 1 << 5,  /* a function split out of code without symbols or FDEs
				    * (ehframe.c split_glued) that only direct calls enter: no code or
				    * data of the file holds its address, nothing outside can name it.
				    * The psABI does not bind it; its callers' needs do (private_arch) */
	TS_FUNC_GLUED = 1 << 6,    /* split out of code without symbols or FDEs (split_glued): its
				    * end is only where the next start was found, and hand-written
				    * code shares blocks between entry points (x86inc's `jmp .main`
				    * into another entry's body): entered in its middle, it is code of
				    * the function that jumps there, as code known only from an FDE */
};

struct ts_func {
	const char *name;
	uint64_t addr, size;
	uint32_t sec;
	int32_t parent;       /* for fragments: index of the parent function, else -1 */
	int32_t first_part;   /* first fragment whose parent this is, or -1 */
	int32_t next_part;    /* next fragment of the same parent, or -1 */
	uint32_t flags;
};

/* A call-site record of a C++ LSDA: calls in [start, end) unwind to landing pad lp. */
struct ts_lsda_site {
	uint64_t start, end, lp;
};

/* DW_CFA_GNU_args_size: from addr on (to the next change), size bytes of arguments are pushed
 * at a call (sorted by addr; each FDE that says it ends with a change back to 0). */
struct ts_args_size {
	uint64_t addr, size;
};

/*
 * The machine state at the first instruction of an FDE fragment, taken from its CFI (fragments.c):
 * where no analysed function reaches the fragment (ld.so's lazy-binding trampolines, entered by
 * PLT0 with two words pushed), the analysis starts there from this state, as objtool starts from
 * an unwind hint, and checks every path on from it. Only plain states become hints. Functions
 * with symbols that a lazy PLT enters get one too (TS_HINT_PLT_ENTRY), and are analysed from it.
 */
#define TS_HINT_MAX_SAVED 12
enum ts_hint_flag {
	/* entered by a lazy PLT (ld.so's trampolines, by name: fragments.c), in the state the
	 * machine's PLT leaves (plt_entry_pushed): the registers it saved still hold their values */
	TS_HINT_PLT_ENTRY = 1 << 0,
};
struct ts_entry_hint {
	uint64_t addr;
	int32_t sp_off;   /* SP = CFA + sp_off (x86-64: -8 at a function's entry) */
	uint8_t flags;    /* enum ts_hint_flag */
	uint8_t nsaved;
	uint8_t saved_reg[TS_HINT_MAX_SAVED];   /* the caller's value of register saved_reg[k] ... */
	int32_t saved_off[TS_HINT_MAX_SAVED];   /* ... is at CFA + saved_off[k] */
	uint64_t lost;    /* callee-saved registers whose caller's value the CFI calls undefined */
};

struct ts_addr_name {
	uint64_t addr;
	const char *name;
};

#define TS_CLOBBER_DEPTHS 7 /* how many calls deep clobbers.c looks, plus one */

struct ts_image {
	const struct ts_arch *arch;
	/* A Go program (a .go.buildinfo, .gopclntab or .note.go.buildid section): its Go functions
	 * follow Go's internal ABI, in which no register but the stack and frame pointers survives
	 * a call (github.com/golang/go, src/cmd/compile/abi-internal.md). go_arch is arch with
	 * that convention; ts_image_func_arch says which a function follows. */
	bool go;
	struct ts_arch go_arch;
	/* The convention of a private function (TS_FUNC_PRIVATE: hand-written assembly's helpers,
	 * x86inc's `call .main`, which leave the saving of callee-saved registers, the frame
	 * pointer too, to the outer function): no register but the stack pointer and the return
	 * address is kept for the caller. What it changes, its callers see changed by the call
	 * (clobbers.c), and they are judged by what they rely on: a psABI function that has not
	 * saved the frame pointer itself returns with it changed and is reported. */
	struct ts_arch private_arch;
	struct ts_decoder *dec;
	char *path;
	int fd;
	Elf *ar;                   /* the archive, when this image is one of its members */
	Elf *elf;
	GElf_Ehdr ehdr;
	bool rel;             /* ET_REL: addresses are synthetic, report section offsets */
	bool big_endian;      /* ELFDATA2MSB: multi-byte values in sections are big-endian */

	struct ts_section *secs;   /* indexed by ELF section index */
	size_t nsecs;
	uint32_t *by_addr;         /* allocated sections with data, sorted by address */
	size_t nby_addr;

	struct ts_symbol *syms;    /* defined symbols, sorted by address */
	size_t nsyms;

	struct ts_func *funcs;     /* sorted by address, non-overlapping starts */
	size_t nfuncs;
	uint32_t *funcs_by_name;   /* indices sorted by name */

	struct ts_addr_name *ext;  /* names of addresses outside the file: PLT stubs, extern */
	size_t next, capext;       /* symbols of objects, GOT slots */
	size_t nsorted;            /* ext[0..nsorted) is sorted by addr and searchable */

	uint64_t got_base;         /* synthetic GOT of a relocatable object */
	uint8_t *got;
	size_t ngot;

	struct ts_lsda_site *lsda; /* landing pads, sorted by start */
	size_t nlsda, caplsda;
	struct ts_args_size *argsz; /* pushed arguments at calls with a landing pad, sorted */
	size_t nargsz, capargsz;

	char **owned_names;        /* names we made (fde@ADDR), freed with the image */
	size_t nowned, capowned;

	uint64_t *code_refs;       /* code addresses stored in data (address-taken labels), sorted */
	size_t ncode_refs, capcode_refs;

	uint64_t *tlsdesc;         /* TLS descriptor calls (objects) and GOT slots (linked files), sorted */
	size_t ntlsdesc, captlsdesc;

	uint64_t *alt_entries;     /* entry points inside FDE-only functions (fragments.c), sorted */
	size_t nalt_entries, capalt_entries;

	struct ts_entry_hint *hints; /* entry states of fragments from their CFI, sorted by addr */
	size_t nhints, caphints;

	uint64_t *tail_calls;      /* targets of calls that end a function (5-byte call rel32), sorted */
	size_t ntail_calls;

	char **noreturn_names;     /* from DW_AT_noreturn, sorted */
	size_t nnoreturn_names;
	_Atomic uint8_t *noreturn_memo; /* per function: the depths it is known to return at (noreturn.c) */
	/* per function the registers it may change at every depth of the inference, then per
	 * function and depth (clobbers.c): nfuncs * (1 + TS_CLOBBER_DEPTHS) */
	_Atomic uint64_t *clobber_memo;
	/* Branch target identification (landing.c): the file is marked for it by its GNU property
	 * note (ts_arch.bti_property); then the starts of functions whose address code or data
	 * takes (an adrp+add or adr pair, a data relocation or word), sorted */
	bool bti;
	uint64_t *addr_taken;
	size_t naddr_taken;
	/* per function: the absolute addresses its code loads with a lea, sorted, as a block
	 * {count, address...}; NULL until a neighbour's jump table asks (walk.c) */
	uint64_t *_Atomic *lea_memo;
};

/* Open path (member >= 0: that member of an ar archive); on error returns a negative
 * TRUSTACK_E_* and writes a message into err. */
int ts_image_open(const char *path, const void *mem, size_t memsize, long member, struct ts_image **out,
		  char *err, size_t errlen);

/* The regular members of the ar archive at path, in order (names malloc'd). */
int ts_archive_members(const char *path, char ***names, size_t *n, char *err, size_t errlen);
void ts_image_close(struct ts_image *img);

/* Section containing addr (allocated, with data), or NULL. */
const struct ts_section *ts_image_section_at(const struct ts_image *img, uint64_t addr);

/* Pointer to the bytes at addr, with the number of bytes available in *avail; NULL if none. */
const uint8_t *ts_image_bytes(const struct ts_image *img, uint64_t addr, size_t *avail);

/* Read n (1..8) bytes at addr in the file's byte order; false when not mapped. */
bool ts_image_read(const struct ts_image *img, uint64_t addr, unsigned n, uint64_t *val);

/* The build-id of img (from its NT_GNU_BUILD_ID note, in a section or a PT_NOTE segment; libelf
 * translates the note headers to host order); returns its length, 0 when absent. */
size_t ts_image_build_id(const struct ts_image *img, uint8_t *out, size_t max);
/* The descriptor function f is analysed with: go_arch for a Go program's Go functions (those
 * no .eh_frame FDE covers: Go's compiler emits none; cgo's C code has them), private_arch for a
 * private function of another program (TS_FUNC_PRIVATE), arch otherwise. */
const struct ts_arch *ts_image_func_arch(const struct ts_image *img, size_t f);

/* The landing pad a throw from the call at addr goes to, or 0. */
uint64_t ts_image_landing_pad(const struct ts_image *img, uint64_t addr);
/* The bytes of arguments pushed at the call at addr (DW_CFA_GNU_args_size), which an exception
 * thrown through it pops before its landing pad runs; 0 when the CFI does not say. */
uint64_t ts_image_args_size(const struct ts_image *img, uint64_t addr);

/* Code addresses in [lo, hi) that data refers to (computed-goto targets), via *first and the
 * count returned. */
size_t ts_image_code_refs(const struct ts_image *img, uint64_t lo, uint64_t hi, const uint64_t **first);

/* Absolute addresses computed by a run of instructions, uop by uop (fragments.c): pages an LEA
 * put into registers on lea_pages machines, until the ADDI that completes them. */
struct ts_page_pairs {
	uint64_t page[TS_MAX_REGS];
	uint64_t paged; /* bit r: register r holds page[r] */
};
bool ts_uop_address(const struct ts_arch *a, const struct ts_uop *u, struct ts_page_pairs *pp, uint64_t *t);

/* Is addr a call to a TLS descriptor's resolver (an object's TLSDESC_CALL relocation) or a GOT
 * slot that holds a TLS descriptor's resolver (a linked file's TLSDESC relocation)? */
bool ts_image_tlsdesc(const struct ts_image *img, uint64_t addr);

/* Entry points inside [lo, hi) other than a function's start, via *first and the count. */
size_t ts_image_alt_entries(const struct ts_image *img, uint64_t lo, uint64_t hi, const uint64_t **first);

/* The entry hint of the fragment starting at addr, or NULL. */
const struct ts_entry_hint *ts_image_entry_hint(const struct ts_image *img, uint64_t addr);

/* How many functions end with a direct call to target (evidence it never returns). */
size_t ts_image_tail_call_count(const struct ts_image *img, uint64_t target);

/* Function containing addr, or -1. */
int ts_image_func_at(const struct ts_image *img, uint64_t addr);
/* The same, faster when guess (a function index, or -1) is the answer: a walk through code
 * stays in one function for many instructions. */
int ts_image_func_at_near(const struct ts_image *img, uint64_t addr, int guess);

/* Function by exact name, or -1. */
int ts_image_func_by_name(const struct ts_image *img, const char *name);

/* Best name for a call/jump target: function, PLT stub, extern symbol or GOT slot. */
const char *ts_image_target_name(const struct ts_image *img, uint64_t addr);

/* Name behind a GOT slot address (for call *slot(%rip)), or NULL. */
const char *ts_image_got_name(const struct ts_image *img, uint64_t slot);

/* The address to report: VA for linked files, section offset for relocatable objects. */
uint64_t ts_image_report_addr(const struct ts_image *img, uint64_t addr, const char **secname);

/* Is the function starting at addr entered through a register in a file marked for branch
 * target identification (img->bti): exported or global, or its address taken? (landing.c) */
bool ts_image_indirect_entry(const struct ts_image *img, const struct ts_func *f);

/* The bits of GNU property `type` in the descriptor of one NT_GNU_PROPERTY_TYPE_0 note (desc, len
 * bytes, in the file's byte order, properties padded to align: 8 for ELFCLASS64, 4 for
 * ELFCLASS32): true and *bits when the property is there with 4 bytes of data. */
bool ts_gnu_property_bits(const uint8_t *desc, size_t len, bool big_endian, unsigned align, uint32_t type,
			  uint32_t *bits);

/* Internal helpers shared by the loaders. */
int ts_image_load_landing(struct ts_image *img);
void ts_sort_u64(uint64_t *v, size_t n);
const char *ts_image_own_name(struct ts_image *img, char *name);
int ts_image_add_ext(struct ts_image *img, uint64_t addr, const char *name);
void ts_image_sort_ext(struct ts_image *img);
int ts_image_load_fde_funcs(struct ts_image *img, char *err, size_t errlen);
void ts_image_load_dwarf_noreturn(struct ts_image *img);
void ts_image_mark_fde_fragments(struct ts_image *img);
int ts_image_load_plt(struct ts_image *img);

#endif
