// expect: lr-clobbered
// the twin of context_load.S with x28 kept: not another context, so loading x30 while it holds
// the only copy of the return address loses the caller (reported once, there)
	.text
	.globl f
	.type f, %function
f:
	ldp	x19, x20, [x0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldr	x27, [x0, #64]
	ldr	x30, [x0, #88]
	ret
	.size f, .-f
