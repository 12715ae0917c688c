/*
 * arch.h - the boundary between an architecture's instruction decoder and the generic analysis.
 *
 * A decoder turns one machine instruction into a struct ts_insn: its length, its control-flow
 * kind and targets, and its effect on registers and memory as a short list of micro-operations
 * (uops) over DWARF-numbered registers. The analysis interprets the uops symbolically; it knows
 * nothing about x86 or arm64 encodings. A decoder only describes data movement that can matter
 * for the stack: everything else it reports as "destination clobbered".
 */
#ifndef TS_ARCH_H
#define TS_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

#define TS_MAX_REGS 33   /* arm64: x0-x30, sp, plus one spare; x86-64: 0-16 */
#define TS_REG_NONE 0xff

/* How control leaves an instruction. */
enum ts_flow {
	TS_FLOW_NEXT = 0,   /* falls through to the next instruction */
	TS_FLOW_JUMP,       /* direct unconditional jump to target */
	TS_FLOW_JCC,        /* direct conditional jump: target or next */
	TS_FLOW_JUMP_IND,   /* indirect jump through treg or tmem */
	TS_FLOW_CALL,       /* direct call to target */
	TS_FLOW_CALL_IND,   /* indirect call */
	TS_FLOW_RET,        /* return */
	TS_FLOW_STOP,       /* trap/halt: the path ends here (ud2, hlt, brk, int3) */
	TS_FLOW_INVALID,    /* could not be decoded */
	/* additions for s390x */
	TS_FLOW_RET_COND,   /* a conditional return (`ber %r14`): returns or falls through */
};

/* Condition of a conditional jump, as far as the analysis can use it for refinement. */
enum ts_cond {
	TS_COND_OTHER = 0,
	TS_COND_EQ, TS_COND_NE,
	TS_COND_ULT, TS_COND_UGE, TS_COND_ULE, TS_COND_UGT,
};

/* A memory operand: base + index*scale + disp. With riprel the absolute address is in disp. */
struct ts_mem {
	uint8_t base, index;   /* TS_REG_NONE when absent */
	uint8_t scale;         /* 1, 2, 4, 8 */
	uint8_t size;          /* access size in bytes (0 = address only, e.g. lea) */
	bool sext;             /* the loaded value is sign-extended to 64 bits */
	bool abs;              /* disp is an absolute address (rip-relative or absolute) */
	int64_t disp;
};

enum ts_uop_kind {
	TS_UOP_MOV = 1,  /* dst = src */
	TS_UOP_ADDI,     /* dst = src + imm */
	TS_UOP_ADD,      /* dst = dst + src, or dst - src when imm == -1 */
	TS_UOP_ANDI,     /* dst = src & imm (stack realignment) */
	TS_UOP_LEA,      /* dst = address of mem */
	TS_UOP_LOAD,     /* dst = mem (zero- or sign-extended per mem.size/mem.sext) */
	TS_UOP_STORE,    /* mem = src (src TS_REG_NONE: some value we do not track) */
	TS_UOP_CONST,    /* dst = imm */
	TS_UOP_CLOBBER,  /* dst = unknown; imm 4: a 32-bit result (upper half zero) */
	TS_UOP_SEXT32,   /* dst = sign-extend low 32 bits of src (cdqe, movslq reg) */
	TS_UOP_ZEXT32,   /* dst = zero-extend the low imm bytes of src (1, 2; 0 or 4 = 32 bits) */
	TS_UOP_SHLI,     /* dst = src << imm */
	TS_UOP_SWAP,     /* exchange dst and src */
	TS_UOP_UNSUPPORTED, /* a stack-pointer change the model cannot express */
	/* additions for arm64 */
	TS_UOP_SEXT,     /* dst = sign-extend the low imm bytes (1, 2, 4) of src to 64 bits */
	TS_UOP_ADDVL,    /* dst = src + imm * (SVE vector length in bytes / 8): SVE addvl (imm is
			  * 8 x its multiplier) and addpl (the multiplier), e.g. on sp */
	/* additions for s390x */
	TS_UOP_STM,      /* store imm registers dst, dst+1, .. (wrapping after register 15: the
			  * 16 general registers of s390x, the one machine with these) at mem,
			  * mem.size bytes each (stmg %r6,%r15,48(%r15)) */
	TS_UOP_LDM,      /* load them from there: the address is computed before any is loaded
			  * (lmg %r6,%r15,208(%r15) reloads the stack pointer last); 8-byte
			  * loads keep what was stored, narrower ones are clobbers */
	TS_UOP_ANDR,     /* dst = dst & src (a register): a realignment when src holds a constant
			  * (`lghi %r0,-16; ngr %r15,%r0`) */
};

