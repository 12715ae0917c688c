// expect: lr-clobbered
// a call while x30 holds the only copy of the return address: the caller is lost
// (one finding, where the return address is lost; the return it breaks is not reported again)
	.text
	.globl f
	.type f, %function
f:
	bl	g
	ret
	.size f, .-f
