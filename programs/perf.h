/*
 * perf.h - the pieces of `trustack perf`: symbols of a profile's frames, and the folded stacks
 * and flame graph built from them.
 */
#ifndef TS_PERF_CLI_H
#define TS_PERF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trustack.h"

/* A frame of a sample, named. */
struct pf_frame {
	uint64_t pc;
	const char *module;      /* file name of the mapping, "[vdso]"..., or NULL */
	const char *function;    /* NULL: unknown */
	uint64_t offset;
	bool trusted;            /* at or before lost_at (or the whole trace is reliable) */
};

/* ---- symbols (perf_syms.c) ---- */
struct pf_syms;
struct pf_syms *pf_syms_new(const char *cache_dir, bool no_cache, const char *root, bool demangle);
void pf_syms_free(struct pf_syms *s);
/* Name f->pc (exact: the pc is where the thread was, else a return address) of process pid. */
void pf_syms_frame(struct pf_syms *s, struct trustack_perf *p, int pid, bool exact, struct pf_frame *f);
/* The name to print (demangled when asked and possible); valid until the next call. */
const char *pf_syms_display(struct pf_syms *s, const char *name);

/* ---- folded stacks and the flame graph (perf_flame.c) ---- */
struct pf_flame;
struct pf_flame *pf_flame_new(void);
void pf_flame_free(struct pf_flame *fl);
/* Count one stack: frames innermost first, as the unwinder gives them; untrusted frames are
 * marked, unreliable stacks hang under a root naming the reason. Returns false when out of
 * memory. */
bool pf_flame_add(struct pf_flame *fl, struct pf_syms *s, const char *comm, const struct pf_frame *fr, size_t n,
		  const char *reason);
/* The collapsed-stack lines ("a;b;c COUNT"), sorted. */
void pf_flame_print_folded(const struct pf_flame *fl, FILE *f);
/* An SVG flame graph: trusted frames in warm colours, unverified ones grey, the roots of
 * unreliable stacks blue. Returns 0 or -1 (errno). */
int pf_flame_write_svg(const struct pf_flame *fl, const char *title, FILE *f);

#endif
