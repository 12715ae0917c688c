/*
 * reader.c - the perf.data file (the kernel's tools/perf/Documentation/perf.data-file-format.txt):
 * the header, the event attributes with their sample ids, the feature sections this reader
 * uses (build-ids, the machine, the kernel release, the event names), and the records, read in
 * the order of their timestamps.
 *
 * The whole file is mapped read-only and every field is read with explicit little-endian loads
 * after a bounds check: a truncated or hostile file gives an error or a skipped record, never
 * a read past the end. Records are framed once, at open, into an index sorted by timestamp
 * (perf writes each CPU's buffer in turn, so a process' mmap can come after its first sample
 * in the file; `perf script` sorts them the same way).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arch.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/opts.h"
#include "common/vec.h"
#include "perf/perf.h"

/* perf's own record types and feature bits (tools/perf/util/header.h, event.h): not in the
 * kernel's uapi header */
enum {
	REC_USER_FIRST = 64,        /* PERF_RECORD_HEADER_ATTR: from here on, records of perf itself */
	REC_FINISHED_ROUND = 68,
	REC_COMPRESSED = 81,
	REC_COMPRESSED2 = 83,
	REC_USER_LAST = 83,
	FEAT_BUILD_ID = 2,
	FEAT_OSRELEASE = 4,
	FEAT_ARCH = 6,
	FEAT_EVENT_DESC = 12,
	FEAT_BITS = 256,
	HEADER_SIZE = 104,          /* magic, size, attr_size, 3 sections, the feature bitmap */
	PIPE_HEADER_SIZE = 16,
	MISC_BUILD_ID_SIZE = 1 << 15, /* a build-id entry says its length */
	ATTR_MIN = 64,              /* PERF_ATTR_SIZE_VER0 */
};

/* [off, off + len) lies inside the file */
static bool in_file(const struct trustack_perf *p, uint64_t off, uint64_t len)
{
	return off <= p->size && len <= p->size - off;
}

/* A perf_header_string (u32 length, then that many bytes, NUL-padded) into buf. */
static void read_string(const struct trustack_perf *p, uint64_t off, uint64_t size, char *buf, size_t n)
{
	buf[0] = 0;
	if (size < 4 || !in_file(p, off, size))
		return;
	uint32_t len = ts_le32(p->map + off);
	if (len > size - 4)
		len = (uint32_t)(size - 4);
	size_t k = strnlen((const char *)p->map + off + 4, len);
	if (k >= n)
		k = n - 1;
	memcpy(buf, p->map + off + 4, k);
	buf[k] = 0;
}

/* HEADER_BUILD_ID: a sequence of records {header, pid, build-id[24], filename}. */
static int read_build_ids(struct trustack_perf *p, uint64_t off, uint64_t size)
{
	if (!in_file(p, off, size))
		return 0; /* a damaged feature section only loses the build-ids */
	const uint8_t *b = p->map + off, *end = b + size;
	while (end - b >= 8 + 4 + 24) {
		uint16_t misc = ts_le16(b + 4), len = ts_le16(b + 6);
		if (len < 8 + 4 + 24 + 1 || len > end - b)
			break;
		const char *path = (const char *)b + 36;
		if (memchr(path, 0, len - 36)) {
			if (TS_GROW(p->bids, p->nbids, p->capbids, 32))
				return -TRUSTACK_E_NOMEM;
			struct ts_perf_buildid *e = &p->bids[p->nbids++];
			e->path = path;
			e->len = (misc & MISC_BUILD_ID_SIZE) && b[32] && b[32] <= 20 ? b[32] : 20;
			memcpy(e->id, b + 12, e->len);
			/* a sha1 build-id padded with zeros is what perf writes without the size bit */
		}
		b += len;
	}
	return 0;
}

