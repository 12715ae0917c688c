/*
 * sframe.h - SFrame unwind tables (binutils' format), versions 1, 2 and 3: an in-memory model,
 * an encoder to bytes, a bounds-checked decoder, a builder from the analysis' rows, a reader
 * that finds `.sframe` in any ELF, and a printer in the shape of `objdump --sframe`.
 *
 * The model is version-neutral: every rule (CFA, RA, FP) is a small tagged value, so the
 * encoder decides per FDE whether the default encoding can say it (SP/FP-based CFA, RA at the
 * header's fixed offset, FP saved at CFA + k or not at all) or only a v3 flexible FDE can.
 *
 * Facts (binutils include/sframe.h, the SFrame specs of binutils 2.40/2.41/2.46, checked
 * against gas 2.40 output on this machine):
 *   header 28 bytes: u16 magic 0xdee2, u8 version, u8 flags, u8 abi, i8 fixed_fp, i8 fixed_ra,
 *     u8 auxhdr_len, u32 num_fdes, num_fres, fre_len, fdeoff, freoff (offsets from the end of
 *     the header + auxiliary header);
 *   v1 FDE 17 bytes: i32 start, u32 size, u32 fre_off, u32 num_fres, u8 info (no rep_size);
 *   v2 FDE 20 bytes: the same + u8 rep_size + u16 padding;
 *   v3: a 16-byte index entry (i64 start, u32 size, u32 fre_off) per FDE, and at fre_off in the
 *     FRE sub-section a 5-byte attribute record (u16 num_fres, u8 info, u8 info2, u8 rep_size)
 *     followed by the FDE's FREs; info bit 7 = signal frame, info2 bits 0-4 = FDE type
 *     (0 default, 1 flexible);
 *   FRE: start offset (1/2/4 bytes per FDE), info byte (bit 0 CFA base 1=SP 0=FP, bits 1-4 the
 *     number N of data words, bits 5-6 their size 1/2/4, bit 7 mangled RA), N signed words.
 *     N = 0: return address undefined (outermost frame; v2 erratum, v3).
 *   flexible FRE data: CFA (control, offset), then RA and FP each either (control, offset) or a
 *     single 0 word (padding: RA at the fixed offset / FP not saved). control = reg << 3 |
 *     deref << 1 | reg_p; reg_p 0 means "at CFA + offset".
 */
#ifndef TS_SFRAME_H
#define TS_SFRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tables/rowmap.h"

#define TS_SF_MAGIC 0xdee2
#define TS_SF_HDR_SIZE 28

#define TS_SF_F_FDE_SORTED 0x1
#define TS_SF_F_FRAME_POINTER 0x2
#define TS_SF_F_FUNC_START_PCREL 0x4

#define TS_SF_ABI_AARCH64_BE 1
#define TS_SF_ABI_AARCH64_LE 2
#define TS_SF_ABI_AMD64_LE 3
#define TS_SF_ABI_S390X_BE 4

enum ts_sf_pctype { TS_SF_PCINC = 0, TS_SF_PCMASK = 1 };

/* One recovery rule. */
enum ts_sf_rule_kind {
	TS_SF_SAME = 0,   /* FP: not saved, still in its register; RA (aarch64): still in LR */
	TS_SF_AT_CFA,     /* FP/RA saved at CFA + off (amd64 RA: the header's fixed offset) */
	TS_SF_REG,        /* value = reg + off (the CFA; v3 flex: FP/RA held in register reg) */
	TS_SF_DEREF,      /* value = *(reg + off) (v3 flex: DRAP) */
	TS_SF_UNDEFINED,  /* RA only: the outermost frame (FRE without data words) */
};

struct ts_sf_rule {
	uint8_t kind;   /* enum ts_sf_rule_kind */
	uint8_t reg;    /* DWARF register number for REG/DEREF */
	int32_t off;
};

struct ts_sf_fre {
	uint32_t start;        /* from the function start (PCMASK: within the repeated block) */
	bool mangled_ra;       /* aarch64: RA is PAC-signed here */
	struct ts_sf_rule cfa; /* REG or DEREF; unused when ra is UNDEFINED */
	struct ts_sf_rule ra;
	struct ts_sf_rule fp;
};

