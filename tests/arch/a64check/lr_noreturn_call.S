// expect: none
// a call to a function that never returns needs no saved return address
	.text
	.globl f
	.type f, %function
f:
	bl	abort
	.size f, .-f
