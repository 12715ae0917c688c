/*
 * 41 - return-modified-frame: clang 14 -O1's dispatch loop over a halfword jump table entered
 * with a constant index (SQLite shell.c main+0x14c0 has this shape): `mov w8, #5; b disp` ...
 * `disp: cmp w8, #7; b.hi next; mov w8, w8; adr x9, base; ldrh w10, [x24, x8, lsl #1]; add x9,
 * x9, x10, lsl #2; br x9`, the cases setting the next state and branching back. The first round
 * reaches the jump with the index a constant, which the compare does not bound; only the cases
 * bring the other states. A second entry jumps past the compare with a constant index (`mov w8,
 * #1; cmp w8, #7; b.ls` to the `mov w8, w8`, as clang threads shell.c's: hand-added here), so
 * constants and the bounded index meet there in either order. The bug: case 3, reached only
 * through the table, returns with the frame up. The twin is clang's output as is but for that
 * entry (case 7's 200 calls written as a .rept: they push the offsets past a byte, so the table
 * is of halfwords). The clean helper is clang's output of the same loop without those calls
 * (a byte table), as is: entered with the constant only.
 *
 * int sm(const unsigned char *s, int n) { int state = 5, r = 0; for (int i = 0; i < n; i++) {
 *     again: switch (state) { case 0: r += g(s[i]); state = 1; break; case 1: state = s[i] ? 2 : 0;
 *     break; case 2: r ^= h(s[i]); state = 3; goto again; case 3: state = 0; break; case 4: r -= s[i];
 *     state = 2; goto again; case 5: r = g(r); state = 4; goto again; case 6: return r; case 7: r *= 3;
 *     (r = g(r + i) ^ h(r) for i in 0..99) state = 6; break; } } return r; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_jt_loop_const_index

#ifndef TWIN_ONLY
FUNC jt_loop_const_index
	stp	x29, x30, [sp, #-64]!
	stp	x24, x23, [sp, #16]
	mov	x29, sp
	stp	x22, x21, [sp, #32]
	stp	x20, x19, [sp, #48]
	cmp	w1, #1
	b.lt	.Lb_empty
	adrp	x24, .Lb_table
	mov	x19, x0
	mov	x22, xzr
	mov	w20, wzr
	mov	w23, w1
	mov	w8, #5			/* the first round's state: a constant index */
	add	x24, x24, :lo12:.Lb_table
	ldrb	w9, [x19]
	cmp	w9, #0x2d		/* '-': state 1 straight away, the constant */
	b.ne	.Lb_disp
	mov	w8, #1			/* compared and jumped past the dispatch's */
	cmp	w8, #7			/* compare (clang threads such jumps: shell.c */
	b.ls	.Lb_zext		/* main+0xdb4) */
	b	.Lb_next
.Lb_c5:				/* case 5, and the base of the table's offsets */
	mov	w0, w20
	bl	g
	mov	w20, w0
	mov	w8, #4
.Lb_disp:
	cmp	w8, #7
	b.hi	.Lb_next
