/* The same kinds of violations written as __attribute__((naked)) C functions. */
extern void ext(void);

__attribute__((naked)) void nk_call_no_frame(void)
{
    __asm__("push %rbx\n\t"
            "call ext\n\t"
            "pop %rbx\n\t"
            "ret");
}

__attribute__((naked)) void nk_push_ret(void)
{
    __asm__("push %rax\n\t"
            "push %rbx\n\t"
            "pop %rax\n\t"
            "ret");
}

__attribute__((naked)) void nk_sibling_modified(void)
{
    __asm__("push %rbp\n\t"
            "mov %rsp, %rbp\n\t"
            "jmp ext");
}

__attribute__((naked)) long nk_ok(long x)
{
    __asm__("push %rbp\n\t"
            "mov %rsp, %rbp\n\t"
            "push %rdi\n\t"
            "call ext\n\t"
            "pop %rax\n\t"
            "pop %rbp\n\t"
            "ret");
}
