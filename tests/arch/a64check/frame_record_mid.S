// expect: none
// rules: fp
// a frame record in the middle of the frame (stp x29, x30, [sp, #48]; add x29, sp, #48)
	.text
	.globl f
	.type f, %function
f:
	sub	sp, sp, #64
	stp	x29, x30, [sp, #48]
	add	x29, sp, #48
	bl	g
	ldp	x29, x30, [sp, #48]
	add	sp, sp, #64
	ret
	.size f, .-f
