// expect: none
// a trap written as inline assembly, which the compiler believes falls through (glibc's _exit:
// exit_group, exit, `brk #1000`, then the loop back): the code after a reached trap is laid out
// as reachable, not dead code
	.text
	.globl f
	.type f, %function
f:
1:	mov	x8, #94
	svc	#0
	cbz	x0, 2f
	brk	#1000
	mov	x8, #93
	svc	#0
	b	1b
2:	ret
	.size f, .-f