struct ts_uop {
	uint8_t kind;
	uint8_t dst, src;
	int64_t imm;
	struct ts_mem mem;
};

/* The registers (below 64) uop u writes, as a mask: its destination, both of a SWAP, every
 * register of an LDM's range (wrapping after register 15). A STORE or STM writes none. */
/* Word i (8 bytes) of a register block as a file of either byte order holds it (core notes). */
static inline uint64_t ts_arch_word64(const uint8_t *g, unsigned i, bool big_endian)
{
	uint64_t v = 0;
	for (unsigned k = 0; k < 8; k++)
		v |= (uint64_t)g[i * 8 + (big_endian ? 7 - k : k)] << (8 * k);
	return v;
}

static inline uint64_t ts_uop_writes(const struct ts_uop *u)
{
	if (u->kind == TS_UOP_STORE || u->kind == TS_UOP_STM)
		return 0;
	if (u->kind == TS_UOP_LDM) {
		uint64_t m = 0;
		for (int64_t k = 0; k < u->imm && k < 16; k++)
			m |= 1ull << ((u->dst + (unsigned)k) % 16);
		return m;
	}
	uint64_t m = u->dst < 64 ? 1ull << u->dst : 0;
	if (u->kind == TS_UOP_SWAP && u->src < 64)
		m |= 1ull << u->src;
	return m;
}

/* What the instruction does to the flags, for refinement at the next conditional jump. */
enum ts_cmp_kind {
	TS_CMP_KEEP = 0,  /* flags untouched */
	TS_CMP_CLOBBER,   /* flags set by something we do not model */
	TS_CMP_RI,        /* compare register a with immediate imm */
	TS_CMP_RR,        /* compare register a with register b */
	TS_CMP_MI,        /* compare memory cmp_mem with immediate imm */
	/* additions for s390x */
	TS_CMP_RI_SIGNED, /* a signed compare of register a with immediate imm: the conditions of
			   * the branch after it bound the value only where it is known not to be
			   * negative (zero-extended: `llgc %r5,..; cijh %r5,125,..`) */
};

#define TS_INSN_MAX_UOPS 6

enum ts_insn_flag {
	TS_IF_NOP = 1 << 0,       /* no-op / padding */
	TS_IF_TRAP = 1 << 1,      /* int3 / ud2 / brk: padding when unreachable */
	TS_IF_NOTRACK = 1 << 2,
	TS_IF_SYSCALL = 1 << 3,
	TS_IF_PRIV = 1 << 4,      /* privileged / context switch (iret, sysret) */
	TS_IF_STACK = 1 << 5,     /* touches the stack pointer (for undefined-stack checks) */
	TS_IF_DEAD_AFTER = 1 << 6,/* analysis: a call we inferred never returns, or the point where
				   * a path moved onto another context's stack */
	/* additions for arm64 */
	TS_IF_LINK = 1 << 7,      /* a call (bl, blr, blraa..) that writes the return address into
				   * register ts_arch.ra instead of pushing it */
	TS_IF_WRITEBACK = 1 << 8, /* a load/store that also updates its base register (pre/post-index,
				   * expressed by an ADDI uop before/after the access) */
	TS_IF_PAC_SIGN = 1 << 9,  /* pointer authentication: pac_reg is signed (pacia, paciasp..) */
	TS_IF_PAC_AUTH = 1 << 10, /* pac_reg is authenticated (autia, autiasp, retaa, braa, blraa..) */
	TS_IF_PAC_STRIP = 1 << 11,/* the signature of pac_reg is stripped (xpaci, xpaclri) */
	TS_IF_PAC_KEY_B = 1 << 12,/* with one of the three: key B (IB/DB), else key A */
	TS_IF_BTI_C = 1 << 13,    /* a landing pad for calls through a register (bti c, bti jc, and
				   * paciasp/pacibsp, which are implicit `bti c`) */
	TS_IF_BTI_J = 1 << 14,    /* a landing pad for jumps through a register (bti j, bti jc) */
	TS_IF_PAC_DATA = 1 << 15, /* with sign/auth/strip: a data key (pacda, autdb, xpacd) */
};

