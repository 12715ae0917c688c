/*
 * 37 - missing-landing-pad: a local (static) function is not exported and no code takes its
 * address, but a table of handlers in data holds it (an R_AARCH64_ABS64 relocation), and it is
 * called through that table with blr: in a BTI-marked object it needs bti c.
 *
 * static int plus3(int x) { return x + 3; }  int (*const handlers[])(int) = { plus3 };
 */
#include "a64.h"
# EXPECT stack missing-landing-pad site_data_ref_no_bti

	BTI_NOTE
#ifndef TWIN_ONLY
LOCALFUNC data_ref_no_bti
site_data_ref_no_bti:
	add	w0, w0, #3		/* BUG: bti c missing */
	ret
ENDF data_ref_no_bti

	.section .data.rel.ro, "aw"
	.p2align 3
	.xword	data_ref_no_bti
	.text
#endif

LOCALFUNC data_ref_no_bti_ok
	hint	34			/* bti c */
	add	w0, w0, #3
	ret
ENDF data_ref_no_bti_ok

/* a static function only called directly needs no landing pad (gcc and clang leave it out) */
LOCALFUNC direct_only_clean
	add	w0, w0, #4
	ret
ENDF direct_only_clean

FUNC data_ref_caller_clean
	hint	34			/* bti c */
	b	direct_only_clean
ENDF data_ref_caller_clean

	.section .data.rel.ro, "aw"
	.p2align 3
	.xword	data_ref_no_bti_ok
	.text
