/*
 * The s390x-specific classes of `trustack diff` (docs/diff.md), each from the pattern it was
 * found in, with the CFI its producer writes. tests/arch/suite_s390xtables.sh expects exactly:
 *   table-early-cfa 1      (early_cfa: gcc 12's leaf epilogue restoring r15 from an FPR, the
 *                           CFA change on the first lgdr: glibc's ether_aton_r, frexpl)
 *   context-switch 1       (longjmp_tail: glibc's s390x longjmp, another context's r6-r13
 *                           loaded while the CFI still describes the caller's; then the
 *                           analysis has no CFA at its `br %r4`: analysis-undefined 1, and
 *                           the `j .` guard after it: analysis-unreached 1)
 *   other-return-column 7  (fentry: glibc's __fentry__, entered by `brasl %r0`, CIE return
 *                           column r0)
 * and nothing unclassified.
 */
	.section .note.GNU-stack, "", @progbits
	.text

	.globl	early_cfa
	.type	early_cfa, @function
early_cfa:
	.cfi_startproc
	ldgr	%f2,%r11
	.cfi_register 11, 17
	ldgr	%f0,%r15
	.cfi_register 15, 16
	lay	%r15,-168(%r15)
	.cfi_def_cfa_offset 328
	lghi	%r11,1
	stg	%r11,160(%r15)
	lg	%r2,160(%r15)
	lgdr	%r11,%f2		/* gcc: the CFA change here, one lgdr early */
	.cfi_remember_state
	.cfi_restore 11
	.cfi_def_cfa_offset 160
	lgdr	%r15,%f0
	.cfi_restore 15
	br	%r14
	.cfi_restore_state
	.cfi_endproc
	.size	early_cfa, .-early_cfa

	.globl	longjmp_tail
	.type	longjmp_tail, @function
longjmp_tail:
	.cfi_startproc
	lgr	%r1,%r2
	lg	%r4,64(%r1)
	lg	%r5,72(%r1)
	lmg	%r6,%r13,0(%r1)		/* every callee-saved register of another context */
	lgr	%r15,%r5
	br	%r4
	j	.
	.cfi_endproc
	.size	longjmp_tail, .-longjmp_tail

	/* the CIE of glibc's s390x __fentry__ (sysdeps/s390/s390-64/s390x-mcount.S): called with
	 * `brasl %r0,__fentry__` from a function's first instruction */
	.globl	fentry
	.type	fentry, @function
fentry:
	.cfi_startproc
	.cfi_return_column 0
	aghi	%r15,-224
	.cfi_adjust_cfa_offset 224
	.cfi_val_offset 15, -160
	stmg	%r14,%r5,160(%r15)
	.cfi_rel_offset 14, 0
	.cfi_rel_offset 0, 16
	lg	%r2,160(%r15)
	lmg	%r14,%r5,160(%r15)
	aghi	%r15,224
	.cfi_adjust_cfa_offset -224
	lgr	%r1,%r0
	br	%r1
	.cfi_endproc
	.size	fentry, .-fentry
