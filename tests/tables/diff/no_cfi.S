# A function the table lacks (hand-written, no CFI) next to one it covers: table-lacks-function
# for every instruction of bare (3), and agreement on covered.
	.text
	.globl	covered
	.type	covered, @function
covered:
	.cfi_startproc
	xor	%eax, %eax
	ret
	.cfi_endproc
	.size	covered, .-covered
	.globl	bare
	.type	bare, @function
bare:
	push	%rbx
	pop	%rbx
	ret
	.size	bare, .-bare
