// expect: lr-clobbered return-modified-frame
// a call while x30 holds the only copy of the return address: the caller is lost
// (both: the loss where it happens, and the return it breaks)
	.text
	.globl f
	.type f, %function
f:
	bl	g
	ret
	.size f, .-f
