/* Stack-state violations: unbalanced pushes at ret and sibling calls, mismatched stack
 * heights where paths join, stack pointer changes objtool cannot follow; plus correct code
 * that must not be reported (st_enter_leave, st_ok_*). */
#include "asmfn.h"

extern void ext(void);

/* ret with one extra word on the stack. */
ASM_FUNC(st_push_ret,
         "push %rbx\n"
         "ret");

/* Frame set up, extra push, then pops the wrong amount and returns. */
ASM_FUNC(st_unbalanced_ret,
         "push %rbp\n"
         "mov %rsp, %rbp\n"
         "push %rbx\n"
         "pop %rbp\n"
         "ret");

/* Tail call (jmp to another function) with a register still pushed. */
ASM_FUNC(st_sibling_modified,
         "push %rbx\n"
         "jmp ext");

/* Two paths join with different stack heights. */
ASM_FUNC(st_mismatch,
         "test %edi, %edi\n"
         "je 1f\n"
         "push %rbx\n"
         "1:\n"
         "mov $1, %eax\n"
         "ret");

/* Stack pointer loaded from a register: the return address is then unknown. */
ASM_FUNC(st_rsp_from_reg,
         "mov %rdi, %rsp\n"
         "ret");

/* Variable-size stack adjustment without a frame pointer. */
ASM_FUNC(st_rsp_sub_reg,
         "sub %rdi, %rsp\n"
         "add %rdi, %rsp\n"
         "ret");

/* Realignment without a frame pointer to restore the stack pointer from. */
ASM_FUNC(st_realign_nofp,
         "and $-16, %rsp\n"
         "ret");

/* Restores the stack pointer from %rbp although %rbp was never set up. */
ASM_FUNC(st_rsp_from_stale_rbp,
         "push %rbx\n"
         "mov %rbp, %rsp\n"
         "pop %rbx\n"
         "ret");

/* leave without a frame. */
ASM_FUNC(st_leave_nofp,
         "push %rbx\n"
         "leave\n"
         "ret");

/* Correct code: enter $16,$0 is push %rbp; mov %rsp,%rbp; sub $16,%rsp, and leave undoes it.
 * objtool 6.1 does not model enter and reports "undefined stack state" at the leave: an objtool
 * false alarm, listed in objtool-false-alarms.txt; trustack must stay quiet here. */
ASM_FUNC(st_enter_leave,
         "enter $16, $0\n"
         "leave\n"
         "ret");

/* Correct: balanced pushes and pops on both paths. */
ASM_FUNC(st_ok_branches,
         "push %rbx\n"
         "test %edi, %edi\n"
         "je 1f\n"
         "push %r12\n"
         "pop %r12\n"
         "1:\n"
         "pop %rbx\n"
         "ret");

/* Correct: tail call after restoring everything. */
ASM_FUNC(st_ok_sibling,
         "push %rbx\n"
         "mov %rdi, %rbx\n"
         "pop %rbx\n"
         "jmp ext");
