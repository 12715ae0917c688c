/*
 * self_entry.h - the register capture behind trustack_unwind_self() for the machine this library
 * is built for. The unwinder includes this header and instantiates the entries
 * (TS_SELF_ENTRY(public name, worker)); each machine's folder says in assembly how its caller's
 * registers are captured into a struct ts_self_capture on the stack and handed to the worker as
 * its last argument. A build for a machine without a capture gets no entries and
 * TS_SELF_ENTRY_HOST 0 (the unwinder then defines them to fail).
 */
#ifndef TS_ARCH_SELF_ENTRY_H
#define TS_ARCH_SELF_ENTRY_H

#include "trustack.h"

/* What a capture writes: the caller's registers as a call returning now would find them, and the
 * start options (stack bounds from the entry's arguments). */
struct ts_self_capture {
	struct trustack_regs regs;
	struct trustack_unwind_start start;
};

#if defined(__x86_64__)
#include "arch/x86/self_entry.h"
#define TS_SELF_ENTRY_HOST 1
#elif defined(__aarch64__)
#include "arch/aarch64/self_entry.h"
#define TS_SELF_ENTRY_HOST 1
#elif defined(__s390x__)
#include "arch/s390x/self_entry.h"
#define TS_SELF_ENTRY_HOST 1
#else
#define TS_SELF_ENTRY_HOST 0
#endif

#endif