struct ts_insn {
	uint64_t addr;
	uint8_t len;
	uint8_t flow;      /* enum ts_flow */
	uint8_t cond;      /* enum ts_cond, for TS_FLOW_JCC */
	uint8_t nuops;
	uint16_t flags;    /* enum ts_insn_flag */
	uint8_t treg;      /* indirect target register, or TS_REG_NONE (then tmem) */
	uint8_t cmp_kind;  /* enum ts_cmp_kind */
	uint8_t cmp_a, cmp_b;
	uint8_t cmp_width; /* bytes compared */
	int64_t cmp_imm;
	struct ts_mem cmp_mem;
	uint64_t target;   /* direct branch/call target; with TS_FLOW_NEXT (s390x exrl) the
			    * instruction it executes out of line, a template never run in line */
	struct ts_mem tmem;
	struct ts_uop uops[TS_INSN_MAX_UOPS];
	/* additions for arm64; read only when flags say so (decoders of other machines may leave
	 * them uninitialised) */
	uint8_t pac_reg;   /* with TS_IF_PAC_*: the register signed, authenticated or stripped */
	uint8_t pac_mod;   /* with TS_IF_PAC_SIGN/AUTH: the modifier register (sp = 31 for the *sp
			    * forms, x16 for *1716), TS_REG_NONE for a zero modifier (paciaz, retaaz) */
};

/* What a length-only decode (ts_arch.length) says needs a full decode. */
enum ts_scan {
	TS_SCAN_ADDRESS = 1 << 0, /* may compute an address (TS_UOP_LEA) */
	TS_SCAN_FLOW = 1 << 1,    /* may not fall through to the next instruction (flow != TS_FLOW_NEXT) */
};

struct ts_arch;
struct trustack_regs;

/* Opaque per-architecture decoder context, read-only after creation (thread-safe). */
struct ts_decoder;

/*
 * What generic code asks about a relocation type. Each machine lists its type for each class
 * (struct ts_arch.reloc); TS_RELOC_OTHER is every other type.
 */
enum ts_reloc_class {
	TS_RELOC_OTHER = 0,
	TS_RELOC_ABS64,     /* S + A, 64 bits: in data, a code address (address-taken label) */
	TS_RELOC_PC32,      /* S + A - P, 32 bits: the table writers' start fields */
	TS_RELOC_PC64,      /* S + A - P, 64 bits */
	TS_RELOC_RELATIVE,  /* B + A in a linked file: in data, a code address */
	TS_RELOC_GLOB_DAT,  /* a GOT slot the loader fills with a named symbol's address */
	TS_RELOC_JUMP_SLOT, /* a PLT's GOT slot, filled the same way */
	TS_RELOC_TLSDESC_CALL, /* in code: the call to a TLS descriptor's resolver (objects) */
	TS_RELOC_TLSDESC,   /* a GOT pair the loader fills with a TLS descriptor: the resolver's
			     * address first (linked files) */
	TS_RELOC_NCLASSES
};

/* How a call leaves the return address for the callee, and where a return takes it from. */
enum ts_call_ra {
	TS_CALL_PUSHES_RA = 0, /* the call pushes it (ra_size bytes); the return pops it (x86-64) */
	TS_CALL_LINK_REG,      /* the call writes it into register ra (arm64 x30, s390x r14) */
};

/* One interrupted register in the signal frame: its value is at trampoline sp + off. */
struct ts_uw_sigreg {
	uint8_t reg;   /* DWARF number, or TS_UW_SIG_PC: the interrupted pc (on arm64 the return-address
			* column x30 is a register of its own, restored like the others) */
	uint16_t off;
};
#define TS_UW_SIG_PC 0xfe

/* A signal trampoline of its own layout: its bytes and where its frame keeps each register. */
struct ts_uw_sigtramp {
	unsigned len;                /* <= 16 */
	const uint8_t *bytes;
	const struct ts_uw_sigreg *regs;
	unsigned nregs;
};

/*
 * What the unwinder needs to know about a machine, and nothing else: register numbers, the
 * shape of an intact frame-pointer frame, whether the bytes before a return address end with a
 * call instruction, the signal trampoline's bytes and where the kernel's signal frame keeps the
 * interrupted registers. The unwinder's walk (lib/unwind/walk.c) reads these facts through one
 * pointer it loads once per trace, so a machine is one more instance of this struct.
 */
