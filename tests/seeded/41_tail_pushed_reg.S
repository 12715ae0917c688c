/*
 * 41 - sibling-call-modified-frame in a frameless leaf: the function lowercases
 * a string in place and tail-calls the external hash_str, but the %rbx it
 * pushed is still on the stack at the jmp.
 *
 * unsigned long tail_pushed_reg(char *s)   lowercase s, return hash_str(s)
 */
# EXPECT stack sibling-call-modified-frame site_tail_pushed_reg

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	tail_pushed_reg
	.type	tail_pushed_reg, @function
tail_pushed_reg:
	pushq	%rbx
	movq	%rdi, %rbx
	movq	%rdi, %rax
.Lb_loop:
	movzbl	(%rax), %edx
	testb	%dl, %dl
	je	.Lb_done
	leal	-65(%rdx), %ecx
	cmpb	$25, %cl
	ja	.Lb_next
	orb	$32, %dl
	movb	%dl, (%rax)
.Lb_next:
	incq	%rax
	jmp	.Lb_loop
.Lb_done:
	movq	%rbx, %rdi
site_tail_pushed_reg:
	jmp	hash_str		# BUG: popq %rbx missing
	.size	tail_pushed_reg, .-tail_pushed_reg
#endif

	.p2align 4
	.globl	tail_pushed_reg_ok
	.type	tail_pushed_reg_ok, @function
tail_pushed_reg_ok:
	pushq	%rbx
	movq	%rdi, %rbx
	movq	%rdi, %rax
.Lg_loop:
	movzbl	(%rax), %edx
	testb	%dl, %dl
	je	.Lg_done
	leal	-65(%rdx), %ecx
	cmpb	$25, %cl
	ja	.Lg_next
	orb	$32, %dl
	movb	%dl, (%rax)
.Lg_next:
	incq	%rax
	jmp	.Lg_loop
.Lg_done:
	movq	%rbx, %rdi
	popq	%rbx
	jmp	hash_str
	.size	tail_pushed_reg_ok, .-tail_pushed_reg_ok

	.section .note.GNU-stack,"",@progbits
