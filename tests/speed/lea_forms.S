/* Every encoding of lea with an absolute or rip-relative operand, and near misses, for
 * tests/speed/suite_prescan.sh: the byte scan of arch.h address_candidates must report each
 * absolute address the full decoder finds. */
	.text
	.globl	lea_forms
	.type	lea_forms, @function
lea_forms:
	lea	target(%rip), %rax		/* rip-relative */
	lea	target+0x40(%rip), %r12		/* with REX.R */
	lea	-0x10(%rip), %rdx		/* backwards */
	lea	0x601000, %rax			/* disp32 alone (SIB, no base, no index) */
	lea	0xfffffffffffff000, %rcx	/* sign-extended disp32 */
	addr32 lea 0x80001000, %rbx		/* 32-bit address size: zero-extended */
	addr32 lea target(%eip), %rsi		/* eip-relative: not absolute for the analysis */
	.byte	0x64				/* segment override (fs) ... */
	lea	target(%rip), %rdi		/* ... on a rip-relative lea */
	lea	0x1000(,%rax,8), %r8		/* index, no base: not absolute */
	lea	0x8d05(%rax), %r9		/* opcode byte inside a displacement */
	movabs	$0x0000058d48000000, %r10	/* lea-looking bytes inside an immediate */
	lea	target(%rip), %eax		/* 32-bit destination */
	ret
target:
	nop
	.size	lea_forms, .-lea_forms
	.section .note.GNU-stack,"",@progbits
