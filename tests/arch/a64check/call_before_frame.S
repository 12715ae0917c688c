// expect: call-without-frame
// rules: fp
// x30 kept in x19, but the call is made before a frame record is set up
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
