/*
 * fuzz_symcache.c - libFuzzer target over the symbol cache reader (<build-id>.tss;
 * lib/symbols/symcache.c; format docs/sidecar.md, "symbol cache").
 *
 * One input = one .tss file, attached from a buffer of exactly its size (the cache maps the file
 * and attaches it the same way), so ASan sees any read past the end. When it is accepted, every
 * address is looked up (a symbol found must hold the address) and the first names are looked up
 * by name (every symbol found must carry that name), as `stacks` does for frames and --check.
 */
#include "fuzz_util.h"

#include "symbols/symbols.h"
#include "trustack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trustack_symbols *s = calloc(1, sizeof(*s));
	void *mem = malloc(size ? size : 1);
	FUZZ_ASSERT(s && mem);
	memcpy(mem, data, size);
	if (ts_symbols_attach(s, mem, size, false)) {
		free(mem); /* refused: the caller still owns the buffer */
		trustack_symbols__close(s);
		return 0;
	}
	uint64_t acc = ts_symbols_facts(s)->nplt;
	struct trustack_symbol sym, found[4];
	for (uint32_t i = 0; i < s->nall && i < 256; i++) {
		uint64_t a = s->all[i].start;
		for (uint64_t at = a - 1; at != a + 2; at++)
			if (!trustack_symbols__lookup(s, at, &sym)) {
				FUZZ_ASSERT(at - sym.start < sym.size);
				acc += fuzz_touch(sym.name) + sym.plt;
			}
	}
	for (uint32_t i = 0; i < s->nall && i < 32; i++) {
		const char *name = ts_sym_name(s, &s->all[i]);
		size_t n = trustack_symbols__find(s, name, found, 4);
		FUZZ_ASSERT(n >= 1);
		for (size_t k = 0; k < n && k < 4; k++)
			FUZZ_ASSERT(!strcmp(found[k].name, name));
	}
	trustack_symbols__close(s);
	fuzz_keep(acc);
	return 0;
}
