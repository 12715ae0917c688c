// expect: return-modified-frame
// sp not restored at ret
	.text
	.globl f
	.type f, %function
f:
	sub	sp, sp, #32
	ret
	.size f, .-f
