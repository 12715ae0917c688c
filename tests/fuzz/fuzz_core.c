/*
 * fuzz_core.c - libFuzzer target over the core-file reader (lib/proc/core.c, core_zstd.c;
 * trustack_proc__open_core).
 *
 * One input = one core file (or a zstd-compressed one), handed over as a memfd path. When it
 * opens: every thread, module and field the object hands out is read (strings to their NUL), the
 * memory around each thread's sp and pc is read through trustack_proc__read (every byte the
 * reader says it has must be there: the stack copy must match a read of the same range), and
 * every thread is unwound in every mode by an unwinder made over the object with no cache and no
 * analysis (tables only from files the core names that exist here).
 */
#include "fuzz_util.h"

#include "trustack.h"

static uint64_t threads(struct trustack_proc *p)
{
	uint64_t acc = 0;
	uint8_t buf[256];
	for (size_t i = 0; i < trustack_proc__thread_count(p); i++) {
		const struct trustack_proc_thread *t = trustack_proc__thread(p, i);
		FUZZ_ASSERT(t && memchr(t->comm, 0, sizeof(t->comm)));
		acc += fuzz_touch(t->comm) + (uint64_t)t->tid + t->regs.pc;
		size_t n = t->stack_len < sizeof(buf) ? t->stack_len : sizeof(buf);
		if (n) { /* the copy is the core's memory: a read of the same bytes agrees */
			FUZZ_ASSERT(t->stack);
			FUZZ_ASSERT(trustack_proc__read(p, t->stack_start, buf, n) == 0);
			FUZZ_ASSERT(!memcmp(buf, t->stack, n));
			acc += t->stack[t->stack_len - 1];
		}
		if (!trustack_proc__read(p, t->regs.pc, buf, 16))
			acc += buf[0];
		ssize_t r = trustack_proc__read_partial(p, t->regs.sp, buf, sizeof(buf));
		FUZZ_ASSERT(r == -TRUSTACK_E_IO || (r > 0 && (size_t)r <= sizeof(buf)));
	}
	for (size_t i = 0; i < trustack_proc__skipped_count(p); i++)
		acc += fuzz_touch(trustack_proc__skipped(p, i)->reason);
	return acc;
}

static uint64_t modules(struct trustack_proc *p)
{
	uint64_t acc = 0, prev_end = 0;
	for (size_t i = 0; i < trustack_proc__module_count(p); i++) {
		const struct trustack_module *m = trustack_proc__module(p, i);
		FUZZ_ASSERT(m->start < m->end && m->start >= prev_end && m->build_id_len <= 32);
		prev_end = m->end;
		acc += fuzz_touch(m->path) + fuzz_touch(m->file) + fuzz_touch(m->problem);
		for (size_t k = 0; k < m->nexec; k++) {
			FUZZ_ASSERT(m->exec[k].start >= m->start && m->exec[k].end <= m->end);
			FUZZ_ASSERT(trustack_proc__module_at(p, m->exec[k].start) == m);
		}
	}
	return acc;
}

static uint64_t unwind(struct trustack_proc *p)
{
	struct trustack_unwinder_opts o = { .sz = sizeof(o), .no_cache = true, .no_analysis = true };
	struct trustack_unwinder *u;
	char err[256] = "";
	if (trustack_unwinder__from_proc(p, &o, &u, err, sizeof(err)))
		return fuzz_touch_err(err, sizeof(err));
	uint64_t acc = 0;
	struct trustack_frame fr[64];
	for (size_t i = 0; i < trustack_proc__thread_count(p) && i < 8; i++) {
		for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
			struct trustack_unwind_result res;
			if (trustack_unwind_proc_thread(u, mode, p, i, fr, 64, &res))
				continue;
			FUZZ_ASSERT(res.count <= 64 && res.verdict < TRUSTACK_UNWIND__VERDICTS);
			acc += res.count + res.verdict;
		}
	}
	trustack_unwinder__free(u);
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512] = "";
	int fd = fuzz_as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	struct trustack_proc *p;
	struct trustack_core_opts o = { .sz = sizeof(o) };
	uint64_t acc = 0;
	if (trustack_proc__open_core(path, &o, &p, err, sizeof(err))) {
		acc += fuzz_touch_err(err, sizeof(err));
	} else {
		const struct trustack_core_info *ci = trustack_proc__core(p);
		FUZZ_ASSERT(ci && memchr(ci->comm, 0, sizeof(ci->comm)) && memchr(ci->args, 0, sizeof(ci->args)));
		FUZZ_ASSERT(trustack_proc__thread_count(p) > 0);
		FUZZ_ASSERT(trustack_proc__thread(p, 0)->tid == ci->crash_tid || !ci->crash_tid);
		acc += threads(p) + modules(p) + unwind(p) + (uint64_t)ci->pid;
		trustack_proc__close(p);
	}
	close(fd);
	fuzz_keep(acc);
	return 0;
}