struct ts_sf_fde {
	uint64_t start;        /* address of the function (image address) */
	uint32_t size;
	uint8_t pctype;        /* enum ts_sf_pctype */
	uint8_t rep_size;      /* PCMASK block size */
	uint8_t pauth_key;     /* aarch64: 0 A, 1 B */
	bool signal;           /* v3: signal frame */
	bool flex;             /* decoded from a v3 flexible FDE (the encoder decides by itself) */
	uint32_t first, n;     /* the FDE's FREs: fres[first .. first + n) */
};

struct ts_sframe {
	uint8_t version, flags, abi;
	int8_t fixed_fp, fixed_ra;
	/* encoder: FRE start offsets sized from the function's size, as gas 2.40 does, rather than
	 * from the largest start offset (the default, never larger); lets tests compare bytes */
	bool addr_from_size;
	struct ts_sf_fde *fdes;
	size_t nfdes, capfdes;
	struct ts_sf_fre *fres;
	size_t nfres, capfres;
};

void ts_sframe_free(struct ts_sframe *t);

/* Append an FDE (its FREs are the ones appended after it) / an FRE to the last FDE. */
int ts_sframe_add_fde(struct ts_sframe *t, const struct ts_sf_fde *f);
int ts_sframe_add_fre(struct ts_sframe *t, const struct ts_sf_fre *r);

/* ---- encoding ---------------------------------------------------------------------------- */

/* Where the encoder put each FDE's start-address field, for the relocations of an object. */
struct ts_sf_startfield {
	uint64_t offset;   /* in the section */
	uint64_t target;   /* the address it refers to */
	unsigned width;    /* 4 (v1, v2) or 8 (v3) */
};

struct ts_sf_encoded {
	uint8_t *buf;
	size_t size;
	struct ts_sf_startfield *fields; /* one per FDE, in output order */
	size_t nfields;
	uint64_t nfres;    /* FREs written */
	uint64_t nfdes;    /* FDEs written (v3 splits FDEs longer than 65535 FREs) */
};

/*
 * Encode t as version (1, 2, 3) bytes. FDEs must be sorted by start (the writer sets
 * FDE_SORTED). Start fields hold start - base (flags without PCREL) or start - (base + the
 * field's offset) (with t->flags & PCREL); base is the section's address. An FDE the version
 * cannot express is an error (-TRUSTACK_E_ARG with err): the builder only hands over what
 * ts_sframe_expressible() accepted.
 */
int ts_sframe_encode(const struct ts_sframe *t, unsigned version, uint64_t base, struct ts_sf_encoded *out,
		     char *err, size_t errlen);
void ts_sf_encoded_free(struct ts_sf_encoded *e);

/* Can version express this FRE for the ABI abi (TS_SF_ABI_*) with fixed RA offset fixed_ra? If
 * not, *why says what is missing. *flex is set when only a v3 flexible FDE can. */
bool ts_sframe_expressible(const struct ts_sf_fre *r, unsigned version, uint8_t abi, int8_t fixed_ra, bool *flex,
			   const char **why);

/*
 * What an ABI identifier means for the bytes (a format fact of SFrame, keyed by the header's ABI
 * byte, not by the machine being analysed: the reader must understand any file).
 *   s390x (binutils 2.45 on; include/sframe.h and the spec's "s390x" section): big-endian; the
 *   CFA word holds (offset - 160) / 8 (the CFA is at least SP + 160 and 8-byte aligned), in the
 *   default and (v3) the flexible encoding alike; RA is tracked per row, an RA word 0 is padding
 *   (RA not saved, still in r14) before an FP word; in v2 an odd RA/FP word is a DWARF register
 *   number (regnum << 1 | 1) holding it, which v3 moved into flexible FDEs.
 */
struct ts_sf_abi {
	uint8_t sp, fp;      /* DWARF numbers the default encoding's base-register bit names */
	bool big_endian;
	int32_t cfa_bias;    /* CFA word = (offset - cfa_bias) / cfa_scale */
	int32_t cfa_scale;
	bool ra_padding;     /* an RA word 0 before the FP word: RA not saved */
	bool v2_regnum;      /* v2 default FREs: an odd RA/FP word is (regnum << 1) | 1 */
	uint8_t min_version; /* the first SFrame version that defines the ABI */
};

