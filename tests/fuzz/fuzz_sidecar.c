/*
 * fuzz_sidecar.c - libFuzzer target over the sidecar reader (the unwinder's table, <build-id>.tsu;
 * lib/unwind/utable.c, sidecar_api.c; format docs/sidecar.md).
 *
 * One input = one sidecar file. It is loaded from a buffer of exactly its size (so ASan sees any
 * read past the end) and, when accepted, every entry is looked up at its first and last byte: the
 * lookup must return that entry's row, and nothing outside the table. Then the same bytes go
 * through the public face as a file (open, info, dump) and through the unwinder as a module's
 * table: one walk per mode from the start of each of the first entries, over a stack made of the
 * input's own bytes.
 */
#include "fuzz_util.h"

#include "trustack.h"
#include "unwind/utable.h"

#define STACK_LO 0x7ff000000000ull
#define STACK_SIZE 4096

struct mem {
	const uint8_t *data;
	size_t size;
};

/* Every address reads as the input's bytes, repeated: stack words, code bytes before a return
 * address, signal frames all come from the input. */
static int read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct mem *m = ctx;
	if (!m->size)
		return -TRUSTACK_E_IO;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = m->data[(addr + i) % m->size];
	return 0;
}

static uint64_t lookups(const uint8_t *data, size_t size)
{
	struct ts_utable t;
	char err[256] = "";
	if (ts_utable_load_mem(data, size, &t, err, sizeof(err)))
		return fuzz_touch_err(err, sizeof(err));
	uint64_t acc = 0;
	for (uint32_t i = 0; i < t.n; i++) {
		const struct ts_urow *want = &t.rows[t.row[i]];
		FUZZ_ASSERT(ts_utable_lookup(&t, t.base + t.pc[i]) == want);
		FUZZ_ASSERT(ts_utable_lookup(&t, t.base + t.pc[i + 1] - 1) == want);
		acc += want->flags + (uint64_t)want->cfa_off;
	}
	if (t.n)
		FUZZ_ASSERT(!ts_utable_lookup(&t, t.base + t.pc[t.n]));
	if (t.base)
		FUZZ_ASSERT(!ts_utable_lookup(&t, t.base - 1));
	ts_utable_free(&t);
	return acc;
}

static uint64_t unwind(const char *path, const struct trustack_sidecar_info *in, const uint8_t *data, size_t size)
{
	struct mem m = { data, size };
	struct trustack_unwinder_opts o = { .sz = sizeof(o), .read_mem = read_mem, .ctx = &m, .stack_lo = STACK_LO,
					    .stack_hi = STACK_LO + STACK_SIZE, .no_cache = true, .no_analysis = true };
	struct trustack_unwinder *u;
	if (trustack_unwinder__new(&o, &u))
		return 0;
	struct trustack_module_desc d = { .sz = sizeof(d), .name = "fuzz", .kind = TRUSTACK_MODULE_FILE,
					  .start = in->start, .end = in->end, .sidecar = path };
	char err[256] = "";
	uint64_t acc = 0;
	int idx = trustack_unwinder__add_module(u, &d, err, sizeof(err));
	if (idx < 0) {
		acc += fuzz_touch_err(err, sizeof(err));
	} else {
		struct trustack_frame fr[32];
		for (uint64_t k = 0; k < 8 && k < in->entries; k++) {
			struct trustack_regs r = { .machine = 62, .nregs = 17 };
			memcpy(r.r, data + (k * 8) % (size - 8), 8); /* some register values from the input */
			r.pc = r.r[16] = in->start + (in->end - in->start) * k / 8;
			r.sp = r.r[7] = STACK_LO + 64 * k;
			r.fp = r.r[6] = STACK_LO + 512;
			for (int mode = 0; mode < TRUSTACK_UNWIND__MODES; mode++) {
				struct trustack_unwind_result res;
				if (trustack_unwind(u, mode, &r, fr, 32, &res))
					continue;
				FUZZ_ASSERT(res.count <= 32 && res.verdict < TRUSTACK_UNWIND__VERDICTS);
				acc += res.count + res.verdict + fuzz_touch(trustack_unwind_verdict__name(res.verdict));
			}
		}
	}
	trustack_unwinder__free(u);
	return acc;
}

static uint64_t as_file(const uint8_t *data, size_t size)
{
	char path[64], err[256] = "";
	int fd = fuzz_as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	struct trustack_sidecar *sc;
	uint64_t acc = 0;
	if (trustack_sidecar__open(path, &sc, err, sizeof(err))) {
		acc += fuzz_touch_err(err, sizeof(err));
	} else {
		struct trustack_sidecar_info in;
		trustack_sidecar__info(sc, &in);
		FUZZ_ASSERT(in.end >= in.start && in.build_id_len <= 32);
		trustack_sidecar__dump(sc, fuzz_devnull());
		trustack_sidecar__close(sc);
		if (in.end > in.start && size >= 16)
			acc += unwind(path, &in, data, size);
	}
	close(fd);
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_keep(lookups(data, size) + as_file(data, size));
	return 0;
}
