/*
 * emustep.h - verify-unwind's ground truth for a program of another machine, run under QEMU's
 * user mode and single-stepped through its gdbstub (emustep.c). trustack_trace__run
 * (singlestep.c) hands such a program over after its checks.
 */
#ifndef TS_EMUSTEP_H
#define TS_EMUSTEP_H

#include "arch/arch.h"
#include "trustack.h"

/* Run path (argv: its arguments, argv[0] as the program sees it) of machine arch (arch->emu set)
 * under the emulator; as trustack_trace__run otherwise (stats filled, 0 or -TRUSTACK_E_*). */
int ts_emu_trace_run(const struct ts_arch *arch, const char *path, char *const argv[],
		     const struct trustack_trace_opts *o, trustack_step_fn on_step, void *ctx,
		     struct trustack_trace_stats *st, char *err, size_t errlen);

#endif
