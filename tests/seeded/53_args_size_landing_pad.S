/*
 * 53 - stack-mismatch at a landing pad: the call pushes two of its eight arguments, and an
 * exception thrown through it lands in a handler that joins the normal path. The unwinder pops
 * the pushed arguments before it enters the landing pad only when the CFI says how many bytes
 * were pushed there (DW_CFA_GNU_args_size, which libgcc's unwinder adds to the stack pointer):
 * this function omits it, so the pad runs 16 bytes lower than the normal path it joins.
 * The twin is the shape of LLVM's push-based calls with exceptions (librsvg, Rust): the CFI
 * says args_size 16 at the call, the pad runs with the arguments popped, the paths agree.
 *
 * long args_size_landing_pad(long x)   try { return take8(1..6, x, 8); } catch (...) {} return -1
 */
# RULES stack
# EXPECT stack stack-mismatch site_args_size_landing_pad

	.text
#ifndef TWIN_ONLY
	.p2align 4
	.globl	args_size_landing_pad
	.type	args_size_landing_pad, @function
args_size_landing_pad:
.LFB_b:
	.cfi_startproc
	.cfi_lsda 0x1b,.LLSDA_b
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -16
	movq	%rdi, %rbx
	pushq	$8
	.cfi_def_cfa_offset 24
	pushq	%rbx
	.cfi_def_cfa_offset 32
	movl	$1, %edi
	movl	$2, %esi
	movl	$3, %edx
	movl	$4, %ecx
	movl	$5, %r8d
	movl	$6, %r9d
.LEHB_b:
	call	take8			# BUG: no DW_CFA_GNU_args_size for the 16 bytes pushed
.LEHE_b:
	addq	$16, %rsp
	.cfi_def_cfa_offset 16
site_args_size_landing_pad:
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
.L_pad_b:
	.cfi_def_cfa_offset 16
	movq	%rax, %rdi
	call	__cxa_begin_catch
	call	__cxa_end_catch
	movq	$-1, %rax
	jmp	site_args_size_landing_pad
	.cfi_endproc
	.size	args_size_landing_pad, .-args_size_landing_pad
	.section .gcc_except_table,"a",@progbits
.LLSDA_b:
	.byte	0xff
	.byte	0xff
	.byte	0x1
	.uleb128 .LLSDACSE_b-.LLSDACSB_b
.LLSDACSB_b:
	.uleb128 .LEHB_b-.LFB_b
	.uleb128 .LEHE_b-.LEHB_b
	.uleb128 .L_pad_b-.LFB_b
	.uleb128 0
.LLSDACSE_b:
	.text
#endif

	.p2align 4
	.globl	args_size_landing_pad_ok
	.type	args_size_landing_pad_ok, @function
args_size_landing_pad_ok:
.LFB_g:
	.cfi_startproc
	.cfi_lsda 0x1b,.LLSDA_g
	pushq	%rbx
	.cfi_def_cfa_offset 16
	.cfi_offset 3, -16
	movq	%rdi, %rbx
	pushq	$8
	.cfi_def_cfa_offset 24
	pushq	%rbx
	.cfi_def_cfa_offset 32
	movl	$1, %edi
	movl	$2, %esi
	movl	$3, %edx
	movl	$4, %ecx
	movl	$5, %r8d
	movl	$6, %r9d
	.cfi_escape 0x2e,0x10		# DW_CFA_GNU_args_size 16
.LEHB_g:
	call	take8
.LEHE_g:
	addq	$16, %rsp
	.cfi_def_cfa_offset 16
	.cfi_escape 0x2e,0x0
.L_join_g:
	popq	%rbx
	.cfi_def_cfa_offset 8
	ret
.L_pad_g:				# entered with the 16 bytes of arguments popped
	.cfi_def_cfa_offset 16
	movq	%rax, %rdi
	call	__cxa_begin_catch
	call	__cxa_end_catch
	movq	$-1, %rax
	jmp	.L_join_g
	.cfi_endproc
	.size	args_size_landing_pad_ok, .-args_size_landing_pad_ok
	.section .gcc_except_table,"a",@progbits
.LLSDA_g:
	.byte	0xff
	.byte	0xff
	.byte	0x1
	.uleb128 .LLSDACSE_g-.LLSDACSB_g
.LLSDACSB_g:
	.uleb128 .LEHB_g-.LFB_g
	.uleb128 .LEHE_g-.LEHB_g
	.uleb128 .L_pad_g-.LFB_g
	.uleb128 0
.LLSDACSE_g:
	.text

	.section .note.GNU-stack,"",@progbits