/* HEADER_EVENT_DESC: u32 count, u32 attr size, then per event: attr, u32 ids, name, ids. */
static int read_event_desc(struct trustack_perf *p, uint64_t off, uint64_t size)
{
	if (size < 8 || !in_file(p, off, size))
		return 0;
	const uint8_t *b = p->map + off, *end = b + size;
	uint32_t n = ts_le32(b), asz = ts_le32(b + 4);
	b += 8;
	for (uint32_t i = 0; i < n; i++) {
		if ((uint64_t)(end - b) < (uint64_t)asz + 8)
			return 0;
		b += asz;
		uint32_t nids = ts_le32(b), slen = ts_le32(b + 4);
		b += 8;
		if (slen > (uint64_t)(end - b) || (uint64_t)nids * 8 > (uint64_t)(end - b) - slen)
			return 0;
		if (i < p->nevents && slen && !p->events[i].name &&
		    !(p->events[i].name = strndup((const char *)b, slen)))
			return -TRUSTACK_E_NOMEM;
		b += slen + (uint64_t)nids * 8;
	}
	return 0;
}

static int read_features(struct trustack_perf *p, const uint8_t *bitmap, char *err, size_t errlen)
{
	uint64_t at = p->data_off + p->data_size;
	char arch[32] = "";
	for (unsigned bit = 0; bit < FEAT_BITS; bit++) {
		if (!(bitmap[bit / 8] >> (bit % 8) & 1))
			continue;
		if (!in_file(p, at, 16))
			break; /* no feature sections (a file perf did not finish): the records still count */
		uint64_t off = ts_le64(p->map + at), size = ts_le64(p->map + at + 8);
		at += 16;
		int rc = 0;
		if (bit == FEAT_BUILD_ID)
			rc = read_build_ids(p, off, size);
		else if (bit == FEAT_ARCH)
			read_string(p, off, size, arch, sizeof(arch));
		else if (bit == FEAT_OSRELEASE)
			read_string(p, off, size, p->osrelease, sizeof(p->osrelease));
		else if (bit == FEAT_EVENT_DESC)
			rc = read_event_desc(p, off, size);
		if (rc)
			return ts_fail(err, errlen, -rc, "out of memory");
	}
	snprintf(p->info.arch, sizeof(p->info.arch), "%s", arch);
	const struct ts_arch *native = ts_arch_native();
	p->arch = *arch ? ts_arch_for_perf_name(arch) : native;
	if (!p->arch || p->arch != native || !p->arch->perf || !p->arch->uw)
		return ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
			    "recorded on %s: this trustack reads perf.data of %s only", *arch ? arch : "an unknown machine",
			    native && native->perf ? native->perf->uname : "no machine");
	p->info.machine = p->arch->e_machine;
	return 0;
}

/* The event attributes: attr_size bytes each, perf_event_attr then the section of its ids. */
static int read_attrs(struct trustack_perf *p, uint64_t attr_size, uint64_t off, uint64_t size, char *err,
		      size_t errlen)
{
	if (attr_size < ATTR_MIN + 16 || attr_size > 4096 || !size || size % attr_size || !in_file(p, off, size))
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "damaged header: the event attributes (%" PRIu64
			    " bytes of %" PRIu64 " at offset %" PRIu64 ") do not fit the file", size, attr_size, off);
	size_t n = size / attr_size;
	if (n > 4096)
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "damaged header: %zu event attributes", n);
	p->events = calloc(n, sizeof(*p->events));
	if (!p->events)
		return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "out of memory");
	p->nevents = n;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *a = p->map + off + i * attr_size;
		struct ts_perf_event *e = &p->events[i];
		uint32_t asz = ts_le32(a + 4);
		if (asz < ATTR_MIN || asz > attr_size - 16)
			asz = (uint32_t)(attr_size - 16); /* older perf wrote 0 here: the entry's size says */
		e->sample_type = ts_le64(a + 24);
		e->read_format = ts_le64(a + 32);
		e->sample_id_all = ts_le64(a + 40) >> 18 & 1;
		e->branch_type = asz >= 80 ? ts_le64(a + 72) : 0;
		e->regs_user = asz >= 96 ? ts_le64(a + 80) : 0;
		e->stack_user = asz >= 96 ? ts_le32(a + 88) : 0;
		uint64_t ioff = ts_le64(a + attr_size - 16), isz = ts_le64(a + attr_size - 8);
		if (isz % 8 || !in_file(p, ioff, isz) || isz / 8 > (1u << 20))
			continue; /* no usable ids: samples match it only when it is the only event */
		if (isz && !(e->ids = malloc(isz)))
			return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "out of memory");
		e->nids = isz / 8;
		for (size_t k = 0; k < e->nids; k++)
			e->ids[k] = ts_le64(p->map + ioff + 8 * k);
	}
	p->info.nevents = n;
	p->info.sample_type = p->events[0].sample_type;
	p->info.regs_user = p->events[0].regs_user;
	p->info.stack_user = p->events[0].stack_user;
	return 0;
}

