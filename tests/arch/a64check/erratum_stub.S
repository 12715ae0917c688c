// expect: none
// GNU ld's fix for Cortex-A53 erratum 843419 moves a load after an adrp at the end of a page into
// a stub after the code: `b stub` ... `stub: ldr; b back`, outside every function. The stub is
// part of the function that jumps there, not a tail call with the frame set up.
	.text
	.globl f
	.type f, %function
f:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	adrp	x0, g
	b	1f
2:	bl	g
	ldp	x29, x30, [sp], #16
	ret
	.size f, .-f
	.globl g
	.type g, %function
g:
	ret
	.size g, .-g
1:	ldr	x2, [x0]
	b	2b