struct ts_uw_arch {
	uint16_t machine;            /* ELF e_machine */
	uint8_t sp, fp, ra;          /* DWARF numbers of the stack pointer, frame pointer, and the
				      * return-address column */
	struct trustack_row frame;   /* the row of an intact frame-pointer frame */
	uint32_t csr;                /* the callee-saved registers a row's saves describe (struct
				      * ts_urow: all but sp, fp and ra; DWARF numbers < 32) */
	unsigned call_window;        /* bytes before a return address after_call() looks at */
	/* b holds the call_window bytes that end right before a return address */
	bool (*after_call)(const uint8_t *b);
	/* the most common call form, checked inline before after_call(): the byte call_fast_byte
	 * call_fast_back bytes before the return address (0: none) */
	uint8_t call_fast_byte, call_fast_back;
	unsigned sigret_len;         /* bytes of the signal trampoline (<= 16) */
	const uint8_t *sigret;       /* the trampoline's bytes, at its pc */
	const struct ts_uw_sigreg *sigregs;
	unsigned nsigregs;
	/* a second trampoline whose signal frame has another layout (s390x: sigreturn's `svc 119`
	 * for handlers without SA_SIGINFO, beside rt_sigreturn's `svc 173`); NULL: none */
	const struct ts_uw_sigtramp *sigret2;
	/*
	 * The caller's stack pointer is CFA + cfa_sp: 0 where the CFA is the caller's sp (x86-64,
	 * arm64); s390x's DWARF CFA is the caller's r15 + 160 (the register save area), so -160.
	 */
	int16_t cfa_sp;
	/*
	 * The frame chain the fp modes follow is the back chain (s390x -mbackchain): the word at sp
	 * holds the caller's sp (0 in the outermost frame), and the return address into the caller
	 * sits at that value + bc_ra (r14's slot in the caller's register save area: 112), not a
	 * frame record at the frame pointer.
	 */
	bool backchain;
	int16_t bc_ra;
};

/*
 * ORC (the kernel's x86-64 unwind format) names its base registers with its own small numbers
 * (TRUSTACK_ORC_REG_*). A machine that ORC describes maps them to its DWARF numbers here.
 */
struct ts_arch_orc {
	int8_t dwarf[16];            /* ORC register -> DWARF number, -1: not a plain register */
	const char *const *cfi_names;/* DWARF number -> name in messages (the CFI's names) */
	unsigned ncfi_names;
};

/*
 * Facts only the machine this library runs on has: how to read a stopped thread's registers
 * and those a signal frame saved. The registry (ts_arch_native) hands out the host's descriptor.
 */
struct ts_arch_host {
	/* PTRACE_GETREGSET of a ptrace-stopped thread into DWARF-numbered registers: 0 or -errno */
	int (*ptrace_regs)(int tid, struct trustack_regs *out);
	/* a ucontext_t of this machine (as a signal handler gets it) into registers */
	void (*ucontext_regs)(const void *uc, struct trustack_regs *out);
	/* where the kernel's signal frame keeps the ucontext: handler-entry sp + this */
	unsigned sigframe_uc_off;
	/* the bits of a code address in this process that hold a pointer-authentication code (what
	 * the machine's strip instruction clears); NULL: return addresses are never signed */
	uint64_t (*pac_mask_self)(void);
};

/*
 * How a program of this machine runs under QEMU's user mode on any host, for single-stepping it
 * through QEMU's gdbstub (lib/proc/emustep.c: verify-unwind's ground truth where ptrace does not
 * reach the program): the emulator, its CPU model, where the machine's libraries are (a
 * cross sysroot), the Debian packages that bring them, the GDB remote protocol's `g` packet
 * layout, and the signal frame as QEMU builds it. Independent of the host.
 */
