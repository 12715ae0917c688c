/*
 * property_test.c - the GNU property note reader (lib/elf/landing.c, ts_gnu_property_bits): the
 * descriptor of an NT_GNU_PROPERTY_TYPE_0 note as gcc, clang and GNU ld write it, in both byte
 * orders and both ELF classes (properties padded to 8 bytes in ELFCLASS64, 4 in ELFCLASS32),
 * with the property looked for first, after others, absent, and malformed (a size that runs
 * past the note, data of the wrong size). Descriptors are built byte by byte here, independently
 * of the reader. Prints one PASS/FAIL line per case; exit status 1 when any failed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "elf/image.h"

#define FEATURE_AND 0xc0000000u /* arm64's GNU_PROPERTY_AARCH64_FEATURE_1_AND, by number */
#define X86_ISA_USED 0xc0010002u /* another property a note may hold first */

static int failed;

static void result(const char *name, bool ok, const char *why)
{
	if (ok)
		printf("PASS units/property/%s\n", name);
	else
		printf("FAIL units/property/%s: %s\n", name, why);
	failed |= !ok;
}

struct desc {
	uint8_t b[128];
	size_t n;
	bool be;
	unsigned align;
};

static void put32(struct desc *d, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		d->b[d->n + (size_t)k] = (uint8_t)(v >> (d->be ? 24 - 8 * k : 8 * k));
	d->n += 4;
}

/* One property: type, size, the data words, padding to the class' alignment. */
static void prop(struct desc *d, uint32_t type, uint32_t datasz, const uint32_t *words, size_t nwords)
{
	put32(d, type);
	put32(d, datasz);
	for (size_t k = 0; k < nwords; k++)
		put32(d, words[k]);
	while (d->n % d->align)
		d->b[d->n++] = 0;
}

static void check(const char *name, const struct desc *d, bool want_found, uint32_t want_bits)
{
	uint32_t bits = 0xdeadbeef;
	bool found = ts_gnu_property_bits(d->b, d->n, d->be, d->align, FEATURE_AND, &bits);
	char why[128];
	snprintf(why, sizeof(why), "found %d bits 0x%x, expected found %d bits 0x%x", found, found ? bits : 0,
		 want_found, want_bits);
	result(name, found == want_found && (!found || bits == want_bits), why);
}

int main(void)
{
	for (int be = 0; be < 2; be++) {
		for (unsigned align = 4; align <= 8; align += 4) {
			char name[64];
			const char *tag = be ? (align == 8 ? "be64" : "be32") : (align == 8 ? "le64" : "le32");
			const uint32_t bti_pac = 3, isa = 0x7;
			struct desc d = { .be = be, .align = align };
			prop(&d, FEATURE_AND, 4, &bti_pac, 1); /* gcc -mbranch-protection=standard */
			snprintf(name, sizeof(name), "%s-alone", tag);
			check(name, &d, true, 3);

			d = (struct desc){ .be = be, .align = align };
			prop(&d, X86_ISA_USED, 4, &isa, 1); /* another property first: skipped, padded */
			prop(&d, FEATURE_AND, 4, &bti_pac, 1);
			snprintf(name, sizeof(name), "%s-after-another", tag);
			check(name, &d, true, 3);

			d = (struct desc){ .be = be, .align = align };
			prop(&d, X86_ISA_USED, 4, &isa, 1);
			snprintf(name, sizeof(name), "%s-absent", tag);
			check(name, &d, false, 0);

			d = (struct desc){ .be = be, .align = align };
			prop(&d, FEATURE_AND, 200, &bti_pac, 1); /* its size runs past the note */
			snprintf(name, sizeof(name), "%s-size-past-end", tag);
			check(name, &d, false, 0);

			d = (struct desc){ .be = be, .align = align };
			const uint32_t two[2] = { 3, 0 };
			prop(&d, FEATURE_AND, 8, two, 2); /* an AND property of 8 bytes: not ours to read */
			snprintf(name, sizeof(name), "%s-wrong-size", tag);
			check(name, &d, false, 0);

			d = (struct desc){ .be = be, .align = align };
			prop(&d, FEATURE_AND, 4, &bti_pac, 1);
			d.n -= align == 8 ? 6 : 2; /* truncated inside the data */
			snprintf(name, sizeof(name), "%s-truncated", tag);
			check(name, &d, false, 0);
		}
	}
	/* the byte order matters: a big-endian note read as little-endian is another property */
	struct desc d = { .be = true, .align = 8 };
	const uint32_t bti = 1;
	prop(&d, FEATURE_AND, 4, &bti, 1);
	uint32_t bits = 0;
	result("byte-order-matters", !ts_gnu_property_bits(d.b, d.n, false, 8, FEATURE_AND, &bits),
	       "a big-endian note read as little-endian still found the property");
	result("bad-alignment", !ts_gnu_property_bits(d.b, d.n, true, 2, FEATURE_AND, &bits),
	       "an alignment other than 4 or 8 accepted");
	return failed;
}