/* Where a sample's id is: PERF_SAMPLE_IDENTIFIER first, else PERF_SAMPLE_ID after ip, tid,
 * time and addr (perf requires every event of a file to put it in the same place). */
static const struct ts_perf_event *event_of(const struct trustack_perf *p, const uint8_t *b, size_t len,
					    uint32_t *index)
{
	*index = 0;
	uint64_t st = p->events[0].sample_type;
	if (p->nevents == 1 || !(st & (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_ID)))
		return &p->events[0];
	size_t at = 0;
	if (!(st & PERF_SAMPLE_IDENTIFIER))
		at = 8 * (!!(st & PERF_SAMPLE_IP) + !!(st & PERF_SAMPLE_TID) + !!(st & PERF_SAMPLE_TIME) +
			  !!(st & PERF_SAMPLE_ADDR));
	if (at + 8 > len)
		return NULL;
	uint64_t id = ts_le64(b + at);
	for (size_t i = 0; i < p->nevents; i++)
		for (size_t k = 0; k < p->events[i].nids; k++)
			if (p->events[i].ids[k] == id) {
				*index = (uint32_t)i;
				return &p->events[i];
			}
	return NULL;
}

/* The timestamp of a record (0 when it has none). */
static uint64_t record_time(const struct trustack_perf *p, uint32_t type, const uint8_t *b, size_t len)
{
	if (type == PERF_RECORD_SAMPLE) {
		uint32_t ev;
		const struct ts_perf_event *e = event_of(p, b, len, &ev);
		if (!e || !(e->sample_type & PERF_SAMPLE_TIME))
			return 0;
		uint64_t st = e->sample_type;
		size_t at = 8 * (!!(st & PERF_SAMPLE_IDENTIFIER) + !!(st & PERF_SAMPLE_IP) + !!(st & PERF_SAMPLE_TID));
		return at + 8 <= len ? ts_le64(b + at) : 0;
	}
	const struct ts_perf_event *e = &p->events[0];
	if (type >= REC_USER_FIRST || !e->sample_id_all || !(e->sample_type & PERF_SAMPLE_TIME))
		return 0;
	/* the sample_id trailer: {pid, tid}, time, id, stream_id, cpu, identifier */
	uint64_t st = e->sample_type;
	size_t after = 8 * (1 + !!(st & PERF_SAMPLE_ID) + !!(st & PERF_SAMPLE_STREAM_ID) + !!(st & PERF_SAMPLE_CPU) +
			    !!(st & PERF_SAMPLE_IDENTIFIER));
	return after <= len ? ts_le64(b + len - after) : 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct ts_perf_rec *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Frame every record of the data section; a header that does not fit ends the framing. */
static int index_records(struct trustack_perf *p)
{
	uint64_t off = p->data_off, end = p->data_off + p->data_size, last = 0;
	bool timed = p->events[0].sample_id_all && (p->events[0].sample_type & PERF_SAMPLE_TIME);
	while (end - off >= 8) {
		const uint8_t *h = p->map + off;
		uint32_t type = ts_le32(h);
		uint16_t size = ts_le16(h + 6);
		if (size < 8 || size > end - off) {
			p->bad_off = off;
			p->bad_size = size;
			break;
		}
		uint64_t t = timed ? record_time(p, type, h + 8, size - 8u) : 0;
		if (!t)
			t = last; /* records without a time stay where they are */
		last = t;
		if (TS_GROW(p->recs, p->nrecs, p->caprecs, 1024))
			return -TRUSTACK_E_NOMEM;
		p->recs[p->nrecs++] = (struct ts_perf_rec){ .time = t, .off = off };
		off += size;
	}
	if (off < end && !p->bad_off)
		p->bad_off = off, p->bad_size = 0; /* fewer than 8 bytes left: a cut header */
	if (p->nrecs)
		qsort(p->recs, p->nrecs, sizeof(*p->recs), rec_cmp);
	return 0;
}

int trustack_perf__open(const char *path, const struct trustack_perf_opts *opts, struct trustack_perf **out,
			char *err, size_t errlen)
{
	if (!path || !out)
		return -TRUSTACK_E_ARG;
	*out = NULL;
	struct trustack_perf *p = calloc(1, sizeof(*p));
	if (!p)
		return ts_fail(err, errlen, TRUSTACK_E_NOMEM, "out of memory");
	int rc = -TRUSTACK_E_ARG;
	if (TS_OPTS_LOAD(p->opts, opts))
		goto out;
	rc = -TRUSTACK_E_NOMEM;
	if ((p->opts.cache_dir && !(p->cache_dir = strdup(p->opts.cache_dir))) ||
	    (p->opts.root && !(p->root = strdup(p->opts.root))))
		goto out;
	p->opts.cache_dir = p->cache_dir, p->opts.root = p->root;
	struct stat st;
	int fd = ts_open_input(path, &st, err, errlen);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	if (st.st_size < 16) {
		close(fd);
		rc = ts_fail(err, errlen, TRUSTACK_E_FORMAT, "not a perf.data file (%lld bytes)", (long long)st.st_size);
		goto out;
	}
	p->size = (size_t)st.st_size;
	void *m = mmap(NULL, p->size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		p->size = 0;
		rc = ts_fail(err, errlen, TRUSTACK_E_IO, "cannot map: %s", strerror(errno));
		goto out;
	}
	p->map = m;
	rc = -TRUSTACK_E_UNSUPPORTED;
	if (!memcmp(p->map, "2ELIFREP", 8)) {
		ts_fail(err, errlen, -rc, "a big-endian perf.data (another machine's byte order): not supported");
		goto out;
	}
	if (!memcmp(p->map, "PERFFILE", 8)) {
		ts_fail(err, errlen, -rc, "perf.data version 1 (perf before 2.6.36): not supported");
		goto out;
	}
	rc = -TRUSTACK_E_FORMAT;
	if (memcmp(p->map, "PERFILE2", 8)) {
		ts_fail(err, errlen, -rc, "not a perf.data file (no PERFILE2 magic)");
		goto out;
	}
	uint64_t hsize = ts_le64(p->map + 8);
	if (hsize == PIPE_HEADER_SIZE) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED,
			  "a pipe-mode perf.data (perf record -o -): not supported; record to a file");
		goto out;
	}
	if (hsize < HEADER_SIZE || !in_file(p, 0, HEADER_SIZE)) {
		ts_fail(err, errlen, -rc, "damaged header (size %" PRIu64 ", file %zu bytes)", hsize, p->size);
		goto out;
	}
	const uint8_t *h = p->map;
	p->data_off = ts_le64(h + 40);
	p->data_size = ts_le64(h + 48);
	if (!in_file(p, p->data_off, 0)) {
		ts_fail(err, errlen, -rc, "truncated: the records start at offset %" PRIu64 ", past the end (%zu bytes)",
		     p->data_off, p->size);
		goto out;
	}
	if (!p->data_size) /* perf killed before it wrote the sizes: the records run to the end */
		p->data_size = p->size - p->data_off;
	if (!in_file(p, p->data_off, p->data_size)) {
		/* a cut copy: read what is there */
		p->truncated = p->data_size ? p->data_off + p->data_size - p->size : 0;
		p->data_size = p->size - p->data_off;
	}
	p->info.data_size = p->data_size;
	if ((rc = read_attrs(p, ts_le64(h + 16), ts_le64(h + 24), ts_le64(h + 32), err, errlen)) ||
	    (!p->truncated && (rc = read_features(p, h + 72, err, errlen))))
		goto out;
	if (p->truncated && (!(p->arch = ts_arch_native()) || !p->arch->perf || !p->arch->uw)) {
		rc = ts_fail(err, errlen, TRUSTACK_E_UNSUPPORTED, "this trustack reads perf.data of no machine");
		goto out;
	}
	if (p->truncated)
		p->info.machine = p->arch->e_machine;
	if ((rc = index_records(p))) {
		ts_fail(err, errlen, -rc, "out of memory");
		goto out;
	}
	*out = p;
	return 0;
