# context-switch, libgcc's eh_return epilogue (_Unwind_RaiseException): the registers are
# reloaded for the handler's frame, and at `mov %rcx,%rsp` the CFI already describes that frame
# (cfa=rcx+8), which the code switches to with that very instruction. diff: eh_return+0x11
# (1 instruction) in class context-switch, nothing unclassified.
	.text
	.globl	eh_return
	.type	eh_return, @function
eh_return:
	.cfi_startproc
	push	%rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	sub	$32, %rsp
	lea	8(%rbp,%rcx), %rcx
	mov	(%rbp), %rbp
	.cfi_def_cfa %rcx, 8
	.cfi_restore %rbp
	mov	%rcx, %rsp
	pop	%rcx
	jmp	*%rcx
	.cfi_endproc
	.size	eh_return, .-eh_return
