# moves_fp_cfa.S with correct CFI (no CFA adjustments while the CFA is on %rbp): the analysis
# and the table agree at every instruction.
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
	push	%r14
	call	ext
	pop	%r14
	pop	%r13
	mov	%rbp, %rsp
	.cfi_def_cfa_register %rsp
	pop	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	moves_fp_cfa, .-moves_fp_cfa
