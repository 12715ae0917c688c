/*
 * host.c - x86-64 as the machine this library runs on: a stopped thread's registers through
 * ptrace (struct user_regs_struct) and a signal frame's (ucontext_t), both into the DWARF
 * numbering of regs.h. Compiled to nothing elsewhere.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stddef.h>
#include <string.h>

#include "arch/x86/regs.h"
#include "arch/x86/x86.h"

#if defined(__x86_64__)
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <ucontext.h>

static void regs_from_user(const struct user_regs_struct *u, struct trustack_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->machine = EM_X86_64;
	r->nregs = X86_NREGS;
	const unsigned long long v[X86_NREGS] = { u->rax, u->rdx, u->rcx, u->rbx, u->rsi, u->rdi, u->rbp, u->rsp,
						  u->r8,  u->r9,  u->r10, u->r11, u->r12, u->r13, u->r14, u->r15,
						  u->rip };
	for (int i = 0; i < X86_NREGS; i++)
		r->r[i] = v[i];
	r->pc = u->rip, r->sp = u->rsp, r->fp = u->rbp;
	r->fs_base = u->fs_base;
}

static int x86_ptrace_regs(int tid, struct trustack_regs *r)
{
	struct user_regs_struct u;
	struct iovec iov = { &u, sizeof(u) };
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	regs_from_user(&u, r);
	return 0;
}

static void x86_ucontext_regs(const void *ucontext, struct trustack_regs *regs)
{
	const ucontext_t *uc = ucontext;
	const greg_t *g = uc->uc_mcontext.gregs;
	static const struct { uint8_t dw; uint8_t greg; } map[] = {
		{ X86_RAX, REG_RAX }, { X86_RDX, REG_RDX }, { X86_RCX, REG_RCX }, { X86_RBX, REG_RBX },
		{ X86_RSI, REG_RSI }, { X86_RDI, REG_RDI }, { X86_RBP, REG_RBP }, { X86_RSP, REG_RSP },
		{ X86_R8, REG_R8 },   { X86_R9, REG_R9 },   { X86_R10, REG_R10 }, { X86_R11, REG_R11 },
		{ X86_R12, REG_R12 }, { X86_R13, REG_R13 }, { X86_R14, REG_R14 }, { X86_R15, REG_R15 },
		{ X86_RA, REG_RIP },
	};
	memset(regs, 0, sizeof(*regs));
	regs->machine = EM_X86_64;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		regs->r[map[i].dw] = (uint64_t)g[map[i].greg];
	regs->nregs = X86_RA + 1;
	regs->pc = (uint64_t)g[REG_RIP];
	regs->sp = (uint64_t)g[REG_RSP];
	regs->fp = (uint64_t)g[REG_RBP];
}

const struct ts_arch_host ts_x86_host = {
	.ptrace_regs = x86_ptrace_regs,
	.ucontext_regs = x86_ucontext_regs,
	/* the handler returns to pretcode, the word at its entry sp; the ucontext follows */
	.sigframe_uc_off = 8,
};
#endif
