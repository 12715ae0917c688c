/*
 * stacks.h - the pieces of `trustack stacks`: traces of a snapshot's threads, their symbols, and
 * the live-patch check.
 */
#ifndef TS_STACKS_H
#define TS_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trustack.h"

#define STACKS_MAX_FRAMES 512

/* One frame, symbolised after the threads were resumed. */
struct st_frame {
	uint64_t pc;
	bool exact;              /* pc is where the thread is (frame 0), not a return address */
	int module;              /* index into the snapshot's modules, -1: none */
	const char *module_name; /* basename of the module, or NULL */
	const char *function;    /* NULL: unknown */
	uint64_t offset;         /* pc - function start */
	const char *file;        /* source file (owned by the frame) or NULL */
	int line;
};

/* A thread's trace and its verdict. */
struct st_trace {
	int tid;
	struct st_frame *frames;
	size_t n;
	bool reliable;
	const char *reason;      /* stable kebab-case reason when unreliable */
	size_t lost_at;          /* frame where reliability was lost */
};

/* ---- tables and unwinding (stacks_unwind.c) ---- */
struct st_tables;
struct st_tables_opts {
	const char *cache_dir;
	unsigned threads;        /* analysis threads for tables that must be built */
	bool progress;           /* "analysing libc.so.6 ..." on stderr */
	bool no_cache;           /* neither read nor write the sidecar cache */
};
struct st_tables_stats {
	unsigned modules, cached, built, failed;
};
/* The unwind tables of every module of p: sidecars from the cache, built and saved otherwise. */
int st_tables_prepare(const struct trustack_proc *p, const struct st_tables_opts *o, struct st_tables **out,
		      struct st_tables_stats *stats, char *err, size_t errlen);
void st_tables_free(struct st_tables *t);
/* The unwinder over the snapshot, its tables from the cache prepared above. */
int st_unwinder_open(struct st_tables *t, struct trustack_proc *p, const struct st_tables_opts *o, char *err,
		     size_t errlen);
/* Walk thread number i of p (frames are left unsymbolised). mode: an unwinder mode name. */
int st_unwind_thread(struct st_tables *t, const struct trustack_proc *p, size_t i, const char *mode,
		     struct st_trace *out);
/* Whether a mode name is known. */
bool st_mode_valid(const char *mode);
/* True once frames beyond the first come from a real unwinder. */
bool st_unwinder_available(void);

/* ---- symbols (stacks_syms.c) ---- */
struct st_syms;
/* cache_dir, no_cache: the symbol cache (<build-id>.tss next to the sidecars) */
struct st_syms *st_syms_new(const struct trustack_proc *p, bool lines, const char *cache_dir, bool no_cache);
void st_syms_free(struct st_syms *s);
/* The symbols of module index i (opened on first use), or NULL. */
struct trustack_symbols *st_syms_module(struct st_syms *s, size_t i);
/* Fill module/function/offset/file/line of f from f->pc. */
void st_syms_frame(struct st_syms *s, struct st_frame *f);
/* Demangled C++ name (through libstdc++'s __cxa_demangle when it can be loaded), or NULL;
 * the result is owned by s until the next call. */
const char *st_demangle(struct st_syms *s, const char *name);

/* ---- the text output (stacks_text.c) ---- */
/* Every trace as pstack-like text on stdout (stats: each thread's stop time in its header). */
void st_print_text(const struct trustack_proc *p, struct st_syms *syms, const struct st_trace *tr, size_t ntr,
		   bool demangle, bool stats);

/* ---- the live-patch check (stacks_check.c) ---- */
struct st_check;
/* Parse "FUNC[,MODULE:FUNC...]"; false with a message on an empty name. */
bool st_check_parse(const char *arg, struct st_check **out, char *err, size_t errlen);
void st_check_free(struct st_check *c);
/* Resolve the names in the snapshot's modules; false with a message when a name is nowhere. */
bool st_check_resolve(struct st_check *c, const struct trustack_proc *p, struct st_syms *s, char *err,
		      size_t errlen);
enum st_verdict { ST_SAFE = 0, ST_UNSAFE, ST_UNKNOWN };
/* Judge one snapshot's traces; results kept in c for printing. */
enum st_verdict st_check_judge(struct st_check *c, const struct trustack_proc *p, const struct st_trace *tr,
			       size_t n);
void st_check_print_text(const struct st_check *c, const struct trustack_proc *p, unsigned attempts);
void st_check_print_json(const struct st_check *c, unsigned attempts);
const char *st_verdict_name(enum st_verdict v);

/* ---- core files (stacks_core.c) ---- */
/* "SIGSEGV", or "signal N" */
const char *st_signal_name(int sig);
/* Warnings about the core on stderr: truncation, modules whose files could not be used. */
void st_core_warnings(const struct trustack_proc *p, const char *file);
/* The text's first line: the process, the signal and where, the thread it hit. */
void st_core_print_text(const struct trustack_proc *p, const char *file);
/* The JSON "core" member (with its leading comma). */
void st_core_print_json(const struct trustack_proc *p, const char *file);

#endif
