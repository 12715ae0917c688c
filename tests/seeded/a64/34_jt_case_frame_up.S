/*
 * 34 - return-modified-frame: in a gcc-shaped jump table (ldrb, adr, add sxtb #2, br; no BTI)
 * dispatched with the frame up, one case returns without releasing it.  The twin's cases all
 * leave through the common epilogue.
 *
 * int jt_case_frame_up(int x, int y) { switch (x) { case 0: return g(y); case 1: return y + 1; ... } }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_jt_case_frame_up

#ifndef TWIN_ONLY
FUNC jt_case_frame_up
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w1
	cmp	w0, #3
	b.hi	.Lb_default
	adrp	x1, .Lb_table
	add	x1, x1, :lo12:.Lb_table
	ldrb	w1, [x1, w0, uxtw]
	adr	x0, .Lb_base
	add	x1, x0, w1, sxtb #2
	br	x1
.Lb_base:
	.section .rodata
.Lb_table:
	.byte	(.Lb_c0 - .Lb_base) / 4
	.byte	(.Lb_c1 - .Lb_base) / 4
	.byte	(.Lb_c2 - .Lb_base) / 4
	.byte	(.Lb_c3 - .Lb_base) / 4
	.text
.Lb_c0:
	mov	w0, w19
	bl	g
	b	.Lb_out
.Lb_c1:
	add	w0, w19, #1
	b	.Lb_out
.Lb_c2:
	lsl	w0, w19, #1
	ldr	x19, [sp, #16]
site_jt_case_frame_up:
	ret				/* BUG: frame record still on the stack */
.Lb_c3:
	sub	w0, w19, #3
	b	.Lb_out
.Lb_default:
	mov	w0, #0
.Lb_out:
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF jt_case_frame_up
#endif

FUNC jt_case_frame_up_ok
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w1
	cmp	w0, #3
	b.hi	.Lg_default
	adrp	x1, .Lg_table
	add	x1, x1, :lo12:.Lg_table
	ldrb	w1, [x1, w0, uxtw]
	adr	x0, .Lg_base
	add	x1, x0, w1, sxtb #2
	br	x1
.Lg_base:
	.section .rodata
.Lg_table:
	.byte	(.Lg_c0 - .Lg_base) / 4
	.byte	(.Lg_c1 - .Lg_base) / 4
	.byte	(.Lg_c2 - .Lg_base) / 4
	.byte	(.Lg_c3 - .Lg_base) / 4
	.text
.Lg_c0:
	mov	w0, w19
	bl	g
	b	.Lg_out
.Lg_c1:
	add	w0, w19, #1
	b	.Lg_out
.Lg_c2:
	lsl	w0, w19, #1
	b	.Lg_out
.Lg_c3:
	sub	w0, w19, #3
	b	.Lg_out
.Lg_default:
	mov	w0, #0
.Lg_out:
	ldr	x19, [sp, #16]
	ldp	x29, x30, [sp], #32
	ret
ENDF jt_case_frame_up_ok