out:
	trustack_perf__close(p);
	return rc;
}

void trustack_perf__close(struct trustack_perf *p)
{
	if (!p)
		return;
	ts_perf_space_free(p);
	for (size_t i = 0; i < p->nevents; i++) {
		free(p->events[i].name);
		free(p->events[i].ids);
	}
	free(p->events);
	free(p->bids);
	free(p->recs);
	free(p->chain);
	free(p->pcs);
	if (p->map)
		munmap((void *)p->map, p->size);
	free(p->cache_dir);
	free(p->root);
	free(p);
}

void trustack_perf__info(const struct trustack_perf *p, struct trustack_perf_info *info)
{
	if (p && info)
		*info = p->info;
}

void trustack_perf__stats(const struct trustack_perf *p, struct trustack_perf_stats *stats)
{
	if (p && stats)
		*stats = p->stats;
}

const char *trustack_perf__event_name(const struct trustack_perf *p, uint32_t event)
{
	return p && event < p->nevents && p->events[event].name ? p->events[event].name : "event";
}

/* A cursor over one record's body. */
struct cur {
	const uint8_t *b, *end;
	bool bad;
};

static uint64_t take64(struct cur *c)
{
	if (c->end - c->b < 8) {
		c->bad = true;
		c->b = c->end;
		return 0;
	}
	uint64_t v = ts_le64(c->b);
	c->b += 8;
	return v;
}

