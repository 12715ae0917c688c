/*
 * 23 - unreachable: code after an indirect jump that never comes back.
 *
 * glibc's s390x longjmp ends `lmg %r6,%r13,0(%r1); lgr %r15,%r5; br %r4` and guards it with
 * `j .` (a loop that never leaves, as a trap). Any other instruction there is dead code. The
 * twin has the guard (before `j .` counted as a trap, the guard itself read as unreachable).
 *   hand-written
 */
#include "s390x.h"
# EXPECT stack unreachable site_dead_after_jump

#ifndef TWIN_ONLY
FUNC dead_after_jump
	lgr	%r1,%r2
	br	%r3
site_dead_after_jump:
	lghi	%r2,0			/* BUG: nothing reaches it */
	br	%r14
ENDF dead_after_jump
#endif

FUNC dead_after_jump_ok
	lgr	%r1,%r2
	br	%r3
	j	.			/* the guard: never reached, never left */
ENDF dead_after_jump_ok
