/*
 * 02 - lr-clobbered: bl overwrites x30 while it holds the only copy of the return address (no
 * prologue at all).  The return that follows is the consequence, not a second finding.  Under
 * the fp rules the call is also made without a frame record.
 *
 * int lr_unsaved_bl(int x) { return g(x) + 1; }
 */
#include "a64.h"
# EXPECT stack lr-clobbered site_lr_unsaved_bl
# EXPECT fp call-without-frame site_lr_unsaved_bl

#ifndef TWIN_ONLY
FUNC lr_unsaved_bl
site_lr_unsaved_bl:
	bl	g			/* BUG: x30 not saved */
	add	w0, w0, #1
	ret
ENDF lr_unsaved_bl
#endif

/* gcc -O2 */
FUNC lr_unsaved_bl_ok
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	ret
ENDF lr_unsaved_bl_ok
