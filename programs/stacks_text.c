/*
 * stacks_text.c - the pstack-like text of `trustack stacks`. A warm run prints ~1700 frame
 * lines for 33 threads x 50 frames; through printf they cost more instructions than the
 * snapshot, the tables and the walks together (callgrind: 4.6 of 11.8 million), so lines are
 * formatted by hand into one buffer and written in large pieces. Same text as printf gave.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stacks.h"

struct out {
	char buf[1 << 16];
	size_t len;
};

static void flush(struct out *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, stdout);
	o->len = 0;
}

static void put_slow(struct out *o, const char *s, size_t n)
{
	while (n) {
		if (o->len == sizeof(o->buf))
			flush(o);
		size_t k = sizeof(o->buf) - o->len < n ? sizeof(o->buf) - o->len : n;
		memcpy(o->buf + o->len, s, k);
		o->len += k, s += k, n -= k;
	}
}

static inline void put(struct out *o, const char *s, size_t n)
{
	if (n <= sizeof(o->buf) - o->len) { /* nearly always */
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	put_slow(o, s, n);
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static const char hexd[] = "0123456789abcdef";

/* v in hex: exactly width digits (0: as many as needed) */
static void put_hex(struct out *o, uint64_t v, unsigned width)
{
	char t[16];
	unsigned n = 0;
	do
		t[15 - n++] = hexd[v & 15], v >>= 4;
	while (v && n < 16);
	while (n < width)
		t[15 - n++] = '0';
	put(o, t + 16 - n, n);
}

static void put_dec(struct out *o, uint64_t v)
{
	char t[20];
	unsigned n = 0;
	do
		t[19 - n++] = (char)('0' + v % 10), v /= 10;
	while (v);
	put(o, t + 20 - n, n);
}

static void put_int(struct out *o, int v)
{
	if (v < 0)
		put(o, "-", 1);
	put_dec(o, v < 0 ? (uint64_t)0 - (uint64_t)(int64_t)v : (uint64_t)v);
}

/* "#%-2zu 0x%016lx in NAME+0xOFF (MODULE) at FILE:LINE\n" */
static void frame_line(struct out *o, struct st_syms *syms, bool demangle, size_t k, const struct st_frame *f)
{
	put(o, "#", 1);
	put_dec(o, k);
	if (k < 10)
		put(o, " ", 1);
	put(o, " 0x", 3);
	put_hex(o, f->pc, 16);
	put(o, " in ", 4);
	const char *name = f->function;
	const char *d = demangle && name ? st_demangle(syms, name) : NULL;
	if (name) {
		puts_(o, d ? d : name);
		put(o, "+0x", 3);
		put_hex(o, f->offset, 0);
	} else {
		put(o, "??", 2);
	}
	if (f->module_name) {
		put(o, " (", 2);
		puts_(o, f->module_name);
		put(o, ")", 1);
	}
	if (f->file) {
		put(o, " at ", 4);
		puts_(o, f->file);
		put(o, ":", 1);
		put_int(o, f->line);
	}
	put(o, "\n", 1);
}

void st_print_text(const struct trustack_proc *p, struct st_syms *syms, const struct st_trace *tr, size_t ntr,
		   bool demangle, bool stats)
{
	struct out *o = malloc(sizeof(*o));
	if (!o)
		return;
	o->len = 0;
	for (size_t i = 0; i < ntr; i++) {
		const struct st_trace *t = &tr[i];
		const struct trustack_proc_thread *th = NULL;
		for (size_t k = 0; k < trustack_proc__thread_count(p) && !th; k++)
			if (trustack_proc__thread(p, k)->tid == t->tid)
				th = trustack_proc__thread(p, k);
		puts_(o, i ? "\nThread " : "Thread ");
		put_int(o, t->tid);
		put(o, " (", 2);
		puts_(o, th ? th->comm : "?");
		put(o, "):", 2);
		if (th && th->pending_signal && trustack_proc__core(p)) { /* the thread a core's signal hit */
			put(o, " ", 1);
			puts_(o, st_signal_name(th->pending_signal));
		}
		if (stats && th) {
			char us[48];
			snprintf(us, sizeof(us), " stopped %.1f us", (double)th->stop_ns / 1000.0);
			puts_(o, us);
		}
		put(o, "\n", 1);
		for (size_t k = 0; k < t->n; k++)
			frame_line(o, syms, demangle, k, &t->frames[k]);
		if (t->reliable) {
			puts_(o, "reliable\n");
		} else {
			puts_(o, "unreliable: ");
			puts_(o, t->reason);
			puts_(o, " at frame ");
			put_dec(o, t->lost_at);
			put(o, "\n", 1);
		}
	}
	for (size_t i = 0; i < trustack_proc__skipped_count(p); i++) {
		const struct trustack_proc_skipped *s = trustack_proc__skipped(p, i);
		puts_(o, "\nThread ");
		put_int(o, s->tid);
		puts_(o, ": not captured: ");
		puts_(o, s->reason);
		put(o, "\n", 1);
	}
	flush(o);
	free(o);
}
