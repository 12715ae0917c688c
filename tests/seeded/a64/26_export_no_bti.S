/*
 * 26 - missing-landing-pad: the object is marked BTI by its GNU property note, and an exported
 * function (reached through a PLT, whose br x17 is an indirect branch) starts without a
 * landing pad, so a call to it through the PLT traps.
 *
 * int export_no_bti(int x) { return x + 1; }   gcc -O2 -mbranch-protection=standard
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_export_no_bti

	BTI_NOTE
#ifndef TWIN_ONLY
FUNC export_no_bti
site_export_no_bti:
	add	w0, w0, #1		/* BUG: bti c missing */
	ret
ENDF export_no_bti
#endif

FUNC export_no_bti_ok
	hint	34			/* bti c */
	add	w0, w0, #1
	ret
ENDF export_no_bti_ok

/* paciasp is itself a landing pad for calls (BTI compatible with bti c): no bti c needed */
FUNC pac_landing_pad_clean
	hint	25			/* paciasp */
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	ldp	x29, x30, [sp], #16
	hint	29			/* autiasp */
	ret
ENDF pac_landing_pad_clean
