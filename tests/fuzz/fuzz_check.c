/*
 * fuzz_check.c - libFuzzer target over ELF reading and the whole analysis.
 *
 * One input = one ELF file in memory. It is opened with trustack_elf__open_mem(); when that
 * succeeds the file is checked with the stack rules and with the frame-pointer rules, and every
 * function is annotated. The callbacks read every field they are given (strings to their NUL,
 * instruction bytes to their length), so AddressSanitizer sees any dangling or short pointer the
 * library hands out. Build with "make fuzz"; see tests/fuzz/README.md.
 *
 * Two things only work on files opened by path: DWARF (DW_AT_noreturn, read with libdwfl) and ar
 * archives. So an input that names a .debug_info section, or starts with an ar magic, is also
 * written to a memfd and checked through /proc/self/fd/N: trustack_elf__open(), or
 * trustack_archive__members() and trustack_elf__open_member() for each member (at most 16).
 * Those copies are mmapped by libelf, where ASan cannot see overreads, which is why the buffer
 * path always runs too.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "trustack.h"

struct sink {
	struct trustack_elf *elf;
	uint64_t acc; /* folded over everything the callbacks see, so nothing is optimised away */
};

static uint64_t touch_str(const char *s)
{
	if (!s)
		return 1;
	size_t n = strlen(s);
	return n + (n ? (unsigned char)s[n - 1] : 0);
}

static uint64_t touch_loc(const struct trustack_loc *l)
{
	return (uint64_t)l->kind * 31 + l->reg * 7 + (uint64_t)(int64_t)l->offset;
}

static void on_warning(const struct trustack_warning *w, void *ctx)
{
	struct sink *s = ctx;
	uint64_t a = (uint64_t)w->kind;
	a += touch_str(trustack_warning_kind__name(w->kind));
	a += trustack_warning_kind__is_fp_rule(w->kind);
	a += touch_str(w->function);
	a += touch_str(w->section);
	a += touch_str(w->message);
	a += w->func_address ^ w->offset ^ w->address;
	if (!w->message)
		abort(); /* every warning has a message */
	if ((unsigned)w->kind >= TRUSTACK_W__COUNT)
		abort();
	s->acc += a;
}

static void on_insn(const struct trustack_insn_info *in, void *ctx)
{
	struct sink *s = ctx;
	uint64_t a = touch_str(in->function) + touch_str(in->text) + touch_str(in->state);
	a += in->address ^ in->offset;
	a += in->length;
	if (in->length && !in->bytes)
		abort(); /* an instruction with bytes we cannot see */
	for (unsigned i = 0; i < in->length; i++)
		a += in->bytes[i];
	a += in->visited;
	if (in->visited) {
		char buf[128];
		a += in->row.cfa_kind + in->row.cfa_reg + (uint64_t)(int64_t)in->row.cfa_offset;
		a += touch_loc(&in->row.ra) + touch_loc(&in->row.fp);
		a += touch_str(trustack_row__format(s->elf, &in->row, buf, sizeof(buf)));
	}
	s->acc += a;
}

/* The input as a file: a memfd, named /proc/self/fd/N. Returns the fd or -1. */
static int as_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t w = write(fd, data + done, size - done);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_fp(struct trustack_elf *elf, struct sink *s)
{
	struct trustack_check_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.rules = TRUSTACK_RULES_FP;
	opts.threads = 1;
	struct sink fs = { .elf = elf };
	s->acc += (uint64_t)trustack_check(elf, &opts, on_warning, &fs, NULL) + fs.acc;
	s->acc += touch_str(trustack_elf__arch(elf));
}

/* An ELF file with DWARF, opened by path: the DW_AT_noreturn reader runs. */
static void check_via_file(const uint8_t *data, size_t size, struct sink *s)
{
	char path[64], err[256];
	int fd = as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return;
	struct trustack_elf *elf = NULL;
	if (trustack_elf__open(path, &elf, err, sizeof(err)) == 0) {
		check_fp(elf, s);
		trustack_elf__close(elf);
	} else if (elf) {
		abort();
	}
	close(fd);
}

/* An ar archive: list the members, open and check each (at most 16). */
static void check_archive(const uint8_t *data, size_t size, struct sink *s)
{
	char path[64], err[256];
	int fd = as_file(data, size, path, sizeof(path));
	if (fd < 0)
		return;
	char **names = NULL;
	size_t n = 0;
	if (trustack_archive__members(path, &names, &n, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < n; i++)
			s->acc += touch_str(names[i]);
		for (size_t i = 0; i < n && i < 16; i++) {
			struct trustack_elf *elf = NULL;
			if (trustack_elf__open_member(path, i, &elf, err, sizeof(err)) == 0) {
				check_fp(elf, s);
				trustack_elf__close(elf);
			} else {
				if (elf)
					abort();
				s->acc += strlen(err);
			}
		}
		trustack_archive__free(names, n);
	} else {
		s->acc += strlen(err);
	}
	close(fd);
}

/* open_mem, check with both rule sets, annotate everything. */
static void check_mem(const uint8_t *data, size_t size, struct sink *s)
{
	struct trustack_elf *elf = NULL;
	char err[256];
	err[0] = 0;
	int rc = trustack_elf__open_mem(data, size, "fuzz", &elf, err, sizeof(err));
	if (rc) {
		if (rc > 0 || elf)
			abort(); /* errors are negative and leave *out NULL */
		s->acc += strlen(err) + touch_str(trustack_strerror(rc));
		return;
	}
	s->elf = elf;
	s->acc += touch_str(trustack_elf__arch(elf));

	static const enum trustack_rules rules[] = { TRUSTACK_RULES_STACK, TRUSTACK_RULES_FP };
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		struct trustack_check_opts opts;
		memset(&opts, 0, sizeof(opts));
		opts.sz = sizeof(opts);
		opts.rules = rules[r];
		opts.threads = 1;
		struct trustack_check_stats st;
		memset(&st, 0, sizeof(st));
		rc = trustack_check(elf, &opts, on_warning, s, &st);
		s->acc += (uint64_t)rc + st.functions + st.instructions + st.visited + st.warnings;
		if (rc == 0 && st.visited > st.instructions)
			abort(); /* more instructions reached than decoded */
	}

	struct trustack_check_opts opts;
	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.rules = TRUSTACK_RULES_FP;
	opts.threads = 1;
	rc = trustack_annotate(elf, &opts, NULL, 0, on_insn, on_warning, s);
	s->acc += (uint64_t)rc;
	trustack_elf__close(elf);
	s->elf = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink s = { 0 };
	check_mem(data, size, &s);
	if (size >= 8 && !memcmp(data, "!<arch>\n", 8))
		check_archive(data, size, &s);
	else if (size >= 8 && !memcmp(data, "!<thin>\n", 8))
		check_archive(data, size, &s);
	else if (memmem(data, size, ".debug_info", 11))
		check_via_file(data, size, &s);
	/* the results are used: nothing the callbacks computed may be optimised away */
	__asm__ volatile("" : : "r"(s.acc) : "memory");
	return 0;
}