struct ts_arch_emu {
	const char *qemu;          /* "qemu-aarch64", found in PATH */
	const char *cpu;           /* -cpu MODEL (NULL: QEMU's default) */
	const char *sysroot;       /* -L DIR: the target's libraries (a Debian cross sysroot) */
	const char *sysroot_probe; /* a file under sysroot that must exist (the dynamic loader) */
	const char *qemu_package, *sysroot_package; /* Debian packages providing them */
	uint32_t g_size;           /* bytes of the `g` reply's general registers we read (at least) */
	/* the `g` reply's bytes (g_size of them, target byte order) into DWARF-numbered registers */
	void (*g_regs)(const uint8_t *g, struct trustack_regs *out);
	/* the bits of a code address that hold a pointer-authentication code under QEMU's user
	 * mode with cpu (what the machine's strip instruction clears there); 0: never signed */
	uint64_t pac_mask;
	/* the return address is left in link register ra_reg by a call. call_len (a fixed call
	 * length) is no longer read: the step takes the decoder's length (s390x has 2, 4 and 6);
	 * to be dropped with the next change of lib/arch/aarch64/emu.c */
	uint8_t call_len, ra_reg;
	/* QEMU's signal frame: the interrupted sp and pc at frame + these (the frame is at or
	 * above the handler's sp), and the frame's alignment; uc_stack (ss_sp, ss_flags, ss_size)
	 * at frame + stack_off */
	uint32_t sig_sp_off, sig_pc_off, sig_stack_off, sig_align;
	/* Does an instruction sequence that must not be stopped in begin at pc (code: the len
	 * bytes there, len a multiple of the instruction size)? A load-exclusive up to its
	 * store-exclusive: the emulator clears the exclusive monitor at every stop, so a stepped
	 * store always fails and its retry loop never ends. The addresses where the sequence can
	 * be left (after the store, the targets of branches out of it), at most max of them, into
	 * exits; 0: none begins at pc. NULL: the machine has no such sequences. The tracer runs it
	 * as one unit (breakpoints at the exits, continue). */
	size_t (*atomic_exits)(const uint8_t *code, size_t len, uint64_t pc, uint64_t *exits, size_t max);
	/* a second frame QEMU builds for other handlers (s390x: the older sigframe, without
	 * SA_SIGINFO), with no uc_stack; 0: none */
	uint32_t sig2_sp_off, sig2_pc_off;
	/* registers the `g` reply leaves out that the unwinder may need (s390x: the FPRs, where
	 * gcc keeps general registers in leaf functions), each read with `p` (8 bytes, target
	 * order): stub number extra_p[i] into DWARF register extra_dwarf[i]; read again at a point
	 * only when an instruction that may write one of them (extra_written, on its bytes: true
	 * when in doubt) ran since the last read. nextra 0: none */
	uint8_t nextra;
	const uint8_t *extra_p, *extra_dwarf;
	bool (*extra_written)(const uint8_t *insn, size_t n);
};

/*
 * How perf names this machine and numbers its registers: the machine string in a perf.data
 * header (HEADER_ARCH, `uname -m`) and the index of each register in a PERF_SAMPLE_REGS_USER
 * mask (the kernel's asm/perf_regs.h) as a DWARF number.
 */
struct ts_arch_perf {
	const char *uname;           /* "x86_64" */
	int8_t dwarf[64];            /* perf register index -> DWARF number, -1: none we use */
};

/*
 * A machine's registers as a core file keeps them: the pr_reg of Linux's elf_prstatus in an
 * NT_PRSTATUS note (elf_gregset_t). Independent of the host: any machine's cores are read
 * anywhere, in the file's byte order (lib/proc/core.c hands over the bytes and the order).
 */
struct ts_arch_core {
	uint32_t gregs_size;    /* bytes of elf_gregset_t */
	/* gregs_size bytes at g (big_endian: the file's byte order) into DWARF-numbered registers */
	void (*gregs)(const uint8_t *g, bool big_endian, struct trustack_regs *out);
};

