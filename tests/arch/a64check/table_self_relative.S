// expect: none
// a jump table whose entries are relative to their own place (glibc's arm64 memcpy_thunderx2:
// `add x6, x6, x14, lsl #2; ldr w7, [x6]; add x6, x6, w7, sxtw; br x6`); entry 0 is a place
// holder for the index the code handles first
	.text
	.globl f
	.type f, %function
f:
	and	x14, x0, #3
	cbz	x14, 9f
	adrp	x6, tbl
	add	x6, x6, :lo12:tbl
	add	x6, x6, x14, lsl #2
	ldr	w7, [x6]
	add	x6, x6, w7, sxtw
	br	x6
1:	mov	x0, #1
	ret
2:	mov	x0, #2
	ret
3:	mov	x0, #3
	ret
9:	mov	x0, #0
	ret
	.size f, .-f
	.section .rodata
	.p2align 2
tbl:
	.word	0
	.word	1b - .
	.word	2b - .
	.word	3b - .
