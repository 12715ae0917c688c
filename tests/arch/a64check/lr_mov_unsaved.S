// expect: lr-clobbered return-modified-frame
// x30 overwritten by a plain move while it holds the only copy of the return address
// (both: the loss where it happens, and the return it breaks)
	.text
	.globl f
	.type f, %function
f:
	mov	x30, x0
	ret
	.size f, .-f
