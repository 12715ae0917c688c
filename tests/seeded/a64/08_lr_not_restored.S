/*
 * 08 - return-modified-frame: x30 is saved in the frame record but the epilogue reloads only
 * x29, so ret jumps to the return address of the call to g.
 *
 * int lr_not_restored(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_lr_not_restored

#ifndef TWIN_ONLY
FUNC lr_not_restored
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldr	x29, [sp], #16		/* BUG: ldp x29, x30 intended */
site_lr_not_restored:
	ret
ENDF lr_not_restored
#endif

FUNC lr_not_restored_ok
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	ret
ENDF lr_not_restored_ok
