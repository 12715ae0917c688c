/* arch.c - pick the decoder for an ELF machine type. */
#include "arch/arch.h"

const struct ts_arch *ts_arch_for_machine(uint16_t e_machine)
{
	if (e_machine == ts_arch_x86_64.e_machine)
		return &ts_arch_x86_64;
	return NULL;
}
