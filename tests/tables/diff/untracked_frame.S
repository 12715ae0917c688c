# analysis-untracked-frame (libffi's ffi_call_unix64): the code builds a frame record {saved
# rbp, return address} in an area its caller allocated (rdi + rsi), points %rbp at it and
# describes the CFA as rbp+32. The analysis does not track that memory: it keeps the CFA on
# %rsp (right as well: rsp has not moved) but cannot say where the caller's rbp went. Neither
# side is shown wrong. diff: untracked_frame+0x1a (the 2 instructions from the mov to %r10 up
# to the stack switch) in class analysis-untracked-frame, nothing unclassified.
	.text
	.globl	untracked_frame
	.type	untracked_frame, @function
untracked_frame:
	.cfi_startproc
	mov	(%rsp), %r10
	lea	(%rdi,%rsi), %rax
	mov	%rdx, (%rax)
	mov	%rcx, 8(%rax)
	mov	%rbp, 16(%rax)
	mov	%r10, 24(%rax)
	mov	%rax, %rbp
	.cfi_def_cfa %rbp, 32
	.cfi_offset %rbp, -16
	mov	%rdi, %r10
	mov	%rbp, %rsp
	.cfi_def_cfa %rsp, 32
	add	$16, %rsp
	.cfi_def_cfa_offset 16
	pop	%rbp
	.cfi_def_cfa_offset 8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	untracked_frame, .-untracked_frame
