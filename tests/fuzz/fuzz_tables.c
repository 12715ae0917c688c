/*
 * fuzz_tables.c - libFuzzer target over the unwind tables found inside an ELF file: ORC
 * (.orc_unwind + .orc_unwind_ip; lib/tables/orc_read.c), .sframe as a section of the file
 * (sframe_read.c), the compiler's CFI including a compressed .debug_frame (gcc -gz; cfi.c), all
 * compared with the analysis by diff (diff.c, source_tables.c), and the symbol reader `stacks`
 * uses on ELF images (lib/symbols/load.c).
 *
 * One input = one ELF file opened from memory (objects and linked files; the seeds carry these
 * tables, made by trustack orc/sframe, gas --gsframe and gcc -gz). The ORC entries are read in
 * every layout and each is formatted; the .sframe is dumped; diff runs against every table the
 * file has, each mismatch's strings read to their end.
 */
#include "fuzz_util.h"

#include "trustack.h"

static void on_mismatch(const struct trustack_diff_mismatch *m, void *ctx)
{
	uint64_t *acc = ctx;
	FUZZ_ASSERT(m->instructions > 0);
	*acc += fuzz_touch(m->function) + fuzz_touch(m->section) + fuzz_touch(m->analysis) + fuzz_touch(m->table_row) +
		fuzz_touch(trustack_diff_class__name(m->cls)) + fuzz_touch(trustack_diff_table__name(m->table));
}

static uint64_t orc(struct trustack_elf *elf)
{
	static const enum trustack_orc_layout layouts[] = { TRUSTACK_ORC_LAYOUT_AUTO, TRUSTACK_ORC_LAYOUT_CURRENT,
							    TRUSTACK_ORC_LAYOUT_6_1 };
	uint64_t acc = 0;
	for (size_t l = 0; l < 3; l++) {
		struct trustack_orc_entry *e = NULL;
		size_t n = 0;
		enum trustack_orc_layout det = layouts[l];
		char err[256] = "", buf[160];
		int rc = trustack_orc__read(elf, layouts[l], &e, &n, &det, err, sizeof(err));
		if (rc) {
			FUZZ_ASSERT(rc < 0 && !e);
			acc += fuzz_touch_err(err, sizeof(err));
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			FUZZ_ASSERT(!i || e[i].address >= e[i - 1].address || e[i].section != e[i - 1].section);
			acc += fuzz_touch(e[i].section) + fuzz_touch(trustack_orc_entry__format(elf, &e[i], det, buf, sizeof(buf)));
		}
		free(e);
	}
	return acc;
}

static uint64_t diff(struct trustack_elf *elf)
{
	uint64_t acc = 0;
	struct trustack_diff_opts o = { .sz = sizeof(o), .rules = TRUSTACK_RULES_STACK, .threads = 1 };
	struct trustack_diff_stats st;
	char err[256] = "";
	int rc = trustack_diff(elf, &o, on_mismatch, &acc, &st, err, sizeof(err));
	if (rc)
		acc += fuzz_touch_err(err, sizeof(err));
	else
		FUZZ_ASSERT(st.total.compared == st.total.agree + st.total.equivalent + st.total.disagree);
	return acc;
}

static uint64_t symbols(const uint8_t *data, size_t size)
{
	struct trustack_symbols *s;
	char err[256] = "";
	if (trustack_symbols__open_mem(data, size, "fuzz", &s, err, sizeof(err)))
		return fuzz_touch_err(err, sizeof(err));
	uint64_t acc = 0;
	struct trustack_symbol sym;
	for (uint64_t a = 0; a < 0x3000; a += 7)
		if (!trustack_symbols__lookup(s, a, &sym)) {
			FUZZ_ASSERT(a - sym.start < sym.size);
			acc += fuzz_touch(sym.name) + trustack_symbols__find(s, sym.name, NULL, 0);
		}
	trustack_symbols__close(s);
	return acc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trustack_elf *elf = NULL;
	char err[256] = "";
	uint64_t acc = symbols(data, size);
	if (trustack_elf__open_mem(data, size, "fuzz", &elf, err, sizeof(err))) {
		fuzz_keep(acc + fuzz_touch_err(err, sizeof(err)));
		return 0;
	}
	acc += orc(elf);
	if (trustack_sframe__dump(elf, fuzz_devnull(), err, sizeof(err)))
		acc += fuzz_touch_err(err, sizeof(err));
	acc += diff(elf);
	trustack_elf__close(elf);
	fuzz_keep(acc);
	return 0;
}
