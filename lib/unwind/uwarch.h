/*
 * uwarch.h - the unwinder's view of a machine: struct ts_uw_arch (lib/arch/arch.h), one per
 * machine, kept in its descriptor (lib/arch/<machine>/). The walk (walk.c) is written against
 * it only.
 */
#ifndef TS_UWARCH_H
#define TS_UWARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"
#include "trustack.h"

/* The architecture for ELF machine m, or NULL. */
const struct ts_uw_arch *ts_uw_arch_for(uint16_t machine);

/* The architecture this library was built for (the in-process face), or NULL. */
const struct ts_uw_arch *ts_uw_arch_native(void);

#endif