struct ts_arch {
	const char *name;
	uint16_t e_machine;
	bool big_endian;        /* the ELF files of this machine are ELFDATA2MSB */
	bool analysed;          /* the generic analysis is wired for it (false: the ELF layer and,
				 * where there is one, the decoder only; opening it for analysis
				 * says "not supported by the analysis yet") */
	uint8_t nregs;          /* registers tracked: 0 .. nregs-1 */
	uint8_t sp, fp;         /* stack and frame pointer */
	uint8_t ra;             /* return-address column: pseudo register (x86) or LR (arm64) */
	uint8_t call_ra;        /* enum ts_call_ra: how a call hands over the return address */
	uint32_t call_reach;    /* bytes a direct call reaches either way (0: +-2 GiB or more) */
	bool lea_pages;         /* an absolute LEA of a page-aligned address may be only the 4 KiB
				 * page of the address (arm64 adrp), an ADDI of the register
				 * completing it: address scans combine the pair */
	uint8_t ra_size;        /* bytes of a return address (pushed, or saved by the callee) */
	bool ra_in_reg;         /* at entry the return address is in register ra (arm64) */
	int32_t ra_cfa_offset;  /* otherwise it is at CFA + this (x86-64: -8) */
	int32_t entry_sp_offset;/* SP = CFA + this at function entry (x86-64: -8, arm64: 0,
				 * s390x: -160, its register save area) */
	int32_t frame_fp_offset;/* standard frame: FP = CFA + this (x86-64: -16) */
	uint32_t red_zone;      /* bytes below sp leaf code may use without moving sp */
	uint64_t callee_saved;  /* mask of callee-saved registers (besides sp) */
	uint64_t call_clobbered;/* mask of registers a call may change */
	uint64_t tlsdesc_clobbered; /* ... a call to a TLS descriptor's resolver may change: the
				 * TLSDESC ABIs keep every other register (compilers keep values
				 * in caller-saved registers across such calls) */
	uint8_t scs_reg;        /* the shadow-call-stack pointer (arm64: x18, clang
				 * -fsanitize=shadow-call-stack), 0: none. At entry it points at the
				 * caller's shadow-stack top; what is stored through it is tracked,
				 * and a call that returns leaves it as it was (a callee pops what it
				 * pushed), as long as the function has not overwritten it */
	bool backchain;         /* the ABI knows an optional back chain: a function that allocates
				 * a frame stores the caller's stack pointer at 0(sp) (s390x
				 * -mbackchain); --rules=backchain checks it */
	uint32_t reloc[TS_RELOC_NCLASSES]; /* the relocation type of each class (0: none) */
	/* Branch target identification (arm64 BTI): a file whose GNU property note
	 * (NT_GNU_PROPERTY_TYPE_0) holds property bti_property with bit bti_bit set runs with
	 * guarded pages, and every target of an indirect branch must start with a landing pad
	 * (TS_IF_BTI_C for calls, TS_IF_BTI_J for jumps). 0: the machine has no such property. */
	uint32_t bti_property, bti_bit;
	uint64_t bti_jump_any_pad; /* an indirect jump through one of these registers may also land
				    * on a call pad (arm64: br x16/x17, the PLT's and veneers') */
	/* gcc starts a .cold part whose first instruction is a landing pad with this nop (a
	 * landing pad at offset 0 would read as "none"); NULL: no such padding known */
	const uint8_t *lp_nop;
	uint8_t lp_nop_len;
	/* the file's own CFI marks its outermost code (return address undefined) and its signal
	 * trampoline ('S'): x86-64 glibc does; arm64's trampoline is in the vDSO */
	bool cfi_marks_outermost;
	uint8_t sframe_abi;     /* SFrame ABI/arch identifier (0: no SFrame tables for it) */
	int8_t sframe_fixed_ra; /* SFrame's fixed return-address offset (0: none, tracked) */
	/* the DWARF CFA opcode that toggles the return address's signing state (arm64:
	 * DW_CFA_AARCH64_negate_ra_state, 0x2d; the same number is DW_CFA_GNU_window_save on SPARC,
	 * so it is the machine's to name); 0: none */
	uint8_t cfa_negate_ra_op;
	/* the DWARF number of the register a CFI expression may scale the CFA by at run time
	 * (arm64: VG, 46, the SVE vector length in 8-byte granules: gcc describes frames with SVE
	 * areas by `DW_CFA_def_cfa_expression` on it, read as TRUSTACK_CFA_REG_VG); 0: none */
	uint16_t dwarf_vg;
	/* a lazy PLT's first stub (PLT0): its size, and its CFA at entry as an offset from SP
	 * (x86-64: 16 bytes, entered with the relocation index pushed: SP + 16; arm64: 32 bytes,
	 * entered by PLTn's br x17 with nothing pushed: SP + 0). The other stubs are entered as a
	 * call's target (CFA = SP - entry_sp_offset). 0: PLTs are not decoded */
	uint8_t plt0_size;
	uint8_t plt0_cfa;
	/* what the lazy PLT leaves for the resolver it jumps to (ld.so's _dl_runtime_resolve and
	 * _dl_runtime_profile): bytes pushed below the caller's stack pointer, return address
	 * included where a call pushes it (x86-64: the return address, the relocation index and
	 * the link map, 24; arm64: PLT0's `stp x16, x30, [sp, #-16]!`, 16), and on a link-register
	 * machine where that push put the return address, from the CFA (arm64 -8; the register
	 * still holds it); 0: no such store */
	uint8_t plt_entry_pushed;
	int8_t plt_entry_ra_slot;
	/* the lazy PLT's other stubs (PLTn): their size (0: 16 bytes, x86-64 and arm64; s390x: 32)
	 * and how many bytes at the end of each are data, not code (s390x: the 4-byte offset of
	 * the stub's relocation, which lgf loads; 0: none). The data bytes take the stub's last row. */
	uint8_t pltn_size;
	uint8_t pltn_data;
	const struct ts_arch_orc *orc;    /* NULL: ORC does not describe this machine */
	const struct ts_uw_arch *uw;      /* NULL: the unwinder does not support it yet */
	const struct ts_arch_host *host;  /* NULL unless this is the machine we run on */
	const struct ts_arch_perf *perf;  /* NULL: perf.data of this machine is not read yet */
	const struct ts_arch_core *core;  /* NULL: its core files cannot be read yet */
	const struct ts_arch_emu *emu;    /* NULL: not single-stepped under QEMU's user mode */

