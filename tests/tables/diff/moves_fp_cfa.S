# table-moves-fp-cfa (glibc 2.36's libmvec wrappers): the CFA is on %rbp after `mov %rsp,%rbp`
# and a realignment, but the CFI adjusts the CFA offset at each push as if it were on %rsp.
# diff: moves_fp_cfa+0xa (push %r14: rbp+24), +0xc (the call and the pop of r14: rbp+32),
# +0x13 (the pop of r13: rbp+24): 4 instructions where the table says rbp+24/32 and the CFA is
# rbp+16. moves_fp_cfa_fixed.S has no adjustments there: it agrees everywhere.
	.text
	.globl	moves_fp_cfa
	.type	moves_fp_cfa, @function
moves_fp_cfa:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	and	$-32, %rsp
	push	%r13
	.cfi_adjust_cfa_offset 8
	push	%r14
	.cfi_adjust_cfa_offset 8
	call	ext
	pop	%r14
	.cfi_adjust_cfa_offset -8
	pop	%r13
	.cfi_adjust_cfa_offset -8
	mov	%rbp, %rsp
	.cfi_def_cfa_register %rsp
	pop	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	moves_fp_cfa, .-moves_fp_cfa
