// expect: return-modified-frame
// x30 saved and clobbered by the call, never reloaded: ret goes to the call's return address
	.text
	.globl f
	.type f, %function
f:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldr	x29, [sp], #16
	ret
	.size f, .-f
