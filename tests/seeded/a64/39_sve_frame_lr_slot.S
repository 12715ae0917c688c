/*
 * 39 - return-modified-frame: an SVE frame (addvl sp, sp, #-2 below a 32-byte frame) whose
 * epilogue reloads x30 from x19's slot instead of the frame record: the saves lie below the
 * vector-length-sized area, at addresses CFA - 32 - 16 * VG + k that only a model of VG-scaled
 * offsets can tell apart. The twin is case 32's gcc 12 -O2 -march=armv8.2-a+sve output.
 *
 * int sve_frame_lr_slot(int x) { svint32_t v, w; hv(&v); hv(&w); return x; }
 */
#include "a64.h"
# EXPECT stack return-modified-frame site_sve_frame_lr_slot

	.arch	armv8.2-a+sve
#ifndef TWIN_ONLY
FUNC sve_frame_lr_slot
	addvl	sp, sp, #-2
	sub	sp, sp, #32
	stp	x29, x30, [sp]
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w0
	add	x0, sp, #32
	bl	hv
	addvl	x0, sp, #1
	add	x0, x0, #32
	bl	hv
	ldr	x29, [sp]
	ldr	x30, [sp, #16]		/* BUG: x19's slot, not the frame record's [sp, #8] */
	mov	w0, w19
	ldr	x19, [sp, #16]
	addvl	sp, sp, #2
	add	sp, sp, #32
site_sve_frame_lr_slot:
	ret
ENDF sve_frame_lr_slot
#endif

/* gcc 12 -O2 -march=armv8.2-a+sve */
FUNC sve_frame_lr_slot_ok
	addvl	sp, sp, #-2
	sub	sp, sp, #32
	stp	x29, x30, [sp]
	mov	x29, sp
	str	x19, [sp, #16]
	mov	w19, w0
	add	x0, sp, #32
	bl	hv
	addvl	x0, sp, #1
	add	x0, x0, #32
	bl	hv
	ldp	x29, x30, [sp]
	mov	w0, w19
	ldr	x19, [sp, #16]
	addvl	sp, sp, #2
	add	sp, sp, #32
	ret
ENDF sve_frame_lr_slot_ok
