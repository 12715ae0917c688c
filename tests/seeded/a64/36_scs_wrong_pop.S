/*
 * 36 - return-modified-frame: clang 14 -fsanitize=shadow-call-stack pushes x30 on the shadow
 * stack (str x30, [x18], #8) and reloads it from there before returning; here the reload
 * uses the wrong offset and takes the entry of our caller, not ours.  The twin is clang
 * output as is: the shadow stack is a valid place for the return address.
 *
 * int scs_wrong_pop(int x) { return g(x) + 1; }   clang -O2 -fsanitize=shadow-call-stack -ffixed-x18
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_scs_wrong_pop

#ifndef TWIN_ONLY
FUNC scs_wrong_pop
	str	x30, [x18], #8
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	ldr	x30, [x18, #-16]!	/* BUG: our entry is at x18 - 8 */
site_scs_wrong_pop:
	ret
ENDF scs_wrong_pop
#endif

FUNC scs_wrong_pop_ok
	str	x30, [x18], #8
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	bl	g
	add	w0, w0, #1
	ldp	x29, x30, [sp], #16
	ldr	x30, [x18, #-8]!
	ret
ENDF scs_wrong_pop_ok
