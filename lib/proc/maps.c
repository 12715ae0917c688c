/* maps.c - /proc/PID/maps into mappings, and mappings into modules. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/proc.h"
#include "common/vec.h"

/* A number in base 16 or 10 at *p, then the separator sep (0: any whitespace or the end). The
 * lines are read by hand: sscanf was a tenth of a warm `trustack stacks`. */
static bool number(char **p, unsigned base, char sep, unsigned long long *v)
{
	char *s = *p;
	unsigned long long x = 0;
	unsigned digits = 0;
	for (;; s++, digits++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (x > (~0ULL - d) / base)
			return false;
		x = x * base + d;
	}
	if (!digits || (sep ? *s != sep : (*s && *s != ' ' && *s != '\n')))
		return false;
	*v = x;
	*p = sep ? s + 1 : s;
	return true;
}

static void skip_spaces(char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

static int parse_line(char *line, struct ts_map *m)
{
	unsigned long long start, end, off, ino, maj, min;
	memset(m, 0, sizeof(*m));
	char *p = line, *perm;
	if (!number(&p, 16, '-', &start) || !number(&p, 16, ' ', &end))
		return -1;
	perm = p;
	while (*p && *p != ' ')
		p++;
	if (p - perm < 3 || p - perm > 7)
		return -1;
	skip_spaces(&p);
	if (!number(&p, 16, ' ', &off))
		return -1;
	skip_spaces(&p);
	if (!number(&p, 16, ':', &maj) || !number(&p, 16, ' ', &min) || maj > 0xffffffffu || min > 0xffffffffu)
		return -1;
	skip_spaces(&p);
	if (!number(&p, 10, 0, &ino))
		return -1;
	skip_spaces(&p);
	m->dev_major = (unsigned)maj, m->dev_minor = (unsigned)min;
	char *path = p;
	m->start = start, m->end = end, m->offset = off, m->inode = ino;
	m->r = perm[0] == 'r', m->w = perm[1] == 'w', m->x = perm[2] == 'x';
	size_t n = strlen(path);
	while (n && (path[n - 1] == '\n' || path[n - 1] == ' '))
		path[--n] = 0;
	static const char del[] = " (deleted)";
	if (n >= sizeof(del) - 1 && !strcmp(path + n - (sizeof(del) - 1), del)) {
		path[n - (sizeof(del) - 1)] = 0;
		m->deleted = true;
	}
	m->path = strdup(path);
	return m->path ? 0 : -2;
}

int ts_maps_read(int pid, struct ts_maps *out)
{
	char fn[64];
	snprintf(fn, sizeof(fn), "/proc/%d/maps", pid);
	memset(out, 0, sizeof(*out));
	FILE *f = fopen(fn, "re");
	if (!f)
		return errno == ENOMEM ? -TRUSTACK_E_NOMEM
		       : errno == EACCES || errno == EPERM ? -TRUSTACK_E_PERM
							   : -TRUSTACK_E_NOPROC;
	char *line = NULL;
	size_t cap = 0, room = 0;
	int rc = 0;
	while (getline(&line, &cap, f) > 0) {
		if (TS_GROW(out->v, out->n, room, 64)) {
			rc = -TRUSTACK_E_NOMEM;
			break;
		}
		int r = parse_line(line, &out->v[out->n]);
		if (r == -2) {
			rc = -TRUSTACK_E_NOMEM;
			break;
		}
		if (r == 0)
			out->n++;
	}
	free(line);
	fclose(f);
	if (rc)
		ts_maps_free(out);
	return rc;
}

void ts_maps_free(struct ts_maps *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

const struct ts_map *ts_maps_find(const struct ts_maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (addr < m->v[mid].start)
			hi = mid;
		else if (addr >= m->v[mid].end)
			lo = mid + 1;
		else
			return &m->v[mid];
	}
	return NULL;
}

static bool same_file(const struct ts_map *a, const struct ts_map *b)
{
	return a->inode == b->inode && a->dev_major == b->dev_major && a->dev_minor == b->dev_minor &&
	       !strcmp(a->path, b->path);
}

static enum trustack_module_kind special_kind(const char *path)
{
	if (!strcmp(path, "[vdso]"))
		return TRUSTACK_MODULE_VDSO;
	if (!strcmp(path, "[uprobes]"))
		return TRUSTACK_MODULE_UPROBES;
	if (!strcmp(path, "[vsyscall]"))
		return TRUSTACK_MODULE_VSYSCALL;
	/* [stack], [heap], [anon:name]: anonymous memory as far as code is concerned */
	return TRUSTACK_MODULE_ANON_EXEC;
}

static int add_exec(struct trustack_module *m, size_t *room, uint64_t s, uint64_t e)
{
	struct trustack_range *v = (struct trustack_range *)m->exec;
	if (m->nexec && v[m->nexec - 1].end == s) { /* adjacent: one range */
		v[m->nexec - 1].end = e;
		return 0;
	}
	if (TS_GROW(v, m->nexec, *room, 2))
		return -TRUSTACK_E_NOMEM;
	m->exec = v;
	v[m->nexec].start = s, v[m->nexec].end = e;
	m->nexec++;
	return 0;
}

/*
 * A file module is the run of consecutive mappings of one file (the loader maps a file's
 * segments next to each other; .bss beyond the file is an anonymous mapping right after them and
 * is not part of the module). Only modules with executable memory are kept: data files
 * (locale archives, fonts) are not code.
 */
int ts_modules_build(const struct ts_maps *maps, struct ts_modules *out)
{
	memset(out, 0, sizeof(*out));
	size_t room = 0;
	for (size_t i = 0; i < maps->n;) {
		const struct ts_map *m = &maps->v[i];
		size_t j = i + 1;
		bool file = m->path[0] == '/' && m->inode;
		if (file)
			while (j < maps->n && same_file(&maps->v[j], m))
				j++;
		bool anyx = false;
		for (size_t k = i; k < j; k++)
			anyx |= maps->v[k].x;
		if (!anyx) {
			i = j;
			continue;
		}
		if (TS_GROW(out->v, out->n, room, 32))
			goto nomem;
		struct trustack_module *mod = &out->v[out->n];
		memset(mod, 0, sizeof(*mod));
		mod->kind = file ? TRUSTACK_MODULE_FILE : special_kind(m->path);
		mod->path = strdup(m->path);
		if (!mod->path)
			goto nomem;
		out->n++;
		mod->deleted = m->deleted;
		mod->start = m->start;
		mod->end = maps->v[j - 1].end;
		size_t xroom = 0;
		for (size_t k = i; k < j; k++)
			if (maps->v[k].x && add_exec(mod, &xroom, maps->v[k].start, maps->v[k].end))
				goto nomem;
		i = j;
	}
	return 0;
nomem:
	ts_modules_free(out);
	return -TRUSTACK_E_NOMEM;
}

void ts_modules_free(struct ts_modules *mods)
{
	for (size_t i = 0; i < mods->n; i++) {
		free((void *)mods->v[i].path);
		free((void *)mods->v[i].exec);
		free((void *)mods->v[i].file);
		free((void *)mods->v[i].problem);
	}
	free(mods->v);
	memset(mods, 0, sizeof(*mods));
}

size_t ts_proc_read_text(const char *path, char *buf, size_t size)
{
	if (size < 2)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return (size_t)n;
}
