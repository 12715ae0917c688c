// expect: none
// x30 copied to a callee-saved register before the call and moved back: a valid place for it
	.text
	.globl f
	.type f, %function
f:
	stp	x19, x20, [sp, #-16]!
	mov	x19, x30
	bl	g
	mov	x30, x19
	ldp	x19, x20, [sp], #16
	ret
	.size f, .-f
