// expect: none
// a call to a TLS descriptor's resolver (.tlsdesccall: R_AARCH64_TLSDESC_CALL) changes x0 and
// x30 only: x9 keeps the CFA across it (clang keeps a jump table's base in x15 that way)
	.text
	.globl f
	.type f, %function
f:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	add	x9, sp, #16
	adrp	x0, :tlsdesc:var
	ldr	x1, [x0, #:tlsdesc_lo12:var]
	add	x0, x0, #:tlsdesc_lo12:var
	.tlsdesccall var
	blr	x1
	mov	sp, x9
	ldp	x29, x30, [sp, #-16]
	ret
	.size f, .-f
	.section .tbss,"awT",%nobits
	.p2align 3
	.type var, %object
var:
	.zero 8
	.size var, 8