static void skip(struct cur *c, uint64_t n)
{
	if ((uint64_t)(c->end - c->b) < n) {
		c->bad = true;
		c->b = c->end;
		return;
	}
	c->b += n;
}

/* PERF_SAMPLE_READ: the counter values (not used, only skipped). */
static void skip_read(struct cur *c, uint64_t fmt)
{
	uint64_t per = 1 + !!(fmt & PERF_FORMAT_ID) + !!(fmt & (1u << 4) /* PERF_FORMAT_LOST */);
	uint64_t times = !!(fmt & PERF_FORMAT_TOTAL_TIME_ENABLED) + !!(fmt & PERF_FORMAT_TOTAL_TIME_RUNNING);
	if (!(fmt & PERF_FORMAT_GROUP)) {
		skip(c, 8 * (per + times));
		return;
	}
	uint64_t nr = take64(c);
	if (nr > (uint64_t)(c->end - c->b) / 8)
		c->bad = true, c->b = c->end;
	else
		skip(c, 8 * (times + nr * per));
}

/* The user registers: abi, then one value per bit of the mask, in bit order. */
static void take_regs(struct trustack_perf *p, struct cur *c, uint64_t mask, struct trustack_perf_sample *s)
{
	uint64_t abi = take64(c);
	if (!abi)
		return; /* no user context (a kernel thread) */
	const struct ts_arch_perf *ap = p->arch->perf;
	const struct ts_uw_arch *ua = p->arch->uw;
	uint64_t valid = 0;
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		uint64_t v = take64(c);
		int d = ap->dwarf[i];
		if (d >= 0 && d < TRUSTACK_MAX_REGS)
			s->regs.r[d] = v, valid |= 1ull << d;
	}
	if (c->bad || abi != PERF_SAMPLE_REGS_ABI_64)
		return; /* a 32-bit process: another register set */
	unsigned need = (1u << ua->sp) | (1u << ua->ra);
	if ((valid & need) != need)
		return;
	s->regs.machine = p->arch->e_machine;
	s->regs.nregs = p->arch->nregs;
	s->regs.pc = s->regs.r[ua->ra];
	s->regs.sp = s->regs.r[ua->sp];
	s->regs.fp = (valid >> ua->fp & 1) ? s->regs.r[ua->fp] : 0;
	s->regs_valid = valid;
	s->has_regs = true;
}

