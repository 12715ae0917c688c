/*
 * 17 - unreachable: code after a call to abort, which never returns, is dead.
 *
 * int unreachable_after_abort(int *p) { if (!p) abort(); return *p; }
 */
#include "a64.h"
# EXPECT stack unreachable site_unreachable_after_abort

#ifndef TWIN_ONLY
FUNC unreachable_after_abort
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	cbz	x0, .Lb_die
	ldr	w0, [x0]
	ldp	x29, x30, [sp], #16
	ret
.Lb_die:
	bl	abort
site_unreachable_after_abort:
	ldp	x29, x30, [sp], #16	/* BUG: dead */
	ret
ENDF unreachable_after_abort
#endif

FUNC unreachable_after_abort_ok
	cbz	x0, .Lg_die
	ldr	w0, [x0]
	ret
.Lg_die:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	abort
ENDF unreachable_after_abort_ok
