/* Control flow that runs off the end of a function into the next one. */
#include "asmfn.h"

/* Has no ret: execution continues in ft_next. */
ASM_FUNC(ft_no_ret, "mov $1, %eax\n");
ASM_FUNC(ft_next, "mov $2, %eax\n"
                  "ret");

/* Conditional branch whose not-taken path runs off the end. */
ASM_FUNC(ft_cond, "test %edi, %edi\n"
                  "jne 1f\n"
                  "ret\n"
                  "1:\n"
                  "add $1, %eax\n");
ASM_FUNC(ft_last, "ret");

/* The last function of a section has no ret: execution runs off the end of the section. */
__asm__(".pushsection .text.ft_end, \"ax\", @progbits\n"
        ".globl ft_section_end\n"
        ".type ft_section_end, @function\n"
        "ft_section_end:\n"
        "test %edi, %edi\n"
        "je 1f\n"
        "ret\n"
        "1:\n"
        "mov $3, %eax\n"
        ".size ft_section_end, . - ft_section_end\n"
        ".popsection\n");
