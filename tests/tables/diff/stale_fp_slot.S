# table-stale-fp-slot (clang 14's shrink-wrapping, libclang-cpp fde@0x25235f0): an early exit
# (`test; jz`) jumps to the ret that the epilogue falls into; the CFI follows address order, so
# at the ret it keeps "rbp at cfa-16" from the body. On the early path rbp was never saved:
# the slot holds nothing of the caller's. diff: stale_fp_slot+0xc (the ret: 1 instruction).
# stale_fp_slot_fixed.S restores rbp's rule after the pop: it agrees everywhere.
	.text
	.globl	stale_fp_slot
	.type	stale_fp_slot, @function
stale_fp_slot:
	.cfi_startproc
	test	%rdi, %rdi
	jz	.Lout
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	(%rdi), %rbp
	call	*%rbp
	pop	%rbp
	.cfi_def_cfa_offset 8
.Lout:
	ret
	.cfi_endproc
	.size	stale_fp_slot, .-stale_fp_slot
