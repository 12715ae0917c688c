/* fast_forms.S - encodings at the edges of the x86-64 decoder's fast path
 * (lib/arch/x86/decode_fast.c), for tests/speed/suite_fastdecode.sh: every register including
 * r8-r15 and the ones with special ModRM/SIB meanings (rsp/r12 need a SIB byte, rbp/r13 with
 * mod 00 mean rip-relative or no base), rip-relative operands followed by an immediate, byte
 * registers with and without REX (%ah vs %spl), 32- and 64-bit forms, and near misses that
 * must go to Zydis (prefixes, other opcode extensions). */
	.text
	.globl fast_forms
fast_forms:
	push %rbp; push %r12; push %r15; push %rsp; pop %r15; pop %r12; pop %rbp; pop %rsp
	.byte 0x40, 0x50            /* push %rax with an empty REX */
	.byte 0x48, 0x50            /* push with REX.W: Zydis */
	mov %rsp, %rbp; mov %r13, %r12; mov %eax, %r9d; mov %r10d, %ecx
	.byte 0x48, 0x8b, 0xc4      /* mov %rsp,%rax, the 8b form */
	mov (%rsp), %rax; mov 8(%r12), %rbx; mov -8(%rbp), %r13; mov 0(%r13), %eax
	mov 0x10(%rax,%rbx,4), %rcx; mov (,%rdx,8), %rsi; mov 0x1234, %rdi; mov (%r12,%r13,2), %r8
	mov sym(%rip), %rax; mov %rax, sym(%rip); mov %eax, 4(%rsp); mov %r11, -0x80(%rbp,%r12,8)
	.byte 0x48, 0x8b, 0x04, 0x20 /* mov (%rax,%riz,1),%rax: SIB without index */
	movl $7, sym(%rip); movq $-1, 8(%rsp); movq $-2, %rax; movl $-3, %ebx; movl $0x80000000, 0x1234
	mov $0x123456789abc, %r10; mov $42, %r11d; mov $-1, %eax
	lea 8(%rsp), %rsp; lea sym(%rip), %r12; lea (%rax,%rbx), %rcx; lea 0x10(,%rax,4), %rdx
	lea 0x1234, %rax; lea (%r13), %r14; lea -1(%rbp), %eax
	add $8, %rsp; sub $0x1000, %rsp; add $-1, %rax; sub $1, %r9; sub $0x7f, %eax; add $5, %r8d
	sub $1, %esp; addq $1, (%rax); subq $1, 8(%rsp); add $0x12345, %rbx; sub $-0x80000000, %rdi
	add %rax, %rsp; sub %rbx, %rcx; add (%rax), %rcx; add %eax, %ebx; sub %r8, %rsp
	cmp $5, %eax; cmp $-1, %rax; cmp $0x1000, %r12d; cmpl $3, 8(%rsp); cmpq $-2, sym(%rip)
	cmpb $1, (%rax); cmpw $1, (%rax); cmp %rax, %rbx; cmp %eax, %r9d; cmp (%rax), %rcx
	cmp %rcx, (%rax); .byte 0x48, 0x3b, 0xc1; cmp %al, %bl
	test %rax, %rax; test %eax, (%rdx); test %al, %ah; test %r8b, %sil; testb $1, (%rax)
	xor %eax, %eax; xor %r8d, %r8d; xor %rax, %rax; xor %eax, %ebx; xor %rsp, %rsp; xor %esp, %eax
	.byte 0x33, 0xc0            /* xor %eax,%eax, the 33 form */
	xor (%rax), %eax
	movzbl %al, %eax; movzbl %ah, %eax; movzbl %sil, %ecx; movzwl %ax, %r9d; movzbq %dil, %rax
	movzbl (%rax), %eax; movzwl 2(%rsp), %ecx; movsbl (%rdx), %esi; movswq (%rax), %rax
	movsbl %al, %eax; movslq %eax, %rax; movslq (%rax,%rcx,4), %rdx; movslq sym(%rip), %r8
	.byte 0x40, 0x0f, 0xb6, 0xc4 /* movzbl %spl,%eax */
	.byte 0x0f, 0xb6, 0xc4       /* movzbl %ah,%eax */
	nop; xchg %r8, %rax; nopl (%rax); nopw 0(%rax,%rax,1); .byte 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0
	.byte 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0; .byte 0x0f, 0x1f, 0xc0; .byte 0x0f, 0x1f, 0x48, 0x00
	.byte 0x66, 0x90; endbr64; pause; .byte 0x66, 0x89, 0xc0; .byte 0xf3, 0x48, 0x89, 0xc0
	.byte 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0 /* mov %fs:0x28,%rax */
	.byte 0x67, 0x48, 0x8d, 0x04, 0x00 /* lea with an address-size prefix */
	.byte 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0
	and $-16, %rsp; and $0xff, %eax; and $-1, %ecx; and $0x7f, %r9; or $1, %rax; or $0, (%rax); and %eax, %ebx
	and %rsp, %rax; or %rax, %rsp; and $-16, %esp; or $-1, %r8d; andq $1, 8(%rsp)
	shl $3, %rax; shl $3, %eax; shr $2, %rbx; sar $1, %r10d; shl $1, %rsp; shl %rax; ror $3, %rax; shl $4, (%rax)
	test $1, %al; test $0x100, %eax; testb $1, 3(%rsp); testl $1, (%rax); test $1, %rax; testb $1, %ah; notl (%rax)
	cmp $5, %al; cmp $-5, %eax; cmp $7, %rax; cmpb $1, %dil; cmpb $1, %ah; cmpb $-1, sym(%rip); cmpb $1, (%rax,%rbx)
	movb %al, (%rax); movb %ah, 1(%rsp); movb $0, sym(%rip); movb $1, -1(%rbp); movb %r8b, (%r9); movb (%rax), %al
	cmovz %rax, %rbx; cmovb %eax, %ecx; cmovne (%rax), %rdx; cmova %rax, %rsp; cmovge 8(%rsp), %r12d
	setz %al; setne %ah; setb %sil; seta (%rax); setg sym(%rip); setl %spl
	movups (%rax), %xmm0; movups %xmm1, (%rsp); movaps %xmm0, %xmm1; movaps %xmm2, sym(%rip); xorps %xmm0, %xmm0
	movups %xmm8, 16(%r12); xorps (%rax), %xmm3; movupd %xmm0, (%rax); movdqu %xmm0, (%rax)
	lea -1(%rdx), %eax; lea (%r8,%r9,2), %r10d; lea sym(%rip), %eax; lea 0x1234, %ecx; lea 8(%rsp), %esp; lea 1(%r12), %r13d
	add %ecx, %edx; sub %r8d, %eax; add %eax, %esp; sub %esp, %eax; add 8(%rdi), %rax; sub (%rax), %r9d; add 8(%rsp), %rsp
	add %rax, 8(%rsp); sub %eax, sym(%rip); add %ecx, (%rax,%rbx,4); sub %r13, (%r13)
	push $1; push $0x12345; .byte 0x48, 0x6a, 0x01; cltq; .byte 0x49, 0x98; cwtl
	add $0x51eb850, %eax; add $-0x1000, %rax; sub $0x100, %eax; sub $0x1000, %rax; and $0x3f80, %eax; and $-0x100, %eax
	and $-0x1000, %rax; .byte 0x41, 0x05, 1, 0, 0, 0; cmp $0x1000, %rax; .byte 0x49, 0x3d, 1, 0, 0, 0; .byte 0x48, 0x3c, 1
	neg %rax; neg %r9d; neg %rsp; negl (%rax); notq %rax; negb %al
	movw %ax, 0x16(%r10); movw %r8w, (%rsp); movw $0x1234, sym(%rip); movw $7, 2(%rax,%rbx); movw %ax, %cx; movw (%rax), %ax
	cmpw $1, (%rax); cmpw $0x1234, 8(%rsp); cmpw $-1, %ax; cmpw $3, %r9w; cmpw $0x80, sym(%rip); orw $0x80, 0x28(%r8)
	.byte 0x66, 0x48, 0x89, 0x00; .byte 0x66, 0x41, 0x90; .byte 0x66, 0x2e, 0x89, 0x00 /* 66 with REX.W, xchg %r8w,%ax, two prefixes */
	leave; .byte 0x48, 0xc9; pushq 8(%rsp); pushq sym(%rip); pushq (%rax,%rbx,8); .byte 0xff, 0xf0; .byte 0x48, 0xff, 0x30
	cmp %ah, %al; cmp %cl, (%rax); cmp (%rax), %cl; cmp %r8b, 1(%rdi,%rsi); cmp %dil, %sil; .byte 0x3a, 0xc4
	sbb %eax, %eax; sbb %rsp, %rsp; sbb %rcx, %rdx; sbb (%rax), %ecx; imul $3, %rax, %rcx; imul $100000, (%rax), %esp
	imul %rbx, %rax; imul 8(%rsp), %r9d; imul $-2, %r12, %r13; shl %cl, %rax; sar %cl, %esp; shr %cl, %r11d; rol %cl, %eax
	movsbl %al, %esp; movswq %ax, %rcx; movsbl %ah, %edx; movsbl %r9b, %r10d
	orb $1, (%rax); orb $0, (%rsp); andb $0x7f, -0xa(%rbp); orb $2, %ah; orb $2, %spl; orb $2, %r9b; andb $1, sym(%rip)
	addl $1, 0x20(%rdi); orq $0, (%rsp); orl $0x10, 8(%rsp); xorl $1, %eax; adc $1, %rax; sbb $1, %esp; xor $5, %rsp
	xorq $5, (%rsp); subl $1, sym(%rip); andq $-16, 8(%rax,%rbx,2); adcl $0x1000, (%rax)
	testw %ax, %ax; testw $0x100, (%rax); testw %r9w, 2(%rsp); testw $1, sym(%rip)
	movdqa %xmm0, (%rsp); movdqa (%rax), %xmm1; movdqa %xmm2, sym(%rip); pxor %xmm8, %xmm9; pxor (%rax), %xmm0; punpcklqdq %xmm1, %xmm0
	movq %xmm0, %rax; movq %xmm0, %rsp; movd %xmm1, %esp; movd %xmm1, 8(%rsp); movq %xmm3, 8(%rsp); movq %rax, %xmm0; movd (%rax), %xmm2
	pmovmskb %xmm0, %eax; pmovmskb %xmm0, %esp; pmovmskb %xmm9, %r10d; .byte 0x66, 0x0f, 0xd7, 0x00; .byte 0x66, 0x48, 0x0f, 0x6f, 0x00
	pcmpeqb (%rdi), %xmm1; paddq %xmm1, %xmm2; psubb %xmm3, %xmm4; pand %xmm0, %xmm1; pminub 16(%rsi), %xmm2
	movdqu %xmm0, sym(%rip); movdqu (%rax,%rbx), %xmm8; movdqu %xmm15, -16(%rsp); movq 8(%rsp), %xmm0
	movsd %xmm0, 8(%rsp); movsd (%rax), %xmm1; movsd %xmm1, %xmm2; movss %xmm1, (%rax); movss sym(%rip), %xmm3
	cvtsi2sd %eax, %xmm0; cvtsi2sd %rax, %xmm0; addsd %xmm1, %xmm0; mulsd (%rax), %xmm2; divss %xmm1, %xmm3; sqrtsd %xmm0, %xmm0
	.byte 0xf2, 0x0f, 0x2c, 0xc0; .byte 0xf3, 0x48, 0x0f, 0xb8, 0xc0; .byte 0xf3, 0x0f, 0x1e, 0xfb; .byte 0x66, 0xf2, 0x0f, 0x10, 0xc0
	call *%r11; call *sym(%rip); call *(%rax,%rbx,8); jmp *%r12; jmp *8(%rsp); .byte 0x48, 0xff, 0xd0
	call fast_forms; call *%rax; call *8(%rax); jmp *%rax; jmp *sym(%rip)
	je 1f; jne 1f; jb 1f; jae 1f; jbe 1f; ja 1f; js 1f; jg 1f; jle 1f; jp 1f; jo 1f
	je fast_forms; jne fast_forms; ja fast_forms; jl fast_forms; jmp fast_forms; jrcxz 1f; loop 1f
	.byte 0x48, 0xe8, 0, 0, 0, 0 /* call with REX.W */
	.byte 0x2e, 0x74, 0x00       /* je with a branch hint */
	.byte 0x3e, 0xff, 0xe0       /* notrack jmp *%rax */
