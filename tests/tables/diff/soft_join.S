# Correct CFI; the shape of libpython's PyOS_AfterFork_Child (issue 17). A loop keeps a
# pointer into its frame in a callee-saved register (r14 = rsp+32 = cfa-32); on one path it
# moves the stack pointer down for a call to `fail`, a function of this file that never
# returns (its code ends in exit): the analysis only infers that, so it follows the code after
# the call as if the call returned, on a "soft" path, with the stack pointer 32 bytes lower.
# That path falls into .Lnext, which the loop's real path reaches too. A soft path must never
# widen a real state there: it did, the stack pointer became unknown at .Lnext and in the
# loop, and the analysis took r14+32 as the CFA where the table says rsp+64 (unclassified).
# diff must agree everywhere.
	.text
	.globl	fail
	.type	fail, @function
fail:
	.cfi_startproc
	sub	$8, %rsp
	.cfi_def_cfa_offset 16
	mov	$1, %edi
	call	exit
	.cfi_endproc
	.size	fail, .-fail

	.globl	soft_join
	.type	soft_join, @function
soft_join:
	.cfi_startproc
	push	%r14
	.cfi_def_cfa_offset 16
	.cfi_offset %r14, -16
	push	%rbx
	.cfi_def_cfa_offset 24
	.cfi_offset %rbx, -24
	sub	$40, %rsp
	.cfi_def_cfa_offset 64
	lea	32(%rsp), %r14
	mov	%rdi, %rbx
.Lloop:
	test	%rbx, %rbx
	je	.Lout
	cmpq	$1, (%rbx)
	jne	.Lnext
	jmp	.Lbad
.Lout:
	add	$40, %rsp
	.cfi_def_cfa_offset 24
	pop	%rbx
	.cfi_def_cfa_offset 16
	pop	%r14
	.cfi_def_cfa_offset 8
	ret
	.cfi_def_cfa_offset 64
.Lbad:
	sub	$32, %rsp
	.cfi_def_cfa_offset 96
	mov	%r14, %rdi
	call	fail
	.cfi_def_cfa_offset 64
.Lnext:
	mov	%r14, %rdi
	call	ext
	mov	8(%rbx), %rbx
	jmp	.Lloop
	.cfi_endproc
	.size	soft_join, .-soft_join
