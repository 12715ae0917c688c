// expect: undefined-stack
// the twin of tlsdesc_keeps.S through an ordinary indirect call: x9 is not kept, the stack
// pointer restored from it is unknown where the frame record is loaded
	.text
	.globl f
	.type f, %function
f:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	add	x9, sp, #16
	blr	x1
	mov	sp, x9
	ldp	x29, x30, [sp, #-16]
	ret
	.size f, .-f
