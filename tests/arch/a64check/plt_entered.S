// expect: none
// rules: stack
// link: -nostdlib -static -Wl,-e,_start
// ld.so's lazy-binding trampoline as glibc 2.36 writes it (sysdeps/aarch64/dl-trampoline.S, linked
// into static executables from libc.a): entered by ld's PLT0 (`stp x16, x30, [sp, #-16]!; ...;
// br x17`) with {&GOT[n], x30} pushed, never called. Its CFI keeps CFA = sp (the return address
// at cfa+8, above it); it pops the pair before the `br x16` to the resolved function. Analysed
// as entered by a call, the `bl _dl_fixup` loses x30 (lr-clobbered) and the `br x16` leaves sp
// 16 bytes above the CFA (sibling-call-modified-frame); from the PLT's state (the descriptor's
// plt_entry_pushed), nothing. `trustack diff` classes its CFI as table-misses-plt-push.
	.text
	.globl _start
	.type _start, %function
_start:
	.cfi_startproc
	.cfi_undefined x30
	mov	x29, #0
	mov	x30, #0
	bl	exit_now
	.cfi_endproc
	.size _start, .-_start

	.type exit_now, %function
exit_now:
	.cfi_startproc
	mov	x8, #93
	svc	#0
	brk	#1
	.cfi_endproc
	.size exit_now, .-exit_now

	.type _dl_fixup, %function
_dl_fixup:
	.cfi_startproc
	mov	x0, #0
	ret
	.cfi_endproc
	.size _dl_fixup, .-_dl_fixup

	.globl _dl_runtime_resolve
	.type _dl_runtime_resolve, %function
_dl_runtime_resolve:
	.cfi_startproc
	nop
	.cfi_rel_offset x30, 8
	stp	x8, x9, [sp, #-(80+8*16)]!
	.cfi_adjust_cfa_offset (80+8*16)
	.cfi_rel_offset x8, 0
	.cfi_rel_offset x9, 8
	stp	x6, x7, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x2, x3, [sp, #48]
	stp	x0, x1, [sp, #64]
	stp	q0, q1, [sp, #80]
	ldur	x0, [x16, #-8]
	ldr	x1, [sp, #80+8*16]
	sub	x1, x1, x16
	bl	_dl_fixup
	mov	x16, x0
	ldp	q0, q1, [sp, #80]
	ldp	x0, x1, [sp, #64]
	ldp	x2, x3, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #16]
	ldp	x8, x9, [sp], #(80+8*16)
	.cfi_adjust_cfa_offset -(80+8*16)
	ldp	x17, x30, [sp], #16
	.cfi_adjust_cfa_offset -16
	br	x16
	.cfi_endproc
	.size _dl_runtime_resolve, .-_dl_runtime_resolve
