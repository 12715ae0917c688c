/*
 * arch.c - the registry of machines: the only generic file that names them. A machine is a
 * folder lib/arch/<machine>/ holding its descriptor (struct ts_arch); adding one is a line here.
 */
#include <string.h>

#include "arch/arch.h"
#include "arch/aarch64/decode.h"
#include "arch/s390x/s390x.h"
#include "arch/x86/x86.h"

static const struct ts_arch *const machines[] = {
	&ts_arch_x86_64,
	&ts_arch_aarch64, /* the ELF layer and the decoder, so far (not .analysed) */
	&ts_arch_s390x,   /* the ELF layer only, so far */
};

const struct ts_arch *ts_arch_for_machine(uint16_t e_machine)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i]->e_machine == e_machine)
			return machines[i];
	return NULL;
}

const struct ts_arch *ts_arch_for_perf_name(const char *name)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i]->perf && name && !strcmp(machines[i]->perf->uname, name))
			return machines[i];
	return NULL;
}

const struct ts_arch *ts_arch_native(void)
{
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i]->host)
			return machines[i];
	return NULL;
}

enum ts_reloc_class ts_arch_reloc_class(const struct ts_arch *a, uint32_t t)
{
	for (int c = TS_RELOC_OTHER + 1; c < TS_RELOC_NCLASSES; c++)
		if (a->reloc[c] == t && t)
			return (enum ts_reloc_class)c;
	return TS_RELOC_OTHER;
}
