/*
 * perf_flame.c - collapsed stacks ("comm;outer;...;leaf COUNT", the input flame-graph tools
 * read) and a flame graph drawn from them as SVG.
 *
 * Unreliable stacks are kept apart: they hang under a frame "[unreliable: REASON]" right below
 * the command, and their frames beyond the one where trust was lost carry " [unverified]"; the
 * SVG draws those grey and the reason frames blue, so what the profile really knows stays warm.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"
#include "vec.h"

struct entry {
	char *key;
	uint64_t count;
};

struct pf_flame {
	struct entry *e;
	size_t n, cap;
	uint32_t *slot;   /* open addressing over e (index + 1, 0 empty) */
	size_t nslot;
	char *buf;        /* the key being built */
	size_t len, capbuf;
};

struct pf_flame *pf_flame_new(void)
{
	return calloc(1, sizeof(struct pf_flame));
}

void pf_flame_free(struct pf_flame *fl)
{
	if (!fl)
		return;
	for (size_t i = 0; i < fl->n; i++)
		free(fl->e[i].key);
	free(fl->e);
	free(fl->slot);
	free(fl->buf);
	free(fl);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static bool rehash(struct pf_flame *fl)
{
	size_t n = fl->nslot ? fl->nslot * 2 : 1024;
	uint32_t *t = calloc(n, sizeof(*t));
	if (!t)
		return false;
	for (size_t i = 0; i < fl->n; i++) {
		size_t h = hash(fl->e[i].key) & (n - 1);
		while (t[h])
			h = (h + 1) & (n - 1);
		t[h] = (uint32_t)i + 1;
	}
	free(fl->slot);
	fl->slot = t, fl->nslot = n;
	return true;
}

static bool put(struct pf_flame *fl, const char *s, size_t n)
{
	if (TS_RESERVE(fl->buf, fl->len + n + 1, fl->capbuf, 256))
		return false;
	memcpy(fl->buf + fl->len, s, n);
	fl->len += n;
	fl->buf[fl->len] = 0;
	return true;
}

/* A frame name without the separators of the format. */
static bool put_name(struct pf_flame *fl, const char *s)
{
	size_t at = fl->len;
	if (!put(fl, s, strlen(s)))
		return false;
	for (size_t i = at; i < fl->len; i++)
		if (fl->buf[i] == ';' || fl->buf[i] == '\n')
			fl->buf[i] = ':';
	return true;
}

static bool put_frame(struct pf_flame *fl, struct pf_syms *s, const struct pf_frame *f)
{
	char tmp[64];
	bool ok;
	if (f->function)
		ok = put_name(fl, pf_syms_display(s, f->function));
	else if (f->module) {
		snprintf(tmp, sizeof(tmp), "+0x%" PRIx64 "]", f->pc);
		ok = put(fl, "[", 1) && put_name(fl, f->module) && put(fl, tmp, strlen(tmp));
	} else {
		snprintf(tmp, sizeof(tmp), "[unknown 0x%" PRIx64 "]", f->pc);
		ok = put(fl, tmp, strlen(tmp));
	}
	return ok && (f->trusted || put(fl, " [unverified]", 13));
}

bool pf_flame_add(struct pf_flame *fl, struct pf_syms *s, const char *comm, const struct pf_frame *fr, size_t n,
		  const char *reason)
{
	fl->len = 0;
	if (!put_name(fl, comm && *comm ? comm : "[unknown]"))
		return false;
	if (reason && (!put(fl, ";[unreliable: ", 14) || !put_name(fl, reason) || !put(fl, "]", 1)))
		return false;
	for (size_t i = n; i-- > 0;)
		if (!put(fl, ";", 1) || !put_frame(fl, s, &fr[i]))
			return false;
	if (fl->n * 2 >= fl->nslot && !rehash(fl))
		return false;
	size_t h = hash(fl->buf) & (fl->nslot - 1);
	while (fl->slot[h]) {
		struct entry *e = &fl->e[fl->slot[h] - 1];
		if (!strcmp(e->key, fl->buf)) {
			e->count++;
			return true;
		}
		h = (h + 1) & (fl->nslot - 1);
	}
	if (TS_GROW(fl->e, fl->n, fl->cap, 256))
		return false;
	char *k = strdup(fl->buf);
	if (!k)
		return false;
	fl->e[fl->n] = (struct entry){ k, 1 };
	fl->slot[h] = (uint32_t)++fl->n;
	return true;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* The entries sorted by key (a copy of the pointers: the table keeps its order). */
static struct entry *sorted(const struct pf_flame *fl)
{
	struct entry *v = malloc((fl->n ? fl->n : 1) * sizeof(*v));
	if (v && fl->n) {
		memcpy(v, fl->e, fl->n * sizeof(*v));
		qsort(v, fl->n, sizeof(*v), by_key);
	}
	return v;
}

void pf_flame_print_folded(const struct pf_flame *fl, FILE *f)
{
	struct entry *v = sorted(fl);
	if (!v)
		return;
	for (size_t i = 0; i < fl->n; i++)
		fprintf(f, "%s %" PRIu64 "\n", v[i].key, v[i].count);
	free(v);
}

/* ---- the SVG: frames as boxes, callers below callees, widths by sample count ---- */

enum { SVG_W = 1200, FRAME_H = 16, PAD = 10, TOP = 40 };

static void xml_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)s[i] >= 0x20)
				fputc(s[i], f);
		}
	}
}