static inline struct ts_sf_abi ts_sf_abi_facts(uint8_t abi)
{
	switch (abi) {
	case TS_SF_ABI_AMD64_LE: return (struct ts_sf_abi){ 7, 6, false, 0, 1, false, false, 1 };
	case TS_SF_ABI_S390X_BE: return (struct ts_sf_abi){ 15, 11, true, 160, 8, true, true, 2 };
	case TS_SF_ABI_AARCH64_BE: return (struct ts_sf_abi){ 31, 29, true, 0, 1, false, false, 1 };
	default: return (struct ts_sf_abi){ 31, 29, false, 0, 1, false, false, 1 };
	}
}

/* The registers the default encoding names for an ABI: SP and FP (DWARF numbers). */
static inline void ts_sf_abi_regs(uint8_t abi, uint8_t *sp, uint8_t *fp)
{
	struct ts_sf_abi a = ts_sf_abi_facts(abi);
	*sp = a.sp, *fp = a.fp;
}

/* ---- decoding ---------------------------------------------------------------------------- */

/*
 * Decode an SFrame section of any version. base: the section's address; pcrel_always: the
 * start fields are relative to themselves whatever the flags say (a relocatable object whose
 * PC32/PC64 relocations were applied: gas writes them so in every version). Every count and
 * offset is checked against size: a malformed section gives -TRUSTACK_E_FORMAT and a message.
 */
int ts_sframe_decode(const uint8_t *buf, size_t size, uint64_t base, bool pcrel_always, struct ts_sframe *out,
		     char *err, size_t errlen);

/* ---- reading from an ELF image ------------------------------------------------------------ */

/* Find `.sframe` in img and decode it (relocated for objects). -TRUSTACK_E_NOTFOUND if absent. */
int ts_sframe_read(const struct ts_image *img, struct ts_sframe *out, char *err, size_t errlen);

/* The FDE and FRE that apply at addr, or false. */
bool ts_sframe_lookup(const struct ts_sframe *t, uint64_t addr, const struct ts_sf_fde **fde,
		      const struct ts_sf_fre **fre);

/* The FRE of FDE f as an analysis row (DWARF registers of the ABI; the signing state from the
 * mangled-RA bit and f's key, f may be NULL: key A). */
void ts_sframe_fre_row(const struct ts_sframe *t, const struct ts_sf_fde *f, const struct ts_sf_fre *r,
		       struct trustack_row *row);

/* Print t in the shape of `objdump --sframe` (binutils 2.40 for v1; "f" for the fixed RA of
 * v2/v3 as newer objdump prints it). img, when not NULL, turns image addresses into the
 * addresses objdump prints (section offsets of relocatable objects are printed as 0-based
 * function starts like objdump, which does not apply .rela.sframe: pc = 0x0). */
void ts_sframe_print(FILE *f, const struct ts_sframe *t, const struct ts_image *img, const char *secname);

/* Read img's .sframe and print it (the `dump` command's SFrame part). */
int ts_sframe_dump(FILE *f, const struct ts_image *img, char *err, size_t errlen);

/* ---- building from the analysis ------------------------------------------------------------ */

struct ts_sf_problem {
	uint64_t addr;     /* image address */
	uint64_t len;
	const char *msg;   /* static text */
};

typedef void (*ts_sf_problem_fn)(const struct ts_sf_problem *p, void *ctx);

/*
 * Build the table for img from its row map: one FDE per contiguous function or fragment
 * range, split around everything version cannot express (each reported through on_problem,
 * in address order); PLT stubs of linked files from the .plt bytes; the entry point's
 * function as the outermost frame. *problems counts the reports.
 */
int ts_sframe_build(const struct ts_image *img, const struct ts_rowmap *m, unsigned version, struct ts_sframe *out,
		    ts_sf_problem_fn on_problem, void *ctx, uint64_t *problems);

/* The public entry points' common part (sframe_api.c): analyse elf, build and encode the
 * table (start fields for a section at address 0; enc->fields says where they are). */
struct trustack_elf;
struct trustack_sframe_opts;
struct trustack_sframe_stats;
int ts_sframe_make(struct trustack_elf *elf, const struct trustack_sframe_opts *opts, trustack_problem_fn on_problem,
		   void *ctx, struct trustack_sframe_stats *stats, struct ts_sf_encoded *enc, char *err, size_t errlen);

#endif