/* The sample's fields in the order perf_event.h gives them, up to the user stack. */
static bool parse_sample(struct trustack_perf *p, const uint8_t *b, size_t len, struct trustack_perf_sample *s)
{
	uint32_t ev;
	const struct ts_perf_event *e = event_of(p, b, len, &ev);
	if (!e)
		return false;
	uint64_t st = e->sample_type;
	struct cur c = { b, b + len, false };
	s->event = ev;
	if (st & PERF_SAMPLE_IDENTIFIER)
		take64(&c);
	if (st & PERF_SAMPLE_IP)
		s->ip = take64(&c);
	if (st & PERF_SAMPLE_TID) {
		uint64_t v = take64(&c);
		s->pid = (int)(uint32_t)v, s->tid = (int)(uint32_t)(v >> 32);
	}
	if (st & PERF_SAMPLE_TIME)
		s->time = take64(&c);
	if (st & PERF_SAMPLE_ADDR)
		take64(&c);
	if (st & PERF_SAMPLE_ID)
		take64(&c);
	if (st & PERF_SAMPLE_STREAM_ID)
		take64(&c);
	if (st & PERF_SAMPLE_CPU)
		s->cpu = (uint32_t)take64(&c);
	if (st & PERF_SAMPLE_PERIOD)
		s->period = take64(&c);
	if (st & PERF_SAMPLE_READ)
		skip_read(&c, e->read_format);
	if (st & PERF_SAMPLE_CALLCHAIN) {
		uint64_t nr = take64(&c);
		if (nr > (uint64_t)(c.end - c.b) / 8 || TS_RESERVE(p->chain, nr + 1, p->capchain, 128))
			return false;
		for (uint64_t i = 0; i < nr; i++)
			p->chain[i] = take64(&c);
		s->callchain = p->chain, s->nchain = nr;
	}
	if (st & PERF_SAMPLE_RAW) {
		if (c.end - c.b < 4)
			return false;
		uint32_t n = ts_le32(c.b);
		skip(&c, 4 + (uint64_t)n); /* the u32 and its data end on a u64 boundary */
	}
	if (st & PERF_SAMPLE_BRANCH_STACK) {
		uint64_t nr = take64(&c);
		if (e->branch_type & PERF_SAMPLE_BRANCH_HW_INDEX)
			take64(&c);
		if (nr > (uint64_t)(c.end - c.b) / 24)
			return false;
		skip(&c, 24 * nr);
	}
	if (st & PERF_SAMPLE_REGS_USER)
		take_regs(p, &c, e->regs_user, s);
	if (st & PERF_SAMPLE_STACK_USER) {
		uint64_t size = take64(&c);
		if (size > (uint64_t)(c.end - c.b))
			return false;
		const uint8_t *data = c.b;
		c.b += size;
		uint64_t dyn = size ? take64(&c) : 0;
		s->stack = data;
		s->stack_size = dyn < size ? dyn : size;
		s->stack_requested = size;
	}
	return !c.bad;
}

/* The body of a record as a NUL-terminated string at off (within len), or NULL. */
static const char *str_at(const uint8_t *b, size_t len, size_t off)
{
	if (off >= len || !memchr(b + off, 0, len - off))
		return NULL;
	return (const char *)b + off;
}

