// expect: lr-clobbered
// x30 overwritten by a plain move while it holds the only copy of the return address
// (one finding, where the return address is lost; the return it breaks is not reported again)
	.text
	.globl f
	.type f, %function
f:
	mov	x30, x0
	ret
	.size f, .-f
