/* s390x.h - the s390x descriptor (machine.c), for the registry (lib/arch/arch.c). */
#ifndef TS_S390X_H
#define TS_S390X_H

#include "arch/arch.h"

extern const struct ts_arch ts_arch_s390x;

#endif