.Lb_zext:
	mov	w8, w8
	adr	x9, .Lb_c5
	ldrh	w10, [x24, x8, lsl #1]
	add	x9, x9, x10, lsl #2
	br	x9
.Lb_c2:
	ldrb	w0, [x19, x22]
	bl	h
	mov	w8, #3
	eor	w20, w0, w20
	b	.Lb_disp
.Lb_c4:
	ldrb	w8, [x19, x22]
	sub	w20, w20, w8
	mov	w8, #2
	b	.Lb_disp
.Lb_c0:
	ldrb	w0, [x19, x22]
	bl	g
	mov	w8, #1
	add	w20, w0, w20
	b	.Lb_next
.Lb_c1:
	ldrb	w8, [x19, x22]
	cmp	w8, #0
	cset	w8, ne
	lsl	w8, w8, #1
	b	.Lb_next
.Lb_c3:
	mov	w0, w20
site_jt_loop_const_index:
	ret				/* BUG: state 3 returns with the frame up */
.Lb_c7:				/* case 7: 200 calls in clang's output, which put the table's
					 * offsets past a byte: a halfword table */
	add	w20, w20, w20, lsl #1
	.rept	100
	mov	w0, w20
	bl	g
	mov	w21, w0
	mov	w0, w20
	bl	h
	eor	w20, w0, w21
	.endr
	mov	w8, #6
.Lb_next:
	add	x22, x22, #1
	cmp	x22, x23
	b.ne	.Lb_disp
	b	.Lb_c6
.Lb_empty:
	mov	w20, wzr
.Lb_c6:				/* case 6: return */
	mov	w0, w20
	ldp	x20, x19, [sp, #48]
	ldp	x22, x21, [sp, #32]
	ldp	x24, x23, [sp, #16]
	ldp	x29, x30, [sp], #64
	ret
ENDF jt_loop_const_index
	.section .rodata
	.p2align 1
.Lb_table:
	.hword	(.Lb_c0 - .Lb_c5) >> 2
	.hword	(.Lb_c1 - .Lb_c5) >> 2
	.hword	(.Lb_c2 - .Lb_c5) >> 2
	.hword	(.Lb_c3 - .Lb_c5) >> 2
	.hword	(.Lb_c4 - .Lb_c5) >> 2
	.hword	(.Lb_c5 - .Lb_c5) >> 2
	.hword	(.Lb_c6 - .Lb_c5) >> 2
	.hword	(.Lb_c7 - .Lb_c5) >> 2
	.text
#endif

FUNC jt_loop_const_index_ok
	stp	x29, x30, [sp, #-64]!
	stp	x24, x23, [sp, #16]
	mov	x29, sp
	stp	x22, x21, [sp, #32]
	stp	x20, x19, [sp, #48]
	cmp	w1, #1
	b.lt	.Lg_empty
	adrp	x24, .Lg_table
	mov	x19, x0
	mov	x22, xzr
	mov	w20, wzr
	mov	w23, w1
	mov	w8, #5			/* the first round's state: a constant index */
	add	x24, x24, :lo12:.Lg_table
	ldrb	w9, [x19]
	cmp	w9, #0x2d		/* '-': state 1 straight away, the constant */
	b.ne	.Lg_disp
	mov	w8, #1			/* compared and jumped past the dispatch's */
	cmp	w8, #7			/* compare (clang threads such jumps: shell.c */
	b.ls	.Lg_zext		/* main+0xdb4) */
	b	.Lg_next
.Lg_c5:				/* case 5, and the base of the table's offsets */
	mov	w0, w20
	bl	g
	mov	w20, w0
	mov	w8, #4
.Lg_disp:
	cmp	w8, #7
	b.hi	.Lg_next
.Lg_zext:
	mov	w8, w8
	adr	x9, .Lg_c5
	ldrh	w10, [x24, x8, lsl #1]
	add	x9, x9, x10, lsl #2
	br	x9
.Lg_c2:
	ldrb	w0, [x19, x22]
	bl	h
	mov	w8, #3
	eor	w20, w0, w20
	b	.Lg_disp
.Lg_c4:
	ldrb	w8, [x19, x22]
	sub	w20, w20, w8
	mov	w8, #2
	b	.Lg_disp
.Lg_c0:
	ldrb	w0, [x19, x22]
	bl	g
	mov	w8, #1
	add	w20, w0, w20
	b	.Lg_next
.Lg_c1:
	ldrb	w8, [x19, x22]
	cmp	w8, #0
	cset	w8, ne
	lsl	w8, w8, #1
	b	.Lg_next
.Lg_c3:
	mov	w8, wzr
	b	.Lg_next
.Lg_c7:				/* case 7: 200 calls in clang's output, which put the table's
					 * offsets past a byte: a halfword table */
	add	w20, w20, w20, lsl #1
	.rept	100
	mov	w0, w20
	bl	g
	mov	w21, w0
	mov	w0, w20
	bl	h
	eor	w20, w0, w21
	.endr
	mov	w8, #6
.Lg_next:
	add	x22, x22, #1
	cmp	x22, x23
	b.ne	.Lg_disp
	b	.Lg_c6
.Lg_empty:
	mov	w20, wzr
.Lg_c6:				/* case 6: return */
	mov	w0, w20
	ldp	x20, x19, [sp, #48]
	ldp	x22, x21, [sp, #32]
	ldp	x24, x23, [sp, #16]
	ldp	x29, x30, [sp], #64
	ret
ENDF jt_loop_const_index_ok
	.section .rodata
	.p2align 1
.Lg_table:
	.hword	(.Lg_c0 - .Lg_c5) >> 2
	.hword	(.Lg_c1 - .Lg_c5) >> 2
	.hword	(.Lg_c2 - .Lg_c5) >> 2
	.hword	(.Lg_c3 - .Lg_c5) >> 2
	.hword	(.Lg_c4 - .Lg_c5) >> 2
	.hword	(.Lg_c5 - .Lg_c5) >> 2
	.hword	(.Lg_c6 - .Lg_c5) >> 2
	.hword	(.Lg_c7 - .Lg_c5) >> 2
	.text

/* Clean helper, clang 14 -O1 -fPIE output of the C above without case 7's calls (a byte table),
 * as is: its only entry into the dispatch is the constant 5 */
	.p2align 2
FUNC jt_loop_byte_clean
	stp	x29, x30, [sp, #-64]!
	str	x23, [sp, #16]
	mov	x29, sp
	stp	x22, x21, [sp, #32]
	stp	x20, x19, [sp, #48]
	cmp	w1, #1
	b.lt	.Lc_12
	adrp	x23, .Lc_table
	mov	x19, x0
	mov	x21, xzr
	mov	w20, wzr
	mov	w22, w1
	mov	w8, #5
	add	x23, x23, :lo12:.Lc_table
	b	.Lc_3
.Lc_2:
	mov	w0, w20
	bl	g
	mov	w20, w0
	mov	w8, #4
.Lc_3:
	cmp	w8, #7
	b.hi	.Lc_11
	mov	w8, w8
	adr	x9, .Lc_2
	ldrb	w10, [x23, x8]
	add	x9, x9, x10, lsl #2
	br	x9
.Lc_5:
	ldrb	w0, [x19, x21]
	bl	h
	mov	w8, #3
	eor	w20, w0, w20
	b	.Lc_3
.Lc_6:
	ldrb	w8, [x19, x21]
	sub	w20, w20, w8
	mov	w8, #2
	b	.Lc_3
.Lc_7:
	ldrb	w0, [x19, x21]
	bl	g
	mov	w8, #1
	add	w20, w0, w20
	b	.Lc_11
.Lc_8:
	ldrb	w8, [x19, x21]
	cmp	w8, #0
	cset	w8, ne
	lsl	w8, w8, #1
	b	.Lc_11
.Lc_9:
	mov	w8, wzr
	b	.Lc_11
.Lc_10:
	add	w20, w20, w20, lsl #1
	mov	w8, #6
.Lc_11:
	add	x21, x21, #1
	cmp	x21, x22
	b.ne	.Lc_3
	b	.Lc_13
.Lc_12:
	mov	w20, wzr
.Lc_13:
	mov	w0, w20
	ldr	x23, [sp, #16]
	ldp	x20, x19, [sp, #48]
	ldp	x22, x21, [sp, #32]
	ldp	x29, x30, [sp], #64
	ret
ENDF jt_loop_byte_clean
	.section .rodata
.Lc_table:
	.byte	(.Lc_7-.Lc_2)>>2
	.byte	(.Lc_8-.Lc_2)>>2
	.byte	(.Lc_5-.Lc_2)>>2
	.byte	(.Lc_9-.Lc_2)>>2
	.byte	(.Lc_6-.Lc_2)>>2
	.byte	(.Lc_2-.Lc_2)>>2
	.byte	(.Lc_13-.Lc_2)>>2
	.byte	(.Lc_10-.Lc_2)>>2
	.text
