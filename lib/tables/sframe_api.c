/*
 * sframe_api.c - the public SFrame entry points: analyse, build, encode, write.
 */
#include <stdlib.h>
#include <string.h>

#include "common/opts.h"
#include "elf/handle.h"
#include "tables/sframe.h"
#include "trustack.h"

struct relay {
	const struct ts_image *img;
	trustack_problem_fn fn;
	void *ctx;
};

/* An internal problem in the public shape: function, offset, section as in warnings. */
static void relay_problem(const struct ts_sf_problem *p, void *ctx)
{
	struct relay *r = ctx;
	if (!r->fn)
		return;
	struct trustack_table_problem out = { 0 };
	int g = ts_image_func_at(r->img, p->addr);
	out.address = ts_image_report_addr(r->img, p->addr, &out.section);
	if (g >= 0) {
		out.function = r->img->funcs[g].name;
		out.func_address = ts_image_report_addr(r->img, r->img->funcs[g].addr, NULL);
		out.offset = p->addr - r->img->funcs[g].addr;
	}
	out.length = p->len;
	out.message = p->msg;
	r->fn(&out, r->ctx);
}

/* Analyse, build and encode; *enc holds the section (start fields for base 0). */
int ts_sframe_make(struct trustack_elf *elf, const struct trustack_sframe_opts *opts, trustack_problem_fn on_problem,
		void *ctx, struct trustack_sframe_stats *stats, struct ts_sf_encoded *enc, char *err, size_t errlen)
{
	struct trustack_sframe_opts o;
	if (!elf || !opts || TS_OPTS_LOAD(o, opts)) {
		snprintf(err, errlen, "invalid arguments");
		return -TRUSTACK_E_ARG;
	}
	const struct ts_image *img = elf->img;
	unsigned threads = o.threads;
	unsigned version = o.version ? o.version : 2;
	if (version < 1 || version > 3) {
		snprintf(err, errlen, "SFrame version %u is not supported (1, 2 or 3)", version);
		return -TRUSTACK_E_ARG;
	}
	/* the encodings we write: AMD64 (RA at a fixed offset), AArch64 little-endian (RA tracked) and
	 * s390x (RA tracked, scaled CFA offsets, big-endian; SFrame v2 from binutils 2.45 on) */
	uint8_t abi = img->arch->sframe_abi;
	if (abi != TS_SF_ABI_AMD64_LE && abi != TS_SF_ABI_AARCH64_LE && abi != TS_SF_ABI_S390X_BE) {
		snprintf(err, errlen, "SFrame generation supports x86-64, arm64 and s390x only (this file is %s)",
			 img->arch->name);
		return -TRUSTACK_E_UNSUPPORTED;
	}
	unsigned first = ts_sf_abi_facts(abi).min_version;
	if (version < first) {
		snprintf(err, errlen, "SFrame v%u has no %s encoding (it starts with v%u): use --sframe-version=%u or 3",
			 version, img->arch->name, first, first);
		return -TRUSTACK_E_UNSUPPORTED;
	}
	for (size_t i = 1; i < img->nsecs; i++)
		if (!strcmp(img->secs[i].name, ".sframe")) {
			snprintf(err, errlen, "the file already has a .sframe section (remove it first: objcopy -R .sframe)");
			return -TRUSTACK_E_UNSUPPORTED;
		}
	struct ts_rowmap m;
	int rc = ts_rowmap_build(img, o.rules, threads, &m);
	if (rc) {
		snprintf(err, errlen, "analysis failed: %s", trustack_strerror(rc));
		return rc;
	}
	struct ts_sframe t;
	struct relay rl = { img, on_problem, ctx };
	uint64_t problems = 0;
	rc = ts_sframe_build(img, &m, version, &t, relay_problem, &rl, &problems);
	ts_rowmap_free(&m);
	if (rc) {
		snprintf(err, errlen, "building the table failed: %s", trustack_strerror(rc));
		return rc;
	}
	rc = ts_sframe_encode(&t, version, 0, enc, err, errlen);
	ts_sframe_free(&t);
	if (rc)
		return rc;
	if (stats) {
		stats->fdes = enc->nfdes;
		stats->fres = enc->nfres;
		stats->bytes = enc->size;
		stats->problems = problems;
	}
	return 0;
}

int trustack_sframe__encode(struct trustack_elf *elf, const struct trustack_sframe_opts *opts,
			    trustack_problem_fn on_problem, void *ctx, struct trustack_sframe_stats *stats, void **buf,
			    size_t *size, char *errbuf, size_t errlen)
{
	char dummy[8];
	if (!errbuf)
		errbuf = dummy, errlen = sizeof(dummy);
	if (!buf || !size)
		return -TRUSTACK_E_ARG;
	*buf = NULL;
	*size = 0;
	if (elf && elf->img->rel) {
		snprintf(errbuf, errlen, "an object's table needs relocations: use trustack_sframe__write");
		return -TRUSTACK_E_UNSUPPORTED;
	}
	struct ts_sf_encoded enc;
	int rc = ts_sframe_make(elf, opts, on_problem, ctx, stats, &enc, errbuf, errlen);
	if (rc)
		return rc;
	*buf = enc.buf;
	*size = enc.size;
	enc.buf = NULL;
	ts_sf_encoded_free(&enc);
	return 0;
}


int trustack_sframe__dump(struct trustack_elf *elf, FILE *f, char *errbuf, size_t errlen)
{
	if (!elf || !f)
		return -TRUSTACK_E_ARG;
	return ts_sframe_dump(f, elf->img, errbuf, errlen);
}
