// expect: none
// the return address copied to x15 and returned through (`ret x15`) while x30 is reused
	.text
	.globl f
	.type f, %function
f:
	mov	x15, x30
	mov	x30, x0
	ret	x15
	.size f, .-f
