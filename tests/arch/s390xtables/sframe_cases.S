# SFrame cases for tests/arch/suite_s390xsframe.sh: each function puts one s390x rule of the
# SFrame encoding to use (the rows each must give are in the suite).
	.text
# the frame pointer saved without the return address: RA padding word 0, then FP at CFA-72
	.globl	fp_only
	.type	fp_only, @function
fp_only:
	stg	%r11,88(%r15)
	lghi	%r11,0
	lg	%r11,88(%r15)
	br	%r14
	.size	fp_only, .-fp_only

# the return address kept in a floating-point register (gcc's leaf functions): v2 says it as
# the odd word (16 << 1) | 1, v3 as a flexible FDE
	.globl	ra_in_fpr
	.type	ra_in_fpr, @function
ra_in_fpr:
	ldgr	%f0,%r14
	lghi	%r14,0
	lgdr	%r14,%f0
	br	%r14
	.size	ra_in_fpr, .-ra_in_fpr

# the CFA held only in r1 while r15 is elsewhere: v2 cannot say it (reported), v3 writes a
# flexible FDE whose CFA offset word is scaled as the default one
	.globl	cfa_in_r1
	.type	cfa_in_r1, @function
cfa_in_r1:
	lgr	%r1,%r15
	lgr	%r15,%r2
	lgr	%r15,%r1
	br	%r14
	.size	cfa_in_r1, .-cfa_in_r1

# a frame of 164 bytes: CFA = r15 + 324 is no multiple of 8, which s390x SFrame cannot store
	.globl	odd_frame
	.type	odd_frame, @function
odd_frame:
	aghi	%r15,-164
	aghi	%r15,164
	br	%r14
	.size	odd_frame, .-odd_frame

# a frame of 4256 bytes: CFA = r15 + 4416, the word (4416 - 160) / 8 = 532 takes two bytes
	.globl	big_frame
	.type	big_frame, @function
big_frame:
	stmg	%r11,%r15,88(%r15)
	lay	%r15,-4256(%r15)
	lmg	%r11,%r15,4344(%r15)
	br	%r14
	.size	big_frame, .-big_frame
	.section	.note.GNU-stack,"",@progbits
