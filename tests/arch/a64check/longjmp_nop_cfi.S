// expect: none
// rules: stack
// link: -nostdlib -static -s -Wl,-e,_start
// glibc 2.36's arm64 __longjmp (sysdeps/aarch64/__longjmp.S) in a stripped file (libc.so.6: no
// symbol, only its FDE): BTI_C (a nop without BTI), then CFI that puts the CFA on x0, the jmp_buf
// it loads x19-x30 and sp from. A leading nop followed by another row is also how gcc starts a
// .cold part whose first instruction is a landing pad; taken for one, it was analysed inside its
// callers' units with their frames, and `trustack diff` could not class its rows (libc: 28
// unclassified instructions). A CFA on another register than sp or x29 is no cold part's frame:
// it is a function of its own, and its rows are context-switch.
	.text
	.globl _start
	.type _start, %function
_start:
	.cfi_startproc
	.cfi_undefined x30
	mov	x29, #0
	mov	x30, #0
	adrp	x0, buf
	add	x0, x0, :lo12:buf
	bl	jumper
	.cfi_endproc
	.size _start, .-_start

	.type jumper, %function
jumper:
	.cfi_startproc
	stp	x29, x30, [sp, #-32]!
	.cfi_def_cfa_offset 32
	.cfi_offset x29, -32
	.cfi_offset x30, -24
	mov	x29, sp
	str	x19, [sp, #16]
	.cfi_offset x19, -16
	mov	x19, x0
	mov	w1, #1
	bl	longjmp_impl
	.cfi_endproc
	.size jumper, .-jumper

	.type longjmp_impl, %function
longjmp_impl:
	.cfi_startproc
	nop
	.cfi_def_cfa x0, 0
	.cfi_offset x19, 0
	.cfi_offset x20, 8
	.cfi_offset x21, 16
	.cfi_offset x22, 24
	.cfi_offset x23, 32
	.cfi_offset x24, 40
	.cfi_offset x25, 48
	.cfi_offset x26, 56
	.cfi_offset x27, 64
	.cfi_offset x28, 72
	.cfi_offset x29, 80
	.cfi_offset x30, 88
	ldp	x19, x20, [x0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x4, [x0, #80]
	mov	x30, x4
	ldr	x5, [x0, #104]
	.cfi_same_value x19
	.cfi_same_value x20
	.cfi_same_value x21
	.cfi_same_value x22
	.cfi_same_value x23
	.cfi_same_value x24
	.cfi_same_value x25
	.cfi_same_value x26
	.cfi_same_value x27
	.cfi_same_value x28
	.cfi_same_value x29
	.cfi_same_value x30
	mov	sp, x5
	cmp	x1, #0
	mov	x0, #1
	csel	x0, x1, x0, ne
	br	x30
	.cfi_endproc
	.size longjmp_impl, .-longjmp_impl

	.data
	.balign 8
buf:	.zero 128
