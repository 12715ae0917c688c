/*
 * fuzz_perfdata.c - libFuzzer target over the perf.data reader (lib/perf/reader.c, space.c;
 * docs/perf.md).
 *
 * One input = one perf.data file, opened as a file (the reader maps it). When the header is
 * accepted, every sample is read and unwound (a stack copy or a callchain, whichever it has):
 * the reader's promises are checked on each (pointers inside the input's own bytes, counts that
 * fit, verdicts in range, frames at most what was asked for), and every name it hands out is
 * touched. The mapped files the records name are looked up under a root that does not exist, so
 * no file of the machine is ever opened or analysed.
 */
#include "fuzz_util.h"

#include "trustack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[256] = "";
	int fd = fuzz_as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	struct trustack_perf_opts o = { .sz = sizeof(o), .no_cache = true, .root = "/nonexistent-fuzz-root" };
	struct trustack_perf *p;
	uint64_t acc = 0;
	if (trustack_perf__open(path, &o, &p, err, sizeof(err))) {
		acc += fuzz_touch_err(err, sizeof(err));
		close(fd);
		fuzz_keep(acc);
		return 0;
	}
	struct trustack_perf_info in;
	trustack_perf__info(p, &in);
	FUZZ_ASSERT(in.data_size <= size && in.nevents >= 1);
	acc += fuzz_touch(in.arch);
	struct trustack_perf_sample s;
	struct trustack_frame fr[64];
	int rc = 0;
	for (unsigned n = 0; n < 4096 && (rc = trustack_perf__next(p, &s, err, sizeof(err))) == 1; n++) {
		FUZZ_ASSERT(s.nchain <= size / 8 && s.stack_size <= size);
		for (size_t i = 0; i < s.nchain; i++)
			acc += s.callchain[i];
		for (size_t i = 0; i < s.stack_size; i++)
			acc += s.stack[i];
		acc += fuzz_touch(trustack_perf__event_name(p, s.event)) + fuzz_touch(trustack_perf__comm(p, s.tid));
		struct trustack_perf_unwind u;
		char uerr[256] = "";
		if (trustack_perf__unwind(p, &s, TRUSTACK_UNWIND_AUTO, fr, 64, &u, uerr, sizeof(uerr)) == 0) {
			FUZZ_ASSERT(u.result.count <= 64 && u.result.verdict < TRUSTACK_UNWIND__VERDICTS);
			for (size_t k = 0; k < u.result.count; k++) {
				const struct trustack_module *m = trustack_perf__module_at(p, s.pid, fr[k].pc);
				if (m) {
					FUZZ_ASSERT(fr[k].pc >= m->start && fr[k].pc < m->end);
					acc += fuzz_touch(m->path) + m->bias;
				}
			}
		}
	}
	if (rc < 0)
		acc += fuzz_touch_err(err, sizeof(err));
	struct trustack_perf_stats st;
	trustack_perf__stats(p, &st);
	FUZZ_ASSERT(st.samples <= st.records);
	trustack_perf__close(p);
	close(fd);
	fuzz_keep(acc + st.records);
	return 0;
}
