// expect: none
// FEAT_MOPS copies and sets (glibc's __memcpy_mops, __memmove_mops, __memset_mops in Debian's
// arm64 libc.a: a prologue, main and epilogue instruction each, given as words since gas needs
// -march=armv8.8-a for them), and a framed function that copies into its own stack buffer
	.text
	.globl memcpy_mops
	.type memcpy_mops, %function
memcpy_mops:
	nop
	mov	x3, x0
	.inst	0x19010443	// cpyfp [x3]!, [x1]!, x2!
	.inst	0x19410443	// cpyfm [x3]!, [x1]!, x2!
	.inst	0x19810443	// cpyfe [x3]!, [x1]!, x2!
	ret
	.size memcpy_mops, .-memcpy_mops

	.globl memmove_mops
	.type memmove_mops, %function
memmove_mops:
	nop
	mov	x3, x0
	.inst	0x1d010443	// cpyp [x3]!, [x1]!, x2!
	.inst	0x1d410443	// cpym [x3]!, [x1]!, x2!
	.inst	0x1d810443	// cpye [x3]!, [x1]!, x2!
	ret
	.size memmove_mops, .-memmove_mops

	.globl memset_mops
	.type memset_mops, %function
memset_mops:
	nop
	mov	x3, x0
	.inst	0x19c10443	// setp [x3]!, x2!, x1
	.inst	0x19c14443	// setm [x3]!, x2!, x1
	.inst	0x19c18443	// sete [x3]!, x2!, x1
	ret
	.size memset_mops, .-memset_mops

	.globl copy_to_stack
	.type copy_to_stack, %function
copy_to_stack:
	stp	x29, x30, [sp, #-48]!
	mov	x29, sp
	mov	x1, x0
	add	x0, sp, #16
	mov	x2, #32
	.inst	0x19010440	// cpyfp [x0]!, [x1]!, x2!
	.inst	0x19410440	// cpyfm [x0]!, [x1]!, x2!
	.inst	0x19810440	// cpyfe [x0]!, [x1]!, x2!
	add	x0, sp, #16
	bl	use
	ldp	x29, x30, [sp], #48
	ret
	.size copy_to_stack, .-copy_to_stack
