// expect: none
// rules: fp
// longjmp's shape (glibc's __longjmp): every callee-saved register, the frame pointer, the link
// register and the stack pointer loaded from a jump buffer, then a jump through x30. Loading
// another context is not a loss of the return address (lr-clobbered) nor the frame pointer used
// as a general register (fp-scratch).
	.text
	.globl f
	.type f, %function
f:
	ldp	x19, x20, [x0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x4, [x0, #104]
	mov	sp, x4
	mov	x0, x1
	br	x30
	.size f, .-f
