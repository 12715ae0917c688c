/* Frame-pointer rule violations (objtool: "call without frame pointer save/setup",
 * "BP used as a scratch register"), next to correct frame-pointer code that must stay quiet. */
#include "asmfn.h"

extern void ext(void);

/* Saves a callee-saved register but never sets up %rbp before the call. */
ASM_FUNC(fr_call_no_frame,
         "push %rbx\n"
         "call ext\n"
         "pop %rbx\n"
         "ret");

/* Pushes %rbp but uses it for data instead of the frame, then calls. */
ASM_FUNC(fr_call_rbp_data,
         "push %rbp\n"
         "mov %rdi, %rbp\n"
         "call ext\n"
         "mov %rbp, %rax\n"
         "pop %rbp\n"
         "ret");

/* Sets %rbp to something that is not the stack pointer after the push. */
ASM_FUNC(fr_call_rbp_offset,
         "push %rbp\n"
         "lea 8(%rsp), %rbp\n"
         "call ext\n"
         "pop %rbp\n"
         "ret");

/* Leaf that saves %rbp and uses it as a scratch register (no call). */
ASM_FUNC(fr_leaf_rbp_scratch,
         "push %rbp\n"
         "mov %rdi, %rbp\n"
         "add %rsi, %rbp\n"
         "mov %rbp, %rax\n"
         "pop %rbp\n"
         "ret");

/* Correct: standard frame around a call. */
ASM_FUNC(fr_ok_frame,
         "push %rbp\n"
         "mov %rsp, %rbp\n"
         "call ext\n"
         "pop %rbp\n"
         "ret");

/* Correct: frame, realigned stack, call, leave. */
ASM_FUNC(fr_ok_realign,
         "push %rbp\n"
         "mov %rsp, %rbp\n"
         "and $-64, %rsp\n"
         "sub $64, %rsp\n"
         "call ext\n"
         "leave\n"
         "ret");

/* Correct: dynamic allocation (like alloca/VLA) under a frame pointer. */
ASM_FUNC(fr_ok_dynamic,
         "push %rbp\n"
         "mov %rsp, %rbp\n"
         "sub %rdi, %rsp\n"
         "and $-16, %rsp\n"
         "call ext\n"
         "leave\n"
         "ret");

/* Correct: leaf without a frame at all. */
ASM_FUNC(fr_ok_leaf, "lea 1(%rdi), %rax\n"
                     "ret");

/* Correct C code with a frame (gcc with -fno-omit-frame-pointer). */
int fr_c_caller(int x)
{
    ext();
    return x + 1;
}
