/* Frame and stack problems that objtool 6.1 does not report (so any trustack warning here shows
 * up as an INFO line, not a failure): %rbp clobbered inside a frame before a call, the stack
 * pointer popped or loaded from memory, and xchg with %rsp. */
#include "asmfn.h"

extern void ext(void);

ASM_FUNC(sl_rbp_zeroed_before_call,
         "push %rbp\n"
         "mov %rsp, %rbp\n"
         "xor %ebp, %ebp\n"
         "call ext\n"
         "pop %rbp\n"
         "ret");

ASM_FUNC(sl_pop_rsp,
         "push %rdi\n"
         "pop %rsp\n"
         "ret");

ASM_FUNC(sl_load_rsp,
         "mov (%rdi), %rsp\n"
         "ret");

ASM_FUNC(sl_xchg_rsp,
         "xchg %rdi, %rsp\n"
         "ret");

ASM_FUNC(sl_leave_after_rbp_clobber,
         "push %rbp\n"
         "mov %rsp, %rbp\n"
         "sub $16, %rsp\n"
         "mov %rdi, %rbp\n"
         "leave\n"
         "ret");