	/* The decoder; NULL (all of these) for a machine only the ELF layer reads so far. */
	struct ts_decoder *(*decoder_new)(void);
	void (*decoder_free)(struct ts_decoder *d);
	/* Decode one instruction at addr. Returns the length, or 0 when it cannot be decoded. */
	unsigned (*decode)(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr,
			   struct ts_insn *out);
	/* Only the length of the instruction at buf (0 when it cannot be decoded, as decode), and in
	 * *scan (enum ts_scan) what about it a pre-scan may need to decode in full: whole-file and
	 * callee scans that care about a few kinds of instruction. NULL: use decode. */
	unsigned (*length)(const struct ts_decoder *d, const uint8_t *buf, size_t len, unsigned *scan);
	/* Every address an instruction in code[0, n) (at addr) may compute with an absolute or
	 * PC-relative address operand (TS_UOP_LEA with mem.abs), found from the bytes alone: a
	 * superset (byte patterns at every offset, also inside other instructions), so that a
	 * pre-scan can skip code that has none it cares about without decoding it. Calls
	 * fn(ctx, address) for each until fn returns false. NULL: not available. */
	void (*address_candidates)(const uint8_t *code, size_t n, uint64_t addr,
				   bool (*fn)(void *ctx, uint64_t address), void *ctx);
	/* Disassembly text of the instruction. */
	void (*format)(const struct ts_decoder *d, const uint8_t *buf, size_t len, uint64_t addr,
		       char *out, size_t outlen);
	const char *(*reg_name)(unsigned reg);
	/* Relocation of a relocatable object: compute and store the value at loc. Returns 0,
	 * 1 when the type is not applicable to code/data we read (ignored), or -1 when unknown. */
	int (*apply_reloc)(uint32_t type, uint8_t *loc, size_t room, uint64_t P, uint64_t S,
			   int64_t A, uint64_t GOT_slot);
	/* Is this relocation type a GOT-relative reference (needs a GOT slot for S)? */
	bool (*reloc_uses_got)(uint32_t type);
	/* Are these n bytes at the start of an instruction only prefixes that leave its effect on
	 * registers and stack unchanged (x86 `lock`)? A branch past them (glibc skips `lock` on
	 * its single-threaded path) then reaches the same instruction. NULL: never. */
	bool (*skippable_prefixes)(const uint8_t *bytes, unsigned n);
	/* Do the bytes before end (before of them readable) end with a direct call? Then its
	 * target in *target. Functions that end with a call to the same target are evidence it
	 * never returns (lib/elf/image.c). NULL: never. */
	bool (*call_before)(const uint8_t *end, size_t before, uint64_t end_addr, uint64_t *target);
};

/* The registry (arch.c): the machine of an ELF e_machine, or NULL. */
const struct ts_arch *ts_arch_for_machine(uint16_t e_machine);
/* The machine perf's header names name (`uname -m`), or NULL. */
const struct ts_arch *ts_arch_for_perf_name(const char *name);
/* The machine this library was built for, or NULL when it is none of the registry's. */
const struct ts_arch *ts_arch_native(void);
/* The class of relocation type t on machine a. */
enum ts_reloc_class ts_arch_reloc_class(const struct ts_arch *a, uint32_t t);

#endif
