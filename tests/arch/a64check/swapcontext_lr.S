// expect: lr-clobbered
// rules: stack
// glibc 2.36's arm64 swapcontext (sysdeps/unix/sysv/linux/aarch64/swapcontext.S): it stores the
// return address into the ucontext (off the stack), then sets x30 to the resume point of the
// saved context; x30 is then no longer the caller's (lr-clobbered, a deliberate deviation in
// docs/known-library-defects.md). Its CFI keeps "return address in x30": `trustack diff` puts
// those rows in analysis-undefined (the loss check reports), not unclassified.
	.text
	.globl swapctx
	.type swapctx, %function
swapctx:
	.cfi_startproc
	nop
	stp	xzr, x30, [x0, #184]
	adr	x30, resume
	stp	x18, x19, [x0, #328]
	stp	x28, x29, [x0, #408]
	str	x30, [x0, #424]
	mov	x2, sp
	str	x2, [x0, #432]
	mov	x0, #0
	ret
	.cfi_endproc
	.size swapctx, .-swapctx

	.globl resume
	.type resume, %function
resume:
	.cfi_startproc
	mov	x0, #0
	ret
	.cfi_endproc
	.size resume, .-resume
