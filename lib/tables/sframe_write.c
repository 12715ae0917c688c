/*
 * sframe_write.c - trustack_sframe__write: the table into a copy of the ELF file (elf/writer.h).
 */
#include <stdlib.h>
#include <string.h>

#include "elf/handle.h"
#include "elf/writer.h"
#include "tables/sframe.h"
#include "trustack.h"

int trustack_sframe__write(struct trustack_elf *elf, const struct trustack_sframe_opts *opts, const char *out_path,
			   trustack_problem_fn on_problem, void *ctx, struct trustack_sframe_stats *stats, char *errbuf,
			   size_t errlen)
{
	char dummy[8];
	if (!errbuf)
		errbuf = dummy, errlen = sizeof(dummy);
	if (!out_path) {
		snprintf(errbuf, errlen, "no output file");
		return -TRUSTACK_E_ARG;
	}
	/* a destination we would refuse at the end is refused before the analysis */
	int rc = trustack_output__check(out_path, elf, errbuf, errlen);
	if (rc)
		return rc;
	struct ts_sf_encoded enc;
	rc = ts_sframe_make(elf, opts, on_problem, ctx, stats, &enc, errbuf, errlen);
	if (rc)
		return rc;
	const struct ts_image *img = elf->img;
	struct ts_out_reloc *rel = NULL;
	size_t nrel = 0;
	if (img->rel && enc.nfields) {
		/* like gas: each start field is PC-relative to the function (the machine's PC32
		 * relocation, or PC64 for v3's 64-bit field); RELA, so the bytes in the section are 0 */
		rel = calloc(enc.nfields, sizeof(*rel));
		if (!rel) {
			ts_sf_encoded_free(&enc);
			return -TRUSTACK_E_NOMEM;
		}
		for (size_t i = 0; i < enc.nfields; i++) {
			const struct ts_sf_startfield *f = &enc.fields[i];
			uint32_t type = img->arch->reloc[f->width == 8 ? TS_RELOC_PC64 : TS_RELOC_PC32];
			rel[i] = (struct ts_out_reloc){ f->offset, type, f->target, 0 };
			memset(enc.buf + f->offset, 0, f->width);
		}
		nrel = enc.nfields;
	}
	struct ts_out_section sec = {
		.name = ".sframe",
		.type = SHT_PROGBITS, /* what gas 2.40 uses (SHT_GNU_SFRAME came with 2.45) */
		.flags = SHF_ALLOC,
		.align = 8,
		.data = enc.buf,
		.size = enc.size,
		.relocs = rel,
		.nrelocs = nrel,
	};
	rc = ts_elf_write_copy(img, out_path, &sec, 1, errbuf, errlen);
	free(rel);
	ts_sf_encoded_free(&enc);
	return rc;
}
