/* uwarch.c - the unwinder's facts of a machine, from its descriptor (lib/arch/arch.c). */
#include <string.h>

#include "unwind/uwarch.h"

const struct ts_uw_arch *ts_uw_arch_for(uint16_t machine)
{
	const struct ts_arch *a = ts_arch_for_machine(machine);
	return a ? a->uw : NULL;
}

const struct ts_uw_arch *ts_uw_arch_native(void)
{
	const struct ts_arch *a = ts_arch_native();
	return a ? a->uw : NULL;
}

void trustack_regs__from_ucontext(struct trustack_regs *regs, const void *ucontext)
{
	const struct ts_arch *a = ts_arch_native();
	if (a && a->host)
		a->host->ucontext_regs(ucontext, regs);
	else
		memset(regs, 0, sizeof(*regs));
}
