/*
 * 06 - fp-scratch (fp rules): a leaf without a frame record saves x29 and uses it as an
 * ordinary register.  Saved and restored, so clean under the stack rules; the twin uses a
 * caller-saved register instead.
 *
 * long fp_scratch(const long *a) { return a[1] + a[2]; }
 */
#include "a64.h"
# EXPECT fp fp-scratch site_fp_scratch

#ifndef TWIN_ONLY
FUNC fp_scratch
	str	x29, [sp, #-16]!
site_fp_scratch:
	add	x29, x0, #8		/* BUG: x29 as a general register */
	ldr	x0, [x29]
	ldr	x1, [x29, #8]
	add	x0, x0, x1
	ldr	x29, [sp], #16
	ret
ENDF fp_scratch
#endif

FUNC fp_scratch_ok
	add	x9, x0, #8
	ldr	x0, [x9]
	ldr	x1, [x9, #8]
	add	x0, x0, x1
	ret
ENDF fp_scratch_ok
