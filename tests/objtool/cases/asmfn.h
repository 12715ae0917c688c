/* Helper for the objtool comparison cases: define a global function NAME whose whole body is
 * the given assembly (AT&T syntax), with a proper ELF type and size so that both objtool and
 * trustack see it as a function symbol. */
#define ASM_FUNC(name, body)                                                                  \
    __asm__(".pushsection .text\n"                                                            \
            ".globl " #name "\n"                                                              \
            ".type " #name ", @function\n"                                                    \
            ".p2align 4\n" #name ":\n" body "\n"                                              \
            ".size " #name ", . - " #name "\n"                                                \
            ".popsection\n")
