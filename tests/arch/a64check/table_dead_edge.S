// expect: none
// a halfword jump table whose bounded index is unbounded only on a path that cannot reach it
// (glibc's arm64 soft-fp code, libc.so.6 fde@0x133430): x3 = 0 on a loop's first round, then
// `sub x3, x3, #1; cmp x3, #0xb; b.hi; cmp w3, #0xb; b.ls table`: with x3 = -1 neither edge
// towards the table is possible, and that round's constant must not widen the compare-bounded
// index there (the table was taken for a tail call, case 2's block left unreached)
	.text
	.globl f
	.type f, %function
f:
	mov	x3, #0
1:	sub	x3, x3, #1	// x3 = 0 - 1 on the first round, a loaded value after
	cmp	x3, #0xb
	b.hi	9f
	cmp	w3, #0xb
	b.ls	3f
9:	ldr	x3, [x0], #8
	cbnz	x3, 1b
	mov	x0, #0
	ret
3:	adrp	x1, tbl
	add	x1, x1, :lo12:tbl
	ldrh	w1, [x1, w3, uxtw #1]
	adr	x3, 4f
	add	x1, x3, w1, sxth #2
	br	x1
4:	mov	x0, #1
	ret
5:	mov	x0, #2
	ret
6:	mov	x0, #3		// only entry 2 leads here
	ret
	.size f, .-f
	.section .rodata
	.p2align 1
tbl:
	.hword	(4b - 4b) >> 2, (5b - 4b) >> 2, (6b - 4b) >> 2, (5b - 4b) >> 2
	.hword	(4b - 4b) >> 2, (5b - 4b) >> 2, (4b - 4b) >> 2, (5b - 4b) >> 2
	.hword	(4b - 4b) >> 2, (5b - 4b) >> 2, (4b - 4b) >> 2, (5b - 4b) >> 2
