// expect: none
// the twin of lr_call_unsaved: x30 saved in a frame record first
	.text
	.globl f
	.type f, %function
f:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldp	x29, x30, [sp], #16
	ret
	.size f, .-f
