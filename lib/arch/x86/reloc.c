/*
 * reloc.c - x86-64 relocations of objects (ts_arch.apply_reloc, reloc_uses_got): the ELF layer
 * needs them whether or not the decoder (Zydis) is built in.
 */
#include "arch/x86/x86.h"

/* x86-64 relocation types (elf.h values) that appear in code and data we read. */
int ts_x86_apply_reloc(uint32_t type, uint8_t *loc, size_t room, uint64_t P, uint64_t S, int64_t A,
			   uint64_t got)
{
	uint64_t v;
	unsigned size;
	switch (type) {
	case 0: /* R_X86_64_NONE */
		return 1;
	case 1: /* R_X86_64_64 */
		v = S + A, size = 8;
		break;
	case 2: /* PC32 */
	case 4: /* PLT32 */
		v = S + A - P, size = 4;
		break;
	case 10: /* 32 */
	case 11: /* 32S */
		v = S + A, size = 4;
		break;
	case 24: /* PC64 */
		v = S + A - P, size = 8;
		break;
	case 9:  /* GOTPCREL */
	case 41: /* GOTPCRELX */
	case 42: /* REX_GOTPCRELX */
		v = got + A - P, size = 4;
		break;
	case 26: /* GOTPC32 */
		v = got + A - P, size = 4;
		break;
	case 12: /* 16 */
		v = S + A, size = 2;
		break;
	case 14: /* 8 */
		v = S + A, size = 1;
		break;
	default:
		return 1; /* TLS, DTPOFF, SIZE...: not control flow; leave the bytes as they are */
	}
	if (room < size)
		return -1;
	for (unsigned i = 0; i < size; i++) /* little-endian target, whatever the host */
		loc[i] = (uint8_t)(v >> 8 * i);
	return 0;
}

bool ts_x86_reloc_uses_got(uint32_t type)
{
	return type == 9 || type == 41 || type == 42;
}
