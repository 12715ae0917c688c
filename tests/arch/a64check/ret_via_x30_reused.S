// expect: return-modified-frame
// the twin of ret_via_x15: returning through x30 after it was reused (the copy in x15 unused)
	.text
	.globl f
	.type f, %function
f:
	mov	x15, x30
	mov	x30, x0
	ret
	.size f, .-f
