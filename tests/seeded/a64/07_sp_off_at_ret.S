/*
 * 07 - return-modified-frame: the -O0 leaf allocates 32 bytes and returns without releasing
 * them.
 *
 * int sp_off_at_ret(int x) { int y = x * x; return y; }   gcc -O0 shape
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_sp_off_at_ret

#ifndef TWIN_ONLY
FUNC sp_off_at_ret
	sub	sp, sp, #32
	str	w0, [sp, #12]
	ldr	w0, [sp, #12]
	mul	w0, w0, w0
	str	w0, [sp, #28]
	ldr	w0, [sp, #28]
site_sp_off_at_ret:
	ret				/* BUG: add sp, sp, #32 missing */
ENDF sp_off_at_ret
#endif

FUNC sp_off_at_ret_ok
	sub	sp, sp, #32
	str	w0, [sp, #12]
	ldr	w0, [sp, #12]
	mul	w0, w0, w0
	str	w0, [sp, #28]
	ldr	w0, [sp, #28]
	add	sp, sp, #32
	ret
ENDF sp_off_at_ret_ok
