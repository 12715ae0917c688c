/*
 * regsave_prog.S - a frame whose CFA is based on a callee-saved register other than the frame
 * pointer, as in ld.so's lazy-binding trampoline (_dl_runtime_resolve_xsavec: push %rbx;
 * mov %rsp,%rbx; and $-64,%rsp; ...; call _dl_fixup): below it, the unwinder must find the
 * trampoline's rbx where its callees saved it.
 *
 *   main -> tramp(f, n)  CFA = rbx + 16 around the call (the stack is realigned)
 *           f            push %rbx, then rbx holds f's loop counter: rbx saved at CFA-16
 *           g            push %rbx, clobbers it: two frames below tramp save rbx
 *           h            keeps rbx in r11 (a caller-saved register) while it clobbers it: no
 *                        rule a table row can hold. Under f, f's slot has tramp's rbx; called
 *                        by tramp itself (`regsave_prog x`), traces from there must be
 *                        unreliable (lost-register), never wrong
 * The CFI is the assembler's, from the directives; verify-unwind's truth comes from
 * single-stepping, not from it.
 */
	.text
	.globl	tramp
	.type	tramp, @function
tramp:				/* void tramp(void (*fn)(long), long n) */
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	mov	%rsp, %rbx
	.cfi_def_cfa_register %rbx
	and	$-64, %rsp
	sub	$192, %rsp
	mov	%rdi, %rax
	mov	%rsi, %rdi
	call	*%rax
	mov	%rbx, %rsp
	.cfi_def_cfa_register %rsp
	pop	%rbx
	.cfi_restore %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	tramp, .-tramp

	.globl	f
	.type	f, @function
f:				/* void f(long n): g(i), h(i) for i = n .. 1 */
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	mov	%rdi, %rbx
1:	mov	%rbx, %rdi
	call	g
	mov	%rbx, %rdi
	call	h
	dec	%rbx
	jnz	1b
	pop	%rbx
	.cfi_restore %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	f, .-f

	.globl	g
	.type	g, @function
g:				/* void g(long n): a loop of 3n + 1 steps in rbx */
	.cfi_startproc
	push	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
	lea	1(%rdi,%rdi,2), %rbx
2:	dec	%rbx
	jnz	2b
	pop	%rbx
	.cfi_restore %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	g, .-g

	.globl	h
	.type	h, @function
h:				/* void h(long n): rbx kept in r11 while it counts 5 */
	.cfi_startproc
	mov	%rbx, %r11
	.cfi_register %rbx, %r11
	mov	$5, %ebx
3:	dec	%ebx
	jnz	3b
	mov	%r11, %rbx
	.cfi_restore %rbx
	ret
	.cfi_endproc
	.size	h, .-h

	.globl	main
	.type	main, @function
main:
	.cfi_startproc
	sub	$8, %rsp
	.cfi_def_cfa_offset 16
	cmp	$1, %edi
	jg	4f
	lea	f(%rip), %rdi		/* no argument: tramp(f, 20) */
	mov	$20, %esi
	call	tramp
	jmp	5f
4:	lea	h(%rip), %rdi		/* an argument: tramp(h, 1), rbx lost below tramp */
	mov	$1, %esi
	call	tramp
5:	xor	%eax, %eax
	add	$8, %rsp
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size	main, .-main
	.section .note.GNU-stack,"",@progbits
