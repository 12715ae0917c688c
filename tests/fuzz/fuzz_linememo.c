/*
 * fuzz_linememo.c - libFuzzer target over the line memo reader (<build-id>.tsl;
 * lib/symbols/linememo.c).
 *
 * One input = one .tsl file. The build-id it must carry is taken from its own header (bytes
 * 12..47), so the checks behind that one are reached. The memo maps its file, so the input is a
 * memfd. When it is accepted, every entry's address must be found with its own answer; then new
 * answers are added and merged with the old ones on close (the write itself fails: the memo's
 * path is a memfd, beside which nothing can be created).
 */
#include "fuzz_util.h"

#include "symbols/symbols.h"
#include "trustack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t id[32] = { 0 };
	size_t idlen = size > 12 ? data[12] : 0;
	if (idlen > 32)
		idlen = 32;
	if (size >= 16 + idlen)
		memcpy(id, data + 16, idlen);
	char path[64];
	int fd = fuzz_as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	struct ts_linememo m;
	memset(&m, 0, sizeof(m));
	m.path = strdup(path);
	FUZZ_ASSERT(m.path);
	ts_linememo_load(&m, id, idlen);
	uint64_t acc = 0;
	for (size_t i = 0; i < m.n && i < 4096; i++) {
		uint64_t addr;
		memcpy(&addr, (const uint8_t *)m.ents + 16 * i, 8);
		const char *file = NULL;
		int line = -1;
		FUZZ_ASSERT(ts_linememo_find(&m, addr, &file, &line) == 1);
		FUZZ_ASSERT(line >= 0);
		acc += fuzz_touch(file) + (uint64_t)line;
		if (i < 8)
			FUZZ_ASSERT(!ts_linememo_add(&m, addr + 1, file, line + 1)); /* merged on close */
	}
	FUZZ_ASSERT(!ts_linememo_add(&m, 0, "new.c", 1));
	ts_linememo_close(&m, id, idlen);
	close(fd);
	fuzz_keep(acc);
	return 0;
}
