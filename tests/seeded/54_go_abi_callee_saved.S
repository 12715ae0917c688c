/*
 * 54 - return-modified-frame in the C code of a Go program: a cgo function (C, compiled with
 * CFI) changes %rbx and returns without restoring it, which the psABI its C callers rely on
 * forbids. The twin is the shape of every Go function (docker, gcloud's Go binaries): Go's
 * internal ABI has no callee-saved register but the stack and frame pointers
 * (src/cmd/compile/abi-internal.md in Go's sources), so a Go function (no .eh_frame FDE: Go's
 * compiler emits none) may change %rbx freely; it must still restore %rbp.
 * The .go.buildinfo section makes the object a Go program.
 *
 * go_abi_c_helper: the argument in %rbx (Go's first registers are rax, rbx, rcx...) spilled,
 * then incremented; go_abi_c_helper_ok: the same in Go (ABIInternal), with a frame record
 */
# EXPECT stack return-modified-frame site_go_abi_c_helper

	.section .go.buildinfo,"aw"
	.quad	0
	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	go_abi_c_helper
	.type	go_abi_c_helper, @function
go_abi_c_helper:
	.cfi_startproc
	movq	%rbx, 16(%rsp)		# Go spills its argument registers there
	addq	$1, %rbx		# BUG: C code must preserve %rbx
	movq	%rbx, %rax
site_go_abi_c_helper:
	ret
	.cfi_endproc
	.size	go_abi_c_helper, .-go_abi_c_helper
#endif

	.p2align 4
	.globl	go_abi_c_helper_ok
	.type	go_abi_c_helper_ok, @function
go_abi_c_helper_ok:			# the same as a Go function: no CFI
	pushq	%rbp
	movq	%rsp, %rbp
	movq	%rbx, 24(%rsp)		# the argument in %rbx spilled to the caller's spill area
	addq	$1, %rbx		# any register but %rsp and %rbp is the callee's
	movq	%rbx, %rax
	popq	%rbp
	ret
	.size	go_abi_c_helper_ok, .-go_abi_c_helper_ok

	.section .note.GNU-stack,"",@progbits