static void colour(const char *name, size_t n, char *out, size_t len)
{
	static const char unver[] = " [unverified]";
	size_t u = sizeof(unver) - 1;
	if (n >= u && !memcmp(name + n - u, unver, u)) {
		snprintf(out, len, "rgb(190,190,190)");
		return;
	}
	if (!strncmp(name, "[unreliable", 11)) {
		snprintf(out, len, "rgb(120,160,220)");
		return;
	}
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)name[i]) * 1099511628211ull;
	snprintf(out, len, "rgb(%u,%u,%u)", 205 + (unsigned)(h % 50), 80 + (unsigned)(h >> 8) % 130,
		 40 + (unsigned)(h >> 16) % 50);
}

/* The i-th ';'-separated frame of key (its start and length), false past the last. */
static bool frame_of(const char *key, size_t i, const char **s, size_t *n)
{
	const char *p = key;
	for (; i; i--) {
		p = strchr(p, ';');
		if (!p)
			return false;
		p++;
	}
	const char *e = strchr(p, ';');
	*s = p, *n = e ? (size_t)(e - p) : strlen(p);
	return true;
}

static size_t depth_of(const char *key)
{
	size_t d = 1;
	for (; *key; key++)
		d += *key == ';';
	return d;
}

/* Draw the frames at depth d of the sorted entries [lo, hi) (all with the same frames above d),
 * starting at x; consecutive entries with the same frame at d are one box. */
static void draw(FILE *f, const struct entry *v, size_t lo, size_t hi, size_t d, double x, double scale, uint64_t total,
		 size_t maxd)
{
	size_t i = lo;
	while (i < hi) {
		const char *s, *s2;
		size_t n, n2;
		if (!frame_of(v[i].key, d, &s, &n)) {
			x += (double)v[i].count * scale;
			i++;
			continue;
		}
		size_t j = i;
		uint64_t c = 0;
		while (j < hi && frame_of(v[j].key, d, &s2, &n2) && n2 == n && !memcmp(s, s2, n)) {
			c += v[j].count;
			j++;
		}
		double w = (double)c * scale;
		if (w >= 0.3) {
			char fill[32];
			colour(s, n, fill, sizeof(fill));
			double y = TOP + (double)(maxd - 1 - d) * FRAME_H;
			fprintf(f, "<g><title>");
			xml_text(f, s, n);
			fprintf(f, " (%" PRIu64 " samples, %.2f%%)</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				   "height=\"%d\" fill=\"%s\" rx=\"2\"/>",
				c, 100.0 * (double)c / (double)total, x, y, w, FRAME_H - 1, fill);
			size_t fit = w > 12 ? (size_t)((w - 6) / 7) : 0;
			if (fit >= 3) {
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x + 3, y + FRAME_H - 4);
				xml_text(f, s, n < fit ? n : fit - 2);
				if (n >= fit)
					fputs("..", f);
				fputs("</text>", f);
			}
			fputs("</g>\n", f);
			draw(f, v, i, j, d + 1, x, scale, total, maxd);
		}
		x += w;
		i = j;
	}
}

int pf_flame_write_svg(const struct pf_flame *fl, const char *title, FILE *f)
{
	struct entry *v = sorted(fl);
	if (!v)
		return -1;
	uint64_t total = 0;
	size_t maxd = 1;
	for (size_t i = 0; i < fl->n; i++) {
		total += v[i].count;
		size_t d = depth_of(v[i].key);
		maxd = d > maxd ? d : maxd;
	}
	int h = TOP + (int)maxd * FRAME_H + PAD;
	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		   "<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		   "xmlns=\"http://www.w3.org/2000/svg\">\n"
		   "<style>text { font-family: monospace; font-size: 11px; fill: #000; }</style>\n"
		   "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#f8f8f0\"/>\n"
		   "<text x=\"%d\" y=\"20\" style=\"font-size:15px\">",
		SVG_W, h, SVG_W, h, SVG_W, h, PAD);
	xml_text(f, title, strlen(title));
	fprintf(f, " (%" PRIu64 " samples; grey: frames not verified, blue: why a stack is unreliable)</text>\n", total);
	if (total)
		draw(f, v, 0, fl->n, 0, PAD, (double)(SVG_W - 2 * PAD) / (double)total, total, maxd);
	fputs("</svg>\n", f);
	free(v);
	return ferror(f) ? -1 : 0;
}