1:	jmp 1b
	/* %fs: the canary load and check, TLS through a register, 32-bit, stores; near misses */
	mov %fs:0x28, %rax; sub %fs:0x28, %rdx; xor %fs:0x28, %rcx; add %fs:(%rax), %r12; mov %fs:(%rbx), %eax
	mov %rax, %fs:0x10; mov %r9d, %fs:(%rdx,%rcx,4); mov %fs:sym(%rip), %r8; mov %fs:0x28, %rsp
	.byte 0x64, 0x48, 0x8b, 0xc0 /* a register operand under %fs */
	cmp %fs:0x28, %rax; movb %fs:0, %al; .byte 0x64, 0x66, 0x8b, 0x00; .byte 0x48, 0x64, 0x8b, 0x00
	/* lock before a read-modify-write; forms without memory or without a valid lock: Zydis */
	lock addl $1, (%rdi); lock subq $1, 8(%rax); lock orq $0, (%rsp); lock add %eax, (%rdx)
	lock and %r8, sym(%rip); lock or %ecx, 4(%rsp,%rbx,8); lock sub %rax, (%r12); lock xorl $4, (%rax)
	lock xadd %eax, (%rdi); lock cmpxchg %rcx, (%rdx); lock incl (%rax); lock addb $1, (%rax)
	xadd %rax, %rbx; xadd %eax, %eax; cmpxchg %rcx, %rax; cmpxchg %r8d, sym(%rip); lock xadd %rsp, (%rax)
	xadd %rax, %rsp; cmpxchg %rsp, %rbx; lock cmpxchg %esp, 8(%rsp); lock cmpxchgb %cl, (%rax); lock xaddw %ax, (%rdx)
	.byte 0xf0, 0x0f, 0xc1, 0xc0 /* lock xadd with registers: invalid */
	.byte 0xf0, 0x83, 0x38, 0x01 /* lock cmpl: invalid */
	.byte 0xf0, 0x48, 0x01, 0xc0 /* lock add with a register: invalid */
	.byte 0xf0, 0x89, 0x00       /* lock mov: invalid */
	.byte 0xf0, 0xf0, 0x01, 0x00 /* two locks */
	.byte 0xf0, 0x66, 0x01, 0x00 /* lock addw */
	/* one-operand mul and imul: rdx:rax; div and idiv stay with Zydis */
	mul %rcx; imul %r8d; mulq (%rax); imull 8(%rsp); mul %rsp; imulq sym(%rip); divq %rcx; idivl (%rax); mulb %cl
	ret; .byte 0xc2, 8, 0; .byte 0xf3, 0xc3; .byte 0x48, 0xc3; int3; ud2; hlt
	.byte 0x48, 0x8b             /* truncated: ends the section */
	.data
sym:	.quad 0
