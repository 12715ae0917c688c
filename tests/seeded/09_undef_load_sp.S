/*
 * 09 - undefined-stack: register-name typo.  A saved stack pointer is read
 * out of a context structure to be returned, but it is loaded into %rsp
 * instead of %rax.  The stack state is unknown from there on; the ret uses it.
 *
 * unsigned long undef_load_sp(const struct ctx *c)
 *     c->sp if c->valid and not c->busy, else 0
 */
# EXPECT stack undefined-stack site_undef_load_sp

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	undef_load_sp
	.type	undef_load_sp, @function
undef_load_sp:
	cmpl	$0, (%rdi)
	je	.Lb_invalid
	testl	$1, 4(%rdi)
	jne	.Lb_invalid
	movq	8(%rdi), %rsp		# BUG: meant %rax
site_undef_load_sp:
	ret
.Lb_invalid:
	xorl	%eax, %eax
	ret
	.size	undef_load_sp, .-undef_load_sp
#endif

	.p2align 4
	.globl	undef_load_sp_ok
	.type	undef_load_sp_ok, @function
undef_load_sp_ok:
	cmpl	$0, (%rdi)
	je	.Lg_invalid
	testl	$1, 4(%rdi)
	jne	.Lg_invalid
	movq	8(%rdi), %rax
	ret
.Lg_invalid:
	xorl	%eax, %eax
	ret
	.size	undef_load_sp_ok, .-undef_load_sp_ok

	.section .note.GNU-stack,"",@progbits
