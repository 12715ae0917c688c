/*
 * 03 - lr-clobbered: an indirect call (blr) while x30 holds the only copy of the return
 * address; x19 is saved, x30 is forgotten.  Stack rules only: the twin is gcc
 * -fomit-frame-pointer code, which keeps no frame record (correct without --rules=fp).
 *
 * int lr_unsaved_blr(int (*fn)(int), int x) { return fn(x) * x; }
 */
#include "a64.h"
# RULES stack
# EXPECT stack lr-clobbered site_lr_unsaved_blr

#ifndef TWIN_ONLY
FUNC lr_unsaved_blr
	str	x19, [sp, #-16]!
	mov	x2, x0
	mov	w19, w1
	mov	w0, w1
site_lr_unsaved_blr:
	blr	x2			/* BUG: x30 not saved */
	mul	w0, w0, w19
	ldr	x19, [sp], #16
	ret
ENDF lr_unsaved_blr
#endif

/* gcc -O2 -fomit-frame-pointer */
FUNC lr_unsaved_blr_ok
	stp	x19, x30, [sp, #-16]!
	mov	x2, x0
	mov	w19, w1
	mov	w0, w1
	blr	x2
	mul	w0, w0, w19
	ldp	x19, x30, [sp], #16
	ret
ENDF lr_unsaved_blr_ok