/* Apply one record that is not a sample. Returns false when its contents do not fit. */
static bool apply(struct trustack_perf *p, uint32_t type, uint16_t misc, const uint8_t *b, size_t len)
{
	switch (type) {
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2: {
		bool two = type == PERF_RECORD_MMAP2;
		size_t name_at = two ? 64 : 32;
		const char *name = str_at(b, len, name_at);
		if (!name)
			return false;
		p->stats.mmaps++;
		if ((misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL)
			return true; /* the kernel's own maps */
		int pid = (int)ts_le32(b);
		uint64_t start = ts_le64(b + 8), mlen = ts_le64(b + 16), pgoff = ts_le64(b + 24);
		bool exec = two ? (ts_le32(b + 56) & 4 /* PROT_EXEC */) != 0 : !(misc & PERF_RECORD_MISC_MMAP_DATA);
		const uint8_t *id = NULL;
		size_t idlen = 0;
		if (two && (misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && b[32] && b[32] <= 20)
			id = b + 36, idlen = b[32];
		if (exec)
			ts_perf_mmap(p, pid, start, mlen, pgoff, name, exec, id, idlen);
		return true;
	}
	case PERF_RECORD_COMM: {
		const char *name = str_at(b, len, 8);
		if (!name)
			return false;
		p->stats.comms++;
		ts_perf_comm(p, (int)ts_le32(b), (int)ts_le32(b + 4), name, misc & PERF_RECORD_MISC_COMM_EXEC);
		return true;
	}
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		if (len < 16)
			return false;
		if (type == PERF_RECORD_FORK) {
			p->stats.forks++;
			ts_perf_fork(p, (int)ts_le32(b), (int)ts_le32(b + 4), (int)ts_le32(b + 8), (int)ts_le32(b + 12));
		} else {
			p->stats.exits++;
			ts_perf_exit(p, (int)ts_le32(b), (int)ts_le32(b + 8));
		}
		return true;
	case PERF_RECORD_LOST:
		if (len < 16)
			return false;
		p->stats.lost += ts_le64(b + 8);
		return true;
	default:
		if (type == REC_COMPRESSED || type == REC_COMPRESSED2)
			p->stats.compressed++;
		else if (type < PERF_RECORD_MAX || (type >= REC_USER_FIRST && type <= REC_USER_LAST) ||
			 type == REC_FINISHED_ROUND)
			p->stats.skipped++;
		else
			p->stats.unknown++;
		return true;
	}
}

int trustack_perf__next(struct trustack_perf *p, struct trustack_perf_sample *s, char *err, size_t errlen)
{
	if (!p || !s)
		return -TRUSTACK_E_ARG;
	while (p->next < p->nrecs) {
		uint64_t off = p->recs[p->next++].off;
		const uint8_t *h = p->map + off;
		uint32_t type = ts_le32(h);
		uint16_t misc = ts_le16(h + 4), size = ts_le16(h + 6);
		p->stats.records++;
		if (type != PERF_RECORD_SAMPLE) {
			if (!apply(p, type, misc, h + 8, size - 8u))
				p->stats.damaged++;
			continue;
		}
		memset(s, 0, sizeof(*s));
		s->cpumode = misc & PERF_RECORD_MISC_CPUMODE_MASK;
		s->offset = off;
		if (!parse_sample(p, h + 8, size - 8u, s)) {
			p->stats.damaged++;
			continue;
		}
		p->stats.samples++;
		p->cur_pid = s->pid;
		return 1;
	}
	if (!p->bad_reported && (p->bad_off || p->truncated)) {
		p->bad_reported = true;
		if (p->truncated)
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
				    "truncated: the file ends %" PRIu64 " bytes before its records do%s", p->truncated,
				    p->bad_off ? " (the last record read is cut)" : "");
		if (p->bad_size)
			return ts_fail(err, errlen, TRUSTACK_E_FORMAT,
				    "damaged record at offset %" PRIu64 " (size %u): the %" PRIu64
				    " bytes from there on cannot be read", p->bad_off, p->bad_size,
				    p->data_off + p->data_size - p->bad_off);
		return ts_fail(err, errlen, TRUSTACK_E_FORMAT, "truncated: the last record (offset %" PRIu64 ") is cut",
			    p->bad_off);
	}
	return 0;
}
