/*
 * fuzz_archive.c - libFuzzer target over ar archives (.a): the member list and each member opened
 * and checked (lib/elf/image.c, through libelf). trustack reads archives only by path, so the
 * input is a memfd; fuzz_check.c also does this for inputs that happen to start with an ar magic,
 * this target starts from archive seeds so that mutations stay archives.
 */
#include "fuzz_util.h"

#include "trustack.h"

static void on_warning(const struct trustack_warning *w, void *ctx)
{
	uint64_t *acc = ctx;
	*acc += fuzz_touch(w->function) + fuzz_touch(w->section) + fuzz_touch(w->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[256] = "";
	int fd = fuzz_as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	char **names = NULL;
	size_t n = 0;
	uint64_t acc = 0;
	int rc = trustack_archive__members(path, &names, &n, err, sizeof(err));
	if (rc) {
		FUZZ_ASSERT(rc < 0);
		acc += fuzz_touch_err(err, sizeof(err));
	}
	for (size_t i = 0; i < n; i++)
		acc += fuzz_touch(names[i]);
	for (size_t i = 0; !rc && i < n && i < 16; i++) {
		struct trustack_elf *elf = NULL;
		if (trustack_elf__open_member(path, i, &elf, err, sizeof(err))) {
			FUZZ_ASSERT(!elf);
			acc += fuzz_touch_err(err, sizeof(err));
			continue;
		}
		struct trustack_check_opts o = { .sz = sizeof(o), .rules = TRUSTACK_RULES_FP, .threads = 1 };
		acc += (uint64_t)trustack_check(elf, &o, on_warning, &acc, NULL);
		trustack_elf__close(elf);
	}
	if (!rc)
		trustack_archive__free(names, n);
	close(fd);
	fuzz_keep(acc);
	return 0;
}
